import type pl from 'nodejs-polars';
import { QuantbookError } from '../../errors';
import { momentum12_1 } from './momentum';
import { reversal5d } from './reversal';

export { momentum12_1 } from './momentum';
export { reversal5d } from './reversal';

export interface BuiltinSignal {
  name: string;
  description: string;
  /** The signal-contract table (date_sig = date_avail = the bar used). */
  compute(prices: pl.DataFrame | pl.LazyFrame): Promise<pl.DataFrame>;
}

/** Built-in example signals by name (used by `quantbook research --signals` and the suite baselines). */
export const BUILTIN_SIGNALS: Record<string, BuiltinSignal> = {
  momentum_12_1: {
    name: 'momentum_12_1',
    description: 'close[t-21] / close[t-252] - 1 (12-month return skipping the last month)',
    compute: (prices) => momentum12_1(prices),
  },
  reversal_5d: {
    name: 'reversal_5d',
    description: '-(close[t] / close[t-5] - 1) (short-term reversal)',
    compute: (prices) => reversal5d(prices),
  },
};

export function builtinSignal(name: string): BuiltinSignal {
  const found = BUILTIN_SIGNALS[name];
  if (!found) {
    throw new QuantbookError('UNKNOWN_SIGNAL', `'${name}' is not a built-in signal`, `choose from ${Object.keys(BUILTIN_SIGNALS).join(', ')} or pass a signal table (.csv/.parquet)`);
  }
  return found;
}
