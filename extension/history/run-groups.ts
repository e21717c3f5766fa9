import type { RunRecord } from '../../kernel-lib/tracking/run-record';

/**
 * The Run history view's shape: runs grouped by the local calendar day they were created,
 * newest day first, each labelled with its key metrics. No vscode import (unit-tested).
 */
export interface DayGroup {
  /** Local calendar day, 'YYYY-MM-DD'. */
  day: string;
  /** 'Today', 'Yesterday' or the day itself. */
  label: string;
  runs: RunRecord[];
}

/** `runs` in any order; within a day the newest run comes first. */
export function groupRunsByDay(runs: readonly RunRecord[], now: Date = new Date()): DayGroup[] {
  const byDay = new Map<string, RunRecord[]>();
  for (const run of [...runs].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))) {
    const day = localDay(new Date(run.created_at));
    const list = byDay.get(day);
    if (list) list.push(run);
    else byDay.set(day, [run]);
  }
  const today = localDay(now);
  const yesterday = localDay(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1, 12));
  return [...byDay.keys()]
    .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
    .map((day) => ({ day, label: day === today ? 'Today' : day === yesterday ? 'Yesterday' : day, runs: byDay.get(day)! }));
}

/** 'YYYY-MM-DD' in the machine's time zone: a run made at 23:30 belongs to that evening, not to UTC's next day. */
export function localDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Shown first when a run has them, in this order; otherwise the run's first metrics. */
export const KEY_METRICS = ['sharpe', 'ic_mean', 'ic_ir', 'cagr', 'total_return', 'max_drawdown', 'hit_rate', 'turnover', 'trades'] as const;

/** The metrics a tree item shows beside the run name, e.g. 'sharpe 1.23 · max_drawdown -0.18'. */
export function keyMetricsText(metrics: Record<string, number | null>, max = 3): string {
  const names = Object.keys(metrics);
  const preferred = KEY_METRICS.filter((k) => k in metrics);
  const chosen = [...preferred, ...names.filter((k) => !preferred.includes(k as (typeof KEY_METRICS)[number]))].slice(0, max);
  return chosen.map((k) => `${k} ${formatMetric(metrics[k])}`).join(' · ');
}

/** Four significant figures, integers as they are, NaN for a metric stored as null. */
export function formatMetric(v: number | null | undefined): string {
  if (v === undefined) return '-';
  if (v === null) return 'NaN';
  if (Number.isInteger(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 1e4 || abs < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** Local time of day, 'HH:MM:SS'. */
export function localTime(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
