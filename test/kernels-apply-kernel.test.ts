import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { applyKernel } from '../kernel-lib/kernels/apply-kernel';
import { QuantbookError } from '../kernel-lib/errors';
import { dtypeName } from '../kernel-lib/data/dtype';

/** Unsorted on purpose: B before A, dates out of order. */
const frame = pl.DataFrame({
  security_id: ['B', 'A', 'B', 'A', 'A'],
  date: pl.Series('date', [2, 3, 1, 1, 2]).cast(pl.Date),
  close: [20, 3, 10, 1, null],
  label: ['b2', 'a3', 'b1', 'a1', 'a2'],
});

const cumulativeSum = ([x]: Float64Array[], [out]: Float64Array[]) => {
  let s = 0;
  for (let t = 0; t < x.length; t++) {
    if (x[t] === x[t]) s += x[t];
    out[t] = s;
  }
};

describe('kernels: applyKernel (user path-dependent logic through the bridge)', () => {
  it('hands each security its rows in time order, restarts state per security, keeps every column', async () => {
    const out = await applyKernel(frame, { inputs: ['close'], output: 'running', kernel: cumulativeSum });
    assert.deepEqual(out.getColumn('label').toArray(), ['a1', 'a2', 'a3', 'b1', 'b2']);
    assert.deepEqual(out.getColumn('running').toArray(), [1, 1, 4, 10, 30]);
    assert.equal(dtypeName(out.getColumn('running').dtype), 'Float64');
  });

  it('passes nulls as NaN and returns NaN as null unless keepNaN', async () => {
    const echo = ([x]: Float64Array[], [out]: Float64Array[]) => out.set(x);
    const out = await applyKernel(frame.lazy(), { inputs: ['close'], output: 'echo', kernel: echo });
    assert.deepEqual(out.getColumn('echo').toArray(), [1, null, 3, 10, 20]);
    const kept = await applyKernel(frame, { inputs: ['close'], output: 'echo', kernel: echo, keepNaN: true });
    assert.ok(Number.isNaN(kept.getColumn('echo').get(1)));
  });

  it('supports several outputs and tells the kernel which security it runs on', async () => {
    const seen: string[] = [];
    const out = await applyKernel(frame, {
      inputs: ['close'],
      output: ['n', 'first'],
      kernel: ([x], [n, first], security) => {
        seen.push(security);
        for (let t = 0; t < x.length; t++) {
          n[t] = x.length;
          first[t] = x[0];
        }
      },
    });
    assert.deepEqual(seen, ['A', 'B']);
    assert.deepEqual(out.getColumn('n').toArray(), [3, 3, 3, 2, 2]);
    assert.deepEqual(out.getColumn('first').toArray(), [1, 1, 1, 10, 10]);
  });

  it('refuses duplicate (security, date) rows, naming them', async () => {
    const dup = pl.concat([frame, frame.head(1)]);
    await assert.rejects(applyKernel(dup, { inputs: ['close'], output: 'x', kernel: cumulativeSum }),
      (e: unknown) => e instanceof QuantbookError && e.code === 'DUPLICATE_KEY' && /'B' has more than one row at date 1970-01-03/.test(e.message));
  });

  it('reports a failing kernel with the security, an existing output name and a missing input', async () => {
    await assert.rejects(applyKernel(frame, { inputs: ['close'], output: 'x', kernel: () => { throw new Error('boom'); } }),
      (e: unknown) => e instanceof QuantbookError && e.code === 'KERNEL_FAILED' && /security 'A': boom/.test(e.message));
    await assert.rejects(applyKernel(frame, { inputs: ['close'], output: 'label', kernel: cumulativeSum }), /'label' already exist/);
    await assert.rejects(applyKernel(frame, { inputs: ['volume'], output: 'x', kernel: cumulativeSum }), /column 'volume' is not in the frame/);
  });
});
