import pl from 'nodejs-polars';
import { QuantbookError, isQuantbookError } from '../errors';
import { BUILTIN_SIGNALS } from '../research/signals';

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

const registry = new Map<string, BaselineDefinition>();

for (const name of ['reversal_5d', 'momentum_12_1']) {
  const builtin = BUILTIN_SIGNALS[name];
  registry.set(name, {
    name,
    description: builtin.description,
    build: (source) => builtin.compute(source.prices({ columns: ['close'] })),
  });
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
      if (signal.height === 0) out.push({ name, description: def.description, available: false, reason: 'the baseline has no rows on this snapshot (too little history?)' });
      else out.push({ name, description: def.description, available: true, signal });
    } catch (e) {
      if (!isQuantbookError(e)) throw e;
      out.push({ name, description: def.description, available: false, reason: e.message });
    }
  }
  return out;
}
