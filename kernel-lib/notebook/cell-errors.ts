import type { ErrorOutput } from './protocol';

/** What the host remembers of each executed cell, to point errors at the cell's own lines. */
export interface CellRecord {
  source: string;
  /** The JavaScript tslab produced and ran. */
  output: string;
}

/** Cells are run under this file name, so stack frames say which execution they belong to. */
export function cellFileName(executionCount: number): string {
  return `<cell ${executionCount}>`;
}

const CELL_FRAME = /<cell (\d+)>:(\d+):(\d+)/;

export interface Diagnostic {
  line: number;
  character: number;
  message: string;
  file?: string;
}

/** TypeScript diagnostics of a cell: the cell did not run. */
export function compileError(diagnostics: Diagnostic[]): ErrorOutput {
  const first = diagnostics[0];
  const where = (d: Diagnostic) => `${d.file ? `${d.file} ` : ''}line ${d.line}, col ${d.character}`;
  return {
    type: 'error',
    ename: 'CompileError',
    evalue: first ? first.message : 'the cell did not compile',
    ...(first && !first.file && { line: first.line }),
    traceback: diagnostics.map((d) => `${where(d)}: ${d.message}`),
  };
}

/**
 * A thrown value as an error output: name, message, the 1-based line of the running cell
 * (execution `current`) where it was raised, and a traceback whose cell frames name cell and line instead of the
 * generated JavaScript.
 */
export function runtimeError(thrown: unknown, cells: ReadonlyMap<number, CellRecord>, current: number): ErrorOutput {
  const err = thrown instanceof Error ? thrown : undefined;
  let ename = err ? errorName(err) : 'Error';
  let evalue = err ? err.message : typeof thrown === 'string' ? thrown : safeString(thrown);
  if ((err as { code?: string } | undefined)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED' || evalue === 'Interrupted asynchronously') {
    ename = 'Interrupted';
    evalue = 'the cell was interrupted';
  }
  const traceback = [`${ename}: ${evalue}`];
  const hint = (err as { hint?: unknown } | undefined)?.hint;
  if (typeof hint === 'string' && hint) traceback.push(`  fix: ${hint}`);
  let line: number | undefined;
  const frames = (err?.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l));
  for (const frame of frames) {
    if (isHostFrame(frame)) continue;
    const m = CELL_FRAME.exec(frame);
    if (!m) {
      traceback.push(frame);
      continue;
    }
    const cell = cells.get(Number(m[1]));
    const mapped = cell ? sourceLine(cell, Number(m[2])) : undefined;
    // the first frame in the running cell: the line there that raised, or called what raised
    if (line === undefined && mapped !== undefined && Number(m[1]) === current) line = mapped;
    // functions of earlier cells are called through tslab's exports proxy: 'Proxy.f' is 'f'
    const named = frame.replace(/at Proxy\./, 'at ').replace(CELL_FRAME, mapped !== undefined ? `cell [${m[1]}], line ${mapped}` : `cell [${m[1]}]`);
    traceback.push(named);
  }
  if (!err && thrown !== undefined) traceback[0] = `Uncaught ${safeString(thrown)}`;
  return { type: 'error', ename, evalue, ...(line !== undefined && { line }), traceback };
}

function errorName(err: Error): string {
  // class instances keep their constructor name even when `name` was not overridden
  if (err.name && err.name !== 'Error') return err.name;
  const ctor = err.constructor?.name;
  return ctor && ctor !== 'Object' ? ctor : 'Error';
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  } catch {
    return String(v);
  }
}

/** Frames of the machinery that runs cells, which say nothing about the user's code. */
function isHostFrame(frame: string): boolean {
  return /node:internal|node:vm|[\\/]tslab[\\/]dist[\\/]|kernel-host\.(js|ts)|\(native\)/.test(frame);
}

const TOKEN = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`[^`\n]*`/g;
/** Lines tslab adds to the JavaScript: module header and one `exports.x = x;` per declaration. */
const GENERATED = /^\s*(Object\.defineProperty\(exports, "__esModule"|exports\.[\w$]+ = (exports\.[\w$]+ = )*void 0;$|exports\.[\w$]+ = [\w$]+;$)/;

/** Names tslab's output adds to what the cell wrote: `exports.x`, `exports.tsLastExpr = ...`, `__importStar(...)`. */
const GENERATED_TOKEN = /^(exports|tsLastExpr|require|__\w+)$/;

/**
 * The cell line that produced line `jsLine` of the generated JavaScript. tslab compiles
 * without source maps and its output neither keeps line numbers (type-only lines vanish,
 * export lines appear) nor can be asked for a map, so we match tokens: the source line
 * sharing the most identifiers and literals with the JavaScript line, in order, wins; ties
 * go to the line nearest to where the JavaScript line would sit without the generated lines.
 */
export function sourceLine(cell: CellRecord, jsLine: number): number | undefined {
  const outLines = cell.output.split('\n');
  // the executor prepends its wrapper to the first line without adding a line
  const target = outLines[jsLine - 1];
  if (target === undefined) return undefined;
  const targetTokens = (target.match(TOKEN) ?? []).filter((t) => !GENERATED_TOKEN.test(t));
  if (targetTokens.length === 0) return undefined;
  const generatedBefore = outLines.slice(0, jsLine - 1).filter((l) => GENERATED.test(l)).length;
  const estimate = jsLine - generatedBefore;
  const srcLines = cell.source.split('\n');
  let best: { line: number; score: number; extra: number; distance: number } | undefined;
  srcLines.forEach((text, i) => {
    const tokens = stripComment(text).match(TOKEN) ?? [];
    if (tokens.length === 0) return;
    const common = lcs(targetTokens, tokens);
    if (common === 0) return;
    const candidate = { line: i + 1, score: common / targetTokens.length, extra: tokens.length - common, distance: Math.abs(i + 1 - estimate) };
    if (!best || better(candidate, best)) best = candidate;
  });
  const found = best as { line: number; score: number } | undefined;
  return found && found.score >= 0.5 ? found.line : undefined;
}

function better(a: { score: number; extra: number; distance: number }, b: { score: number; extra: number; distance: number }): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.distance !== b.distance) return a.distance < b.distance;
  return a.extra < b.extra;
}

function stripComment(line: string): string {
  const i = line.indexOf('//');
  return i >= 0 && !/['"`]/.test(line.slice(0, i)) ? line.slice(0, i) : line;
}

function lcs(a: string[], b: string[]): number {
  const prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(prev[j], prev[j - 1]);
      diag = up;
    }
  }
  return prev[b.length];
}
