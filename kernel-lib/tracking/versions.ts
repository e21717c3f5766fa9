import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Versions that decide whether a result can be reproduced. */
export interface RuntimeVersions {
  quantbook: string;
  node: string;
  polars: string;
}

let cached: RuntimeVersions | undefined;

/**
 * Read from package.json files rather than by loading the packages: asking polars for its
 * version would load the native library (~100 ms, tens of MB) in processes that never use it.
 */
export function runtimeVersions(): RuntimeVersions {
  cached ??= {
    quantbook: quantbookPackage()?.version ?? 'unknown',
    node: process.versions.node,
    polars: packageVersion('nodejs-polars') ?? 'not installed',
  };
  return cached;
}

/** The package.json of Quantbook itself: the nearest one named 'quantbook' above this file. */
export function quantbookPackage(): { version: string; dir: string } | undefined {
  let dir = __dirname;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'quantbook') return { version: pkg.version ?? 'unknown', dir };
      } catch {
        // an unreadable package.json on the way up is not ours; keep looking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function packageVersion(name: string, from: string = __dirname): string | undefined {
  try {
    const main = require.resolve(name, { paths: [from] });
    let dir = dirname(main);
    for (;;) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version;
      }
      const parent = dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  } catch {
    return undefined;
  }
}
