import { QuantbookError } from '../errors';
import type { Strategy } from '../strategy/define';
import { isRange, paramTypes, spaceValues, ValidityFilter, type ParamSets, type ParamSpace, type ParamValue } from './grid';

export interface RandomSearchOptions {
  /** Parameter sets wanted (valid and distinct). */
  samples: number;
  /** Any integer; the same seed draws the same sets on every machine. Default 0. */
  seed?: number;
  /** Give up after this many draws (default max(1000, 50 x samples)): a small space may hold fewer valid sets. */
  maxDraws?: number;
}

/**
 * Random search: draws each searched parameter independently - uniformly from a list, from the
 * lattice from, from + step, ..., to of a range with a step (integers: step 1), or uniformly on
 * [from, to] for a non-integer range without a step - until `samples` valid, distinct sets are
 * found. Draws the schema rejects and repeats are counted, not run. Deterministic: a seeded
 * PRNG (mulberry32 over a splitmix32-hashed seed), no Math.random.
 */
export function randomParamSets(strategy: Strategy<any>, space: ParamSpace, options: RandomSearchOptions): ParamSets {
  const samples = options.samples;
  if (!Number.isInteger(samples) || samples < 1) {
    throw new QuantbookError('BAD_PARAMETER', `random search: samples must be a whole number >= 1, got ${samples}`, 'pass e.g. --random 200');
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new QuantbookError('BAD_PARAMETER', `random search: seed must be an integer, got ${seed}`);
  const types = paramTypes(strategy);
  const draws = Object.keys(space).map((name) => drawer(strategy, name, space[name], types[name]?.type));
  const random = mulberry32(splitmix32(seed));
  const maxDraws = options.maxDraws ?? Math.max(1000, 50 * samples);
  const filter = new ValidityFilter(strategy);
  const seen = new Set<string>();
  let drawn = 0;
  let duplicates = 0;
  while (filter.count < samples && drawn < maxDraws) {
    const combo: Record<string, unknown> = {};
    for (const d of draws) combo[d.name] = d.draw(random);
    drawn++;
    const key = JSON.stringify(combo);
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    filter.add(combo);
  }
  return filter.result(drawn, duplicates);
}

interface Drawer {
  name: string;
  draw(random: () => number): ParamValue;
}

function drawer(strategy: Strategy<any>, name: string, entry: ParamSpace[string], type: string | undefined): Drawer {
  if (isRange(entry) && entry.step === undefined && type === 'number') {
    spaceValues(strategy, name, { ...entry, step: entry.to - entry.from || 1 }); // checks the bounds
    const { from, to } = entry;
    return { name, draw: (random) => from + (to - from) * random() };
  }
  const values = spaceValues(strategy, name, entry);
  return { name, draw: (random) => values[Math.floor(random() * values.length)] };
}

/** A 32-bit mix of the seed, so nearby seeds start far apart. */
function splitmix32(seed: number): number {
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** mulberry32: a small, fast 32-bit generator; uniform doubles in [0, 1). */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
