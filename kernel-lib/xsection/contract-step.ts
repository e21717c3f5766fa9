import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { alignSignal } from '../contract/align';
import type { SnapshotLike } from '../contract/context';
import { formatReport, type ValidationReport } from '../contract/report';
import { validateSignal } from '../contract/validate';
import type { XsPanel } from './panel';
import type { DropCounts } from './result';
import { signalMatrix, type SignalMatrix } from './signal-matrix';

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
  calendar: pl.DataFrame;
  panel: Pick<XsPanel, 'calendar' | 'securities'>;
  /** Run validateSignal first (default true when a snapshot is given). */
  validate?: boolean;
  /** Name of the file, for messages. */
  file?: string;
  /** Passed to validateSignal (its lookahead test needs close prices). Default true. */
  lookahead?: boolean;
}

/** Errors of these rules do not stop a suite: alignment drops and counts their rows, or (lookahead) the verdict flags it. */
const NON_BLOCKING = new Set(['suspected_lookahead']);

export async function contractStep(signal: pl.DataFrame | pl.LazyFrame, options: ContractStepOptions): Promise<ContractStep> {
  let report: ValidationReport | undefined;
  const errors: ContractStep['errors'] = [];
  if (options.snapshot && options.validate !== false) {
    // prices given explicitly: the close column is all the checks need.
    const prices = options.snapshot.prices({ columns: ['close'] });
    report = await validateSignal(signal, { snapshot: options.snapshot, prices, file: options.file, lag: 0, lookahead: options.lookahead ?? true });
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
  const aligned = await alignSignal(signal, options.calendar, { lag: 0 });
  const matrix = await signalMatrix(aligned.frame, options.panel);
  const dropped: DropCounts = {};
  for (const [reason, n] of Object.entries(aligned.counts.byReason)) if (n > 0) dropped[reason] = n;
  for (const [reason, n] of Object.entries(matrix.dropped)) if (n > 0) dropped[reason] = (dropped[reason] ?? 0) + n;
  return { matrix, report, rows: { input: aligned.counts.input, dropped }, errors };
}
