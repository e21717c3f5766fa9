import { QuantbookError } from '../errors';
import { forwardReturnsContiguity, forwardReturnsDense, type ForwardPrices } from '../kernels/xs-forward-returns';
import type { ResearchPanel } from './panel';

export const DEFAULT_HORIZONS = [1, 5, 10, 20];

/** Forward returns for a set of horizons, computed once per call and shared by every signal. */
export interface ForwardReturns {
  horizons: number[];
  /** Dense date-major matrices, one per horizon: fwd_h[t, i] = close[t+h] / close[t] - 1 by position within security i's rows. */
  values: Float64Array[];
}

/**
 * fwd_h[t] = close[t+h] / close[t] - 1 where t+h is the h-th next row of the same security
 * (positions within its own rows, not calendar dates); NaN when the security has fewer than h
 * rows left or either close is missing or not positive.
 */
export function forwardReturns(panel: ResearchPanel, horizons: number[] = DEFAULT_HORIZONS): ForwardReturns {
  const checked = checkHorizons(horizons, 'horizons');
  const values = checked.map((h) => forwardReturnsDense(panel.close, panel.position, panel.rows.offsets, panel.dateOfRow, panel.dates, panel.size, h));
  return { horizons: checked, values };
}

/**
 * The panel arrays the research pass computes each date's forward returns from (the same
 * numbers as forwardReturns, without a T x N matrix per horizon).
 */
export function forwardPrices(panel: ResearchPanel): ForwardPrices {
  return {
    close: panel.close, position: panel.position, offsets: panel.rows.offsets, dateOfRow: panel.dateOfRow, dates: panel.dates, securities: panel.size,
    lastDate: forwardReturnsContiguity(panel.rows.offsets, panel.dateOfRow, panel.size),
  };
}

/** Positive whole numbers, no repeats, in the order given. */
export function checkHorizons(horizons: number[], name: string): number[] {
  if (!Array.isArray(horizons) || horizons.length === 0) {
    throw new QuantbookError('BAD_PARAMETER', `parameter '${name}' must list at least one horizon`, `e.g. ${name}: [1, 5, 10, 20]`);
  }
  const seen = new Set<number>();
  for (const h of horizons) {
    if (!Number.isInteger(h) || h < 1) {
      throw new QuantbookError('BAD_PARAMETER', `parameter '${name}': horizon ${String(h)} is not a positive whole number of bars`, `e.g. ${name}: [1, 5, 10, 20]`);
    }
    if (seen.has(h)) throw new QuantbookError('BAD_PARAMETER', `parameter '${name}': horizon ${h} is listed twice`, 'list each horizon once');
    seen.add(h);
  }
  return [...horizons];
}
