import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { openSample } from '../kernel-lib/data/sample';
import { BUILTIN_SIGNALS } from '../kernel-lib/research/signals';
import { buildBaselines, denseBaseline, getBaseline, registerBaseline } from '../kernel-lib/suite/baselines';
import { loadPanel } from '../kernel-lib/xsection/backtest';
import { parseXsectionConfig } from '../kernel-lib/xsection/config';
import { contractStep } from '../kernel-lib/xsection/contract-step';
import { frameSource } from '../kernel-lib/xsection/frame-source';
import type { SuiteResult } from '../kernel-lib/suite/result';
import { runSuite } from '../kernel-lib/suite/runner';
import { testPanel } from './xsection-fixtures';

// The suite computes the built-in baselines on the panel's close matrix (denseBaseline); these
// tests hold it to the long way round: the research definition's signal table
// (buildBaselines), aligned by the contract at lag 0 and placed into the matrix.

type Source = Parameters<typeof loadPanel>[0] & Parameters<typeof buildBaselines>[0];

async function bothWays(source: Source, name: string) {
  const { panel, calendar } = await loadPanel(source, [parseXsectionConfig({})]);
  const dense = denseBaseline(name, panel);
  const [built] = await buildBaselines(source, [name]);
  const step = built.signal ? await contractStep(built.signal, { calendar, panel, validate: false }) : undefined;
  return { panel, dense, built, step };
}

function assertSame(r: Awaited<ReturnType<typeof bothWays>>, label: string): void {
  const { dense, built, step } = r;
  assert.ok(dense, `${label}: the dense path applies`);
  assert.equal(dense.available, built.available, label);
  assert.equal(dense.reason, built.reason, label);
  assert.equal(dense.description, built.description);
  if (!step) return;
  assert.deepEqual(dense.rows, step.rows, `${label}: rows in and dropped`);
  assert.equal(dense.placed, step.matrix.placed, label);
  // bit for bit (String keeps NaN comparable and tells -0 from 0 via Object.is below)
  const a = dense.values!;
  const b = step.matrix.values;
  assert.equal(a.length, b.length);
  let differ = 0;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) differ++;
  assert.equal(differ, 0, `${label}: ${differ} cells differ`);
}

/** The test panel with holes, non-positive, empty and infinite closes, and a late listing. */
function awkwardFrame(): pl.DataFrame {
  const p = testPanel(12, 300, { seed: 9 });
  const f = p.frame.withRowIndex('k');
  return f
    .filter(pl.col('k').modulo(37).neq(5)) // holes inside listed ranges
    .filter(pl.col('security_id').neq(pl.lit('S003')).or(pl.col('k').modulo(300).gtEq(140))) // S003 lists late
    .withColumns(
      pl.when(pl.col('k').modulo(53).eq(0)).then(pl.lit(0))
        .when(pl.col('k').modulo(59).eq(0)).then(pl.lit(-1))
        .when(pl.col('k').modulo(61).eq(0)).then(pl.lit(null))
        .when(pl.col('k').modulo(67).eq(0)).then(pl.lit(Infinity))
        .when(pl.col('k').modulo(71).eq(0)).then(pl.lit(NaN))
        .otherwise(pl.col('close'))
        .cast(pl.Float64)
        .alias('close'),
    )
    .drop('k');
}

describe('suite: built-in baselines on the close matrix', function () {
  this.timeout(120_000);

  for (const name of ['reversal_5d', 'momentum_12_1']) {
    it(`${name}: the same matrix and row counts as the signal table through the contract (clean panel)`, async () => {
      const p = testPanel(20, 300, { seed: 3 });
      assertSame(await bothWays(frameSource(p.frame), name), name);
    });

    it(`${name}: the same on a panel with holes, a late listing, zero, negative, empty, infinite and NaN closes`, async () => {
      const r = await bothWays(frameSource(awkwardFrame()), name);
      assertSame(r, name);
      assert.ok(r.step && Object.keys(r.step.rows.dropped).length > 0, 'the last date is dropped (beyond_calendar_end)');
    });
  }

  it('reports a baseline without any value as unavailable, with the same reason', async () => {
    const p = testPanel(5, 100, { seed: 4 }); // under 253 bars: no momentum_12_1 value anywhere
    const r = await bothWays(frameSource(p.frame), 'momentum_12_1');
    assert.equal(r.built.available, false);
    assertSame(r, 'momentum_12_1 on 100 bars');
  });

  it('falls back to the table when the prices repeat a (security, date) row or the baseline was re-registered', async () => {
    const p = testPanel(6, 60, { seed: 5 });
    const repeated = pl.concat([p.frame, p.frame.head(1)]);
    const { panel } = await loadPanel(frameSource(repeated), [parseXsectionConfig({})]);
    assert.equal(panel.priceCells, undefined);
    assert.equal(denseBaseline('reversal_5d', panel), null);

    const { panel: clean } = await loadPanel(frameSource(p.frame), [parseXsectionConfig({})]);
    assert.ok(denseBaseline('reversal_5d', clean));
    // a user definition under the built-in's name: the suite cannot know its formula
    const original = getBaseline('reversal_5d')!;
    registerBaseline({ name: 'reversal_5d', description: 'my own', build: (s) => BUILTIN_SIGNALS.reversal_5d.compute(s.prices({ columns: ['close'] })) });
    try {
      assert.equal(denseBaseline('reversal_5d', clean), null);
    } finally {
      registerBaseline(original);
    }
    assert.ok(denseBaseline('reversal_5d', clean));
    assert.equal(denseBaseline('value', clean), null);
  });

  it('runSuite gives the same baseline results, correlations and verdict through the dense path as through the tables', async () => {
    const p = testPanel(30, 300, { seed: 8 });
    const source = frameSource(p.frame);
    const signal = await BUILTIN_SIGNALS.reversal_5d.compute(source.prices({ columns: ['close'] }));
    const noisy = signal.withColumns(pl.col('signal').add(pl.col('date_sig').cast(pl.Int32).mul(0.37).sin().mul(0.05))).drop('signal_name');
    const options = { threads: 0, preset: 'quick' as const, baselines: ['reversal_5d', 'momentum_12_1'] };
    const dense = await runSuite(noisy, source, options);
    const originals = ['reversal_5d', 'momentum_12_1'].map((n) => getBaseline(n)!);
    // the same definitions as user registrations: the suite must build their tables
    for (const o of originals) registerBaseline({ ...o });
    let tables: SuiteResult;
    try {
      tables = await runSuite(noisy, source, options);
    } finally {
      for (const o of originals) registerBaseline(o);
    }
    for (const [k, b] of dense.baselines.entries()) {
      const t = tables.baselines[k];
      assert.equal(b.name, t.name);
      assert.deepEqual(b.rows, t.rows);
      assert.deepEqual(b.variants.map((v) => v.metrics), t.variants.map((v) => v.metrics));
      assert.deepEqual(b.variants.map((v) => [...v.arrays.overall.net]), t.variants.map((v) => [...v.arrays.overall.net]));
    }
    assert.deepEqual(dense.correlations, tables.correlations);
    assert.deepEqual(dense.verdict, tables.verdict);
  });

  it('real data (embedded S&P 500 sample: late listings, delistings, gaps): both baselines match the long way', async () => {
    const sample = await openSample();
    for (const name of ['reversal_5d', 'momentum_12_1']) assertSame(await bothWays(sample, name), `${name} on the sample`);
  });
});
