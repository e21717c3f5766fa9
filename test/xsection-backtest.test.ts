import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { alignSignal } from '../kernel-lib/contract/align';
import { openSample } from '../kernel-lib/data/sample';
import { BUILTIN_SIGNALS } from '../kernel-lib/research/signals';
import { loadPanel, xsectionBacktest } from '../kernel-lib/xsection/backtest';
import { parseXsectionConfig } from '../kernel-lib/xsection/config';
import { contractStep } from '../kernel-lib/xsection/contract-step';
import { frameSource } from '../kernel-lib/xsection/frame-source';
import { signalMatrix } from '../kernel-lib/xsection/signal-matrix';
import { groupsFrame, isoDay, normal, rng, sharpeOf, signalTable, testPanel, type TestPanel } from './xsection-fixtures';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} != ${b} (tol ${tol})`);

/**
 * The portfolio rule written out plainly (docs/xsection.md): per trade date, rank the eligible
 * securities' signal (average ranks), long r > n - floor(n top), short r < floor(n bottom) + 1,
 * equal weights +1/nLong and -1/nShort, earn the next-date return (0 when missing), pay
 * cost = sum |dw| x bps. `signalAt(t)` gives the eligible securities and their signal on trade date t.
 */
function referenceLongShort(
  T: number,
  signalAt: (t: number) => Map<string, number>,
  fwdOf: (sec: string, t: number) => number,
  options: { top?: number; bottom?: number; mincos?: number; bps?: number } = {},
): { gross: number[]; turnover: number[]; cost: number[]; traded: boolean[] } {
  const top = options.top ?? 0.1;
  const bottom = options.bottom ?? 0.1;
  const mincos = options.mincos ?? 10;
  const bps = options.bps ?? 10;
  let prev = new Map<string, number>();
  const out = { gross: [] as number[], turnover: [] as number[], cost: [] as number[], traded: [] as boolean[] };
  for (let t = 0; t < T; t++) {
    const sig = signalAt(t);
    const names = [...sig.keys()];
    const n = names.length;
    const w = new Map<string, number>();
    let gross = 0;
    const kl = Math.floor(n * top + 1e-9);
    const ks = Math.floor(n * bottom + 1e-9);
    const traded = n >= mincos && kl >= 1 && ks >= 1;
    if (traded) {
      const sorted = names.map((s) => sig.get(s)!).sort((a, b) => a - b);
      const span = new Map<number, [number, number]>();
      sorted.forEach((x, k) => span.set(x, [span.get(x)?.[0] ?? k, k]));
      const rank = (x: number) => (span.get(x)![0] + span.get(x)![1]) / 2 + 1;
      const longs = names.filter((s) => rank(sig.get(s)!) > n - kl);
      const shorts = names.filter((s) => rank(sig.get(s)!) < ks + 1);
      for (const s of longs) w.set(s, 1 / longs.length);
      for (const s of shorts) w.set(s, -1 / shorts.length);
      for (const [s, x] of w) {
        const f = fwdOf(s, t);
        if (Number.isFinite(f)) gross += x * f;
      }
    }
    let turnover = 0;
    for (const s of new Set([...w.keys(), ...prev.keys()])) turnover += Math.abs((w.get(s) ?? 0) - (prev.get(s) ?? 0));
    out.gross.push(gross);
    out.turnover.push(turnover);
    out.cost.push((turnover * bps) / 1e4);
    out.traded.push(traded);
    prev = w;
  }
  return out;
}

function dailyArrays(daily: pl.DataFrame): { dates: string[]; gross: Float64Array; cost: Float64Array; net: Float64Array; turnover: Float64Array; status: string[] } {
  return {
    dates: (daily.getColumn('date').cast(pl.Int32).toArray() as number[]).map(isoDay),
    gross: daily.getColumn('pnl_gross').toTypedArray() as Float64Array,
    cost: daily.getColumn('cost').toTypedArray() as Float64Array,
    net: daily.getColumn('pnl_net').toTypedArray() as Float64Array,
    turnover: daily.getColumn('turnover').toTypedArray() as Float64Array,
    status: daily.getColumn('status').toArray() as string[],
  };
}

/** close-to-close return of a position taken at date index t (held to t + 1). */
const fwdClose = (p: TestPanel) => (i: number, t: number) => (t + 1 < p.days.length ? p.close[i][t + 1] / p.close[i][t] - 1 : NaN);

describe('xsection: the cross-sectional long-short backtest', function () {
  this.timeout(120_000);

  it('timing: weights on trade date t earn the return from t to t+1; a perfect-foresight signal wins every day at lag 0', async () => {
    const p = testPanel(20, 60, { seed: 7 });
    const fwd = fwdClose(p);
    // signal on day d (available at d) = the return lag 0 earns: trade date d+1, held to d+2
    const signal = signalTable(p, (i, d) => fwd(i, d + 1));
    const r0 = await xsectionBacktest(signal, { prices: p.frame }, { lag: 0, costBps: 0 }, { validate: false });
    const d = dailyArrays(r0.daily);
    // first trade date is the second calendar day; the last calendar day is never traded
    assert.equal(d.dates[0], isoDay(p.days[1]));
    assert.equal(d.dates.at(-1), isoDay(p.days[p.days.length - 2]));
    const ref = referenceLongShort(p.days.length - 1, (t) => new Map(p.securities.map((s, i) => [s, fwd(i, t)] as const).filter(([, x]) => t >= 1 && Number.isFinite(x))), (s, t) => fwd(p.securities.indexOf(s), t), { bps: 0 });
    for (let k = 0; k < d.dates.length; k++) {
      const t = k + 1;
      close(d.gross[k], ref.gross[t], 1e-14);
      assert.ok(d.gross[k] > 0, `foresight loses on ${d.dates[k]}`);
    }
    assert.equal(r0.metrics.hit_rate, 1);
    assert.ok(r0.metrics.sharpe_gross > 10, `lag 0 Sharpe ${r0.metrics.sharpe_gross}`);
    // one bar later the foresight is gone
    const r1 = await xsectionBacktest(signal, { prices: p.frame }, { lag: 1, costBps: 0 }, { validate: false });
    assert.ok(Math.abs(r1.metrics.sharpe_gross) < r0.metrics.sharpe_gross / 4, `lag 1 Sharpe ${r1.metrics.sharpe_gross}`);
  });

  it('from_open: trades at the open of the trade date and earns open-to-open', async () => {
    const p = testPanel(10, 12, { seed: 3 });
    const signal = signalTable(p, (i) => i); // constant ranking: long S009, short S000
    const r = await xsectionBacktest(signal, { prices: p.frame }, { fromOpen: true, costBps: 0 }, { validate: false });
    const d = dailyArrays(r.daily);
    for (let k = 0; k < d.dates.length; k++) {
      const t = k + 1;
      const expected = (p.open[9][t + 1] / p.open[9][t] - 1) - (p.open[0][t + 1] / p.open[0][t] - 1);
      close(d.gross[k], expected, 1e-14);
    }
  });

  it('costs and turnover by hand: entering, holding and swapping the legs', async () => {
    const p = testPanel(10, 8, { seed: 5 });
    // rank by index, except on day 3 where S000 and S009 swap places
    const signal = signalTable(p, (i, t) => (t === 3 ? (i === 0 ? 9 : i === 9 ? 0 : i) : i));
    const r = await xsectionBacktest(signal, { prices: p.frame }, { costBps: 25 }, { validate: false });
    const d = dailyArrays(r.daily);
    // trade dates are calendar days 1..6 (signal day d trades on d+1)
    assert.deepEqual([...d.turnover], [2, 0, 0, 4, 4, 0]);
    d.turnover.forEach((x, k) => close(d.cost[k], (x * 25) / 1e4));
    d.net.forEach((x, k) => close(x, d.gross[k] - d.cost[k], 1e-15));
    // the summary's turnover is the mean over active dates
    close(r.metrics.turnover, 10 / 6);
  });

  it("spread costs: bps per unit traded from a cost column, the naive rate where a cell is missing", async () => {
    const p = testPanel(10, 6, { seed: 6 });
    // 5 bps for S000..S004, 40 bps for S005..S009, missing for S009 on the first trade date
    const spread = p.frame.withColumns(
      pl.when(pl.col('security_id').eq(pl.lit('S009')).and(pl.col('date').eq(pl.lit(new Date(p.days[1] * 86_400_000)).cast(pl.Date))))
        .then(pl.lit(null))
        .otherwise(pl.when(pl.col('security_id').lt(pl.lit('S005'))).then(pl.lit(5)).otherwise(pl.lit(40)))
        .cast(pl.Float64)
        .alias('spread_bps'),
    );
    const signal = signalTable(p, (i) => i);
    const r = await xsectionBacktest(signal, { prices: spread }, { tcModel: 'spread', costBps: 10 }, { validate: false });
    const d = dailyArrays(r.daily);
    // entering: short S000 (5 bps) and long S009 (missing -> 10 bps)
    close(d.cost[0], (1 * 5 + 1 * 10) / 1e4);
    assert.equal(r.diagnostics.cells.cost_fallback, 1);
    assert.ok(d.cost.slice(1).every((x) => x === 0));
  });

  it('skips dates with fewer than mincos securities, counts them and lists them', async () => {
    const p = testPanel(12, 10, { seed: 9 });
    const signal = signalTable(p, (i, t) => (t === 4 && i >= 6 ? NaN : i));
    const r = await xsectionBacktest(signal, { prices: p.frame }, { mincos: 8 }, { validate: false });
    assert.equal(r.diagnostics.dates_skipped.mincos, 1);
    assert.deepEqual(r.diagnostics.skipped, [{ date: isoDay(p.days[5]), reason: 'mincos' }]);
    const d = dailyArrays(r.daily);
    assert.equal(d.status[4], 'skipped_mincos');
    assert.equal(d.gross[4], 0);
    assert.equal(d.turnover[4], 2); // the book is flattened ...
    assert.equal(d.turnover[5], 2); // ... and rebuilt
    assert.equal(r.diagnostics.dates_traded, r.diagnostics.dates_active - 1);
  });

  it('a pure industry effect vanishes after industry residualization', async () => {
    // returns = sector move + noise; the signal knows tomorrow's sector move (plus noise that
    // is independent of returns): a pure industry bet.
    const N = 40;
    const T = 400;
    const u = rng(11);
    const sectorMove = Array.from({ length: T + 2 }, () => [0.01 * normal(u), 0.01 * normal(u)]);
    const sectorOf = (i: number) => i % 2;
    const p = testPanel(N, T, { seed: 12, returns: (i, t) => sectorMove[t][sectorOf(i)] + 0.01 * normal(u) });
    const noise = rng(13);
    const signal = signalTable(p, (i, d) => sectorMove[d + 2][sectorOf(i)] + 1e-4 * noise());
    const groups = groupsFrame(p, (i) => (sectorOf(i) ? 'Tech' : 'Energy'));
    const raw = await xsectionBacktest(signal, { prices: p.frame, groups }, { residualize: 'off', costBps: 0 }, { validate: false });
    const ind = await xsectionBacktest(signal, { prices: p.frame, groups }, { residualize: 'industry', costBps: 0 }, { validate: false });
    assert.ok(raw.metrics.sharpe_gross > 5, `raw Sharpe ${raw.metrics.sharpe_gross}`);
    assert.ok(Math.abs(ind.metrics.sharpe_gross) < 1.5, `industry-residualized Sharpe ${ind.metrics.sharpe_gross}`);
  });

  it('factor residualization: OLS residuals on the risk factor per date (signal = a + b x factor + e ranks like e)', async () => {
    const N = 30;
    const T = 80;
    const p = testPanel(N, T, { seed: 21 });
    const beta = (i: number) => Math.log(1000 * (i + 1)) + 0.3 * Math.sin(i);
    const risk = pl.DataFrame({
      date: pl.Series('date', Int32Array.from(p.days.flatMap((d) => p.securities.map(() => d)))).cast(pl.Date),
      security_id: p.days.flatMap(() => p.securities),
      beta: p.days.flatMap(() => p.securities.map((_, i) => beta(i))),
    });
    // per date, e = raw noise minus its own OLS fit on [1, beta]: mean 0 and orthogonal to beta
    const u = rng(22);
    const e: number[][] = Array.from({ length: N }, () => new Array(T).fill(0));
    const mb = p.securities.reduce((a, _, i) => a + beta(i), 0) / N;
    for (let t = 0; t < T; t++) {
      const raw = Array.from({ length: N }, () => u());
      const mr = raw.reduce((a, b) => a + b, 0) / N;
      let sxy = 0;
      let sxx = 0;
      raw.forEach((x, i) => {
        sxy += (beta(i) - mb) * (x - mr);
        sxx += (beta(i) - mb) ** 2;
      });
      const slope = sxy / sxx;
      raw.forEach((x, i) => (e[i][t] = x - mr - slope * (beta(i) - mb)));
    }
    const signal = signalTable(p, (i, t) => 2 + 3 * beta(i) + e[i][t]);
    const noiseOnly = signalTable(p, (i, t) => e[i][t]);
    const res = await xsectionBacktest(signal, { prices: p.frame, risk }, { residualize: 'factor', factors: ['beta'], costBps: 0 }, { validate: false });
    const ref = await xsectionBacktest(noiseOnly, { prices: p.frame }, { residualize: 'off', costBps: 0 }, { validate: false });
    const a = dailyArrays(res.daily);
    const b = dailyArrays(ref.daily);
    assert.equal(a.gross.length, b.gross.length);
    a.gross.forEach((x, k) => close(x, b.gross[k], 1e-15));
    assert.deepEqual([...a.turnover], [...b.turnover]);
    // without residualization the factor dominates the ranking: a different book
    const raw = await xsectionBacktest(signal, { prices: p.frame }, { residualize: 'off', costBps: 0 }, { validate: false });
    assert.ok(dailyArrays(raw.daily).gross.some((x, k) => Math.abs(x - b.gross[k]) > 1e-6));
  });

  it('lag L equals the lag-0 alignment shifted by L calendar bars (alignSignal with lag L agrees)', async () => {
    const p = testPanel(15, 30, { seed: 31 });
    const signal = signalTable(p, (i, t) => ((i * 7 + t * 3) % 11) - 5, { availDelay: 2 }); // some date_avail fall on weekends
    const source = frameSource(p.frame);
    const { panel, calendar } = await loadPanel(source, [parseXsectionConfig({})]);
    const step = await contractStep(signal, { calendar, panel, validate: false });
    const T = panel.calendar.length;
    const N = panel.securities.length;
    for (const lag of [1, 2]) {
      const aligned = await alignSignal(signal, calendar, { lag });
      const direct = (await signalMatrix(aligned.frame, panel)).values;
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < N; i++) {
          const shifted = t - lag >= 0 ? step.matrix.values[(t - lag) * N + i] : NaN;
          const want = direct[t * N + i];
          assert.ok(Object.is(shifted, want) || (Number.isNaN(shifted) && Number.isNaN(want)), `lag ${lag}, date ${t}, security ${i}: ${shifted} vs ${want}`);
        }
      }
    }
  });

  it('rejects bad configs with a named parameter', async () => {
    const p = testPanel(10, 5);
    await assert.rejects(xsectionBacktest(signalTable(p, (i) => i), { prices: p.frame }, { fractile: [90, 10] }), /fractile/);
    await assert.rejects(xsectionBacktest(signalTable(p, (i) => i), { prices: p.frame }, { residualize: 'factor' }), /factors/);
    await assert.rejects(xsectionBacktest(signalTable(p, (i) => i), { prices: p.frame }, { residualize: 'industry' }, { validate: false }), /group labels/);
    await assert.rejects(xsectionBacktest(signalTable(p, (i) => i), { prices: p.frame }, { lag: -1 } as never), /lag/);
  });

  it('real data (embedded S&P 500 sample): momentum_12_1, lag 1, 10 bps, matches a straightforward loop day by day', async () => {
    const snapshot = await openSample();
    const signal = await BUILTIN_SIGNALS.momentum_12_1.compute(snapshot.prices({ columns: ['close'] }));
    const result = await xsectionBacktest(signal, snapshot, { lag: 1, costBps: 10 }, { validate: false });

    // Independent path: aligned rows and closes as plain JS maps.
    const calendar = await snapshot.calendar();
    const days = calendar.getColumn('date').cast(pl.Int32).toArray() as number[];
    const index = new Map(days.map((d, t) => [d, t]));
    const prices = await snapshot.prices({ columns: ['close'] }).select(pl.col('security_id'), pl.col('date').cast(pl.Int32), pl.col('close')).collect();
    const closeOf = new Map<string, number>();
    const ids = prices.getColumn('security_id').toArray() as string[];
    const pd = prices.getColumn('date').toArray() as number[];
    const pc = prices.getColumn('close').toArray() as number[];
    ids.forEach((s, k) => closeOf.set(`${s}|${index.get(pd[k])}`, pc[k]));
    const aligned = (await alignSignal(signal, calendar, { lag: 1 })).frame.select(pl.col('security_id'), pl.col('date').cast(pl.Int32), pl.col('signal'));
    const bySecDate = new Map<number, Map<string, number>>();
    const as = aligned.getColumn('security_id').toArray() as string[];
    const ad = aligned.getColumn('date').toArray() as number[];
    const av = aligned.getColumn('signal').toArray() as number[];
    as.forEach((s, k) => {
      const t = index.get(ad[k])!;
      if (!bySecDate.has(t)) bySecDate.set(t, new Map());
      bySecDate.get(t)!.set(s, av[k]);
    });
    const signalAt = (t: number) => new Map([...(bySecDate.get(t) ?? new Map<string, number>())].filter(([s]) => (closeOf.get(`${s}|${t}`) ?? 0) > 0));
    const fwdOf = (s: string, t: number) => {
      const a = closeOf.get(`${s}|${t}`);
      const b = closeOf.get(`${s}|${t + 1}`);
      return a && b ? b / a - 1 : NaN;
    };
    const ref = referenceLongShort(days.length - 1, signalAt, fwdOf, { bps: 10 });
    const d = dailyArrays(result.daily);
    const first = ref.traded.indexOf(true);
    assert.equal(d.dates[0], isoDay(days[first]));
    for (let k = 0; k < d.dates.length; k++) {
      const t = first + k;
      close(d.gross[k], ref.gross[t], 1e-13);
      close(d.turnover[k], ref.turnover[t], 1e-12);
      close(d.net[k], ref.gross[t] - ref.cost[t], 1e-13);
    }
    close(result.metrics.sharpe_net, sharpeOf(Array.from(d.net)), 1e-9);
    // and the slices exist: 2014..2018 years, three cap buckets with the same dates
    const slices = result.summary.getColumn('slice').toArray() as string[];
    for (const s of ['all', '2014', '2017', 'small', 'mid', 'large']) assert.ok(slices.includes(s), `slice ${s}`);
  });
});
