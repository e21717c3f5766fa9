import { z } from 'zod';
import { QuantbookError } from '../errors';

/**
 * manifest.json of a snapshot (format_version 1). Field meanings: docs/data.md. The schema
 * is checked on write and on open, so a hand-edited or truncated manifest is reported
 * instead of half-read.
 */
export const MANIFEST_FORMAT = 'quantbook.snapshot';
export const MANIFEST_VERSION = 1;

const counts = z.object({
  non_positive_price: z.number().int(),
  high_below_low: z.number().int(),
  negative_volume: z.number().int(),
  conflicting_duplicate: z.number().int(),
});

export const QualitySchema = z.object({
  exact_duplicate_rows_dropped: z.number().int(),
  invalid_bars: counts,
  invalid_action: z.enum(['error', 'drop', 'blank']),
  missing_values: z.record(z.string(), z.number().int()),
  non_positive_prices: z.number().int(),
  calendar: z.object({ dates: z.number().int(), first: z.string(), last: z.string() }),
  coverage: z.object({
    full_span: z.number().int(),
    /** Full span and no gaps: a bar on every calendar date. */
    complete: z.number().int(),
    late_start: z.number().int(),
    early_end: z.number().int(),
    late_start_examples: z.array(z.object({ security_id: z.string(), first: z.string() })),
    early_end_examples: z.array(z.object({ security_id: z.string(), last: z.string() })),
  }),
  gaps: z.object({
    securities_with_gaps: z.number().int(),
    missing_bars: z.number().int(),
    worst: z.array(z.object({ security_id: z.string(), missing_bars: z.number().int(), bars: z.number().int(), first: z.string(), last: z.string() })),
  }),
  largest_moves: z.array(
    z.object({ security_id: z.string(), date: z.string(), previous_date: z.string(), return: z.number(), previous_close: z.number(), close: z.number() }),
  ),
});

const ColumnSchema = z.object({ name: z.string(), dtype: z.string() });
const TableSchema = z.object({
  /** Relative to the snapshot folder. */
  path: z.string(),
  rows: z.number().int(),
  columns: z.array(ColumnSchema),
});

export const SourceSchema = z.object({
  role: z.enum(['prices', 'groups']),
  /** As given to the import (a file name, or a path inside the imported folder); never absolute. */
  file: z.string(),
  bytes: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const GroupsReportSchema = z.object({
  labels: z.array(z.string()),
  files: z.array(z.object({ file: z.string(), rows: z.number().int(), securities_supplied: z.number().int(), duplicate_rows_ignored: z.number().int() })),
  securities_without_labels: z.array(z.string()),
  securities_not_in_prices: z.number().int(),
});

export const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  format_version: z.literal(MANIFEST_VERSION),
  /** `${name}@${first 12 hex digits of content_hash}`. */
  snapshot_id: z.string(),
  name: z.string(),
  created_at: z.iso.datetime(),
  /** SHA-256 of the data only (content-hash.ts); equal data -> equal hash. */
  content_hash: z.string().regex(/^[0-9a-f]{64}$/),
  content_hash_version: z.string(),
  frequency: z.enum(['daily', 'intraday']),
  /** Layout of the source: long, single (one security per file), wide, or snapshot (re-import). */
  source_layout: z.enum(['long', 'single', 'wide', 'snapshot']),
  sources: z.array(SourceSchema),
  tables: z.object({
    prices: TableSchema.extend({ partitioning: z.literal('year'), files: z.array(z.string()) }),
    groups: TableSchema.optional(),
  }),
  securities: z.number().int(),
  dates: z.number().int(),
  date_range: z.object({ start: z.string(), end: z.string() }),
  load: z.object({
    rows_read: z.number().int(),
    empty_wide_cells: z.number().int(),
    ignored_columns: z.array(z.string()),
    groups: GroupsReportSchema.optional(),
  }),
  quality: QualitySchema,
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type Quality = z.infer<typeof QualitySchema>;

export function parseManifest(value: unknown, where: string): Manifest {
  const result = ManifestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new QuantbookError(
      'BAD_MANIFEST',
      `${where}: manifest field '${issue.path.join('.') || '(root)'}' ${issue.message.toLowerCase()}`,
      'snapshots are immutable: re-import the source instead of editing manifest.json',
    );
  }
  return result.data;
}

/** Snapshot ids: NAME@HASH12, e.g. sp500-5yr@3f9a0c1d2e4b. */
export function snapshotId(name: string, contentHash: string): string {
  return `${name}@${contentHash.slice(0, 12)}`;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function requireSnapshotName(name: string): void {
  if (!NAME.test(name)) {
    throw new QuantbookError(
      'BAD_PARAMETER',
      `snapshot name '${name}' is not allowed`,
      "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. sp500-5yr); '@' separates a name from its version",
    );
  }
}
