import { z } from 'zod';
import { atr } from '../../indicators/atr';
import { donchian } from '../../indicators/donchian';
import { defineStrategy } from '../define';
import pl from 'nodejs-polars';

const params = z.object({
  window: z.number().int().min(2).max(10_000).default(20).describe('bars in the Donchian channel a breakout must exceed'),
  atrPeriod: z.number().int().min(1).max(1_000).default(14).describe("bars in Wilder's ATR"),
  atrMultiple: z.number().gt(0).max(100).default(3).describe('trailing stop distance in ATRs'),
  allowShort: z.boolean().default(false).describe('also trade breakdowns below the channel'),
});

type Params = z.output<typeof params>;

/**
 * Donchian breakout with an ATR trailing stop, a state machine per security (a target kernel):
 * - flat -> long when close > the highest high of the previous `window` bars; the stop starts
 *   at close - atrMultiple * ATR;
 * - long: exit (flat) when close < stop, else stop = max(stop, close - atrMultiple * ATR);
 * - with allowShort, the mirror image below the lowest low, stop = min(stop, close + k * ATR).
 * No position while the channel or ATR is missing (warm-up). A bar that exits does not
 * re-enter. Signal strength: close / channel edge - 1 at the breakout.
 */
export const donchianBreakout = defineStrategy({
  name: 'donchian_breakout',
  version: '1.0.0',
  description: 'breakout above the previous N-bar high, exit on an ATR trailing stop; optionally short below the low',
  params,
  columns: ['high', 'low'],
  features: (p) => {
    const channel = donchian(p.window, { lag: 1 });
    return { channel_upper: channel.upper, channel_lower: channel.lower, atr: atr(p.atrPeriod) };
  },
  target: () => ({ kind: 'kernel' as const, inputs: ['close', 'channel_upper', 'channel_lower', 'atr'], run: donchianBreakoutKernel }),
  signal: () =>
    pl.when(pl.col('close').gt(pl.col('channel_upper'))).then(pl.col('close').div(pl.col('channel_upper')).sub(1))
      .when(pl.col('close').lt(pl.col('channel_lower'))).then(pl.col('close').div(pl.col('channel_lower')).sub(1))
      .otherwise(pl.lit(0)),
});

export function donchianBreakoutKernel([close, upper, lower, range]: Float64Array[], out: Float64Array, p: Params): void {
  let state = 0;
  let stop = NaN;
  const k = p.atrMultiple;
  for (let t = 0; t < out.length; t++) {
    const c = close[t];
    const a = range[t];
    if (upper[t] !== upper[t] || a !== a) {
      out[t] = state === 0 ? NaN : state;
      continue;
    }
    if (state === 1) {
      if (c < stop) state = 0;
      else stop = Math.max(stop, c - k * a);
    } else if (state === -1) {
      if (c > stop) state = 0;
      else stop = Math.min(stop, c + k * a);
    } else if (c > upper[t]) {
      state = 1;
      stop = c - k * a;
    } else if (p.allowShort && c < lower[t]) {
      state = -1;
      stop = c + k * a;
    }
    out[t] = state;
  }
}
