import { createSortScratch, int32Words, type SortScratch } from './rank-sort';

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
  sort: SortScratch;

  // ---- this date's forward returns (shared by every signal)
  /** fMark[i] === stamp when security i has every horizon's forward return today. */
  fMark: Int32Array;
  /** The nF such securities, and per horizon their values by position and sorted order. */
  fSecurity: Int32Array;
  nF: number;
  fValues: Float64Array[];
  fWords: Int32Array[];
  fOrder: Int32Array[];
  /** Ungrouped: per horizon, security and value in ascending value order (read sequentially by each signal). */
  fSecuritySorted: Int32Array[];
  fValueSorted: Float64Array[];
  /** Grouped: per horizon, ranks within groups over all nF names, their sums of squares, and names per group. */
  fRankFull: Float64Array[];
  fSumSquares: Float64Array[];
  fCount: Int32Array;

  // ---- one signal on this date
  /** Ungrouped: average rank of used names, NaN for the others. Grouped: written for used names only. */
  sRank: Float64Array;
  sMin: Float64Array;
  usedCount: Int32Array;
  sSumSquares: Float64Array;
  usedMark: Int32Array;
  usedStamp: number;
  usedList: Int32Array;
  usedGroup: Int32Array;
  /** Entries of usedList. */
  u: number;
  bucketOf: Int32Array;
  bucketCountNow: Int32Array;
  /** quantileBucket by min rank for `bucketTableN` names (ungrouped: the count rarely changes between dates). */
  bucketTable: Int32Array;
  bucketTableN: number;
  fRankSub: Float64Array;
  fSumSquaresSub: Float64Array;
  subCount: Int32Array;
  runCount: Int32Array;
  sumXY: Float64Array;
  sumF: Float64Array;
  bucketSum: Float64Array;
  bucketN: Int32Array;
  acSums: Float64Array;
  newInBucket: Int32Array;

  // ---- per signal, the last R dates: ranks and buckets of used names (valid when the stamp
  // matches that date) and bucket counts per group
  rankRing: Float64Array[];
  stampRing: Int32Array[];
  bucketRing: Int32Array[];
  countRing: Int32Array[];
}

/** One signal's cross-section on the current date: finite values by position, sorted. */
export interface SignalScratch {
  values: Float64Array;
  words: Int32Array;
  securityOf: Int32Array;
  order: Int32Array;
  finiteMark: Int32Array;
  m: number;
  /** Names with a finite signal and every forward return (counted while gathering). */
  used: number;
  /** Ranks over every finite value, for signal-signal correlations. */
  rankAll: Float64Array;
  countAll: Int32Array;
  sumSquaresAll: Float64Array;
}

export function createPassState(N: number, G: number, H: number, k: number, lags: number[], signals: number): PassState {
  const L = lags.length;
  const R = L ? Math.max(...lags) + 1 : 1;
  const GK = Math.max(1, G * k);
  const perHorizon = <T>(make: () => T) => Array.from({ length: H }, make);
  const perSignal = <T>(make: () => T) => Array.from({ length: signals }, make);
  const fValues = perHorizon(() => new Float64Array(N));
  return {
    N, G, H, k, lags, R,
    sort: createSortScratch(N),
    fMark: new Int32Array(N),
    fSecurity: new Int32Array(N),
    nF: 0,
    fValues,
    fWords: fValues.map(int32Words),
    fOrder: perHorizon(() => new Int32Array(N)),
    fSecuritySorted: perHorizon(() => new Int32Array(G === 1 ? N : 0)),
    fValueSorted: perHorizon(() => new Float64Array(G === 1 ? N : 0)),
    fRankFull: perHorizon(() => new Float64Array(G > 1 ? N : 0)),
    fSumSquares: perHorizon(() => new Float64Array(G)),
    fCount: new Int32Array(G),
    sRank: new Float64Array(N),
    sMin: new Float64Array(N),
    usedCount: new Int32Array(G),
    sSumSquares: new Float64Array(G),
    usedMark: new Int32Array(N),
    usedStamp: 0,
    usedList: new Int32Array(N),
    usedGroup: new Int32Array(N),
    u: 0,
    bucketOf: new Int32Array(N),
    bucketCountNow: new Int32Array(GK),
    bucketTable: new Int32Array(N + 1),
    bucketTableN: -1,
    fRankSub: new Float64Array(N),
    fSumSquaresSub: new Float64Array(G),
    subCount: new Int32Array(G),
    runCount: new Int32Array(G),
    sumXY: new Float64Array(G),
    sumF: new Float64Array(G),
    bucketSum: new Float64Array(GK),
    bucketN: new Int32Array(GK),
    acSums: new Float64Array(6 * G),
    newInBucket: new Int32Array(GK),
    rankRing: perSignal(() => new Float64Array(L ? R * N : 0)),
    stampRing: perSignal(() => new Int32Array(L ? R * N : 0)),
    bucketRing: perSignal(() => new Int32Array(L && k > 0 ? R * N : 0)),
    countRing: perSignal(() => new Int32Array(L && k > 0 ? R * G * k : 0)),
  };
}

export function createSignalScratch(N: number): SignalScratch {
  const values = new Float64Array(N);
  return {
    values, words: int32Words(values), securityOf: new Int32Array(N), order: new Int32Array(N), finiteMark: new Int32Array(N),
    m: 0, used: 0, rankAll: new Float64Array(N), countAll: new Int32Array(1), sumSquaresAll: new Float64Array(1),
  };
}
