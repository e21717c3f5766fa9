import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';

/** The panel's security key: every indicator is computed within it (`.over(SECURITY_COLUMN)`). */
export const SECURITY_COLUMN = 'security_id';

/** A column name or any polars expression (e.g. `pl.col('close').log()`). */
export type Input = string | pl.Expr;

export function inputExpr(input: Input): pl.Expr {
  return typeof input === 'string' ? pl.col(input) : input;
}

/** `sma_close_20` for a named column; for an expression, polars keeps its root column name. */
export function named(expr: pl.Expr, prefix: string, input: Input, ...params: number[]): pl.Expr {
  return typeof input === 'string' ? expr.alias([prefix, input, ...params].join('_')) : expr;
}

/** Computes `expr` separately within each security, so no value bleeds across securities. */
export function bySecurity(expr: pl.Expr): pl.Expr {
  return expr.over(SECURITY_COLUMN);
}

/** An integer number of bars >= `min`; anything else is a BAD_PARAMETER naming `parameter`. */
export function requireBars(value: unknown, parameter: string, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new QuantbookError(
      'BAD_PARAMETER',
      `parameter '${parameter}' must be a whole number of bars >= ${min}, got ${describe(value)}`,
      `pass an integer such as ${Math.max(min, 20)}`,
    );
  }
  return value;
}

/** A finite number within [min, max] (bounds inclusive unless told otherwise). */
export function requireNumber(
  value: unknown,
  parameter: string,
  range: { min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean } = {},
): number {
  const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    (maxExclusive ? value < max : value <= max);
  if (!ok) {
    const lo = Number.isFinite(min) ? `${min} ${minExclusive ? '<' : '<='} ` : '';
    const hi = Number.isFinite(max) ? ` ${maxExclusive ? '<' : '<='} ${max}` : '';
    throw new QuantbookError('BAD_PARAMETER', `parameter '${parameter}' must be a finite number with ${lo}${parameter}${hi}, got ${describe(value)}`);
  }
  return value as number;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
