import { join, resolve } from 'node:path';

/** Where snapshots live unless told otherwise: env QUANTBOOK_CATALOG, else .quantbook/snapshots under the cwd. */
export function defaultCatalogRoot(): string {
  return resolve(process.env.QUANTBOOK_CATALOG ?? join(process.cwd(), '.quantbook', 'snapshots'));
}
