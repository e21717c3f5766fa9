import pl from 'nodejs-polars';
import { z } from 'zod';
import { sma } from '../../indicators/sma';
import { defineStrategy } from '../define';

const params = z
  .object({
    fast: z.number().int().min(1).max(10_000).default(20).describe('bars in the fast simple moving average'),
    slow: z.number().int().min(2).max(10_000).default(50).describe('bars in the slow simple moving average'),
    allowShort: z.boolean().default(false).describe('go short (-1) when the fast average is strictly below the slow one'),
  })
  .refine((p) => p.fast < p.slow, { message: 'fast must be less than slow', path: ['fast'] });

/**
 * Moving-average crossover: long (1) while SMA(fast) > SMA(slow) strictly, short (-1) while
 * SMA(fast) < SMA(slow) if allowShort, else flat (a tie is flat). No position until both
 * averages exist. Signal strength: SMA(fast) / SMA(slow) - 1.
 */
export const smaCross = defineStrategy({
  name: 'sma_cross',
  version: '1.0.0',
  description: 'long when SMA(fast) > SMA(slow) (strictly); optionally short when below',
  params,
  features: (p) => ({ sma_fast: sma('close', p.fast), sma_slow: sma('close', p.slow) }),
  target: (p) => {
    const fast = pl.col('sma_fast');
    const slow = pl.col('sma_slow');
    return pl
      .when(fast.isNull().or(slow.isNull()))
      .then(pl.lit(null).cast(pl.Float64))
      .when(fast.gt(slow))
      .then(pl.lit(1))
      .when(fast.lt(slow))
      .then(pl.lit(p.allowShort ? -1 : 0))
      .otherwise(pl.lit(0));
  },
  signal: () => pl.col('sma_fast').div(pl.col('sma_slow')).sub(1),
});
