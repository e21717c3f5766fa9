import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../kernel-lib/cli';
import { parseNotebook } from '../kernel-lib/notebook/ipynb';
import { CHART_MIME } from '../kernel-lib/plot/chart';
import { exportNotebook, type NotebookExport } from '../kernel-lib/report/notebook-export';
import { RunHistory } from '../kernel-lib/tracking/run-history';
import { tempDir } from './helpers';
import { ensureBuilt } from './notebook-support';

function notebook(cells: { type: 'code' | 'markdown'; source: string }[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 4,
    metadata: {},
    cells: cells.map((c) => ({ cell_type: c.type, metadata: {}, source: c.source.split(/(?<=\n)/), ...(c.type === 'code' && { outputs: [], execution_count: null }) })),
  });
}

/** Anything a browser would fetch over the network. */
const NETWORK_REFERENCE = /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i;
// a 1x1 PNG
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('report: exporting a notebook as a reproducible HTML report', function () {
  this.timeout(120_000);
  let dir: string;
  let runs: string;
  let exported: NotebookExport;
  let html: string;

  before(async () => {
    ensureBuilt();
    dir = tempDir('quantbook-export-');
    runs = join(dir, 'runs');
    writeFileSync(join(dir, 'pixel.png'), PIXEL);
    writeFileSync(
      join(dir, 'report.ipynb'),
      notebook([
        { type: 'markdown', source: '# Export test\n\nSee [the docs](https://example.com/docs) and ![pixel](pixel.png).\n\n<script>alert(1)</script>' },
        { type: 'code', source: 'import * as qb from "quantbook";\nconsole.log("hello from cell 1");\nconst x = 6 * 7;' },
        {
          type: 'code',
          source:
            'qb.show(qb.chart({ title: "Dots", data: { d: { rows: [{ a: 1, b: 2 }, { a: 2, b: 1 }] } }, marks: [{ type: "dot", data: "d", options: { x: "a", y: "b" } }] }));\n' +
            'const run = await qb.recordRun({ kind: "research", name: "export-test", metrics: { ic: 0.05 }, data: { snapshot_id: "demo@0123456789ab", content_hash: "f".repeat(64), name: "demo" } });\n' +
            'x',
        },
      ]),
    );
    exported = await exportNotebook(join(dir, 'report.ipynb'), { html: join(dir, 'out', 'report.html'), runs });
    html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
  });

  it('runs every cell and reports success', () => {
    assert.equal(exported.ok, true, JSON.stringify(exported.errors));
    assert.deepEqual(exported.cells.map((c) => [c.index, c.status, c.executionCount]), [[1, 'ok', 1], [2, 'ok', 2]]);
  });

  it('writes one self-contained page: inline CSS and SVG, images as data URLs, no scripts, no network references', () => {
    assert.doesNotMatch(html, NETWORK_REFERENCE);
    assert.doesNotMatch(html, /<script/i, 'markdown <script> is escaped and no script is added');
    assert.doesNotMatch(html, /<link\b/i);
    assert.match(html, /<style>[\s\S]+<\/style>/);
    assert.match(html, /<div class="output display html"><div class="quantbook-chart"><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(html, /<img src="data:image\/png;base64,/);
    assert.match(html, /See the docs <span class="md-url">\(https:\/\/example\.com\/docs\)<\/span>/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /<pre class="stream stdout">hello from cell 1\n<\/pre>/);
    assert.match(html, /<pre class="output result text">42<\/pre>/);
    assert.match(html, /<title>Export test<\/title>/);
  });

  it('ends with the reproducibility footer: versions, data, git, runs, date and time', () => {
    const footer = html.slice(html.indexOf('<footer class="reproducibility"'));
    assert.ok(footer.length > 100, 'footer present');
    assert.match(footer, new RegExp(`Node <code>${process.versions.node.replace(/\./g, '\\.')}</code>`));
    assert.match(footer, /nodejs-polars <code>0\.26\.1<\/code>/);
    assert.match(footer, /Quantbook <code>\d+\.\d+\.\d+<\/code>/);
    assert.match(footer, /snapshot <code>demo@0123456789ab<\/code>, content hash <code>f{64}<\/code>/);
    const recorded = exported.provenance.runs;
    assert.equal(recorded.length, 1);
    assert.match(footer, new RegExp(`<code>${recorded[0].run_id}</code> research “export-test”`));
    assert.deepEqual(readdirSync(runs), [recorded[0].run_id]);
    assert.match(footer, /git (not a git workspace|<code>[0-9a-f]{40}<\/code>)/);
    assert.match(footer, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    assert.match(footer, /2 of 2 code cells, \d+\.\d s in total/);
  });

  it('saves the executed notebook beside the report (nbformat 4.5, outputs, execution counts)', () => {
    assert.equal(exported.ipynbPath, join(dir, 'out', 'report.ipynb'));
    const nb = parseNotebook(readFileSync(exported.ipynbPath!, 'utf8'));
    assert.equal(nb.nbformat, 4);
    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual(nb.metadata.kernelspec, { name: 'tslab', display_name: 'TypeScript', language: 'typescript' });
    const code = nb.cells.filter((c) => c.cell_type === 'code');
    assert.deepEqual(code.map((c) => c.execution_count), [1, 2]);
    assert.ok(nb.cells.every((c) => typeof c.id === 'string' && c.id.length > 0));
    assert.deepEqual(code[0].outputs, [{ output_type: 'stream', name: 'stdout', text: 'hello from cell 1\n' }]);
    const [display, result] = code[1].outputs!;
    assert.equal(display.output_type, 'display_data');
    assert.equal(((display.data as Record<string, unknown>)[CHART_MIME] as { title: string }).title, 'Dots', 'the chart spec is stored as JSON, not a string');
    assert.deepEqual(result, { output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '42' }, metadata: {} });
  });

  it('quantbook run: a failing cell exits 1, the report still shows the error, later cells are not run', async () => {
    const nbPath = join(dir, 'failing.ipynb');
    writeFileSync(
      nbPath,
      notebook([
        { type: 'code', source: 'const ok = 1;' },
        { type: 'code', source: 'const a = 1;\nthrow new RangeError("window out of range");' },
        { type: 'code', source: 'console.log("after the error");' },
      ]),
    );
    const out = join(dir, 'failing.html');
    const stderr: string[] = [];
    const code = await quiet(() => main(['run', nbPath, '--html', out]), stderr);
    assert.equal(code, 1);
    assert.match(stderr.join(''), /error in cell 2, line 2: RangeError: window out of range/);
    const page = readFileSync(out, 'utf8');
    assert.match(page, /<section class="cell code failed" id="cell-1">/);
    assert.match(page, /<pre class="error"><strong>RangeError: window out of range<\/strong>/);
    assert.match(page, /<section class="cell code not-run" id="cell-2">/);
    assert.doesNotMatch(page, /<pre class="stream stdout">after the error/);
    // beside the report, but not over the source notebook
    const nb = parseNotebook(readFileSync(join(dir, 'failing.executed.ipynb'), 'utf8'));
    assert.deepEqual(nb.cells.map((c) => c.execution_count), [1, 2, null]);
  });

  it('quantbook run: a missing notebook and a non-notebook are named errors (exit 2)', async () => {
    const stderr: string[] = [];
    assert.equal(await quiet(() => main(['run', join(dir, 'nope.ipynb')]), stderr), 2);
    assert.match(stderr.join(''), /NOTEBOOK_NOT_FOUND/);
    assert.equal(await quiet(() => main(['run', join(dir, 'pixel.png')]), stderr), 2);
    assert.equal(existsSync(join(dir, 'nope.html')), false);
  });

  it('records the export itself in the history when asked', async () => {
    const nbPath = join(dir, 'tiny.ipynb');
    writeFileSync(nbPath, notebook([{ type: 'code', source: '1 + 1' }]));
    const done = await exportNotebook(nbPath, { html: join(dir, 'tiny.html'), record: true, workspace: dir, runs });
    const run = await new RunHistory({ root: runs }).show(done.runId!);
    assert.equal(run.kind, 'notebook');
    assert.equal(run.name, 'tiny');
    assert.deepEqual(run.metrics, { cells: 1, errors: 0, seconds: run.metrics.seconds });
    assert.match(readFileSync(join(runs, run.run_id, 'report.html'), 'utf8'), /<footer class="reproducibility"/);
  });
});

async function quiet(fn: () => Promise<number>, stderr: string[]): Promise<number> {
  const log = console.log;
  const error = console.error;
  const write = process.stderr.write.bind(process.stderr);
  console.log = () => undefined;
  console.error = (...a: unknown[]) => void stderr.push(a.join(' ') + '\n');
  process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    return await fn();
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
  }
}
