/**
 * Pearson correlation of two average-rank vectors over the same n names, from raw sums.
 * Average ranks are multiples of 1/2 and their mean is exactly (n + 1) / 2, so with n below
 * ~10^5 every sum here is an exact multiple of 1/4 in double precision: no cancellation error,
 * and a constant side (all values tied) gives a variance of exactly 0, reported as NaN.
 */
export function rankPearson(n: number, sumXY: number, sumXX: number, sumYY: number): number {
  if (n < 2) return NaN;
  const centre = (n * (n + 1) * (n + 1)) / 4;
  const vx = sumXX - centre;
  const vy = sumYY - centre;
  if (!(vx > 0) || !(vy > 0)) return NaN;
  const r = (sumXY - centre) / Math.sqrt(vx * vy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/** Pearson correlation from the six running sums of n pairs; NaN when n < 2 or a side is constant. */
export function pearsonFromSums(n: number, sx: number, sy: number, sxy: number, sxx: number, syy: number): number {
  if (n < 2) return NaN;
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  if (!(vx > 0) || !(vy > 0)) return NaN;
  const r = (sxy - (sx * sy) / n) / Math.sqrt(vx * vy);
  return r > 1 ? 1 : r < -1 ? -1 : r;
}
