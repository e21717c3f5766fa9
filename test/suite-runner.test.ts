import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { openSample } from '../kernel-lib/data/sample';
import { isQuantbookError } from '../kernel-lib/errors';
import { renderTearsheet } from '../kernel-lib/report/tearsheet';
import { BUILTIN_SIGNALS } from '../kernel-lib/research/signals';
import { buildBaselines, registerBaseline, unregisterBaseline } from '../kernel-lib/suite/baselines';
import type { SuiteResult } from '../kernel-lib/suite/result';
import { runSuite, type SuiteProgress } from '../kernel-lib/suite/runner';
import { RunHistory } from '../kernel-lib/tracking/run-history';
import { frameSource } from '../kernel-lib/xsection/frame-source';
import { groupsFrame, normal, rng, signalTable, testPanel } from './xsection-fixtures';
import { sharedData, tempDir } from './helpers';

/** 60 securities in 3 sectors over 320 weekdays: enough history for momentum_12_1. */
const panel = testPanel(60, 320, { seed: 42 });
const groups = groupsFrame(panel, (i) => ['Energy', 'Tech', 'Utilities'][i % 3]);
const source = frameSource(panel.frame, { groups, name: 'test-panel' });
const fwd = (i: number, t: number) => (t + 1 < panel.days.length ? panel.close[i][t + 1] / panel.close[i][t] - 1 : NaN);

describe('suite: the runner', function () {
  this.timeout(180_000);
  let foresight: SuiteResult;

  before(async () => {
    // built from future returns: the return that lag 0 earns
    foresight = await runSuite(signalTable(panel, (i, d) => fwd(i, d + 1)), source, { name: 'foresight', threads: 0 });
  });

  it('runs the standard matrix (3 lags x off/industry) for the signal and every available baseline', () => {
    assert.deepEqual(foresight.signal.variants.map((v) => v.name), ['lag0_raw', 'lag0_industry', 'lag1_raw', 'lag1_industry', 'lag2_raw', 'lag2_industry']);
    const names = foresight.baselines.map((b) => `${b.name}:${b.available}`);
    assert.deepEqual(names, ['reversal_5d:true', 'momentum_12_1:true', 'value:false']);
    assert.match(foresight.baselines[2].reason!, /no 'value' column/);
    // baselines run the headline variant by default
    for (const b of foresight.baselines.filter((x) => x.available)) assert.deepEqual(b.variants.map((v) => v.name), ['lag0_raw']);
    assert.equal(foresight.summary.height, 6 + 2);
  });

  it('flags a perfect-foresight signal: great at lag 0, gone at lag 1, verdict red and suspect', () => {
    const lag0 = foresight.signal.variants.find((v) => v.name === 'lag0_raw')!;
    const lag1 = foresight.signal.variants.find((v) => v.name === 'lag1_raw')!;
    assert.ok(lag0.metrics.sharpe_net > 5, `lag 0 net Sharpe ${lag0.metrics.sharpe_net}`);
    // the foresight is gone one bar later: gross Sharpe near 0, and the daily re-ranking's costs sink the net
    assert.ok(Math.abs(lag1.metrics.sharpe_gross) < 2, `lag 1 gross Sharpe ${lag1.metrics.sharpe_gross}`);
    assert.ok(lag1.metrics.sharpe_net < 0);
    assert.equal(foresight.verdict.light, 'red');
    assert.equal(foresight.verdict.suspect, true);
    assert.ok(foresight.verdict.reasons.some((r) => r.criterion === 'suspect'));
    assert.ok(foresight.verdict.reasons.some((r) => r.criterion === 'lag' && r.level === 'red'));
  });

  it('calls a persistent, honest edge green (survives lag and residualization, not a clone)', async () => {
    // each security has its own constant expected return (alpha); the signal is that alpha,
    // known in advance and unrelated to sectors: a real edge at every lag
    const N = 150;
    const u = rng(102);
    const alpha = Array.from({ length: N }, () => 0.00025 * normal(u));
    const noise = rng(202);
    const p = testPanel(N, 320, { seed: 2, returns: (i) => alpha[i] + 0.015 * normal(noise) });
    const groupsOf = groupsFrame(p, (i) => ['A', 'B', 'C', 'D'][i % 4]);
    const suite = await runSuite(signalTable(p, (i) => alpha[i]), frameSource(p.frame, { groups: groupsOf }), { threads: 0 });
    const s = (name: string) => suite.signal.variants.find((v) => v.name === name)!.metrics.sharpe_net;
    assert.ok(s('lag0_raw') > 1 && s('lag0_raw') < 5, `lag 0 net Sharpe ${s('lag0_raw')}`);
    assert.ok(s('lag1_raw') > 0.5 * s('lag0_raw'));
    assert.equal(suite.verdict.light, 'green', suite.verdict.reasons.map((r) => r.text).join('; '));
    assert.equal(suite.verdict.suspect, false);
  });

  it('flags a copy of a baseline as a clone (signal and PnL correlation near 1)', async () => {
    const copy = await BUILTIN_SIGNALS.momentum_12_1.compute(source.prices({ columns: ['close'] }));
    const suite = await runSuite(copy.drop('signal_name'), source, { name: 'momentum_copy', threads: 0, preset: 'quick', baselines: ['momentum_12_1'] });
    const c = suite.correlations[0];
    assert.ok(c.signal_correlation > 0.999, `signal correlation ${c.signal_correlation}`);
    assert.ok(c.pnl_correlation > 0.999, `PnL correlation ${c.pnl_correlation}`);
    assert.equal(suite.verdict.light, 'red');
    assert.match(suite.verdict.reasons.find((r) => r.criterion === 'clone')!.text, /clone of baseline momentum_12_1/);
  });

  it('gives the same numbers on worker threads as on the main thread, with progress events up to done', async () => {
    const signal = signalTable(panel, (i, t) => Math.sin(i * 1.3 + t * 0.07));
    const events: SuiteProgress[] = [];
    const inline = await runSuite(signal, source, { threads: 0, preset: 'quick', baselines: ['reversal_5d'], baselineVariants: 'all' });
    const threaded = await runSuite(signal, source, { threads: 2, preset: 'quick', baselines: ['reversal_5d'], baselineVariants: 'all', onProgress: (e) => events.push(e) });
    assert.deepEqual(threaded.baselines[0].variants.map((v) => v.name), ['lag0_raw', 'lag1_raw']);
    for (const [k, v] of inline.signal.variants.entries()) {
      const w = threaded.signal.variants[k];
      assert.equal(w.name, v.name);
      assert.deepEqual([...w.arrays.overall.net], [...v.arrays.overall.net]);
      assert.deepEqual([...w.arrays.cap[0]!.net], [...v.arrays.cap[0]!.net]);
    }
    assert.equal(threaded.correlations[0].signal_correlation, inline.correlations[0].signal_correlation);
    assert.ok(events.length >= 6);
    for (let k = 1; k < events.length; k++) assert.ok(events[k].done >= events[k - 1].done && events[k].done <= events[k].total, JSON.stringify(events[k]));
    const last = events.at(-1)!;
    assert.equal(last.label, 'done');
    assert.equal(last.done, last.total);
  });

  it('is cancelled by an AbortSignal, on the main thread and on workers', async () => {
    const signal = signalTable(panel, (i, t) => Math.cos(i + t));
    for (const threads of [0, 2]) {
      const controller = new AbortController();
      const run = runSuite(signal, source, {
        threads,
        abort: controller.signal,
        onProgress: (e) => {
          if (e.label.startsWith('signal') || e.done >= 6) controller.abort();
        },
      });
      await assert.rejects(run, (e: unknown) => isQuantbookError(e) && e.code === 'CANCELLED');
    }
  });

  it('reports industry variants as not run when there are no group labels', async () => {
    const suite = await runSuite(signalTable(panel, (i, t) => Math.sin(i * 2.1 + t)), frameSource(panel.frame), { threads: 0, baselines: false });
    assert.deepEqual(suite.signal.variants.map((v) => v.name), ['lag0_raw', 'lag1_raw', 'lag2_raw']);
    assert.equal(suite.signal.skipped.length, 3);
    assert.match(suite.signal.skipped[0].reason, /no label columns|no group/);
    assert.ok(suite.verdict.reasons.some((r) => r.criterion === 'residualization' && r.level === 'info'));
  });

  it('runs user-registered baselines and a value baseline when the data has a value column', async () => {
    const withValue = panel.frame.withColumns(pl.col('close').rank('average').over('date').alias('value'));
    registerBaseline({ name: 'rank_close', description: 'test baseline', build: (s) => BUILTIN_SIGNALS.reversal_5d.compute(s.prices({ columns: ['close'] })) });
    try {
      const built = await buildBaselines(frameSource(withValue, { groups }));
      assert.deepEqual(built.map((b) => `${b.name}:${b.available}`), ['reversal_5d:true', 'momentum_12_1:true', 'value:true', 'rank_close:true']);
      const value = built.find((b) => b.name === 'value')!.signal!;
      assert.deepEqual(value.columns, ['security_id', 'date_sig', 'date_avail', 'signal', 'signal_name']);
      assert.equal(value.height, panel.frame.height);
    } finally {
      unregisterBaseline('rank_close');
    }
  });

  it('records the run in the history with daily series, summary and tear sheet artifacts', async () => {
    const history = new RunHistory({ root: tempDir('quantbook-suite-') });
    const suite = await runSuite(signalTable(panel, (i, t) => Math.sin(i * 0.7 + t * 0.01)), source, {
      threads: 0, preset: 'quick', baselines: ['reversal_5d'], record: history, tearsheet: renderTearsheet, tags: ['test'],
    });
    assert.ok(suite.run);
    const stored = await history.show(suite.run!.run_id);
    assert.equal(stored.kind, 'suite');
    assert.ok(stored.tags.includes(`verdict:${suite.verdict.light}`));
    assert.deepEqual(stored.artifacts.map((a) => a.file).sort(), ['daily.parquet', 'slices.parquet', 'summary.parquet', 'tearsheet.html', 'verdict.json']);
    assert.equal(stored.metrics['sharpe_net__lag0_raw'], suite.headline.metrics.sharpe_net);
    const daily = pl.readParquet(join(stored.dir, 'daily.parquet'));
    assert.deepEqual([...new Set(daily.getColumn('variant').toArray())], ['lag0_raw', 'lag1_raw']);
    assert.ok(existsSync(join(stored.dir, 'tearsheet.html')));
  });

  it('renders one self-contained tear sheet: sections A-E, inline SVG, thresholds, no scripts or network', () => {
    const html = renderTearsheet(foresight);
    for (const h of ['A. Headline results', 'B. Robustness', 'C. Capacity', 'D. Uniqueness', 'E. Verdict']) assert.ok(html.includes(h), h);
    assert.ok((html.match(/<svg /g) ?? []).length >= 7);
    assert.ok(!/<script|<link |src=|href="http|@import|url\(/i.test(html));
    assert.ok(html.includes('greenSharpe') && html.includes('cloneCorrelation'));
    assert.ok(html.includes('too good to be true'));
    assert.ok(html.includes('median daily dollar volume'));
  });
});

describe('suite: CLI quantbook suite', function () {
  this.timeout(240_000);
  it('prints the verdict as JSON, writes the tear sheet and reports progress as JSON lines', async () => {
    const { spawnSync } = await import('node:child_process');
    const dir = tempDir('quantbook-suite-cli-');
    const file = join(dir, 'signal.csv');
    // a copy of the reversal_5d baseline on the embedded sample, 2016-2017
    const snap = await openSample();
    const rev = await BUILTIN_SIGNALS.reversal_5d.compute(snap.prices({ columns: ['close'], start: '2016-01-01', end: '2017-12-31' }));
    rev.drop('signal_name').writeCSV(file);
    const node = process.execPath;
    const out = join(dir, 'out');
    const r = spawnSync(node, ['--require', require.resolve('tsx/cjs'), join(__dirname, '..', 'kernel-lib', 'cli.ts'), 'suite', '--signal', file, '--preset', 'quick', '--json', '--progress-json', '--out', out, '--runs', join(dir, 'runs'), '--threads', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.ok(['green', 'yellow', 'red'].includes(doc.verdict.light));
    assert.equal(doc.tearsheet, join(out, 'tearsheet.html'));
    assert.ok(existsSync(doc.tearsheet));
    // reversal_5d itself is a baseline: the copy must be flagged as a clone
    assert.equal(doc.verdict.light, 'red');
    assert.ok(doc.verdict.reasons.some((x: { criterion: string }) => x.criterion === 'clone'));
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    assert.ok(lines.filter((l) => l.type === 'progress').length >= 5);
    const result = lines.find((l) => l.type === 'result');
    assert.equal(result.tearsheet, doc.tearsheet);
    assert.equal(result.run_id, doc.run_id);
    assert.ok(readFileSync(doc.tearsheet, 'utf8').startsWith('<!DOCTYPE html>'));
  });

  it('answers a bad signal file with a clear error and a non-zero exit', async function () {
    const { spawnSync } = await import('node:child_process');
    const bad = sharedData(this, 'bad-inputs/missing_date_avail.csv');
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), join(__dirname, '..', 'kernel-lib', 'cli.ts'), 'suite', '--signal', bad, '--progress-json', '--no-record'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /date_avail/);
    assert.ok(r.stderr.split('\n').some((l) => l.startsWith('{"type":"error"')));
  });
});
