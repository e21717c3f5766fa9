import { spawn } from 'node:child_process';
import { QuantbookError } from '../kernel-lib/errors';
import type { NodeRuntime } from './node-runtime';

/**
 * Runs the `quantbook` CLI in a child process on Node >= 22. Everything the extension
 * asks of kernel-lib besides cells (history, compare, export, suite) goes through here:
 * the extension host never loads nodejs-polars (desktop VS Code's Node may be too old for
 * it) and never blocks on long work. No vscode import.
 */
export interface CliTarget {
  node: NodeRuntime;
  /** dist/cli.js of the extension, or kernel-lib/cli.ts with tsx in `execArgv` (tests). */
  cliPath: string;
  execArgv?: string[];
  cwd: string;
  env?: Record<string, string>;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Each complete stderr line as it arrives (progress lines of long commands). */
  onStderrLine?: (line: string) => void;
  signal?: AbortSignal;
}

export function runCli(target: CliTarget, args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(target.node.path, [...(target.execArgv ?? []), target.cliPath, ...args], {
      cwd: target.cwd,
      env: { ...process.env, ...target.node.env, ...target.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => {
      const text = b.toString('utf8');
      stderr += text;
      if (!options.onStderrLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) options.onStderrLine(line);
    });
    child.on('error', (e) => {
      if ((e as { name?: string }).name === 'AbortError') reject(new QuantbookError('CANCELLED', `quantbook ${args[0]} was cancelled`));
      else reject(new QuantbookError('CLI_START', `could not run ${target.node.path} ${target.cliPath}: ${e.message}`, 'check the quantbook.nodePath setting'));
    });
    child.on('close', (code, signal) => {
      if (partial.trim()) options.onStderrLine?.(partial);
      if (options.signal?.aborted) reject(new QuantbookError('CANCELLED', `quantbook ${args[0]} was cancelled`));
      else resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/**
 * A `--json` command's parsed output. A failed command's QuantbookError (printed as
 * `{"error": {code, message, hint}}`) is rethrown as one, so callers show its message and hint.
 */
export async function runCliJson<T>(target: CliTarget, args: string[], options: CliOptions = {}): Promise<T> {
  const run = await runCli(target, [...args, '--json'], options);
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: { code: string; message: string; hint?: string } } | undefined)?.error;
  if (error) throw new QuantbookError(error.code, error.message, error.hint);
  if (run.code !== 0 || parsed === undefined) {
    const why = run.stderr.trim().split('\n').slice(-6).join('\n') || `exit code ${run.code}`;
    throw new QuantbookError('CLI_FAILED', `quantbook ${args.join(' ')} failed: ${why}`);
  }
  return parsed as T;
}

/** Shell-like splitting of typed arguments: single and double quotes group, nothing is expanded. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}
