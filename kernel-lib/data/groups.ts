import { basename } from 'node:path';
import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { findColumn, normalizeName, SECURITY_ALIASES } from './price-layout';
import { readTable } from './read-table';

/**
 * Group labels (sector, industry, ...) per security, read from one or more CSV/Parquet files
 * with a security column (Symbol / ticker / security_id) and label columns. Several files
 * are a fallback chain: a security takes its whole row from the FIRST file that lists it
 * (e.g. the 2018 constituents, then the 2017 ones for names that left the index).
 */
export interface GroupsReport {
  /** Label columns in the result, snake_case (Sector -> sector). */
  labels: string[];
  /** Per file, in order: rows read and securities it supplied (first-wins). */
  files: { file: string; rows: number; securities_supplied: number; duplicate_rows_ignored: number }[];
  /** Price securities with no row in any file (their labels are null). */
  securities_without_labels: string[];
  /** Securities listed in the files but absent from the prices (left out of the table). */
  securities_not_in_prices: number;
}

export interface Groups {
  /** security_id + one Utf8 column per label, sorted by security_id; one row per price security. */
  frame: pl.DataFrame;
  report: GroupsReport;
}

export async function loadGroups(files: string[], securities: string[]): Promise<Groups> {
  if (files.length === 0) throw new QuantbookError('BAD_PARAMETER', 'no groups file given', 'pass one or more CSV files with a Symbol column and label columns (e.g. Sector)');
  const tables: pl.DataFrame[] = [];
  const report: GroupsReport = { labels: [], files: [], securities_without_labels: [], securities_not_in_prices: 0 };
  const covered = new Set<string>();
  const wanted = new Set(securities);
  const notInPrices = new Set<string>();

  for (const file of files) {
    const table = await readTable(file, { what: 'groups file' });
    const symbol = findColumn(table.frame.columns, SECURITY_ALIASES.filter((a) => a !== 'name').concat(['name']));
    if (!symbol) {
      throw new QuantbookError(
        'MISSING_COLUMN',
        `groups file '${basename(file)}' has no security column (columns: ${table.frame.columns.join(', ')})`,
        "name the column holding the tickers 'Symbol' or 'security_id'",
      );
    }
    const labels = table.frame.columns.filter((c) => c !== symbol);
    const renamed = await table.frame.lazy().select(
      pl.col(symbol).cast(pl.Utf8).str.stripChars(' ').alias('security_id'),
      ...labels.map((c) => pl.col(c).cast(pl.Utf8).alias(snakeCase(c))),
    ).filter(pl.col('security_id').isNotNull()).collect();
    const unique = await renamed.lazy().unique({ subset: ['security_id'], keep: 'first', maintainOrder: true }).collect();
    const ids = unique.getColumn('security_id').toArray() as string[];
    const keep = ids.map((id) => wanted.has(id) && !covered.has(id));
    for (const id of ids) if (!wanted.has(id)) notInPrices.add(id);
    const supplied = unique.filter(pl.Series(keep));
    for (const id of supplied.getColumn('security_id').toArray() as string[]) covered.add(id);
    tables.push(supplied);
    for (const l of labels.map(snakeCase)) if (!report.labels.includes(l)) report.labels.push(l);
    report.files.push({ file: basename(file), rows: table.rowCount, securities_supplied: supplied.height, duplicate_rows_ignored: renamed.height - unique.height });
  }
  report.securities_without_labels = securities.filter((s) => !covered.has(s)).sort();
  report.securities_not_in_prices = notInPrices.size;

  const aligned = tables.map((t) =>
    t.select('security_id', ...report.labels.map((l) => (t.columns.includes(l) ? pl.col(l) : pl.lit(null).cast(pl.Utf8).alias(l)))),
  );
  const all = pl.DataFrame({ security_id: securities });
  const labelled = aligned.length ? pl.concat(aligned, { how: 'vertical' }) : pl.DataFrame({ security_id: pl.Series('security_id', [], pl.Utf8) });
  const frame = await all.lazy().join(labelled.lazy(), { on: 'security_id', how: 'left' }).sort('security_id').collect();
  return { frame, report };
}

export function snakeCase(name: string): string {
  return normalizeName(name) === 'securityid' ? 'security_id' : name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}
