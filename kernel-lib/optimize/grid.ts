import { QuantbookError } from '../errors';
import type { Strategy } from '../strategy/define';

/**
 * Parameter spaces for a search, and the grid (cartesian product) over one. A space gives each
 * searched parameter a list of values or an inclusive range; parameters it leaves out take the
 * strategy's defaults. Every combination is checked against the strategy's zod schema
 * (ranges, types and cross-field rules such as fast < slow) before anything runs; invalid
 * combinations are dropped and counted by reason. See docs/optimize.md.
 */
export type ParamValue = number | boolean | string;

/** from..to inclusive; step defaults to 1. */
export interface ParamRange {
  from: number;
  to: number;
  step?: number;
}

export type ParamSpace = Record<string, ParamValue | ParamValue[] | ParamRange>;

export interface ParamSets {
  /** Valid parameter sets (defaults filled in, as strategy.parseParams returns them), in order. */
  sets: Record<string, unknown>[];
  /** Combinations generated (grid) or drawn (random) before filtering. */
  candidates: number;
  /** Combinations the schema rejected. */
  invalid: number;
  /** Why, grouped: the schema's message and how many combinations it rejected. */
  invalidReasons: Array<{ reason: string; count: number }>;
  /** Random search only: draws that repeated an earlier set. */
  duplicates: number;
}

/** Larger grids are refused: use random search. */
export const MAX_GRID_SIZE = 2_000_000;

/** The JSON-schema type of each declared parameter ('integer', 'number', 'boolean', 'string'). */
export function paramTypes(strategy: Strategy<any>): Record<string, { type?: string; enum?: unknown[] }> {
  return (strategy.describeParams().schema.properties ?? {}) as Record<string, { type?: string; enum?: unknown[] }>;
}

/**
 * A space from text: `fast=5..50,slow=20..200:10,allowShort=true|false` - ranges `a..b` (step
 * 1) or `a..b:step`, lists `5|10|20` or `5,10,20` (a comma-separated value without '=' extends
 * the list of the parameter before it), single values `fast=20`. Values are typed by the
 * strategy's schema; an unknown name or a value of the wrong type is an error naming it.
 */
export function parseParamSpace(strategy: Strategy<any>, text: string, option = '--grid'): ParamSpace {
  const types = paramTypes(strategy);
  const space: ParamSpace = {};
  let current: string | undefined;
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (current === undefined) throw badSpace(option, `'${part}' is not name=values`, strategy);
      const existing = space[current];
      if (!Array.isArray(existing)) throw badSpace(option, `'${part}' follows a range or single value of '${current}'; lists are written ${current}=5,10,20`, strategy);
      existing.push(...part.split('|').map((v) => typedValue(strategy, current!, v, types, option)));
      continue;
    }
    const name = part.slice(0, eq).trim();
    const body = part.slice(eq + 1).trim();
    if (!(name in types)) {
      throw new QuantbookError('BAD_PARAMETER', `${option}: strategy '${strategy.name}' has no parameter '${name}'`, `its parameters: ${Object.keys(types).join(', ')}`);
    }
    if (name in space) throw badSpace(option, `parameter '${name}' is given twice`, strategy);
    current = name;
    const range = /^(-?[\d.eE+-]+)\.\.(-?[\d.eE+-]+)(?::([\d.eE+-]+))?$/.exec(body);
    if (range) {
      space[name] = { from: Number(range[1]), to: Number(range[2]), ...(range[3] !== undefined ? { step: Number(range[3]) } : {}) };
      expandRange(strategy, name, space[name] as ParamRange, types, option); // validate now, with the text at hand
    } else {
      space[name] = body.split('|').map((v) => typedValue(strategy, name, v, types, option));
    }
  }
  if (Object.keys(space).length === 0) throw badSpace(option, 'is empty', strategy);
  return space;
}

/** The values one parameter takes in the space, in order. */
export function spaceValues(strategy: Strategy<any>, name: string, entry: ParamSpace[string], option = 'space'): ParamValue[] {
  const types = paramTypes(strategy);
  if (!(name in types)) {
    throw new QuantbookError('BAD_PARAMETER', `${option}: strategy '${strategy.name}' has no parameter '${name}'`, `its parameters: ${Object.keys(types).join(', ')}`);
  }
  if (Array.isArray(entry)) {
    if (entry.length === 0) throw badSpace(option, `parameter '${name}' has an empty list`, strategy);
    return entry.map((v) => checkType(strategy, name, v, types, option));
  }
  if (isRange(entry)) return expandRange(strategy, name, entry, types, option);
  return [checkType(strategy, name, entry, types, option)];
}

export function isRange(entry: unknown): entry is ParamRange {
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) && 'from' in entry && 'to' in entry;
}

/**
 * Every combination of the space's values (the last parameter varies fastest), each completed
 * with the defaults and validated by the strategy's schema.
 */
export function gridParamSets(strategy: Strategy<any>, space: ParamSpace): ParamSets {
  const names = Object.keys(space);
  const values = names.map((name) => spaceValues(strategy, name, space[name]));
  const size = values.reduce((product, v) => product * v.length, 1);
  if (size > MAX_GRID_SIZE) {
    throw new QuantbookError('BAD_PARAMETER', `the grid has ${size.toLocaleString('en-US')} combinations (${names.map((n, i) => `${n}: ${values[i].length}`).join(' x ')}), more than ${MAX_GRID_SIZE.toLocaleString('en-US')}`, 'use coarser steps (e.g. fast=5..50:5) or random search (--random N)');
  }
  const filter = new ValidityFilter(strategy);
  const index = new Array<number>(names.length).fill(0);
  for (let k = 0; k < size; k++) {
    const combo: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) combo[names[i]] = values[i][index[i]];
    filter.add(combo);
    for (let i = names.length - 1; i >= 0; i--) {
      if (++index[i] < values[i].length) break;
      index[i] = 0;
    }
  }
  return filter.result(size, 0);
}

/** Collects valid parameter sets and counts the invalid ones by reason. */
export class ValidityFilter {
  private readonly sets: Record<string, unknown>[] = [];
  private readonly reasons = new Map<string, number>();
  private invalid = 0;
  constructor(private readonly strategy: Strategy<any>) {}

  /**
   * Adds the combination when the schema accepts it; returns the parsed params or undefined.
   * (The names were checked against the schema when the space was read, so this is the
   * schema's own check - strategy.validateParams would rebuild the JSON schema on every call.)
   */
  add(combo: Record<string, unknown>): Record<string, unknown> | undefined {
    const parsed = this.strategy.params.safeParse(combo);
    if (parsed.success) {
      this.sets.push(parsed.data);
      return parsed.data;
    }
    this.invalid++;
    for (const issue of parsed.error.issues) {
      // One reason for all values: "parameter 'fast': fast must be less than slow".
      const path = issue.path.join('.');
      const reason = path ? `parameter '${path}': ${issue.message}` : issue.message;
      this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    }
    return undefined;
  }

  get count(): number {
    return this.sets.length;
  }

  result(candidates: number, duplicates: number): ParamSets {
    return {
      sets: this.sets,
      candidates,
      invalid: this.invalid,
      invalidReasons: [...this.reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
      duplicates,
    };
  }
}

function expandRange(strategy: Strategy<any>, name: string, range: ParamRange, types: Record<string, { type?: string }>, option: string): number[] {
  const type = types[name]?.type;
  if (type !== 'integer' && type !== 'number') {
    throw badSpace(option, `parameter '${name}' is ${type ?? 'not numeric'}: give a list (e.g. ${name}=true|false), not a range`, strategy);
  }
  const step = range.step ?? 1;
  if (![range.from, range.to, step].every(Number.isFinite)) throw badSpace(option, `parameter '${name}': range ${range.from}..${range.to}:${step} is not numeric`, strategy);
  if (step <= 0) throw badSpace(option, `parameter '${name}': the step must be > 0, got ${step}`, strategy);
  if (range.from > range.to) throw badSpace(option, `parameter '${name}': range ${range.from}..${range.to} goes backwards`, strategy);
  if (type === 'integer' && ![range.from, range.to, step].every(Number.isInteger)) {
    throw badSpace(option, `parameter '${name}' is an integer: range ${range.from}..${range.to}:${step} must use whole numbers`, strategy);
  }
  const count = Math.floor((range.to - range.from) / step + 1e-9) + 1;
  if (count > MAX_GRID_SIZE) throw badSpace(option, `parameter '${name}': range ${range.from}..${range.to}:${step} has ${count} values`, strategy);
  // toPrecision keeps 0.1-steps from drifting into 0.30000000000000004.
  return Array.from({ length: count }, (_, k) => (type === 'integer' ? range.from + k * step : Number((range.from + k * step).toPrecision(12))));
}

function typedValue(strategy: Strategy<any>, name: string, text: string, types: Record<string, { type?: string }>, option: string): ParamValue {
  const raw = text.trim();
  const type = types[name]?.type;
  if (type === 'integer' || type === 'number') {
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw badSpace(option, `parameter '${name}' must be a number, got '${raw}'`, strategy);
    return checkType(strategy, name, value, types, option);
  }
  if (type === 'boolean') {
    const lower = raw.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off'].includes(lower)) return false;
    throw badSpace(option, `parameter '${name}' must be true or false, got '${raw}'`, strategy);
  }
  return raw;
}

function checkType(strategy: Strategy<any>, name: string, value: unknown, types: Record<string, { type?: string }>, option: string): ParamValue {
  const type = types[name]?.type;
  if (type === 'integer' && !Number.isInteger(value)) throw badSpace(option, `parameter '${name}' is an integer, got ${JSON.stringify(value)}`, strategy);
  if (type === 'number' && (typeof value !== 'number' || !Number.isFinite(value))) throw badSpace(option, `parameter '${name}' must be a finite number, got ${JSON.stringify(value)}`, strategy);
  if (type === 'boolean' && typeof value !== 'boolean') throw badSpace(option, `parameter '${name}' must be true or false, got ${JSON.stringify(value)}`, strategy);
  if (typeof value !== 'number' && typeof value !== 'boolean' && typeof value !== 'string') throw badSpace(option, `parameter '${name}': ${JSON.stringify(value)} is not a number, boolean or text`, strategy);
  return value;
}

function badSpace(option: string, problem: string, strategy: Strategy<any>): QuantbookError {
  const names = Object.keys(paramTypes(strategy));
  return new QuantbookError('BAD_PARAMETER', `${option}: ${problem}`, `write e.g. ${option === '--grid' ? '--grid ' : ''}${names[0] ?? 'fast'}=5..50,${names[1] ?? 'slow'}=20..200:10 (ranges a..b or a..b:step, lists a|b|c); parameters of ${strategy.name}: ${names.join(', ')}`);
}
