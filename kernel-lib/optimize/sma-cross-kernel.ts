import { Metric } from '../kernels/metrics';
import { rangeStats, rangeTable, type RangeTable } from '../kernels/range-fall';
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
 * 2. Per pair: the position runs from its events, then each run in O(1) from tables built once
 *    per call (runPass): work proportional to the pair's crossings, not to its bars.
 *
 * The numbers agree with `runEngine` (close fills, one security of weight 1) to about 1e-14
 * relative, counts exactly, for every metric but `stability` (NaN here): docs/optimize.md,
 * "Exactness"; test/optimize-sweep.test.ts compares every metric of every pair with the engine.
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
 * Stage 2 over pairs [from, to), given the events of all pairs (groupCrossings): their metrics
 * into `out` (row k - from, slots of `Metric`, `metricCount` per row). A pair whose slow SMA
 * never exists (too few bars) gets NaN metrics and `bars_in_market` = -1 (the caller reports it
 * as a failure).
 */
export function smaCrossPairs(input: SmaCrossSweepInput, events: CrossingEvents, from: number, to: number, out: Float64Array, metricCount: number): void {
  const n = input.close.length;
  const bars = barTablesOf(input);
  const range = new Float64Array(3);
  const runStart = new Int32Array(2 * events.maxPerCross + 4);
  const runValue = new Int8Array(runStart.length);
  const acc = new Float64Array(ACC_SLOTS);
  const stats = new Float64Array(TRADE_STAT_SLOTS);
  const slots: TradeSlots = { trade_count: 0, win_rate: 0, avg_win: 0, avg_loss: 0, profit_factor: 0 };
  for (let k = from; k < to; k++) {
    const row = (k - from) * metricCount;
    const id = events.crossOfPair[k];
    const s = input.slow[k];
    const t0 = events.firstValid[s];
    if (t0 >= n) {
      out.fill(NaN, row, row + metricCount);
      out[row + Metric.bars_in_market] = -1;
      continue;
    }
    const long0 = input.sma[input.fast[k] * n + t0] > input.sma[s * n + t0];
    const runs = positionRuns(
      n, t0, input.lag, long0, input.allowShort[k] === 1,
      events.times, events.offsets[id], events.offsets[id + 1],
      events.tieTimes, events.tieOffsets[id], events.tieOffsets[id + 1],
      runStart, runValue,
    );
    runPass(bars, runStart, runValue, runs, input.costRate, acc, range);
    finishMetrics(acc, n, input.periodsPerYear, t0, stats, slots, out, row);
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

/** Which pairs share events, and what the bar loop needs to log them. */
export interface CrossingIndex {
  /** Per pair: index of its distinct (fast, slow) crossing. */
  crossOfPair: Int32Array;
  /** windows x windows: the crossing of rows (i, j), either way round; -1 when no pair has them. */
  crossOf: Int32Array;
  /** Per crossing: 1 when one of its pairs goes short (its exact ties matter). */
  wantsTies: Uint8Array;
  anyTies: boolean;
  crossings: number;
  /** First bar with a value, per window row. */
  firstValid: Int32Array;
}

export function crossingIndex(input: SmaCrossSweepInput): CrossingIndex {
  const pairs = input.fast.length;
  const { sma } = input;
  const m = input.windows.length;
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
  const wantsTies = new Uint8Array(pairs);
  let crossings = 0;
  let anyTies = false;
  for (let k = 0; k < pairs; k++) {
    const key = input.fast[k] * m + input.slow[k];
    if (crossOf[key] < 0) crossOf[key] = crossOf[input.slow[k] * m + input.fast[k]] = crossings++;
    crossOfPair[k] = crossOf[key];
    if (input.allowShort[k] === 1) wantsTies[crossOf[key]] = 1;
    anyTies ||= input.allowShort[k] === 1;
  }
  return { crossOfPair, crossOf, wantsTies: wantsTies.subarray(0, crossings), anyTies, crossings, firstValid };
}

/** (crossing, bar) records of a range of bars, in bar order. */
export interface CrossingLog {
  /** Bars where a crossing's order flips. */
  flips: Int32Array;
  /** Bars where SMA(fast) = SMA(slow) exactly (only crossings with a short pair). */
  ties: Int32Array;
}

/**
 * Stage 1 over bars [from, to): every flip and exact tie of every crossing. A range that starts
 * later begins from the windows sorted afresh at bar from - 1. The order is strict by (value,
 * window row), so that sort gives the order the bar loop would have reached, and the logs of
 * consecutive ranges concatenate to the log of one pass (threads split the bars this way).
 */
export function crossingLog(input: SmaCrossSweepInput, index: CrossingIndex, from: number, to: number): CrossingLog {
  const { sma } = input;
  const { crossOf, wantsTies, anyTies, firstValid } = index;
  const m = input.windows.length;
  const n = input.close.length;
  let log = new Int32Array(1 << 16);
  let logged = 0;
  let tieLog = new Int32Array(anyTies ? 1 << 10 : 0);
  let tiesLogged = 0;
  const order = new Int32Array(m);
  const value = new Float64Array(m); // value[i]: SMA of window order[i] at bar t (moves with it)
  const byStart = Array.from({ length: m }, (_, j) => j).sort((a, b) => firstValid[a] - firstValid[b] || a - b);
  let active = 0;
  let next = 0;
  if (from > 0) {
    while (next < m && firstValid[byStart[next]] < from) next++;
    const valid = byStart.slice(0, next);
    const at = (j: number) => sma[j * n + from - 1];
    valid.sort((a, b) => at(a) - at(b) || a - b);
    for (const j of valid) {
      order[active] = j;
      value[active++] = at(j);
    }
  }
  // With no window valid yet, the loop starts where the first one joins.
  const first = active > 0 ? from : Math.max(from, next < m ? firstValid[byStart[next]] : n);
  for (let t = first; t < to; t++) {
    for (let i = 0; i < active; i++) value[i] = sma[order[i] * n + t];
    // Room for every swap this bar could make, so the loop below never checks.
    if (logged + active * active > log.length) log = grow(log, logged + active * active);
    // Insertion sort of the previous order: each swap is a crossing at bar t.
    for (let i = 1; i < active; i++) {
      const vx = value[i];
      if (value[i - 1] < vx) continue;
      const x = order[i];
      let p = i - 1;
      while (p >= 0) {
        const y = order[p];
        const vy = value[p];
        if (vy < vx || (vy === vx && y < x)) break;
        order[p + 1] = y;
        value[p + 1] = vy;
        const id = crossOf[x * m + y];
        if (id >= 0) {
          log[logged++] = id;
          log[logged++] = t;
        }
        p--;
      }
      order[p + 1] = x;
      value[p + 1] = vx;
    }
    // Windows whose first value is at bar t join the order (no crossing: their pairs start here).
    while (next < m && firstValid[byStart[next]] === t) {
      const x = byStart[next++];
      const vx = sma[x * n + t];
      let p = active - 1;
      while (p >= 0 && (value[p] > vx || (value[p] === vx && order[p] > x))) {
        order[p + 1] = order[p];
        value[p + 1] = value[p];
        p--;
      }
      order[p + 1] = x;
      value[p + 1] = vx;
      active++;
    }
    if (anyTies) {
      for (let i = 0; i + 1 < active; i++) {
        if (value[i] !== value[i + 1]) continue;
        let end = i + 1;
        while (end + 1 < active && value[end + 1] === value[i]) end++;
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
  return { flips: log.subarray(0, logged), ties: tieLog.subarray(0, tiesLogged) };
}

/** Stage 1 over bars [from, to) (one thread's share). */
export function crossingRange(input: SmaCrossSweepInput, from: number, to: number): CrossingLog {
  return crossingLog(input, crossingIndex(input), from, to);
}

/** The logs of consecutive bar ranges, in order, grouped by crossing. */
export function groupCrossings(index: CrossingIndex, logs: CrossingLog[]): CrossingEvents {
  const { crossings } = index;
  const flips = groupByCrossing(logs.map((l) => l.flips), crossings);
  const ties = groupByCrossing(logs.map((l) => l.ties), crossings);
  let maxPerCross = 0;
  for (let id = 0; id < crossings; id++) {
    const count = flips.offsets[id + 1] - flips.offsets[id] + 2 * (ties.offsets[id + 1] - ties.offsets[id]);
    if (count > maxPerCross) maxPerCross = count;
  }
  return {
    crossOfPair: index.crossOfPair, offsets: flips.offsets, times: flips.times,
    tieOffsets: ties.offsets, tieTimes: ties.times, firstValid: index.firstValid, maxPerCross,
  };
}

function grow(a: Int32Array<ArrayBuffer>, least = 0): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(a.length * 2, least));
  b.set(a);
  return b;
}

/** Counting sort of (crossing, bar) records by crossing; bars stay ascending within each. */
function groupByCrossing(logs: Int32Array[], crossings: number): { offsets: Int32Array; times: Int32Array } {
  const offsets = new Int32Array(crossings + 1);
  let records = 0;
  for (const log of logs) {
    for (let i = 0; i < log.length; i += 2) offsets[log[i] + 1]++;
    records += log.length / 2;
  }
  for (let id = 0; id < crossings; id++) offsets[id + 1] += offsets[id];
  const fill = offsets.slice(0, crossings);
  const times = new Int32Array(records);
  for (const log of logs) for (let i = 0; i < log.length; i += 2) times[fill[log[i]]++] = log[i + 1];
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
  if (!allowShort) {
    // Long or flat: each flip toggles the target, so every flip starts a run (at most one a bar).
    let long = long0;
    if (long && t0 + lag < n) {
      runStart[runs] = t0 + lag;
      runValue[runs++] = 1;
    }
    for (let f = flipFrom; f < flipTo; f++) {
      const start = flips[f] + lag;
      if (start >= n) break;
      long = !long;
      runStart[runs] = start;
      runValue[runs++] = long ? 1 : 0;
    }
    return runs;
  }
  let current = 0;
  let long = long0;
  let f = flipFrom;
  let q = tieFrom;
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
 * One pair, run by run, in O(1) per run (docs/optimize.md, "Per pair"). With the engine's
 * arithmetic (close fills), net[t] = position[t] * r[t] - |position[t] - position[t-1]| * costRate:
 * a run's first bar (where the position changes) is taken as it comes; the bars after it, at a
 * constant position p, enter through running sums of the bar tables: their sum, squared
 * deviations and downside squares; their growth (a ratio of closes for a long, of the running
 * product of 1 - r for a short); their highest and lowest equity and deepest fall (range
 * tables).
 * A flat bar adds exactly 0; the squared deviations are taken about the mean, found first.
 */
function runPass(bars: BarTables, runStart: Int32Array, runValue: Int8Array, runs: number, costRate: number, acc: Float64Array, range: Float64Array): void {
  const { r, sums } = bars;
  const n = r.length;
  let sum = 0;
  let previous = 0;
  for (let i = 0; i < runs; i++) {
    const a = runStart[i];
    const b = i + 1 < runs ? runStart[i + 1] : n;
    const p = runValue[i];
    sum += p * r[a] - Math.abs(p - previous) * costRate + (b - a > 1 ? p * returnsBetween(sums, a + 1, b) : 0);
    previous = p;
  }
  const mean = sum / n;
  let squares = 0;
  let downsideSquares = 0;
  let value = 1;
  let peak = 1;
  let maxDrawdown = 0;
  let grossSum = 0;
  let costSum = 0;
  let traded = 0;
  let inMarket = 0;
  let flatBars = 0;
  acc.fill(0, Acc.trades);
  let side = 0;
  let factor = 1;
  previous = 0;
  for (let i = 0; i < runs; i++) {
    const a = runStart[i];
    const b = i + 1 < runs ? runStart[i + 1] : n;
    const p = runValue[i];
    // The run's first bar: the position changed (or this is bar 0).
    const g = p * r[a];
    const turn = Math.abs(p - previous);
    const cost = turn * costRate;
    const x = g - cost;
    const dx = x - mean;
    squares += dx * dx;
    const loss = x * +(x < 0); // min(x, 0) without a branch on a coin-flip sign
    downsideSquares += loss * loss;
    value *= 1 + x;
    // Divisions only when the drawdown deepens (they cost ~15 cycles each).
    if (value > peak) peak = value;
    else if (value < peak * (1 + maxDrawdown)) maxDrawdown = value / peak - 1;
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
    // The rest of the run: bars a + 1 .. b - 1 at position p.
    const rest = b - a - 1;
    if (p === 0) flatBars += rest;
    else {
      inMarket += b - a;
      if (rest > 0) {
        grossSum += p * returnsBetween(sums, a + 1, b);
        // (p r - mean)^2 = (r - c)^2 + 2 p (p c - mean) (r - c) + (p c - mean)^2, as p^2 = 1.
        const d = p * bars.mean - mean;
        squares += between(sums, Sum.centeredSquares, a + 1, b) + 2 * p * d * between(sums, Sum.centered, a + 1, b) + rest * d * d;
        downsideSquares += between(sums, p > 0 ? Sum.downLong : Sum.downShort, a + 1, b);
        const table = p > 0 ? bars.long : bars.short!;
        const base = table.level[a];
        rangeStats(table, a + 1, b - 1, range);
        // Equity at bar t of the rest is value * level[t] / base: its low against the peak so far,
        // or its deepest fall from a peak inside the run, whichever is worse.
        if (range[1] * value < (1 + maxDrawdown) * peak * base) maxDrawdown = (range[1] * value) / (peak * base) - 1;
        if (range[2] < 1 + maxDrawdown) maxDrawdown = range[2] - 1;
        if (range[0] * value > peak * base) peak = (range[0] * value) / base;
        const growth = table.level[b - 1] / base;
        value *= growth;
        factor *= growth;
      }
    }
    previous = p;
  }
  if (side !== 0) countTrade(acc, Acc.trades, factor - 1);
  acc[Acc.sum] = sum;
  acc[Acc.downsideSquares] = downsideSquares;
  acc[Acc.squares] = squares + flatBars * mean * mean;
  acc[Acc.value] = value;
  acc[Acc.maxDrawdown] = maxDrawdown;
  acc[Acc.grossSum] = grossSum;
  acc[Acc.costSum] = costSum;
  acc[Acc.traded] = traded;
  acc[Acc.inMarket] = inMarket;
}

/** Per-bar inputs of runPass, built once per input (each chunk of one thread reuses them). */
interface BarTables {
  /** r[t] = close[t] / close[t - 1] - 1; r[0] = 0. */
  r: Float64Array;
  /** Mean of r over all bars: the centre of Sum.centered and Sum.centeredSquares. */
  mean: number;
  /**
   * Running sums over the bars before t, SUMS to a bar (a run reads two bars): entry t * SUMS + s
   * for each series s of Sum. An interval's error is ~1e-16 of the running total; the errors of a
   * pair's runs add up like a random walk. That keeps the squares within ~1e-14 of their total,
   * but a mean near 0 (a long-short pair) needs more: the sum of r also carries each addition's
   * rounding error (TwoSum) in the slot after it.
   */
  sums: Float64Array;
  /** Range tables of the closes, and of the running product of 1 - r (only with short pairs). */
  long: RangeTable;
  short: RangeTable | undefined;
}

/** The series in BarTables.sums: r (and its error), r - mean, (r - mean)^2, r^2 where r < 0, r^2 where r > 0. */
const Sum = { r: 0, rError: 1, centered: 2, centeredSquares: 3, downLong: 4, downShort: 5 } as const;
const SUMS = 6;

const tablesOfInput = new WeakMap<SmaCrossSweepInput, BarTables>();

function barTablesOf(input: SmaCrossSweepInput): BarTables {
  let tables = tablesOfInput.get(input);
  if (!tables) {
    tables = barTables(input.close, input.allowShort.includes(1));
    tablesOfInput.set(input, tables);
  }
  return tables;
}

function barTables(close: Float64Array, withShort: boolean): BarTables {
  const n = close.length;
  const r = new Float64Array(n);
  let total = 0;
  for (let t = 1; t < n; t++) {
    r[t] = close[t] / close[t - 1] - 1;
    total += r[t];
  }
  const mean = total / n;
  const sums = new Float64Array((n + 1) * SUMS);
  // Running totals in locals (not read back from `sums`), squares split by sign without a branch.
  let sum = 0;
  let error = 0;
  let centered = 0;
  let centeredSquares = 0;
  let downLong = 0;
  let downShort = 0;
  for (let t = 0; t < n; t++) {
    const x = r[t];
    const total = sum + x;
    const kept = total - sum;
    error += sum - (total - kept) + (x - kept);
    sum = total;
    const c = x - mean;
    centered += c;
    centeredSquares += c * c;
    const square = x * x;
    downLong += square * +(x < 0);
    downShort += square * +(x > 0);
    const at = (t + 1) * SUMS;
    sums[at + Sum.r] = sum;
    sums[at + Sum.rError] = error;
    sums[at + Sum.centered] = centered;
    sums[at + Sum.centeredSquares] = centeredSquares;
    sums[at + Sum.downLong] = downLong;
    sums[at + Sum.downShort] = downShort;
  }
  let short: RangeTable | undefined;
  if (withShort) {
    // Positive and in range on every bar: canSweep keeps such searches off the sweep otherwise.
    const level = new Float64Array(n);
    level[0] = 1;
    for (let t = 1; t < n; t++) level[t] = level[t - 1] * (1 - r[t]);
    short = rangeTable(level);
  }
  return { r, mean, sums, long: rangeTable(close), short };
}

/** The sum of series s over bars [a, b). */
function between(sums: Float64Array, s: number, a: number, b: number): number {
  return sums[b * SUMS + s] - sums[a * SUMS + s];
}

/** The sum of r over bars [a, b), with the rounding errors of the running sum. */
function returnsBetween(sums: Float64Array, a: number, b: number): number {
  const i = a * SUMS;
  const j = b * SUMS;
  return sums[j] - sums[i] + (sums[j + Sum.rError] - sums[i + Sum.rError]);
}

/** The metrics of one pair: the final formulas of returnMetricsKernel, exposureMetricsKernel and tradeMetrics. */
function finishMetrics(acc: Float64Array, n: number, periodsPerYear: number, nanCount: number, stats: Float64Array, slots: TradeSlots, out: Float64Array, row: number): void {
  // No NaN returns here, so count = n.
  const mean = acc[Acc.sum] / n;
  const value = acc[Acc.value];
  const maxDrawdown = acc[Acc.maxDrawdown];
  const std = Math.sqrt(Math.max(0, acc[Acc.squares]) / (n - 1)); // a hair below 0 can only be rounding
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
