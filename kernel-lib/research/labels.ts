import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import type { DateRegime } from './regimes';
import { timeIndex, type ResearchPanel } from './panel';

/**
 * A user label column turned into codes on the research panel (docs/research.md, "Regime
 * slices"). The frame's key columns decide the level:
 * - `date` only: one label per date (a date-level regime, like bull/bear);
 * - `security_id` only: one label per security (a group, like sector);
 * - `security_id` and `date`: one label per (date, security) row.
 * Rows that match no panel date or security are ignored; panel rows without a label are left
 * out of every slice (counted in `unlabelled`).
 */
export type PanelLabels =
  | { level: 'date'; regime: DateRegime; unlabelled: number }
  | { level: 'security' | 'cell'; name: string; labels: string[]; codes: Int32Array; unlabelled: number };

export async function panelLabels(frame: pl.DataFrame | pl.LazyFrame, column: string, panel: ResearchPanel): Promise<PanelLabels> {
  const lazy = 'collectSync' in frame ? (frame as pl.LazyFrame) : (frame as pl.DataFrame).lazy();
  const schema = (await lazy.limit(0).collect()).schema;
  if (!(column in schema)) {
    throw new QuantbookError('MISSING_COLUMN', `label column '${column}' is not in the labels frame (columns: ${Object.keys(schema).join(', ')})`, 'name one of its columns');
  }
  const hasDate = 'date' in schema;
  const hasSecurity = 'security_id' in schema;
  if (!hasDate && !hasSecurity) {
    throw new QuantbookError('MISSING_COLUMN', `labels frame for '${column}' has neither a date nor a security_id column`, 'add date (a label per date), security_id (a label per security) or both');
  }
  const time = panel.timeUnit === 'day' ? pl.col('date').cast(pl.Date).cast(pl.Int32).cast(pl.Float64) : pl.col('date').cast(pl.Datetime('ms')).cast(pl.Int64).cast(pl.Float64);
  const df = await lazy
    .select(...(hasDate ? [time.alias('__t')] : []), ...(hasSecurity ? [pl.col('security_id').cast(pl.Utf8)] : []), pl.col(column).cast(pl.Utf8).alias('__label'))
    .filter(pl.col('__label').isNotNull())
    .collect();
  const values = df.getColumn('__label').toArray() as string[];
  const labels = [...new Set(values)].sort();
  const code = new Map(labels.map((l, j) => [l, j]));
  const dateOf = timeIndex(panel.calendar, panel.timeUnit);
  const times = hasDate ? (df.getColumn('__t').toTypedArray() as Float64Array) : null;
  const securityIndex = new Map(panel.securities.map((s, i) => [s, i]));
  const ids = hasSecurity ? (df.getColumn('security_id').toArray() as string[]) : null;
  const T = panel.dates;
  const N = panel.size;

  if (hasDate && !hasSecurity) {
    const codes = new Int32Array(T).fill(-1);
    for (let r = 0; r < values.length; r++) {
      const t = dateOf(times![r]);
      if (t >= 0) assignOnce(codes, t, code.get(values[r])!, column, () => `date ${r + 1}`);
    }
    return { level: 'date', regime: { name: column, labels, codes }, unlabelled: codes.filter((c) => c < 0).length };
  }
  if (hasSecurity && !hasDate) {
    const codes = new Int32Array(N).fill(-1);
    for (let r = 0; r < values.length; r++) {
      const i = securityIndex.get(ids![r]);
      if (i !== undefined) assignOnce(codes, i, code.get(values[r])!, column, () => `security '${ids![r]}'`);
    }
    let unlabelled = 0;
    for (let i = 0; i < N; i++) if (codes[i] < 0) for (let t = 0; t < T; t++) unlabelled += panel.present[t * N + i];
    return { level: 'security', name: column, labels, codes, unlabelled };
  }
  const codes = new Int32Array(T * N).fill(-1);
  for (let r = 0; r < values.length; r++) {
    const i = securityIndex.get(ids![r]);
    const t = dateOf(times![r]);
    if (i !== undefined && t >= 0) assignOnce(codes, t * N + i, code.get(values[r])!, column, () => `security '${ids![r]}' on row ${r + 1}`);
  }
  let unlabelled = 0;
  for (let c = 0; c < T * N; c++) if (panel.present[c] && codes[c] < 0) unlabelled++;
  return { level: 'cell', name: column, labels, codes, unlabelled };
}

function assignOnce(codes: Int32Array, at: number, value: number, column: string, where: () => string): void {
  if (codes[at] >= 0 && codes[at] !== value) {
    throw new QuantbookError('DUPLICATE_LABEL', `label column '${column}' gives two different labels for ${where()}`, 'keep one label per key');
  }
  codes[at] = value;
}
