import { strict as assert } from 'node:assert';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { chart } from '../kernel-lib/plot/chart';
import { compareChart } from '../kernel-lib/tracking/run-compare';
import { parseMetricCondition } from '../kernel-lib/tracking/run-filter';
import { RunHistory } from '../kernel-lib/tracking/run-history';
import { RUN_ID_PATTERN, newRunId } from '../kernel-lib/tracking/run-id';
import { runRecordSchema } from '../kernel-lib/tracking/run-record';
import { onQuantbookEvent } from '../kernel-lib/tracking/events';
import { clearWorkspaceStateCache } from '../kernel-lib/tracking/workspace-state';
import { recordRun, useRunHistory } from '../kernel-lib/tracking/record-run';
import { tempDir, cli } from './helpers';

const NODE = process.execPath;
const ROOT = resolve(__dirname, '..');

function newHistory(): RunHistory {
  const workspace = tempDir('quantbook-history-');
  return new RunHistory({ workspace, root: join(workspace, '.quantbook', 'runs') });
}

describe('tracking: run history', () => {
  describe('record', () => {
    it('writes a schema-valid run.json with identity, versions, data, params and metrics', async () => {
      const h = newHistory();
      const run = await h.record({
        kind: 'backtest',
        name: 'sma_cross',
        strategy: 'sma_cross',
        params: { fast: 10, slow: 50, start: new Date('2015-01-02T00:00:00Z'), bad: NaN },
        metrics: { sharpe: 1.25, cagr: 0.071, undefined_metric: undefined, nan_metric: NaN, inf: Infinity },
        tags: ['baseline', 'baseline', 'demo'],
        data: { snapshot_id: 'snap-1', content_hash: 'sha256:abc', name: 'sample' },
      });
      assert.match(run.run_id, RUN_ID_PATTERN);
      const onDisk = JSON.parse(readFileSync(join(h.root, run.run_id, 'run.json'), 'utf8'));
      assert.equal(runRecordSchema.safeParse(onDisk).success, true);
      assert.equal(onDisk.schema_version, 1);
      assert.deepEqual(onDisk.params, { fast: 10, slow: 50, start: '2015-01-02T00:00:00.000Z', bad: null });
      assert.deepEqual(onDisk.metrics, { sharpe: 1.25, cagr: 0.071, nan_metric: null, inf: null });
      assert.deepEqual(onDisk.tags, ['baseline', 'demo']);
      assert.deepEqual(onDisk.data, [{ snapshot_id: 'snap-1', content_hash: 'sha256:abc', name: 'sample' }]);
      assert.equal(onDisk.versions.node, process.versions.node);
      assert.equal(onDisk.versions.polars, '0.26.1');
      assert.equal(onDisk.versions.quantbook, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
      assert.ok(onDisk.author.length > 0);
      // a temp workspace is no git repository
      assert.deepEqual(onDisk.workspace, { git_sha: null, git_dirty: null });
      assert.ok(Math.abs(Date.parse(onDisk.created_at) - Date.now()) < 60_000);
      assert.deepEqual(readdirSync(h.root), [run.run_id], 'no temp folder is left behind');
    });

    it('run ids sort by creation time', () => {
      const a = newRunId(new Date('2026-01-02T03:04:05.006Z'));
      const b = newRunId(new Date('2026-01-02T03:04:05.007Z'));
      const c = newRunId(new Date('2026-01-10T00:00:00.000Z'));
      assert.match(a, /^20260102-030405-006-[0-9a-f]{8}$/);
      assert.deepEqual([c, a, b].sort(), [a, b, c]);
      // within a process, ids made in the same millisecond still sort in creation order
      const burst = Array.from({ length: 50 }, () => newRunId());
      assert.deepEqual([...burst].sort(), burst);
    });

    it('stores frames as parquet, charts as spec + svg, strings and buffers as files', async () => {
      const h = newHistory();
      const equity = pl.DataFrame({ date: ['2020-01-01', '2020-01-02'], equity: [1, 1.01] }).withColumns(pl.col('date').str.strptime(pl.Date, '%Y-%m-%d'));
      const spec = chart({ title: 't', data: { d: { rows: [{ x: 1, y: 2 }] } }, marks: [{ type: 'dot', data: 'd', options: { x: 'x', y: 'y' } }] });
      const run = await h.record({
        kind: 'research',
        name: 'r',
        artifacts: [
          { name: 'equity', content: equity },
          { name: 'ic_chart', content: spec },
          { name: 'notes', content: 'hello' },
          { name: 'report.html', content: '<p>x</p>' },
          { name: 'blob.bin', content: Buffer.from([1, 2, 3]) },
        ],
      });
      const byName = Object.fromEntries(run.artifacts.map((a) => [a.name, a]));
      assert.deepEqual(Object.keys(byName).sort(), ['blob.bin', 'equity', 'ic_chart', 'notes', 'report.html']);
      assert.equal(byName.equity.file, 'equity.parquet');
      assert.equal(byName.equity.type, 'parquet');
      const back = pl.readParquet(h.artifactPath(run, 'equity'));
      assert.deepEqual(back.getColumn('equity').toArray(), [1, 1.01]);
      assert.equal(byName.ic_chart.type, 'chart');
      assert.match(readFileSync(join(h.root, run.run_id, 'ic_chart.svg'), 'utf8'), /^<svg xmlns/);
      assert.deepEqual(JSON.parse(readFileSync(h.artifactPath(run, 'ic_chart'), 'utf8')), spec);
      assert.equal(readFileSync(h.artifactPath(run, 'notes'), 'utf8'), 'hello');
      assert.equal(byName.notes.file, 'notes.txt');
      assert.equal(byName['report.html'].type, 'html');
      assert.deepEqual([...readFileSync(h.artifactPath(run, 'blob.bin'))], [1, 2, 3]);
      assert.equal(byName['blob.bin'].bytes, 3);
    });

    it('rejects bad input with a named error and leaves nothing behind', async () => {
      const h = newHistory();
      await assert.rejects(h.record({ kind: 'backtest', name: 'x', metrics: { sharpe: 'high' as unknown as number } }), (e: Error & { code?: string }) => e.code === 'BAD_METRIC' && /sharpe/.test(e.message));
      await assert.rejects(h.record({ kind: 'backtest', name: 'x', artifacts: [{ name: '../evil', content: 'x' }] }), { code: 'BAD_ARTIFACT_NAME' });
      await assert.rejects(h.record({ kind: '', name: 'x' }), { code: 'BAD_RUN' });
      await assert.rejects(h.record({ kind: 'backtest', name: 'x', artifacts: [{ name: 'a', content: 'x' }, { name: 'a', content: 'y' }] }), { code: 'BAD_ARTIFACT_NAME' });
      const list = await h.list();
      assert.equal(list.runs.length, 0);
      assert.equal(list.damaged.length, 0);
      assert.deepEqual(existsSync(h.root) ? readdirSync(h.root) : [], []);
    });

    it("reuses a result's own run id once, and refuses a second record or a malformed id", async () => {
      const h = newHistory();
      const id = newRunId(new Date('2026-03-04T05:06:07.089Z'));
      const run = await h.record({ kind: 'backtest', name: 'with id', run_id: id });
      assert.equal(run.run_id, id);
      assert.equal((await h.show(id)).name, 'with id');
      await assert.rejects(h.record({ kind: 'backtest', name: 'again', run_id: id }), { code: 'RUN_EXISTS' });
      await assert.rejects(h.record({ kind: 'backtest', name: 'bad', run_id: '../x' }), { code: 'BAD_RUN' });
    });

    it('recordRun writes to the history chosen with useRunHistory', async () => {
      const h = newHistory();
      useRunHistory(h.root);
      try {
        const run = await recordRun({ kind: 'research', name: 'hooked', metrics: { ic: 0.02 } });
        assert.deepEqual((await h.list()).runs.map((r) => r.run_id), [run.run_id]);
      } finally {
        useRunHistory(undefined);
      }
    });

    it('announces recorded runs on the process-wide event channel', async () => {
      const h = newHistory();
      const seen: string[] = [];
      const off = onQuantbookEvent((e) => e.type === 'run-recorded' && seen.push(e.run_id));
      const run = await h.record({ kind: 'notebook', name: 'n' });
      off();
      await h.record({ kind: 'notebook', name: 'n2' });
      assert.deepEqual(seen, [run.run_id]);
    });

    it('records the git commit and dirty flag, ignoring its own runs folder', async function () {
      const h = newHistory();
      const git = (...args: string[]) => execFileSync('git', args, { cwd: h.workspace, encoding: 'utf8' }).trim();
      git('init', '-q');
      git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'init');
      const sha = git('rev-parse', 'HEAD');
      const clean = await h.record({ kind: 'research', name: 'clean' });
      assert.deepEqual(clean.workspace, { git_sha: sha, git_dirty: false }, 'the runs folder itself does not make the tree dirty');
      writeFileSync(join(h.workspace, 'signal.ts'), 'export const x = 1;\n');
      // git states are reused for 2 s: forget the clean one
      clearWorkspaceStateCache();
      const dirty = await h.record({ kind: 'research', name: 'dirty' });
      assert.deepEqual(dirty.workspace, { git_sha: sha, git_dirty: true });
    });
  });

  describe('concurrent writers', () => {
    it('four processes recording 15 runs each at once corrupt nothing', async function () {
      this.timeout(60_000);
      const h = newHistory();
      const script = join(h.workspace, 'writer.ts');
      writeFileSync(
        script,
        `import { RunHistory } from ${JSON.stringify(join(ROOT, 'kernel-lib/tracking/run-history'))};
         const h = new RunHistory({ root: process.argv[2], workspace: process.argv[3] });
         (async () => {
           const writer = Number(process.argv[4]);
           await Promise.all(Array.from({ length: 15 }, (_, i) => h.record({
             kind: 'optimize', name: 'w' + writer, params: { writer, i }, metrics: { value: writer * 100 + i },
             artifacts: [{ name: 'payload.txt', content: 'x'.repeat(20000 + i) }],
           })));
         })().catch((e) => { console.error(e); process.exit(1); });`,
      );
      const writers = [0, 1, 2, 3].map(
        (w) =>
          new Promise<void>((done, fail) =>
            execFile(NODE, ['--import', 'tsx', script, h.root, h.workspace, String(w)], { cwd: ROOT }, (err, _out, stderr) => (err ? fail(new Error(stderr)) : done())),
          ),
      );
      // a reader listing while the writers write sees only whole runs
      const reading = (async () => {
        for (let i = 0; i < 20; i++) {
          const list = await h.list();
          assert.equal(list.damaged.length, 0, JSON.stringify(list.damaged));
          for (const r of list.runs) assert.equal(r.artifacts.length, 1);
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      await Promise.all([...writers, reading]);
      const list = await h.list();
      assert.equal(list.damaged.length, 0);
      assert.equal(list.runs.length, 60);
      assert.equal(new Set(list.runs.map((r) => r.run_id)).size, 60);
      const values = list.runs.map((r) => r.metrics.value).sort((a, b) => a! - b!);
      const expected = [0, 1, 2, 3].flatMap((w) => Array.from({ length: 15 }, (_, i) => w * 100 + i)).sort((a, b) => a - b);
      assert.deepEqual(values, expected);
      for (const r of list.runs) {
        const i = r.params.i as number;
        assert.equal(readFileSync(h.artifactPath(r, 'payload.txt'), 'utf8').length, 20000 + i);
      }
      assert.deepEqual(readdirSync(h.root).filter((n) => n.startsWith('.')), []);
    });
  });

  describe('damaged folders', () => {
    it('are listed as damaged with the reason, never crash the listing', async () => {
      const h = newHistory();
      const good = await h.record({ kind: 'research', name: 'good', artifacts: [{ name: 'a.txt', content: 'x' }] });
      const mk = (name: string, runJson?: string) => {
        mkdirSync(join(h.root, name), { recursive: true });
        if (runJson !== undefined) writeFileSync(join(h.root, name, 'run.json'), runJson);
      };
      const valid = JSON.parse(readFileSync(join(h.root, good.run_id, 'run.json'), 'utf8'));
      mk('20260101-000000-000-00000001');
      mk('20260101-000000-000-00000002', '{"schema_version": 1, "run_id": "trunc');
      mk('20260101-000000-000-00000003', JSON.stringify({ ...valid, run_id: '20260101-000000-000-00000003', metrics: { sharpe: 'x' } }));
      mk('20260101-000000-000-00000004', JSON.stringify({ ...valid, run_id: '20260101-000000-000-00000004', schema_version: 99 }));
      mk('20260101-000000-000-00000005', JSON.stringify({ ...valid, run_id: '20260101-000000-000-00000006' }));
      mk('20260101-000000-000-00000007', JSON.stringify({ ...valid, run_id: '20260101-000000-000-00000007' })); // artifact a.txt missing
      mk('.tmp-20260101-000000-000-00000008'); // an old write that died
      const old = new Date(Date.now() - 2 * 3600_000);
      utimesSync(join(h.root, '.tmp-20260101-000000-000-00000008'), old, old);
      mk('.tmp-20260101-000000-000-00000009'); // a write in progress: not damaged, not listed
      const list = await h.list();
      assert.deepEqual(list.runs.map((r) => r.run_id), [good.run_id]);
      const problems = Object.fromEntries(list.damaged.map((d) => [d.id.slice(-2), d.problem]));
      assert.deepEqual(Object.keys(problems).sort(), ['01', '02', '03', '04', '05', '07', '08']);
      assert.match(problems['01'], /no run\.json/);
      assert.match(problems['02'], /not valid JSON/);
      assert.match(problems['03'], /schema.*metrics\.sharpe/);
      assert.match(problems['04'], /schema_version 99.*upgrade/);
      assert.match(problems['05'], /folder name differs/);
      assert.match(problems['07'], /a\.txt is missing/);
      assert.match(problems['08'], /abandoned/);
      await assert.rejects(h.show('20260101-000000-000-00000002'), { code: 'RUN_DAMAGED' });
      // a damaged folder can be deleted
      await h.delete('20260101-000000-000-00000002');
      assert.equal((await h.list()).damaged.length, 6);
    });

    it('an empty or missing history lists nothing', async () => {
      const h = newHistory();
      assert.deepEqual(await h.list(), { runs: [], damaged: [] });
      await assert.rejects(h.show('latest'), { code: 'RUN_NOT_FOUND' });
    });
  });

  describe('list filters, show, delete', () => {
    let h: RunHistory;
    const ids: Record<string, string> = {};
    before(async () => {
      h = newHistory();
      const specs = [
        { kind: 'research', name: 'mom_12_1 leaderboard', signal: 'mom_12_1', tags: ['momentum'], metrics: { ic: 0.03 } },
        { kind: 'research', name: 'reversal leaderboard', signal: 'rev_5', tags: ['reversal'], metrics: { ic: -0.01 } },
        { kind: 'backtest', name: 'sma_cross', strategy: 'sma_cross', tags: ['momentum', 'baseline'], metrics: { sharpe: 1.4, max_drawdown: -0.12 } },
        { kind: 'backtest', name: 'sma_cross slow', strategy: 'sma_cross', tags: [], metrics: { sharpe: 0.6, max_drawdown: -0.3 } },
        { kind: 'backtest', name: 'buy_hold', strategy: 'buy_hold', tags: ['baseline'], metrics: { sharpe: null } },
      ];
      for (const s of specs) ids[s.name] = (await h.record(s)).run_id;
    });

    it('lists newest first', async () => {
      const { runs } = await h.list();
      assert.deepEqual(runs.map((r) => r.name), ['buy_hold', 'sma_cross slow', 'sma_cross', 'reversal leaderboard', 'mom_12_1 leaderboard']);
    });

    it('filters by tag, kind, name, signal and strategy', async () => {
      const names = async (f: Parameters<RunHistory['list']>[0]) => (await h.list(f)).runs.map((r) => r.name).sort();
      assert.deepEqual(await names({ tag: 'momentum' }), ['mom_12_1 leaderboard', 'sma_cross']);
      assert.deepEqual(await names({ kind: 'research' }), ['mom_12_1 leaderboard', 'reversal leaderboard']);
      assert.deepEqual(await names({ name: 'LEADER' }), ['mom_12_1 leaderboard', 'reversal leaderboard']);
      assert.deepEqual(await names({ signal: 'rev_5' }), ['reversal leaderboard']);
      assert.deepEqual(await names({ strategy: 'sma_cross', tag: 'baseline' }), ['sma_cross']);
      assert.deepEqual(await names({ limit: 2 }), ['buy_hold', 'sma_cross slow']);
    });

    it('filters by metric thresholds; runs without the metric (or null) do not pass', async () => {
      const names = async (f: Parameters<RunHistory['list']>[0]) => (await h.list(f)).runs.map((r) => r.name).sort();
      assert.deepEqual(await names({ where: { metric: 'sharpe', op: '>', value: 1 } }), ['sma_cross']);
      assert.deepEqual(await names({ where: { metric: 'sharpe', op: '<=', value: 1.4 } }), ['sma_cross', 'sma_cross slow']);
      assert.deepEqual(await names({ where: [{ metric: 'sharpe', op: '>', value: 0 }, { metric: 'max_drawdown', op: '<', value: -0.2 }] }), ['sma_cross slow']);
      assert.deepEqual(await names({ where: parseMetricCondition('ic>=-0.01') }), ['mom_12_1 leaderboard', 'reversal leaderboard']);
      assert.deepEqual(parseMetricCondition('max_drawdown > -0.2'), { metric: 'max_drawdown', op: '>', value: -0.2 });
      assert.throws(() => parseMetricCondition('sharpe>high'), { code: 'BAD_FILTER' });
      await assert.rejects(h.list({ where: { metric: 'sharpe', op: '~' as '>', value: 1 } }), { code: 'BAD_FILTER' });
    });

    it('filters by date range (a bare until-date includes the whole day)', async () => {
      const today = new Date().toISOString().slice(0, 10);
      assert.equal((await h.list({ since: today, until: today })).runs.length, 5);
      assert.equal((await h.list({ until: '2000-01-01' })).runs.length, 0);
      assert.equal((await h.list({ since: new Date(Date.now() + 3600_000) })).runs.length, 0);
      await assert.rejects(h.list({ since: 'yesterday' }), { code: 'BAD_FILTER' });
    });

    it('shows a run by id, unique prefix or "latest"; ambiguous and unknown ids are named errors', async () => {
      const id = ids['sma_cross'];
      assert.equal((await h.show(id)).name, 'sma_cross');
      assert.equal((await h.show('latest')).name, 'buy_hold');
      assert.equal((await h.show(id.slice(0, id.length - 3))).run_id, id);
      await assert.rejects(h.show(id.slice(0, 8)), { code: 'RUN_AMBIGUOUS' });
      await assert.rejects(h.show('19990101'), { code: 'RUN_NOT_FOUND' });
    });

    it('deletes a run', async () => {
      const h2 = newHistory();
      const a = await h2.record({ kind: 'research', name: 'a' });
      const b = await h2.record({ kind: 'research', name: 'b' });
      assert.equal(await h2.delete(a.run_id), a.run_id);
      assert.deepEqual((await h2.list()).runs.map((r) => r.run_id), [b.run_id]);
      assert.deepEqual(readdirSync(h2.root), [b.run_id]);
      await assert.rejects(h2.delete(a.run_id), { code: 'RUN_NOT_FOUND' });
    });
  });

  describe('compare', () => {
    it('diffs params and metrics and overlays the equity series', async () => {
      const h = newHistory();
      const equity = (values: number[]) =>
        pl.DataFrame({ date: ['2020-01-01', '2020-01-02', '2020-01-03'], equity: values }).withColumns(pl.col('date').str.strptime(pl.Date, '%Y-%m-%d'));
      const a = await h.record({ kind: 'backtest', name: 'fast', params: { fast: 10, slow: 50, cost_bps: 5 }, metrics: { sharpe: 1.5, cagr: 0.1, only_a: 1 }, artifacts: [{ name: 'equity', content: equity([1, 1.1, 1.2]) }] });
      const b = await h.record({ kind: 'backtest', name: 'slow', params: { fast: 20, slow: 50, extra: true }, metrics: { sharpe: 1.0, cagr: 0.125 }, artifacts: [{ name: 'equity', content: equity([1, 0.9, NaN]) }] });
      const cmp = await h.compare(a.run_id, b.run_id);
      assert.deepEqual(cmp.params, [
        { key: 'cost_bps', a: 5, b: undefined, changed: true },
        { key: 'extra', a: undefined, b: true, changed: true },
        { key: 'fast', a: 10, b: 20, changed: true },
        { key: 'slow', a: 50, b: 50, changed: false },
      ]);
      assert.deepEqual(cmp.metrics, [
        { key: 'cagr', a: 0.1, b: 0.125, diff: 0.125 - 0.1 },
        { key: 'only_a', a: 1, b: undefined, diff: null },
        { key: 'sharpe', a: 1.5, b: 1.0, diff: -0.5 },
      ]);
      assert.equal(cmp.series?.artifact, 'equity');
      assert.deepEqual(cmp.series?.rows, [
        { date: '2020-01-01', run: 'A: fast', value: 1 },
        { date: '2020-01-02', run: 'A: fast', value: 1.1 },
        { date: '2020-01-03', run: 'A: fast', value: 1.2 },
        { date: '2020-01-01', run: 'B: slow', value: 1 },
        { date: '2020-01-02', run: 'B: slow', value: 0.9 },
        { date: '2020-01-03', run: 'B: slow', value: null },
      ]);
      const overlay = compareChart(cmp)!;
      assert.equal(overlay.kind, 'quantbook.chart');
      assert.equal(overlay.data.series.rows.length, 6);
    });

    it('has no overlay when only one run carries a series', async () => {
      const h = newHistory();
      const ic = pl.DataFrame({ date: ['2020-01-01'], ic: [0.1] }).withColumns(pl.col('date').str.strptime(pl.Date, '%Y-%m-%d'));
      const a = await h.record({ kind: 'research', name: 'a', artifacts: [{ name: 'ic', content: ic }] });
      const b = await h.record({ kind: 'research', name: 'b' });
      const cmp = await h.compare(a.run_id, b.run_id);
      assert.equal(cmp.series, undefined);
      assert.equal(compareChart(cmp), undefined);
    });
  });

  describe('cli: quantbook history', () => {
    it('lists, shows, compares and deletes with --json, warning about damaged folders', async () => {
      const h = newHistory();
      const a = await h.record({ kind: 'backtest', name: 'a', metrics: { sharpe: 1 } });
      const b = await h.record({ kind: 'backtest', name: 'b', metrics: { sharpe: 2 } });
      mkdirSync(join(h.root, 'junk'));
      const out = await cli('history', 'list', '--runs', h.root, '--json', '--where', 'sharpe>1.5');
      assert.equal(out.code, 0);
      const listed = JSON.parse(out.stdout);
      assert.deepEqual(listed.runs.map((r: { name: string }) => r.name), ['b']);
      assert.equal(listed.damaged.length, 1);
      assert.match(out.stderr, /warning: damaged run folder .*junk/);
      const shown = await cli('history', 'show', a.run_id, '--runs', h.root);
      assert.match(shown.stdout, /sharpe = 1/);
      const cmp = JSON.parse((await cli('history', 'compare', a.run_id, b.run_id, '--runs', h.root, '--json')).stdout);
      assert.deepEqual(cmp.metrics, [{ key: 'sharpe', a: 1, b: 2, diff: 1 }]);
      const del = await cli('history', 'delete', 'junk', '--runs', h.root);
      assert.equal(del.code, 0);
      const bad = await cli('history', 'frobnicate', '--runs', h.root);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /unknown history subcommand/);
      const table = await cli('history', 'list', '--runs', h.root);
      assert.match(table.stdout, /2 run\(s\)/);
      assert.doesNotMatch(table.stderr, /warning/);
    });
  });
});

