/**
 * Range queries on a path of positive levels l[0..n) (prices, or equity): over any [lo, hi], the
 * highest and the lowest level, and the deepest fall from a running peak as a ratio,
 * min over t in [lo, hi] of l[t] / max l[lo..t] (<= 1): fall - 1 is the path's worst drawdown
 * inside the range.
 *
 * Blocks of bars are summarized once, with a disjoint sparse table over the summaries (any run
 * of whole blocks in O(1)); a query scans the partial blocks at its two ends. Blocks are single
 * bars up to 65,536 bars (O(1) queries; 3 * n * log2(n) numbers), 16 bars beyond (at most 32
 * steps a query; 3 * n / 16 * log2(n / 16) numbers).
 */
export interface RangeTable {
  level: Float64Array;
  /** log2 of the block size. */
  shift: number;
  /** Per table level h >= 1 (index h - 1): aggregates of the disjoint sparse table over blocks. */
  max: Float64Array[];
  min: Float64Array[];
  fall: Float64Array[];
  /** Block summaries (level 0 of the table). */
  blockMax: Float64Array;
  blockMin: Float64Array;
  blockFall: Float64Array;
}

/** The range's highest level, lowest level and deepest fall, written to out[0..2]. */
export type RangeStats = Float64Array;

export function rangeTable(level: Float64Array): RangeTable {
  const n = level.length;
  const shift = n <= 1 << 16 ? 0 : 4;
  const block = 1 << shift;
  const blocks = (n + block - 1) >> shift;
  const blockMax = new Float64Array(blocks);
  const blockMin = new Float64Array(blocks);
  const blockFall = new Float64Array(blocks);
  const stats = new Float64Array(3);
  for (let j = 0; j < blocks; j++) {
    scan(level, j * block, Math.min(n, (j + 1) * block) - 1, stats);
    blockMax[j] = stats[0];
    blockMin[j] = stats[1];
    blockFall[j] = stats[2];
  }
  const max: Float64Array[] = [];
  const min: Float64Array[] = [];
  const fall: Float64Array[] = [];
  for (let half = 1; half < blocks; half *= 2) {
    const hMax = new Float64Array(blocks);
    const hMin = new Float64Array(blocks);
    const hFall = new Float64Array(blocks);
    for (let mid = half; mid < blocks; mid += 2 * half) {
      // Left of mid: the blocks [i, mid) as one range; right: [mid, i].
      hMax[mid - 1] = blockMax[mid - 1];
      hMin[mid - 1] = blockMin[mid - 1];
      hFall[mid - 1] = blockFall[mid - 1];
      for (let i = mid - 2; i >= mid - half; i--) {
        hFall[i] = lowest(blockFall[i], hFall[i + 1], hMin[i + 1] / blockMax[i]);
        hMax[i] = blockMax[i] > hMax[i + 1] ? blockMax[i] : hMax[i + 1];
        hMin[i] = blockMin[i] < hMin[i + 1] ? blockMin[i] : hMin[i + 1];
      }
      hMax[mid] = blockMax[mid];
      hMin[mid] = blockMin[mid];
      hFall[mid] = blockFall[mid];
      const end = Math.min(blocks, mid + half);
      for (let i = mid + 1; i < end; i++) {
        hFall[i] = lowest(hFall[i - 1], blockFall[i], blockMin[i] / hMax[i - 1]);
        hMax[i] = hMax[i - 1] > blockMax[i] ? hMax[i - 1] : blockMax[i];
        hMin[i] = hMin[i - 1] < blockMin[i] ? hMin[i - 1] : blockMin[i];
      }
    }
    max.push(hMax);
    min.push(hMin);
    fall.push(hFall);
  }
  return { level, shift, max, min, fall, blockMax, blockMin, blockFall };
}

/** Highest level, lowest level and deepest fall over [lo, hi] (lo <= hi) into out[0..2]. */
export function rangeStats(table: RangeTable, lo: number, hi: number, out: RangeStats): void {
  const shift = table.shift;
  if (shift === 0) {
    blockStats(table, lo, hi, out);
    return;
  }
  const first = lo >> shift;
  const last = hi >> shift;
  if (last - first <= 1) {
    scan(table.level, lo, hi, out);
    return;
  }
  // Left partial block, whole blocks in between, right partial block, combined in that order.
  scan(table.level, lo, ((first + 1) << shift) - 1, out);
  let max = out[0];
  let min = out[1];
  let fall = out[2];
  blockStats(table, first + 1, last - 1, out);
  fall = lowest(fall, out[2], out[1] / max);
  max = out[0] > max ? out[0] : max;
  min = out[1] < min ? out[1] : min;
  scan(table.level, (last << shift), hi, out);
  out[2] = lowest(fall, out[2], out[1] / max);
  out[0] = out[0] > max ? out[0] : max;
  out[1] = out[1] < min ? out[1] : min;
}

/** The same over whole blocks [from, to]: one block's summary, or two entries of the table. */
function blockStats(table: RangeTable, from: number, to: number, out: RangeStats): void {
  if (from === to) {
    out[0] = table.blockMax[from];
    out[1] = table.blockMin[from];
    out[2] = table.blockFall[from];
    return;
  }
  const h = 31 - Math.clz32(from ^ to); // the table level where from and to sit on either side of a mid
  const hMax = table.max[h];
  const hMin = table.min[h];
  const leftMax = hMax[from];
  const rightMax = hMax[to];
  const rightMin = hMin[to];
  const leftMin = hMin[from];
  out[2] = lowest(table.fall[h][from], table.fall[h][to], rightMin / leftMax);
  out[0] = rightMax > leftMax ? rightMax : leftMax;
  out[1] = rightMin < leftMin ? rightMin : leftMin;
}

function lowest(a: number, b: number, c: number): number {
  const ab = a < b ? a : b;
  return c < ab ? c : ab;
}

function scan(level: Float64Array, lo: number, hi: number, out: RangeStats): void {
  let max = level[lo];
  let min = max;
  let fall = 1;
  for (let t = lo + 1; t <= hi; t++) {
    const l = level[t];
    max = l > max ? l : max;
    min = l < min ? l : min;
    const drop = l / max;
    fall = drop < fall ? drop : fall;
  }
  out[0] = max;
  out[1] = min;
  out[2] = fall;
}
