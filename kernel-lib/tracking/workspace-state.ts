import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

/** The state of the workspace's source code when a run was recorded. */
export interface WorkspaceState {
  /** HEAD commit, or null when the workspace is not a git repository (or git is missing). */
  git_sha: string | null;
  /** True when tracked or untracked files differ from HEAD (the run history folder excluded). */
  git_dirty: boolean | null;
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((done) => {
    execFile('git', args, { cwd, timeout: 10_000, maxBuffer: 16 << 20 }, (error, stdout) => {
      done(error ? undefined : stdout);
    });
  });
}

/** How long a git state is reused: a search recording thousands of runs must not spawn git for each. */
export const GIT_STATE_TTL_MS = 2000;
const recent = new Map<string, { at: number; state: Promise<WorkspaceState> }>();

/**
 * `excludeDir` (the runs folder) is left out of the dirty check: otherwise the first
 * recorded run would make every later run "dirty" in a workspace that does not ignore it.
 * Answers are reused for GIT_STATE_TTL_MS.
 */
export function workspaceState(workspace: string, excludeDir?: string): Promise<WorkspaceState> {
  const key = `${workspace}\u0000${excludeDir ?? ''}`;
  const hit = recent.get(key);
  if (hit && Date.now() - hit.at < GIT_STATE_TTL_MS) return hit.state;
  const state = readWorkspaceState(workspace, excludeDir);
  recent.set(key, { at: Date.now(), state });
  return state;
}

/** Forgets cached git states (after a commit or a file change that the next run must see). */
export function clearWorkspaceStateCache(): void {
  recent.clear();
}

async function readWorkspaceState(workspace: string, excludeDir?: string): Promise<WorkspaceState> {
  const sha = await git(workspace, ['rev-parse', 'HEAD']);
  if (sha === undefined) return { git_sha: null, git_dirty: null };
  const args = ['status', '--porcelain', '--untracked-files=normal', '--', '.'];
  const rel = excludeDir ? relative(workspace, excludeDir) : '';
  if (rel && !rel.startsWith('..')) args.push(`:(exclude)${rel.split('\\').join('/')}`);
  const status = await git(workspace, args);
  return { git_sha: sha.trim(), git_dirty: status === undefined ? null : status.trim().length > 0 };
}

let cachedAuthor: Promise<string> | undefined;

/** `git config user.name`, else the OS user name. */
export function author(workspace: string): Promise<string> {
  cachedAuthor ??= git(workspace, ['config', 'user.name']).then((name) => {
    if (name?.trim()) return name.trim();
    try {
      return userInfo().username;
    } catch {
      return process.env.USER ?? process.env.USERNAME ?? 'unknown';
    }
  });
  return cachedAuthor;
}

/**
 * The workspace a path belongs to: env QUANTBOOK_WORKSPACE, else the nearest ancestor
 * holding `.quantbook` or `.git`, else the path itself. Notebooks run with their own folder
 * as working directory, so "cwd" alone would scatter run folders across the project.
 */
export function findWorkspace(from: string = process.cwd()): string {
  if (process.env.QUANTBOOK_WORKSPACE) return resolve(process.env.QUANTBOOK_WORKSPACE);
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, '.quantbook')) || existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}
