import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { fromSecurityArrays, isoToDay } from '../kernels/bridge';

export interface SyntheticPanelOptions {
  /** Number of securities, named S0001, S0002, ... (wider when there are more than 9999). */
  securities: number;
  /** Business days per security. */
  days: number;
  /** Any integer; the same seed gives the same panel on every machine. */
  seed: number;
  /** First date (ISO); moved forward to a business day. Default '2000-01-03'. */
  start?: string;
  /** Only 'business' (Monday to Friday, no holidays) for now. */
  calendar?: 'business';
}

/**
 * A deterministic synthetic daily OHLCV panel for benchmarks and tests: columns date (pl.Date),
 * security_id, open, high, low, close, volume (Float64), sorted by security then date.
 *
 * Model (per business day t and security s, P = the unrounded price):
 *   r[s,t] = beta[s] * m[t] + sigma[s] * e[s,t] - kappa * (P[s,t-1] / P[s,start] - 1),
 *   P[s,t] = P[s,t-1] * (1 + r[s,t]),
 * with a common market factor m[t] ~ N(0.03%, 1%), betas in [0.5, 1.5], idiosyncratic daily
 * vols in [1%, 2.5%], start prices log-uniform in [10, 300] and a weak pull (kappa = 0.001 a day)
 * that keeps 20-year paths in a realistic price range. open = prev close * exp(N(0, sigma/4)); high and low
 * extend max/min(open, close) by |N(0, sigma/2)|; volume is lognormal and rises with |r|.
 * Prices are rounded to cents (real quotes are decimals) and volume to whole shares, with
 * high >= max(open, close), low <= min(open, close) and low >= 0.01 after rounding.
 *
 * Each security draws from its own stream derived from (seed, security index), so S0001 is the
 * same whether the panel has 10 or 3000 securities; the market factor has its own stream.
 * Everything is built in typed arrays (3000 x 5000 = 15M rows in a few seconds).
 */
export function syntheticPanel(options: SyntheticPanelOptions): pl.DataFrame {
  const { securities, days, seed } = validate(options);
  const time = businessDays(options.start ?? '2000-01-03', days);
  const rows = securities * days;
  const open = new Float64Array(rows);
  const high = new Float64Array(rows);
  const low = new Float64Array(rows);
  const close = new Float64Array(rows);
  const volume = new Float64Array(rows);

  const marketRng = new Rng(mix(seed, 0x9e3779b9));
  const market = new Float64Array(days);
  for (let t = 0; t < days; t++) market[t] = MARKET_DRIFT + MARKET_VOL * marketRng.normal();

  for (let s = 0; s < securities; s++) {
    const rng = new Rng(mix(seed, s + 1));
    const beta = 0.5 + rng.uniform();
    const sigma = 0.01 + 0.015 * rng.uniform();
    const start = Math.exp(Math.log(10) + Math.log(30) * rng.uniform());
    const baseVolume = Math.exp(Math.log(2e5) + Math.log(50) * rng.uniform());
    // The unrounded price path; quotes are rounded to cents from it.
    let level = start;
    let prevClose = roundCents(start);
    const base = s * days;
    for (let t = 0; t < days; t++) {
      const r = beta * market[t] + sigma * rng.normal() - KAPPA * (level / start - 1);
      level *= 1 + r;
      // Daily moves are small, so 1 + x stands in for exp(x) throughout: no transcendental
      // call in the loop keeps 15M rows within a few seconds.
      const o = roundCents(prevClose * (1 + 0.25 * sigma * rng.normal()));
      const c = roundCents(level);
      const top = o > c ? o : c;
      const bottom = o < c ? o : c;
      const h = roundCents(top * (1 + Math.abs(0.5 * sigma * rng.normal())));
      const l = roundCents(bottom * (1 - Math.abs(0.5 * sigma * rng.normal())));
      const i = base + t;
      open[i] = o;
      close[i] = c;
      high[i] = h > top ? h : top;
      low[i] = l < bottom ? l : bottom;
      volume[i] = Math.round(baseVolume * (0.5 + rng.uniform()) * (1 + 20 * Math.abs(r)));
      prevClose = c;
    }
  }

  const width = Math.max(4, String(securities).length);
  const names = Array.from({ length: securities }, (_, s) => `S${String(s + 1).padStart(width, '0')}`);
  const offsets = new Int32Array(securities + 1);
  const dates = new Int32Array(rows);
  for (let s = 0; s < securities; s++) {
    offsets[s + 1] = (s + 1) * days;
    dates.set(time, s * days);
  }
  return fromSecurityArrays(
    { securities: names, offsets, time: dates, timeUnit: 'day' },
    { open, high, low, close, volume },
  );
}

const MARKET_DRIFT = 0.0003;
const MARKET_VOL = 0.01;
/** Daily pull of the price towards its start (relative to the start price). */
const KAPPA = 0.001;
const MIN_PRICE = 0.01;

function roundCents(x: number): number {
  const cents = Math.round(x * 100);
  return cents < 1 ? MIN_PRICE : cents / 100;
}

/** `days` Monday-to-Friday dates from `start` (moved forward to a weekday), as days since the epoch. */
function businessDays(start: string, days: number): Int32Array {
  let day = isoToDay(start);
  if (!Number.isFinite(day)) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'start' must be an ISO date such as '2000-01-03', got '${start}'`);
  }
  const out = new Int32Array(days);
  for (let i = 0; i < days; day++) {
    // 1970-01-01 was a Thursday: weekday index 0 = Thursday, so 2 and 3 are Saturday and Sunday.
    const weekday = ((day % 7) + 7) % 7;
    if (weekday !== 2 && weekday !== 3) out[i++] = day;
  }
  return out;
}

function validate(options: SyntheticPanelOptions): { securities: number; days: number; seed: number } {
  const whole = (name: 'securities' | 'days', max: number) => {
    const v = options[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
      throw new QuantbookError('BAD_PARAMETER', `parameter '${name}' must be a whole number from 1 to ${max}, got ${String(v)}`, `e.g. syntheticPanel({securities: 100, days: 1000, seed: 1})`);
    }
    return v;
  };
  const securities = whole('securities', 1_000_000);
  const days = whole('days', 100_000);
  if (securities * days > 200_000_000) {
    throw new QuantbookError('BAD_PARAMETER', `securities x days = ${securities * days} rows is more than the 200M this generator builds in memory`, 'generate fewer securities or days');
  }
  if (typeof options.seed !== 'number' || !Number.isSafeInteger(options.seed)) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'seed' must be an integer, got ${String(options.seed)}`, 'e.g. seed: 42');
  }
  if (options.calendar !== undefined && options.calendar !== 'business') {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'calendar' must be 'business', got '${String(options.calendar)}'`);
  }
  return { securities, days, seed: options.seed };
}

/** Folds a seed and a stream index into a 32-bit state (splitmix32-style finalizer). */
function mix(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x85ebca6b) ^ Math.floor(seed / 2 ** 32) ^ Math.imul(stream, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Standard normal quantiles at (k + 0.5) / 4097 for k = 0..4096: 4097 knots, 4096 buckets. */
const NORMAL_TABLE = (() => {
  const table = new Float64Array(4097);
  for (let k = 0; k <= 4096; k++) table[k] = normalQuantile((k + 0.5) / 4097);
  return table;
})();

/**
 * mulberry32 (Tommy Ettinger, public domain): 32-bit state, integer ops only, so the sequence is
 * identical on every platform. Normal deviates come from a 4096-bucket inverse-CDF table with
 * linear interpolation (one draw per deviate, no log/cos in the hot loop; tails are cut at
 * about +/-3.6 sigma, which is fine for a benchmark panel).
 */
class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  uint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in (0, 1), 32-bit resolution. */
  uniform(): number {
    return (this.uint32() + 0.5) / 4294967296;
  }

  normal(): number {
    const u = this.uint32();
    const bucket = u >>> 20;
    const frac = (u & 0xfffff) / 1048576;
    return NORMAL_TABLE[bucket] + frac * (NORMAL_TABLE[bucket + 1] - NORMAL_TABLE[bucket]);
  }
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p));
    const x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    return p < low ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
