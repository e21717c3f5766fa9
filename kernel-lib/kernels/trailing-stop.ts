import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { applyKernel } from './apply-kernel';
import { wilderAtrArray } from './wilder';

export interface TrailingStopOptions {
  /** Column with the wanted position (sign: long > 0, short < 0, flat 0/null). Default 'signal'. */
  signal?: string;
  /** Percent-based stop: the stop trails the reference extreme by this fraction (0.05 = 5%). */
  percent?: number;
  /** ATR-based stop: the stop trails the reference extreme by atrMultiple x ATR(atrPeriod). */
  atrMultiple?: number;
  /** Wilder ATR period for the ATR-based stop. Default 14. */
  atrPeriod?: number;
  /**
   * What hits the stop: 'close' (default; close[t] at or beyond the stop in force) or
   * 'intrabar' (low[t] for a long, high[t] for a short).
   */
  trigger?: 'close' | 'intrabar';
  /**
   * Which extreme the stop trails since entry: 'close' (highest close for a long) or 'highLow'
   * (highest high / lowest low). Default: 'close' for percent stops, 'highLow' for ATR stops
   * (the chandelier exit).
   */
  trailFrom?: 'close' | 'highLow';
  /** Prefix of the output columns: <prefix>_level, <prefix>_exit, <prefix>_position. Default 'stop'. */
  prefix?: string;
  high?: string;
  low?: string;
  close?: string;
}

/**
 * Applies a trailing stop to a position signal, per security (see `trailingStopKernel` for the
 * exact rules). Adds `stop_level` (the stop after bar t, null when flat), `stop_exit` (1 on the
 * bar the stop is hit, else 0) and `stop_position` (the signal with stop exits applied: 0 from the
 * stop-out until the signal changes). Everything at bar t uses data up to bar t only; the
 * engine trades `stop_position` on the next bar as it does any target.
 */
export async function trailingStop(frame: pl.DataFrame | pl.LazyFrame, options: TrailingStopOptions): Promise<pl.DataFrame> {
  const params = trailingStopParams(options);
  const prefix = options.prefix ?? 'stop';
  return applyKernel(frame, {
    inputs: [options.close ?? 'close', options.high ?? 'high', options.low ?? 'low', options.signal ?? 'signal'],
    output: [`${prefix}_level`, `${prefix}_exit`, `${prefix}_position`],
    kernel: ([close, high, low, signal], [level, exit, position]) => {
      // The ATR goes into the level array first (same length, read before it is overwritten).
      const atr = params.atrPeriod > 0 ? wilderAtrArray(high, low, close, params.atrPeriod, level) : undefined;
      trailingStopKernel(close, high, low, signal, atr, params, level, exit, position);
    },
  });
}

export interface TrailingStopParams {
  /** > 0: percent stop with this fraction. */
  percent: number;
  /** > 0: ATR stop with this multiple (then `atr` must be given). */
  atrMultiple: number;
  atrPeriod: number;
  intrabar: boolean;
  trailHighLow: boolean;
}

/**
 * Trailing stop over one security's arrays. For each bar t:
 * 1. In a trade opened before t: the stop in force is level[t-1]. A long is stopped when
 *    close[t] <= level[t-1] (intrabar: low[t] <= level[t-1]); a short when close (high) >= it.
 *    Then exit[t] = 1, the trade ends, and the direction is blocked until the signal changes.
 *    A signal that changes sign or goes flat also ends the trade (exit[t] stays 0).
 * 2. Flat and sign(signal[t]) != 0 and not blocked: enter in that direction; the extreme is the
 *    reference of bar t (close, or high for a long / low for a short).
 * 3. In a trade: extreme = max (long) / min (short) of itself and the reference of bar t;
 *    candidate = extreme * (1 - percent) or extreme - atrMultiple * atr[t] (short: + instead of
 *    -); the level only tightens: level[t] = max(level[t-1], candidate) for a long (min for a
 *    short). While the candidate is NaN (ATR warm-up) the old level stays (NaN: no stop yet).
 * position[t] = signal[t] while in a trade, 0 otherwise; level[t] is NaN when flat.
 * `atr` may be the same array as `level` (it is read at t before level[t] is written).
 */
export function trailingStopKernel(
  close: Float64Array,
  high: Float64Array,
  low: Float64Array,
  signal: Float64Array,
  atr: Float64Array | undefined,
  params: TrailingStopParams,
  level: Float64Array,
  exit: Float64Array,
  position: Float64Array,
): void {
  const { percent, atrMultiple, intrabar, trailHighLow } = params;
  let direction = 0;
  let blocked = 0;
  let extreme = NaN;
  let stop = NaN;
  for (let t = 0; t < close.length; t++) {
    const s = signal[t];
    const want = s > 0 ? 1 : s < 0 ? -1 : 0;
    const distance = atr === undefined ? NaN : atrMultiple * atr[t];
    let exited = 0;
    if (direction !== 0) {
      const hit = direction > 0 ? (intrabar ? low[t] : close[t]) <= stop : (intrabar ? high[t] : close[t]) >= stop;
      if (hit) {
        exited = 1;
        blocked = direction;
        direction = 0;
      } else if (want !== direction) {
        direction = 0;
      }
    }
    if (blocked !== 0 && want !== blocked) blocked = 0;
    if (direction === 0 && want !== 0 && blocked === 0) {
      direction = want;
      extreme = trailHighLow ? (direction > 0 ? high[t] : low[t]) : close[t];
      stop = NaN;
    } else if (direction !== 0) {
      const reference = trailHighLow ? (direction > 0 ? high[t] : low[t]) : close[t];
      if (direction > 0 ? reference > extreme : reference < extreme) extreme = reference;
    }
    if (direction !== 0) {
      const candidate = atr === undefined
        ? extreme * (direction > 0 ? 1 - percent : 1 + percent)
        : extreme - direction * distance;
      if (candidate === candidate && (stop !== stop || (direction > 0 ? candidate > stop : candidate < stop))) stop = candidate;
      level[t] = stop;
      position[t] = s;
    } else {
      level[t] = NaN;
      position[t] = 0;
    }
    exit[t] = exited;
  }
}

function trailingStopParams(options: TrailingStopOptions): TrailingStopParams {
  const hasPercent = options.percent !== undefined;
  const hasAtr = options.atrMultiple !== undefined;
  if (hasPercent === hasAtr) {
    throw new QuantbookError('BAD_PARAMETER', "trailing stop needs exactly one of 'percent' or 'atrMultiple'", 'e.g. {percent: 0.05} or {atrMultiple: 3, atrPeriod: 14}');
  }
  const positive = (v: unknown, name: string, max = Infinity) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v >= max) {
      throw new QuantbookError('BAD_PARAMETER', `parameter '${name}' must be a number > 0${max < Infinity ? ` and < ${max}` : ''}, got ${String(v)}`);
    }
    return v;
  };
  const percent = hasPercent ? positive(options.percent, 'percent', 1) : 0;
  const atrMultiple = hasAtr ? positive(options.atrMultiple, 'atrMultiple') : 0;
  const atrPeriod = hasAtr ? (options.atrPeriod ?? 14) : 0;
  if (hasAtr && (!Number.isInteger(atrPeriod) || atrPeriod < 1)) {
    throw new QuantbookError('BAD_PARAMETER', `parameter 'atrPeriod' must be a whole number of bars >= 1, got ${String(atrPeriod)}`);
  }
  const trigger = options.trigger ?? 'close';
  if (trigger !== 'close' && trigger !== 'intrabar') throw new QuantbookError('BAD_PARAMETER', `parameter 'trigger' must be 'close' or 'intrabar', got '${String(trigger)}'`);
  const trailFrom = options.trailFrom ?? (hasAtr ? 'highLow' : 'close');
  if (trailFrom !== 'close' && trailFrom !== 'highLow') throw new QuantbookError('BAD_PARAMETER', `parameter 'trailFrom' must be 'close' or 'highLow', got '${String(trailFrom)}'`);
  return { percent, atrMultiple, atrPeriod, intrabar: trigger === 'intrabar', trailHighLow: trailFrom === 'highLow' };
}
