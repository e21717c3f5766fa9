import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import pl from 'nodejs-polars';
import { sharedData } from './helpers';
import { momentum12_1, reversal5d } from '../kernel-lib/research/signals';
import { researchSignals, type ResearchResult } from '../kernel-lib/research/analyze';
import { pearson } from './research-reference';

// The two built-in signals and the whole research pipeline on the real S&P 500 panel
// (../shared/data/all_stocks_5yr.csv), checked against a straightforward implementation
// written here: plain JS loops over the parsed CSV, sort-based average ranks, textbook Pearson.

interface Bars {
  names: string[];
  /** Per security, its rows in date order. */
  rows: Map<string, { date: string; close: number }[]>;
  calendar: string[];
}

function parseCsv(path: string): Bars {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const [di, ci, ni] = ['date', 'close', 'Name'].map((c) => header.indexOf(c));
  const rows = new Map<string, { date: string; close: number }[]>();
  const dates = new Set<string>();
  for (let l = 1; l < lines.length; l++) {
    const f = lines[l].split(',');
    const name = f[ni].trim();
    if (!rows.has(name)) rows.set(name, []);
    rows.get(name)!.push({ date: f[di], close: Number(f[ci]) });
    dates.add(f[di]);
  }
  for (const r of rows.values()) r.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return { names: [...rows.keys()].sort(), rows, calendar: [...dates].sort() };
}

function averageRanks(values: number[]): number[] {
  const idx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array<number>(values.length);
  for (let j = 0; j < idx.length; ) {
    let e = j + 1;
    while (e < idx.length && values[idx[e]] === values[idx[j]]) e++;
    for (let a = j; a < e; a++) ranks[idx[a]] = (j + 1 + e) / 2;
    j = e;
  }
  return ranks;
}

function minRanks(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  return values.map((v) => sorted.indexOf(v) + 1);
}

/** signal(rows, r) for every security row, by position within the security's rows. */
function referenceSignal(bars: Bars, fn: (c: number[], r: number) => number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const name of bars.names) {
    const closes = bars.rows.get(name)!.map((x) => x.close);
    out.set(name, closes.map((_, r) => fn(closes, r)));
  }
  return out;
}

const momentumRef = (c: number[], r: number) => (r >= 252 && c[r - 21] > 0 && c[r - 252] > 0 ? c[r - 21] / c[r - 252] - 1 : NaN);
const reversalRef = (c: number[], r: number) => (r >= 5 && c[r] > 0 && c[r - 5] > 0 ? -(c[r] / c[r - 5] - 1) : NaN);

/**
 * The research numbers done by hand: a value computed at a security's row on date d is used at
 * the next calendar date (if the security has a bar there), forward returns by position; a row
 * is used when the signal and every horizon's forward return exist; per date Spearman IC and
 * quantile buckets (min rank, k buckets), then means over dates.
 */
function referenceResearch(bars: Bars, signal: Map<string, number[]>, horizons: number[], k: number) {
  const dateIndex = new Map(bars.calendar.map((d, t) => [d, t]));
  const perDate = bars.calendar.map(() => ({ s: [] as number[], f: horizons.map(() => [] as number[]) }));
  for (const name of bars.names) {
    const rows = bars.rows.get(name)!;
    const sig = signal.get(name)!;
    for (let r = 0; r + 1 < rows.length; r++) {
      if (!Number.isFinite(sig[r])) continue;
      const next = bars.calendar[dateIndex.get(rows[r].date)! + 1];
      if (rows[r + 1].date !== next) continue; // no bar on the next calendar date: dropped
      const at = r + 1;
      const fwd = horizons.map((h) => (at + h < rows.length && rows[at].close > 0 && rows[at + h].close > 0 ? rows[at + h].close / rows[at].close - 1 : NaN));
      if (fwd.some((x) => !Number.isFinite(x))) continue;
      const t = dateIndex.get(next)!;
      perDate[t].s.push(sig[r]);
      horizons.forEach((_, h) => perDate[t].f[h].push(fwd[h]));
    }
  }
  let rowsUsed = 0;
  const ic = horizons.map(() => [] as number[]);
  const bucketMeans = horizons.map(() => Array.from({ length: k }, () => [] as number[]));
  for (const day of perDate) {
    const n = day.s.length;
    rowsUsed += n;
    if (n < 2) continue;
    const rs = averageRanks(day.s);
    const mr = minRanks(day.s);
    const bucket = mr.map((r) => Math.max(1, Math.ceil(((r - 1) * k) / (n - 1))));
    horizons.forEach((_, h) => {
      const v = pearson(rs, averageRanks(day.f[h]), 0);
      if (Number.isFinite(v)) ic[h].push(v);
      if (n < k) return;
      for (let b = 1; b <= k; b++) {
        const members = day.f[h].filter((_, j) => bucket[j] === b);
        if (members.length) bucketMeans[h][b - 1].push(members.reduce((a, x) => a + x, 0) / members.length);
      }
    });
  }
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  return {
    rowsUsed,
    ic: ic.map((xs) => ({ mean: mean(xs), n: xs.length, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)) })),
    quantiles: bucketMeans.map((bs) => bs.map(mean)),
  };
}

describe('research on the real S&P 500 panel (all_stocks_5yr.csv) against a straightforward implementation', function () {
  this.timeout(300000);
  let bars: Bars;
  let prices: pl.DataFrame;

  before(function () {
    const path = sharedData(this, 'all_stocks_5yr.csv');
    bars = parseCsv(path);
    const security_id: string[] = [];
    const date: Date[] = [];
    const close: number[] = [];
    for (const name of bars.names) {
      for (const row of bars.rows.get(name)!) {
        security_id.push(name);
        date.push(new Date(`${row.date}T00:00:00Z`));
        close.push(row.close);
      }
    }
    prices = pl.DataFrame({ security_id, date, close }).withColumns(pl.col('date').cast(pl.Date));
  });

  for (const [name, builtin, ref] of [
    ['momentum_12_1', momentum12_1, momentumRef],
    ['reversal_5d', reversal5d, reversalRef],
  ] as const) {
    it(`${name}: every value equals the loop over each security's rows (date_sig = date_avail = t)`, async () => {
      const table = await builtin(prices);
      const expected = referenceSignal(bars, ref);
      let count = 0;
      for (const values of expected.values()) count += values.filter(Number.isFinite).length;
      assert.equal(table.height, count);
      const ids = table.getColumn('security_id').toArray() as string[];
      const sig = table.getColumn('date_sig').cast(pl.Utf8).toArray() as string[];
      const avail = table.getColumn('date_avail').cast(pl.Utf8).toArray() as string[];
      const values = table.getColumn('signal').toArray() as number[];
      const position = new Map(bars.names.map((n) => [n, new Map(bars.rows.get(n)!.map((r, j) => [r.date, j]))]));
      for (let j = 0; j < ids.length; j++) {
        assert.equal(sig[j], avail[j]);
        const r = position.get(ids[j])!.get(sig[j])!;
        // numeric equality: 1 - x (polars) and -(x - 1) (here) are the same number, but +0 vs -0
        assert.ok(values[j] === expected.get(ids[j])![r], `${ids[j]} ${sig[j]}: ${values[j]} vs ${expected.get(ids[j])![r]}`);
      }
    });
  }

  it('IC, ICIR inputs, rows used and quantile means match the hand-written research for both built-ins', async () => {
    const horizons = [1, 5];
    const k = 5;
    const result: ResearchResult = await researchSignals({ prices, signals: ['momentum_12_1', 'reversal_5d'], horizons, quantiles: k, lags: [1], regimes: false });
    for (const [name, ref] of [['momentum_12_1', momentumRef], ['reversal_5d', reversalRef]] as const) {
      const expected = referenceResearch(bars, referenceSignal(bars, ref), horizons, k);
      const got = result.signals.find((s) => s.signal === name)!;
      assert.equal(got.rows_used, expected.rowsUsed, `${name} rows used`);
      horizons.forEach((h, j) => {
        const g = got.horizons[j];
        assert.equal(g.ic_dates, expected.ic[j].n, `${name} h${h} IC dates`);
        assert.ok(Math.abs(g.ic_mean - expected.ic[j].mean) < 1e-12, `${name} h${h} IC mean ${g.ic_mean} vs ${expected.ic[j].mean}`);
        assert.ok(Math.abs(g.ic_std - expected.ic[j].std) < 1e-12, `${name} h${h} IC std`);
        g.quantile_mean_returns.forEach((q, b) => assert.ok(Math.abs(q - expected.quantiles[j][b]) < 1e-12, `${name} h${h} Q${b + 1}: ${q} vs ${expected.quantiles[j][b]}`));
      });
    }
  });
});
