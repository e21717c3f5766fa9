import { ARGSORT_RADIX_CAPACITY, insertionSortAt, int32Words, notFinite, radixArgsort, radixArgsortKeyed, radixArgsortKeys, radixSortPayload, signedKey } from './rank-sort';
import { ranksFromOrder } from './rank-walk';
import { rankPearson } from './ic-rank-pearson';
import { createPassState, createSignalScratch, type PassState, type SignalScratch } from './xs-pass-state';
import { finishSignal, rankSignal, returnQuads, walkHorizon, type DateContext } from './xs-signal-date';
import { signalDateGrouped } from './xs-signal-date-grouped';
import { forwardReturnsAt, type ForwardPrices } from './xs-forward-returns';

/**
 * One pass over the dates of dense date-major matrices (cell (t, i) at t * N + i) computing,
 * per date and group, everything factor research needs: Spearman IC per horizon, quantile
 * bucket means, rank autocorrelation, bucket turnover, coverage and the signal-signal rank
 * correlations. Forward returns are sorted once per (date, horizon) and every signal reuses
 * that order; a signal is sorted once per date and reused by every horizon. Definitions:
 * docs/research.md. All scratch is allocated before the date loop; forward returns can be
 * computed date by date from prices (forwardFrom) instead of read from T x N matrices.
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
  /** Forward-return matrices, one per horizon, NaN where missing (empty with forwardFrom). */
  forward: Float64Array[];
  /** 1-bar forward returns for cumulative bucket returns, or null to skip them (null with forwardFrom). */
  forward1: Float64Array | null;
  /**
   * Instead of the matrices: compute each date's forward returns from prices when the pass
   * gets there (forwardReturnsAt: the same doubles as forwardReturnsDense), so no T x N
   * matrix per horizon is built. `oneBar` asks for the 1-bar returns of forward1.
   */
  forwardFrom?: { prices: ForwardPrices; horizons: number[]; oneBar: boolean } | null;
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

/** Horizons of a pass: forward matrices, or the horizons computed from prices. */
export function passHorizons(input: Pick<ResearchPassInput, 'forward' | 'forwardFrom'>): number {
  return input.forwardFrom ? input.forwardFrom.horizons.length : input.forward.length;
}

/** Output arrays for a pass, NaN-filled; on SharedArrayBuffers when `shared` (for worker threads). */
export function allocateResearchPass(input: ResearchPassInput, shared = false): ResearchPass {
  const T = input.dates;
  const G = input.groups ? input.groups.count : 1;
  const k = input.quantiles;
  const TG = T * G;
  const f64 = (n: number) => (shared ? new Float64Array(new SharedArrayBuffer(8 * n)) : new Float64Array(n)).fill(NaN);
  const i32 = (n: number) => (shared ? new Int32Array(new SharedArrayBuffer(4 * n)) : new Int32Array(n));
  const H = passHorizons(input);
  const perHorizon = <X>(make: () => X) => Array.from({ length: H }, make);
  const oneBar = input.forwardFrom ? input.forwardFrom.oneBar : input.forward1 !== null;
  const signals: SignalPass[] = input.signals.map(() => ({
    finite: i32(TG),
    used: i32(TG),
    ic: perHorizon(() => f64(TG)),
    dateMean: perHorizon(() => f64(TG)),
    bucketCount: i32(k > 0 ? TG * k : 0),
    bucketMean: perHorizon(() => f64(k > 0 ? TG * k : 0)),
    bucketMean1: oneBar && k > 0 ? f64(TG * k) : null,
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
  const src = input.forwardFrom ?? null;
  if (src && (input.forward.length || input.forward1 !== null)) throw new Error('researchPass: give forward/forward1 matrices or forwardFrom, not both');
  const H = passHorizons(input);
  const k = input.quantiles;
  const lags = input.lags;
  const grouped = input.groups !== null;
  const G = input.groups ? input.groups.count : 1;
  if (input.correlation && grouped) throw new Error('researchPass: correlation needs groups = null');
  const oneHorizon = src ? (src.oneBar ? src.horizons.indexOf(1) : -1) : input.forward1 === null ? -1 : input.forward.indexOf(input.forward1);
  const computeOneBar = src !== null && src.oneBar && oneHorizon < 0;
  const st = createPassState(N, G, H, k, lags, S, { grouped, computeForward: src !== null, computeOneBar });
  // sort keys can be written while gathering when every cross-section fits radixArgsortKeyed
  const keyed = N <= ARGSORT_RADIX_CAPACITY;

  const from = range?.from ?? 0;
  const to = range?.to ?? T;
  const out = output ?? allocateResearchPass(input);
  // keyed without signal pairs: one scratch; the used names' securities are gathered into a
  // module array (gatherUsed writes it as a compiled-in address) and sorted by radixSortPayload
  const shared = keyed && !input.correlation;
  const perSignal: SignalScratch[] = input.correlation ? input.signals.map(() => createSignalScratch(N)) : [createSignalScratch(N)];
  const d: DateContext = {
    t: 0, row: 0, stamp: 0, emit: false,
    forward: src ? st.fRows : input.forward,
    forward1: src ? (src.oneBar ? (oneHorizon >= 0 ? st.fRows[oneHorizon] : st.fOneRow) : null) : input.forward1,
    base: 0,
    // when the 1-bar forward returns are one of the horizons, every used name has one: reuse that horizon's buckets
    forward1Horizon: oneHorizon,
  };
  const fwd = d.forward;
  const fMark = st.fMark;
  const fSecurity = st.fSecurity;
  const maxHorizon = src ? Math.max(0, ...src.horizons) : 0;
  const signalWords = input.signals.map(int32Words);
  // one signal and one horizon over the whole cross-section (an IC series): one loop gathers
  // the names with both a finite signal and a finite forward return, and both sorts keep to them
  const single = S === 1 && H === 1 && !grouped && keyed && !input.correlation;
  const fwdWords = fwd.map(int32Words);
  // the keyed path's rank walk reads usedSecurityOf only; signal pairs need every finite name's security
  const needSecurity = input.correlation;

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
    if (src) {
      // the farthest row ahead is the one not read on an earlier date
      if (t + maxHorizon < T) touchRow(src.prices.close, (t + maxHorizon) * N, N);
      for (let h = 0; h < H; h++) forwardReturnsAt(src.prices, t, src.horizons[h], st.fRows[h]);
      if (computeOneBar && emit && k > 0) forwardReturnsAt(src.prices, t, 1, st.fOneRow);
    }
    const base = src ? 0 : row;
    d.base = base;
    if (single) {
      singleDate(st, input.signals[0], signalWords[0], fwd[0], fwdWords[0], perSignal[0], out, d);
      continue;
    }
    // names with a finite return at every horizon; with one horizon, emitting, the marks, the
    // values and their sort keys in one loop
    const gathered = H === 1 && groupOf === null && emit && keyed;
    const nF = gathered
      ? markAndGather(fwd[0], fwdWords[0], base, N, fMark, stamp, fSecurity)
      : namesWithEveryReturn(fwd, base, N, groupOf, fSecurity, fMark, stamp);
    st.nF = nF;
    if (emit) {
      for (let h = 0; h < H; h++) {
        const vals = st.fValues[h];
        const order = st.fOrder[h];
        const secs = st.fSecuritySorted[h];
        // ungrouped and keyed: securities sorted by return straight away (the values stay in fwd[h])
        const bySecurity = !grouped && keyed;
        if (bySecurity) {
          if (!gathered && nF > RADIX_MIN) gatherKeys(fwdWords[h], base, fSecurity, nF);
          sortSecurities(fwd[h], fwdWords[h], base, fSecurity, nF, N, secs);
        } else gatherAndSort(fwd[h], fwdWords[h], base, fSecurity, nF, vals, st.fWords[h], order);
        if (!grouped) {
          // in sorted order, contiguous: every signal walks these sequentially
          if (!bySecurity) for (let q = 0; q < nF; q++) secs[q] = fSecurity[order[q]];
          returnTieGroups(st, h, fwd[h], base, nF);
        } else {
          ranksFromOrder(
            { order, m: nF, values: vals, securityOf: fSecurity, include: null, stamp, groupOf },
            G,
            { average: st.fRankFull[h], min: null, count: st.fCount, sumSquares: st.fSumSquares[h], runCount: st.runCount },
          );
        }
      }
      if (!grouped) returnQuads(fwd, base, N);
      if (!grouped) st.fCount[0] = H > 0 ? nF : 0;
      else if (H === 0) st.fCount.fill(0);
      for (let g = 0; g < G; g++) out.forwardRows[t * G + g] = st.fCount[g];
    }

    // ---- each signal: gather its finite values, sort, then the statistics
    for (let s = 0; s < S; s++) {
      const so = out.signals[s];
      const sig = input.signals[s];
      const sc = perSignal[input.correlation ? s : 0];
      const svals = sc.values;
      const sSec = sc.securityOf;
      let m = 0;
      let used = 0;
      touchRow(sig, row, N);
      if (groupOf === null && shared) {
        // the used names' securities and sort keys in one loop, sorted by signal (values read in place)
        m = gatherUsed(signalWords[s], row, N, fMark, stamp);
        used = GATHER_USED_COUNT[0];
        sc.m = m;
        sc.used = used;
        if (emit) so.finite[t] = m;
        sc.sortedKeys = sortSecurities(sig, signalWords[s], row, SHARED_USED, used, N, sc.order, false);
        sc.sorted = sc.order;
      } else if (groupOf === null && keyed) {
        // gather the finite values and their sort keys in one loop (radixArgsortKeyed)
        m = gatherSignal(sig, signalWords[s], row, N, sc, fMark, stamp, needSecurity);
        sc.m = m;
        sc.used = GATHER_USED_COUNT[0];
        if (emit) so.finite[t] = m;
        if (m > RADIX_MIN) radixArgsortKeyed(svals, sc.words, m, sc.order);
        else radixArgsort(svals, sc.words, m, sc.order);
        usedInOrder(sc);
      } else if (groupOf === null) {
        const usedSec = sc.usedSecurityOf;
        for (let i = 0; i < N; i++) {
          const v = sig[row + i];
          if (v - v !== 0) continue;
          svals[m] = v + 0;
          sSec[m] = i;
          const isUsed = fMark[i] === stamp;
          usedSec[m] = isUsed ? i : -1;
          used += isUsed ? 1 : 0;
          m++;
        }
        if (emit) so.finite[t] = m;
        sc.m = m;
        sc.used = used;
        radixArgsort(svals, sc.words, m, sc.order);
        usedInOrder(sc);
      } else {
        for (let i = 0; i < N; i++) {
          const v = sig[row + i];
          if (v - v !== 0) continue;
          const g = groupOf[i];
          if (g < 0) continue;
          if (emit) so.finite[t * G + g]++;
          svals[m] = v + 0;
          sSec[m] = i;
          used += fMark[i] === stamp ? 1 : 0;
          m++;
        }
        sc.m = m;
        sc.used = used;
        sc.sortedKeys = radixArgsort(svals, sc.words, m, sc.order);
      }
      if (input.correlation) {
        const finiteMark = sc.finiteMark;
        for (let p = 0; p < m; p++) finiteMark[sSec[p]] = stamp;
        if (emit) {
          ranksFromOrder(
            { order: sc.order, m, values: svals, securityOf: sSec, include: null, stamp, groupOf: null },
            1,
            { average: sc.rankAll, min: null, count: sc.countAll, sumSquares: sc.sumSquaresAll, runCount: st.runCount },
          );
        }
      }
      if (groupOf === null) rankSignal(st, sc, s, d, sig);
      else signalDateGrouped(st, sc, so, s, d, groupOf);
    }
    if (groupOf === null) {
      if (emit) for (let h = 0; h < H; h++) walkHorizon(st, out.signals, h, d);
      for (let s = 0; s < S; s++) finishSignal(st, out.signals[s], s, d);
    }

    if (emit && out.pairs.length) signalPairs(out.pairs, perSignal, stamp, t, N);
  }
  return out;
}

/**
 * One date of a pass with one signal and one horizon, whole cross-section: the names with a
 * finite signal and a finite forward return are gathered once with both sort keys
 * (gatherPair), the signal is sorted and ranked over them (rankSignal), then the forward
 * returns of the same names are sorted and walked. The forward walk over these names alone
 * gives the same sums as over every name with a return (the others add 0 to the ranks and the
 * rank products); forwardRows still counts every name with a return.
 */
function singleDate(
  st: PassState, sig: Float64Array, sigWords: Int32Array, fwd: Float64Array, fwdWords: Int32Array,
  sc: SignalScratch, out: ResearchPass, d: DateContext,
): void {
  const t = d.t;
  const row = d.row;
  const base = d.base;
  const so = out.signals[0];
  touchRow(sig, row, st.N);
  const m = gatherPair(fwdWords, base, sigWords, row, st.N);
  const used = PAIR_COUNTS[1];
  if (d.emit) {
    out.forwardRows[t] = PAIR_COUNTS[0];
    so.finite[t] = m;
  }
  sc.m = m;
  sc.used = used;
  sc.sortedKeys = sortSecurities(sig, sigWords, row, SHARED_USED, used, st.N, sc.order, false);
  sc.sorted = sc.order;
  rankSignal(st, sc, 0, d, sig);
  if (d.emit) {
    const keys = radixArgsortKeys();
    for (let q = 0; q < used; q++) keys[q] = PAIR_KEYS[q];
    sortSecurities(fwd, fwdWords, base, SHARED_USED, used, st.N, st.fSecuritySorted[0]);
    st.nF = used;
    returnTieGroups(st, 0, fwd, base, used);
    walkHorizon(st, out.signals, 0, d);
  }
  finishSignal(st, so, 0, d);
}

/** The forward sort keys of gatherPair. */
const PAIR_KEYS = new Int32Array(ARGSORT_RADIX_CAPACITY);
/** gatherPair's counts: names with a finite forward return, names with both. */
const PAIR_COUNTS = new Int32Array(2);

/**
 * Names with a finite signal and a finite forward return on a date, in security order: their
 * securities in SHARED_USED, the signal's sort keys in radixArgsortKeys() and the forward
 * return's in PAIR_KEYS (signedKey: -0 keyed as +0).
 * Returns the count of finite signal values; PAIR_COUNTS = [finite returns, both].
 */
function gatherPair(fwdWords: Int32Array, base: number, sigWords: Int32Array, row: number, N: number): number {
  const keys = radixArgsortKeys();
  const sigHighAt = 2 * row + 1;
  const fwdHighAt = 2 * base + 1;
  let m = 0;
  let nF = 0;
  let used = 0;
  // high words only, flags as 0/1 integers, no branch (see gatherUsed)
  for (let i = 0; i < N; i++) {
    const hi = sigWords[(sigHighAt + 2 * i) | 0];
    const fh = fwdWords[(fwdHighAt + 2 * i) | 0];
    const signalBad = notFinite(hi);
    const returnBad = notFinite(fh);
    nF += returnBad ^ 1;
    m += signalBad ^ 1;
    SHARED_USED[used] = i;
    keys[used] = signedKey(hi);
    PAIR_KEYS[used] = signedKey(fh);
    used += (signalBad | returnBad) ^ 1;
  }
  PAIR_COUNTS[0] = nF;
  PAIR_COUNTS[1] = used;
  return m;
}

/**
 * Horizon h's groups of equal returns (e.g. unchanged prices: 0) as [start, end) ranges of
 * sorted positions (st.fSecuritySorted[h][0..n) already sorted by source[base + security]),
 * found once for every walk.
 */
function returnTieGroups(st: PassState, h: number, source: Float64Array, base: number, n: number): void {
  const secs = st.fSecuritySorted[h];
  const tieStart = st.fTieStart[h];
  const tieEnd = st.fTieEnd[h];
  let groups = 0;
  let previous = NaN;
  let runStart = 0;
  for (let q = 0; q < n; q++) {
    const v = source[base + secs[q]];
    if (v === previous) continue;
    if (q - runStart > 1) {
      tieStart[groups] = runStart;
      tieEnd[groups++] = q;
    }
    runStart = q;
    previous = v;
  }
  if (n - runStart > 1) {
    tieStart[groups] = runStart;
    tieEnd[groups++] = n;
  }
  st.fTieGroups[h] = groups;
}

/**
 * The names (in group, when grouped) with a finite return at every horizon, in security order
 * (securities), marked fMark = stamp; returns their count. A function of its own: V8 compiles
 * it fully at once, where the pass's long body ran its loops in less optimized code.
 */
function namesWithEveryReturn(
  fwd: Float64Array[], base: number, N: number, groupOf: Int32Array | null,
  securities: Int32Array, fMark: Int32Array, stamp: number,
): number {
  const H = fwd.length;
  const f0 = H > 0 ? fwd[0] : null;
  let n = 0;
  for (let i = 0; i < N; i++) {
    if (groupOf !== null && groupOf[i] < 0) continue;
    const v = f0 === null ? 0 : f0[base + i];
    securities[n] = i;
    n += v - v === 0 ? 1 : 0;
  }
  // kept while the other horizons have a return too
  for (let h = 1; h < H; h++) {
    const f = fwd[h];
    let kept = 0;
    for (let q = 0; q < n; q++) {
      const i = securities[q];
      const v = f[base + i];
      securities[kept] = i;
      kept += v - v === 0 ? 1 : 0;
    }
    n = kept;
  }
  for (let q = 0; q < n; q++) fMark[securities[q]] = stamp;
  return n;
}

/**
 * Reads one double per 64-byte cache line of a[row..row + N) before the real loop does. On a
 * large panel a date's row of each matrix comes from main memory; this loop has nothing else
 * to do, so the processor keeps many of those reads in flight at once, while the gather loop
 * (a dozen operations per value) waited on them one line at a time: ~10-15% of a leaderboard
 * pass at 15M rows. The sum only keeps the reads from being optimized away.
 */
function touchRow(a: Float64Array, row: number, N: number): void {
  let sum = 0;
  const end = Math.min(row + N, a.length);
  for (let c = row; c < end; c += 8) sum += a[c];
  touchSink = sum;
}
let touchSink = 0;

/**
 * One signal's finite values on a date (row) and their sort keys in one loop, for
 * radixArgsortKeyed (keys in radixArgsortKeys()): sc.values,
 * sc.usedSecurityOf (the security when every forward return exists, else -1), sc.securityOf
 * when asked; returns the count, the used count in GATHER_USED_COUNT. A function of its own:
 * in the pass's long body V8 kept fewer of its values in registers.
 */
function gatherSignal(sig: Float64Array, sigHigh: Int32Array, row: number, N: number, sc: SignalScratch, fMark: Int32Array, stamp: number, needSecurity: boolean): number {
  const svals = sc.values;
  const sSec = sc.securityOf;
  const usedSec = sc.usedSecurityOf;
  const keys = radixArgsortKeys();
  let m = 0;
  let used = 0;
  for (let i = 0; i < N; i++) {
    // every array is read before the first branch (see gatherUsed)
    const v = sig[row + i];
    const hi = sigHigh[2 * (row + i) + 1];
    const isUsed = fMark[i] === stamp;
    if (v - v !== 0) continue;
    svals[m] = v + 0;
    // the key of the stored value v + 0 from the input's high word (signedKey: -0, stored as +0, gets key 0)
    const key = signedKey(hi);
    keys[m] = key;
    if (needSecurity) sSec[m] = i;
    usedSec[m] = isUsed ? i : -1;
    used += isUsed ? 1 : 0;
    m++;
  }
  GATHER_USED_COUNT[0] = used;
  return m;
}

/**
 * One horizon: marks the securities with a finite forward return (fMark = stamp, else 0),
 * lists them (securities) with their sort keys (radixArgsortKeys(), -0 keyed as +0) in one
 * loop, for radixSortPayload; returns their count.
 */
function markAndGather(
  source: Float64Array, sourceWords: Int32Array, base: number, N: number,
  fMark: Int32Array, stamp: number, securities: Int32Array,
): number {
  const keys = radixArgsortKeys();
  let n = 0;
  for (let i = 0; i < N; i++) {
    const c = base + i;
    // every array is read before the first branch (see gatherUsed)
    const v = source[c];
    const hi = sourceWords[2 * c + 1];
    const ok = v - v === 0;
    fMark[i] = ok ? stamp : 0;
    if (!ok) continue;
    securities[n] = i;
    // the key of the stored v + 0 (signedKey: -0, stored as +0, gets key 0)
    const key = signedKey(hi);
    keys[n] = key;
    n++;
  }
  return n;
}

/**
 * A keyed pass without signal pairs gathers the used names' securities into
 * a module array (ARGSORT_RADIX_CAPACITY long, so any keyed cross-section fits), which V8
 * compiles into gatherUsed as a constant address - about a third faster than the same loop
 * writing arrays reached through the scratch object. One pass runs at a time per thread.
 */
const SHARED_USED = new Int32Array(ARGSORT_RADIX_CAPACITY);
const GATHER_USED_COUNT = new Int32Array(1);

/**
 * A signal's used names on a date (finite value and every forward return), in security order:
 * their securities in SHARED_USED and sort keys (signedKey) in radixArgsortKeys()
 * (radixSortPayload reads the values in place), their count in GATHER_USED_COUNT. Returns the
 * count of finite values. Reads the high words only: their exponent bits say whether the value
 * is finite, and the key comes from them.
 */
function gatherUsed(sigWords: Int32Array, row: number, N: number, fMark: Int32Array, stamp: number): number {
  const keys = radixArgsortKeys();
  const highAt = 2 * row + 1;
  let m = 0;
  let used = 0;
  // flags as 0/1 integers and no branch: V8 compiles booleans in sums to branches and moves
  for (let i = 0; i < N; i++) {
    const hi = sigWords[(highAt + 2 * i) | 0];
    const bad = notFinite(hi);
    // 1 when fMark[i] === stamp (both non-negative)
    const marked = (((fMark[i] ^ stamp) - 1) | 0) >>> 31;
    m += bad ^ 1;
    // written for every name and kept (used moves on) for a used one
    SHARED_USED[used] = i;
    keys[used] = signedKey(hi);
    used += marked & (bad ^ 1);
  }
  GATHER_USED_COUNT[0] = used;
  return m;
}

/** sc.sorted: the used names' securities in the signal's sorted order (from sc.order over every finite value). */
function usedInOrder(sc: SignalScratch): void {
  const order = sc.order;
  const usedSec = sc.usedSecurityOf;
  const list = sc.usedSorted;
  let n = 0;
  for (let j = 0; j < sc.m; j++) {
    const i = usedSec[order[j]];
    list[n] = i;
    n += i >= 0 ? 1 : 0;
  }
  sc.sorted = list;
  sc.sortedKeys = false;
}

/** The sort keys (signedKey) of source[base + securities[q]] (q < m), for radixSortPayload. */
function gatherKeys(sourceWords: Int32Array, base: number, securities: Int32Array, m: number): void {
  const keys = radixArgsortKeys();
  for (let q = 0; q < m; q++) keys[q] = signedKey(sourceWords[(2 * (base + securities[q]) + 1) | 0]);
}

/** Below this many values radixArgsort sorts by insertion (its keys are not used). */
const RADIX_MIN = 24;

/**
 * out[0..n) = securities[0..n) in ascending order of values[base + security], stable: by
 * radixSortPayload (their sort keys already in radixArgsortKeys()) above RADIX_MIN names, else
 * by insertion. Returns whether radixArgsortKeys() now holds the sorted keys; with exact =
 * false, runs of equal keys are then left for the caller to order (sortKeyRun).
 */
function sortSecurities(values: Float64Array, words: Int32Array, base: number, securities: Int32Array, n: number, limit: number, out: Int32Array, exact = true): boolean {
  if (n > RADIX_MIN) {
    radixSortPayload(values, words, base, securities, n, limit, out, exact);
    return true;
  }
  for (let q = 0; q < n; q++) out[q] = securities[q];
  insertionSortAt(out, 0, n, values, base);
  return false;
}

/**
 * values[q] = source[base + securities[q]] + 0 (q < m), then their ascending order; the sort
 * keys are computed in the same loop (from the source's high words: reading back the value
 * just stored would wait for the store) when the cross-section is in radixArgsortKeyed's range.
 */
function gatherAndSort(source: Float64Array, sourceWords: Int32Array, base: number, securities: Int32Array, m: number, values: Float64Array, words: Int32Array, order: Int32Array): void {
  if (m <= RADIX_MIN || m > ARGSORT_RADIX_CAPACITY) {
    for (let q = 0; q < m; q++) values[q] = source[base + securities[q]] + 0;
    radixArgsort(values, words, m, order);
    return;
  }
  const keys = radixArgsortKeys();
  for (let q = 0; q < m; q++) {
    const c = base + securities[q];
    const v = source[c];
    values[q] = v + 0;
    const hi = sourceWords[2 * c + 1];
    // the key of the stored v + 0 (signedKey: -0, stored as +0, gets key 0)
    const key = signedKey(hi);
    keys[q] = key;
  }
  radixArgsortKeyed(values, words, m, order);
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
