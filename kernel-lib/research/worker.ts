import { parentPort } from 'node:worker_threads';
import { researchPass, type ResearchPass, type ResearchPassInput } from '../kernels/xs-research-pass';

/**
 * A research worker thread: runs the pass kernel on one block of dates, writing into output
 * arrays on SharedArrayBuffers owned by the caller (research/parallel-pass.ts).
 */
parentPort?.on('message', (message: { input: ResearchPassInput; range: { from: number; to: number }; out: ResearchPass }) => {
  try {
    researchPass(message.input, message.range, message.out);
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: (e as Error).stack ?? String(e) });
  }
});
