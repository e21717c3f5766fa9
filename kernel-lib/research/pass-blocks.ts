import { researchPass, type ResearchPass, type ResearchPassInput } from '../kernels/xs-research-pass';

/**
 * Contiguous blocks of dates, several per thread: threads take the next free block until none
 * is left (runBlocks), so a thread slowed down by other work on the machine takes fewer blocks
 * instead of holding the others up. Each block replays max(lags) dates, so blocks stay long
 * compared with that. Bounds on a SharedArrayBuffer: block b is [bounds[b], bounds[b + 1]).
 */
export function blocksOfDates(dates: number, threads: number, lags: number[]): Int32Array {
  const replay = lags.length ? Math.max(...lags) : 0;
  const count = Math.max(threads, Math.min(threads * BLOCKS_PER_THREAD, Math.floor(dates / Math.max(16, 8 * replay))));
  const bounds = new Int32Array(new SharedArrayBuffer(4 * (count + 1)));
  for (let b = 0; b <= count; b++) bounds[b] = Math.round((b * dates) / count);
  return bounds;
}

/** Blocks handed out per thread (on average): enough to even out a thread that gets less CPU. */
const BLOCKS_PER_THREAD = 16;

/** Runs blocks of dates until none is left (on the calling thread and in each worker). */
export function runBlocks(input: ResearchPassInput, bounds: Int32Array, next: Int32Array, out: ResearchPass): void {
  const count = bounds.length - 1;
  for (;;) {
    const b = Atomics.add(next, 0, 1);
    if (b >= count) return;
    if (bounds[b + 1] > bounds[b]) researchPass(input, { from: bounds[b], to: bounds[b + 1] }, out);
  }
}
