// Plain reference pieces shared by the research tests (no kernel code): a seeded generator and
// the textbook Pearson correlation the tests compare the kernels' ICs with.

/** A seeded linear congruential generator of uniforms in [0, 1). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Pearson correlation by the textbook formula (means first, then centred sums); NaN with fewer
 * than 2 values or when a side's sum of squares is not above `tiny` (a constant side).
 */
export function pearson(x: number[], y: number[], tiny = 1e-12): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let j = 0; j < n; j++) {
    sxy += (x[j] - mx) * (y[j] - my);
    sxx += (x[j] - mx) ** 2;
    syy += (y[j] - my) ** 2;
  }
  return sxx > tiny && syy > tiny ? sxy / Math.sqrt(sxx * syy) : NaN;
}
