import pl from 'nodejs-polars';
import { requireParam } from '../errors';
import { dayToIso, isoToDay } from '../kernels/bridge';
import { classifyRows, type Classified } from './classify';
import { calendarRange, resolveContext, type ContractContext, type ResolvedContext } from './context';
import { lookaheadCorrelation, type LookaheadOptions } from './lookahead';
import { makeProblem, sortProblems, type ExampleRow, type Problem, type ValidationReport } from './report';
import { DROP_REASONS, reasonCode, type DropReason, type RuleId } from './rules';
import { constantDates, FLAG_BIT, firstRowsWithFlags, firstRowsWithReason, type Flag } from './row-kernel';
import { NULL_DAY } from './signal-arrays';
import { signalKeys, type SignalKeys } from './signal-keys';

export interface ValidateOptions extends ContractContext {
  /** The file the signal came from, named in the report and in row references. */
  file?: string;
  /** Bars of lag used to count what alignment would drop. Default 0. */
  lag?: number;
  /** The day after which date_sig is "in the future": ISO text or a Date. Default: today (UTC). */
  today?: string | Date;
  /** Calendar days between date_sig and date_avail above which a row is stale. Default 7. */
  staleAfterDays?: number;
  /** Example rows per problem. Default 3. */
  examples?: number;
  /** The lookahead test against realised returns (needs prices with close); false to skip. */
  lookahead?: boolean | LookaheadOptions;
  /**
   * The context already resolved (resolveContext) for several calls on the same data: used
   * instead of snapshot / calendar / prices / securities, which are then not read again.
   */
  context?: ResolvedContext;
}

/**
 * Checks a signal table against the contract (docs/contract.md) and, when given, a snapshot,
 * a calendar, prices or a list of securities. Never throws for bad data: every problem is in
 * the report, with its rule, severity, column, count, example rows and fix. `ok` is false
 * when any problem is an error. Bad options (a negative lag) do throw.
 */
export async function validateSignal(signal: pl.DataFrame | pl.LazyDataFrame | SignalKeys, options: ValidateOptions = {}): Promise<ValidationReport> {
  return (await validateClassified(signal, options)).report;
}

/**
 * validateSignal, also returning the row classification it was made from (null when the
 * signal could not be read), so a caller can align from it without classifying again
 * (classify.ts calendarOnlyAlignment).
 */
export async function validateClassified(
  signal: pl.DataFrame | pl.LazyDataFrame | SignalKeys,
  options: ValidateOptions = {},
  /** Called with the classification as soon as it exists, before the remaining checks (the lookahead test) run. */
  hooks: { classified?: (classified: Classified) => void } = {},
): Promise<{ report: ValidationReport; classified: Classified | null }> {
  const { lag, staleAfterDays, todayDay, exampleCount } = validationSettings(options);
  const keys = await signalKeys(signal, options.file);
  const prepared = keys.prepared;
  const context = options.context ?? (await resolveContext(options));
  let classified: Classified | null = null;
  const report: ValidationReport = {
    ok: true,
    ...(options.file ? { file: options.file } : {}),
    rows: prepared.rows,
    columns: prepared.columns,
    problems: [...prepared.problems],
    summary: { errors: 0, warnings: 0, usableRows: null, droppedByReason: {} },
    checkedAgainst: {
      snapshot: context.snapshotName,
      calendar: calendarRange(context.calendar),
      securities: context.securities ? context.securities.names.length : null,
      prices: context.prices !== null,
      today: dayToIso(todayDay),
      lag,
      staleAfterDays,
    },
    skipped: skippedChecks(context),
  };

  if (prepared.frame) {
    const frame = prepared.frame;
    const rowClasses = await classifyRows(keys.arrays ?? frame, context, { lag, todayDay, staleAfterDays });
    classified = rowClasses;
    hooks.classified?.(rowClasses);
    const examples: Examples = (rows, columns) => toExamples(frame, rowClasses, rows, columns);
    report.problems.push(...(rowProblems(rowClasses, examples, exampleCount, context, { staleAfterDays, todayDay, lag })));
    report.problems.push(...(await mixedSignals(frame, prepared.optional)));
    const constant = constantProblem(rowClasses, exampleCount);
    if (constant) report.problems.push(constant);

    const dropped: Partial<Record<DropReason, number>> = {};
    let droppedTotal = 0;
    for (const r of DROP_REASONS) {
      const n = rowClasses.reasonCounts[r];
      if (n > 0) dropped[r] = n;
      droppedTotal += n;
    }
    report.summary.droppedByReason = dropped;
    if (rowClasses.aligned) report.summary.usableRows = frame.height - droppedTotal;
    if (frame.height - droppedTotal === 0) {
      report.problems.push(makeProblem('no_usable_rows', null, frame.height, `alignment would drop every row (${frame.height}): ${formatDrops(dropped)}`));
    }
    if (options.lookahead !== false) {
      const result = await lookaheadCorrelation(rowClasses, context, typeof options.lookahead === 'object' ? options.lookahead : {});
      if (result === null) {
        if (context.prices) report.skipped.push('lookahead test: needs close prices and at least 5 sampled dates with 5+ securities each');
      } else if (Math.abs(result.meanCorrelation) >= result.threshold) {
        const worst = result.worst;
        report.problems.push(
          makeProblem('suspected_lookahead', 'signal', result.rows,
            `mean rank correlation between signal and the return of its first tradeable bar (realised after date_avail) is ${result.meanCorrelation.toFixed(3)} over ${result.dates} sampled dates (limit ${result.threshold}); honest signals stay near 0`,
            [], { meanCorrelation: round(result.meanCorrelation), dates: result.dates, worstDate: dayToIso(worst.day), worstCorrelation: round(worst.correlation) }),
        );
      }
    }
  }
  report.problems = sortProblems(report.problems.filter((p) => p.count > 0 || p.rule === 'empty' || p.rule === 'unreadable' || p.rule === 'missing_column'));
  report.summary.errors = report.problems.filter((p) => p.severity === 'error').length;
  report.summary.warnings = report.problems.length - report.summary.errors;
  report.ok = report.summary.errors === 0;
  return { report, classified };
}

/** The options with their defaults applied and checked (bad options throw BAD_PARAMETER). */
export function validationSettings(options: ValidateOptions): { lag: number; staleAfterDays: number; todayDay: number; exampleCount: number } {
  const lag = options.lag ?? 0;
  requireParam(Number.isInteger(lag) && lag >= 0, 'lag', `must be a whole number of bars >= 0, got ${lag}`);
  const staleAfterDays = options.staleAfterDays ?? 7;
  requireParam(Number.isFinite(staleAfterDays) && staleAfterDays >= 0, 'staleAfterDays', `must be a number of days >= 0, got ${staleAfterDays}`);
  const exampleCount = options.examples ?? 3;
  requireParam(Number.isInteger(exampleCount) && exampleCount >= 0, 'examples', `must be a whole number >= 0, got ${exampleCount}`);
  return { lag, staleAfterDays, todayDay: toDay(options.today), exampleCount };
}

type Examples = (rows: number[], columns: string[]) => ExampleRow[];

/** The row-level rules: one problem per rule with a non-zero count. */
function rowProblems(
  c: Classified,
  examples: Examples,
  limit: number,
  context: ResolvedContext,
  o: { staleAfterDays: number; todayDay: number; lag: number },
): Problem[] {
  const f = c.flagCounts;
  const out: Problem[] = [];
  const add = (rule: RuleId, column: string | null, flags: Flag[], message: (n: number) => string, exampleColumns: string[], details?: Record<string, number | string>) => {
    // Flags combined in one rule are exclusive per row (empty vs NaN, +inf vs -inf), so they add up.
    const n = flags.reduce((sum, flag) => sum + f[flag], 0);
    if (n === 0) return;
    const mask = flags.reduce((m, flag) => m | FLAG_BIT[flag], 0);
    out.push(makeProblem(rule, column, n, message(n), examples(firstRowsWithFlags(c.flags, mask, limit), exampleColumns), details));
  };
  const key = ['security_id', 'date_sig', 'date_avail', 'signal'];
  const cal = context.calendar;
  const first = cal ? dayToIso(cal.first) : '';
  const last = cal ? dayToIso(cal.last) : '';
  const today = dayToIso(o.todayDay);

  for (const [flag, column] of [['null_security', 'security_id'], ['null_date_sig', 'date_sig'], ['null_date_avail', 'date_avail']] as const) {
    add('null_key', column, [flag], (n) => `${rows(n, 'have', 'has')} an empty '${column}'`, key);
  }
  add('duplicate_key', 'date_sig', ['duplicate'], (n) => `${rows(n, 'share', 'shares')} their (security_id, date_sig) with another row`, key);
  add('avail_before_sig', 'date_avail', ['avail_before_sig'], (n) => `${rows(n, 'have', 'has')} date_avail earlier than date_sig: the value would be known before the day it describes`, key);
  add('future_date_sig', 'date_sig', ['future_sig'], (n) => `${rows(n, 'have', 'has')} date_sig after today (${today})`, key);
  add('infinite_signal', 'signal', ['pos_inf', 'neg_inf'], (n) => `${rows(n, 'have', 'has')} an infinite signal (+inf: ${f.pos_inf}, -inf: ${f.neg_inf})`, key, { '+inf': f.pos_inf, '-inf': f.neg_inf });
  add('nan_signal', 'signal', ['nan_signal'], (n) => `${rows(n, 'have', 'has')} a NaN signal`, key);
  add('missing_signal', 'signal', ['null_signal'], (n) => `${rows(n, 'have', 'has')} an empty signal (no view)`, key);
  const unknownIn = context.snapshotName ? `snapshot '${context.snapshotName}'` : context.securities?.hasPrices ? 'price data' : 'list of securities';
  add('unknown_security', 'security_id', ['unknown_security'], (n) => `${rows(n, 'name', 'names')} a security that is not in the ${unknownIn}`, key);
  add('avail_before_calendar', 'date_avail', ['avail_before_calendar'], (n) => `${rows(n, 'have', 'has')} date_avail before the calendar's first date ${first}`, key);
  add('beyond_calendar_end', 'date_avail', ['beyond_calendar_end'], (n) => `${rows(n, 'have', 'has')} no calendar bar after date_avail plus ${o.lag} bars of lag (the calendar ends ${last})`, key);
  add('not_listed_yet', 'security_id', ['not_listed_yet'], (n) => `${rows(n)} would trade before the security's first price bar`, [...key, 'trade_date', 'first_bar']);
  add('delisted', 'security_id', ['delisted'], (n) => `${rows(n)} would trade after the security's last price bar`, [...key, 'trade_date', 'last_bar']);
  add('price_gap', 'security_id', ['price_gap'], (n) => `${rows(n)} would trade on a day the security has no price bar`, [...key, 'trade_date']);
  add('sig_non_trading_day', 'date_sig', ['sig_non_trading_day'], (n) => `${rows(n, 'have', 'has')} date_sig on a day that is not a trading day of the calendar`, key);
  add('sig_before_first_bar', 'date_sig', ['sig_before_first_bar'], (n) => `${rows(n, 'have', 'has')} date_sig before the security's first price bar`, [...key, 'first_bar']);
  add('stale_availability', 'date_avail', ['stale'], (n) => `${rows(n, 'become', 'becomes')} available more than ${o.staleAfterDays} days after date_sig`, key, { staleAfterDays: o.staleAfterDays });
  add('future_date_avail', 'date_avail', ['future_avail'], (n) => `${rows(n, 'have', 'has')} date_avail after today (${today})`, key);
  const superseded = c.reasonCounts.superseded;
  if (superseded > 0) {
    out.push(
      makeProblem('superseded', 'date_avail', superseded,
        `${rows(superseded, 'reach', 'reaches')} a trade date that a later-available row of the same security also reaches (lag ${o.lag}); the later one is kept`,
        examples(firstRowsWithReason(c.reason, reasonCode('superseded'), limit), [...key, 'trade_date'])),
    );
  }
  return out;
}

/** Example rows with the chosen columns as text; trade_date/first_bar/last_bar come from the classification. */
function toExamples(frame: pl.DataFrame, c: Classified, rows: number[], columns: string[]): ExampleRow[] {
  if (rows.length === 0) return [];
  const records = frame.select(...columns.filter((x) => frame.columns.includes(x)).map((x) => pl.col(x).gather(rows))).toRecords() as Record<string, unknown>[];
  const table = c.securityOf ? c.securityOf : null;
  return rows.map((i, k) => {
    const ex: ExampleRow = { row: i + 1 };
    const sec = table && c.arrays.code[i] >= 0 ? table[c.arrays.code[i]] : -1;
    for (const col of columns) {
      if (col === 'trade_date') ex.trade_date = c.tradeDay[i] === NULL_DAY ? null : dayToIso(c.tradeDay[i]);
      else if (col === 'first_bar' || col === 'last_bar') ex[col] = sec >= 0 && c.firstDay ? dayOrNull((col === 'first_bar' ? c.firstDay : c.lastDay!)[sec]) : null;
      else ex[col] = toText(records[k][col]);
    }
    return ex;
  });
}

/** '1 row has' / '3 rows have' (or just '1 row' / '3 rows' without verbs). */
function rows(n: number, plural?: string, singular?: string): string {
  const noun = n === 1 ? '1 row' : `${n} rows`;
  return plural ? `${noun} ${n === 1 ? singular : plural}` : noun;
}

function dayOrNull(day: number): string | null {
  return day === NULL_DAY ? null : dayToIso(day);
}

function toText(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'number') return Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf';
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

async function mixedSignals(frame: pl.DataFrame, optional: string[]): Promise<Problem[]> {
  const out: Problem[] = [];
  for (const c of ['signal_name', 'version'].filter((x) => optional.includes(x))) {
    const values = await frame.lazy().select(pl.col(c)).unique().sort(c).limit(6).collect();
    if (values.height > 1) {
      const shown = (values.getColumn(c).toArray() as (string | null)[]).map((v) => (v === null ? '(empty)' : `'${v}'`));
      out.push(makeProblem('mixed_signals', c, frame.height, `column '${c}' holds ${values.height > 5 ? 'more than 5' : values.height} different values (${shown.slice(0, 5).join(', ')})`));
    }
  }
  return out;
}

function constantProblem(c: Classified, limit: number): Problem | null {
  const dates = constantDates(c.arrays.code, c.arrays.sigDay, c.arrays.signal);
  if (dates.length === 0) return null;
  const rows = dates.reduce((n, d) => n + d.rows, 0);
  const examples = dates.slice(0, limit).map((d) => ({ row: d.firstRow + 1, date_sig: dayToIso(d.day), signal: toText(d.value), securities: d.rows }));
  return makeProblem('constant_cross_section', 'signal', rows, `on ${dates.length === 1 ? '1 date' : `${dates.length} dates`} every security has the same signal value`, examples, { dates: dates.length });
}

function skippedChecks(context: ResolvedContext): string[] {
  const out: string[] = [];
  if (!context.calendar) out.push('calendar rules (dates outside the calendar, non-trading days, trade dates, usable rows): pass a snapshot or a calendar');
  if (!context.securities) out.push('unknown securities: pass a snapshot, prices or a list of securities');
  if (!context.prices) out.push('late listings, delistings, price gaps and the lookahead test: pass a snapshot or prices');
  return out;
}

function formatDrops(dropped: Partial<Record<DropReason, number>>): string {
  return Object.entries(dropped).map(([r, n]) => `${r}: ${n}`).join(', ') || 'no rows';
}

function toDay(today: string | Date | undefined): number {
  if (today === undefined) return Math.floor(Date.now() / 86_400_000);
  if (today instanceof Date) return Math.floor(today.getTime() / 86_400_000);
  requireParam(/^\d{4}-\d{2}-\d{2}$/.test(today), 'today', `must be an ISO date YYYY-MM-DD, got '${today}'`);
  return isoToDay(today);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

