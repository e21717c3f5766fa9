import type pl from 'nodejs-polars';
import { z } from 'zod';
import { QuantbookError } from '../errors';

/**
 * A strategy: parameters declared as a zod object schema, indicator features as polars
 * expressions (computed per security), and a target position in [-1, 1] per bar, either as a
 * polars expression over the features (when/then chains) or as a kernel over typed arrays for
 * path-dependent logic. See docs/engine.md, "Strategy API".
 */
export interface StrategySpec<P extends Record<string, unknown>> {
  /** Registry key and file-name stem: lower_snake_case. */
  name: string;
  /** Bumped whenever the logic changes, so old results stay distinguishable. */
  version: string;
  description?: string;
  /**
   * A zod object schema: types, ranges and defaults per parameter; cross-field rules with
   * `.refine(check, {message, path})`. Unknown keys are rejected.
   */
  params: z.ZodType<P, Record<string, unknown>>;
  /** Panel columns the strategy reads besides `close` (e.g. ['high', 'low']). */
  columns?: string[];
  /**
   * Named feature expressions, added in order (a later feature may use an earlier one). Use
   * the indicators (they are computed per security); plain row-wise arithmetic is fine too.
   */
  features(params: P): Record<string, pl.Expr>;
  /** The target position of each bar, in [-1, 1]; null/NaN means no position (warm-up). */
  target(params: P): pl.Expr | TargetKernel<P>;
  /** The raw signal strength (recorded as the entry signal of trades). Default: the target. */
  signal?(params: P): pl.Expr;
}

/**
 * Path-dependent target logic as a plain loop over one security's bars (stops, state
 * machines). `inputs` are panel or feature columns, handed over as Float64Arrays (nulls are
 * NaN) in the listed order; write one target per bar into `out` (NaN = no position).
 */
export interface TargetKernel<P> {
  kind: 'kernel';
  inputs: string[];
  run(inputs: Float64Array[], out: Float64Array, params: P): void;
}

export interface Strategy<P extends Record<string, unknown> = Record<string, unknown>> extends StrategySpec<P> {
  /** Validated params with defaults filled in; a QuantbookError naming the parameter otherwise. */
  parseParams(input?: Record<string, unknown>): P;
  /** The same check without throwing: for optimizers skipping invalid grid points. */
  validateParams(input?: Record<string, unknown>): { ok: true; params: P } | { ok: false; problems: string[] };
  /** JSON description of the parameters for optimizers and UIs. */
  describeParams(): ParamDescription;
}

export interface ParamDescription {
  strategy: string;
  version: string;
  /** JSON Schema (draft 2020-12) of the input: types, ranges, defaults, descriptions. */
  schema: Record<string, unknown>;
  /** Cross-field rules (from `.refine` messages), which JSON Schema cannot express. */
  constraints: string[];
}

export function defineStrategy<P extends Record<string, unknown>>(spec: StrategySpec<P>): Strategy<P> {
  if (!/^[a-z][a-z0-9_]*$/.test(spec.name)) {
    throw new QuantbookError('BAD_STRATEGY', `strategy name '${spec.name}' must be lower_snake_case`, 'use letters, digits and underscores, starting with a letter');
  }
  const known = (): string[] => Object.keys(jsonSchemaOf(spec.params).properties ?? {});
  const validateParams = (input: Record<string, unknown> = {}): { ok: true; params: P } | { ok: false; problems: string[] } => {
    const names = known();
    const unknown = Object.keys(input).filter((k) => !names.includes(k));
    if (unknown.length) {
      return { ok: false, problems: unknown.map((k) => `unknown parameter '${k}' (parameters of ${spec.name}: ${names.join(', ')})`) };
    }
    const parsed = spec.params.safeParse(input);
    if (parsed.success) return { ok: true, params: parsed.data };
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.join('.');
        const got = issue.path.length === 1 ? ` (got ${JSON.stringify(input[String(issue.path[0])])})` : '';
        return path ? `parameter '${path}': ${issue.message}${got}` : issue.message;
      }),
    };
  };
  return {
    ...spec,
    validateParams,
    parseParams(input = {}) {
      const result = validateParams(input);
      if (result.ok) return result.params;
      throw new QuantbookError(
        'BAD_PARAMETER',
        `strategy '${spec.name}': ${result.problems.join('; ')}`,
        `valid parameters: ${describeParamsShort(spec.params)}`,
      );
    },
    describeParams() {
      return { strategy: spec.name, version: spec.version, schema: jsonSchemaOf(spec.params), constraints: refineMessages(spec.params) };
    },
  };
}

export function isTargetKernel<P>(value: pl.Expr | TargetKernel<P>): value is TargetKernel<P> {
  return (value as TargetKernel<P>).kind === 'kernel';
}

interface JsonSchemaObject {
  properties?: Record<string, { type?: string; minimum?: number; maximum?: number; exclusiveMinimum?: number; default?: unknown; description?: string; enum?: unknown[] }>;
  [key: string]: unknown;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchemaObject {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaObject;
}

/** `fast: integer 1..1000 (default 20), ...` for error hints. */
export function describeParamsShort(schema: z.ZodType): string {
  const props = jsonSchemaOf(schema).properties ?? {};
  const parts = Object.entries(props).map(([name, p]) => {
    const max = p.maximum !== undefined && p.maximum < Number.MAX_SAFE_INTEGER ? p.maximum : undefined;
    const min = p.minimum ?? p.exclusiveMinimum;
    const range = min !== undefined || max !== undefined ? ` ${min ?? ''}..${max ?? ''}` : '';
    const choices = p.enum ? ` one of ${p.enum.join('|')}` : '';
    return `${name}: ${p.type ?? 'value'}${range}${choices}${p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : ''}`;
  });
  const rules = refineMessages(schema);
  return parts.join(', ') + (rules.length ? `; rules: ${rules.join('; ')}` : '');
}

/** Messages of the schema's top-level `.refine` checks (zod keeps them on `_zod.def.checks`). */
function refineMessages(schema: z.ZodType): string[] {
  const checks = ((schema as unknown as { _zod?: { def?: { checks?: unknown[] } } })._zod?.def?.checks ?? []) as Array<{ _zod?: { def?: { check?: string; error?: unknown } } }>;
  const messages: string[] = [];
  for (const c of checks) {
    const def = c._zod?.def;
    if (def?.check !== 'custom') continue;
    const error = def.error;
    const message = typeof error === 'function' ? (error as (issue: unknown) => unknown)({}) : error;
    if (typeof message === 'string') messages.push(message);
    else if (message && typeof (message as { message?: unknown }).message === 'string') messages.push((message as { message: string }).message);
  }
  return messages;
}
