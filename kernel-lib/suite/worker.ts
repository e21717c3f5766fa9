import { parentPort } from 'node:worker_threads';
import { executeJob, transferables, type SharedSuiteData, type SuiteJob } from './jobs';

/**
 * A suite worker thread: receives the shared data once ('init'), matrices that become ready
 * later ('share'), then runs jobs one at a time and posts each result back with its buffers
 * transferred. Built to dist/suite-worker.js.
 */
type Message =
  | { type: 'init'; data: SharedSuiteData }
  | { type: 'share'; key: string; values: Float64Array }
  | { type: 'job'; job: SuiteJob };

let data: SharedSuiteData | undefined;

parentPort?.on('message', (message: Message) => {
  if (message.type === 'init') {
    data = message.data;
    return;
  }
  if (message.type === 'share') {
    if (data) data.signals[message.key] = message.values;
    return;
  }
  try {
    if (!data) throw new Error('suite worker: job before init');
    const result = executeJob(data, message.job);
    parentPort!.postMessage({ type: 'done', result }, transferables(result));
  } catch (e) {
    parentPort!.postMessage({ type: 'error', message: (e as Error).message });
  }
});
