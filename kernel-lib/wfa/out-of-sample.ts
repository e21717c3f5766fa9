import type { EngineWorkspace, Market } from '../engine/workspace';

/**
 * One test window's out-of-sample series, cut from a run that started `warmup` bars before
 * the test (docs/wfa.md): the warm-up steps are dropped, and the first test bar of each security
 * is charged for trading from the position actually held at the end of the previous window (0
 * before the first) to its new position, instead of from the warm-up's own position. Without
 * that, a change of parameters between windows would switch positions for free.
 */
export interface OosSeries {
  /** Timeline times of the test steps. */
  time: Float64Array;
  net: Float64Array;
  gross: Float64Array;
  cost: Float64Array;
  turnover: Float64Array;
  exposure: Float64Array;
  /** Buy-and-hold return of the traded securities (same weights) on each step. */
  benchmark: Float64Array;
  /** One security: its position on each step (else undefined). */
  position?: Float64Array;
  /** Test bars whose target was missing (treated as flat). */
  nanCount: number;
  /** Portfolio turnover charged at the window's start for switching from the held positions. */
  boundaryTurnover: number;
}

/**
 * Cuts the test part out of a finished run (market + workspace from the engine) and applies the
 * boundary charge. `held` maps security to the position held before the window; it is updated
 * to the positions at the window's last bars.
 */
export function outOfSample(market: Market, ws: EngineWorkspace, testStartTime: number, costRate: number, held: Map<string, number>): OosSeries {
  const timeline = market.timeline;
  let s0 = 0;
  while (s0 < timeline.length && timeline[s0] < testStartTime) s0++;
  const p = ws.portfolio;
  const cut = (x: Float64Array) => Float64Array.from(x.subarray(s0));
  const series: OosSeries = {
    time: Float64Array.from(timeline.subarray(s0)),
    net: cut(p.net),
    gross: cut(p.gross),
    cost: cut(p.cost),
    turnover: cut(p.turnover),
    exposure: cut(p.exposure),
    benchmark: cut(p.benchmark),
    nanCount: 0,
    boundaryTurnover: 0,
  };
  const { arrays, weights, rowToTimeline } = market;
  // One security: rows and timeline steps coincide.
  if (arrays.securities.length === 1) series.position = Float64Array.from(ws.bars.position.subarray(s0));
  for (let g = 0; g < arrays.securities.length; g++) {
    const a = arrays.offsets[g];
    const b = arrays.offsets[g + 1];
    let r = a;
    while (r < b && arrays.time[r] < testStartTime) r++;
    for (let i = r; i < b; i++) if (ws.target[i] !== ws.target[i]) series.nanCount++;
    if (r >= b) continue;
    const name = arrays.securities[g];
    const before = held.get(name) ?? 0;
    const traded = Math.abs(ws.bars.position[r] - before);
    const delta = weights[g] * (traded - ws.bars.turnover[r]);
    const step = rowToTimeline[r] - s0;
    series.turnover[step] += delta;
    series.cost[step] += delta * costRate;
    series.net[step] -= delta * costRate;
    series.boundaryTurnover += weights[g] * traded;
    held.set(name, ws.bars.position[b - 1]);
  }
  return series;
}

/** A window that could not be optimized (every trial failed): flat, after closing what was held. */
export function flatOutOfSample(time: Float64Array, weightOf: (security: string) => number, costRate: number, held: Map<string, number>): OosSeries {
  const n = time.length;
  const zero = () => new Float64Array(n);
  const series: OosSeries = { time, net: zero(), gross: zero(), cost: zero(), turnover: zero(), exposure: zero(), benchmark: zero().fill(NaN), nanCount: n, boundaryTurnover: 0 };
  if (n === 0) return series;
  for (const [name, position] of held) {
    const traded = weightOf(name) * Math.abs(position);
    series.turnover[0] += traded;
    series.boundaryTurnover += traded;
    held.set(name, 0);
  }
  series.cost[0] = series.turnover[0] * costRate;
  series.net[0] = -series.cost[0];
  return series;
}
