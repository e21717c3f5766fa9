import { strict as assert } from 'node:assert';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { syntheticPanel } from '../kernel-lib/data/synthetic';
import { toSecurityArrays } from '../kernel-lib/kernels/bridge';
import { smaRows } from '../kernel-lib/kernels/rolling';
import { crossingIndex, crossingLog, groupCrossings, type CrossingEvents, type SmaCrossSweepInput } from '../kernel-lib/optimize/sma-cross-kernel';
import { sharedData } from './helpers';

function sweepInput(close: Float64Array, pairs: [number, number, boolean][]): SmaCrossSweepInput {
  const windows = Int32Array.from([...new Set(pairs.flatMap(([f, s]) => [f, s]))].sort((a, b) => a - b));
  const row = new Map([...windows].map((w, j) => [w, j]));
  const sma = smaRows(close, windows, new Float64Array(windows.length * close.length));
  return {
    close, windows, sma,
    fast: Int32Array.from(pairs, ([f]) => row.get(f)!),
    slow: Int32Array.from(pairs, ([, s]) => row.get(s)!),
    allowShort: Uint8Array.from(pairs, ([, , short]) => (short ? 1 : 0)),
    lag: 1, costRate: 0, periodsPerYear: 252,
  };
}

/** Stage 1 in one pass over all bars, as the sweep runs it on the calling thread alone. */
function crossingEvents(input: SmaCrossSweepInput): CrossingEvents {
  const index = crossingIndex(input);
  return groupCrossings(index, [crossingLog(input, index, 0, input.close.length)]);
}

/** Events of pair k, as the kernel groups them. */
function eventsOf(events: CrossingEvents, k: number): { flips: number[]; ties: number[] } {
  const id = events.crossOfPair[k];
  return {
    flips: [...events.times.subarray(events.offsets[id], events.offsets[id + 1])],
    ties: [...events.tieTimes.subarray(events.tieOffsets[id], events.tieOffsets[id + 1])],
  };
}

/**
 * The reference, pair by pair: a flip at bar t when SMA(fast) > SMA(slow) differs from bar t - 1
 * (both defined); a tie at every bar where they are equal (pairs that go short only).
 */
function bruteForce(input: SmaCrossSweepInput, k: number): { flips: number[]; ties: number[] } {
  const n = input.close.length;
  const f = input.sma.subarray(input.fast[k] * n, (input.fast[k] + 1) * n);
  const s = input.sma.subarray(input.slow[k] * n, (input.slow[k] + 1) * n);
  const flips: number[] = [];
  const ties: number[] = [];
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(f[t]) || Number.isNaN(s[t])) continue;
    if (t > 0 && !Number.isNaN(f[t - 1]) && !Number.isNaN(s[t - 1]) && f[t] > s[t] !== f[t - 1] > s[t - 1]) flips.push(t);
    if (f[t] === s[t] && input.allowShort[k] === 1) ties.push(t);
  }
  return { flips, ties };
}

describe('optimize: crossing events of the sma_cross sweep', () => {
  it('equal a pair-by-pair scan of the SMAs (synthetic data, ties included)', async () => {
    const arrays = await toSecurityArrays(syntheticPanel({ securities: 1, days: 800, seed: 5 }), { columns: ['close'] });
    const pairs: [number, number, boolean][] = [];
    for (let fast = 2; fast <= 20; fast += 3) for (let slow = 5; slow <= 90; slow += 7) if (fast < slow) pairs.push([fast, slow, (fast + slow) % 2 === 0]);
    const input = sweepInput(arrays.columns.close, pairs);
    const events = crossingEvents(input);
    pairs.forEach((_, k) => assert.deepEqual(eventsOf(events, k), bruteForce(input, k), JSON.stringify(pairs[k])));
  });

  it('split into bar ranges (as threads run them), equal one pass: range starts before, inside and after the warm-ups', async function () {
    const goog = sharedData(this, 'GOOG.csv');
    const arrays = await toSecurityArrays((await loadPriceFile(goog)).prices, { columns: ['close'] });
    const close = arrays.columns.close;
    const n = close.length;
    const pairs: [number, number, boolean][] = [];
    for (let fast = 5; fast <= 50; fast += 5) for (let slow = 8; slow <= 200; slow += 11) if (fast < slow) pairs.push([fast, slow, fast % 10 === 0]);
    pairs.push([5, 25, true]); // SMA(5) = SMA(25) exactly on 2010-08-17
    const input = sweepInput(close, pairs);
    const whole = crossingEvents(input);
    assert.ok(whole.tieTimes.length > 0, 'GOOG has exact SMA ties (docs/indicators.md)');
    const index = crossingIndex(input);
    for (const cuts of [[3], [100], [150], [1000], [n - 1], [60, 600, 1700]]) {
      const bounds = [0, ...cuts, n];
      const logs = bounds.slice(1).map((to, i) => crossingLog(input, index, bounds[i], to));
      const split = groupCrossings(index, logs);
      assert.deepEqual(split.offsets, whole.offsets, `cuts ${cuts}`);
      assert.deepEqual(split.times, whole.times, `cuts ${cuts}`);
      assert.deepEqual(split.tieOffsets, whole.tieOffsets, `cuts ${cuts}`);
      assert.deepEqual(split.tieTimes, whole.tieTimes, `cuts ${cuts}`);
    }
    pairs.forEach((_, k) => assert.deepEqual(eventsOf(whole, k), bruteForce(input, k), JSON.stringify(pairs[k])));
  });
});
