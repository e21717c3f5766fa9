import pl from 'nodejs-polars';
import { fromSecurityArrays } from '../kernels/bridge';
import { equityKernel } from '../kernels/engine';
import { countTrades, scanTrades, TRADE_STAT_SLOTS, tradeLogBuffers } from '../kernels/trades';
import { fillEquity, type EngineConfig, type EngineWorkspace, type Market } from './workspace';

/** The aligned per-security frame from a finished run. */
export function alignedFrame(market: Market, ws: EngineWorkspace): pl.DataFrame {
  const { arrays } = market;
  const equity = new Float64Array(arrays.rowCount);
  const drawdown = new Float64Array(arrays.rowCount);
  for (let g = 0; g < arrays.securities.length; g++) {
    const a = arrays.offsets[g];
    const b = arrays.offsets[g + 1];
    equityKernel(ws.bars.net.subarray(a, b), equity.subarray(a, b), drawdown.subarray(a, b));
  }
  return fromSecurityArrays(arrays, {
    close: arrays.columns.close,
    ...(arrays.columns.open ? { open: arrays.columns.open } : {}),
    signal: ws.signal,
    target: ws.target,
    position: ws.bars.position,
    turnover: ws.bars.turnover,
    asset_return: ws.bars.assetReturn,
    gross: ws.bars.gross,
    cost: ws.bars.cost,
    net: ws.bars.net,
    equity,
    drawdown,
  });
}

/** The portfolio frame (one row per timestamp of the union timeline). */
export function portfolioFrame(market: Market, ws: EngineWorkspace): pl.DataFrame {
  fillEquity(ws);
  const exposure = Float64Array.from(ws.portfolio.exposure, Math.abs);
  const benchmarkEquity = new Float64Array(market.timeline.length);
  const benchmarkDrawdown = new Float64Array(market.timeline.length);
  equityKernel(ws.portfolio.benchmark, benchmarkEquity, benchmarkDrawdown);
  return pl.DataFrame([
    timeSeries('date', market.timeline, market.arrays.timeUnit),
    pl.Series('exposure', exposure),
    pl.Series('turnover', ws.portfolio.turnover),
    pl.Series('gross', ws.portfolio.gross),
    pl.Series('cost', ws.portfolio.cost),
    pl.Series('net', ws.portfolio.net),
    pl.Series('equity', ws.equity),
    pl.Series('drawdown', ws.drawdown),
    pl.Series('benchmark_return', ws.portfolio.benchmark),
    pl.Series('benchmark_equity', benchmarkEquity),
  ]);
}

/**
 * The trade log: security_id, side ('long'/'short'), size (the position at entry), entry_time,
 * exit_time (fill times; the last bar for an open trade), entry_price, exit_price,
 * duration_bars (bars held), duration_days (exit_time - entry_time in days), pnl (fraction,
 * compounded net of costs), entry_signal, is_open.
 */
export function tradeLog(market: Market, config: EngineConfig, ws: EngineWorkspace): pl.DataFrame {
  const { arrays } = market;
  let total = 0;
  const starts: number[] = [];
  for (const v of ws.views) {
    starts.push(total);
    total += countTrades(v.out.position);
  }
  const log = tradeLogBuffers(total);
  const stats = new Float64Array(TRADE_STAT_SLOTS);
  const securityIndex = new Int32Array(total);
  ws.views.forEach((v, g) => {
    const k = scanTrades(v.close, v.open, v.out.position, v.signal, config.lag, config.costRate, config.execution, stats, log, starts[g]);
    securityIndex.fill(g, starts[g], starts[g] + k);
  });
  const entryTime = new Float64Array(total);
  const exitTime = new Float64Array(total);
  const durationDays = new Float64Array(total);
  const toDays = arrays.timeUnit === 'day' ? 1 : 1 / 86_400_000;
  for (let i = 0; i < total; i++) {
    const offset = arrays.offsets[securityIndex[i]];
    entryTime[i] = arrays.time[offset + log.entryFillIndex[i]];
    exitTime[i] = arrays.time[offset + log.exitFillIndex[i]];
    durationDays[i] = (exitTime[i] - entryTime[i]) * toDays;
  }
  const durationBars = new Int32Array(total);
  for (let i = 0; i < total; i++) durationBars[i] = log.exitBar[i] - log.entryBar[i];
  const side: string[] = Array.from(log.side, (s) => (s > 0 ? 'long' : 'short'));
  return pl.DataFrame([
    pl.Series('security_id', Array.from(securityIndex, (g) => arrays.securities[g]), pl.Utf8),
    pl.Series('side', side, pl.Utf8),
    pl.Series('size', log.size),
    timeSeries('entry_time', entryTime, arrays.timeUnit),
    timeSeries('exit_time', exitTime, arrays.timeUnit),
    pl.Series('entry_price', log.entryPrice),
    pl.Series('exit_price', log.exitPrice),
    pl.Series('duration_bars', durationBars),
    pl.Series('duration_days', durationDays),
    pl.Series('pnl', log.pnl),
    pl.Series('entry_signal', log.entrySignal),
    pl.Series('is_open', Array.from(log.isOpen, (x) => x === 1), pl.Bool),
  ]);
}

export function timeSeries(name: string, values: ArrayLike<number>, unit: 'day' | 'ms'): pl.Series {
  return unit === 'day'
    ? pl.Series(name, Int32Array.from(values)).cast(pl.Date)
    : pl.Series(name, Float64Array.from(values)).cast(pl.Int64).cast(pl.Datetime('ms'));
}
