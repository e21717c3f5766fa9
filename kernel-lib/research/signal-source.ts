import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { alignSignal } from '../contract/align';
import { validateSignal } from '../contract/validate';
import { formatReport } from '../contract/report';
import { fromSecurityArrays } from '../kernels/bridge';
import { calendarSeries, type ResearchPanel } from './panel';
import { placeAlignedSignal, type SignalCells } from './signal-cells';
import { builtinSignal } from './signals';

/** The parts of a catalog Snapshot (kernel-lib/data/snapshot.ts) research reads. */
export interface SnapshotSource {
  manifest: { snapshot_id: string; name?: string; content_hash?: string };
  prices(query?: { columns?: string[] }): pl.LazyFrame;
  groups?(): pl.LazyFrame;
}

/**
 * A signal for research: a built-in name ('momentum_12_1', 'reversal_5d'), a table in the
 * signal contract (security_id, date_sig, date_avail, signal), or `{cells}`: a dense
 * date-major matrix already on the research panel's dates (cell (t, i) = the value used at
 * t's close; for kernels and benchmarks - it bypasses the contract).
 */
export type SignalSource = string | pl.DataFrame | pl.LazyFrame | { cells: Float64Array };

export interface LoadedSignal extends SignalCells {
  source: 'builtin' | 'table' | 'cells';
}

/**
 * Turns every source into cells on the panel. Tables must pass validateSignal (errors throw a
 * QuantbookError carrying the report); tables and built-ins are then aligned with the
 * contract's alignSignal at lag 0: a value available on day d is used at the first bar strictly
 * after d. Every input row that does not reach a price row is counted by reason.
 */
export async function loadSignals(
  signals: Record<string, SignalSource> | string[],
  panel: ResearchPanel,
  context: { prices?: pl.DataFrame | pl.LazyFrame; snapshot?: SnapshotSource },
): Promise<LoadedSignal[]> {
  const entries: [string, SignalSource][] = Array.isArray(signals) ? signals.map((n) => [n, n]) : Object.entries(signals);
  if (entries.length === 0) throw new QuantbookError('BAD_PARAMETER', "parameter 'signals' lists no signal", "e.g. signals: ['momentum_12_1', 'reversal_5d']");
  const prices = context.prices ?? context.snapshot?.prices({ columns: ['close'] });
  let bars: pl.DataFrame | undefined;
  const priceBars = () => (bars ??= fromSecurityArrays(panel.rows, {}));
  const out: LoadedSignal[] = [];
  for (const [name, source] of entries) {
    if (typeof source === 'object' && source !== null && 'cells' in source) {
      if (!(source.cells instanceof Float64Array) || source.cells.length !== panel.dates * panel.size) {
        throw new QuantbookError('BAD_PARAMETER', `signal '${name}': cells must be a Float64Array of ${panel.dates} dates x ${panel.size} securities = ${panel.dates * panel.size} values`, 'build it on the research panel (cell (t, i) at t * N + i)');
      }
      out.push({ name, values: source.cells, input_rows: 0, dropped: {}, source: 'cells' });
      continue;
    }
    if (panel.timeUnit !== 'day') {
      throw new QuantbookError('BAD_PARAMETER', `signal '${name}': signal tables are aligned on daily calendars, the panel is intraday`, 'research daily bars, or pass {cells} built on the intraday panel');
    }
    let table: pl.DataFrame | pl.LazyFrame;
    let kind: LoadedSignal['source'];
    if (typeof source === 'string') {
      if (!prices) throw new QuantbookError('BAD_PARAMETER', `built-in signal '${source}' needs prices`, 'pass snapshot or prices to researchSignals');
      table = await builtinSignal(source).compute(prices);
      kind = 'builtin';
      if (table.height === 0) {
        // e.g. momentum_12_1 on less than 253 bars: no value anywhere; reported as 0 rows used
        out.push({ name, values: new Float64Array(new SharedArrayBuffer(8 * panel.dates * panel.size)).fill(NaN), input_rows: 0, dropped: {}, source: kind });
        continue;
      }
    } else {
      const report = await validateSignal(source, { calendar: calendarFrame(panel), prices: priceBars(), lookahead: false });
      if (!report.ok) {
        throw new QuantbookError('INVALID_SIGNAL', `signal '${name}' does not pass the signal contract:\n${formatReport(report)}`, 'fix the problems listed (quantbook validate-signal shows the same report)', { report });
      }
      table = source;
      kind = 'table';
    }
    out.push({ ...(await alignAndPlace(table, name, panel, priceBars())), source: kind });
  }
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.name)) throw new QuantbookError('BAD_PARAMETER', `signal name '${s.name}' is used twice`, 'give each signal its own name');
    seen.add(s.name);
  }
  return out;
}

async function alignAndPlace(table: pl.DataFrame | pl.LazyFrame, name: string, panel: ResearchPanel, bars: pl.DataFrame): Promise<SignalCells> {
  const aligned = await alignSignal(table, calendarFrame(panel), { lag: 0, prices: bars });
  const placed = await placeAlignedSignal(aligned.frame, panel, name);
  const dropped: Record<string, number> = {};
  for (const [reason, n] of Object.entries(aligned.counts.byReason)) if (n > 0) dropped[reason] = n;
  for (const [reason, n] of Object.entries(placed.dropped)) if (n > 0) dropped[reason] = (dropped[reason] ?? 0) + n;
  return { name, values: placed.values, input_rows: aligned.counts.input, dropped };
}

function calendarFrame(panel: ResearchPanel): pl.DataFrame {
  return pl.DataFrame([calendarSeries(panel, 'date')]);
}
