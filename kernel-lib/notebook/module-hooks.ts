import { existsSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

/** The module name notebooks import the API by: `import * as qb from 'quantbook'`. */
export const LIB_MODULE = 'quantbook';

/**
 * Packages a notebook always gets from Quantbook, whatever its own node_modules holds: the
 * frames and expressions a notebook builds must come from the same native polars the API uses.
 */
const PINNED = ['nodejs-polars'];

/** Where the kernel finds Quantbook for a notebook that lives outside Quantbook's folder. */
export interface KernelModules {
  /** The notebook's folder (the kernel's working directory). */
  cwd: string;
  /** The bundle `require('quantbook')` loads: <quantbook>/dist/kernel-lib.js. */
  libPath: string;
  /** Quantbook's node_modules: packages a notebook imports without having them itself. */
  nodeModules?: string;
}

export function kernelModules(cwd: string, libPath: string): KernelModules {
  let dir = dirname(libPath);
  for (;;) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(join(candidate, 'nodejs-polars'))) return { cwd, libPath, nodeModules: candidate };
    const parent = dirname(dir);
    if (parent === dir) return { cwd, libPath };
    dir = parent;
  }
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/**
 * Runtime: `require('quantbook')` (what tslab compiles the import to) loads the bundle,
 * pinned packages load Quantbook's copy, and any other bare name the notebook's folder cannot
 * resolve is looked up in Quantbook's node_modules.
 */
export function hookRequire(m: KernelModules): void {
  const mod = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = mod._resolveFilename;
  // the original resolver with Quantbook's folder as search path (require.resolve would re-enter this hook)
  const fromQuantbook = (request: string) => original.call(mod, request, null, false, { paths: [dirname(m.libPath)] });
  mod._resolveFilename = function (request, parent, isMain, options) {
    if (request === LIB_MODULE) {
      if (!existsSync(m.libPath)) throw new Error(`Cannot load 'quantbook': ${m.libPath} does not exist (build Quantbook with npm run build)`);
      return m.libPath;
    }
    if (PINNED.includes(request)) return fromQuantbook(request);
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (e) {
      if (isBare(request) && (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
        try {
          return fromQuantbook(request);
        } catch {
          // not Quantbook's either: report the original failure
        }
      }
      throw e;
    }
  };
}

function isBare(request: string): boolean {
  return !request.startsWith('.') && !request.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(request) && !request.startsWith('node:');
}

interface TsSys {
  fileExists(path: string): boolean;
  readFile(path: string, encoding?: string): string | undefined;
  directoryExists(path: string): boolean;
  realpath?(path: string): string;
  getDirectories(path: string): string[];
  watchFile?(path: string, callback: (...args: never[]) => void, pollingInterval?: number, options?: unknown): unknown;
  watchDirectory?(path: string, callback: (...args: never[]) => void, recursive?: boolean, options?: unknown): unknown;
}

/**
 * Types: tslab's compiler (its own TypeScript, reading files through `ts.sys`) sees
 *   <cwd>/node_modules/quantbook.d.ts   re-exporting the bundle's declarations,
 *   <cwd>/node_modules/quantbook/...    the bundle's folder (dist/),
 *   <cwd>/node_modules/<pkg>/...        Quantbook's packages the folder does not have itself.
 *
 * Why a virtual folder rather than a path alias: tslab emits declarations for every cell
 * (that is how a cell's variables reach the next cell), and TypeScript refuses to name a type
 * from a package outside the notebook's node_modules chain ("The inferred type of 'df' cannot
 * be named without a reference to '../../x/node_modules/nodejs-polars/...'"). Seen through
 * the virtual folder, every such type is `nodejs-polars/...` - nameable - so
 * `const df = pl.DataFrame(...)` works in a notebook anywhere on disk.
 */
export function hookTypes(ts: { sys: TsSys }, m: KernelModules): void {
  const sys = ts.sys;
  const original = {
    fileExists: sys.fileExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    realpath: sys.realpath?.bind(sys),
    getDirectories: sys.getDirectories.bind(sys),
    watchFile: sys.watchFile?.bind(sys),
    watchDirectory: sys.watchDirectory?.bind(sys),
  };
  const slash = (p: string) => p.split(sep).join('/');
  const nodeModules = slash(join(m.cwd, 'node_modules'));
  const distDir = slash(dirname(m.libPath));
  const libTypes = `${m.libPath.replace(/\.js$/, '')}.d.ts`;
  const entryFile = `${nodeModules}/${LIB_MODULE}.d.ts`;
  const entry = existsSync(libTypes)
    ? `export * from './${LIB_MODULE}/${slash(relative(dirname(m.libPath), libTypes)).replace(/\.d\.ts$/, '')}';\n`
    : `declare const _module: any;\nexport = _module;\n`;

  /** The real file behind a virtual path, or undefined for any other path. */
  const mapped = (path: string): string | undefined => {
    const p = slash(path);
    if (!p.startsWith(`${nodeModules}/`)) return undefined;
    const rest = p.slice(nodeModules.length + 1);
    const parts = rest.split('/');
    if (parts[0] === LIB_MODULE) return [distDir, ...parts.slice(1)].join('/');
    if (!m.nodeModules || parts[0] === '@types' || parts[0] === 'tslab') return undefined;
    const pkg = parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    if (!PINNED.includes(pkg) && original.directoryExists(`${nodeModules}/${pkg}`)) return undefined;
    return `${slash(m.nodeModules)}/${rest}`;
  };

  sys.fileExists = (path) => path === entryFile || original.fileExists(mapped(path) ?? path);
  sys.readFile = (path, encoding) => (path === entryFile ? entry : original.readFile(mapped(path) ?? path, encoding));
  sys.directoryExists = (path) => original.directoryExists(mapped(path) ?? path);
  sys.getDirectories = (path) => original.getDirectories(mapped(path) ?? path);
  // a virtual file is its own real path: resolving it to Quantbook's folder would undo the point
  if (original.realpath) sys.realpath = (path) => (mapped(path) || path === entryFile ? path : original.realpath!(path));
  if (original.watchFile) sys.watchFile = (path, ...rest) => original.watchFile!(mapped(path) ?? path, ...rest);
  if (original.watchDirectory) sys.watchDirectory = (path, ...rest) => original.watchDirectory!(mapped(path) ?? path, ...rest);
}
