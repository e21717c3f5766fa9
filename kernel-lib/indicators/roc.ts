import type pl from 'nodejs-polars';
import { bySecurity, inputExpr, named, requireBars, type Input } from './parameters';

/**
 * Rate of change per security as a fraction (not percent): x[t] / x[t-window] - 1. The first
 * `window` rows are null.
 */
export function roc(column: Input, window: number): pl.Expr {
  requireBars(window, 'window');
  const x = inputExpr(column);
  return named(bySecurity(x.div(x.shift(window)).sub(1)), 'roc', column, window);
}
