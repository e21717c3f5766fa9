import { strict as assert } from 'node:assert';
import { averageRanks, ranksWithinGroups } from '../kernel-lib/kernels/xsection-rank';
import { ranksFromOrder as walkRanks } from '../kernel-lib/kernels/rank-walk';
import { demeanByGroup, residualizeOnColumns } from '../kernel-lib/kernels/xsection-residualize';
import { capTercileKernel, trailingMedianKernel } from '../kernel-lib/kernels/xsection-size';
import { DayStatus, fillQuantileBuckets, longShortKernel, longShortKernelLags, longShortOutputs, Residualize, type LongShortInputs, type LongShortParams } from '../kernel-lib/kernels/xsection-longshort';
import { quantileBucket } from '../kernel-lib/kernels/quantile-bucket';
import { meanCrossSectionalSpearman } from '../kernel-lib/kernels/xsection-correlation';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b}`);

/** A dense date-major panel from per-date rows. */
function inputs(signal: number[][], fwd: number[][], extra: Partial<LongShortInputs> = {}): LongShortInputs {
  const T = signal.length;
  const N = signal[0].length;
  return {
    dates: T,
    securities: N,
    signal: Float64Array.from(signal.flat()),
    tradable: new Uint8Array(T * N).fill(1),
    fwd: Float64Array.from(fwd.flat()),
    groups: new Int32Array(N).fill(-1),
    groupCount: 0,
    cap: new Int8Array(T * N).fill(-1),
    size: new Float64Array(T * N).fill(NaN),
    factors: [],
    ...extra,
  };
}

const params = (p: Partial<LongShortParams> = {}): LongShortParams => ({
  lag: 0, residualize: Residualize.off, weightBySignal: false, top: 0.1, bottom: 0.1, mincos: 10,
  naiveBps: 10, useCostMatrix: false, buckets: 10, capSlices: false, ...p,
});

describe('xsection kernels', () => {
  it('average ranks with ties (scipy rankdata "average")', () => {
    assert.deepEqual([...averageRanks([3, 1, 4, 1, 5])], [3, 1.5, 4, 1.5, 5]);
    assert.deepEqual([...averageRanks([0, -0, 2])], [1.5, 1.5, 3]);
  });

  it('demeans within groups', () => {
    const v = Float64Array.from([1, 2, 3, 10, 20]);
    demeanByGroup(v, Int32Array.from([0, 0, 0, 1, 1]), 5, 2, new Float64Array(2), new Float64Array(2));
    assert.deepEqual([...v], [-1, 0, 1, -5, 5]);
  });

  it('OLS residuals: a signal linear in the factor leaves the noise only, orthogonal to the factor', () => {
    const x = Float64Array.from([1, 2, 3, 4, 5]);
    const noise = [0.5, -1, 0, 1, -0.5]; // mean 0 and orthogonal to x - mean(x)
    const v = Float64Array.from(x, (xi, j) => 3 + 2 * xi + noise[j]);
    assert.ok(residualizeOnColumns(v, x, 5, 1, 5, true, new Float64Array(4), new Float64Array(2)));
    v.forEach((r, j) => close(r, noise[j], 1e-12));
    // a constant factor together with the intercept is collinear: refused
    const w = Float64Array.from([1, 2, 3]);
    assert.equal(residualizeOnColumns(w, Float64Array.from([7, 7, 7]), 3, 1, 3, true, new Float64Array(4), new Float64Array(2)), false);
    assert.deepEqual([...w], [1, 2, 3]);
  });

  it('equal-weight top/bottom decile: PnL, legs, turnover and cost by hand', () => {
    // 10 securities, signal = security index; decile long = #9, short = #0.
    const sig = (perm: number[]) => perm;
    const signal = [sig([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), sig([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), sig([9, 1, 2, 3, 4, 5, 6, 7, 8, 0]), sig([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])];
    const fwd = [
      [-0.01, 0, 0, 0, 0, 0, 0, 0, 0, 0.02],
      [0.03, 0, 0, 0, 0, 0, 0, 0, 0, 0.01],
      [0.05, 0, 0, 0, 0, 0, 0, 0, 0, -0.02],
      [NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN],
    ];
    const out = longShortOutputs(4, 10);
    longShortKernel(inputs(signal, fwd), params({ naiveBps: 10 }), [out]);
    // day 0: long #9 (+0.02), short #0 (-(-0.01)) = 0.03; enter both legs: turnover 2
    close(out.gross[0], 0.03);
    close(out.longLeg[0], 0.02);
    close(out.shortLeg[0], 0.01);
    close(out.turnover[0], 2);
    close(out.cost[0], 2 * 10 / 1e4);
    close(out.net[0], 0.03 - 0.002);
    // day 1: same book, no trade
    close(out.gross[1], 0.01 - 0.03);
    close(out.turnover[1], 0);
    // day 2: names swap legs: #0 long, #9 short: |1 - (-1)| + |-1 - 1| = 4
    close(out.gross[2], 0.05 - -0.02);
    close(out.turnover[2], 4);
    close(out.cost[2], 4e-3);
    // the last calendar date has no next date: never traded
    assert.equal(out.status[3], DayStatus.inactive);
    assert.deepEqual([...out.status.subarray(0, 3)], [1, 1, 1]);
    assert.deepEqual([out.nLong[0], out.nShort[0]], [1, 1]);
  });

  it('lag L reads the signal of trade date t - L', () => {
    const signal = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]];
    const fwd = [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0.01], [0.02, 0, 0, 0, 0, 0, 0, 0, 0, 0.04], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]];
    const out = longShortOutputs(3, 10);
    longShortKernel(inputs(signal, fwd), params({ lag: 1 }), [out]);
    assert.equal(out.status[0], DayStatus.inactive);
    // trade date 1 uses date 0's signal: long #9 (0.04), short #0 (0.02)
    close(out.gross[1], 0.04 - 0.02);
  });

  it('skips dates with fewer than mincos eligible securities: flat book, liquidation and re-entry costs', () => {
    const full = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const thin = [0, 1, 2, NaN, NaN, NaN, NaN, NaN, NaN, 9];
    const zero = Array(10).fill(0);
    const out = longShortOutputs(4, 10);
    longShortKernel(inputs([full, thin, full, full], [zero, zero, zero, zero]), params({ mincos: 10 }), [out]);
    assert.deepEqual([...out.status], [DayStatus.traded, DayStatus.skippedMincos, DayStatus.traded, DayStatus.inactive]);
    assert.deepEqual([...out.turnover.subarray(0, 3)], [2, 2, 2]);
    assert.equal(out.eligible[1], 4);
    assert.equal(out.nLong[1], 0);
  });

  it('signal weights: proportional to |signal - median| within each leg', () => {
    // 20 securities, top/bottom 10%: 2 per leg. median of 0..17,100,200 = 9.5
    const s = [...Array.from({ length: 18 }, (_, i) => i), 100, 200];
    const fwd = Array(20).fill(0);
    fwd[18] = 0.01; // weight (100-9.5)/(90.5+190.5)
    fwd[0] = 0.01; // short leg: |0-9.5| / (9.5 + 8.5)
    const out = longShortOutputs(2, 10);
    longShortKernel(inputs([s, s], [fwd, fwd]), params({ weightBySignal: true }), [out]);
    close(out.longLeg[0], 0.01 * 90.5 / 281);
    close(out.shortLeg[0], -0.01 * 9.5 / 18);
  });

  it('industry residualization removes a pure group effect', () => {
    // signal = group level only (+ tiny within-group noise); returns are pure noise: after demeaning
    // the ranking follows the within-group part.
    const groups = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const s = [100, 101, 102, 103, 104, 0, 1, 2, 3, 4];
    const fwd = [0, 0, 0, 0, 0.05, 0.07, 0, 0, 0, 0];
    const raw = longShortOutputs(2, 10);
    longShortKernel(inputs([s, s], [fwd, fwd], { groups, groupCount: 2 }), params(), [raw]);
    // raw: long #4 (104), short #5 (0)
    close(raw.gross[0], 0.05 - 0.07);
    const res = longShortOutputs(2, 10);
    longShortKernel(inputs([s, s], [fwd, fwd], { groups, groupCount: 2 }), params({ residualize: Residualize.industry }), [res]);
    // demeaned: both groups become -2..2; top decile = average rank > 9: the two +2 (#4, #9) tie at 9.5
    assert.equal(res.nLong[0], 2);
    assert.equal(res.nShort[0], 2);
    close(res.gross[0], 0.05 / 2 - (0 + 0.07) / 2);
  });

  it('counts held positions with a missing next return and falls back to the naive cost rate', () => {
    const s = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const fwd = [0, 0, 0, 0, 0, 0, 0, 0, 0, NaN];
    const cost = Float64Array.from([...Array(9).fill(50), NaN, ...Array(10).fill(50)]);
    const out = longShortOutputs(2, 10);
    longShortKernel(inputs([s, s], [fwd, fwd], { costBps: cost }), params({ useCostMatrix: true, naiveBps: 10 }), [out]);
    assert.equal(out.counters[0], 1); // held #9 without a return
    close(out.cost[0], (1 * 50 + 1 * 10) / 1e4); // #0 at 50 bps, #9 falls back to 10 bps
    assert.equal(out.counters[1], 1);
  });

  it('fractile analysis: mean forward return per pd.qcut bucket, per date first', () => {
    const s = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const fwd = s.map((x) => x / 100);
    const out = longShortOutputs(3, 5);
    longShortKernel(inputs([s, s, s], [fwd, fwd.map((x) => 2 * x), fwd]), params({ buckets: 5 }), [out]);
    // buckets of 2: means (0.005, 0.025, ...) on date 0 and twice that on date 1
    assert.deepEqual([...out.fractileDates], [2, 2, 2, 2, 2]);
    close(out.fractileSum[0] / 2, (0.005 + 0.01) / 2);
    close(out.fractileSum[4] / 2, (0.085 + 0.17) / 2);
  });

  it('ranks within cap buckets equal research\'s rank walk with groups (ties, positions without a bucket)', () => {
    let seed = 5;
    const u = () => ((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
    for (const m of [1, 2, 7, 50, 400]) {
      const values = Float64Array.from({ length: m }, () => Math.floor(u() * (m / 3 + 1)) / 4); // many ties
      const groupOf = Int32Array.from({ length: m }, () => Math.floor(u() * 4) - 1); // -1 = no bucket
      const order = Int32Array.from([...Array(m).keys()].sort((a, b) => values[a] - values[b] || a - b));
      const average = new Float64Array(m).fill(NaN);
      const count = new Int32Array(3);
      walkRanks({ order, m, values, securityOf: Int32Array.from(order.keys()), include: null, stamp: 0, groupOf }, 3, { average, min: null, count, sumSquares: new Float64Array(3), runCount: new Int32Array(3) });
      const mine = new Float64Array(m).fill(NaN);
      const mineCount = new Int32Array(3);
      const runs = new Int32Array(3);
      ranksWithinGroups(order, m, values, groupOf, 3, mine, mineCount, runs);
      assert.deepEqual([...mine].map(String), [...average].map(String));
      assert.deepEqual([...mineCount], [...count]);
      assert.deepEqual([...runs], [0, 0, 0]);
    }
  });

  it('variants run together (lags 0, 1, 2 sharing ranks) equal each variant run alone, bit for bit', () => {
    let seed = 17;
    const u = () => ((seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
    const T = 60;
    const N = 40;
    const cells = T * N;
    // gaps in the signal, untradable cells (so eligible sets differ between lags on some dates), ties, -0
    const signal = Float64Array.from({ length: cells }, () => (u() < 0.1 ? NaN : u() < 0.05 ? -0 : Math.round(u() * 40) / 8));
    const tradable = Uint8Array.from({ length: cells }, () => (u() < 0.04 ? 0 : 1));
    const fwd = Float64Array.from({ length: cells }, () => (u() < 0.02 ? NaN : 0.02 * (u() - 0.5)));
    const groups = Int32Array.from({ length: N }, (_, i) => (i % 9 === 0 ? -1 : i % 4));
    const cap = Int8Array.from({ length: cells }, () => Math.floor(u() * 4) - 1);
    const size = Float64Array.from({ length: cells }, () => u() * 100);
    const inp: LongShortInputs = { dates: T, securities: N, signal, tradable, fwd, groups, groupCount: 4, cap, size, factors: [] };
    for (const residualize of [Residualize.off, Residualize.industry, Residualize.all]) {
      for (const weightBySignal of [false, true]) {
        const base = params({ residualize, weightBySignal, capSlices: true, mincos: 5, buckets: 5 });
        const lags = [0, 1, 2];
        const together = lags.map(() => [0, 1, 2, 3].map(() => longShortOutputs(T, 5)));
        longShortKernelLags(inp, lags.map((lag) => ({ ...base, lag })), together);
        for (const [k, lag] of lags.entries()) {
          const alone = [0, 1, 2, 3].map(() => longShortOutputs(T, 5));
          longShortKernel(inp, { ...base, lag }, alone);
          for (const [q, book] of alone.entries()) {
            for (const [field, values] of Object.entries(book)) {
              const other = (together[k][q] as unknown as Record<string, ArrayLike<number>>)[field];
              assert.ok(Array.from(values as ArrayLike<number>).every((x, j) => Object.is(x, other[j])), `residualize ${residualize}, signal weights ${weightBySignal}, lag ${lag}, book ${q}: ${field} differs`);
            }
          }
        }
      }
    }
    assert.throws(() => longShortKernelLags(inp, [params(), params({ lag: 1, top: 0.2 })], [[longShortOutputs(T, 10)], [longShortOutputs(T, 10)]]), /differ only in lag/);
  });

  it('fractile buckets by table (filled per date) equal quantileBucket for every min rank, n and bucket count', () => {
    const table = new Int32Array(301);
    for (let k = 1; k <= 12; k++) {
      for (let n = 1; n <= 300; n++) {
        fillQuantileBuckets(table, n, k);
        for (let r = 1; r <= n; r++) assert.equal(table[r - 1] + 1, quantileBucket(r, n, k), `min rank ${r} of ${n}, ${k} buckets`);
      }
    }
  });

  it('cap slices: each bucket book equals the book of that bucket\'s securities alone', () => {
    const T = 30;
    const N = 60;
    const u = (k: number) => Math.sin(k * 12.9898) * 43758.5453 % 1;
    const sig = Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => (t === 7 && i % 5 === 0 ? NaN : u(t * N + i))));
    const fwd = Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => 0.01 * u(7 + t * N + i)));
    const cap = Int8Array.from({ length: T * N }, (_, k) => ((k % N) + Math.floor(k / N)) % 4 === 3 ? -1 : ((k % N) + Math.floor(k / N)) % 3);
    for (const weightBySignal of [false, true]) {
      const outs = Array.from({ length: 4 }, () => longShortOutputs(T, 10));
      longShortKernel(inputs(sig, fwd, { cap }), params({ capSlices: true, lag: 1, weightBySignal }), outs);
      for (let b = 0; b < 3; b++) {
        // lag 1: signal row t is traded on date t + 1, in that date's bucket
        const only = sig.map((row, t) => row.map((x, i) => (t + 1 < T && cap[(t + 1) * N + i] === b ? x : NaN)));
        const alone = longShortOutputs(T, 10);
        longShortKernel(inputs(only, fwd, { cap }), params({ lag: 1, weightBySignal }), [alone]);
        outs[b + 1].net.forEach((x, t) => close(x, alone.net[t], 1e-15));
        outs[b + 1].turnover.forEach((x, t) => close(x, alone.turnover[t], 1e-14));
        assert.deepEqual([...outs[b + 1].status], [...alone.status]);
        assert.ok(outs[b + 1].nLong.some((x) => x > 0));
      }
    }
  });

  it('trailing median excludes the current row and skips missing values', () => {
    // one security, window 3, min 2: out[t] = median(x[t-3..t-1] finite)
    const x = Float64Array.from([5, 1, NaN, 3, 9, 2]);
    const out = new Float64Array(6);
    trailingMedianKernel(x, 6, 1, 3, 2, out);
    assert.ok(isNaN(out[0]) && isNaN(out[1]));
    assert.deepEqual([...out.subarray(2)], [3, 3, 2, 6]); // {5,1} {5,1} {1,3} {3,9}
  });

  it('trailing median matches a naive median on random data with gaps, ties and several securities', () => {
    const T = 200;
    const N = 7;
    const w = 9;
    const x = Float64Array.from({ length: T * N }, (_, k) => (k % 11 === 3 ? NaN : Math.round(Math.abs(Math.sin(k * 1.7)) * 20)));
    const out = new Float64Array(T * N);
    trailingMedianKernel(x, T, N, w, 4, out);
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < T; t++) {
        const win: number[] = [];
        for (let u = Math.max(0, t - w); u < t; u++) if (!Number.isNaN(x[u * N + i])) win.push(x[u * N + i]);
        win.sort((a, b) => a - b);
        const h = win.length >> 1;
        const want = win.length < 4 ? NaN : win.length % 2 ? win[h] : (win[h - 1] + win[h]) / 2;
        assert.ok(Object.is(out[t * N + i], want) || (Number.isNaN(want) && Number.isNaN(out[t * N + i])), `t ${t} i ${i}: ${out[t * N + i]} vs ${want}`);
      }
    }
  });

  it('cap terciles per date by rank of the size proxy', () => {
    const size = Float64Array.from([10, 20, 30, 40, 50, 60, NaN, 5, 1]);
    const out = new Int8Array(9);
    capTercileKernel(size, 1, 9, out);
    // 8 finite: ranks 3,4,5,6,7,8,-,2,1 -> floor(3 (r-1) / 8)
    assert.deepEqual([...out], [0, 1, 1, 1, 2, 2, -1, 0, 0]);
  });

  it('mean cross-sectional Spearman: identical ranks give 1, reversed give -1', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
    const b = Float64Array.from([10, 20, 30, 40, 50, 5, 4, 3, 2, 1]);
    const r = meanCrossSectionalSpearman(a, b, 2, 5, 3);
    assert.equal(r.dates, 2);
    close(r.mean, 0);
    close(meanCrossSectionalSpearman(a, a, 2, 5, 3).mean, 1);
  });
});
