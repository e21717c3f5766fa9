/**
 * The deflated Sharpe ratio of Bailey and Lopez de Prado (2014), "The Deflated Sharpe Ratio:
 * Correcting for Selection Bias, Backtest Overfitting and Non-Normality", Journal of Portfolio
 * Management 40(5). Definitions in docs/optimize.md. Sharpe ratios here are per bar (not
 * annualized): annualized Sharpe / sqrt(bars per year).
 */
export const EULER_GAMMA = 0.5772156649015329;

export interface DeflatedSharpe {
  /** DSR = PSR(SR0): the probability that the best's true Sharpe exceeds what the best of N skill-less trials would show. */
  value: number;
  /** Per-bar Sharpe of the best trial (SR hat). */
  sharpe: number;
  /** SR0: the expected maximum per-bar Sharpe of `trials` trials with no skill. */
  benchmark: number;
  /** N: trials with a finite Sharpe. */
  trials: number;
  /** V[SR]: sample variance (ddof 1) of the trials' per-bar Sharpe ratios. */
  sharpeVariance: number;
  /** T: bars in the best's return series. */
  observations: number;
  /** Skewness and (non-excess) kurtosis of the best's returns. */
  skewness: number;
  kurtosis: number;
  /** Annualization factor the per-bar figures divide out (sharpe x sqrt(P) is the usual Sharpe). */
  periodsPerYear: number;
}

/**
 * SR0 = sqrt(V) x ((1 - gamma) Z^-1(1 - 1/N) + gamma Z^-1(1 - 1/(N e))): the expected maximum of
 * N Sharpe ratios drawn with variance V around a true Sharpe of 0. 0 for N < 2 (no selection).
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials < 2) return 0;
  const z = (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
  return Math.sqrt(variance) * z;
}

/**
 * PSR(SR*) = Z((SR - SR*) sqrt(T - 1) / sqrt(1 - skew SR + (kurtosis - 1) / 4 SR^2)): the
 * probability that the true Sharpe exceeds SR*, given T observations with that skewness and
 * (non-excess) kurtosis. NaN when the variance term is not positive or T < 2.
 */
export function probabilisticSharpe(sharpe: number, benchmark: number, observations: number, skewness: number, kurtosis: number): number {
  const spread = 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
  if (!(spread > 0) || observations < 2) return NaN;
  return normalCdf(((sharpe - benchmark) * Math.sqrt(observations - 1)) / Math.sqrt(spread));
}

export interface DeflatedSharpeInput {
  /** Per-bar Sharpe of every trial (non-finite ones are left out of N and V). */
  trialSharpes: ArrayLike<number>;
  /** Per-bar Sharpe of the selected trial. */
  sharpe: number;
  /** Its return series (for T, skewness, kurtosis). */
  returns: ArrayLike<number>;
  periodsPerYear: number;
}

export function deflatedSharpe(input: DeflatedSharpeInput): DeflatedSharpe {
  let trials = 0;
  let sum = 0;
  for (let i = 0; i < input.trialSharpes.length; i++) {
    const s = input.trialSharpes[i];
    if (Number.isFinite(s)) {
      trials++;
      sum += s;
    }
  }
  const mean = sum / trials;
  let squares = 0;
  for (let i = 0; i < input.trialSharpes.length; i++) {
    const s = input.trialSharpes[i];
    if (Number.isFinite(s)) squares += (s - mean) * (s - mean);
  }
  const sharpeVariance = trials > 1 ? squares / (trials - 1) : 0;
  const moments = returnMoments(input.returns);
  const benchmark = expectedMaxSharpe(trials, sharpeVariance);
  const value = Number.isFinite(input.sharpe) ? probabilisticSharpe(input.sharpe, benchmark, moments.count, moments.skewness, moments.kurtosis) : NaN;
  return {
    value, sharpe: input.sharpe, benchmark, trials, sharpeVariance, observations: moments.count,
    skewness: moments.skewness, kurtosis: moments.kurtosis, periodsPerYear: input.periodsPerYear,
  };
}

/**
 * Skewness m3 / m2^1.5 and kurtosis m4 / m2^2 (3 for a normal) with the population central
 * moments m_k = mean((r - mean)^k), over the finite values. NaN when they are all equal.
 */
export function returnMoments(returns: ArrayLike<number>): { count: number; skewness: number; kurtosis: number } {
  let count = 0;
  let sum = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    if (Number.isFinite(r)) {
      count++;
      sum += r;
    }
  }
  const mean = sum / count;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i];
    if (!Number.isFinite(r)) continue;
    const d = r - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= count;
  m3 /= count;
  m4 /= count;
  return { count, skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : NaN, kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN };
}

/** The standard normal CDF, accurate to about 1e-15 (series below |x| = 3, continued fraction beyond). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const z = Math.abs(x) / Math.SQRT2;
  const tail = 0.5 * erfc(z); // P(X > |x|)
  return x >= 0 ? 1 - tail : tail;
}

/** erfc(z) for z >= 0. */
function erfc(z: number): number {
  if (z < 2.2) {
    // erf(z) = 2/sqrt(pi) exp(-z^2) sum_n 2^n z^(2n+1) / (1 x 3 x ... x (2n+1)): positive terms, no cancellation.
    let term = z;
    let sum = z;
    for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
      term *= (2 * z * z) / (2 * k + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
  }
  // erfc(z) = exp(-z^2) / sqrt(pi) x 1 / (z + (1/2) / (z + 1 / (z + (3/2) / (z + 2 / (z + ...))))), by modified Lentz.
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = z + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = z + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}

/**
 * The standard normal quantile: Acklam's rational approximation (relative error 1.2e-9), then
 * one Halley step against normalCdf, which brings it to about 1e-15.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // Halley: the error e = Phi(x) - p; u = e sqrt(2 pi) exp(x^2 / 2).
  const e = (p < 0.5 ? normalCdf(x) - p : -(normalCdf(-x) - (1 - p)));
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
