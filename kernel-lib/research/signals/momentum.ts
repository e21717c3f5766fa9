import type pl from 'nodejs-polars';
import { QuantbookError } from '../../errors';
import { lagClose, priceRatioSignal } from './price-ratio-signal';

/**
 * momentum_12_1[t] = close[t - skip] / close[t - lookback] - 1 with skip = 21, lookback = 252:
 * the 12-month return skipping the most recent month (Jegadeesh-Titman). Positions are within
 * each security's own rows; a security's first `lookback` rows have no value. Returned in the
 * signal-contract format with date_sig = date_avail = t (docs/research.md, "Built-in signals").
 */
export async function momentum12_1(prices: pl.DataFrame | pl.LazyFrame, options: { lookback?: number; skip?: number } = {}): Promise<pl.DataFrame> {
  const lookback = options.lookback ?? 252;
  const skip = options.skip ?? 21;
  if (!Number.isInteger(lookback) || !Number.isInteger(skip) || skip < 0 || lookback <= skip) {
    throw new QuantbookError('BAD_PARAMETER', `momentum needs whole numbers 0 <= skip < lookback, got skip ${skip}, lookback ${lookback}`, 'e.g. {lookback: 252, skip: 21}');
  }
  const name = lookback === 252 && skip === 21 ? 'momentum_12_1' : `momentum_${lookback}_${skip}`;
  return priceRatioSignal(prices, name, lagClose(skip).div(lagClose(lookback)).minus(1));
}
