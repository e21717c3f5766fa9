import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';

/**
 * In-memory frames dressed as a snapshot (manifest, prices, groups, calendar), so the
 * backtest and the suite run on hand-built or synthetic panels exactly as on a catalog
 * snapshot. The manifest's content_hash is empty: such runs are not tied to a stored snapshot.
 */
export interface FrameSource {
  manifest: { snapshot_id: string; name: string; content_hash: string };
  prices(options?: { columns?: string[] }): pl.LazyFrame;
  groups(): pl.LazyFrame;
  calendar(): Promise<pl.DataFrame>;
}

export function frameSource(prices: pl.DataFrame, options: { groups?: pl.DataFrame; name?: string } = {}): FrameSource {
  const name = options.name ?? 'frames';
  // not sorted here: the backtest does not need it and the research signals sort for themselves
  const lazy = prices.lazy();
  return {
    manifest: { snapshot_id: name, name, content_hash: '' },
    prices: (query = {}) => {
      const columns = query.columns ?? prices.columns.filter((c) => c !== 'date' && c !== 'security_id');
      for (const c of columns) {
        if (!prices.columns.includes(c)) throw new QuantbookError('BAD_PARAMETER', `parameter 'columns': '${c}' is not a column of the frames '${name}'`, `choose from ${prices.columns.join(', ')}`);
      }
      return lazy.select('date', 'security_id', ...columns);
    },
    groups: () => (options.groups ? options.groups.lazy() : lazy.select(pl.col('security_id').unique()).sort('security_id')),
    calendar: () => lazy.select(pl.col('date').unique().sort()).collect(),
  };
}
