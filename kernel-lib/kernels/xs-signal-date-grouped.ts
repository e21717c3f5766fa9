import { ranksFromOrder } from './rank-walk';
import { quantileBucket } from './quantile-bucket';
import { pearsonFromSums, rankPearson } from './ic-rank-pearson';
import type { PassState, SignalScratch } from './xs-pass-state';
import type { SignalPass } from './xs-research-pass';
import type { DateContext } from './xs-signal-date';

/**
 * One signal on one date with groups (sector slices, user labels): every statistic of
 * xs-signal-date.ts computed within each group - ranks restart at 1 in each group, buckets
 * split each group's names, correlations are per group. Output cells (t, g) at t * G + g.
 */
export function signalDateGrouped(st: PassState, sc: SignalScratch, so: SignalPass, s: number, d: DateContext, groupOf: Int32Array): void {
  const { G, H, k, N, R, lags } = st;
  const { t, stamp, emit } = d;
  const base = d.base;
  const { sRank, sMin, usedCount, sSumSquares, usedMark, usedList, usedGroup, bucketOf, bucketCountNow, runCount } = st;

  ranksFromOrder(
    { order: sc.order, m: sc.m, values: sc.values, securityOf: sc.securityOf, include: st.fMark, stamp, groupOf },
    G,
    { average: sRank, min: sMin, count: usedCount, sumSquares: sSumSquares, runCount },
  );
  const usedStamp = ++st.usedStamp;
  let u = 0;
  for (let p = 0; p < sc.m; p++) {
    const i = sc.securityOf[p];
    if (st.fMark[i] !== stamp) continue;
    usedMark[i] = usedStamp;
    usedGroup[u] = groupOf[i];
    usedList[u++] = i;
  }
  st.u = u;
  let allRowsUsed = true;
  for (let g = 0; g < G; g++) {
    if (emit) so.used[t * G + g] = usedCount[g];
    if (usedCount[g] !== st.fCount[g]) allRowsUsed = false;
  }

  // buckets from min ranks within each group (0 = fewer than k names in the group)
  if (k > 0) {
    bucketCountNow.fill(0);
    for (let j = 0; j < u; j++) {
      const i = usedList[j];
      const g = usedGroup[j];
      const n = usedCount[g];
      const b = n >= k ? quantileBucket(sMin[i], n, k) : 0;
      bucketOf[i] = b;
      if (b > 0) bucketCountNow[g * k + b - 1]++;
    }
    if (emit) for (let e = 0; e < G * k; e++) so.bucketCount[t * G * k + e] = bucketCountNow[e];
  }

  if (emit) {
    const { sumXY, sumF, bucketSum } = st;
    for (let h = 0; h < H; h++) {
      let fr = st.fRankFull[h];
      let fss = st.fSumSquares[h];
      if (!allRowsUsed) {
        // rank the used names among themselves, within groups, from this horizon's sorted order
        ranksFromOrder(
          { order: st.fOrder[h], m: st.nF, values: st.fValues[h], securityOf: st.fSecurity, include: usedMark, stamp: usedStamp, groupOf },
          G,
          { average: st.fRankSub, min: null, count: st.subCount, sumSquares: st.fSumSquaresSub, runCount },
        );
        fr = st.fRankSub;
        fss = st.fSumSquaresSub;
      }
      const fwd = d.forward[h];
      sumXY.fill(0);
      sumF.fill(0);
      if (k > 0) bucketSum.fill(0);
      for (let j = 0; j < u; j++) {
        const i = usedList[j];
        const g = usedGroup[j];
        const f = fwd[base + i];
        sumXY[g] += sRank[i] * fr[i];
        sumF[g] += f;
        if (k > 0) {
          const b = bucketOf[i];
          if (b > 0) bucketSum[g * k + b - 1] += f;
        }
      }
      for (let g = 0; g < G; g++) {
        const c = t * G + g;
        const n = usedCount[g];
        so.ic[h][c] = rankPearson(n, sumXY[g], sSumSquares[g], fss[g]);
        so.dateMean[h][c] = n > 0 ? sumF[g] / n : NaN;
        for (let b = 0; b < k; b++) {
          const nb = bucketCountNow[g * k + b];
          if (nb > 0) so.bucketMean[h][c * k + b] = bucketSum[g * k + b] / nb;
        }
      }
    }

    if (so.bucketMean1 !== null && d.forward1 !== null) {
      if (d.forward1Horizon >= 0) {
        const bm = so.bucketMean[d.forward1Horizon];
        for (let e = t * G * k; e < (t + 1) * G * k; e++) so.bucketMean1[e] = bm[e];
      } else {
        const fwd1 = d.forward1;
        const { bucketN } = st;
        bucketSum.fill(0);
        bucketN.fill(0);
        for (let j = 0; j < u; j++) {
          const i = usedList[j];
          const b = bucketOf[i];
          const f = fwd1[base + i];
          if (b === 0 || f - f !== 0) continue;
          const e = usedGroup[j] * k + b - 1;
          bucketSum[e] += f;
          bucketN[e]++;
        }
        for (let e = 0; e < G * k; e++) if (bucketN[e] > 0) so.bucketMean1[t * G * k + e] = bucketSum[e] / bucketN[e];
      }
    }
  }

  if (!lags.length) return;
  const ring = st.rankRing[s];
  const stamps = st.stampRing[s];
  const bring = st.bucketRing[s];
  const cring = st.countRing[s];
  const { acSums, newInBucket } = st;
  if (emit) {
    for (let l = 0; l < lags.length; l++) {
      const lag = lags[l];
      if (t - lag < 0) continue;
      const prev = ((t - lag) % R) * N;
      const prevStamp = t - lag + 1;
      acSums.fill(0);
      if (k > 0) newInBucket.fill(0);
      for (let j = 0; j < u; j++) {
        const i = usedList[j];
        const g = usedGroup[j];
        const known = stamps[prev + i] === prevStamp;
        if (known) {
          const x = sRank[i];
          const y = ring[prev + i];
          const o = 6 * g;
          acSums[o]++;
          acSums[o + 1] += x;
          acSums[o + 2] += y;
          acSums[o + 3] += x * y;
          acSums[o + 4] += x * x;
          acSums[o + 5] += y * y;
        }
        if (k > 0) {
          const b = bucketOf[i];
          if (b > 0 && (!known || bring[prev + i] !== b)) newInBucket[g * k + b - 1]++;
        }
      }
      for (let g = 0; g < G; g++) {
        const o = 6 * g;
        so.autocorrelation[l][t * G + g] = pearsonFromSums(acSums[o], acSums[o + 1], acSums[o + 2], acSums[o + 3], acSums[o + 4], acSums[o + 5]);
      }
      if (k > 0) {
        const before = ((t - lag) % R) * G * k;
        for (let e = 0; e < G * k; e++) {
          const now = bucketCountNow[e];
          if (now > 0 && cring[before + e] > 0) so.turnover[l][t * G * k + e] = newInBucket[e] / now;
        }
      }
    }
  }
  const slot = (t % R) * N;
  for (let j = 0; j < u; j++) {
    const i = usedList[j];
    ring[slot + i] = sRank[i];
    stamps[slot + i] = stamp;
    if (k > 0) bring[slot + i] = bucketOf[i];
  }
  if (k > 0) for (let e = 0; e < G * k; e++) cring[(t % R) * G * k + e] = bucketCountNow[e];
}
