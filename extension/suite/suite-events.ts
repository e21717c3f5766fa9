/**
 * The suite's progress protocol (`quantbook suite --progress-json`, docs/suite.md): one JSON
 * object per stderr line. Parsed here without vscode so it is unit-tested.
 */
export type SuiteEvent =
  | { type: 'progress'; done: number; total: number; label: string }
  | { type: 'result'; tearsheet: string; out: string; run_id: string | null; verdict: string }
  | { type: 'error'; code: string; message: string };

/** The event on a stderr line, or undefined for anything else (a warning, a stray log line). */
export function parseSuiteEvent(line: string): SuiteEvent | undefined {
  const text = line.trim();
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const e = value as Record<string, unknown>;
  if (e.type === 'progress' && typeof e.done === 'number' && typeof e.total === 'number') {
    return { type: 'progress', done: e.done, total: e.total, label: typeof e.label === 'string' ? e.label : '' };
  }
  if (e.type === 'result' && typeof e.tearsheet === 'string') {
    return { type: 'result', tearsheet: e.tearsheet, out: typeof e.out === 'string' ? e.out : '', run_id: typeof e.run_id === 'string' ? e.run_id : null, verdict: String(e.verdict ?? '') };
  }
  if (e.type === 'error' && typeof e.message === 'string') return { type: 'error', code: String(e.code ?? 'ERROR'), message: e.message };
  return undefined;
}

/**
 * Turns progress events into the increments VS Code's progress bar wants (it adds them up):
 * the share of work done, never going backwards when `total` grows.
 */
export class ProgressTracker {
  private reported = 0;

  /** Percent to add for this event (0 when the share did not grow). */
  increment(done: number, total: number): number {
    const share = total > 0 ? Math.min(100, (100 * done) / total) : 0;
    const step = Math.max(0, share - this.reported);
    this.reported += step;
    return step;
  }
}
