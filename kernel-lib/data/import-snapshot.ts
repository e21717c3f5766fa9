import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { QuantbookError, requireParam } from '../errors';
import { defaultCatalogRoot } from './catalog-root';
import { contentHash, CONTENT_HASH_VERSION } from './content-hash';
import { dtypeName } from './dtype';
import { loadGroups, type GroupsReport } from './groups';
import { loadPriceFile, type LoadPriceOptions } from './load-price-file';
import { MANIFEST_FORMAT, MANIFEST_VERSION, parseManifest, requireSnapshotName, snapshotId, type Manifest } from './manifest';
import { PRICE_FIELDS, type LayoutOption } from './price-layout';
import { computeQuality } from './quality';
import { SOURCE_ROW, validatePrices, type InvalidAction, type PriceChecks } from './validate-prices';

export interface ImportOptions {
  /** A price file (CSV/Parquet), a folder of Parquet or CSV files, or a snapshot folder (re-import). */
  source: string;
  name: string;
  layout?: LayoutOption;
  /** Security id for a single-security file (default: its file name). */
  symbol?: string;
  /** Group label files, first-wins fallback (e.g. 2018 constituents, then 2017). */
  groups?: string | string[];
  invalid?: InvalidAction;
  /** Catalog root (default: env QUANTBOOK_CATALOG, else .quantbook/snapshots under the cwd). */
  root?: string;
  /** zstd level of the Parquet files, 1-22 (default 3; the embedded sample uses 9: ~8% smaller, ~3x slower to write). */
  compressionLevel?: number;
}

export interface ImportOutcome {
  manifest: Manifest;
  dir: string;
  /** False when this name already had a version with identical data: nothing was written. */
  created: boolean;
}

/**
 * Imports prices (and group labels) into an immutable, versioned snapshot:
 * ROOT/NAME/HASH12/{manifest.json, prices/year=YYYY/part-0.parquet, groups.parquet}.
 * Identical data under the same name is the same version (returned, not rewritten); new
 * data under the same name is a new version. Written into a temp folder and renamed.
 */
export async function importSnapshot(options: ImportOptions): Promise<Manifest> {
  return (await importSnapshotDetailed(options)).manifest;
}

export async function importSnapshotDetailed(options: ImportOptions): Promise<ImportOutcome> {
  requireSnapshotName(options.name);
  const level = options.compressionLevel ?? 3;
  requireParam(Number.isInteger(level) && level >= 1 && level <= 22, 'compressionLevel', `${level} is not a zstd level`, 'use an integer from 1 to 22');
  const source = resolve(options.source);
  const loaded = await loadSource(source, options);
  const root = resolve(options.root ?? defaultCatalogRoot());
  const tables = [{ name: 'prices', frame: loaded.prices }, ...(loaded.groups ? [{ name: 'groups', frame: loaded.groups }] : [])];
  const hash = await contentHash(tables);
  const id = snapshotId(options.name, hash);
  const finalDir = join(root, options.name, hash.slice(0, 12));
  if (existsSync(join(finalDir, 'manifest.json'))) return { manifest: readManifest(finalDir), dir: finalDir, created: false };

  const tmp = join(root, options.name, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const files = await writePrices(loaded.prices, tmp, level);
    if (loaded.groups) await loaded.groups.lazy().sinkParquet(join(tmp, 'groups.parquet'), { compression: 'zstd' }).collect();
    const quality = await computeQuality(loaded.prices, loaded.checks);
    const manifest = parseManifest(
      {
        format: MANIFEST_FORMAT,
        format_version: MANIFEST_VERSION,
        snapshot_id: id,
        name: options.name,
        created_at: new Date().toISOString(),
        content_hash: hash,
        content_hash_version: CONTENT_HASH_VERSION,
        frequency: loaded.frequency,
        source_layout: loaded.layout,
        sources: loaded.sources,
        tables: {
          prices: { path: 'prices', rows: loaded.prices.height, columns: columnsOf(loaded.prices), partitioning: 'year', files },
          ...(loaded.groups ? { groups: { path: 'groups.parquet', rows: loaded.groups.height, columns: columnsOf(loaded.groups) } } : {}),
        },
        securities: await countUnique(loaded.prices, 'security_id'),
        dates: quality.calendar.dates,
        date_range: { start: quality.calendar.first, end: quality.calendar.last },
        load: { rows_read: loaded.rowsRead, empty_wide_cells: loaded.emptyWideCells, ignored_columns: loaded.ignoredColumns, ...(loaded.groupsReport ? { groups: loaded.groupsReport } : {}) },
        quality,
      },
      'new snapshot',
    );
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    try {
      renameSync(tmp, finalDir);
    } catch (e) {
      // Another import of the same data won the race: its version is identical.
      if (existsSync(join(finalDir, 'manifest.json'))) return { manifest: readManifest(finalDir), dir: finalDir, created: false };
      throw e;
    }
    return { manifest, dir: finalDir, created: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new QuantbookError('BAD_MANIFEST', `cannot read ${path}: ${(e as Error).message.split('\n')[0]}`, 're-import the snapshot');
  }
  return parseManifest(raw, path);
}

interface LoadedSource {
  prices: pl.DataFrame;
  groups?: pl.DataFrame;
  groupsReport?: GroupsReport;
  checks: PriceChecks;
  frequency: 'daily' | 'intraday';
  layout: Manifest['source_layout'];
  sources: Manifest['sources'];
  rowsRead: number;
  emptyWideCells: number;
  ignoredColumns: string[];
}

async function loadSource(source: string, options: ImportOptions): Promise<LoadedSource> {
  if (!existsSync(source)) {
    throw new QuantbookError('FILE_NOT_FOUND', `import source '${options.source}' does not exist`, `check the path (relative paths start at ${process.cwd()})`);
  }
  const groupFiles = options.groups === undefined ? [] : Array.isArray(options.groups) ? options.groups : [options.groups];
  const isDir = statSync(source).isDirectory();
  const loaded = isDir && existsSync(join(source, 'manifest.json'))
    ? await loadSnapshotFolder(source, options)
    : isDir && !hasParquet(source)
      ? await loadCsvFolder(source, options)
      : await loadOneFile(source, options);
  if (groupFiles.length) {
    const securities = await loaded.prices.lazy().select(pl.col('security_id').unique().sort()).collect();
    const groups = await loadGroups(groupFiles, securities.getColumn('security_id').toArray() as string[]);
    loaded.groups = groups.frame;
    loaded.groupsReport = groups.report;
    for (const f of groupFiles) loaded.sources.push({ role: 'groups', file: basename(f), ...(await fileDigest(resolve(f))) });
  }
  return loaded;
}

async function loadOneFile(source: string, options: ImportOptions): Promise<LoadedSource> {
  const file = await loadPriceFile(source, { layout: options.layout, symbol: options.symbol, invalid: options.invalid } satisfies LoadPriceOptions);
  return {
    prices: file.prices,
    checks: { exact_duplicate_rows_dropped: file.report.exact_duplicate_rows_dropped, invalid_bars: file.report.invalid_bars, invalid_action: file.report.invalid_action },
    frequency: file.frequency,
    layout: file.layout,
    sources: await sourcesOf(source, 'prices'),
    rowsRead: file.report.rows_read,
    emptyWideCells: file.report.empty_wide_cells,
    ignoredColumns: file.report.ignored_columns,
  };
}

/** One CSV per security (or per chunk): each file is loaded alone, then checked together. */
async function loadCsvFolder(source: string, options: ImportOptions): Promise<LoadedSource> {
  const csvs = readdirSync(source).filter((f) => ['.csv', '.tsv'].includes(extname(f).toLowerCase())).sort();
  if (csvs.length === 0) {
    throw new QuantbookError('NO_PRICE_FILES', `folder '${options.source}' holds no CSV or Parquet files`, 'point at a price file, or a folder of CSV/Parquet price files');
  }
  const files: Awaited<ReturnType<typeof loadPriceFile>>[] = [];
  for (const f of csvs) files.push(await loadPriceFile(join(source, f), { layout: options.layout, invalid: options.invalid }));
  const layouts = new Set(files.map((f) => f.layout));
  const frequencies = new Set(files.map((f) => f.frequency));
  if (frequencies.size > 1) throw new QuantbookError('MIXED_FREQUENCY', `folder '${options.source}' mixes daily and intraday files`, 'import them as separate snapshots');
  const all = pl.concat(files.map((f) => f.prices), { how: 'vertical' });
  const { prices, checks } = await validatePrices(await all.lazy().withRowIndex(SOURCE_ROW, 1).collect(), { file: options.source, invalid: 'error' });
  const sum = (pick: (f: (typeof files)[number]) => number) => files.reduce((n, f) => n + pick(f), 0);
  return {
    prices,
    checks: {
      exact_duplicate_rows_dropped: sum((f) => f.report.exact_duplicate_rows_dropped) + checks.exact_duplicate_rows_dropped,
      invalid_bars: Object.fromEntries(Object.keys(checks.invalid_bars).map((k) => [k, sum((f) => f.report.invalid_bars[k as keyof PriceChecks['invalid_bars']])])) as unknown as PriceChecks['invalid_bars'],
      invalid_action: options.invalid ?? 'error',
    },
    frequency: files[0].frequency,
    layout: layouts.size === 1 ? files[0].layout : 'long',
    sources: await sourcesOf(source, 'prices'),
    rowsRead: sum((f) => f.report.rows_read),
    emptyWideCells: sum((f) => f.report.empty_wide_cells),
    ignoredColumns: [...new Set(files.flatMap((f) => f.report.ignored_columns))],
  };
}

/** A snapshot folder (e.g. the embedded sample) imported again: same data, same content hash. */
async function loadSnapshotFolder(source: string, options: ImportOptions): Promise<LoadedSource> {
  const manifest = readManifest(source);
  const raw = await pl.scanParquet(join(source, 'prices'), { hivePartitioning: true })
    .select('date', 'security_id', ...PRICE_FIELDS)
    .sort(['security_id', 'date'])
    .collect();
  const { prices, checks } = await validatePrices(await raw.lazy().withRowIndex(SOURCE_ROW, 1).collect(), { file: options.source, invalid: options.invalid });
  const groupsPath = join(source, 'groups.parquet');
  const groups = existsSync(groupsPath) && options.groups === undefined ? await pl.scanParquet(groupsPath).sort('security_id').collect() : undefined;
  return {
    prices,
    groups,
    groupsReport: groups ? manifest.load.groups : undefined,
    checks,
    frequency: manifest.frequency,
    layout: 'snapshot',
    sources: await sourcesOf(source, 'prices'),
    rowsRead: raw.height,
    emptyWideCells: 0,
    ignoredColumns: [],
  };
}

async function writePrices(prices: pl.DataFrame, dir: string, compressionLevel: number): Promise<string[]> {
  const withYear = await prices.lazy().withColumns(pl.col('date').dt.year().alias('__year')).collect();
  const years = (await withYear.lazy().select(pl.col('__year').unique().sort()).collect()).getColumn('__year').toArray() as number[];
  const files: string[] = [];
  for (const year of years) {
    const rel = `prices/year=${year}/part-0.parquet`;
    mkdirSync(join(dir, 'prices', `year=${year}`), { recursive: true });
    // Small row groups sorted by security let the scan skip groups on a security filter.
    await withYear.lazy().filter(pl.col('__year').eq(year)).drop('__year')
      .sinkParquet(join(dir, rel), { compression: 'zstd', compressionLevel, statistics: true, rowGroupSize: 16_384 })
      .collect();
    files.push(rel);
  }
  return files;
}

function columnsOf(frame: pl.DataFrame): { name: string; dtype: string }[] {
  return frame.columns.map((name) => ({ name, dtype: dtypeName(frame.schema[name]) }));
}

async function countUnique(frame: pl.DataFrame, column: string): Promise<number> {
  const n = await frame.lazy().select(pl.col(column).nUnique()).collect();
  return Number(n.getColumn(column).get(0));
}

function hasParquet(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? hasParquet(join(dir, e.name)) : ['.parquet', '.pq'].includes(extname(e.name).toLowerCase())));
}

async function sourcesOf(source: string, role: 'prices' | 'groups'): Promise<Manifest['sources']> {
  if (!statSync(source).isDirectory()) return [{ role, file: basename(source), ...(await fileDigest(source)) }];
  const paths: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.isFile() && !e.name.startsWith('.')) paths.push(join(dir, e.name));
    }
  };
  walk(source);
  const out: Manifest['sources'] = [];
  for (const p of paths) out.push({ role, file: join(basename(source), relative(source, p)), ...(await fileDigest(p)) });
  return out;
}

export async function fileDigest(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  await new Promise<void>((done, fail) => createReadStream(path).on('data', (c) => hash.update(c)).on('end', done).on('error', fail));
  return { bytes: statSync(path).size, sha256: hash.digest('hex') };
}
