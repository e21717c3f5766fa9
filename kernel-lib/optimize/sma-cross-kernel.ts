import { Metric } from '../kernels/metrics';
import { TRADE_STAT_SLOTS, countTrade, tradeMetrics } from '../kernels/trades';

/**
 * The SMA-crossover sweep kernel: many (fast, slow) pairs of one security evaluated from SMAs
 * computed once per distinct window (docs/optimize.md, "Sweep fast path").
 *
 * 1. Crossing events, for all pairs at once: the windows are kept sorted by their SMA value
 *    (ties broken by window length) and re-sorted bar by bar with an insertion sort. Every swap
 *    the sort makes is one pair of windows changing order, so the swaps are exactly the bars
 *    where SMA(fast) > SMA(slow) flips, at a cost of (windows + crossings) per bar instead of
 *    one comparison per pair per bar. Exact ties (SMA(fast) = SMA(slow), which the exact SMAs
 *    keep) are collected separately for pairs that go short (a tie is flat, not short).
 * 2. Per pair: the target runs from its events, positions = targets shifted by `lag`, then one
 *    pass over the bars in the market and one over all bars for the squared deviations.
 *
 * The numbers are bit-identical to `runEngine` (close fills, one security of weight 1) for
 * every metric but `stability` (NaN here): each accumulator sees the same values in the same
 * order; bars that are flat and unchanged add exactly 0 (or multiply by exactly 1) in the
 * engine, so skipping them changes nothing. The final formulas follow
 * kernels/metrics.ts line by line; test/optimize-sweep.test.ts compares every metric of
 * every pair with the engine bit for bit.
 */
export interface SmaCrossSweepInput {
  /** One security's closes (finite, > 0), n bars. */
  close: Float64Array;
  /** Distinct windows, ascending; row j of `sma` is SMA(windows[j]). */
  windows: Int32Array;
  /** windows.length x n, row-major: sma[j * n + t] (from smaArray: NaN during warm-up only). */
  sma: Float64Array;
  /** Per pair: row index of the fast and the slow window (fast window < slow window). */
  fast: Int32Array;
  slow: Int32Array;
  /** Per pair: 1 to go short when SMA(fast) < SMA(slow). */
  allowShort: Uint8Array;
  lag: number;
  /** (fee + slippage) / 10,000. */
  costRate: number;
  periodsPerYear: number;
}

/**
 * Evaluates pairs [from, to) of the input; writes their metrics to `out` (row k - from, slots of
 * `Metric`, `metricCount` per row). A pair whose slow SMA never exists (too few bars) gets NaN
 * metrics and `bars_in_market` = -1 (the caller reports it as a failure).
 */
export function smaCrossSweep(input: SmaCrossSweepInput, from: number, to: number, out: Float64Array, metricCount: number): void {
  smaCrossPairs(input, crossingEvents(input), from, to, out, metricCount);
}

/** Stage 2 over pairs [from, to), given the events of all pairs (crossingEvents). */
export function smaCrossPairs(input: SmaCrossSweepInput, events: CrossingEvents, from: number, to: number, out: Float64Array, metricCount: number): void {
  const n = input.close.length;
  const r = new Float64Array(n);
  for (let t = 1; t < n; t++) r[t] = input.close[t] / input.close[t - 1] - 1;
  // Pairs go through two at a time: pass 1 per pair, then one loop for both pairs' squared
  // deviations, whose two independent sums overlap in the CPU (each alone waits on its adds).
  const size = 2 * events.maxPerCross + 4;
  const runStart = [new Int32Array(size), new Int32Array(size)];
  const runValue = [new Int8Array(size), new Int8Array(size)];
  const runs = [0, 0];
  const rows = [0, 0];
  const nanCounts = [0, 0];
  const acc = [new Float64Array(ACC_SLOTS), new Float64Array(ACC_SLOTS)];
  const stats = new Float64Array(TRADE_STAT_SLOTS);
  const slots: TradeSlots = { trade_count: 0, win_rate: 0, avg_win: 0, avg_loss: 0, profit_factor: 0 };
  let held = 0;
  for (let k = from; k < to; k++) {
    const row = (k - from) * metricCount;
    const id = events.crossOfPair[k];
    const s = input.slow[k];
    const t0 = events.firstValid[s];
    if (t0 >= n) {
      out.fill(NaN, row, row + metricCount);
      out[row + Metric.bars_in_market] = -1;
    } else {
      const long0 = input.sma[input.fast[k] * n + t0] > input.sma[s * n + t0];
      runs[held] = positionRuns(
        n, t0, input.lag, long0, input.allowShort[k] === 1,
        events.times, events.offsets[id], events.offsets[id + 1],
        events.tieTimes, events.tieOffsets[id], events.tieOffsets[id + 1],
        runStart[held], runValue[held],
      );
      netPass(r, runStart[held], runValue[held], runs[held], input.costRate, acc[held]);
      rows[held] = row;
      nanCounts[held] = t0;
      held++;
    }
    if (held === 2 || (k === to - 1 && held === 1)) {
      const c = input.costRate;
      const meanA = acc[0][Acc.sum] / n;
      if (held === 2) {
        const meanB = acc[1][Acc.sum] / n;
        squaredDeviationsOfTwo(r, runStart[0], runValue[0], runs[0], meanA, runStart[1], runValue[1], runs[1], meanB, c, acc[0], acc[1]);
      } else {
        squaredDeviationsOfTwo(r, runStart[0], runValue[0], runs[0], meanA, runStart[0], runValue[0], runs[0], meanA, c, acc[0], acc[1]);
      }
      for (let g = 0; g < held; g++) finishMetrics(acc[g], n, input.periodsPerYear, nanCounts[g], stats, slots, out, rows[g]);
      held = 0;
    }
  }
}

/** Per-pair accumulators (slots of a Float64Array). */
const Acc = {
  sum: 0, downsideSquares: 1, value: 2, maxDrawdown: 3, grossSum: 4, costSum: 5, traded: 6, inMarket: 7, squares: 8,
  trades: 9, // TRADE_STAT_SLOTS values from here
} as const;
const ACC_SLOTS = Acc.trades + TRADE_STAT_SLOTS;

export interface CrossingEvents {
  /** Per pair: index of its distinct (fast, slow) crossing. */
  crossOfPair: Int32Array;
  /** Bars where the crossing's order flips, grouped by crossing, ascending. */
  offsets: Int32Array;
  times: Int32Array;
  /** Bars where SMA(fast) = SMA(slow) exactly (only crossings with a short pair), ascending. */
  tieOffsets: Int32Array;
  tieTimes: Int32Array;
  /** First bar with a value, per window row. */
  firstValid: Int32Array;
  /** Most flips + ties of one crossing (sizes the run buffers). */
  maxPerCross: number;
}

/** Stage 1: the crossing events of every pair of the input (one pass over the bars). */
export function crossingEvents(input: SmaCrossSweepInput): CrossingEvents {
  const pairs = input.fast.length;
  const { sma, windows } = input;
  const m = windows.length;
  const n = input.close.length;
  const firstValid = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    let t = 0;
    while (t < n && sma[j * n + t] !== sma[j * n + t]) t++;
    firstValid[j] = t;
  }
  // Distinct (fast, slow) crossings: pairs differing only in allowShort share their events.
  const crossOf = new Int32Array(m * m).fill(-1);
  const crossOfPair = new Int32Array(pairs);
  const wantsTies: number[] = [];
  let crossings = 0;
  for (let k = 0; k < pairs; k++) {
    const key = input.fast[k] * m + input.slow[k];
    if (crossOf[key] < 0) {
      crossOf[key] = crossOf[input.slow[k] * m + input.fast[k]] = crossings++;
      wantsTies.push(0);
    }
    crossOfPair[k] = crossOf[key];
    if (input.allowShort[k] === 1) wantsTies[crossOf[key]] = 1;
  }
  const anyTies = wantsTies.includes(1);

  let log = new Int32Array(1 << 16); // (crossing, bar) pairs in bar order
  let logged = 0;
  let tieLog = new Int32Array(anyTies ? 1 << 10 : 0);
  let tiesLogged = 0;
  const order = new Int32Array(m);
  const value = new Float64Array(m);
  const byStart = Array.from({ length: m }, (_, j) => j).sort((a, b) => firstValid[a] - firstValid[b] || a - b);
  let active = 0;
  let next = 0;
  for (let t = byStart.length ? firstValid[byStart[0]] : n; t < n; t++) {
    for (let i = 0; i < active; i++) {
      const j = order[i];
      value[j] = sma[j * n + t];
    }
    // Insertion sort of the previous order: each swap is a crossing at bar t.
    for (let i = 1; i < active; i++) {
      const x = order[i];
      const vx = value[x];
      let p = i - 1;
      while (p >= 0) {
        const y = order[p];
        const vy = value[y];
        if (vy < vx || (vy === vx && y < x)) break;
        order[p + 1] = y;
        const id = crossOf[x * m + y];
        if (id >= 0) {
          if (logged + 2 > log.length) log = grow(log);
          log[logged++] = id;
          log[logged++] = t;
        }
        p--;
      }
      order[p + 1] = x;
    }
    // Windows whose first value is at bar t join the order (no crossing: their pairs start here).
    while (next < m && firstValid[byStart[next]] === t) {
      const x = byStart[next++];
      const vx = (value[x] = sma[x * n + t]);
      let p = active - 1;
      while (p >= 0 && (value[order[p]] > vx || (value[order[p]] === vx && order[p] > x))) {
        order[p + 1] = order[p];
        p--;
      }
      order[p + 1] = x;
      active++;
    }
    if (anyTies) {
      for (let i = 0; i + 1 < active; i++) {
        if (value[order[i]] !== value[order[i + 1]]) continue;
        let end = i + 1;
        while (end + 1 < active && value[order[end + 1]] === value[order[i]]) end++;
        for (let a = i; a < end; a++) {
          for (let b = a + 1; b <= end; b++) {
            const id = crossOf[order[a] * m + order[b]];
            if (id >= 0 && wantsTies[id]) {
              if (tiesLogged + 2 > tieLog.length) tieLog = grow(tieLog);
              tieLog[tiesLogged++] = id;
              tieLog[tiesLogged++] = t;
            }
          }
        }
        i = end;
      }
    }
  }
  const grouped = groupByCrossing(log, logged, crossings);
  const tiesGrouped = groupByCrossing(tieLog, tiesLogged, crossings);
  let maxPerCross = 0;
  for (let id = 0; id < crossings; id++) {
    const count = grouped.offsets[id + 1] - grouped.offsets[id] + 2 * (tiesGrouped.offsets[id + 1] - tiesGrouped.offsets[id]);
    if (count > maxPerCross) maxPerCross = count;
  }
  return {
    crossOfPair, offsets: grouped.offsets, times: grouped.times,
    tieOffsets: tiesGrouped.offsets, tieTimes: tiesGrouped.times, firstValid, maxPerCross,
  };
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Counting sort of (crossing, bar) records by crossing; bars stay ascending within each. */
function groupByCrossing(log: Int32Array, logged: number, crossings: number): { offsets: Int32Array; times: Int32Array } {
  const offsets = new Int32Array(crossings + 1);
  for (let i = 0; i < logged; i += 2) offsets[log[i] + 1]++;
  for (let id = 0; id < crossings; id++) offsets[id + 1] += offsets[id];
  const fill = offsets.slice(0, crossings);
  const times = new Int32Array(logged / 2);
  for (let i = 0; i < logged; i += 2) times[fill[log[i]]++] = log[i + 1];
  return { offsets, times };
}

/**
 * Position runs of one pair: runStart[i] is the first bar of run i, runValue[i] its position;
 * run i ends where run i + 1 starts (the last at n). Target at bar t >= t0: 1 when
 * SMA(fast) > SMA(slow), else -1 when going short and the SMAs differ, else 0; position[t] =
 * target[t - lag], flat before t0 + lag. Returns the number of runs.
 */
function positionRuns(
  n: number, t0: number, lag: number, long0: boolean, allowShort: boolean,
  flips: Int32Array, flipFrom: number, flipTo: number,
  ties: Int32Array, tieFrom: number, tieTo: number,
  runStart: Int32Array, runValue: Int8Array,
): number {
  runStart[0] = 0;
  runValue[0] = 0;
  let runs = 1;
  let current = 0;
  let long = long0;
  let f = flipFrom;
  let q = allowShort ? tieFrom : tieTo; // ties only matter when going short
  let u = t0;
  while (u < n) {
    while (f < flipTo && flips[f] === u) {
      long = !long;
      f++;
    }
    while (q < tieTo && ties[q] < u) q++;
    const tie = q < tieTo && ties[q] === u;
    const target = long ? 1 : allowShort && !tie ? -1 : 0;
    if (target !== current) {
      const start = u + lag;
      if (start >= n) break;
      runStart[runs] = start;
      runValue[runs] = target;
      runs++;
      current = target;
    }
    // The next bar where the target may change: a flip, a tie, or the bar after a tie.
    let next = f < flipTo ? flips[f] : n;
    if (q < tieTo) {
      const nextTie = tie ? (q + 1 < tieTo ? ties[q + 1] : n) : ties[q];
      if (nextTie < next) next = nextTie;
      if (tie && u + 1 < next) next = u + 1;
    }
    u = next;
  }
  return runs;
}

/**
 * Pass 1 of one pair over its position runs, with the engine's arithmetic (close fills):
 * net[t] = position[t] * r[t] - |position[t] - position[t-1]| * costRate, accumulated in bar
 * order into `acc` (sum, downside squares, equity and drawdown, gross, cost, turnover, trades).
 * Flat bars inside a flat run are skipped: they add exactly 0 and multiply by exactly 1.
 */
function netPass(r: Float64Array, runStart: Int32Array, runValue: Int8Array, runs: number, costRate: number, acc: Float64Array): void {
  const n = r.length;
  let sum = 0;
  let downsideSquares = 0;
  let value = 1;
  let peak = 1;
  let floor = 1;
  let maxDrawdown = 0;
  let grossSum = 0;
  let costSum = 0;
  let traded = 0;
  let inMarket = 0;
  acc.fill(0, Acc.trades);
  let side = 0;
  let factor = 1;
  let previous = 0;
  for (let i = 0; i < runs; i++) {
    const a = runStart[i];
    const b = i + 1 < runs ? runStart[i + 1] : n;
    const p = runValue[i];
    // The run's first bar: the position changed (or this is bar 0).
    const g = p * r[a];
    const turn = Math.abs(p - previous);
    const cost = turn * costRate;
    const x = g - cost;
    sum += x;
    const loss = x * +(x < 0);
    downsideSquares += loss * loss;
    value *= 1 + x;
    if (value > peak) {
      peak = value;
      floor = peak * (1 + maxDrawdown);
    } else if (value < floor) {
      maxDrawdown = value / peak - 1;
      floor = value;
    }
    grossSum += g;
    costSum += cost;
    traded += turn;
    // Trades, as kernels/trades.ts with close fills (no overnight part).
    const newSide = p > 0 ? 1 : p < 0 ? -1 : 0;
    if (side !== 0 && newSide !== side) {
      factor *= 1 + previous * 0 - Math.abs(previous) * costRate;
      countTrade(acc, Acc.trades, factor - 1);
      side = 0;
    }
    if (side === 0 && newSide !== 0) {
      side = newSide;
      factor = 1 + p * (a > 0 ? r[a] : 0) - Math.abs(p) * costRate;
    }
    if (p !== 0) {
      inMarket += b - a;
      for (let t = a + 1; t < b; t++) {
        const y = p * r[t];
        sum += y;
        const loss = y * +(y < 0); // min(y, 0): a branch on the sign would be a coin flip
        downsideSquares += loss * loss;
        value *= 1 + y;
        if (value > peak) {
          peak = value;
          floor = peak * (1 + maxDrawdown);
        } else if (value < floor) {
          maxDrawdown = value / peak - 1;
          floor = value;
        }
        grossSum += y;
        factor *= 1 + y;
      }
    }
    previous = p;
  }
  if (side !== 0) countTrade(acc, Acc.trades, factor - 1);
  acc[Acc.sum] = sum;
  acc[Acc.downsideSquares] = downsideSquares;
  acc[Acc.value] = value;
  acc[Acc.maxDrawdown] = maxDrawdown;
  acc[Acc.grossSum] = grossSum;
  acc[Acc.costSum] = costSum;
  acc[Acc.traded] = traded;
  acc[Acc.inMarket] = inMarket;
}

/**
 * Pass 2 of two pairs at once: sum over every bar of (net[t] - mean)^2, each pair in bar order
 * as returnMetricsKernel sums it. net[t] is rebuilt from the runs: p * r[t] - mean on every bar
 * but a run's first, where the cost comes in (a flat bar gives (+-0 - mean)^2 = mean^2, as in the
 * engine). The two sums are independent, so the CPU overlaps their additions.
 */
function squaredDeviationsOfTwo(
  r: Float64Array,
  startA: Int32Array, valueA: Int8Array, runsA: number, meanA: number,
  startB: Int32Array, valueB: Int8Array, runsB: number, meanB: number,
  costRate: number, accA: Float64Array, accB: Float64Array,
): void {
  const n = r.length;
  let sqA = 0;
  let sqB = 0;
  let iA = 0;
  let iB = 0;
  let pA = 0;
  let pB = 0;
  let t = 0;
  while (t < n) {
    let dA: number;
    let dB: number;
    if (iA < runsA && startA[iA] === t) {
      const p = valueA[iA++];
      dA = p * r[t] - Math.abs(p - pA) * costRate - meanA;
      pA = p;
    } else dA = pA * r[t] - meanA;
    if (iB < runsB && startB[iB] === t) {
      const p = valueB[iB++];
      dB = p * r[t] - Math.abs(p - pB) * costRate - meanB;
      pB = p;
    } else dB = pB * r[t] - meanB;
    sqA += dA * dA;
    sqB += dB * dB;
    t++;
    const nextA = iA < runsA ? startA[iA] : n;
    const nextB = iB < runsB ? startB[iB] : n;
    const end = nextA < nextB ? nextA : nextB;
    for (; t < end; t++) {
      const a = pA * r[t] - meanA;
      const b = pB * r[t] - meanB;
      sqA += a * a;
      sqB += b * b;
    }
  }
  accA[Acc.squares] = sqA;
  accB[Acc.squares] = sqB;
}

/** The metrics of one pair: the final formulas of returnMetricsKernel, exposureMetricsKernel and tradeMetrics. */
function finishMetrics(acc: Float64Array, n: number, periodsPerYear: number, nanCount: number, stats: Float64Array, slots: TradeSlots, out: Float64Array, row: number): void {
  // No NaN returns here, so count = n.
  const mean = acc[Acc.sum] / n;
  const value = acc[Acc.value];
  const maxDrawdown = acc[Acc.maxDrawdown];
  const std = Math.sqrt(acc[Acc.squares] / (n - 1));
  const tooShort = n < 2;
  const annualization = Math.sqrt(periodsPerYear);
  out[row + Metric.sharpe] = tooShort ? NaN : (mean / std) * annualization;
  const downside = Math.sqrt(acc[Acc.downsideSquares] / n) * annualization;
  out[row + Metric.sortino] = tooShort ? NaN : (mean * periodsPerYear) / downside;
  out[row + Metric.annual_volatility] = tooShort ? NaN : std * annualization;
  out[row + Metric.max_drawdown] = n < 1 ? NaN : maxDrawdown;
  out[row + Metric.total_return] = n < 1 ? NaN : value - 1;
  const cagr = n < 1 ? NaN : Math.pow(value, periodsPerYear / n) - 1;
  out[row + Metric.cagr] = cagr;
  let calmar = NaN;
  if (maxDrawdown < 0) {
    calmar = cagr / Math.abs(maxDrawdown);
    if (calmar === Infinity || calmar === -Infinity) calmar = NaN;
  }
  out[row + Metric.calmar] = calmar;
  out[row + Metric.stability] = NaN; // not computed by the sweep (a log per bar)
  out[row + Metric.bars] = n;
  const inMarket = acc[Acc.inMarket];
  const grossSum = acc[Acc.grossSum];
  out[row + Metric.turnover] = n > 0 ? (acc[Acc.traded] * periodsPerYear) / n : NaN;
  out[row + Metric.bars_in_market] = inMarket;
  out[row + Metric.exposure] = n > 0 ? inMarket / n : NaN;
  out[row + Metric.cost_share] = grossSum > 0 ? acc[Acc.costSum] / grossSum : NaN;
  out[row + Metric.nan_count] = nanCount;
  for (let i = 0; i < TRADE_STAT_SLOTS; i++) stats[i] = acc[Acc.trades + i];
  slots.trade_count = row + Metric.trade_count;
  slots.win_rate = row + Metric.win_rate;
  slots.avg_win = row + Metric.avg_win;
  slots.avg_loss = row + Metric.avg_loss;
  slots.profit_factor = row + Metric.profit_factor;
  tradeMetrics(stats, out, slots);
}

/** Where tradeMetrics writes, moved to each pair's row (one object for the whole sweep). */
interface TradeSlots {
  trade_count: number;
  win_rate: number;
  avg_win: number;
  avg_loss: number;
  profit_factor: number;
}
