import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { bySecurity, inputExpr, requireBars, type Input } from './parameters';

export interface MacdOptions {
  fast?: number;
  slow?: number;
  signal?: number;
}

export interface MacdExprs {
  /** EMA(fast) - EMA(slow); null for the first slow - 1 rows. */
  line: pl.Expr;
  /** EMA(signal) of the line; null for the first slow + signal - 2 rows. */
  signal: pl.Expr;
  /** line - signal. */
  histogram: pl.Expr;
}

/**
 * MACD per security (Appel): line = EMA(x, fast) - EMA(x, slow), signal = EMA(line, signal),
 * histogram = line - signal, with EMAs as in `ema` ({span}; seeded with the first value, null
 * until `span` observations). Defaults 12 / 26 / 9. Named `macd_<col>_<fast>_<slow>_<signal>`,
 * `macd_signal_...` and `macd_hist_...`.
 */
export function macd(column: Input, options: MacdOptions = {}): MacdExprs {
  const fast = requireBars(options.fast ?? 12, 'fast');
  const slow = requireBars(options.slow ?? 26, 'slow');
  const signalSpan = requireBars(options.signal ?? 9, 'signal');
  if (fast >= slow) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'fast' (${fast}) must be smaller than 'slow' (${slow})`, 'e.g. {fast: 12, slow: 26, signal: 9}');
  }
  const x = inputExpr(column);
  const emaOf = (e: pl.Expr, span: number) => e.ewmMean({ alpha: 2 / (span + 1), adjust: false, minPeriods: span, ignoreNulls: true });
  const line = emaOf(x, fast).sub(emaOf(x, slow));
  const signal = emaOf(line, signalSpan);
  const suffix = typeof column === 'string' ? `${column}_${fast}_${slow}_${signalSpan}` : `${fast}_${slow}_${signalSpan}`;
  return {
    line: bySecurity(line).alias(`macd_${suffix}`),
    signal: bySecurity(signal).alias(`macd_signal_${suffix}`),
    histogram: bySecurity(line.sub(signal)).alias(`macd_hist_${suffix}`),
  };
}
