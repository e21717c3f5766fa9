import type { KernelOutput, MimeBundle } from '../../kernel-lib/notebook/protocol';

/**
 * Kernel outputs as VS Code notebook output items, described as plain data so the mapping
 * is unit-tested without VS Code; `cell-outputs.ts` turns these into NotebookCellOutputItems.
 */
export const STDOUT_MIME = 'application/vnd.code.notebook.stdout';
export const STDERR_MIME = 'application/vnd.code.notebook.stderr';
/** What `NotebookCellOutputItem.error()` produces: JSON {name, message, stack}. */
export const ERROR_MIME = 'application/vnd.code.notebook.error';

export type OutputItemSpec =
  | { mime: string; text: string }
  | { mime: string; json: unknown }
  | { mime: string; base64: string };

export interface OutputSpec {
  items: OutputItemSpec[];
  /** Set for stream outputs: consecutive chunks of one stream are appended to one output. */
  stream?: 'stdout' | 'stderr';
}

export function toOutputSpec(output: KernelOutput): OutputSpec {
  switch (output.type) {
    case 'stream':
      return { stream: output.name, items: [{ mime: output.name === 'stdout' ? STDOUT_MIME : STDERR_MIME, text: output.text }] };
    case 'display':
    case 'result':
      return { items: bundleItems(output.data) };
    case 'error': {
      const where = output.line !== undefined ? ` (cell line ${output.line})` : '';
      const header = `${output.ename}: ${output.evalue}`;
      // VS Code shows the stack in place of the message: it starts with the message and the line
      const stack = [header + where, ...output.traceback.filter((l) => l !== header)].join('\n');
      return { items: [{ mime: ERROR_MIME, json: { name: output.ename, message: output.evalue + where, stack } }] };
    }
  }
}

/**
 * One item per MIME type. All of them are kept: VS Code ranks types missing from its
 * display order (ours) before text/html, so a chart shows through our renderer while the
 * text/html SVG stays in the saved .ipynb for Jupyter, GitHub and exports.
 */
export function bundleItems(bundle: MimeBundle): OutputItemSpec[] {
  const items: OutputItemSpec[] = [];
  for (const [mime, value] of Object.entries(bundle)) {
    if (value === undefined || value === null) continue;
    if (isJsonMime(mime)) items.push({ mime, json: typeof value === 'string' ? parseOr(value) : value });
    else if (isBase64Mime(mime) && typeof value === 'string') items.push({ mime, base64: value.replace(/\s+/g, '') });
    else items.push({ mime, text: typeof value === 'string' ? value : Array.isArray(value) ? value.join('') : JSON.stringify(value) });
  }
  return items;
}

export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || /\+json$/.test(mime);
}

/** nbformat stores binary images as base64 text. */
function isBase64Mime(mime: string): boolean {
  return mime === 'image/png' || mime === 'image/jpeg' || mime === 'image/gif';
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Whether a new output continues the last one: two chunks of the same stream in a row are
 * one output in Jupyter's model (and read as one block).
 */
export function continuesStream(last: OutputSpec | undefined, next: OutputSpec): boolean {
  return last?.stream !== undefined && last.stream === next.stream;
}
