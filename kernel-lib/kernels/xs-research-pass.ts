import { sortKey, sortPositionsByKey } from './rank-sort';
import { ranksFromOrder } from './rank-walk';
import { rankPearson } from './ic-rank-pearson';
import { createPassState, createSignalScratch, type SignalScratch } from './xs-pass-state';
import { signalDate, type DateContext } from './xs-signal-date';
import { signalDateGrouped } from './xs-signal-date-grouped';

/**
 * One pass over the dates of dense date-major matrices (cell (t, i) at t * N + i) computing,
 * per date and group, everything factor research needs: Spearman IC per horizon, quantile
 * bucket means, rank autocorrelation, bucket turnover, coverage and the signal-signal rank
 * correlations. Forward returns are sorted once per (date, horizon) and every signal reuses
 * that order; a signal is sorted once per date and reused by every horizon. Definitions:
 * docs/research.md. All scratch is allocated before the date loop.
 *
 * A pass can cover a block of dates [from, to) and write into shared output arrays, so worker
 * threads can split the calendar (research/parallel-pass.ts); the `max(lags)` dates before
 * `from` are replayed without output to fill the autocorrelation and turnover rings.
 */
export interface ResearchPassInput {
  dates: number;
  securities: number;
  /** Signal matrices, NaN where missing. */
  signals: Float64Array[];
  /** Forward-return matrices, one per horizon, NaN where missing. */
  forward: Float64Array[];
  /** 1-bar forward returns for cumulative bucket returns, or null to skip them. */
  forward1: Float64Array | null;
  /** Buckets per date (k); 0 skips quantiles and turnover. */
  quantiles: number;
  /** Lags (in dates) for rank autocorrelation and bucket turnover. */
  lags: number[];
  /** Group code per security (length N) or per cell (length T * N); negative = no group (left out). */
  groups: { codes: Int32Array; perCell: boolean; count: number } | null;
  /** Pairwise signal rank correlations (whole cross-section; needs groups = null). */
  correlation: boolean;
}

/** Per-signal series; (t, g) cells at t * G + g, buckets at (t * G + g) * k + (b - 1). */
export interface SignalPass {
  /** Names with a finite signal. */
  finite: Int32Array;
  /** Names used: finite signal and every forward return. */
  used: Int32Array;
  /** Spearman IC per horizon; NaN when fewer than 2 names or a side is constant. */
  ic: Float64Array[];
  /** Mean forward return of the used names, per horizon (for demeaning). */
  dateMean: Float64Array[];
  bucketCount: Int32Array;
  /** Mean forward return per bucket, per horizon; NaN for an empty bucket. */
  bucketMean: Float64Array[];
  /** Mean 1-bar forward return per bucket (names with a finite one); null when not asked. */
  bucketMean1: Float64Array | null;
  /** Rank autocorrelation per lag: Pearson of this date's ranks with the same names' ranks `lag` dates earlier. */
  autocorrelation: Float64Array[];
  /** Per lag and bucket: share of the bucket's names not in the same bucket `lag` dates earlier. */
  turnover: Float64Array[];
}

export interface SignalPairPass {
  a: number;
  b: number;
  /** Spearman correlation per date over names where both signals are finite. */
  values: Float64Array;
  rows: Int32Array;
}

export interface ResearchPass {
  groups: number;
  /** Names with every forward return, per (t, g). */
  forwardRows: Int32Array;
  signals: SignalPass[];
  pairs: SignalPairPass[];
}

/** Output arrays for a pass, NaN-filled; on SharedArrayBuffers when `shared` (for worker threads). */
export function allocateResearchPass(input: ResearchPassInput, shared = false): ResearchPass {
  const T = input.dates;
  const G = input.groups ? input.groups.count : 1;
  const k = input.quantiles;
  const TG = T * G;
  const f64 = (n: number) => (shared ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n)).fill(NaN);
  const i32 = (n: number) => (shared ? new Int32Array(new SharedArrayBuffer(4 * n)) : new Int32Array(n));
  const signals: SignalPass[] = input.signals.map(() => ({
    finite: i32(TG),
    used: i32(TG),
    ic: input.forward.map(() => f64(TG)),
    dateMean: input.forward.map(() => f64(TG)),
    bucketCount: i32(k > 0 ? TG * k : 0),
    bucketMean: input.forward.map(() => f64(k > 0 ? TG * k : 0)),
    bucketMean1: input.forward1 && k > 0 ? f64(TG * k) : null,
    autocorrelation: input.lags.map(() => f64(TG)),
    turnover: input.lags.map(() => f64(k > 0 ? TG * k : 0)),
  }));
  const pairs: SignalPairPass[] = [];
  if (input.correlation) {
    const S = input.signals.length;
    for (let a = 0; a < S; a++) for (let b = a + 1; b < S; b++) pairs.push({ a, b, values: f64(T), rows: i32(T) });
  }
  return { groups: G, forwardRows: i32(TG), signals, pairs };
}

export function researchPass(input: ResearchPassInput, range?: { from: number; to: number }, output?: ResearchPass): ResearchPass {
  const T = input.dates;
  const N = input.securities;
  const S = input.signals.length;
  const H = input.forward.length;
  const k = input.quantiles;
  const lags = input.lags;
  const G = input.groups ? input.groups.count : 1;
  if (input.correlation && input.groups) throw new Error('researchPass: correlation needs groups = null');
  const st = createPassState(N, G, H, k, lags, S);
  const from = range?.from ?? 0;
  const to = range?.to ?? T;
  const out = output ?? allocateResearchPass(input);
  const perSignal: SignalScratch[] = input.correlation ? input.signals.map(() => createSignalScratch(N)) : [createSignalScratch(N)];
  const keys = st.sort.packed;
  const d: DateContext = {
    t: 0, row: 0, stamp: 0, emit: false, forward: input.forward, forward1: input.forward1,
    // when the 1-bar forward returns are one of the horizons, every used name has one: reuse that horizon's buckets
    forward1Horizon: input.forward1 === null ? -1 : input.forward.indexOf(input.forward1),
  };

  for (let t = Math.max(0, from - (lags.length ? st.R - 1 : 0)); t < to; t++) {
    const emit = t >= from;
    const stamp = t + 1;
    const row = t * N;
    d.t = t;
    d.row = row;
    d.stamp = stamp;
    d.emit = emit;
    const groupOf = input.groups ? (input.groups.perCell ? input.groups.codes.subarray(row, row + N) : input.groups.codes) : null;

    // ---- forward returns: names with every horizon, sorted once per horizon (not while replaying)
    const fMark = st.fMark;
    let nF = 0;
    for (let i = 0; i < N; i++) {
      if (groupOf !== null && groupOf[i] < 0) continue;
      let ok = true;
      for (let h = 0; h < H; h++) {
        const v = input.forward[h][row + i];
        if (v - v !== 0) {
          ok = false;
          break;
        }
      }
      if (ok) {
        fMark[i] = stamp;
        st.fSecurity[nF++] = i;
      }
    }
    st.nF = nF;
    if (emit) {
      for (let h = 0; h < H; h++) {
        const fwd = input.forward[h];
        const vals = st.fValues[h];
        const words = st.fWords[h];
        let kmin = 2147483647;
        let kmax = -2147483648;
        for (let q = 0; q < nF; q++) {
          vals[q] = fwd[row + st.fSecurity[q]] + 0;
          const key = sortKey(words[2 * q + 1]);
          keys[q] = key;
          if (key < kmin) kmin = key;
          if (key > kmax) kmax = key;
        }
        const order = st.fOrder[h];
        sortPositionsByKey(vals, nF, kmin, kmax, order, st.sort);
        if (G === 1) {
          // in sorted order, contiguous: every signal walks these sequentially
          const secs = st.fSecuritySorted[h];
          const sorted = st.fValueSorted[h];
          for (let q = 0; q < nF; q++) {
            const p = order[q];
            secs[q] = st.fSecurity[p];
            sorted[q] = vals[p];
          }
        } else {
          ranksFromOrder(
            { order, m: nF, values: vals, securityOf: st.fSecurity, include: null, stamp, groupOf },
            G,
            { average: st.fRankFull[h], min: null, count: st.fCount, sumSquares: st.fSumSquares[h], runCount: st.runCount },
          );
        }
      }
      if (G === 1) st.fCount[0] = H > 0 ? nF : 0;
      else if (H === 0) st.fCount.fill(0);
      for (let g = 0; g < G; g++) out.forwardRows[t * G + g] = st.fCount[g];
    }

    // ---- each signal: gather its finite values (sort keys in the same loop), sort, then the statistics
    for (let s = 0; s < S; s++) {
      const so = out.signals[s];
      const sig = input.signals[s];
      const sc = perSignal[input.correlation ? s : 0];
      const svals = sc.values;
      const swords = sc.words;
      const sSec = sc.securityOf;
      const finiteMark = sc.finiteMark;
      let m = 0;
      let used = 0;
      let kmin = 2147483647;
      let kmax = -2147483648;
      for (let i = 0; i < N; i++) {
        const v = sig[row + i];
        if (v - v !== 0) continue;
        if (groupOf === null) {
          if (emit) so.finite[t]++;
        } else {
          const g = groupOf[i];
          if (g < 0) continue;
          if (emit) so.finite[t * G + g]++;
        }
        svals[m] = v + 0;
        const key = sortKey(swords[2 * m + 1]);
        keys[m] = key;
        if (key < kmin) kmin = key;
        if (key > kmax) kmax = key;
        sSec[m] = i;
        finiteMark[i] = stamp;
        if (fMark[i] === stamp) used++;
        m++;
      }
      sc.m = m;
      sc.used = used;
      sortPositionsByKey(svals, m, kmin, kmax, sc.order, st.sort);
      if (input.correlation && emit) {
        ranksFromOrder(
          { order: sc.order, m, values: svals, securityOf: sSec, include: null, stamp, groupOf: null },
          1,
          { average: sc.rankAll, min: null, count: sc.countAll, sumSquares: sc.sumSquaresAll, runCount: st.runCount },
        );
      }
      if (groupOf === null) signalDate(st, sc, so, s, d);
      else signalDateGrouped(st, sc, so, s, d, groupOf);
    }

    if (emit && out.pairs.length) signalPairs(out.pairs, perSignal, stamp, t, N);
  }
  return out;
}

/** Signal-signal Spearman over the names where both are finite (own ranks when the sets agree, else re-ranked). */
function signalPairs(pairs: SignalPairPass[], perSignal: SignalScratch[], stamp: number, t: number, N: number): void {
  const scratch = pairScratch(N);
  for (const pair of pairs) {
    const A = perSignal[pair.a];
    const B = perSignal[pair.b];
    let same = A.m === B.m;
    let sxy = 0;
    if (same) {
      const bMark = B.finiteMark;
      const aRank = A.rankAll;
      const bRank = B.rankAll;
      const aSec = A.securityOf;
      for (let p = 0; p < A.m; p++) {
        const i = aSec[p];
        if (bMark[i] !== stamp) {
          same = false;
          break;
        }
        sxy += aRank[i] * bRank[i];
      }
    }
    if (same) {
      pair.values[t] = rankPearson(A.m, sxy, A.sumSquaresAll[0], B.sumSquaresAll[0]);
      pair.rows[t] = A.m;
      continue;
    }
    ranksFromOrder(
      { order: A.order, m: A.m, values: A.values, securityOf: A.securityOf, include: B.finiteMark, stamp, groupOf: null },
      1,
      { average: scratch.a, min: null, count: scratch.countA, sumSquares: scratch.squaresA, runCount: scratch.zero },
    );
    ranksFromOrder(
      { order: B.order, m: B.m, values: B.values, securityOf: B.securityOf, include: A.finiteMark, stamp, groupOf: null },
      1,
      { average: scratch.b, min: null, count: scratch.countB, sumSquares: scratch.squaresB, runCount: scratch.zero },
    );
    sxy = 0;
    for (let p = 0; p < A.m; p++) {
      const i = A.securityOf[p];
      if (B.finiteMark[i] === stamp) sxy += scratch.a[i] * scratch.b[i];
    }
    pair.values[t] = rankPearson(scratch.countA[0], sxy, scratch.squaresA[0], scratch.squaresB[0]);
    pair.rows[t] = scratch.countA[0];
  }
}

let pairScratchCache: ReturnType<typeof makePairScratch> | undefined;
function pairScratch(N: number) {
  if (!pairScratchCache || pairScratchCache.a.length < N) pairScratchCache = makePairScratch(N);
  return pairScratchCache;
}
function makePairScratch(N: number) {
  return {
    a: new Float64Array(N), b: new Float64Array(N), countA: new Int32Array(1), countB: new Int32Array(1),
    squaresA: new Float64Array(1), squaresB: new Float64Array(1), zero: new Int32Array(1),
  };
}
