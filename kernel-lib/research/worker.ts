import { parentPort } from 'node:worker_threads';
import type { ResearchPass, ResearchPassInput } from '../kernels/xs-research-pass';
import { runBlocks } from './pass-blocks';

/**
 * A research worker thread: runs the pass kernel on blocks of dates (the next free one until
 * none is left), writing into output arrays on SharedArrayBuffers owned by the caller
 * (research/parallel-pass.ts).
 */
parentPort?.on('message', (message: { input: ResearchPassInput; blocks: Int32Array; next: Int32Array; out: ResearchPass }) => {
  try {
    runBlocks(message.input, message.blocks, message.next, message.out);
    parentPort!.postMessage({ ok: true });
  } catch (e) {
    parentPort!.postMessage({ ok: false, message: (e as Error).stack ?? String(e) });
  }
});
