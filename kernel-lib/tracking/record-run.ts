import { RunHistory, type RunInput } from './run-history';
import type { RunRecord } from './run-record';

let defaultHistory: RunHistory | undefined;

/**
 * The history `recordRun` writes to: set by `useRunHistory`, else one at the default
 * location (env QUANTBOOK_RUNS, else `<workspace>/.quantbook/runs`).
 */
export function runHistory(): RunHistory {
  defaultHistory ??= new RunHistory();
  return defaultHistory;
}

/** Points `recordRun` (and every API call that records) at another history, e.g. a temp folder in tests. */
export function useRunHistory(history: RunHistory | string | undefined): void {
  defaultHistory = history === undefined ? undefined : typeof history === 'string' ? new RunHistory({ root: history }) : history;
}

/**
 * The hook every analysis uses to leave a run in the history: kind, name, params, metrics
 * and artifacts. Returns the stored record (its `run_id` identifies the result).
 */
export function recordRun(input: RunInput, history: RunHistory = runHistory()): Promise<RunRecord> {
  return history.record(input);
}
