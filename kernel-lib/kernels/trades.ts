import type { Execution } from './engine';

/**
 * Trades reconstructed from one security's position vector (docs/engine.md, "Trade log").
 *
 * A trade is a maximal run of bars whose position has the same non-zero sign; a change of
 * size within the run (scaling in or out) stays in the trade and pays its own cost. A trade
 * opens on bar a (the first bar holding it) and closes on bar b (the first bar not holding
 * it), or is still open after the last bar.
 *
 * Trade return (`pnl`, a fraction): the trade's net returns compounded, i.e. the product of
 * (1 + net return) over the bars a..b-1 and the exit bar b, where bar b contributes only what
 * belongs to the trade: its exit cost |p_{b-1}| c and, with execution 'open', the overnight
 * part (close[b-1] -> open[b]) still held by it. So when flat bars separate trades, the
 * trades compound exactly to the equity curve. On a same-bar reversal the bar splits: the
 * closing trade gets the overnight part and its exit cost, the opening trade the rest and its
 * entry cost (exact to first order, the bar is one multiplication in the equity curve). A
 * trade still open after the last bar is marked at the last close without an exit cost (the
 * equity curve has not paid one either).
 *
 * Fill times and prices: execution 'close' fills at close[a-1] (entry) and close[b-1] (exit);
 * 'open' at open[a] and open[b].
 */
export interface TradeLogBuffers {
  /** Bar index of the fill (see above) for entry and exit, and of the first/after-last holding bar. */
  entryFillIndex: Int32Array;
  exitFillIndex: Int32Array;
  entryBar: Int32Array;
  exitBar: Int32Array;
  side: Int8Array;
  size: Float64Array;
  entryPrice: Float64Array;
  exitPrice: Float64Array;
  pnl: Float64Array;
  entrySignal: Float64Array;
  isOpen: Uint8Array;
}

/** Running totals over trades, accumulated across securities. */
export const TradeStat = { count: 0, wins: 1, winSum: 2, losses: 3, lossSum: 4 } as const;
export const TRADE_STAT_SLOTS = 5;

/**
 * Scans one security. Adds every trade to `stats` (slots of TradeStat) and, when `log` is
 * given, writes it at index `logStart + k` (the caller sizes the log with countTrades).
 * `signal[t]` is the raw signal of bar t; a trade's entry signal is the value that produced its
 * first position, signal[a - lag]. `closeReturns` (optional: the engine's assetReturn) saves
 * recomputing close[t] / close[t-1] - 1. Returns the number of trades.
 */
export function scanTrades(
  close: Float64Array,
  open: Float64Array | undefined,
  position: Float64Array,
  signal: Float64Array,
  lag: number,
  costRate: number,
  execution: Execution,
  stats: Float64Array,
  log?: TradeLogBuffers,
  logStart = 0,
  closeReturns?: Float64Array,
): number {
  const n = position.length;
  const byOpen = execution === 'open';
  if (byOpen && !open) throw new Error('scanTrades: execution "open" needs open prices');
  const bars: TradeBars = { close, open, position, signal, lag, byOpen, n };
  let trades = 0;
  let a = 0;
  // Trade by trade: each inner loop walks one trade's bars with little else live, which V8
  // runs several times faster than one loop over every bar carrying all the trade state.
  while (a < n) {
    const first = position[a];
    const side = first > 0 ? 1 : first < 0 ? -1 : 0;
    if (side === 0) {
      a++;
      continue;
    }
    // Bar a: the new position earns the bar (the intraday part with next-open fills) and pays its entry.
    const entryReturn = a === 0 ? 0 : byOpen ? close[a] / open![a] - 1 : closeReturns ? closeReturns[a] : close[a] / close[a - 1] - 1;
    let factor = 1 + first * entryReturn - Math.abs(first) * costRate;
    let previous = first;
    let b = a + 1;
    if (byOpen) {
      for (; b < n; b++) {
        const p = position[b];
        if ((p > 0 ? 1 : p < 0 ? -1 : 0) !== side) break;
        const c0 = close[b - 1];
        factor *= (1 + previous * (open![b] / c0 - 1)) * (1 + p * (close[b] / open![b] - 1)) - Math.abs(p - previous) * costRate;
        previous = p;
      }
    } else {
      for (; b < n; b++) {
        const p = position[b];
        if ((p > 0 ? 1 : p < 0 ? -1 : 0) !== side) break;
        const r = closeReturns ? closeReturns[b] : close[b] / close[b - 1] - 1;
        factor *= 1 + p * r - Math.abs(p - previous) * costRate;
        previous = p;
      }
    }
    // Bar b pays the exit cost and, with next-open fills, the overnight part still held.
    if (b < n) factor *= 1 + (byOpen ? previous * (open![b] / close[b - 1] - 1) : 0) - Math.abs(previous) * costRate;
    recordTrade(bars, stats, log, logStart + trades++, a, b, factor - 1, b === n);
    a = b;
  }
  return trades;
}

/** Adds a trade's pnl to the TradeStat totals starting at slot `at` of `stats`. */
export function countTrade(stats: Float64Array, at: number, pnl: number): void {
  stats[at + TradeStat.count] += 1;
  if (pnl > 0) {
    stats[at + TradeStat.wins] += 1;
    stats[at + TradeStat.winSum] += pnl;
  } else if (pnl < 0) {
    stats[at + TradeStat.losses] += 1;
    stats[at + TradeStat.lossSum] += pnl;
  }
}

interface TradeBars {
  close: Float64Array;
  open: Float64Array | undefined;
  position: Float64Array;
  signal: Float64Array;
  lag: number;
  byOpen: boolean;
  n: number;
}

/** Adds a trade (bars a..b-1, return pnl) to the stats and, with a log, writes it at index i. */
function recordTrade(bars: TradeBars, stats: Float64Array, log: TradeLogBuffers | undefined, i: number, a: number, b: number, pnl: number, stillOpen: boolean): void {
  countTrade(stats, 0, pnl);
  if (!log) return;
  const { close, open, position, signal, lag, byOpen, n } = bars;
  const entryFill = byOpen ? a : a - 1;
  const exitFill = stillOpen ? n - 1 : byOpen ? b : b - 1;
  log.entryFillIndex[i] = entryFill;
  log.exitFillIndex[i] = exitFill;
  log.entryBar[i] = a;
  log.exitBar[i] = b;
  log.side[i] = position[a] > 0 ? 1 : -1;
  log.size[i] = position[a];
  log.entryPrice[i] = byOpen ? open![a] : close[entryFill];
  log.exitPrice[i] = stillOpen || !byOpen ? close[exitFill] : open![exitFill];
  log.pnl[i] = pnl;
  log.entrySignal[i] = a - lag >= 0 ? signal[a - lag] : NaN;
  log.isOpen[i] = stillOpen ? 1 : 0;
}

/** Number of trades in a position vector (for sizing a trade log). */
export function countTrades(position: Float64Array): number {
  let trades = 0;
  let side = 0;
  for (let t = 0; t < position.length; t++) {
    const p = position[t];
    const newSide = p > 0 ? 1 : p < 0 ? -1 : 0;
    if (newSide !== side) {
      if (newSide !== 0) trades++;
      side = newSide;
    }
  }
  return trades;
}

export function tradeLogBuffers(size: number): TradeLogBuffers {
  return {
    entryFillIndex: new Int32Array(size),
    exitFillIndex: new Int32Array(size),
    entryBar: new Int32Array(size),
    exitBar: new Int32Array(size),
    side: new Int8Array(size),
    size: new Float64Array(size),
    entryPrice: new Float64Array(size),
    exitPrice: new Float64Array(size),
    pnl: new Float64Array(size),
    entrySignal: new Float64Array(size),
    isOpen: new Uint8Array(size),
  };
}

/**
 * Trade statistics from accumulated TradeStat totals into a metrics buffer:
 * trade_count; win_rate = wins / trades (NaN without trades); avg_win = mean pnl of winning
 * trades (NaN without any); avg_loss = mean pnl of losing trades (negative; NaN without any);
 * profit_factor = sum of winning pnl / |sum of losing pnl| (Infinity with wins and no losses,
 * NaN with neither). A trade with pnl exactly 0 counts in trade_count only.
 */
export function tradeMetrics(stats: Float64Array, out: Float64Array, slots: { trade_count: number; win_rate: number; avg_win: number; avg_loss: number; profit_factor: number }): void {
  const count = stats[TradeStat.count];
  out[slots.trade_count] = count;
  out[slots.win_rate] = count > 0 ? stats[TradeStat.wins] / count : NaN;
  out[slots.avg_win] = stats[TradeStat.wins] > 0 ? stats[TradeStat.winSum] / stats[TradeStat.wins] : NaN;
  out[slots.avg_loss] = stats[TradeStat.losses] > 0 ? stats[TradeStat.lossSum] / stats[TradeStat.losses] : NaN;
  const winSum = stats[TradeStat.winSum];
  const lossSum = -stats[TradeStat.lossSum];
  out[slots.profit_factor] = lossSum > 0 ? winSum / lossSum : winSum > 0 ? Infinity : NaN;
}
