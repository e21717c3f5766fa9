import { quantileBucket } from './quantile-bucket';
import { pearsonFromSums, rankPearson } from './ic-rank-pearson';
import type { PassState, SignalScratch } from './xs-pass-state';
import type { SignalPass } from './xs-research-pass';

/** The current date, as the per-signal steps see it. */
export interface DateContext {
  t: number;
  /** t * N: the date's first cell. */
  row: number;
  /** t + 1: marks written today (fMark, finiteMark, ring stamps). */
  stamp: number;
  /** False while replaying the dates before a block (rings only, no output). */
  emit: boolean;
  forward: Float64Array[];
  forward1: Float64Array | null;
  /** Index of forward1 among the horizons, or -1. */
  forward1Horizon: number;
}

/**
 * One signal on one date, whole cross-section (no groups): the hot path of factor research.
 * The signal is sorted (sc.order); one walk over it gives every used name (finite signal and
 * every forward return) its average rank, its quantile bucket (from its min rank) and a place
 * in the used list. Then one walk per horizon over that horizon's forward returns in sorted
 * order ranks the used names among themselves and accumulates, in the same step, the sums of
 * the IC, the date mean and the bucket means. Definitions: docs/research.md.
 */
export function signalDate(st: PassState, sc: SignalScratch, so: SignalPass, s: number, d: DateContext): void {
  const { k, H } = st;
  const { t, row, stamp, emit } = d;
  const sRank = st.sRank;
  const bucketOf = st.bucketOf;
  const usedList = st.usedList;
  const counts = st.bucketCountNow;
  const fMark = st.fMark;
  const n = sc.used;

  if (k > 0) {
    counts.fill(0, 0, k);
    if (n >= k && n !== st.bucketTableN) {
      for (let r = 1; r <= n; r++) st.bucketTable[r] = quantileBucket(r, n, k);
      st.bucketTableN = n;
    }
  }
  const table = st.bucketTable;
  const withBuckets = k > 0 && n >= k;

  // ---- ranks, buckets and the used list from the signal's sorted order
  sRank.fill(NaN);
  const order = sc.order;
  const values = sc.values;
  const securityOf = sc.securityOf;
  const m = sc.m;
  let ranked = 0;
  let squares = 0;
  let u = 0;
  let j = 0;
  while (j < m) {
    const p = order[j];
    const v = values[p];
    if (j + 1 === m || values[order[j + 1]] !== v) {
      const i = securityOf[p];
      j++;
      if (fMark[i] !== stamp) continue;
      ranked++;
      sRank[i] = ranked;
      squares += ranked * ranked;
      usedList[u++] = i;
      if (withBuckets) {
        const b = table[ranked];
        bucketOf[i] = b;
        counts[b - 1]++;
      } else bucketOf[i] = 0;
      continue;
    }
    let e = j + 2;
    while (e < m && values[order[e]] === v) e++;
    let c = 0;
    for (let a = j; a < e; a++) if (fMark[securityOf[order[a]]] === stamp) c++;
    if (c > 0) {
      const avg = ranked + (c + 1) / 2;
      const b = withBuckets ? table[ranked + 1] : 0;
      for (let a = j; a < e; a++) {
        const i = securityOf[order[a]];
        if (fMark[i] !== stamp) continue;
        sRank[i] = avg;
        usedList[u++] = i;
        bucketOf[i] = b;
      }
      if (b > 0) counts[b - 1] += c;
      ranked += c;
      squares += c * avg * avg;
    }
    j = e;
  }
  st.u = u;

  if (emit) {
    so.used[t] = n;
    if (k > 0) so.bucketCount.set(counts.subarray(0, k), t * k);
    const bucketSum = st.bucketSum;
    for (let h = 0; h < H; h++) {
      // the used names ranked among themselves by this horizon's forward return
      const secs = st.fSecuritySorted[h];
      const vals = st.fValueSorted[h];
      const nF = st.nF;
      if (k > 0) bucketSum.fill(0, 0, k);
      let r = 0;
      let sxy = 0;
      let syy = 0;
      let sf = 0;
      let q = 0;
      while (q < nF) {
        const f = vals[q];
        if (q + 1 === nF || vals[q + 1] !== f) {
          const x = sRank[secs[q]];
          const b = bucketOf[secs[q]];
          q++;
          if (x !== x) continue;
          r++;
          sxy += x * r;
          syy += r * r;
          sf += f;
          if (b > 0) bucketSum[b - 1] += f;
          continue;
        }
        let e = q + 2;
        while (e < nF && vals[e] === f) e++;
        let c = 0;
        let sx = 0;
        for (let a = q; a < e; a++) {
          const x = sRank[secs[a]];
          if (x !== x) continue;
          c++;
          sx += x;
          const b = bucketOf[secs[a]];
          if (b > 0) bucketSum[b - 1] += f;
        }
        if (c > 0) {
          const avg = r + (c + 1) / 2;
          sxy += sx * avg;
          syy += c * avg * avg;
          sf += c * f;
          r += c;
        }
        q = e;
      }
      so.ic[h][t] = rankPearson(n, sxy, squares, syy);
      so.dateMean[h][t] = n > 0 ? sf / n : NaN;
      for (let b = 0; b < k; b++) if (counts[b] > 0) so.bucketMean[h][t * k + b] = bucketSum[b] / counts[b];
    }

    if (so.bucketMean1 !== null && d.forward1 !== null) {
      if (d.forward1Horizon >= 0) {
        so.bucketMean1.set(so.bucketMean[d.forward1Horizon].subarray(t * k, (t + 1) * k), t * k);
      } else {
        const fwd1 = d.forward1;
        const bucketN = st.bucketN;
        bucketSum.fill(0, 0, k);
        bucketN.fill(0, 0, k);
        for (let a = 0; a < u; a++) {
          const i = usedList[a];
          const b = bucketOf[i];
          const f = fwd1[row + i];
          if (b === 0 || f - f !== 0) continue;
          bucketSum[b - 1] += f;
          bucketN[b - 1]++;
        }
        for (let b = 0; b < k; b++) if (bucketN[b] > 0) so.bucketMean1[t * k + b] = bucketSum[b] / bucketN[b];
      }
    }
  }

  if (st.lags.length) autocorrelationAndRing(st, so, s, d);
}

/**
 * Rank autocorrelation and bucket turnover against the rings of earlier dates, then today's
 * ranks and buckets into the ring (also while replaying, so a block starts with full rings).
 */
function autocorrelationAndRing(st: PassState, so: SignalPass, s: number, d: DateContext): void {
  const { N, R, k, lags } = st;
  const { t, stamp, emit } = d;
  const ring = st.rankRing[s];
  const stamps = st.stampRing[s];
  const bring = st.bucketRing[s];
  const cring = st.countRing[s];
  const sRank = st.sRank;
  const bucketOf = st.bucketOf;
  const usedList = st.usedList;
  const u = st.u;
  const fresh = st.newInBucket;
  if (emit) {
    for (let l = 0; l < lags.length; l++) {
      const lag = lags[l];
      if (t - lag < 0) continue;
      const prev = ((t - lag) % R) * N;
      const prevStamp = t - lag + 1;
      if (k > 0) fresh.fill(0, 0, k);
      let n = 0;
      let sx = 0;
      let sy = 0;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      for (let a = 0; a < u; a++) {
        const i = usedList[a];
        const b = bucketOf[i];
        if (stamps[prev + i] === prevStamp) {
          const x = sRank[i];
          const y = ring[prev + i];
          n++;
          sx += x;
          sy += y;
          sxy += x * y;
          sxx += x * x;
          syy += y * y;
          if (b > 0 && bring[prev + i] !== b) fresh[b - 1]++;
        } else if (b > 0) fresh[b - 1]++;
      }
      so.autocorrelation[l][t] = pearsonFromSums(n, sx, sy, sxy, sxx, syy);
      if (k > 0) {
        const before = ((t - lag) % R) * k;
        for (let b = 0; b < k; b++) {
          const now = st.bucketCountNow[b];
          if (now > 0 && cring[before + b] > 0) so.turnover[l][t * k + b] = fresh[b] / now;
        }
      }
    }
  }
  const slot = (t % R) * N;
  for (let a = 0; a < u; a++) {
    const i = usedList[a];
    ring[slot + i] = sRank[i];
    stamps[slot + i] = stamp;
    if (k > 0) bring[slot + i] = bucketOf[i];
  }
  if (k > 0) cring.set(st.bucketCountNow.subarray(0, k), (t % R) * k);
}
