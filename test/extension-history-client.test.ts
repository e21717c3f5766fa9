import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, splitArgs, type CliTarget } from '../extension/cli-process';
import { HistoryClient } from '../extension/history/history-client';
import { RunHistory } from '../kernel-lib/tracking/run-history';
import { tempDir } from './helpers';

const BUILT_CLI = resolve(__dirname, '..', 'dist', 'cli.js');

/**
 * The history view's data path end to end: runs recorded with the API, read back through
 * the `quantbook history` CLI in a child process: the built dist/cli.js that the packaged
 * extension runs (npm test builds first), else the source CLI through tsx.
 */
describe('extension: run history through the CLI child process', function () {
  this.timeout(60_000);
  const root = tempDir('quantbook-ext-history-');
  const runs = join(root, 'runs');
  const cli: CliTarget = {
    node: { path: process.execPath, version: process.versions.node, source: 'extension-host', env: {} },
    ...(existsSync(BUILT_CLI) ? { cliPath: BUILT_CLI } : { cliPath: resolve(__dirname, '..', 'kernel-lib', 'cli.ts'), execArgv: ['--require', require.resolve('tsx/cjs')] }),
    cwd: root,
  };
  const client = new HistoryClient(cli, runs);
  let older: string;
  let newer: string;

  before(async () => {
    const history = new RunHistory({ root: runs, workspace: root });
    older = (await history.record({ kind: 'backtest', name: 'sma fast', params: { fast: 10, slow: 50 }, metrics: { sharpe: 0.5, trades: 12 } })).run_id;
    newer = (await history.record({ kind: 'backtest', name: 'sma slow', params: { fast: 20, slow: 50 }, metrics: { sharpe: 0.8, trades: 7 } })).run_id;
    // a folder the listing must report as damaged, not crash on
    mkdirSync(join(runs, '20261121-000000-000-deadbeef'));
    writeFileSync(join(runs, '20261121-000000-000-deadbeef', 'run.json'), '{ half a file');
  });

  it('lists runs newest first and reports damaged folders', async () => {
    const listing = await client.list();
    assert.equal(listing.root, runs);
    assert.deepEqual(listing.runs.map((r) => r.run_id), [newer, older]);
    assert.deepEqual(listing.runs[0].metrics, { sharpe: 0.8, trades: 7 });
    assert.equal(listing.damaged.length, 1);
    assert.match(listing.damaged[0].problem, /not valid JSON/);
  });

  it('shows one run with its folder', async () => {
    const run = await client.show(older);
    assert.equal(run.name, 'sma fast');
    assert.equal(run.dir, join(runs, older));
  });

  it('compares two runs: param and metric differences', async () => {
    const cmp = await client.compare(older, newer);
    assert.deepEqual(cmp.params.find((p) => p.key === 'fast'), { key: 'fast', a: 10, b: 20, changed: true });
    assert.deepEqual(cmp.params.find((p) => p.key === 'slow'), { key: 'slow', a: 50, b: 50, changed: false });
    const sharpe = cmp.metrics.find((m) => m.key === 'sharpe')!;
    assert.ok(Math.abs(sharpe.diff! - 0.3) < 1e-12);
    assert.equal(cmp.series, null);
  });

  it('turns the CLI\'s JSON error into a QuantbookError with code and hint', async () => {
    await assert.rejects(client.show('19990101'), (e: Error & { code?: string; hint?: string }) => {
      assert.equal(e.code, 'RUN_NOT_FOUND');
      assert.match(e.message, /no run '19990101'/);
      assert.match(e.hint ?? '', /history list/);
      return true;
    });
  });

  it('deletes a run', async () => {
    assert.equal(await client.delete(older), older);
    assert.deepEqual((await client.list()).runs.map((r) => r.run_id), [newer]);
  });

  it('streams stderr lines as they come, and can be cancelled', async () => {
    const lines: string[] = [];
    const run = await runCli(cli, ['no-such-command'], { onStderrLine: (l) => lines.push(l) });
    assert.equal(run.code, 2);
    assert.match(lines[0], /unknown command 'no-such-command'/);
    const abort = new AbortController();
    const pending = runCli(cli, ['history', 'list'], { signal: abort.signal });
    abort.abort();
    await assert.rejects(pending, (e: Error & { code?: string }) => e.code === 'CANCELLED');
  });

  it('splits typed arguments like a shell, without expansion', () => {
    assert.deepEqual(splitArgs(`--signal "my file.csv" --name 'a b' --x=$HOME`), ['--signal', 'my file.csv', '--name', 'a b', '--x=$HOME']);
    assert.deepEqual(splitArgs('   '), []);
  });
});
