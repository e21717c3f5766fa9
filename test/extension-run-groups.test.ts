import { strict as assert } from 'node:assert';
import { formatMetric, groupRunsByDay, keyMetricsText, localDay, localTime } from '../extension/history/run-groups';
import type { RunRecord } from '../kernel-lib/tracking/run-record';

function run(name: string, created_at: string, metrics: Record<string, number | null> = {}): RunRecord {
  return {
    schema_version: 1, run_id: `20261121-000000-000-${name.padEnd(8, '0').slice(0, 8)}`, kind: 'backtest', name, created_at,
    author: 'test', workspace: { git_sha: null, git_dirty: null }, versions: { quantbook: '0', node: '24', polars: '0.26' },
    data: [], tags: [], params: {}, metrics, artifacts: [],
  };
}

describe('extension: run history grouped by day', () => {
  const savedTz = process.env.TZ;
  before(() => {
    // New York is UTC-5 in November: the UTC and local days differ in the evening
    process.env.TZ = 'America/New_York';
  });
  after(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('uses the local calendar day: 03:30 UTC on the 21st is the evening of the 20th in New York', () => {
    assert.equal(localDay(new Date('2026-11-21T03:30:00Z')), '2026-11-20');
    assert.equal(localTime('2026-11-21T03:30:05Z'), '22:30:05');
  });

  it('groups newest day first, newest run first within a day, and labels today and yesterday', () => {
    const now = new Date('2026-11-21T17:00:00Z'); // 12:00 in New York
    const runs = [
      run('a', '2026-11-21T14:00:00Z'), // 09:00 local, today
      run('b', '2026-11-21T03:30:00Z'), // 22:30 local on the 20th: yesterday
      run('c', '2026-11-21T16:00:00Z'), // 11:00 local, today
      run('d', '2026-11-18T12:00:00Z'),
      run('e', '2026-11-20T15:00:00Z'), // 10:00 local on the 20th
    ];
    const groups = groupRunsByDay(runs, now);
    assert.deepEqual(groups.map((g) => [g.day, g.label, g.runs.map((r) => r.name)]), [
      ['2026-11-21', 'Today', ['c', 'a']],
      ['2026-11-20', 'Yesterday', ['b', 'e']],
      ['2026-11-18', '2026-11-18', ['d']],
    ]);
  });

  it('yesterday is the previous calendar day across a month boundary', () => {
    const groups = groupRunsByDay([run('x', '2026-11-30T15:00:00Z')], new Date('2026-12-01T15:00:00Z'));
    assert.equal(groups[0].label, 'Yesterday');
  });

  it('an empty history has no groups', () => {
    assert.deepEqual(groupRunsByDay([]), []);
  });

  it('key metrics prefer the headline ones, then the run\'s own order, at most three', () => {
    assert.equal(keyMetricsText({ trades: 12, custom: 1.5, sharpe: 1.23456, max_drawdown: -0.18 }), 'sharpe 1.235 · max_drawdown -0.18 · trades 12');
    assert.equal(keyMetricsText({ zeta: 2, alpha: 0.5 }), 'zeta 2 · alpha 0.5');
    assert.equal(keyMetricsText({ sharpe: null }), 'sharpe NaN');
    assert.equal(keyMetricsText({}), '');
  });

  it('formats metrics with four significant figures', () => {
    assert.equal(formatMetric(0.123456), '0.1235');
    assert.equal(formatMetric(-12.34567), '-12.35');
    assert.equal(formatMetric(250), '250');
    assert.equal(formatMetric(123456.7), '1.23e+5');
    assert.equal(formatMetric(0.0000123), '1.23e-5');
    assert.equal(formatMetric(undefined), '-');
  });
});
