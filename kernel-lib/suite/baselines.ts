import pl from 'nodejs-polars';
import { QuantbookError, isQuantbookError } from '../errors';
import { BUILTIN_SIGNALS } from '../research/signals';
import { priceRatioKernel } from '../kernels/xsection-price-ratio';
import { sharedFloat64, type XsPanel } from '../xsection/panel';

/**
 * The standard comparison signals every suite runs (seed 002 module 4), each returned in the
 * signal-contract format (security_id, date_sig, date_avail, signal, signal_name):
 * - reversal_5d and momentum_12_1: the research module's built-in signals, reused as is
 *   (definitions in docs/research.md);
 * - value: the snapshot's `value` price column (date_sig = date_avail = the bar's date) when
 *   the snapshot has one, else unavailable with the reason;
 * - anything registered with `registerBaseline`.
 */
export interface BaselineSource {
  manifest: { snapshot_id: string; name?: string };
  prices(options?: { columns?: string[] }): pl.LazyFrame;
}

export interface BaselineDefinition {
  name: string;
  description: string;
  /** The baseline's signal table for a snapshot. Throw `baselineUnavailable(reason)` when the data cannot support it. */
  build(source: BaselineSource): Promise<pl.DataFrame | pl.LazyFrame>;
}

export interface BuiltBaseline {
  name: string;
  description: string;
  available: boolean;
  reason?: string;
  signal?: pl.DataFrame;
}

/** Thrown by a baseline builder when the snapshot lacks what it needs: the suite reports it as unavailable. */
export function baselineUnavailable(reason: string): QuantbookError {
  return new QuantbookError('BASELINE_UNAVAILABLE', reason, 'the suite reports this baseline as unavailable and goes on');
}

const VALUE_COLUMN = 'value';
const NO_ROWS = 'the baseline has no rows on this snapshot (too little history?)';

const registry = new Map<string, BaselineDefinition>();

/**
 * The built-ins as price ratios on the close matrix (denseBaseline): the definitions of
 * research/signals (reversal.ts, momentum.ts) - close[t] / close[t - 5] and
 * close[t - 21] / close[t - 252] within the security's rows - written as kernel parameters.
 * test/suite-baselines.test.ts keeps the two in step.
 */
const PRICE_RATIOS: Record<string, { numeratorBack: number; denominatorBack: number; negate: boolean }> = {
  reversal_5d: { numeratorBack: 0, denominatorBack: 5, negate: true },
  momentum_12_1: { numeratorBack: 21, denominatorBack: 252, negate: false },
};
const builtinDefinitions = new Map<string, BaselineDefinition>();

for (const name of ['reversal_5d', 'momentum_12_1']) {
  const builtin = BUILTIN_SIGNALS[name];
  const definition: BaselineDefinition = {
    name,
    description: builtin.description,
    build: (source) => builtin.compute(source.prices({ columns: ['close'] })),
  };
  registry.set(name, definition);
  builtinDefinitions.set(name, definition);
}
registry.set('value', {
  name: 'value',
  description: `the snapshot's '${VALUE_COLUMN}' column (e.g. book-to-price), known at the bar's date`,
  build: async (source) => {
    let has: boolean;
    try {
      has = VALUE_COLUMN in (await source.prices({ columns: [VALUE_COLUMN] }).limit(0).collect()).schema;
    } catch (e) {
      if (!isQuantbookError(e)) throw e;
      has = false; // a snapshot refuses columns it does not have
    }
    if (!has) throw baselineUnavailable(`snapshot '${source.manifest.name ?? source.manifest.snapshot_id}' has no '${VALUE_COLUMN}' column (no fundamental value data)`);
    return source
      .prices({ columns: [VALUE_COLUMN] })
      .select(
        pl.col('security_id').cast(pl.Utf8),
        pl.col('date').alias('date_sig'),
        pl.col('date').alias('date_avail'),
        pl.col(VALUE_COLUMN).cast(pl.Float64).alias('signal'),
        pl.lit('value').alias('signal_name'),
      )
      .filter(pl.col('signal').isNotNull().and(pl.col('signal').isFinite()));
  },
});

export const STANDARD_BASELINES = ['reversal_5d', 'momentum_12_1', 'value'] as const;

/** Adds (or replaces) a baseline that every later suite runs by default. */
export function registerBaseline(definition: BaselineDefinition): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(definition.name)) {
    throw new QuantbookError('BAD_PARAMETER', `baseline name '${definition.name}' must be letters, digits, '_', '.' or '-'`, "e.g. 'quality_roe'");
  }
  registry.set(definition.name, definition);
}

/** The registered definition of a baseline (e.g. to put a built-in back after replacing it). */
export function getBaseline(name: string): BaselineDefinition | undefined {
  return registry.get(name);
}

export function unregisterBaseline(name: string): boolean {
  return registry.delete(name);
}

export function listBaselines(): { name: string; description: string }[] {
  return [...registry.values()].map((d) => ({ name: d.name, description: d.description }));
}

/** Builds the named baselines (default: every registered one); failures become 'unavailable' with the reason. */
export async function buildBaselines(source: BaselineSource, names: string[] = [...registry.keys()]): Promise<BuiltBaseline[]> {
  const out: BuiltBaseline[] = [];
  for (const name of names) {
    const def = registry.get(name);
    if (!def) {
      throw new QuantbookError('UNKNOWN_BASELINE', `'${name}' is not a registered baseline`, `choose from ${[...registry.keys()].join(', ')} or registerBaseline() it first`);
    }
    try {
      const built = await def.build(source);
      const signal = 'collectSync' in built ? await (built as pl.LazyFrame).collect() : (built as pl.DataFrame);
      if (signal.height === 0) out.push({ name, description: def.description, available: false, reason: NO_ROWS });
      else out.push({ name, description: def.description, available: true, signal });
    } catch (e) {
      if (!isQuantbookError(e)) throw e;
      out.push({ name, description: def.description, available: false, reason: e.message });
    }
  }
  return out;
}

/** A baseline computed on the panel: its lag-0 matrix and its rows as the contract would count them. */
export interface DenseBaseline extends BuiltBaseline {
  /** Lag-0 aligned matrix (date-major, SharedArrayBuffer); absent when unavailable. */
  values?: Float64Array;
  /** Rows of the baseline's signal table, and those alignment drops (values on the last date: beyond_calendar_end). */
  rows: { input: number; dropped: Record<string, number> };
  placed: number;
}

/** A built-in price-ratio baseline that denseBaseline can compute on a panel: the kernel's parameters. */
export interface PriceRatioPlan {
  name: string;
  description: string;
  numeratorBack: number;
  denominatorBack: number;
  negate: boolean;
}

/**
 * The plan of denseBaseline for `name` on this panel, or null when it does not apply: the
 * registry no longer holds the built-in definition, or the panel's price rows are not one per
 * calendar cell (XsPanel.priceCells).
 */
export function priceRatioPlan(name: string, panel: Pick<XsPanel, 'close' | 'priceCells'>): PriceRatioPlan | null {
  const ratio = PRICE_RATIOS[name];
  const definition = registry.get(name);
  if (!ratio || !definition || definition !== builtinDefinitions.get(name) || !panel.close || !panel.priceCells) return null;
  return { name, description: definition.description, ...ratio };
}

/**
 * A built-in price-ratio baseline straight from the panel's close matrix, when the registry
 * still holds the built-in definition and the panel's price rows are one per calendar cell
 * (XsPanel.priceCells): the same matrix and row counts as buildBaselines + alignment at
 * lag 0 + placement, without a 15M-row table. Null when it does not apply (then build the
 * table). Why the counts agree: the table's rows are one per (security, date) on the calendar,
 * so alignment keys nothing twice, drops only the values of the last date (no bar after it)
 * and places every other value on the next calendar date. (The suite runs the same kernel as
 * a worker job: jobs.ts 'price-ratio', then denseBaselineResult.)
 */
export function denseBaseline(name: string, panel: Pick<XsPanel, 'calendar' | 'securities' | 'close' | 'priceCells'>): DenseBaseline | null {
  const plan = priceRatioPlan(name, panel);
  if (!plan) return null;
  const T = panel.calendar.length;
  const N = panel.securities.length;
  const values = sharedFloat64(T * N).fill(NaN);
  const counted = priceRatioKernel(panel.close!, panel.priceCells!, T, N, plan.numeratorBack, plan.denominatorBack, plan.negate, values);
  return denseBaselineResult(plan, values, counted);
}

/** The kernel's matrix and counts (values made, values of the last date) as the contract would report them. */
export function denseBaselineResult(plan: PriceRatioPlan, values: Float64Array, counted: { values: number; lastDate: number }): DenseBaseline {
  const base = { name: plan.name, description: plan.description, placed: counted.values - counted.lastDate };
  const dropped: Record<string, number> = counted.lastDate > 0 ? { beyond_calendar_end: counted.lastDate } : {};
  const rows = { input: counted.values, dropped };
  if (counted.values === 0) return { ...base, available: false, reason: NO_ROWS, rows };
  return { ...base, available: true, values, rows };
}
