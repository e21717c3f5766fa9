import { relative } from 'node:path';
import { QuantbookError } from '../errors';
import type { CellRun } from '../notebook/notebook-runner';
import { exportNotebook } from '../report/notebook-export';
import { numberOption, printJson, stringOption, type Command } from './command';

const USAGE = 'quantbook run NOTEBOOK.ipynb [--html OUT.html] [--ipynb OUT.ipynb] [--allow-errors] [--timeout SECONDS] [--record] [--runs DIR] [--json]';

export const runCommand: Command = {
  name: 'run',
  summary: 'execute a notebook top to bottom in a fresh kernel; optionally export an HTML report (exit 1 on a cell error)',
  usage: USAGE + [
    '',
    '  --html OUT.html     write a self-contained report (the executed .ipynb goes beside it)',
    '  --ipynb OUT.ipynb   write the executed notebook here',
    '  --allow-errors      run every cell even after one fails (default: stop at the first error)',
    '  --timeout SECONDS   interrupt a cell that runs longer (default 600)',
    '  --record            record the run in the history (kind notebook, the report as artifact)',
    '  --runs DIR          run history folder (default .quantbook/runs in the workspace, or env QUANTBOOK_RUNS)',
  ].join('\n'),
  options: {
    html: { type: 'string' },
    ipynb: { type: 'string' },
    'allow-errors': { type: 'boolean' },
    timeout: { type: 'string' },
    record: { type: 'boolean' },
    runs: { type: 'string' },
  },
  async run(args) {
    const [notebook, ...extra] = args.positionals;
    if (!notebook || extra.length) throw new QuantbookError('BAD_ARGUMENT', notebook ? `one notebook at a time (got ${args.positionals.length})` : 'missing the notebook to run', `usage: ${USAGE}`);
    if (!notebook.endsWith('.ipynb')) throw new QuantbookError('BAD_ARGUMENT', `'${notebook}' is not an .ipynb notebook`, `usage: ${USAGE}`);
    const json = args.values.json === true;
    const timeout = numberOption(args, 'timeout');
    const progress = (cell: CellRun) => {
      if (json) return;
      const mark = cell.status === 'ok' ? 'ok' : cell.status === 'skipped' ? 'skipped' : cell.status.toUpperCase();
      process.stderr.write(`  cell ${String(cell.index + 1).padStart(3)}  ${mark.padEnd(11)} ${(cell.ms / 1000).toFixed(2)} s\n`);
    };
    if (!json) process.stderr.write(`running ${notebook} in a fresh kernel\n`);
    const result = await exportNotebook(notebook, {
      html: stringOption(args, 'html'),
      ipynb: stringOption(args, 'ipynb'),
      stopOnError: args.values['allow-errors'] !== true,
      cellTimeoutMs: timeout !== undefined ? timeout * 1000 : undefined,
      record: args.values.record === true,
      runs: stringOption(args, 'runs'),
      onCell: progress,
    });
    const summary = {
      notebook,
      ok: result.ok,
      cells: result.cells.length,
      errors: result.errors,
      html: result.htmlPath,
      ipynb: result.ipynbPath,
      run_id: result.runId,
      runs_recorded: result.provenance.runs.map((r) => r.run_id),
      data: result.provenance.data,
      seconds: result.provenance.totalMs / 1000,
    };
    if (json) printJson(summary);
    else {
      for (const e of result.errors) console.error(`error in cell ${e.index + 1}${e.line !== undefined ? `, line ${e.line}` : ''}: ${e.ename}: ${e.evalue}`);
      const wrote = [result.htmlPath, result.ipynbPath].filter(Boolean).map((p) => relative(process.cwd(), p!) || p);
      console.log(`${result.ok ? 'ok' : 'FAILED'}: ${result.cells.length} code cells in ${summary.seconds.toFixed(1)} s${wrote.length ? `; wrote ${wrote.join(', ')}` : ''}`);
    }
    return result.ok ? 0 : 1;
  },
};
