import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { isChart, type Chart } from '../plot/chart';
import { renderSvg } from '../plot/render';
import type { ArtifactEntry, ArtifactType } from './run-record';

/**
 * What a run can carry besides its numbers. Frames become Parquet, charts become their JSON
 * spec plus a static SVG, strings and buffers are written as given (the type follows the
 * name's extension: `.html`, `.svg`, `.json`, `.csv`/`.txt`/`.md`, else text or binary).
 */
export interface ArtifactInput {
  name: string;
  content: string | Uint8Array | pl.DataFrame | Chart;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export async function writeArtifact(dir: string, artifact: ArtifactInput): Promise<ArtifactEntry> {
  const { name, content } = artifact;
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    throw new QuantbookError(
      'BAD_ARTIFACT_NAME',
      `artifact name '${name}' is not a plain file name`,
      'use letters, digits, dot, dash and underscore only (e.g. "equity" or "tearsheet.html")',
    );
  }
  if (isChart(content)) {
    const file = `${name}.chart.json`;
    const json = JSON.stringify(content);
    await writeFile(join(dir, file), json);
    await writeFile(join(dir, `${name}.svg`), renderSvg(content));
    return { name, file, type: 'chart', bytes: Buffer.byteLength(json) };
  }
  if (isDataFrame(content)) {
    const file = name.endsWith('.parquet') ? name : `${name}.parquet`;
    const bytes: Buffer = content.writeParquet({ compression: 'zstd' });
    await writeFile(join(dir, file), bytes);
    return { name: stripExtension(name, '.parquet'), file, type: 'parquet', bytes: bytes.length };
  }
  if (typeof content === 'string') {
    const type = typeFromName(name) ?? 'text';
    const file = type === 'text' && !/\.[a-z0-9]+$/i.test(name) ? `${name}.txt` : name;
    await writeFile(join(dir, file), content);
    return { name, file, type, bytes: Buffer.byteLength(content) };
  }
  if (content instanceof Uint8Array) {
    const type = typeFromName(name) ?? 'binary';
    await writeFile(join(dir, name), content);
    return { name, file: name, type, bytes: content.byteLength };
  }
  throw new QuantbookError(
    'BAD_ARTIFACT',
    `artifact '${name}': content must be a string, a Buffer, a polars DataFrame or a Chart`,
    'convert other values with JSON.stringify(value) and name the artifact "<name>.json"',
  );
}

function typeFromName(name: string): ArtifactType | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (ext === 'html' || ext === 'htm') return 'html';
  if (ext === 'svg') return 'svg';
  if (ext === 'json') return 'json';
  if (ext === 'parquet') return 'parquet';
  if (ext === 'csv' || ext === 'txt' || ext === 'md' || ext === 'log') return 'text';
  return undefined;
}

function stripExtension(name: string, ext: string): string {
  return name.endsWith(ext) ? name.slice(0, -ext.length) : name;
}

export function isDataFrame(value: unknown): value is pl.DataFrame {
  const v = value as pl.DataFrame;
  return typeof v === 'object' && v !== null && typeof v.writeParquet === 'function' && Array.isArray(v.columns) && typeof v.height === 'number';
}
