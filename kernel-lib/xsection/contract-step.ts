import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { alignRows } from '../contract/align';
import { calendarOnlyAlignment, type Alignment } from '../contract/classify';
import { resolveContext, type ResolvedContext, type SnapshotLike } from '../contract/context';
import { formatReport, type ValidationReport } from '../contract/report';
import { signalKeys, type SignalKeys } from '../contract/signal-keys';
import { validateClassified } from '../contract/validate';
import type { XsPanel } from './panel';
import type { DropCounts } from './result';
import { matrixFromAlignment, type SignalMatrix } from './signal-matrix';

/**
 * A signal table through the contract (kernel-lib/contract) into the lag-0 matrix:
 * 1. validateSignal against the snapshot (when asked): a signal with a blocking error (a
 *    missing column, unreadable dates, mixed signals, future dates, nothing usable) is
 *    refused; row-level errors (duplicates, date_avail before date_sig, ...) are dropped by
 *    alignment and counted; a suspected lookahead is kept, reported and passed to the verdict.
 * 2. alignSignal on the calendar alone at lag 0: each row goes to the first bar strictly
 *    after date_avail. Tradability (a bar on the trade date) is left to the backtest, which
 *    checks it on each variant's own trade date; that is what makes lag L exactly the lag-0
 *    matrix shifted by L calendar bars (test/xsection-backtest.test.ts checks it against
 *    alignSignal with lag L).
 * 3. the aligned rows placed into the dense matrix (rows it cannot place are counted).
 *
 * The signal's rows are read and keyed once (contract/signal-keys.ts) for both steps; the
 * alignment of step 2 is derived from the classification validation made (the same flags
 * without the price rules: calendarOnlyAlignment) as soon as it exists, and the matrix is
 * filled from the alignment's typed arrays without building alignSignal's frames (`onMatrix`
 * hands it out before the lookahead test finishes). The counts are those of validateSignal +
 * alignSignal + signalMatrix (test/contract-keys.test.ts, test/xsection-backtest.test.ts).
 */
export interface ContractStep {
  matrix: SignalMatrix;
  report?: ValidationReport;
  rows: { input: number; dropped: DropCounts };
  /** Contract errors the suite ran despite (row-level drops, suspected lookahead). */
  errors: { rule: string; count: number; message: string }[];
}

export interface ContractStepOptions {
  snapshot?: SnapshotLike;
  /** The trading calendar: the snapshot's (`snapshot.calendar()`, as loadPanel returns it) when a snapshot is given. */
  calendar: pl.DataFrame;
  panel: Pick<XsPanel, 'calendar' | 'securities' | 'priceSecurities'>;
  /** Run validateSignal first (default true when a snapshot is given). */
  validate?: boolean;
  /** Name of the file, for messages. */
  file?: string;
  /** Passed to validateSignal (its lookahead test needs close prices). Default true. */
  lookahead?: boolean;
  /**
   * Called with the matrix as soon as it exists - while validation's last checks (the
   * lookahead test) still run - so backtests can start. The step may still throw afterwards
   * (a blocking validation error); the caller then discards what it started.
   */
  onMatrix?: (matrix: SignalMatrix) => void;
}

/** Errors of these rules do not stop a suite: alignment drops and counts their rows, or (lookahead) the verdict flags it. */
const NON_BLOCKING = new Set(['suspected_lookahead']);

/** `signal` may come keyed already (signalKeys, e.g. while the prices loaded), then with the file when validating. */
export async function contractStep(signal: pl.DataFrame | pl.LazyFrame | SignalKeys, options: ContractStepOptions): Promise<ContractStep> {
  let report: ValidationReport | undefined;
  const errors: ContractStep['errors'] = [];
  const snapshot = options.snapshot;
  const validate = snapshot !== undefined && options.validate !== false;
  // the file names the signal in parse messages of the validation report only (as before)
  const keys = await signalKeys(signal, validate ? options.file : undefined);
  const calendarOnly: ResolvedContext = await resolveContext({ calendar: options.calendar });
  let placed: { alignment: Alignment; matrix: SignalMatrix } | undefined;
  const place = (alignment: Alignment) => {
    placed = { alignment, matrix: matrixFromAlignment(alignment, options.panel) };
    options.onMatrix?.(placed.matrix);
    return placed;
  };
  if (validate) {
    // prices given explicitly: the close column is all the checks need.
    const prices = snapshot.prices({ columns: ['close'] });
    const table = options.panel.priceSecurities && sameDays(options.panel.calendar, calendarOnly.calendar?.days) ? options.panel.priceSecurities : undefined;
    const context = await resolveContext({ snapshot, calendar: options.calendar, prices }, { securities: table });
    const validated = await validateClassified(
      keys,
      { snapshot, prices, file: options.file, lag: 0, lookahead: options.lookahead ?? true, context },
      { classified: (c) => place(calendarOnlyAlignment(c)) },
    );
    report = validated.report;
    const blocking = report.problems.filter((p) => p.severity === 'error' && !p.dropped && !NON_BLOCKING.has(p.rule));
    if (blocking.length) {
      throw new QuantbookError(
        'SIGNAL_NOT_USABLE',
        `${options.file ?? 'the signal'} cannot be used: ${blocking.map((p) => p.message).join('; ')}\n${formatReport(report)}`,
        blocking[0].fix,
        { report },
      );
    }
    for (const p of report.problems) if (p.severity === 'error') errors.push({ rule: p.rule, count: p.count, message: p.message });
  }
  const { alignment, matrix } = placed ?? place((await alignRows(keys, options.calendar, { lag: 0, context: calendarOnly })).alignment);
  const dropped: DropCounts = {};
  for (const [reason, n] of Object.entries(alignment.reasonCounts)) if (n > 0) dropped[reason] = n;
  for (const [reason, n] of Object.entries(matrix.dropped)) if (n > 0) dropped[reason] = (dropped[reason] ?? 0) + n;
  return { matrix, report, rows: { input: keys.prepared.rows, dropped }, errors };
}

function sameDays(a: Int32Array, b: Int32Array | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
