import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { contentHash } from './content-hash';
import { readManifest } from './import-snapshot';
import type { Manifest } from './manifest';
import { PRICE_FIELDS } from './price-layout';
import { noteDataUsed } from '../tracking/events';

/** Bounds are inclusive. Days ('2015-01-05') or timestamps ('2017-04-19T09:00:00Z'), or Date objects. */
export interface PriceQuery {
  start?: string | Date;
  end?: string | Date;
  securities?: string[];
  /** Fields besides date and security_id (default: open, high, low, close, volume). */
  columns?: string[];
}

/**
 * One immutable snapshot. Frames are lazy: filters given here are pushed into the Parquet
 * scan (year partitions outside the range are not read; row groups are skipped by their
 * statistics), and the result is sorted by security_id then date.
 */
export class Snapshot {
  constructor(
    readonly dir: string,
    readonly manifest: Manifest,
  ) {}

  /** Opens the snapshot in `dir` and notes it as data used (reports list every snapshot a notebook opened). */
  static open(dir: string): Snapshot {
    const snapshot = new Snapshot(dir, readManifest(dir));
    noteDataUsed({ snapshot_id: snapshot.id, content_hash: snapshot.manifest.content_hash, name: snapshot.name });
    return snapshot;
  }

  get id(): string {
    return this.manifest.snapshot_id;
  }

  get name(): string {
    return this.manifest.name;
  }

  get intraday(): boolean {
    return this.manifest.frequency === 'intraday';
  }

  /** The panel: date, security_id and the requested fields. */
  prices(query: PriceQuery = {}): pl.LazyFrame {
    const columns = query.columns ?? [...PRICE_FIELDS];
    const known = this.manifest.tables.prices.columns.map((c) => c.name);
    for (const c of columns) {
      if (!known.includes(c)) throw new QuantbookError('BAD_PARAMETER', `parameter 'columns': '${c}' is not a column of snapshot ${this.id}`, `choose from ${known.join(', ')}`);
    }
    let lf = pl.scanParquet(join(this.dir, 'prices'), { hivePartitioning: true });
    const start = query.start === undefined ? undefined : this.bound(query.start, 'start');
    const end = query.end === undefined ? undefined : this.bound(query.end, 'end');
    if (start) lf = lf.filter(pl.col('year').gtEq(pl.lit(start.year).cast(pl.Int64))).filter(pl.col('date').gtEq(start.literal));
    if (end) lf = lf.filter(pl.col('year').ltEq(pl.lit(end.year).cast(pl.Int64))).filter(end.exclusive ? pl.col('date').lt(end.literal) : pl.col('date').ltEq(end.literal));
    if (query.securities) lf = lf.filter(pl.col('security_id').isIn(query.securities));
    return lf.select('date', 'security_id', ...columns).sort(['security_id', 'date']);
  }

  /**
   * Simple returns: ret = close / previous close of the same security - 1 (consecutive bars;
   * the first bar of each security is null). `start` filters after the shift, so the first
   * returned row still uses the bar before `start`.
   */
  returns(query: Omit<PriceQuery, 'columns'> = {}): pl.LazyFrame {
    const { start, ...rest } = query;
    let lf = this.prices({ ...rest, columns: ['close'] }).select(
      pl.col('date'),
      pl.col('security_id'),
      pl.col('close').div(pl.col('close').shift(1).over('security_id')).minus(1).alias('ret'),
    );
    if (start !== undefined) {
      const bound = this.bound(start, 'start');
      lf = lf.filter(pl.col('date').gtEq(bound.literal));
    }
    return lf;
  }

  /** security_id + one column per label set (e.g. sector); only security_id when the snapshot has none. */
  groups(): pl.LazyFrame {
    const path = join(this.dir, 'groups.parquet');
    if (existsSync(path)) return pl.scanParquet(path).sort('security_id');
    return pl.scanParquet(join(this.dir, 'prices'), { hivePartitioning: true }).select(pl.col('security_id').unique()).sort('security_id');
  }

  /** The trading calendar: every date present in the snapshot (union over securities), sorted. */
  async calendar(query: Pick<PriceQuery, 'start' | 'end'> = {}): Promise<pl.DataFrame> {
    return this.prices({ ...query, columns: [] }).select(pl.col('date').unique().sort()).collect();
  }

  async securities(): Promise<string[]> {
    const df = await this.groups().select('security_id').collect();
    return df.getColumn('security_id').toArray() as string[];
  }

  /** Recomputes the content hash from the files and compares it with the manifest's. */
  async verify(): Promise<{ ok: boolean; expected: string; actual: string }> {
    const prices = await this.prices().collect();
    const groupsPath = join(this.dir, 'groups.parquet');
    const tables = [{ name: 'prices', frame: prices }];
    if (existsSync(groupsPath)) tables.push({ name: 'groups', frame: await pl.scanParquet(groupsPath).sort('security_id').collect() });
    const actual = await contentHash(tables);
    return { ok: actual === this.manifest.content_hash, expected: this.manifest.content_hash, actual };
  }

  private bound(value: string | Date, which: 'start' | 'end'): { literal: pl.Expr; year: number; exclusive: boolean } {
    const text = value instanceof Date ? value.toISOString() : value.trim();
    const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
    const ms = Date.parse(dayOnly ? `${text}T00:00:00Z` : /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
    if (!Number.isFinite(ms)) {
      throw new QuantbookError('BAD_PARAMETER', `parameter '${which}': '${text}' is not a date`, "use ISO 'YYYY-MM-DD' (or 'YYYY-MM-DDTHH:MM:SSZ' for intraday snapshots)");
    }
    const year = new Date(ms).getUTCFullYear();
    if (!this.intraday) return { literal: pl.lit(new Date(ms)).cast(pl.Date), year, exclusive: false };
    // An intraday end given as a day includes that whole day.
    const endOfDay = which === 'end' && dayOnly;
    const at = endOfDay ? ms + 86_400_000 : ms;
    return { literal: pl.lit(new Date(at)).cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC'), year, exclusive: endOfDay };
  }
}
