import { strict as assert } from 'node:assert';
import { createSortScratch, int32Words, sortPositionsByValue } from '../kernel-lib/kernels/rank-sort';
import { ranksFromOrder } from '../kernel-lib/kernels/rank-walk';
import { quantileBucket } from '../kernel-lib/kernels/quantile-bucket';
import { rankPearson } from '../kernel-lib/kernels/ic-rank-pearson';

/** Straightforward average ranks: for each value, (number below) + (number equal + 1) / 2. */
function naiveAverageRanks(values: number[]): number[] {
  return values.map((v) => {
    let below = 0;
    let equal = 0;
    for (const w of values) {
      if (w < v) below++;
      else if (w === v) equal++;
    }
    return below + (equal + 1) / 2;
  });
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function sortedByKernel(values: number[]): number[] {
  const vals = new Float64Array(values.map((v) => v + 0));
  const order = new Int32Array(values.length);
  sortPositionsByValue(vals, int32Words(vals), values.length, order, createSortScratch(values.length));
  return Array.from(order);
}

describe('research kernels: exact per-date argsort', () => {
  const cases: Record<string, (n: number, rnd: () => number) => number[]> = {
    'normal returns': (n, rnd) => Array.from({ length: n }, () => 0.02 * Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(6.283 * rnd())),
    'many exact ties (cents)': (n, rnd) => Array.from({ length: n }, () => Math.round((rnd() - 0.5) * 20) / 100),
    'values closer than the key resolution': (n, rnd) => Array.from({ length: n }, () => 1 + Math.floor(rnd() * 50) * 2 ** -40),
    'huge outlier among small values': (n, rnd) => Array.from({ length: n }, (_, i) => (i === 7 ? 1e300 : rnd() * 1e-3)),
    'zeros, negative zeros and tiny values': (n, rnd) => Array.from({ length: n }, () => [0, -0, 5e-324, -5e-324, 1e-310, rnd() - 0.5][Math.floor(rnd() * 6)]),
    'all equal': (n) => Array.from({ length: n }, () => 3.25),
    'integers': (n, rnd) => Array.from({ length: n }, () => Math.floor(rnd() * 1e6) - 5e5),
    'descending': (n) => Array.from({ length: n }, (_, i) => n - i),
  };
  for (const [name, make] of Object.entries(cases)) {
    it(`orders ${name} exactly (n = 1..3000)`, () => {
      const rnd = lcg(name.length * 7919);
      for (const n of [1, 2, 3, 24, 25, 100, 1000, 3000]) {
        const values = make(n, rnd);
        const order = sortedByKernel(values);
        assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i), `${name} n=${n}: not a permutation`);
        for (let j = 1; j < n; j++) {
          assert.ok(values[order[j - 1]] <= values[order[j]], `${name} n=${n}: position ${j} out of order (${values[order[j - 1]]} > ${values[order[j]]})`);
        }
      }
    });
  }
});

describe('research kernels: ranks from a sorted order', () => {
  function walk(values: number[], include: boolean[] | null, groups: number[] | null, groupCount = 1) {
    const n = values.length;
    const vals = new Float64Array(values.map((v) => v + 0));
    const order = new Int32Array(n);
    sortPositionsByValue(vals, int32Words(vals), n, order, createSortScratch(n));
    const securityOf = Int32Array.from({ length: n }, (_, i) => i);
    const inc = include ? Int32Array.from(include, (b) => (b ? 5 : 0)) : null;
    const average = new Float64Array(n).fill(NaN);
    const min = new Float64Array(n).fill(NaN);
    const count = new Int32Array(groupCount);
    const sumSquares = new Float64Array(groupCount);
    ranksFromOrder(
      { order, m: n, values: vals, securityOf, include: inc, stamp: 5, groupOf: groups ? Int32Array.from(groups) : null },
      groupCount,
      { average, min, count, sumSquares, runCount: new Int32Array(groupCount) },
    );
    return { average: Array.from(average), min: Array.from(min), count: Array.from(count), sumSquares: Array.from(sumSquares) };
  }

  it('gives scipy-style average ranks and pandas-style min ranks on a hand-worked example', () => {
    // values 3, 1, 4, 1, 5, 9, 2, 6, 5, 3 -> sorted 1 1 2 3 3 4 5 5 6 9
    const r = walk([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], null, null);
    assert.deepEqual(r.average, [4.5, 1.5, 6, 1.5, 7.5, 10, 3, 9, 7.5, 4.5]);
    assert.deepEqual(r.min, [4, 1, 6, 1, 7, 10, 3, 9, 7, 4]);
    assert.equal(r.count[0], 10);
    assert.equal(r.sumSquares[0], r.average.reduce((a, x) => a + x * x, 0));
  });

  it('ranks a subset as if the others were absent', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const include = [true, false, true, true, true, false, false, true, true, true];
    const r = walk(values, include, null);
    const subset = values.filter((_, i) => include[i]);
    const expected = naiveAverageRanks(subset);
    assert.deepEqual(r.average.filter((_, i) => include[i]), expected);
    assert.ok(r.average.every((x, i) => include[i] || Number.isNaN(x)));
  });

  it('ranks within groups, ties split by group', () => {
    const values = [2, 2, 2, 1, 1, 3, 7];
    const groups = [0, 1, 0, 1, 0, 1, -1];
    const r = walk(values, null, groups, 2);
    // group 0: values 2, 2, 1 -> ranks 2.5, 2.5, 1; group 1: 2, 1, 3 -> 2, 1, 3; -1 left out
    assert.deepEqual(r.average.slice(0, 6), [2.5, 2, 2.5, 1, 1, 3]);
    assert.ok(Number.isNaN(r.average[6]));
    assert.deepEqual(r.count, [3, 3]);
  });

  it('matches a naive rank on random data with ties, subsets and groups', () => {
    const rnd = lcg(42);
    for (let trial = 0; trial < 20; trial++) {
      const n = 50 + Math.floor(rnd() * 500);
      const values = Array.from({ length: n }, () => Math.round(rnd() * 40) / 4);
      const include = values.map(() => rnd() < 0.8);
      const groups = values.map(() => Math.floor(rnd() * 3));
      const r = walk(values, include, groups, 3);
      for (let g = 0; g < 3; g++) {
        const idx = values.map((_, i) => i).filter((i) => include[i] && groups[i] === g);
        const expected = naiveAverageRanks(idx.map((i) => values[i]));
        assert.deepEqual(idx.map((i) => r.average[i]), expected);
        assert.equal(r.count[g], idx.length);
      }
    }
  });
});

describe('research kernels: quantile buckets (pd.qcut-compatible)', () => {
  it('matches pd.qcut(range(7), 5, labels=False) + 1 = [1, 1, 2, 3, 4, 5, 5]', () => {
    // qcut edges at positions 0, 1.2, 2.4, 3.6, 4.8, 6 -> values 0,1 | 2 | 3 | 4 | 5,6
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((r) => quantileBucket(r, 7, 5)), [1, 1, 2, 3, 4, 5, 5]);
  });

  it('matches pd.qcut(range(10), 5) and pd.qcut(range(6), 4)', () => {
    assert.deepEqual(Array.from({ length: 10 }, (_, i) => quantileBucket(i + 1, 10, 5)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    // range(6), 4 buckets: edges 0, 1.25, 2.5, 3.75, 5 -> 0,1 | 2 | 3 | 4,5
    assert.deepEqual(Array.from({ length: 6 }, (_, i) => quantileBucket(i + 1, 6, 4)), [1, 1, 2, 3, 4, 4]);
  });

  it('puts a tie group in the bucket of its lowest position, like qcut on values', () => {
    // values [1, 2, 2, 2, 3]: qcut(.., 2) edges 1, 2, 3 -> 1 and the 2s in bucket 1, 3 in bucket 2
    assert.deepEqual([1, 2, 2, 2, 5].map((minRank) => quantileBucket(minRank, 5, 2)), [1, 1, 1, 1, 2]);
  });

  it('keeps equal counts when n is a multiple of k', () => {
    for (const [n, k] of [[100, 5], [3000, 10], [20, 4]]) {
      const counts = new Array(k).fill(0);
      for (let r = 1; r <= n; r++) counts[quantileBucket(r, n, k) - 1]++;
      assert.deepEqual(counts, new Array(k).fill(n / k));
    }
  });
});

describe('research kernels: Pearson of ranks', () => {
  it('is 1 for identical ranks, -1 for reversed, NaN for a constant side', () => {
    const n = 5;
    const r = [1, 2, 3, 4, 5];
    const sq = r.reduce((a, x) => a + x * x, 0);
    assert.equal(rankPearson(n, sq, sq, sq), 1);
    const rev = r.reduce((a, x, i) => a + x * r[n - 1 - i], 0);
    assert.equal(rankPearson(n, rev, sq, sq), -1);
    assert.ok(Number.isNaN(rankPearson(n, 3 * 15, sq, 5 * 9)));
    assert.ok(Number.isNaN(rankPearson(1, 1, 1, 1)));
  });
});
