import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { z } from 'zod';
import { QuantbookError } from '../kernel-lib/errors';
import { sma } from '../kernel-lib/indicators/sma';
import { strategyArrays } from '../kernel-lib/strategy/compute-targets';
import { defineStrategy } from '../kernel-lib/strategy/define';
import { parseParamsText } from '../kernel-lib/strategy/params-text';
import { getStrategy, listStrategies, registerStrategy } from '../kernel-lib/strategy/registry';

function throwsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof QuantbookError, `expected a QuantbookError, got ${e}`);
    assert.equal(e.code, code);
    if (message) assert.match(e.message, message);
    return true;
  });
}

function panel(rows: Array<[string, string, number]>): pl.DataFrame {
  return pl.DataFrame({
    security_id: rows.map((r) => r[0]),
    date: rows.map((r) => r[1]),
    close: rows.map((r) => r[2]),
  }).withColumns(pl.col('date').str.strptime(pl.Date, '%Y-%m-%d'));
}

describe('strategy: defineStrategy, parameters, registry', () => {
  const smaCross = getStrategy('sma_cross');

  it('fills defaults and validates types, ranges and the fast < slow rule', () => {
    assert.deepEqual(smaCross.parseParams({}), { fast: 20, slow: 50, allowShort: false });
    assert.deepEqual(smaCross.parseParams({ fast: 5, slow: 10 }), { fast: 5, slow: 10, allowShort: false });
    throwsCode(() => smaCross.parseParams({ fast: 50, slow: 20 }), 'BAD_PARAMETER', /parameter 'fast': fast must be less than slow/);
    throwsCode(() => smaCross.parseParams({ fast: 20, slow: 20 }), 'BAD_PARAMETER', /fast must be less than slow/);
    throwsCode(() => smaCross.parseParams({ fast: 0 }), 'BAD_PARAMETER', /parameter 'fast': Too small.*\(got 0\)/);
    throwsCode(() => smaCross.parseParams({ fast: 2.5 }), 'BAD_PARAMETER', /parameter 'fast'/);
    throwsCode(() => smaCross.parseParams({ fsat: 5 }), 'BAD_PARAMETER', /unknown parameter 'fsat' \(parameters of sma_cross: fast, slow, allowShort\)/);
  });

  it('validateParams reports problems without throwing (for optimizers)', () => {
    const bad = smaCross.validateParams({ fast: 60, slow: 50 });
    assert.equal(bad.ok, false);
    const good = smaCross.validateParams({ fast: 10 });
    assert.ok(good.ok && good.params.slow === 50);
  });

  it('describes its parameters as JSON Schema plus the cross-field rules', () => {
    const d = smaCross.describeParams();
    assert.equal(d.strategy, 'sma_cross');
    const props = d.schema.properties as Record<string, { type: string; minimum?: number; default?: unknown; description?: string }>;
    assert.equal(props.fast.type, 'integer');
    assert.equal(props.fast.minimum, 1);
    assert.equal(props.fast.default, 20);
    assert.equal(props.allowShort.type, 'boolean');
    assert.ok(props.slow.description);
    assert.deepEqual(d.constraints, ['fast must be less than slow']);
    assert.doesNotThrow(() => JSON.stringify(d));
  });

  it('parses --params text by the schema types', () => {
    assert.deepEqual(parseParamsText(smaCross, 'fast=5, slow=30,allowShort=true'), { fast: 5, slow: 30, allowShort: true });
    assert.deepEqual(parseParamsText(smaCross, ''), {});
    throwsCode(() => parseParamsText(smaCross, 'fast=abc'), 'BAD_PARAMETER', /parameter 'fast' must be a number, got 'abc'/);
    throwsCode(() => parseParamsText(smaCross, 'allowShort=maybe'), 'BAD_PARAMETER', /true or false/);
    throwsCode(() => parseParamsText(smaCross, 'fast'), 'BAD_PARAMETER', /not name=value/);
    throwsCode(() => parseParamsText(smaCross, 'fast=1,fast=2'), 'BAD_PARAMETER', /given twice/);
  });

  it('keeps a registry of strategies by name', () => {
    assert.deepEqual(listStrategies().map((s) => s.name).slice(0, 3), ['sma_cross', 'rsi_reversion', 'donchian_breakout']);
    throwsCode(() => getStrategy('nope'), 'UNKNOWN_STRATEGY');
    assert.throws(() => registerStrategy(smaCross), /already registered/);
    throwsCode(() => defineStrategy({ name: 'Bad Name', version: '1', params: z.object({}), features: () => ({}), target: () => pl.lit(0) }), 'BAD_STRATEGY');
  });

  it('computes features per security and an expression target, with a debug feature frame', async () => {
    // fast=1, slow=2: SMA(1) = close, SMA(2) = mean of the last two closes, so the target is
    // 1 when the close rose, 0 on an unchanged close (a tie is flat), NaN on each first bar.
    const data = panel([
      ['B', '2020-01-01', 20], ['B', '2020-01-02', 19], ['B', '2020-01-03', 21],
      ['A', '2020-01-01', 10], ['A', '2020-01-02', 11], ['A', '2020-01-03', 11], ['A', '2020-01-06', 10], ['A', '2020-01-07', 12],
    ]);
    const params = smaCross.parseParams({ fast: 1, slow: 2 });
    const { arrays, features, featureNames } = await strategyArrays(smaCross, params, data, { debug: true });
    assert.deepEqual(arrays.securities, ['A', 'B']);
    assert.deepEqual(Array.from(arrays.columns.target), [NaN, 1, 0, 0, 1, NaN, 0, 1]);
    assert.deepEqual(featureNames, ['sma_fast', 'sma_slow']);
    assert.deepEqual(features!.columns, ['security_id', 'date', 'close', 'sma_fast', 'sma_slow', 'signal', 'target']);
    assert.deepEqual(Array.from(features!.getColumn('sma_slow').toTypedArray() as Float64Array).slice(5), [NaN, 19.5, 20]); // B's first bar does not see A's last
    const short = await strategyArrays(smaCross, smaCross.parseParams({ fast: 1, slow: 2, allowShort: true }), data);
    assert.deepEqual(Array.from(short.arrays.columns.target), [NaN, 1, 0, -1, 1, NaN, -1, 1]);
  });

  it('runs a target kernel per security over typed arrays, one trip out of polars', async () => {
    // A user-written path-dependent rule: long after two rising closes in a row, flat after a fall.
    const twoUp = defineStrategy({
      name: 'two_up',
      version: '0.1.0',
      params: z.object({ size: z.number().min(0).max(1).default(1) }),
      features: () => ({ change: pl.col('close').diff(1, 'ignore').over('security_id') }),
      target: () => ({
        kind: 'kernel' as const,
        inputs: ['change'],
        run([change], out, p) {
          let ups = 0;
          let state = 0;
          for (let t = 0; t < out.length; t++) {
            if (change[t] !== change[t]) { out[t] = NaN; continue; }
            ups = change[t] > 0 ? ups + 1 : 0;
            if (ups >= 2) state = p.size;
            if (change[t] < 0) state = 0;
            out[t] = state;
          }
        },
      }),
    });
    const data = panel([
      ['X', '2020-01-01', 1], ['X', '2020-01-02', 2], ['X', '2020-01-03', 3], ['X', '2020-01-06', 3], ['X', '2020-01-07', 2],
      ['Y', '2020-01-01', 5], ['Y', '2020-01-02', 6],
    ]);
    const { arrays } = await strategyArrays(twoUp, twoUp.parseParams({ size: 0.5 }), data);
    assert.deepEqual(Array.from(arrays.columns.target), [NaN, 0, 0.5, 0.5, 0, NaN, 0]);
    assert.deepEqual(Array.from(arrays.columns.signal), Array.from(arrays.columns.target)); // no signal: the target
  });

  it('refuses reserved feature names and reports broken features as a QuantbookError', async () => {
    const clash = defineStrategy({ name: 'clash', version: '1', params: z.object({}), features: () => ({ target: sma('close', 2) }), target: () => pl.lit(1) });
    await assert.rejects(strategyArrays(clash, {}, panel([['A', '2020-01-01', 1]])), /reserved/);
    const missing = defineStrategy({ name: 'missing_col', version: '1', params: z.object({}), features: () => ({ x: pl.col('nope').mul(2) }), target: () => pl.lit(1) });
    await assert.rejects(strategyArrays(missing, {}, panel([['A', '2020-01-01', 1]])), (e: unknown) => e instanceof QuantbookError && e.code === 'STRATEGY_FAILED');
  });
});
