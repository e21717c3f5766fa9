import type { EngineOutputs } from './engine';
/**
 * A small portfolio of per-security backtests with constant weights (docs/engine.md,
 * "Several securities"): on each timestamp of the union timeline,
 *   portfolio[x] = sum_i w_i * x_i   for x in gross, cost, net, turnover,
 *   exposure = sum_i w_i * |position_i|, benchmark = sum_i w_i * assetReturn_i,
 * where a security without a bar at that timestamp contributes 0 (it is in cash that bar).
 * Constant weights mean the book is rebalanced to w every bar; weights need not sum to 1.
 */

/** Sorted distinct timestamps over all securities (each security's times are sorted). */
export function unionTimeline(time: Int32Array | Float64Array, offsets: Int32Array): Float64Array {
  // Common case, a panel on one calendar: every security has the first one's timestamps.
  if (offsets.length > 1 && sameTimesEverywhere(time, offsets)) return Float64Array.from(time.subarray(offsets[0], offsets[1]));
  const all = Float64Array.from(time);
  all.sort();
  let k = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[k - 1]) all[k++] = all[i];
  return all.slice(0, k);
}

function sameTimesEverywhere(time: Int32Array | Float64Array, offsets: Int32Array): boolean {
  const length = offsets[1] - offsets[0];
  for (let i = 0; i < length; i++) if (i > 0 && !(time[offsets[0] + i] > time[offsets[0] + i - 1])) return false; // strictly increasing, so no duplicates to drop
  for (let g = 1; g + 1 < offsets.length; g++) {
    if (offsets[g + 1] - offsets[g] !== length) return false;
    for (let i = 0; i < length; i++) if (time[offsets[g] + i] !== time[offsets[0] + i]) return false;
  }
  return true;
}

/** Row -> timeline index for every row (merge walk per security). */
export function timelineIndex(time: Int32Array | Float64Array, offsets: Int32Array, timeline: Float64Array, out: Int32Array): void {
  for (let g = 0; g + 1 < offsets.length; g++) {
    let j = 0;
    for (let i = offsets[g]; i < offsets[g + 1]; i++) {
      while (timeline[j] < time[i]) j++;
      out[i] = j;
    }
  }
}

/** The per-security bars the engine kernel wrote. */
export type PortfolioInputs = EngineOutputs;

export interface PortfolioOutputs {
  exposure: Float64Array;
  turnover: Float64Array;
  gross: Float64Array;
  cost: Float64Array;
  net: Float64Array;
  benchmark: Float64Array;
}

/** Weighted sums onto the timeline; `weightOfRow[g]` is the weight of security g. No allocation. */
export function combinePortfolio(
  offsets: Int32Array,
  weights: Float64Array,
  rowToTimeline: Int32Array,
  inputs: PortfolioInputs,
  out: PortfolioOutputs,
): void {
  out.exposure.fill(0);
  out.turnover.fill(0);
  out.gross.fill(0);
  out.cost.fill(0);
  out.net.fill(0);
  out.benchmark.fill(0);
  for (let g = 0; g + 1 < offsets.length; g++) {
    const w = weights[g];
    for (let i = offsets[g]; i < offsets[g + 1]; i++) {
      const j = rowToTimeline[i];
      out.exposure[j] += w * Math.abs(inputs.position[i]);
      out.turnover[j] += w * inputs.turnover[i];
      out.gross[j] += w * inputs.gross[i];
      out.cost[j] += w * inputs.cost[i];
      out.net[j] += w * inputs.net[i];
      out.benchmark[j] += w * inputs.assetReturn[i];
    }
  }
}
