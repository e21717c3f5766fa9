import { QuantbookError } from '../errors';
import { importSnapshotDetailed } from '../data/import-snapshot';
import type { Manifest } from '../data/manifest';
import type { InvalidAction } from '../data/validate-prices';
import { printJson, requiredOption, stringOption, type Command } from './command';

const USAGE =
  'quantbook import <file.csv|file.parquet|dir> --name NAME [--layout auto|long|wide] [--symbol ID] [--groups a.csv,b.csv] [--invalid error|drop|blank] [--catalog DIR] [--json]';

export const importCommand: Command = {
  name: 'import',
  summary: 'import daily or intraday prices (+ group labels) into an immutable, versioned snapshot',
  usage: USAGE,
  options: {
    name: { type: 'string' },
    layout: { type: 'string' },
    symbol: { type: 'string' },
    groups: { type: 'string' },
    invalid: { type: 'string' },
    catalog: { type: 'string' },
  },
  async run(args) {
    const source = args.positionals[0];
    if (!source || args.positionals.length > 1) {
      throw new QuantbookError('BAD_ARGUMENT', source ? `quantbook import takes one source, got ${args.positionals.length}` : 'quantbook import: missing the file or folder to import', `usage: ${USAGE}`);
    }
    const layout = choice(stringOption(args, 'layout') ?? 'auto', 'layout', ['auto', 'long', 'wide'] as const);
    const invalid = choice(stringOption(args, 'invalid') ?? 'error', 'invalid', ['error', 'drop', 'blank'] as const) as InvalidAction;
    const groups = stringOption(args, 'groups')?.split(',').map((s) => s.trim()).filter(Boolean);
    const outcome = await importSnapshotDetailed({
      source,
      name: requiredOption(args, 'name', USAGE),
      layout,
      symbol: stringOption(args, 'symbol'),
      groups,
      invalid,
      root: stringOption(args, 'catalog'),
    });
    if (args.values.json) {
      printJson(outcome.manifest);
      return 0;
    }
    console.log(`${outcome.created ? 'imported' : 'already in the catalog (identical data):'} ${outcome.manifest.snapshot_id}`);
    console.log(`  folder        ${outcome.dir}`);
    for (const line of describeManifest(outcome.manifest)) console.log(`  ${line}`);
    return 0;
  },
};

function choice<T extends string>(value: string, option: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new QuantbookError('BAD_ARGUMENT', `--${option}: '${value}' is not one of ${allowed.join(', ')}`, `usage: ${USAGE}`);
  }
  return value as T;
}

/** A short human summary of a manifest, shared by `import`, `snapshots` and `demo`. */
export function describeManifest(m: Manifest): string[] {
  const q = m.quality;
  const n = (x: number) => x.toLocaleString('en-US');
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const invalid = Object.entries(q.invalid_bars).filter(([, v]) => v > 0).map(([k, v]) => `${v} ${k.replace(/_/g, ' ')}`);
  const missing = Object.entries(q.missing_values).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${n(v)}`);
  const lines = [
    `content hash  ${m.content_hash}`,
    `prices        ${n(m.tables.prices.rows)} rows, ${n(m.securities)} securities, ${n(m.dates)} dates ${m.date_range.start}..${m.date_range.end} (${m.frequency}, ${m.source_layout} source)`,
    ...(m.tables.groups ? [`groups        ${m.tables.groups.columns.slice(1).map((c) => c.name).join(', ')} for ${n(m.tables.groups.rows)} securities${m.load.groups?.securities_without_labels.length ? ` (${m.load.groups.securities_without_labels.length} without labels)` : ''}`] : []),
    `duplicates    ${n(q.exact_duplicate_rows_dropped)} exact duplicate rows dropped`,
    `invalid bars  ${invalid.length ? `${invalid.join(', ')} (${q.invalid_action === 'blank' ? 'fields emptied' : 'dropped'})` : 'none'}`,
    `missing cells ${missing.length ? missing.join(', ') : 'none'}`,
    `coverage      ${n(q.coverage.complete)} complete, ${n(q.coverage.late_start)} start late, ${n(q.coverage.early_end)} end early; gaps: ${n(q.gaps.missing_bars)} missing bars in ${n(q.gaps.securities_with_gaps)} securities${q.gaps.worst[0] ? ` (worst ${q.gaps.worst[0].security_id}: ${q.gaps.worst[0].missing_bars})` : ''}`,
    `largest moves ${q.largest_moves.slice(0, 4).map((mv) => `${mv.security_id} ${mv.date} ${pct(mv.return)}`).join(', ') || 'none'}`,
  ];
  if (m.load.ignored_columns.length) lines.push(`ignored       columns ${m.load.ignored_columns.join(', ')}`);
  return lines;
}
