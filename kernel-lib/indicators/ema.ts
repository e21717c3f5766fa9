import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { bySecurity, inputExpr, named, requireBars, requireNumber, type Input } from './parameters';

export type EmaSmoothing = { span: number; alpha?: never } | { alpha: number; span?: never };

export interface EmaOptions {
  /** Rows before this many observations are null. Default: `span` with {span}, 1 with {alpha}. */
  minPeriods?: number;
}

/**
 * Exponential moving average per security, recursive form (pandas `ewm(adjust=False)`):
 * EMA[0] = x[0], EMA[t] = alpha * x[t] + (1 - alpha) * EMA[t-1], with alpha = 2 / (span + 1)
 * for {span}. Seeded with the first value (not with an SMA as TA-Lib does); the first
 * `minPeriods - 1` rows are null (default: span - 1 rows with {span}, none with {alpha}).
 * A null input gives a null row and leaves the state unchanged (the next value continues from
 * the last EMA).
 *
 * nodejs-polars' ewmMean({span}) silently ignores `span`, so alpha is always passed.
 */
export function ema(column: Input, smoothing: EmaSmoothing, options: EmaOptions = {}): pl.Expr {
  const { alpha, defaultMinPeriods, label } = emaAlpha(smoothing);
  const minPeriods = requireBars(options.minPeriods ?? defaultMinPeriods, 'minPeriods');
  const expr = inputExpr(column).ewmMean({ alpha, adjust: false, minPeriods, ignoreNulls: true });
  return named(bySecurity(expr), 'ema', column, label);
}

/** alpha from {span} or {alpha}, validated; also used by macd and the typed-array kernels. */
export function emaAlpha(smoothing: EmaSmoothing): { alpha: number; defaultMinPeriods: number; label: number } {
  if (smoothing === null || typeof smoothing !== 'object' || ('span' in smoothing && 'alpha' in smoothing && smoothing.span !== undefined && smoothing.alpha !== undefined)) {
    throw new QuantbookError('BAD_PARAMETER', "parameter 'smoothing' must be {span} or {alpha}, not both", "pass e.g. {span: 20} or {alpha: 0.1}");
  }
  if (smoothing.span !== undefined) {
    const span = requireBars(smoothing.span, 'span');
    return { alpha: 2 / (span + 1), defaultMinPeriods: span, label: span };
  }
  if (smoothing.alpha !== undefined) {
    const alpha = requireNumber(smoothing.alpha, 'alpha', { min: 0, max: 1, minExclusive: true });
    return { alpha, defaultMinPeriods: 1, label: alpha };
  }
  throw new QuantbookError('BAD_PARAMETER', "parameter 'smoothing' must be {span} or {alpha}", "pass e.g. {span: 20} or {alpha: 0.1}");
}
