import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { QuantbookError } from '../errors';
import { defaultCatalogRoot } from './catalog-root';
import { importSnapshot, readManifest, type ImportOptions } from './import-snapshot';
import type { Manifest } from './manifest';
import { openSample, SAMPLE_NAME, sampleDir } from './sample';
import { Snapshot } from './snapshot';

export { Snapshot, type PriceQuery } from './snapshot';
export { openSample, SAMPLE_NAME } from './sample';
export { importSnapshot, importSnapshotDetailed, type ImportOptions, type ImportOutcome } from './import-snapshot';

/**
 * A folder of snapshots: ROOT/NAME/HASH12/. `open('NAME')` is the latest version of NAME
 * (by created_at), `open('NAME@HASH12')` exactly that version. 'sample' (or the sample's
 * own name/id) opens the embedded sample when the catalog has no snapshot of that name.
 */
export class DataCatalog {
  readonly root: string;

  constructor(root?: string) {
    this.root = resolve(root ?? defaultCatalogRoot());
  }

  /** Every version of every snapshot, by name then creation time (oldest first). */
  async list(): Promise<Manifest[]> {
    if (!existsSync(this.root)) return [];
    const manifests: Manifest[] = [];
    for (const name of readdirSync(this.root, { withFileTypes: true })) {
      if (!name.isDirectory() || name.name.startsWith('.')) continue;
      for (const version of readdirSync(join(this.root, name.name), { withFileTypes: true })) {
        const dir = join(this.root, name.name, version.name);
        if (version.isDirectory() && !version.name.startsWith('.') && existsSync(join(dir, 'manifest.json'))) manifests.push(readManifest(dir));
      }
    }
    return manifests.sort((a, b) => a.name.localeCompare(b.name) || a.created_at.localeCompare(b.created_at) || a.snapshot_id.localeCompare(b.snapshot_id));
  }

  async open(nameOrId: string): Promise<Snapshot> {
    const [name, version] = nameOrId.split('@');
    const versions = (await this.list()).filter((m) => m.name === name);
    if (version !== undefined) {
      const hit = versions.find((m) => m.snapshot_id === nameOrId) ?? versions.find((m) => m.content_hash.startsWith(version) && version.length >= 6);
      if (hit) return Snapshot.open(this.dirOf(hit));
    } else if (versions.length) {
      return Snapshot.open(this.dirOf(versions[versions.length - 1]));
    }
    if (name === 'sample' || name === SAMPLE_NAME) {
      const sample = sampleDir() ? await openSample() : undefined;
      if (sample && (version === undefined || sample.id === nameOrId || sample.manifest.content_hash.startsWith(version))) return sample;
    }
    const names = [...new Set((await this.list()).map((m) => m.name))];
    throw new QuantbookError(
      'SNAPSHOT_NOT_FOUND',
      version !== undefined && versions.length
        ? `snapshot ${nameOrId} not found; versions of '${name}': ${versions.map((m) => m.snapshot_id).join(', ')}`
        : `no snapshot named '${name}' in ${this.root}${names.length ? ` (snapshots: ${names.join(', ')})` : ' (the catalog is empty)'}`,
      `import one with \`quantbook import FILE --name ${name}\`, pass --catalog DIR, or use 'sample' for the embedded S&P 500 sample`,
    );
  }

  /** importSnapshot into this catalog. */
  async import(options: Omit<ImportOptions, 'root'>): Promise<Manifest> {
    return importSnapshot({ ...options, root: this.root });
  }

  private dirOf(manifest: Manifest): string {
    return join(this.root, manifest.name, manifest.content_hash.slice(0, 12));
  }
}
