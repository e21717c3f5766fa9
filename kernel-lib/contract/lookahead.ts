import pl from 'nodejs-polars';
import { type Classified } from './classify';
import { tradeBarIndex, type ResolvedContext } from './context';

export interface LookaheadOptions {
  /** Calendar bars sampled for the test (evenly spaced). Default 60. */
  dates?: number;
  /** Securities a sampled bar needs for its correlation to count. Default 5. */
  minSecurities?: number;
  /** Sampled bars with a correlation needed before a verdict. Default 5. */
  minDates?: number;
  /** |mean rank correlation| at or above which lookahead is reported. Default 0.5. */
  threshold?: number;
}

export interface LookaheadResult {
  /** Mean over sampled bars T of the Spearman correlation between signal and ret(T). */
  meanCorrelation: number;
  dates: number;
  rows: number;
  threshold: number;
  /** The sampled bar with the largest |correlation|: an example for the report. */
  worst: { day: number; correlation: number; securities: number };
}

/**
 * A value first tradeable on bar T (the first bar strictly after date_avail, lag 0) cannot
 * know ret(T) = close(T) / close(bar before T) - 1: that return is realised after
 * date_avail. Honest daily signals show rank correlations with it of a few hundredths; a
 * value computed from that return shows ~1. Evaluated on evenly spaced sample bars over the
 * kept rows, so it stays cheap on large panels. Null when the data cannot answer (no closes,
 * too few sampled bars with enough securities).
 */
export async function lookaheadCorrelation(classified: Classified, context: ResolvedContext, options: LookaheadOptions = {}): Promise<LookaheadResult | null> {
  const calendar = context.calendar;
  const prices = context.prices;
  if (!calendar || calendar.days.length < 3 || !prices) return null;
  const schema = (await prices.limit(0).collect()).schema;
  if (!('close' in schema)) return null;
  const days = calendar.days;
  const sampleSize = Math.min(options.dates ?? 60, days.length - 1);
  const minSecurities = options.minSecurities ?? 5;
  const minDates = options.minDates ?? 5;
  const threshold = options.threshold ?? 0.5;

  // Sampled bars T (index >= 1, so each has a bar before it).
  const sampled = new Uint8Array(days.length);
  for (let k = 0; k < sampleSize; k++) sampled[1 + Math.floor((k * (days.length - 1)) / sampleSize)] = 1;

  const { code, availDay, signal, names } = classified.arrays;
  const rows: number[] = [];
  const t0: number[] = [];
  for (let i = 0; i < classified.reason.length; i++) {
    if (classified.reason[i] !== 0) continue;
    const bar = tradeBarIndex(calendar, availDay[i], 0);
    if (bar >= 0 && sampled[bar]) {
      rows.push(i);
      t0.push(days[bar]);
    }
  }
  if (rows.length === 0) return null;
  const sample = pl.DataFrame([
    pl.Series('security_id', rows.map((i) => names[code[i]]), pl.Utf8),
    pl.Series('__t0', Int32Array.from(t0)),
    pl.Series('signal', Float64Array.from(rows, (i) => signal[i])),
  ]);
  const bars: number[] = [];
  sampled.forEach((s, b) => s && bars.push(b));
  const prev = pl.DataFrame([pl.Series('__t0', Int32Array.from(bars, (b) => days[b])), pl.Series('__prev', Int32Array.from(bars, (b) => days[b - 1]))]);
  const wanted = [...bars.map((b) => days[b]), ...bars.map((b) => days[b - 1])];
  const closes = await prices.filter(pl.col('__day').isIn(wanted)).select('security_id', '__day', 'close').collect();
  const returns = closes.lazy()
    .join(prev.lazy(), { leftOn: '__day', rightOn: '__t0', how: 'inner' })
    .select(pl.col('security_id'), pl.col('__day').alias('__t0'), pl.col('close'), pl.col('__prev'))
    .join(closes.lazy().select(pl.col('security_id'), pl.col('__day').alias('__prev'), pl.col('close').alias('__prev_close')), { on: ['security_id', '__prev'], how: 'inner' })
    .select(pl.col('security_id'), pl.col('__t0'), pl.col('close').div(pl.col('__prev_close')).sub(1).alias('__ret'));
  const perBar = await sample.lazy()
    .join(returns, { on: ['security_id', '__t0'], how: 'inner' })
    .filter(pl.col('__ret').isFinite().and(pl.col('signal').isFinite()))
    .groupBy('__t0')
    .agg(pl.len().alias('n'), pl.spearmanRankCorr('signal', '__ret').alias('rho'))
    .filter(pl.col('n').gtEq(minSecurities).and(pl.col('rho').isFinite()))
    .sort('__t0')
    .collect();
  if (perBar.height < minDates) return null;
  const rho = perBar.getColumn('rho').toArray() as number[];
  const n = perBar.getColumn('n').toArray() as number[];
  const barDays = perBar.getColumn('__t0').toArray() as number[];
  let worst = 0;
  for (let i = 1; i < rho.length; i++) if (Math.abs(rho[i]) > Math.abs(rho[worst])) worst = i;
  return {
    meanCorrelation: rho.reduce((a, b) => a + b, 0) / rho.length,
    dates: rho.length,
    rows: n.reduce((a, b) => a + Number(b), 0),
    threshold,
    worst: { day: Number(barDays[worst]), correlation: rho[worst], securities: Number(n[worst]) },
  };
}
