import pl from 'nodejs-polars';
import { QuantbookError } from '../../errors';
import { lagClose, priceRatioSignal } from './price-ratio-signal';

/**
 * reversal_5d[t] = -(close[t] / close[t - 5] - 1): the negated 5-bar return, so recent losers
 * score high (short-term reversal). Positions are within each security's own rows; a
 * security's first 5 rows have no value. Signal-contract format, date_sig = date_avail = t.
 */
export async function reversal5d(prices: pl.DataFrame | pl.LazyFrame, options: { lookback?: number } = {}): Promise<pl.DataFrame> {
  const lookback = options.lookback ?? 5;
  if (!Number.isInteger(lookback) || lookback < 1) {
    throw new QuantbookError('BAD_PARAMETER', `reversal lookback must be a positive whole number of bars, got ${lookback}`, 'e.g. {lookback: 5}');
  }
  const name = lookback === 5 ? 'reversal_5d' : `reversal_${lookback}d`;
  // 1 - x is exactly -(x - 1) in IEEE arithmetic (subtraction is sign-symmetric).
  return priceRatioSignal(prices, name, pl.lit(1).minus(lagClose(0).div(lagClose(lookback))));
}
