import type pl from 'nodejs-polars';
import { bySecurity, inputExpr, named, requireBars, type Input } from './parameters';

/** Highest value of the last `window` bars per security (current bar included); first `window - 1` rows null. */
export function rollingMax(column: Input, window: number): pl.Expr {
  requireBars(window, 'window');
  return named(bySecurity(inputExpr(column).rollingMax(window)), 'max', column, window);
}
