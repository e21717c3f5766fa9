import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { QuantbookError } from '../kernel-lib/errors';

/**
 * Finding a Node >= 22 for the kernel and CLI child processes. nodejs-polars 0.26's binary
 * needs Node >= 22, and the extension host may be older (desktop VS Code runs Electron's
 * Node) or not a node binary at all (Electron needs ELECTRON_RUN_AS_NODE=1 to act as one).
 * No vscode import: the search order is unit-tested.
 */
export const MIN_NODE_MAJOR = 22;

export type NodeSource = 'setting' | 'workspace' | 'extension' | 'path' | 'extension-host';

export interface NodeCandidate {
  path: string;
  source: NodeSource;
}

export interface NodeRuntime {
  path: string;
  /** Without the leading 'v': '24.21.0'. */
  version: string;
  source: NodeSource;
  /** Extra environment the binary needs to behave as plain Node (Electron). */
  env: Record<string, string>;
}

export interface NodeSearch {
  /** The `quantbook.nodePath` setting; when given it is the only candidate (a wrong setting is an error, not a silent fallback). */
  configured?: string;
  workspaceFolders: string[];
  /** Folder of the installed extension (its node_modules may hold the `node` package in a development checkout). */
  extensionDir: string;
  /** The extension host: its binary and Node version; `electron` when the binary is Electron. */
  host: { execPath: string; nodeVersion: string; electron: boolean };
  /** PATH entries, searched for a `node` binary. */
  pathDirs: string[];
  platform?: NodeJS.Platform;
}

/** Asks a binary for its version ('24.21.0'), or undefined when it does not run. */
export type VersionProbe = (path: string, env: Record<string, string>) => Promise<string | undefined>;

/**
 * The places looked at, in order: the setting; `node_modules/.bin/node` of each workspace
 * folder (the project's own `node` devDependency); the extension's own; `node` on PATH;
 * the extension host itself (code-server runs on Node 24).
 */
export function nodeCandidates(search: NodeSearch, fileExists: (p: string) => boolean = existsSync): NodeCandidate[] {
  if (search.configured) return [{ path: search.configured, source: 'setting' }];
  const win = (search.platform ?? process.platform) === 'win32';
  const binName = win ? 'node.exe' : 'node';
  const local = (dir: string) => (win ? join(dir, 'node_modules', 'node', 'bin', binName) : join(dir, 'node_modules', '.bin', binName));
  const found: NodeCandidate[] = [
    ...search.workspaceFolders.map((dir) => ({ path: local(dir), source: 'workspace' as const })),
    { path: local(search.extensionDir), source: 'extension' as const },
    ...search.pathDirs.filter(Boolean).map((dir) => ({ path: join(dir, binName), source: 'path' as const })),
  ].filter((c) => fileExists(c.path));
  found.push({ path: search.host.execPath, source: 'extension-host' });
  const seen = new Set<string>();
  return found.filter((c) => !seen.has(c.path) && seen.add(c.path));
}

export async function findNodeRuntime(search: NodeSearch, probe: VersionProbe = probeNodeVersion, fileExists?: (p: string) => boolean): Promise<NodeRuntime> {
  const tried: string[] = [];
  for (const candidate of nodeCandidates(search, fileExists)) {
    const isHost = candidate.source === 'extension-host';
    const env: Record<string, string> = isHost && search.host.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {};
    const version = isHost ? search.host.nodeVersion : await probe(candidate.path, env);
    if (version && majorOf(version) >= MIN_NODE_MAJOR) return { path: candidate.path, version, source: candidate.source, env };
    tried.push(`${candidate.path} (${candidate.source}): ${version ? `Node ${version}` : 'does not run'}`);
  }
  if (search.configured) {
    throw new QuantbookError(
      'NODE_NOT_FOUND',
      `the setting quantbook.nodePath (${search.configured}) is not a Node >= ${MIN_NODE_MAJOR}: ${tried.join('; ')}`,
      `point quantbook.nodePath at a Node ${MIN_NODE_MAJOR}+ binary (Node 24 LTS recommended), or clear it to search automatically`,
    );
  }
  throw new QuantbookError(
    'NODE_NOT_FOUND',
    `no Node >= ${MIN_NODE_MAJOR} found for the Quantbook kernel; tried ${tried.join('; ')}`,
    `install Node 24 (e.g. npm install --save-dev node@24 in the workspace) or set quantbook.nodePath`,
  );
}

export function majorOf(version: string): number {
  return Number(/^v?(\d+)/.exec(version.trim())?.[1] ?? NaN);
}

export const probeNodeVersion: VersionProbe = (path, env) =>
  new Promise((resolve) => {
    execFile(path, ['--version'], { timeout: 10_000, env: { ...process.env, ...env } }, (error, stdout) => {
      const version = /^v?(\d+\.\d+\.\d+)/.exec(String(stdout).trim())?.[1];
      resolve(error ? undefined : version);
    });
  });
