/**
 * The kernel host: a child process (one per notebook) that runs TypeScript cells with
 * tslab's executor in-process - no Jupyter, no ZeroMQ. It talks to its KernelClient over
 * Node IPC (protocol.ts). Start it with `fork(kernel-host.js, {cwd: notebookDir})`;
 * env QUANTBOOK_KERNEL_LIB names the bundle that `import 'quantbook'` loads.
 *
 * What it adds to tslab: the value of the last expression as a result bundle (tslab only
 * console.logs it), execution counts, errors with name, message and cell line, captured
 * stdout/stderr and display bundles tagged with the execution id, interrupt by SIGINT.
 */
import vm from 'node:vm';
import { onQuantbookEvent } from '../tracking/events';
import { packageVersion, runtimeVersions } from '../tracking/versions';
import { cellFileName, compileError, runtimeError, type CellRecord, type Diagnostic } from './cell-errors';
import { mimeBundle } from './display';
import { hookRequire, hookTypes, kernelModules } from './module-hooks';
import type { ClientMessage, HostMessage, KernelOutput, KernelVersions, MimeBundle } from './protocol';

type Converter = import('tslab/dist/converter').Converter;

function send(message: HostMessage): void {
  if (process.connected) process.send!(message);
}

let currentId: string | null = null;
/** Where output that arrives between cells (timers, late promises) goes: the last cell. */
let lastId: string | null = null;
let executionCount = 0;
const cells = new Map<number, CellRecord>();

function emit(output: KernelOutput): void {
  const id = currentId ?? lastId;
  if (id === null) return;
  send({ id, ...output });
}

/** What tslab reports about the running cell through the console it was given. */
interface CellReport {
  diagnostics: Diagnostic[];
  thrown?: { value: unknown };
  lastValue?: { value: unknown };
  converted?: CellRecord;
}

function freshReport(): CellReport {
  return { diagnostics: [] };
}

function captureStreams(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (currentId ?? lastId) emit({ type: 'stream', name, text });
      else write(text);
      const cb = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
      if (typeof cb === 'function') queueMicrotask(() => (cb as () => void)());
      return true;
    }) as typeof stream.write;
  }
}

/** A converter created on first use: tslab asks for a browser one too, which only `//%browser` cells need. */
function lazyConverter(make: () => Converter): Converter {
  let conv: Converter | undefined;
  const get = () => (conv ??= make());
  return {
    convert: (prev, src) => get().convert(prev, src),
    inspect: (prev, src, pos) => get().inspect(prev, src, pos),
    complete: (prev, src, pos) => get().complete(prev, src, pos),
    addModule: (name, content, meta) => get().addModule(name, content, meta),
    close: () => conv?.close(),
  };
}

function versions(): KernelVersions {
  const rt = runtimeVersions();
  const ts = require('@tslab/typescript-for-tslab') as { version: string };
  return { ...rt, tslab: packageVersion('tslab') ?? 'unknown', typescript: ts.version };
}

function main(): void {
  const cwd = process.cwd();
  const libPath = process.env.QUANTBOOK_KERNEL_LIB;
  if (libPath) {
    const modules = kernelModules(cwd, libPath);
    hookRequire(modules);
    hookTypes(require('@tslab/typescript-for-tslab'), modules);
  }
  const { createConverter } = require('tslab/dist/converter') as typeof import('tslab/dist/converter');
  const { createExecutor } = require('tslab/dist/executor') as typeof import('tslab/dist/executor');
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };

  const node = createConverter();
  const browser = lazyConverter(() => createConverter({ isBrowser: true }));
  let report = freshReport();
  // Remember what each cell compiled to, to map stack frames back to cell lines.
  const nodeConverter: Converter = {
    ...node,
    convert(prev, src) {
      const result = node.convert(prev, src);
      report.converted = { source: src, output: result.output ?? '' };
      return result;
    },
  };
  const executorConsole = {
    // tslab prints exactly one thing with log: the last expression's value
    log(value?: unknown) {
      report.lastValue = { value };
    },
    error(first?: unknown, ...rest: unknown[]) {
      if (first === '%s%d:%d - %s' && rest.length === 4) {
        report.diagnostics.push({ file: String(rest[0]).trim() || undefined, line: Number(rest[1]), character: Number(rest[2]), message: String(rest[3]) });
      } else {
        report.thrown = { value: first };
      }
    },
  };
  const executor = createExecutor(cwd, { node: nodeConverter, browser, close: () => (node.close(), browser.close()) }, executorConsole);

  // Name every cell's script after its execution, so stack frames say which cell ran.
  const runInThisContext = vm.runInThisContext;
  (vm as { runInThisContext: typeof vm.runInThisContext }).runInThisContext = (code, options) => {
    const opts = typeof options === 'string' ? { filename: options } : { ...options };
    return runInThisContext(code, { ...opts, filename: cellFileName(executionCount) });
  };

  jupyter.lastWriteDisplayData = (data: { data: MimeBundle }) => emit({ type: 'display', data: data.data });
  onQuantbookEvent((event) => send({ type: 'event', id: currentId ?? lastId, event }));
  captureStreams();

  process.on('SIGINT', () => executor.interrupt());
  // a timer or promise of an earlier cell that throws must not take the kernel down
  const late = (what: string) => (e: unknown) => {
    const error = runtimeError(e, cells, executionCount);
    emit({ type: 'stream', name: 'stderr', text: `${what}: ${error.traceback.join('\n')}\n` });
  };
  process.on('uncaughtException', late('Uncaught exception'));
  process.on('unhandledRejection', late('Unhandled promise rejection'));

  const queue: Extract<ClientMessage, { type: 'execute' }>[] = [];
  let running = false;
  async function drain(): Promise<void> {
    if (running) return;
    running = true;
    while (queue.length) {
      const request = queue.shift()!;
      await execute(request.id, request.code);
    }
    running = false;
  }

  async function execute(id: string, code: string): Promise<void> {
    const started = performance.now();
    currentId = id;
    lastId = id;
    executionCount++;
    report = freshReport();
    let ok = false;
    try {
      ok = await executor.execute(code);
    } catch (e) {
      report.thrown = { value: e };
    }
    const { diagnostics, thrown, lastValue, converted } = report;
    if (converted) cells.set(executionCount, converted);
    let failed = !ok || diagnostics.length > 0 || thrown !== undefined;
    if (diagnostics.length) emit(compileError(diagnostics));
    else if (thrown) emit(runtimeError(thrown.value, cells, executionCount));
    else if (lastValue) {
      try {
        emit({ type: 'result', data: mimeBundle(lastValue.value) });
      } catch (e) {
        emit(runtimeError(e, cells, executionCount));
        failed = true;
      }
    }
    // let writes queued by the cell's last statements reach the client before 'done'
    await new Promise((r) => setImmediate(r));
    currentId = null;
    send({ type: 'done', id, ok: !failed, executionCount, ms: Math.round(performance.now() - started) });
  }

  process.on('message', (message: ClientMessage) => {
    switch (message.type) {
      case 'execute':
        queue.push(message);
        void drain();
        break;
      case 'interrupt':
        executor.interrupt();
        break;
      case 'shutdown':
        executor.close();
        process.exit(0);
    }
  });
  // the client going away (closed IPC channel) ends the kernel
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', versions: versions() });
}

try {
  main();
} catch (e) {
  process.stderr.write(`quantbook kernel host failed to start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}

