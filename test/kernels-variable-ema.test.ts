import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { variableEma, variableEmaKernel } from '../kernel-lib/kernels/variable-ema';
import { QuantbookError } from '../kernel-lib/errors';

describe('kernels: EMA with a variable alpha', () => {
  it('uses each bar its own alpha, seeds with the first complete bar, skips NaN without losing state', () => {
    // 10 (seed); 0.5*20 + 0.5*10 = 15; NaN x; NaN alpha; 0.25*40 + 0.75*15 = 21.25; alpha 0 holds; alpha 1 follows.
    const out = new Float64Array(7);
    const bad = variableEmaKernel(Float64Array.from([10, 20, NaN, 30, 40, 50, 60]), Float64Array.from([0.9, 0.5, 0.5, NaN, 0.25, 0, 1]), out);
    assert.equal(bad, 0);
    assert.deepEqual([...out], [10, 15, NaN, NaN, 21.25, 21.25, 60]);
  });

  it('equals a constant-alpha EMA when alpha is constant', () => {
    const x = Float64Array.from({ length: 50 }, (_, i) => 100 + Math.sin(i));
    const out = new Float64Array(50);
    variableEmaKernel(x, new Float64Array(50).fill(0.1), out);
    let y = x[0];
    for (let i = 1; i < 50; i++) y = 0.1 * x[i] + 0.9 * y;
    assert.equal(out[49], y);
  });

  it('counts alphas outside [0, 1] and the frame API names them', async () => {
    const out = new Float64Array(3);
    assert.equal(variableEmaKernel(Float64Array.from([1, 2, 3]), Float64Array.from([0.5, 1.5, -0.1]), out), 2);
    const frame = pl.DataFrame({ security_id: ['A', 'A'], date: pl.Series('date', [1, 2]).cast(pl.Date), close: [1, 2], a: [0.5, 2] });
    await assert.rejects(variableEma(frame, { input: 'close', alpha: 'a' }), (e: unknown) => e instanceof QuantbookError && /column 'a' has 1 alpha value\(s\) outside \[0, 1\] for security 'A'/.test(e.message));
  });

  it('runs per security through the frame API (KAMA-style alpha column)', async () => {
    const frame = pl.DataFrame({
      security_id: ['A', 'A', 'A', 'B', 'B'],
      date: pl.Series('date', [1, 2, 3, 1, 2]).cast(pl.Date),
      close: [10, 20, 30, 100, 200],
      a: [0.5, 0.5, null, 0.1, 0.1],
    });
    const out = await variableEma(frame, { input: 'close', alpha: 'a' });
    assert.deepEqual(out.getColumn('vema_close').toArray(), [10, 15, null, 100, 110]);
  });
});
