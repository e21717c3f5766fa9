import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { dayToIso } from '../kernels/bridge';
import type { ResearchPanel } from './panel';

/**
 * Date-level regimes (docs/research.md, "Regime slices"). Each labels every calendar date
 * with a code into `labels` (-1 = not enough history yet); the label of date t uses data up to
 * and including t only, the same bar at whose close the forward returns start.
 */
export interface DateRegime {
  /** 'trend', 'volatility', 'year', or a user label column. */
  name: string;
  labels: string[];
  /** Per calendar date: index into labels, -1 = undefined. */
  codes: Int32Array;
}

export const TREND_WINDOW = 200;
export const VOLATILITY_WINDOW = 20;

/**
 * The equal-weight index of the universe: level[0] = 1, level[t] = level[t-1] * (1 + mean over
 * names with a positive close on both t-1 and t of close[t] / close[t-1] - 1). Calendar-adjacent
 * dates; a date where no name has both closes repeats the previous level.
 */
export function equalWeightIndex(panel: Pick<ResearchPanel, 'close' | 'dates' | 'size'>): Float64Array {
  const { close, dates: T, size: N } = panel;
  const level = new Float64Array(T);
  if (T === 0) return level;
  level[0] = 1;
  for (let t = 1; t < T; t++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < N; i++) {
      const a = close[(t - 1) * N + i];
      const b = close[t * N + i];
      if (a > 0 && b > 0) {
        sum += b / a - 1;
        n++;
      }
    }
    level[t] = level[t - 1] * (1 + (n > 0 ? sum / n : 0));
  }
  return level;
}

/**
 * A benchmark's close on every calendar date: the latest benchmark close dated on or before
 * that date (no lookahead); NaN before its first date. `benchmark` has columns date and close.
 */
export async function benchmarkLevels(benchmark: pl.DataFrame | pl.LazyFrame, calendar: Int32Array | Float64Array, timeUnit: 'day' | 'ms'): Promise<Float64Array> {
  const lazy = 'collectSync' in benchmark ? (benchmark as pl.LazyFrame) : (benchmark as pl.DataFrame).lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  for (const c of ['date', 'close']) {
    if (!(c in schema)) throw new QuantbookError('MISSING_COLUMN', `benchmark has no '${c}' column (columns: ${Object.keys(schema).join(', ')})`, 'pass a frame with date and close');
  }
  const time = timeUnit === 'day' ? pl.col('date').cast(pl.Date).cast(pl.Int32).cast(pl.Float64) : pl.col('date').cast(pl.Datetime('ms')).cast(pl.Int64).cast(pl.Float64);
  const df = await lazy.select(time.alias('t'), pl.col('close').cast(pl.Float64).fillNull(pl.lit(NaN))).dropNulls().sort('t').collect();
  const times = df.getColumn('t').toTypedArray() as Float64Array;
  const closes = df.getColumn('close').toTypedArray() as Float64Array;
  const out = new Float64Array(calendar.length).fill(NaN);
  let j = -1;
  for (let t = 0; t < calendar.length; t++) {
    while (j + 1 < times.length && times[j + 1] <= calendar[t]) j++;
    if (j >= 0) out[t] = closes[j];
  }
  return out;
}

/** bull when level[t] > mean(level[t-window+1..t]), else bear; undefined until `window` levels exist. */
export function trendRegime(level: Float64Array, window = TREND_WINDOW): DateRegime {
  checkWindow(window, 'trendWindow');
  const codes = new Int32Array(level.length).fill(-1);
  let sum = 0;
  let finite = 0;
  for (let t = 0; t < level.length; t++) {
    const v = level[t];
    if (v > 0) {
      sum += v;
      finite++;
    }
    if (t >= window) {
      const old = level[t - window];
      if (old > 0) {
        sum -= old;
        finite--;
      }
    }
    if (t >= window - 1 && finite === window) codes[t] = v > sum / window ? 0 : 1;
  }
  return { name: 'trend', labels: ['bull', 'bear'], codes };
}

/**
 * high_vol when the index's rolling volatility (sample std, ddof 1, of its last `window` daily
 * returns, through t) is above the expanding median of that volatility over all dates up to and
 * including t; low_vol otherwise (ties low). Undefined until the first volatility exists.
 */
export function volatilityRegime(level: Float64Array, window = VOLATILITY_WINDOW): DateRegime {
  checkWindow(window, 'volatilityWindow');
  if (window < 2) throw new QuantbookError('BAD_PARAMETER', `parameter 'volatilityWindow' must be at least 2, got ${window}`);
  const T = level.length;
  const ret = new Float64Array(T).fill(NaN);
  for (let t = 1; t < T; t++) if (level[t - 1] > 0 && level[t] > 0) ret[t] = level[t] / level[t - 1] - 1;
  const codes = new Int32Array(T).fill(-1);
  const history: number[] = [];
  for (let t = window; t < T; t++) {
    let sum = 0;
    let ok = true;
    for (let s = t - window + 1; s <= t; s++) {
      if (ret[s] - ret[s] !== 0) {
        ok = false;
        break;
      }
      sum += ret[s];
    }
    if (!ok) continue;
    const mean = sum / window;
    let ss = 0;
    for (let s = t - window + 1; s <= t; s++) ss += (ret[s] - mean) ** 2;
    const vol = Math.sqrt(ss / (window - 1));
    insertSorted(history, vol);
    const n = history.length;
    const median = n % 2 ? history[(n - 1) / 2] : (history[n / 2 - 1] + history[n / 2]) / 2;
    codes[t] = vol > median ? 0 : 1;
  }
  return { name: 'volatility', labels: ['high_vol', 'low_vol'], codes };
}

/** Calendar year of each date. */
export function yearRegime(calendar: Int32Array | Float64Array, timeUnit: 'day' | 'ms'): DateRegime {
  const years = Array.from(calendar, (v) => (timeUnit === 'day' ? dayToIso(v) : new Date(v).toISOString()).slice(0, 4));
  const labels = [...new Set(years)].sort();
  const index = new Map(labels.map((l, j) => [l, j]));
  return { name: 'year', labels, codes: Int32Array.from(years, (y) => index.get(y)!) };
}

/** 0/1 mask of the dates carrying label `code`. */
export function regimeMask(regime: DateRegime, code: number): Uint8Array {
  return Uint8Array.from(regime.codes, (c) => (c === code ? 1 : 0));
}

function insertSorted(sorted: number[], v: number): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, v);
}

function checkWindow(window: number, name: string): void {
  if (!Number.isInteger(window) || window < 1) throw new QuantbookError('BAD_PARAMETER', `parameter '${name}' must be a positive whole number of bars, got ${String(window)}`);
}
