import { int32Words } from './rank-sort';
import { CODE_IMUL_MAX, CODE_MAX_BUCKETS, CODE_MAX_SECURITIES, CODE_UNUSED } from './xs-signal-date';

/**
 * Scratch of the research pass (xs-research-pass.ts), allocated once before the date loop
 * and shared by the per-signal steps (xs-signal-date.ts, xs-signal-date-grouped.ts).
 * Arrays indexed by security are length N; by group G; by group and bucket G * k.
 */
export interface PassState {
  N: number;
  G: number;
  H: number;
  k: number;
  lags: number[];
  /** Ring length: max(lags) + 1. */
  R: number;
  /** Statistics within groups (xs-signal-date-grouped.ts) rather than over the whole cross-section. */
  grouped: boolean;

  // ---- this date's forward returns (shared by every signal)
  /** Per horizon, this date's forward returns by security, when the pass computes them from prices. */
  fRows: Float64Array[];
  /** This date's 1-bar forward returns when they are not one of the horizons. */
  fOneRow: Float64Array;
  /** fMark[i] === stamp when security i has every horizon's forward return today. */
  fMark: Int32Array;
  /** The nF such securities, and per horizon their values by position and sorted order. */
  fSecurity: Int32Array;
  nF: number;
  fValues: Float64Array[];
  fWords: Int32Array[];
  fOrder: Int32Array[];
  /** Ungrouped: per horizon, the securities in ascending order of return (read sequentially by each signal). */
  fSecuritySorted: Int32Array[];
  /**
   * Ungrouped: per horizon, today's groups of equal forward returns as [start, end) ranges of
   * sorted positions, and how many (the walks run tie-free between them).
   */
  fTieStart: Int32Array[];
  fTieEnd: Int32Array[];
  fTieGroups: Int32Array;
  /** Grouped: per horizon, ranks within groups over all nF names, their sums of squares, and names per group. */
  fRankFull: Float64Array[];
  fSumSquares: Float64Array[];
  fCount: Int32Array;

  // ---- one signal on this date, whole cross-section
  /**
   * Per signal, rank codes of the last R dates: code = bucket << CODE_RANK_BITS | 2 *
   * averageRank per security, CODE_UNUSED for a name not used (xs-signal-date.ts), so the
   * walks read rank and bucket with one load. The ring (slot t % R; one slot without lags),
   * and a view per slot.
   */
  codeRing: Int32Array[];
  codeSlots: Int32Array[][];
  /** Per signal, today's used names (in signal order), their count, their sum of squared ranks and bucket counts (S * k). */
  usedLists: Int32Array[];
  usedBySignal: Int32Array;
  squaresBySignal: Float64Array;
  countsBySignal: Int32Array;
  /** Per signal and horizon, today's sums of the used names' returns: slot 0 on a date without buckets, then bucket 1..k (returnsByBucket). */
  returnSums: Float64Array;
  /**
   * The first lag's autocorrelation and turnover are summed during the rank walk (rankSignal)
   * when the cross-section allows exact int32 products (N <= 32767): per signal the six sums
   * of pearsonFromSums (n, x2, y2, x2*y2, x2^2, y2^2 with x2, y2 twice the ranks), per signal
   * and bucket the names in the same bucket `lag` dates earlier; noCodes (all unused) stands
   * in for the earlier codes on dates without output.
   */
  fuseFirstLag: boolean;
  firstLagSums: Float64Array;
  stayBySignal: Int32Array;
  noCodes: Int32Array;

  // ---- shared by both paths
  usedList: Int32Array;
  /** Entries of usedList. */
  u: number;
  bucketCountNow: Int32Array;
  bucketSum: Float64Array;
  bucketN: Int32Array;
  newInBucket: Int32Array;
  runCount: Int32Array;
  /** Per signal, bucket counts per group of the last R dates. */
  countRing: Int32Array[];

  // ---- grouped only
  /** Average rank of used names (written for used names only). */
  sRank: Float64Array;
  sMin: Float64Array;
  usedCount: Int32Array;
  sSumSquares: Float64Array;
  usedMark: Int32Array;
  usedStamp: number;
  usedGroup: Int32Array;
  bucketOf: Int32Array;
  fRankSub: Float64Array;
  fSumSquaresSub: Float64Array;
  subCount: Int32Array;
  sumXY: Float64Array;
  sumF: Float64Array;
  acSums: Float64Array;
  /** Per signal, the last R dates: ranks and buckets of used names (valid when the stamp matches that date). */
  rankRing: Float64Array[];
  stampRing: Int32Array[];
  bucketRing: Int32Array[];
}

/** One signal's cross-section on the current date: finite values by position, sorted. */
export interface SignalScratch {
  values: Float64Array;
  words: Int32Array;
  /** The security of each position (ungrouped keyed pass: written only when signal pairs need it). */
  securityOf: Int32Array;
  /** Ungrouped: the security of each position when it is used today (every forward return), else -1. */
  usedSecurityOf: Int32Array;
  /**
   * radixArgsortKeys()[0..used) holds the sorted keys of `sorted` (until the next sort); names
   * whose keys collide may still be out of value order (rankSignal orders them: sortKeyRun).
   */
  sortedKeys: boolean;
  order: Int32Array;
  /** Ungrouped: the used names' securities in ascending signal order (sc.order itself, or usedSorted). */
  sorted: Int32Array;
  /** sorted, when built from an order over every finite value. */
  usedSorted: Int32Array;
  finiteMark: Int32Array;
  m: number;
  /** Names with a finite signal and every forward return (counted while gathering). */
  used: number;
  /** Ranks over every finite value, for signal-signal correlations. */
  rankAll: Float64Array;
  countAll: Int32Array;
  sumSquaresAll: Float64Array;
}

export function createPassState(
  N: number, G: number, H: number, k: number, lags: number[], signals: number,
  options: { grouped: boolean; computeForward: boolean; computeOneBar: boolean },
): PassState {
  const L = lags.length;
  const R = L ? Math.max(...lags) + 1 : 1;
  const GK = Math.max(1, G * k);
  const grouped = options.grouped;
  const perHorizon = <T>(make: () => T) => Array.from({ length: H }, make);
  const perSignal = <T>(make: () => T) => Array.from({ length: signals }, make);
  const fValues = perHorizon(() => new Float64Array(N));
  if (!grouped && (N > CODE_MAX_SECURITIES || k > CODE_MAX_BUCKETS)) {
    throw new Error(`research pass: ${N} securities with ${k} buckets exceed the rank code range (${CODE_MAX_SECURITIES} securities, ${CODE_MAX_BUCKETS} buckets)`);
  }
  const slots = L ? R : 1;
  const codeRing = grouped ? [] : perSignal(() => new Int32Array(slots * N));
  const codeSlots = codeRing.map((ring) => Array.from({ length: slots }, (_, r) => ring.subarray(r * N, (r + 1) * N)));
  const groupedN = grouped ? N : 0;
  return {
    N, G, H, k, lags, R, grouped,
    fRows: perHorizon(() => new Float64Array(options.computeForward ? N : 0)),
    fOneRow: new Float64Array(options.computeOneBar ? N : 0),
    fMark: new Int32Array(N),
    fSecurity: new Int32Array(N),
    nF: 0,
    fValues,
    fWords: fValues.map(int32Words),
    fOrder: perHorizon(() => new Int32Array(N)),
    fSecuritySorted: perHorizon(() => new Int32Array(grouped ? 0 : N)),
    fTieStart: perHorizon(() => new Int32Array(grouped ? 0 : (N >> 1) + 1)),
    fTieEnd: perHorizon(() => new Int32Array(grouped ? 0 : (N >> 1) + 1)),
    fTieGroups: new Int32Array(H),
    fRankFull: perHorizon(() => new Float64Array(groupedN)),
    fSumSquares: perHorizon(() => new Float64Array(G)),
    fCount: new Int32Array(G),
    codeRing,
    codeSlots,
    usedLists: grouped ? [] : perSignal(() => new Int32Array(N)),
    usedBySignal: new Int32Array(signals),
    squaresBySignal: new Float64Array(signals),
    countsBySignal: new Int32Array(Math.max(1, signals * k)),
    returnSums: new Float64Array(grouped ? 0 : signals * H * (k + 1)),
    fuseFirstLag: !grouped && L > 0 && N <= CODE_IMUL_MAX,
    firstLagSums: new Float64Array(6 * signals),
    stayBySignal: new Int32Array(Math.max(1, signals * k)),
    noCodes: new Int32Array(grouped ? 0 : N).fill(CODE_UNUSED),
    usedList: new Int32Array(N),
    u: 0,
    bucketCountNow: new Int32Array(GK),
    bucketSum: new Float64Array(GK),
    bucketN: new Int32Array(GK),
    newInBucket: new Int32Array(Math.max(GK, 2 * (k + 1) * 8)),
    runCount: new Int32Array(G),
    countRing: perSignal(() => new Int32Array(L && k > 0 ? R * G * k : 0)),
    sRank: new Float64Array(groupedN),
    sMin: new Float64Array(groupedN),
    usedCount: new Int32Array(G),
    sSumSquares: new Float64Array(G),
    usedMark: new Int32Array(groupedN),
    usedStamp: 0,
    usedGroup: new Int32Array(groupedN),
    bucketOf: new Int32Array(groupedN),
    fRankSub: new Float64Array(groupedN),
    fSumSquaresSub: new Float64Array(G),
    subCount: new Int32Array(G),
    sumXY: new Float64Array(G),
    sumF: new Float64Array(G),
    acSums: new Float64Array(6 * G),
    rankRing: perSignal(() => new Float64Array(grouped && L ? R * N : 0)),
    stampRing: perSignal(() => new Int32Array(grouped && L ? R * N : 0)),
    bucketRing: perSignal(() => new Int32Array(grouped && L && k > 0 ? R * N : 0)),
  };
}

export function createSignalScratch(N: number): SignalScratch {
  const values = new Float64Array(N);
  const order = new Int32Array(N);
  return {
    values, words: int32Words(values), securityOf: new Int32Array(N), usedSecurityOf: new Int32Array(N), sortedKeys: false, order, sorted: order, usedSorted: new Int32Array(N), finiteMark: new Int32Array(N),
    m: 0, used: 0, rankAll: new Float64Array(N), countAll: new Int32Array(1), sumSquaresAll: new Float64Array(1),
  };
}
