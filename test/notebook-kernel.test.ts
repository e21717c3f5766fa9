import { strict as assert } from 'node:assert';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_MIME } from '../kernel-lib/plot/chart';
import { KernelClient, type ExecuteResult, type KernelExit } from '../kernel-lib/notebook/kernel-client';
import type { ErrorOutput, KernelOutput } from '../kernel-lib/notebook/protocol';
import type { QuantbookEvent } from '../kernel-lib/tracking/events';
import { tempDir } from './helpers';
import { ensureBuilt } from './notebook-support';

const text = (r: ExecuteResult, name: 'stdout' | 'stderr' = 'stdout') =>
  r.outputs.filter((o): o is Extract<KernelOutput, { type: 'stream' }> => o.type === 'stream' && o.name === name).map((o) => o.text).join('');
const result = (r: ExecuteResult) => r.outputs.find((o) => o.type === 'result') as Extract<KernelOutput, { type: 'result' }> | undefined;
const error = (r: ExecuteResult) => r.outputs.find((o) => o.type === 'error') as ErrorOutput | undefined;

describe('notebook: the kernel host runs TypeScript cells', function () {
  this.timeout(120_000);
  let kernel: KernelClient;
  let dir: string;
  let runs: string;

  before(async () => {
    ensureBuilt();
    dir = tempDir('quantbook-kernel-');
    runs = join(dir, 'runs');
    writeFileSync(join(dir, 'helper.ts'), 'export function triple(n: number): number {\n  return n * 3;\n}\n');
    kernel = await KernelClient.start({ cwd: dir, env: { QUANTBOOK_RUNS: runs } });
  });
  after(async () => {
    await kernel?.shutdown();
  });

  it('reports versions when ready', () => {
    assert.equal(kernel.versions.node, process.versions.node);
    assert.equal(kernel.versions.tslab, '1.0.22');
    assert.equal(kernel.versions.typescript, '5.0.4');
    assert.equal(kernel.state, 'idle');
  });

  it('keeps state across cells and counts executions', async () => {
    const a = await kernel.execute('let counter: number = 1;\nfunction twice(n: number) { return 2 * n; }');
    assert.equal(a.ok, true);
    const b = await kernel.execute('counter += 10;\ncounter');
    assert.equal(result(b)?.data['text/plain'], '11');
    const c = await kernel.execute('twice(counter)');
    assert.equal(result(c)?.data['text/plain'], '22');
    assert.equal(b.executionCount, a.executionCount + 1);
    assert.equal(c.executionCount, a.executionCount + 2);
  });

  it('shows the value of the last expression, and nothing for a statement', async () => {
    assert.equal(result(await kernel.execute('const o = { a: 1, b: [1, 2] };\no'))?.data['text/plain'], '{ a: 1, b: [ 1, 2 ] }');
    assert.equal(result(await kernel.execute('"text " + (1 + 1)'))?.data['text/plain'], 'text 2');
    const statement = await kernel.execute('const quiet = 5;');
    assert.equal(statement.ok, true);
    assert.equal(result(statement), undefined);
  });

  it('captures stdout and stderr in order, streamed as they come', async () => {
    const seen: KernelOutput[] = [];
    const r = await kernel.execute('console.log("one");\nconsole.error("two");\nprocess.stdout.write("three\\n");', { onOutput: (o) => seen.push(o) });
    assert.equal(text(r), 'one\nthree\n');
    assert.equal(text(r, 'stderr'), 'two\n');
    assert.deepEqual(seen, r.outputs);
    // write() returns true: the last expression's value comes after the streams
    assert.deepEqual(r.outputs.map((o) => (o.type === 'stream' ? o.text : o.type)), ['one\n', 'two\n', 'three\n', 'result']);
  });

  it("captures display bundles: qb.show(chart) sends the chart spec and a static SVG; tslab's display works too", async () => {
    const r = await kernel.execute(
      [
        'import * as qb from "quantbook";',
        'const c = qb.chart({ title: "dots", data: { d: { rows: [{ x: 1, y: 2 }, { x: 2, y: 3 }] } }, marks: [{ type: "dot", data: "d", options: { x: "x", y: "y" } }] });',
        'qb.show(c);',
        'import * as tslab from "tslab";',
        'tslab.display.html("<b>bold</b>");',
        'c',
      ].join('\n'),
    );
    assert.equal(r.ok, true, JSON.stringify(error(r)));
    const displays = r.outputs.filter((o) => o.type === 'display');
    assert.equal(displays.length, 2);
    const bundle = (displays[0] as Extract<KernelOutput, { type: 'display' }>).data;
    assert.equal((bundle[CHART_MIME] as { title: string }).title, 'dots');
    assert.match(bundle['text/html'] as string, /^<div class="quantbook-chart"><svg xmlns=/);
    assert.deepEqual((displays[1] as Extract<KernelOutput, { type: 'display' }>).data, { 'text/html': '<b>bold</b>' });
    // a chart as the last value is a result with the same bundle
    assert.equal((result(r)!.data[CHART_MIME] as { title: string }).title, 'dots');
  });

  it('shows a polars frame as a table', async () => {
    // the kernel runs in a temp folder without node_modules: 'nodejs-polars' and its types come from Quantbook
    const r = await kernel.execute('import pl from "nodejs-polars";\nconst frame = pl.DataFrame({ sym: ["A", "B"], close: [1.5, 2] });\nframe');
    assert.equal(r.ok, true, JSON.stringify(error(r)));
    const html = result(r)!.data['text/html'] as string;
    assert.match(html, /<th title="Float64">close<\/th>/);
    assert.match(html, /<td>A<\/td><td>1.5<\/td>/);
    assert.match(result(r)!.data['text/plain'] as string, /shape: \(2, 2\)/);
  });

  it('imports local TypeScript files by relative path', async () => {
    const r = await kernel.execute('import { triple } from "./helper";\ntriple(7)');
    assert.equal(result(r)?.data['text/plain'], '21');
  });

  it('reports runtime errors with name, message and the offending cell line', async () => {
    const r = await kernel.execute(
      ['interface Point { x: number }', '', 'const p: Point = { x: 1 };', 'function check(v: number): void {', '  if (v > 0) throw new RangeError(`v too big: ${v}`);', '}', 'check(p.x);', 'console.log("not reached");'].join('\n'),
    );
    assert.equal(r.ok, false);
    assert.equal(r.status, 'error');
    const e = error(r)!;
    assert.equal(e.ename, 'RangeError');
    assert.equal(e.evalue, 'v too big: 1');
    assert.equal(e.line, 5, 'the line of the cell that raised');
    assert.equal(e.traceback[0], 'RangeError: v too big: 1');
    assert.ok(e.traceback.some((l) => /at check \(cell \[\d+\], line 5\)/.test(l)), e.traceback.join('\n'));
    assert.equal(text(r), '');
  });

  it('an error raised in a function of an earlier cell points at the call in the running cell', async () => {
    await kernel.execute('function explode(): never {\n  throw new Error("boom");\n}');
    const e = error(await kernel.execute('const before = 1;\n\nexplode();'))!;
    assert.equal(e.evalue, 'boom');
    assert.equal(e.line, 3);
    assert.match(e.traceback[1], /at explode \(cell \[\d+\], line 2\)/);
  });

  it('a QuantbookError keeps its code-level name and shows the hint', async () => {
    const r = await kernel.execute('import { QuantbookError } from "quantbook";\nconst n = 3;\nthrow new QuantbookError("BAD_PARAMETER", "window must be positive", "pass window >= 1");');
    const e = error(r)!;
    assert.equal(e.ename, 'QuantbookError');
    assert.equal(e.evalue, 'window must be positive');
    assert.equal(e.line, 3);
    assert.equal(e.traceback[1], '  fix: pass window >= 1');
  });

  it('reports type errors with the line, without running the cell', async () => {
    const r = await kernel.execute('console.log("runs?");\nconst s: string = 42;');
    assert.equal(r.ok, false);
    const e = error(r)!;
    assert.equal(e.ename, 'CompileError');
    assert.match(e.evalue, /Type 'number' is not assignable to type 'string'/);
    assert.equal(e.line, 2);
    assert.equal(text(r), '');
  });

  it('a thrown non-Error value is still an error output', async () => {
    const e = error(await kernel.execute('throw "plain string";'))!;
    assert.equal(e.ename, 'Error');
    assert.equal(e.evalue, 'plain string');
  });

  it('runs every queued cell after an error (no cancel window as in tslab under Jupyter)', async () => {
    const cells = ['let q = 1;', 'throw new Error("fails");', 'q += 1;', 'q += 1;', 'q'];
    const results = await Promise.all(cells.map((c) => kernel.execute(c)));
    assert.deepEqual(results.map((r) => r.ok), [true, false, true, true, true]);
    assert.equal(result(results[4])?.data['text/plain'], '3');
    const counts = results.map((r) => r.executionCount);
    assert.deepEqual(counts, counts.map((_, i) => counts[0] + i));
  });

  it('forwards provenance events: runs recorded by a cell', async () => {
    const events: QuantbookEvent[] = [];
    const listen = (e: QuantbookEvent) => events.push(e);
    kernel.on('event', listen);
    // a variable holding an API result (zod-derived types) must be nameable from a folder outside Quantbook
    const r = await kernel.execute('import { recordRun } from "quantbook";\nconst recorded = await recordRun({ kind: "notebook", name: "from a cell", metrics: { x: 1 } });');
    kernel.off('event', listen);
    assert.equal(r.ok, true, JSON.stringify(error(r)));
    const recorded = events.filter((e) => e.type === 'run-recorded');
    assert.equal(recorded.length, 1);
    assert.deepEqual(readdirSync(runs), [(recorded[0] as { run_id: string }).run_id]);
  });

  it('interrupts a busy loop and keeps the state', async () => {
    await kernel.execute('let survivor = "still here";');
    const running = kernel.execute('while (true) {}');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await kernel.interrupt(), 'interrupted');
    const r = await running;
    assert.equal(r.status, 'interrupted');
    assert.equal(error(r)?.ename, 'Interrupted');
    assert.equal(result(await kernel.execute('survivor'))?.data['text/plain'], 'still here');
  });

  it('interrupts an awaited promise', async () => {
    const running = kernel.execute('await new Promise((r) => setTimeout(r, 60_000));');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await kernel.interrupt(), 'interrupted');
    assert.equal((await running).status, 'interrupted');
    assert.equal(result(await kernel.execute('survivor'))?.data['text/plain'], 'still here');
  });

  it('restarts the kernel when a cell ignores the interrupt (busy loop after an await)', async () => {
    const restarted = new Promise<void>((r) => kernel.once('restart', () => r()));
    const running = kernel.execute('await null;\nwhile (true) {}');
    const queued = kernel.execute('"never runs"');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await kernel.interrupt(), 'restarted');
    await restarted;
    const r = await running;
    assert.equal(r.status, 'interrupted');
    assert.match(error(r)!.evalue, /restarted/);
    assert.equal(error(await queued)?.ename, 'Cancelled');
    assert.equal(kernel.state, 'idle');
    const after = await kernel.execute('survivor');
    assert.match(error(after)!.evalue, /Cannot find name 'survivor'/, 'state is gone after a restart');
    assert.equal(after.executionCount, 1);
  });

  it('reports a crash, refuses work until restarted, then works again', async () => {
    await kernel.execute('let lost = 1;');
    const exit = new Promise<KernelExit>((r) => kernel.once('exit', r));
    const r = await kernel.execute('console.log("bye");\nprocess.exit(3);');
    assert.equal(r.status, 'died');
    assert.equal(error(r)?.ename, 'KernelDied');
    assert.match(error(r)!.evalue, /exit code 3/);
    const info = await exit;
    assert.deepEqual([info.code, info.expected], [3, false]);
    assert.equal(kernel.state, 'dead');
    await assert.rejects(kernel.execute('1'), { code: 'KERNEL_DEAD' });
    await kernel.restart();
    assert.match(error(await kernel.execute('lost'))!.evalue, /Cannot find name 'lost'/);
  });

  it('reports a kill by signal', async () => {
    const exit = new Promise<KernelExit>((r) => kernel.once('exit', r));
    const r = await kernel.execute('process.kill(process.pid, "SIGKILL");\nawait new Promise((r) => setTimeout(r, 5000));');
    assert.equal(r.status, 'died');
    assert.match(error(r)!.evalue, /signal SIGKILL/);
    assert.equal((await exit).signal, 'SIGKILL');
    await kernel.restart();
    assert.equal(result(await kernel.execute('1 + 1'))?.data['text/plain'], '2');
  });
});
