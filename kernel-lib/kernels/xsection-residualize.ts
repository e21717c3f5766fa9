/**
 * Per-date residualization of a cross-section (docs/xsection.md, "Residualization").
 * All functions work in place on the first n entries and allocate nothing: the caller
 * owns every scratch buffer.
 */

/**
 * values[j] -= mean of values over the rows j' with group[j'] = group[j] (group codes in
 * [0, groupCount)). `sums` and `counts` are scratch of length >= groupCount.
 */
export function demeanByGroup(
  values: Float64Array,
  group: Int32Array,
  n: number,
  groupCount: number,
  sums: Float64Array,
  counts: Float64Array,
): void {
  sums.fill(0, 0, groupCount);
  counts.fill(0, 0, groupCount);
  for (let j = 0; j < n; j++) {
    sums[group[j]] += values[j];
    counts[group[j]]++;
  }
  for (let g = 0; g < groupCount; g++) if (counts[g] > 0) sums[g] /= counts[g];
  for (let j = 0; j < n; j++) values[j] -= sums[group[j]];
}

/**
 * Replaces values[0..n) by the residuals of an OLS regression on the columns of `x`
 * (column-major: column c is x[c * stride .. c * stride + n)), with an intercept when
 * `intercept`. Solves the normal equations by Cholesky. Returns false (values untouched)
 * when the design is rank deficient (a constant or collinear factor, or n <= columns):
 * the caller skips the date and counts it. `gram` needs p*p and `rhs` p entries,
 * p = k + (intercept ? 1 : 0).
 */
export function residualizeOnColumns(
  values: Float64Array,
  x: Float64Array,
  stride: number,
  k: number,
  n: number,
  intercept: boolean,
  gram: Float64Array,
  rhs: Float64Array,
): boolean {
  const p = k + (intercept ? 1 : 0);
  if (n <= p) return false;
  gram.fill(0, 0, p * p);
  rhs.fill(0, 0, p);
  // Column q of the design: q < k is factor q, q = k is the intercept (all ones).
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      if (a === k && b === k) s = n;
      else if (a === k) for (let j = 0; j < n; j++) s += x[b * stride + j];
      else for (let j = 0; j < n; j++) s += x[a * stride + j] * x[b * stride + j];
      gram[a * p + b] = s;
      gram[b * p + a] = s;
    }
    let r = 0;
    if (a === k) for (let j = 0; j < n; j++) r += values[j];
    else for (let j = 0; j < n; j++) r += x[a * stride + j] * values[j];
    rhs[a] = r;
  }
  // Cholesky in place (lower triangle); a pivot below 1e-10 of its diagonal means collinear.
  for (let a = 0; a < p; a++) {
    const diagonal = gram[a * p + a];
    let d = diagonal;
    for (let c = 0; c < a; c++) d -= gram[a * p + c] * gram[a * p + c];
    if (!(d > 1e-10 * Math.max(diagonal, 1e-300))) return false;
    const l = Math.sqrt(d);
    gram[a * p + a] = l;
    for (let b = a + 1; b < p; b++) {
      let s = gram[b * p + a];
      for (let c = 0; c < a; c++) s -= gram[b * p + c] * gram[a * p + c];
      gram[b * p + a] = s / l;
    }
  }
  // Forward then backward substitution: L y = rhs, L' beta = y (beta stored in rhs).
  for (let a = 0; a < p; a++) {
    let s = rhs[a];
    for (let c = 0; c < a; c++) s -= gram[a * p + c] * rhs[c];
    rhs[a] = s / gram[a * p + a];
  }
  for (let a = p - 1; a >= 0; a--) {
    let s = rhs[a];
    for (let c = a + 1; c < p; c++) s -= gram[c * p + a] * rhs[c];
    rhs[a] = s / gram[a * p + a];
  }
  for (let j = 0; j < n; j++) {
    let fitted = intercept ? rhs[k] : 0;
    for (let c = 0; c < k; c++) fitted += rhs[c] * x[c * stride + j];
    values[j] -= fitted;
  }
  return true;
}
