import pl from 'nodejs-polars';
import { z } from 'zod';
import { rsi } from '../../indicators/rsi';
import { defineStrategy } from '../define';

const params = z
  .object({
    period: z.number().int().min(2).max(1_000).default(14).describe("bars in Wilder's RSI"),
    lower: z.number().gt(0).lt(100).default(30).describe('enter long when RSI falls below this level'),
    exit: z.number().gt(0).lt(100).default(50).describe('leave a position when RSI crosses back through this level'),
    upper: z.number().gt(0).lt(100).default(70).describe('enter short (if allowShort) when RSI rises above this level'),
    allowShort: z.boolean().default(false).describe('also trade the overbought side'),
  })
  .refine((p) => p.lower < p.exit && p.exit < p.upper, { message: 'levels must satisfy lower < exit < upper', path: ['exit'] });

type Params = z.output<typeof params>;

/**
 * RSI mean reversion, a state machine per security (a target kernel): flat -> long when
 * RSI < lower; long -> flat when RSI >= exit. With allowShort: flat -> short when RSI > upper;
 * short -> flat when RSI <= exit. No position while RSI is missing (warm-up).
 * Signal strength: (50 - RSI) / 50 (positive when oversold).
 */
export const rsiReversion = defineStrategy({
  name: 'rsi_reversion',
  version: '1.0.0',
  description: 'long when RSI is oversold until it recovers to the exit level; optionally short when overbought',
  params,
  features: (p) => ({ rsi: rsi('close', p.period) }),
  target: () => ({ kind: 'kernel' as const, inputs: ['rsi'], run: rsiReversionKernel }),
  signal: () => pl.lit(50).sub(pl.col('rsi')).div(50),
});

export function rsiReversionKernel([rsiValues]: Float64Array[], out: Float64Array, p: Params): void {
  let state = 0;
  for (let t = 0; t < out.length; t++) {
    const x = rsiValues[t];
    if (x !== x) {
      out[t] = state === 0 ? NaN : state;
      continue;
    }
    if (state === 1 && x >= p.exit) state = 0;
    else if (state === -1 && x <= p.exit) state = 0;
    else if (state === 0) {
      if (x < p.lower) state = 1;
      else if (p.allowShort && x > p.upper) state = -1;
    }
    out[t] = state;
  }
}
