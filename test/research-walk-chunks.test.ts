import { strict as assert } from 'node:assert';
import { researchPass } from '../kernel-lib/kernels/xs-research-pass';
import { returnQuadGroups } from '../kernel-lib/kernels/xs-signal-date';
import { lcg, pearson } from './research-reference';

// The forward walks sum rank products as small integers over chunks of names (a chunk's sum
// below 2^30) before adding them to the double sums. Chunks only split a date's walk on wide
// cross-sections (about 800 names and more), which the hand-sized panels of the other tests
// never reach: here 2000 securities, with tied and zero returns so chunk ends fall inside and
// between groups of equal returns, against a plain loop (average ranks from a sort, textbook
// Pearson, buckets from min ranks). Bucket sums of returns read groups of four horizons from
// one interleaved module array while it holds them, the rest horizon by horizon: both ways
// here, and a cross-section wide enough that the array holds only some of the groups.

/** Average ranks (1-based) and min ranks of values. */
function ranks(values: number[]): { average: number[]; min: number[] } {
  const order = values.map((_, j) => j).sort((a, b) => values[a] - values[b]);
  const average = new Array<number>(values.length);
  const min = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    for (let q = start; q < end; q++) {
      average[order[q]] = (start + 1 + end) / 2;
      min[order[q]] = start + 1;
    }
    start = end;
  }
  return { average, min };
}

function checkAgainstPlainLoop(T: number, N: number, S: number, H: number, k: number, seed: number): void {
  const rnd = lcg(seed);
  const signals = Array.from({ length: S }, () => new Float64Array(T * N));
  const forward = Array.from({ length: H }, () => new Float64Array(T * N));
  for (let c = 0; c < T * N; c++) {
    for (const f of forward) {
      const u = rnd();
      // missing, unchanged prices (0) and coarse ties among the rest
      f[c] = u < 0.03 / H ? NaN : u < 0.2 ? 0 : Math.round((rnd() - 0.5) * 400) / 10000;
    }
    for (const sig of signals) {
      const u = rnd();
      sig[c] = u < 0.02 ? NaN : u < 0.1 ? Math.round(rnd() * 4) : rnd() - 0.5;
    }
  }
  const out = researchPass({
    dates: T, securities: N, signals, forward, forward1: null, quantiles: k, lags: [], groups: null, correlation: false,
  });

  it('IC, date mean and bucket means per date, signal and horizon match a plain loop', () => {
    for (let t = 0; t < T; t++) {
      for (let s = 0; s < S; s++) {
        const used: number[] = [];
        for (let i = 0; i < N; i++) {
          const c = t * N + i;
          if (Number.isFinite(signals[s][c]) && forward.every((f) => Number.isFinite(f[c]))) used.push(i);
        }
        assert.equal(out.signals[s].used[t], used.length);
        const x = ranks(used.map((i) => signals[s][t * N + i]));
        for (let h = 0; h < forward.length; h++) {
          const returns = used.map((i) => forward[h][t * N + i]);
          const y = ranks(returns);
          const ic = out.signals[s].ic[h][t];
          assert.ok(Math.abs(ic - pearson(x.average, y.average)) < 1e-12, `IC t=${t} s=${s} h=${h}: ${ic}`);
          const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
          assert.ok(Math.abs(out.signals[s].dateMean[h][t] - mean) < 1e-15, `date mean t=${t} s=${s} h=${h}`);
          for (let b = 1; b <= k; b++) {
            // quantileBucket(minRank, n, k) = max(1, ceil((minRank - 1) k / (n - 1)))
            const inBucket = returns.filter((_, j) => Math.max(1, Math.ceil(((x.min[j] - 1) * k) / (used.length - 1))) === b);
            const expected = inBucket.reduce((a, v) => a + v, 0) / inBucket.length;
            assert.equal(out.signals[s].bucketCount[t * k + b - 1], inBucket.length);
            assert.ok(Math.abs(out.signals[s].bucketMean[h][t * k + b - 1] - expected) < 1e-15, `bucket ${b} t=${t} s=${s} h=${h}`);
          }
        }
      }
    }
  });
}

describe('research pass: rank products summed in chunks on wide cross-sections', () => {
  // 2000 names: chunked pair walks (and an odd signal out); six horizons: one group of four
  // read from the interleaved returns, two summed one by one
  checkAgainstPlainLoop(3, 2000, 3, 6, 5, 41);
});

describe('research pass: more horizons than the interleaved returns hold', () => {
  // 53000 names (double-precision walks) and 23 horizons: 4 * 53000 returns per group of four,
  // so RETURN_QUADS (2^20) holds 4 of the 5 groups and the other 7 horizons are summed one by one
  it('holds 4 groups of four here', () => assert.equal(returnQuadGroups(23, 53000), 4));
  checkAgainstPlainLoop(2, 53000, 1, 23, 5, 43);
});
