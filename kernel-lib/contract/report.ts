import { DROP_REASONS, RULES, type DropReason, type RuleId, type Severity } from './rules';

/** One example row: its 1-based row number in the input and the values that matter (dates as ISO text). */
export type ExampleRow = { row: number } & Record<string, string | number | boolean | null>;

export interface Problem {
  rule: RuleId;
  severity: Severity;
  /** The column at fault, or null when the problem concerns the whole table. */
  column: string | null;
  /** Rows concerned (for constant_cross_section: rows on the dates concerned). */
  count: number;
  /** The first few offending rows, in input order. */
  examples: ExampleRow[];
  message: string;
  fix: string;
  /** True when alignSignal drops these rows. */
  dropped: boolean;
  /** Sub-counts, e.g. { null: 3, nan: 2 } for missing_signal, { dates: 4 } for constant_cross_section. */
  details?: Record<string, number | string>;
}

export interface ValidationReport {
  /** False when the signal cannot be used (any error). */
  ok: boolean;
  file?: string;
  /** Data rows in the input. */
  rows: number;
  columns: { name: string; dtype: string }[];
  problems: Problem[];
  summary: {
    errors: number;
    warnings: number;
    /** Rows alignSignal would keep with `lag` (null when no calendar was available to align with). */
    usableRows: number | null;
    /** Rows alignSignal would drop, by reason (each row counted once; see DROP_REASONS for the order). */
    droppedByReason: Partial<Record<DropReason, number>>;
  };
  /** What the signal was checked against. */
  checkedAgainst: {
    snapshot: string | null;
    calendar: { first: string; last: string; bars: number } | null;
    securities: number | null;
    prices: boolean;
    today: string;
    lag: number;
    staleAfterDays: number;
  };
  /** Checks that did not run, and why (e.g. unknown securities without a snapshot). */
  skipped: string[];
}

export function makeProblem(
  rule: RuleId,
  column: string | null,
  count: number,
  message: string,
  examples: ExampleRow[] = [],
  details?: Record<string, number | string>,
  fix?: string,
): Problem {
  const info = RULES[rule];
  const problem: Problem = { rule, severity: info.severity, column, count, examples, message, fix: fix ?? info.fix, dropped: info.dropped };
  if (details) problem.details = details;
  return problem;
}

/** Errors first, then warnings; within a severity, rows dropped before rows kept, larger counts first. */
export function sortProblems(problems: Problem[]): Problem[] {
  const rank = (p: Problem) => (p.severity === 'error' ? 0 : 2) + (p.dropped ? 0 : 1);
  return [...problems].sort((a, b) => rank(a) - rank(b) || b.count - a.count);
}

/** The report as text for a terminal: a verdict line, then one block per problem. */
export function formatReport(report: ValidationReport): string {
  const lines: string[] = [];
  const name = report.file ? `${report.file}: ` : '';
  const { errors, warnings, usableRows } = report.summary;
  const verdict = report.ok ? 'OK - the signal can be used' : 'NOT USABLE - fix the errors below';
  lines.push(`${name}${verdict}`);
  lines.push(
    `  ${report.rows} row${report.rows === 1 ? '' : 's'}; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}` +
      (usableRows === null ? '' : `; ${usableRows} rows usable after alignment (lag ${report.checkedAgainst.lag})`),
  );
  const against = report.checkedAgainst;
  const cal = against.calendar ? `calendar ${against.calendar.first}..${against.calendar.last} (${against.calendar.bars} bars)` : 'no calendar';
  lines.push(`  checked against: ${against.snapshot ? `snapshot ${against.snapshot}, ` : ''}${cal}, today ${against.today}`);
  for (const p of report.problems) {
    lines.push('');
    lines.push(`${p.severity.toUpperCase()} [${p.rule}]${p.column ? ` column '${p.column}'` : ''}: ${p.message}`);
    lines.push(`  rows: ${p.count}${p.dropped ? ' (dropped by alignment)' : ''}${p.details ? `  ${formatDetails(p.details)}` : ''}`);
    for (const ex of p.examples) lines.push(`  e.g. ${formatExample(ex)}`);
    lines.push(`  fix: ${p.fix}`);
  }
  const drops = DROP_REASONS.filter((r) => (report.summary.droppedByReason[r] ?? 0) > 0);
  if (drops.length > 0) {
    lines.push('');
    lines.push(`alignment would drop: ${drops.map((r) => `${r} ${report.summary.droppedByReason[r]}`).join(', ')}`);
  }
  if (report.skipped.length > 0) {
    lines.push('');
    for (const s of report.skipped) lines.push(`not checked: ${s}`);
  }
  return lines.join('\n');
}

function formatDetails(details: Record<string, number | string>): string {
  return '(' + Object.entries(details).map(([k, v]) => `${k}: ${v}`).join(', ') + ')';
}

function formatExample(ex: ExampleRow): string {
  const { row, ...rest } = ex;
  return `row ${row}: ` + Object.entries(rest).map(([k, v]) => `${k}=${v === null ? '(empty)' : v}`).join(', ');
}
