import { strict as assert } from 'node:assert';
import { rangeStats, rangeTable } from '../kernel-lib/kernels/range-fall';

/** The definitions, bar by bar. */
function reference(level: Float64Array, lo: number, hi: number): [number, number, number] {
  let max = -Infinity;
  let min = Infinity;
  let fall = 1;
  for (let t = lo; t <= hi; t++) {
    max = Math.max(max, level[t]);
    min = Math.min(min, level[t]);
    fall = Math.min(fall, level[t] / max);
  }
  return [max, min, fall];
}

describe('kernels: range highs, lows and falls (range-fall.ts)', () => {
  it('equal a bar-by-bar scan on every range of short paths and random ranges of long ones', () => {
    let seed = 3;
    const uniform = () => ((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
    const out = new Float64Array(3);
    for (const n of [1, 2, 15, 16, 17, 33, 64, 100, 257]) {
      const level = Float64Array.from({ length: n }, () => 1 + Math.round(uniform() * 40) / 8); // ties too
      const table = rangeTable(level);
      for (let lo = 0; lo < n; lo++) {
        for (let hi = lo; hi < n; hi++) {
          rangeStats(table, lo, hi, out);
          assert.deepEqual([...out], reference(level, lo, hi), `n ${n} [${lo}, ${hi}]`);
        }
      }
    }
    for (const n of [5000, 70_001]) {
      let x = 100;
      const level = Float64Array.from({ length: n }, () => (x *= 1 + (uniform() - 0.49) * 0.02)); // 16-bar blocks past 65,536
      const table = rangeTable(level);
      for (let q = 0; q < 3000; q++) {
        const a = Math.floor(uniform() * n);
        const b = q % 3 === 0 ? Math.min(n - 1, a + Math.floor(uniform() * 200)) : Math.floor(uniform() * n);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        rangeStats(table, lo, hi, out);
        assert.deepEqual([...out], reference(level, lo, hi), `n ${n} [${lo}, ${hi}]`);
      }
    }
  });

  it('a steady rise has no fall (ratio 1); a V falls to its bottom over the peak before it', () => {
    const out = new Float64Array(3);
    const rise = Float64Array.from({ length: 100 }, (_, t) => t + 1);
    rangeStats(rangeTable(rise), 3, 90, out);
    assert.deepEqual([...out], [91, 4, 1]);
    const v = Float64Array.from({ length: 100 }, (_, t) => Math.abs(t - 50) + 1);
    rangeStats(rangeTable(v), 10, 99, out);
    assert.deepEqual([...out], [50, 1, 1 / 41]);
  });
});
