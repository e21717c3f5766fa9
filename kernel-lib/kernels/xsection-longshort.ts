import { createRankScratch, rankedMedian, ranksWithinGroups, rankValues, type RankScratch } from './xsection-rank';
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
 *   from the same ascending order (a rank walk within groups, xsection-rank.ts).
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
  longShortKernelLags(inp, [p], [outs]);
}

/**
 * Several variants that differ only in their lag (params[v].lag, outputs outsList[v]), run
 * date by date together: each variant's books are exactly those of longShortKernel alone, but
 * a signal row ranked for one variant is not ranked again by another that trades it on the
 * same eligible securities (lag L trades row t - L on date t, so lags 0, 1, 2 meet each row
 * on three consecutive dates; the eligible set - finite signal, tradable on the trade date,
 * with a group label - is usually the same, and then so are the residualized values and
 * their ranks). Factor residualization reads the factors of the trade date: no sharing there.
 */
export function longShortKernelLags(inp: LongShortInputs, params: LongShortParams[], outsList: LongShortOutputs[][]): void {
  if (params.length === 0) return;
  const base = params[0];
  for (const q of params) {
    for (const k of Object.keys(base) as (keyof LongShortParams)[]) {
      if (k !== 'lag' && q[k] !== base[k]) throw new Error(`longShortKernelLags: variants must differ only in lag (${k} differs)`);
    }
  }
  const scratch = createScratch(inp, base);
  const variants = params.map((p, v) => createVariant(inp, p, outsList[v]));
  const needFactors = (base.residualize === Residualize.factor || base.residualize === Residualize.all) && inp.factors.length > 0;
  const maxLag = Math.max(...params.map((p) => p.lag));
  const cache = params.length > 1 && !needFactors ? createRankCache(maxLag + 1, inp.securities) : null;
  let from = Infinity;
  let to = -1;
  for (const v of variants) {
    if (v.first[0] < 0) continue;
    from = Math.min(from, v.first[0]);
    to = Math.max(to, v.last[0]);
  }
  for (let t = from; t <= to; t++) {
    for (const v of variants) if (v.first[0] >= 0 && t >= v.first[0] && t <= v.last[0]) dateStep(inp, v, scratch, cache, t);
  }
}

/** Per-date working buffers (fully rewritten on every date, so variants can share them). */
interface Scratch {
  idx: Int32Array;
  grp: Int32Array;
  capOf: Int32Array;
  rs: RankScratch;
  bucketRanks: Float64Array;
  bucketCounts: Int32Array;
  bucketRuns: Int32Array;
  bucketStart: Int32Array;
  bucketFill: Int32Array;
  bucketPos: Int32Array;
  groupSums: Float64Array;
  groupCounts: Float64Array;
  xf: Float64Array;
  xfColumns: Float64Array[];
  gram: Float64Array;
  rhs: Float64Array;
  bucketSum: Float64Array;
  bucketCount: Float64Array;
  bucketOf: Int32Array;
  state: { n: number; median: number };
}

function createScratch(inp: LongShortInputs, p: LongShortParams): Scratch {
  const N = inp.securities;
  const K = inp.factors.length;
  const B = p.buckets;
  const needFactors = (p.residualize === Residualize.factor || p.residualize === Residualize.all) && K > 0;
  const xf = new Float64Array(needFactors ? N * K : 0);
  return {
    idx: new Int32Array(N),
    grp: new Int32Array(N),
    capOf: new Int32Array(N),
    rs: createRankScratch(N),
    // within-bucket ranks from the same order
    bucketRanks: new Float64Array(N),
    bucketCounts: new Int32Array(3),
    bucketRuns: new Int32Array(3),
    // positions of each cap bucket on the date (counting sort of positions by bucket)
    bucketStart: new Int32Array(4),
    bucketFill: new Int32Array(3),
    bucketPos: new Int32Array(N),
    groupSums: new Float64Array(Math.max(1, inp.groupCount)),
    groupCounts: new Float64Array(Math.max(1, inp.groupCount)),
    xf,
    xfColumns: needFactors ? Array.from({ length: K }, (_, q) => xf.subarray(q * N, (q + 1) * N)) : [],
    gram: new Float64Array((K + 1) * (K + 1)),
    rhs: new Float64Array(K + 1),
    bucketSum: new Float64Array(B),
    bucketCount: new Float64Array(B),
    // fractile bucket (0-based) by min rank - 1, filled per date: a table read instead of a division per cell
    bucketOf: new Int32Array(N + 1),
    state: { n: 0, median: 0 },
  };
}

/** What a variant carries from date to date: its books' weights and holdings, and its active spans. */
interface Variant {
  p: LongShortParams;
  outs: LongShortOutputs[];
  P: number;
  first: Int32Array;
  last: Int32Array;
  prevW: Float64Array[];
  curW: Float64Array[];
  // Securities held by each book on the previous and the current date: turnover and clearing
  // touch only these, not all N.
  prevHeld: Int32Array[];
  curHeld: Int32Array[];
  prevHeldCount: Int32Array;
}

function createVariant(inp: LongShortInputs, p: LongShortParams, outs: LongShortOutputs[]): Variant {
  const T = inp.dates;
  const N = inp.securities;
  const P = p.capSlices ? 4 : 1;
  if (outs.length < P) throw new Error(`longShortKernel: ${P} outputs needed, got ${outs.length}`);
  const { signal, tradable, cap } = inp;
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
  return {
    p,
    outs,
    P,
    first,
    last,
    prevW: Array.from({ length: P }, () => new Float64Array(N)),
    curW: Array.from({ length: P }, () => new Float64Array(N)),
    prevHeld: Array.from({ length: P }, () => new Int32Array(N)),
    curHeld: Array.from({ length: P }, () => new Int32Array(N)),
    prevHeldCount: new Int32Array(P),
  };
}

/**
 * The ranks of recently ranked signal rows (slot = row mod slots), with the eligible
 * securities they were ranked on: enough for lags 0..slots-1 traded on the same date.
 */
interface RankCache {
  slots: number;
  row: Int32Array;
  n: Int32Array;
  idx: Int32Array[];
  order: Int32Array[];
  average: Float64Array[];
  min: Float64Array[];
}

function createRankCache(slots: number, N: number): RankCache {
  const many = <A>(make: () => A) => Array.from({ length: slots }, make);
  return {
    slots,
    row: new Int32Array(slots).fill(-1),
    n: new Int32Array(slots),
    idx: many(() => new Int32Array(N)),
    order: many(() => new Int32Array(N)),
    average: many(() => new Float64Array(N)),
    min: many(() => new Float64Array(N)),
  };
}

/**
 * rankValues(rs, n) for signal row `sRow` on eligible securities idx[0..n): taken from the
 * cache when that row was ranked on exactly these securities (the residualized values are
 * then the same, position by position), else ranked and cached.
 */
function rankRow(rs: RankScratch, n: number, idx: Int32Array, sRow: number, cache: RankCache | null): void {
  if (cache === null) {
    rankValues(rs, n);
    return;
  }
  const slot = sRow % cache.slots;
  const cachedIdx = cache.idx[slot];
  let same = cache.row[slot] === sRow && cache.n[slot] === n;
  for (let j = 0; same && j < n; j++) if (cachedIdx[j] !== idx[j]) same = false;
  if (same) {
    // rankValues also turns -0 into +0 in the values: the books read them
    const v = rs.values;
    for (let j = 0; j < n; j++) v[j] = v[j] + 0;
    rs.order.set(cache.order[slot].subarray(0, n));
    rs.average.set(cache.average[slot].subarray(0, n));
    rs.min.set(cache.min[slot].subarray(0, n));
    return;
  }
  rankValues(rs, n);
  cache.row[slot] = sRow;
  cache.n[slot] = n;
  cachedIdx.set(idx.subarray(0, n));
  cache.order[slot].set(rs.order.subarray(0, n));
  cache.average[slot].set(rs.average.subarray(0, n));
  cache.min[slot].set(rs.min.subarray(0, n));
}

/** One date t of one variant: eligibility, residualization, ranks, then every book's weights, PnL, turnover and costs. */
function dateStep(inp: LongShortInputs, v: Variant, scratch: Scratch, cache: RankCache | null, t: number): void {
  const N = inp.securities;
  const K = inp.factors.length;
  const { p, outs, P, first, last, prevW, curW, prevHeld, curHeld, prevHeldCount } = v;
  const needGroup = p.residualize === Residualize.industry || p.residualize === Residualize.all;
  const needFactors = (p.residualize === Residualize.factor || p.residualize === Residualize.all) && K > 0;
  const B = p.buckets;
  const { signal, tradable, fwd, groups, cap, size, costBps } = inp;
  const useCost = p.useCostMatrix && costBps !== undefined;
  const naiveRate = p.naiveBps / 1e4;
  const out = outs[0];
  const c = out.counters;
  const { idx, grp, capOf, rs, bucketRanks, bucketCounts, bucketRuns, bucketStart, bucketFill, bucketPos, groupSums, groupCounts, xf, xfColumns, gram, rhs, bucketSum, bucketCount, bucketOf, state } = scratch;
  const val = rs.values;
  const ranks = rs.average;
  const minRanks = rs.min;

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
    rankRow(rs, n, idx, t - p.lag, cache);
    if (P > 1) {
      ranksWithinGroups(rs.order, n, val, capOf, 3, bucketRanks, bucketCounts, bucketRuns);
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
      const m = q === 0 ? n : bucketCounts[bucket];
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
          fillQuantileBuckets(bucketOf, n, B);
          bucketCount.fill(0);
        }
        for (let a = from; a < to; a++) {
          const j = q === 0 ? a : bucketPos[a];
          const rj = r[j];
          const i = idx[j];
          const f = fwd[row + i];
          if (q === 0 && f === f) {
            const b = bucketOf[minRanks[j] - 1];
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
    if (q > 0) o.eligible[t] = status === DayStatus.traded ? bucketCounts[bucket] : 0;

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


/**
 * table[i] = quantileBucket(i + 1, n, k) - 1 for i in 0..n-1 (the 0-based bucket of min rank
 * i + 1), filled by ranges: bucket b (1-based) holds i with (b-1)(n-1) < i k <= b(n-1), i.e.
 * i up to floor(b(n-1)/k); i = 0 is in bucket 1. Integer bounds, so exactly quantileBucket.
 */
export function fillQuantileBuckets(table: Int32Array, n: number, k: number): void {
  if (n <= 1) {
    if (n === 1) table[0] = 0;
    return;
  }
  let i = 0;
  for (let b = 1; b <= k; b++) {
    const hi = Math.floor((b * (n - 1)) / k);
    for (; i <= hi; i++) table[i] = b - 1;
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
