import { quantileBucket } from './quantile-bucket';
import { ranksFromOrder, type RankWalkOutput } from './rank-walk';
import { createRankScratch, rankedMedian, rankValues } from './xsection-rank';
import { demeanByGroup, residualizeOnColumns } from './xsection-residualize';

/**
 * The daily dollar-neutral fractile long-short portfolio over a dense date-major panel
 * (cell (t, i) at t * securities + i). Definitions in docs/xsection.md; in short:
 *
 * - The signal matrix is aligned to trade dates at lag 0 (the contract's first tradeable
 *   bar); a variant with lag L reads row t - L on trade date t.
 * - Eligible on t: signal finite, the security tradable on t (a price to trade at), with a
 *   group label / finite factors when residualizing.
 * - Fewer than `mincos` eligible: the date is skipped (flat book, counted).
 * - Ranks r (average ranks, 1-based) of the (residualized) signal among the n eligible;
 *   kLong = floor(n * top), kShort = floor(n * bottom); long when r > n - kLong, short when
 *   r < kShort + 1 (tied values stay together). kLong or kShort = 0: skipped, counted.
 * - Weights: the long leg sums to +1 and the short leg to -1 (equal, or proportional to
 *   |signal - cross-sectional median| within a leg).
 * - gross[t] = sum_i w[t,i] * fwd[t,i], fwd[t,i] the return from trade date t to t+1 (a held
 *   security with no fwd contributes 0 and is counted).
 * - Fractile analysis: bucket = quantileBucket(min rank, n, B) (pd.qcut per date, the same
 *   buckets as research's quantile analysis); mean forward return per bucket per date, then
 *   averaged over dates.
 * - turnover[t] = sum_i |w[t,i] - w[t-1,i]| (w before the first active date is 0);
 *   cost[t] = sum_i |dw| * bps / 1e4, bps per security from the cost matrix or the naive
 *   rate; net = gross - cost.
 * - Cap slices (when asked): the same rule applied within each cap bucket (small, mid, large)
 *   to the eligible securities of that bucket, with the signal residualized on the whole
 *   eligible universe. One sort per date serves all four books: the within-bucket ranks come
 *   from the same ascending order (research's rank walk with groups).
 */
export const Residualize = { off: 0, industry: 1, factor: 2, all: 3 } as const;

export const DayStatus = { inactive: 0, traded: 1, skippedMincos: 2, skippedFractile: 3, skippedSingular: 4 } as const;

/** Slots of `LongShortOutputs.counters`. */
export const Counter = {
  /** Held positions whose return to the next date was missing (counted as 0). */
  heldMissingReturn: 0,
  /** Traded (security, date) cells without a cost in the cost matrix (naive rate used). */
  costFallback: 1,
  /** Signal cells on a date where the security had no price to trade at. */
  notTradable: 2,
  /** Signal cells dropped because the security has no group label (industry residualization). */
  noGroup: 3,
  /** Signal cells dropped because a risk factor was missing (factor residualization). */
  missingFactor: 4,
  /** Signal cells on active dates that were eligible (the denominator of the above). */
  eligibleCells: 5,
} as const;
export const COUNTER_COUNT = 6;

export interface LongShortInputs {
  dates: number;
  securities: number;
  /** Signal aligned to trade dates at lag 0 (NaN = no value). */
  signal: Float64Array;
  /** 1 when the security has a price to trade at on that date. */
  tradable: Uint8Array;
  /** Return earned by a position taken on t and held to t+1 (NaN = unknown). */
  fwd: Float64Array;
  /** Group code per security (-1 = no label). */
  groups: Int32Array;
  groupCount: number;
  /** Cap bucket per cell: 0 small, 1 mid, 2 large, -1 unknown. */
  cap: Int8Array;
  /** Size/liquidity proxy per cell (dollar volume); NaN unknown. */
  size: Float64Array;
  /** Cost per unit traded, in bps, per cell; NaN falls back to the naive rate. */
  costBps?: Float64Array;
  /** Risk factor matrices (same layout) for factor residualization. */
  factors: Float64Array[];
}

export interface LongShortParams {
  lag: number;
  residualize: number;
  weightBySignal: boolean;
  top: number;
  bottom: number;
  mincos: number;
  naiveBps: number;
  useCostMatrix: boolean;
  /** Buckets of the fractile analysis. */
  buckets: number;
  /** Also form the within-bucket books (small, mid, large) into outputs 1..3. */
  capSlices: boolean;
}

export interface LongShortOutputs {
  gross: Float64Array;
  cost: Float64Array;
  net: Float64Array;
  turnover: Float64Array;
  longLeg: Float64Array;
  shortLeg: Float64Array;
  eligible: Int32Array;
  nLong: Int32Array;
  nShort: Int32Array;
  status: Int8Array;
  /** Gross-weighted mean size proxy of the holdings. */
  holdingsSize: Float64Array;
  /** Share of gross weight in the small-cap bucket (among holdings with a known bucket). */
  smallShare: Float64Array;
  /** Sum over dates of each fractile's mean forward return, and the number of dates. */
  fractileSum: Float64Array;
  fractileDates: Int32Array;
  counters: Float64Array;
}

export function longShortOutputs(dates: number, buckets: number): LongShortOutputs {
  return {
    gross: new Float64Array(dates),
    cost: new Float64Array(dates),
    net: new Float64Array(dates),
    turnover: new Float64Array(dates),
    longLeg: new Float64Array(dates),
    shortLeg: new Float64Array(dates),
    eligible: new Int32Array(dates),
    nLong: new Int32Array(dates),
    nShort: new Int32Array(dates),
    status: new Int8Array(dates),
    holdingsSize: new Float64Array(dates).fill(NaN),
    smallShare: new Float64Array(dates).fill(NaN),
    fractileSum: new Float64Array(buckets),
    fractileDates: new Int32Array(buckets),
    counters: new Float64Array(COUNTER_COUNT),
  };
}

/**
 * Runs the overall book into outs[0] and, with `capSlices`, the small/mid/large books into
 * outs[1..3]. The fractile analysis, holdings size, small-cap share and the cell counters
 * are filled for the overall book only.
 */
export function longShortKernel(inp: LongShortInputs, p: LongShortParams, outs: LongShortOutputs[]): void {
  const T = inp.dates;
  const N = inp.securities;
  const K = inp.factors.length;
  const P = p.capSlices ? 4 : 1;
  if (outs.length < P) throw new Error(`longShortKernel: ${P} outputs needed, got ${outs.length}`);
  const needGroup = p.residualize === Residualize.industry || p.residualize === Residualize.all;
  const needFactors = (p.residualize === Residualize.factor || p.residualize === Residualize.all) && K > 0;
  const B = p.buckets;
  const { signal, tradable, fwd, groups, cap, size, costBps } = inp;
  const useCost = p.useCostMatrix && costBps !== undefined;
  const naiveRate = p.naiveBps / 1e4;
  const out = outs[0];
  const c = out.counters;

  const idx = new Int32Array(N);
  const grp = new Int32Array(N);
  const capOf = new Int32Array(N);
  const rs = createRankScratch(N);
  const val = rs.values;
  const ranks = rs.average;
  const minRanks = rs.min;
  // within-bucket ranks from the same order
  const bucketRanks = new Float64Array(N);
  const walk: RankWalkOutput = { average: bucketRanks, min: null, count: new Int32Array(3), sumSquares: new Float64Array(3), runCount: new Int32Array(3) };
  const prevW = Array.from({ length: P }, () => new Float64Array(N));
  const curW = Array.from({ length: P }, () => new Float64Array(N));
  // Securities held by each book on the previous and the current date: turnover and clearing
  // touch only these, not all N.
  const prevHeld = Array.from({ length: P }, () => new Int32Array(N));
  const curHeld = Array.from({ length: P }, () => new Int32Array(N));
  const prevHeldCount = new Int32Array(P);
  // positions of each cap bucket on the date (counting sort of positions by bucket)
  const bucketStart = new Int32Array(4);
  const bucketFill = new Int32Array(3);
  const bucketPos = new Int32Array(N);
  const groupSums = new Float64Array(Math.max(1, inp.groupCount));
  const groupCounts = new Float64Array(Math.max(1, inp.groupCount));
  const xf = new Float64Array(needFactors ? N * K : 0);
  const xfColumns = needFactors ? Array.from({ length: K }, (_, q) => xf.subarray(q * N, (q + 1) * N)) : [];
  const gram = new Float64Array((K + 1) * (K + 1));
  const rhs = new Float64Array(K + 1);
  const bucketSum = new Float64Array(B);
  const bucketCount = new Float64Array(B);
  const state = { n: 0, median: 0 };

  // Active span of each book: from the first to the last date with a signal on a tradable
  // security (of that bucket). The last calendar date has no next date to earn a return on.
  const first = new Int32Array(P).fill(-1);
  const last = new Int32Array(P).fill(-1);
  const seen = new Uint8Array(P);
  for (let t = p.lag; t < T - 1; t++) {
    const sRow = (t - p.lag) * N;
    const row = t * N;
    seen.fill(0);
    let found = 0;
    for (let i = 0; i < N && found < P; i++) {
      const s = signal[sRow + i];
      if (s !== s || tradable[row + i] !== 1) continue;
      if (!seen[0]) {
        seen[0] = 1;
        found++;
      }
      if (P > 1) {
        const b = cap[row + i];
        if (b >= 0 && !seen[b + 1]) {
          seen[b + 1] = 1;
          found++;
        }
      }
    }
    for (let q = 0; q < P; q++) {
      if (!seen[q]) continue;
      if (first[q] < 0) first[q] = t;
      last[q] = t;
    }
  }
  for (let q = 0; q < P; q++) outs[q].status.fill(DayStatus.inactive);
  if (first[0] < 0) return;

  for (let t = first[0]; t <= last[0]; t++) {
    const sRow = (t - p.lag) * N;
    const row = t * N;
    let n = 0;
    for (let i = 0; i < N; i++) {
      const s = signal[sRow + i];
      if (s !== s) continue;
      if (tradable[row + i] !== 1) {
        c[Counter.notTradable]++;
        continue;
      }
      if (needGroup && groups[i] < 0) {
        c[Counter.noGroup]++;
        continue;
      }
      if (needFactors) {
        let ok = true;
        for (let q = 0; q < K; q++) {
          const f = inp.factors[q][row + i];
          if (f !== f) ok = false;
        }
        if (!ok) {
          c[Counter.missingFactor]++;
          continue;
        }
      }
      idx[n] = i;
      val[n] = s;
      grp[n] = groups[i];
      capOf[n] = cap[row + i];
      n++;
    }
    out.eligible[t] = n;
    c[Counter.eligibleCells] += n;

    let status: number = DayStatus.traded;
    if (n < p.mincos || n === 0) status = DayStatus.skippedMincos;
    if (status === DayStatus.traded && needGroup && p.residualize === Residualize.industry) {
      demeanByGroup(val, grp, n, inp.groupCount, groupSums, groupCounts);
    }
    if (status === DayStatus.traded && needFactors) {
      for (let q = 0; q < K; q++) {
        const f = inp.factors[q];
        for (let j = 0; j < n; j++) xf[q * N + j] = f[row + idx[j]];
      }
      if (p.residualize === Residualize.all) {
        // Frisch-Waugh-Lovell: regressing on group dummies and factors together equals
        // demeaning the signal and every factor within groups, then regressing without intercept.
        demeanByGroup(val, grp, n, inp.groupCount, groupSums, groupCounts);
        for (let q = 0; q < K; q++) demeanByGroup(xfColumns[q], grp, n, inp.groupCount, groupSums, groupCounts);
      }
      if (!residualizeOnColumns(val, xf, N, K, n, p.residualize === Residualize.factor, gram, rhs)) status = DayStatus.skippedSingular;
    } else if (status === DayStatus.traded && p.residualize === Residualize.all) {
      demeanByGroup(val, grp, n, inp.groupCount, groupSums, groupCounts);
    }
    if (status === DayStatus.traded) {
      rankValues(rs, n);
      if (P > 1) {
        ranksFromOrder({ order: rs.order, m: n, values: val, securityOf: rs.identity, include: null, stamp: 0, groupOf: capOf }, 3, walk);
        bucketStart.fill(0);
        for (let j = 0; j < n; j++) if (capOf[j] >= 0) bucketStart[capOf[j] + 1]++;
        for (let b = 1; b < 4; b++) bucketStart[b] += bucketStart[b - 1];
        for (let b = 0; b < 3; b++) bucketFill[b] = bucketStart[b];
        for (let j = 0; j < n; j++) if (capOf[j] >= 0) bucketPos[bucketFill[capOf[j]]++] = j;
      }
    }

    for (let q = 0; q < P; q++) {
      const o = outs[q];
      if (t < first[q] || t > last[q]) continue;
      let st = status;
      const bucket = q - 1;
      const r = q === 0 ? ranks : bucketRanks;
      if (st === DayStatus.traded) {
        const m = q === 0 ? n : walk.count[bucket];
        state.n = m;
        if (m < p.mincos || m === 0) st = DayStatus.skippedMincos;
        else if (p.weightBySignal) state.median = q === 0 ? rankedMedian(rs, n) : bucketMedian(rs.order, n, val, capOf, bucket, m);
      }
      let gross = 0;
      let longLeg = 0;
      let shortLeg = 0;
      let nLong = 0;
      let nShort = 0;
      const w = curW[q];
      const held = curHeld[q];
      let heldCount = 0;
      if (st === DayStatus.traded) {
        const m = state.n;
        const kLong = Math.floor(m * p.top + 1e-9);
        const kShort = Math.floor(m * p.bottom + 1e-9);
        if (kLong < 1 || kShort < 1) st = DayStatus.skippedFractile;
        else {
          const median = state.median;
          const longCut = m - kLong;
          const shortCut = kShort + 1;
          let longMass = 0;
          let shortMass = 0;
          const from = q === 0 ? 0 : bucketStart[bucket];
          const to = q === 0 ? n : bucketStart[bucket + 1];
          for (let a = from; a < to; a++) {
            const j = q === 0 ? a : bucketPos[a];
            const rj = r[j];
            if (rj > longCut) {
              nLong++;
              if (p.weightBySignal) longMass += Math.abs(val[j] - median);
            } else if (rj < shortCut) {
              nShort++;
              if (p.weightBySignal) shortMass += Math.abs(val[j] - median);
            }
          }
          const bySignalLong = p.weightBySignal && longMass > 0;
          const bySignalShort = p.weightBySignal && shortMass > 0;
          let heldGross = 0;
          let heldSize = 0;
          let heldSizeWeight = 0;
          let smallWeight = 0;
          let knownCapWeight = 0;
          if (q === 0) {
            bucketSum.fill(0);
            bucketCount.fill(0);
          }
          for (let a = from; a < to; a++) {
            const j = q === 0 ? a : bucketPos[a];
            const rj = r[j];
            const i = idx[j];
            const f = fwd[row + i];
            if (q === 0 && f === f) {
              const b = quantileBucket(minRanks[j], n, B) - 1;
              bucketSum[b] += f;
              bucketCount[b]++;
            }
            let x = 0;
            if (rj > longCut) x = bySignalLong ? Math.abs(val[j] - median) / longMass : 1 / nLong;
            else if (rj < shortCut) x = -(bySignalShort ? Math.abs(val[j] - median) / shortMass : 1 / nShort);
            else continue;
            if (x === 0) continue; // a signal weight of exactly 0 (value at the median): not held
            w[i] = x;
            held[heldCount++] = i;
            let contribution = 0;
            if (f === f) contribution = x * f;
            else if (q === 0) c[Counter.heldMissingReturn]++;
            gross += contribution;
            if (x > 0) longLeg += contribution;
            else shortLeg += contribution;
            if (q === 0) {
              const ax = Math.abs(x);
              heldGross += ax;
              const sz = size[row + i];
              if (sz === sz) {
                heldSize += ax * sz;
                heldSizeWeight += ax;
              }
              const cb = capOf[j];
              if (cb >= 0) {
                knownCapWeight += ax;
                if (cb === 0) smallWeight += ax;
              }
            }
          }
          if (q === 0) {
            for (let b = 0; b < B; b++) {
              if (bucketCount[b] > 0) {
                o.fractileSum[b] += bucketSum[b] / bucketCount[b];
                o.fractileDates[b]++;
              }
            }
            o.holdingsSize[t] = heldSizeWeight > 0 ? heldSize / heldSizeWeight : NaN;
            o.smallShare[t] = knownCapWeight > 0 && heldGross > 0 ? smallWeight / knownCapWeight : NaN;
          }
        }
      }
      if (q > 0) o.eligible[t] = status === DayStatus.traded ? walk.count[bucket] : 0;

      let turnover = 0;
      let cost = 0;
      const pw = prevW[q];
      const prevList = prevHeld[q];
      const prevCount = prevHeldCount[q];
      // every security in either book: today's holdings, then yesterday's that were sold out
      for (let h = 0; h < heldCount + prevCount; h++) {
        const i = h < heldCount ? held[h] : prevList[h - heldCount];
        if (h >= heldCount && w[i] !== 0) continue;
        const d = Math.abs(w[i] - pw[i]);
        if (d === 0) continue;
        turnover += d;
        if (useCost) {
          const bps = costBps![row + i];
          if (bps === bps) cost += (d * bps) / 1e4;
          else {
            cost += d * naiveRate;
            if (q === 0) c[Counter.costFallback]++;
          }
        } else cost += d * naiveRate;
      }
      for (let h = 0; h < prevCount; h++) pw[prevList[h]] = 0;
      prevW[q] = w;
      curW[q] = pw;
      prevHeld[q] = held;
      curHeld[q] = prevList;
      prevHeldCount[q] = heldCount;

      o.status[t] = st;
      o.gross[t] = gross;
      o.cost[t] = cost;
      o.net[t] = gross - cost;
      o.turnover[t] = turnover;
      o.longLeg[t] = longLeg;
      o.shortLeg[t] = shortLeg;
      o.nLong[t] = nLong;
      o.nShort[t] = nShort;
    }
  }
}

/** Median of the values whose bucket is `bucket`, walking the ascending order of all n positions. */
function bucketMedian(order: Int32Array, n: number, values: Float64Array, capOf: Int32Array, bucket: number, m: number): number {
  const lo = (m - 1) >> 1;
  const hi = m >> 1;
  let k = 0;
  let a = NaN;
  for (let j = 0; j < n; j++) {
    const pos = order[j];
    if (capOf[pos] !== bucket) continue;
    if (k === lo) a = values[pos];
    if (k === hi) return (a + values[pos]) / 2;
    k++;
  }
  return NaN;
}
