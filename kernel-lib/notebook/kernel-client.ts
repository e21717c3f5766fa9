import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QuantbookError } from '../errors';
import type { QuantbookEvent } from '../tracking/events';
import { quantbookPackage } from '../tracking/versions';
import type { ClientMessage, ErrorOutput, HostMessage, KernelOutput, KernelVersions } from './protocol';

export interface KernelStartOptions {
  /** Folder the cells run in: relative imports and files resolve from here (the notebook's folder). */
  cwd: string;
  /** The workspace: runs and snapshots default to `<workspace>/.quantbook` (sets QUANTBOOK_WORKSPACE/RUNS/CATALOG unless set). */
  workspace?: string;
  /** Node 24 binary running the host. Default: the current one. */
  nodePath?: string;
  /** The kernel host script. Default: kernel-host.js beside the running bundle, else the TypeScript source (through tsx). */
  hostPath?: string;
  /** What `import 'quantbook'` loads. Default: dist/kernel-lib.js of this Quantbook. */
  libPath?: string;
  env?: Record<string, string>;
  /** How long a cell may ignore an interrupt before the kernel is restarted. Default 2000 ms. */
  interruptGraceMs?: number;
  /** How long the host may take to start. Default 60 s (tslab's compiler takes ~3 s on an idle machine). */
  startTimeoutMs?: number;
}

export interface ExecuteOptions {
  /** Called with each output as it arrives (streams, displays, the result, an error). */
  onOutput?: (output: KernelOutput) => void;
  cellIndex?: number;
}

export type ExecuteStatus = 'ok' | 'error' | 'interrupted' | 'died';

export interface ExecuteResult {
  ok: boolean;
  status: ExecuteStatus;
  /** The kernel's execution counter after this cell (1 for the first cell after a start). */
  executionCount: number;
  outputs: KernelOutput[];
  ms: number;
}

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True for shutdown() and restart(); false for a crash. */
  expected: boolean;
  /** The host's last stderr lines, which usually say why it died. */
  stderr: string;
}

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead' | 'closed';

interface Pending {
  id: string;
  code: string;
  options: ExecuteOptions;
  outputs: KernelOutput[];
  started: number;
  interrupted: boolean;
  resolve(result: ExecuteResult): void;
}

/**
 * Runs notebook cells in a kernel host process (one per notebook). Executions are queued
 * and sent one at a time, so "run all" is a plain loop of `execute` calls and no request
 * can be dropped by the kernel. Events: 'exit' (KernelExit; a crash leaves the client
 * 'dead' until `restart()`), 'restart', 'event' (QuantbookEvent: runs recorded and data
 * read by the cells), 'output' (output that arrived after its cell finished).
 */
export class KernelClient extends EventEmitter {
  versions!: KernelVersions;
  private child!: ChildProcess;
  private queue: Pending[] = [];
  private running: Pending | undefined;
  private stateValue: KernelState = 'starting';
  private stderrTail = '';
  private expectingExit = false;
  private lastId: string | undefined;

  private constructor(private readonly options: KernelStartOptions) {
    super();
  }

  static async start(options: KernelStartOptions): Promise<KernelClient> {
    const client = new KernelClient(options);
    await client.spawn();
    return client;
  }

  get state(): KernelState {
    return this.stateValue;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    if (this.stateValue === 'dead' || this.stateValue === 'closed') {
      return Promise.reject(new QuantbookError('KERNEL_DEAD', `the kernel is ${this.stateValue}`, this.stateValue === 'dead' ? 'restart it (kernel.restart())' : 'start a new kernel'));
    }
    return new Promise((resolve) => {
      this.queue.push({ id: randomUUID(), code, options, outputs: [], started: 0, interrupted: false, resolve });
      this.pump();
    });
  }

  /**
   * Stops the running cell: SIGINT breaks synchronous code (a busy loop) and rejects the
   * awaited promise of an async cell. A cell that still runs after the grace period (a busy
   * loop after an `await`, native code) is stopped by restarting the kernel; its state is lost.
   * Queued cells are cancelled either way.
   */
  async interrupt(): Promise<'idle' | 'interrupted' | 'restarted'> {
    const running = this.running;
    for (const p of this.queue.splice(0)) p.resolve(cancelled(p, 'interrupted', 'cancelled: an earlier cell was interrupted'));
    if (!running) return 'idle';
    running.interrupted = true;
    const done = new Promise<boolean>((r) => {
      const finish = () => r(true);
      this.once(`done:${running.id}`, finish);
      setTimeout(() => {
        this.off(`done:${running.id}`, finish);
        r(false);
      }, this.options.interruptGraceMs ?? 2000);
    });
    this.child.kill('SIGINT');
    this.send({ type: 'interrupt' });
    if (await done) return 'interrupted';
    await this.restart();
    return 'restarted';
  }

  /** A fresh host process: all state is lost, the execution count starts again. */
  async restart(): Promise<void> {
    await this.stop('restart');
    await this.spawn();
    this.emit('restart');
  }

  async shutdown(): Promise<void> {
    await this.stop('shutdown');
    this.stateValue = 'closed';
  }

  private async stop(why: 'restart' | 'shutdown'): Promise<void> {
    const failRunning = why === 'restart' ? 'the kernel was restarted' : 'the kernel was shut down';
    if (this.running) this.finish(this.running, diedResult(this.running, why === 'restart' && this.running.interrupted ? 'interrupted' : 'died', why === 'restart' && this.running.interrupted ? 'the cell did not stop when interrupted; the kernel was restarted and its state is lost' : failRunning));
    for (const p of this.queue.splice(0)) p.resolve(cancelled(p, 'died', `cancelled: ${failRunning}`));
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    this.expectingExit = true;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (why === 'shutdown' && child.connected) {
      this.send({ type: 'shutdown' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    } else {
      child.kill('SIGKILL');
      await exited;
    }
  }

  private spawn(): Promise<void> {
    const { cwd, nodePath, env } = this.options;
    const { hostPath, execArgv } = resolveHost(this.options.hostPath);
    const workspace = this.options.workspace ? resolve(this.options.workspace) : undefined;
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...(workspace && {
        QUANTBOOK_WORKSPACE: process.env.QUANTBOOK_WORKSPACE ?? workspace,
        QUANTBOOK_RUNS: process.env.QUANTBOOK_RUNS ?? join(workspace, '.quantbook', 'runs'),
        QUANTBOOK_CATALOG: process.env.QUANTBOOK_CATALOG ?? join(workspace, '.quantbook', 'snapshots'),
      }),
      ...env,
      QUANTBOOK_KERNEL_LIB: this.options.libPath ?? defaultLibPath(),
    };
    this.stateValue = 'starting';
    this.expectingExit = false;
    this.stderrTail = '';
    const child = fork(hostPath, [], {
      cwd: resolve(cwd),
      env: childEnv,
      execPath: nodePath ?? process.execPath,
      execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    // Output written below the JavaScript streams (native code, the host itself) goes to the running cell.
    child.stdout!.on('data', (b: Buffer) => this.nativeOutput('stdout', b.toString('utf8')));
    child.stderr!.on('data', (b: Buffer) => {
      const text = b.toString('utf8');
      this.stderrTail = (this.stderrTail + text).slice(-4000);
      this.nativeOutput('stderr', text);
    });
    return new Promise((resolveStart, rejectStart) => {
      let started = false;
      const timer = setTimeout(() => {
        if (started) return;
        child.kill('SIGKILL');
        rejectStart(new QuantbookError('KERNEL_START', `the kernel host did not start within ${(this.options.startTimeoutMs ?? 60_000) / 1000} s`, 'check that Node 24 and tslab are installed (npm ci)'));
      }, this.options.startTimeoutMs ?? 60_000);
      child.on('message', (m: HostMessage) => {
        if (m.type === 'ready') {
          started = true;
          clearTimeout(timer);
          this.versions = m.versions;
          this.stateValue = 'idle';
          resolveStart();
          this.pump();
          return;
        }
        this.onHostMessage(m);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (child !== this.child) return;
        const expected = this.expectingExit;
        if (!started) {
          this.stateValue = 'dead';
          rejectStart(new QuantbookError('KERNEL_START', `the kernel host exited while starting (code ${code}, signal ${signal}): ${this.stderrTail.trim().split('\n').slice(-5).join(' | ')}`, `check ${hostPath} and that Node 24 runs it`));
          return;
        }
        if (!expected) {
          this.stateValue = 'dead';
          const why = `the kernel died (${signal ? `signal ${signal}` : `exit code ${code}`})`;
          if (this.running) this.finish(this.running, diedResult(this.running, 'died', `${why}; restart the kernel. ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}`.trim()));
          for (const p of this.queue.splice(0)) p.resolve(cancelled(p, 'died', `cancelled: ${why}`));
        }
        this.emit('exit', { code, signal, expected, stderr: this.stderrTail } satisfies KernelExit);
      });
    });
  }

  private onHostMessage(m: HostMessage): void {
    if (m.type === 'event') {
      this.emit('event', m.event as QuantbookEvent);
      return;
    }
    if (m.type === 'ready') return;
    const pending = this.running && this.running.id === m.id ? this.running : undefined;
    if (m.type === 'done') {
      if (!pending) return;
      const status: ExecuteStatus = m.ok ? 'ok' : pending.outputs.some((o) => o.type === 'error' && o.ename === 'Interrupted') ? 'interrupted' : 'error';
      this.finish(pending, { ok: m.ok, status, executionCount: m.executionCount, outputs: pending.outputs, ms: m.ms });
      return;
    }
    const { id: _id, ...output } = m;
    if (pending) {
      pending.outputs.push(output);
      pending.options.onOutput?.(output);
    } else {
      this.emit('output', output, m.id);
    }
  }

  private nativeOutput(name: 'stdout' | 'stderr', text: string): void {
    const output: KernelOutput = { type: 'stream', name, text };
    if (this.running) {
      this.running.outputs.push(output);
      this.running.options.onOutput?.(output);
    } else if (this.stateValue !== 'starting') {
      this.emit('output', output, this.lastId);
    }
  }

  private finish(p: Pending, result: ExecuteResult): void {
    if (this.running !== p) return;
    this.running = undefined;
    this.lastId = p.id;
    if (this.stateValue === 'busy') this.stateValue = 'idle';
    this.emit(`done:${p.id}`);
    p.resolve(result);
    this.pump();
  }

  private pump(): void {
    if (this.running || this.stateValue !== 'idle') return;
    const next = this.queue.shift();
    if (!next) return;
    this.running = next;
    this.stateValue = 'busy';
    next.started = performance.now();
    this.send({ type: 'execute', id: next.id, code: next.code, ...(next.options.cellIndex !== undefined && { cellIndex: next.options.cellIndex }) });
  }

  private send(message: ClientMessage): void {
    if (this.child.connected) this.child.send(message);
  }
}

function diedResult(p: Pending, status: ExecuteStatus, message: string): ExecuteResult {
  const error: ErrorOutput = {
    type: 'error',
    ename: status === 'interrupted' ? 'Interrupted' : 'KernelDied',
    evalue: message,
    traceback: [`${status === 'interrupted' ? 'Interrupted' : 'KernelDied'}: ${message}`],
  };
  p.outputs.push(error);
  p.options.onOutput?.(error);
  return { ok: false, status, executionCount: 0, outputs: p.outputs, ms: Math.round(performance.now() - p.started) };
}

function cancelled(p: Pending, status: ExecuteStatus, message: string): ExecuteResult {
  const error: ErrorOutput = { type: 'error', ename: 'Cancelled', evalue: message, traceback: [message] };
  return { ok: false, status, executionCount: 0, outputs: [error], ms: 0 };
}

/**
 * The host script. Bundled (dist/cli.js, dist/extension.js) it sits beside us as
 * kernel-host.js; run from source (tests, tsx) it is the .ts file, loaded through tsx.
 */
function resolveHost(explicit?: string): { hostPath: string; execArgv: string[] } {
  if (explicit) return { hostPath: explicit, execArgv: explicit.endsWith('.ts') ? tsxArgs() : [] };
  const bundled = join(__dirname, 'kernel-host.js');
  if (existsSync(bundled)) return { hostPath: bundled, execArgv: [] };
  const source = join(__dirname, 'kernel-host.ts');
  if (existsSync(source)) return { hostPath: source, execArgv: tsxArgs() };
  throw new QuantbookError('KERNEL_START', `no kernel host found beside ${__dirname}`, 'run npm run build (it writes dist/kernel-host.js)');
}

/** tsx's CommonJS hook, by absolute path: the host's cwd (the notebook folder) has no node_modules. */
function tsxArgs(): string[] {
  return ['--require', require.resolve('tsx/cjs', { paths: [quantbookPackage()?.dir ?? __dirname] })];
}

/** dist/kernel-lib.js of the Quantbook this client belongs to. */
export function defaultLibPath(): string {
  const beside = join(__dirname, 'kernel-lib.js');
  if (existsSync(beside)) return beside;
  const pkg = quantbookPackage();
  return join(pkg?.dir ?? resolve(__dirname, '..', '..'), 'dist', 'kernel-lib.js');
}

