import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { trailingStop, trailingStopKernel, type TrailingStopParams } from '../kernel-lib/kernels/trailing-stop';
import { QuantbookError } from '../kernel-lib/errors';

const f = (xs: number[]) => Float64Array.from(xs);

function run(close: number[], signal: number[], params: Partial<TrailingStopParams>, high = close, low = close, atr?: number[]) {
  const n = close.length;
  const level = new Float64Array(n);
  const exit = new Float64Array(n);
  const position = new Float64Array(n);
  const p: TrailingStopParams = { percent: 0, atrMultiple: 0, atrPeriod: 0, intrabar: false, trailHighLow: false, ...params };
  trailingStopKernel(f(close), f(high), f(low), f(signal), atr ? f(atr) : undefined, p, level, exit, position);
  return { level: [...level], exit: [...exit], position: [...position] };
}

describe('kernels: trailing stop', () => {
  it('percent stop on closes: trails the highest close, exits when the close reaches it, waits for a fresh signal', () => {
    // 25% stop. Entry at 104 -> 78; new high 120 -> 90; 100 holds; 88 <= 90 exits. The signal
    // stays 1 (blocked), goes 0 (released), then 1 again: new entry at 128 -> 96.
    const out = run([100, 104, 120, 100, 88, 92, 96, 128], [0, 1, 1, 1, 1, 1, 0, 1], { percent: 0.25 });
    assert.deepEqual(out.level, [NaN, 78, 90, 90, NaN, NaN, NaN, 96]);
    assert.deepEqual(out.exit, [0, 0, 0, 0, 1, 0, 0, 0]);
    assert.deepEqual(out.position, [0, 1, 1, 1, 0, 0, 0, 1]);
  });

  it('ATR stop on a short, intrabar, trailing the lowest low (chandelier exit)', () => {
    // stop = lowest low + 2 x ATR, only ever lowered: 9+2=11, 11, 8+2=10, 7+1=8; then high 10 >= 8.
    const out = run([10, 10, 9, 8, 9, 11], [-1, -1, -1, -1, -1, -1], { atrMultiple: 2, intrabar: true, trailHighLow: true },
      [11, 10.5, 10, 9, 10, 12], [9, 9, 8, 7, 8, 9], [1, 1, 1, 0.5, 0.5, 0.5]);
    assert.deepEqual(out.level, [11, 11, 10, 8, NaN, NaN]);
    assert.deepEqual(out.exit, [0, 0, 0, 0, 1, 0]);
    assert.deepEqual(out.position, [-1, -1, -1, -1, 0, 0]);
  });

  it('a signal flip ends the trade without an exit flag and opens the other side the same bar', () => {
    const out = run([10, 11, 12], [1, 1, -1], { percent: 0.5 });
    assert.deepEqual(out.level, [5, 5.5, 18]);
    assert.deepEqual(out.exit, [0, 0, 0]);
    assert.deepEqual(out.position, [1, 1, -1]);
  });

  it('a stop-out while the signal already points the other way reverses at once', () => {
    const out = run([10, 4], [1, -1], { percent: 0.5 });
    assert.deepEqual(out, { level: [5, 6], exit: [0, 1], position: [1, -1] });
  });

  it('keeps the position size of the signal, and has no stop while the ATR is still warming up', () => {
    const out = run([10, 5, 20, 19], [0.5, 0.5, 0.5, 0.5], { atrMultiple: 1 }, undefined, undefined, [NaN, NaN, 2, 2]);
    assert.deepEqual(out.level, [NaN, NaN, 18, 18]);
    assert.deepEqual(out.position, [0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual(out.exit, [0, 0, 0, 0]);
  });

  describe('trailingStop (frame, per security)', () => {
    const frame = pl.DataFrame({
      security_id: ['B', 'B', 'B', 'A', 'A', 'A', 'A'],
      date: pl.Series('date', [1, 2, 3, 1, 2, 3, 4]).cast(pl.Date),
      high: [21, 22, 19, 11, 12, 13, 10],
      low: [19, 20, 15, 9, 10, 11, 7],
      close: [20, 21, 16, 10, 11, 12, 8],
      signal: [1, 1, 1, null, 1, 1, 1],
    });

    it('adds level, exit and position columns, sorted by security and date, nulls as flat', async () => {
      const out = await trailingStop(frame, { percent: 0.2 });
      assert.deepEqual(out.getColumn('security_id').toArray(), ['A', 'A', 'A', 'A', 'B', 'B', 'B']);
      // A: null signal = flat; entry at 11 -> 8.8; 12 -> 9.6; 8 <= 9.6 exits. B: 20 -> 16; 21 -> 16.8; 16 <= 16.8.
      const level = out.getColumn('stop_level').toArray() as (number | null)[];
      assert.equal(level[0], null);
      [8.8, 9.6].forEach((v, k) => assert.ok(Math.abs((level[1 + k] as number) - v) < 1e-12));
      assert.equal(level[3], null);
      [16, 16.8].forEach((v, k) => assert.ok(Math.abs((level[4 + k] as number) - v) < 1e-12));
      assert.deepEqual(out.getColumn('stop_exit').toArray(), [0, 0, 0, 1, 0, 0, 1]);
      assert.deepEqual(out.getColumn('stop_position').toArray(), [0, 1, 1, 0, 1, 1, 0]);
    });

    it('computes the ATR per security for an ATR stop (period 1: ATR = true range)', async () => {
      const out = await trailingStop(frame, { atrMultiple: 1, atrPeriod: 1, prefix: 'chand' });
      // A: entry t1, highest high 12, TR 2 -> 10; t2: high 13, TR max(2, 2, 0) = 2 -> 11; t3 close 8 <= 11.
      assert.deepEqual(out.getColumn('chand_level').toArray().slice(0, 4), [null, 10, 11, null]);
      assert.deepEqual(out.getColumn('chand_exit').toArray(), [0, 0, 0, 1, 0, 0, 1]);
    });

    it('rejects unclear stop parameters', async () => {
      const bad = (o: object, re: RegExp) => assert.rejects(trailingStop(frame, o), (e: unknown) => e instanceof QuantbookError && re.test(e.message));
      await bad({}, /exactly one of 'percent' or 'atrMultiple'/);
      await bad({ percent: 0.1, atrMultiple: 2 }, /exactly one/);
      await bad({ percent: 1.5 }, /'percent'/);
      await bad({ atrMultiple: 2, atrPeriod: 0 }, /'atrPeriod'/);
      await bad({ percent: 0.1, trigger: 'open' }, /'trigger'/);
      await bad({ percent: 0.1, signal: 'nope' }, /'nope'/);
    });
  });
});
