import { QuantbookError } from '../errors';
import type { RunRecord } from './run-record';

export type MetricOp = '>' | '>=' | '<' | '<=' | '==' | '!=';
export const METRIC_OPS: readonly MetricOp[] = ['>=', '<=', '==', '!=', '>', '<'];

export interface MetricCondition {
  metric: string;
  op: MetricOp;
  value: number;
}

/** Every field narrows the list; a run must pass all of them. */
export interface RunFilter {
  /** The run carries this tag. */
  tag?: string;
  kind?: string;
  /** Case-insensitive substring of the run name. */
  name?: string;
  signal?: string;
  strategy?: string;
  /** Created at or after: ISO date ('2026-11-01', the start of that UTC day) or timestamp, or a Date. */
  since?: string | Date;
  /** Created at or before: an ISO date includes that whole UTC day. */
  until?: string | Date;
  /** Metric thresholds; a run without the metric (or with null) does not pass. */
  where?: MetricCondition | MetricCondition[];
  /** At most this many runs (newest first). */
  limit?: number;
}

export function compileFilter(filter: RunFilter = {}): (run: RunRecord) => boolean {
  const since = filter.since === undefined ? undefined : boundary(filter.since, 'since');
  const until = filter.until === undefined ? undefined : boundary(filter.until, 'until');
  const where = filter.where === undefined ? [] : Array.isArray(filter.where) ? filter.where : [filter.where];
  for (const c of where) checkCondition(c);
  const name = filter.name?.toLowerCase();
  return (run) => {
    if (filter.tag !== undefined && !run.tags.includes(filter.tag)) return false;
    if (filter.kind !== undefined && run.kind !== filter.kind) return false;
    if (name !== undefined && !run.name.toLowerCase().includes(name)) return false;
    if (filter.signal !== undefined && run.signal !== filter.signal) return false;
    if (filter.strategy !== undefined && run.strategy !== filter.strategy) return false;
    const created = Date.parse(run.created_at);
    if (since !== undefined && created < since) return false;
    if (until !== undefined && created > until) return false;
    return where.every((c) => passes(run.metrics[c.metric], c));
  };
}

function passes(value: number | null | undefined, c: MetricCondition): boolean {
  if (value === null || value === undefined) return false;
  switch (c.op) {
    case '>': return value > c.value;
    case '>=': return value >= c.value;
    case '<': return value < c.value;
    case '<=': return value <= c.value;
    case '==': return value === c.value;
    case '!=': return value !== c.value;
  }
}

function checkCondition(c: MetricCondition): void {
  if (!c || typeof c.metric !== 'string' || !METRIC_OPS.includes(c.op) || !Number.isFinite(c.value)) {
    throw new QuantbookError(
      'BAD_FILTER',
      `metric condition ${JSON.stringify(c)} is not {metric, op, value}`,
      `op is one of ${METRIC_OPS.join(' ')} and value a finite number, e.g. {metric: 'sharpe', op: '>', value: 1}`,
    );
  }
}

const DAY_MS = 86_400_000;

/** Epoch ms; a bare date means the start of that UTC day for `since`, its last millisecond for `until`. */
function boundary(v: string | Date, which: 'since' | 'until'): number {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw badDate(which, String(v));
    return v.getTime();
  }
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw badDate(which, v);
  const bareDate = /^\d{4}-\d{2}-\d{2}$/.test(v);
  return bareDate && which === 'until' ? ms + DAY_MS - 1 : ms;
}

function badDate(which: string, v: string): QuantbookError {
  return new QuantbookError('BAD_FILTER', `${which}: '${v}' is not a date`, `use an ISO date such as 2026-11-01 or 2026-11-01T12:00:00Z`);
}

/** Parses `sharpe>1`, `max_drawdown>=-0.2`, `trades!=0` (the CLI's --where syntax). */
export function parseMetricCondition(text: string): MetricCondition {
  const m = /^\s*([A-Za-z_][\w.\-]*)\s*(>=|<=|==|!=|>|<|=)\s*(\S+)\s*$/.exec(text);
  const value = m ? Number(m[3]) : NaN;
  if (!m || !Number.isFinite(value)) {
    throw new QuantbookError('BAD_FILTER', `--where '${text}' is not METRIC OP NUMBER`, `write e.g. --where 'sharpe>1' (ops: ${METRIC_OPS.join(' ')})`);
  }
  return { metric: m[1], op: (m[2] === '=' ? '==' : m[2]) as MetricOp, value };
}
