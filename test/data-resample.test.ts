import assert from 'node:assert/strict';
import pl from 'nodejs-polars';
import { loadPriceFile } from '../kernel-lib/data/load-price-file';
import { resampleBars } from '../kernel-lib/data/resample';
import { QuantbookError } from '../kernel-lib/errors';
import { sharedData } from './helpers';

interface Bar { t: number; s: string; o: number | null; h: number | null; l: number | null; c: number | null; v: number | null }

/**
 * The rule written as a plain loop: an intraday bar stamped t belongs to the window whose
 * end is the first multiple of `everyMs` at or after t (right-closed, labelled by its end).
 */
function loopResample(bars: Bar[], everyMs: number): Map<string, { o: number | null; h: number; l: number; c: number | null; v: number; n: number }> {
  const out = new Map<string, { o: number | null; h: number; l: number; c: number | null; v: number; n: number }>();
  for (const b of [...bars].sort((x, y) => x.s.localeCompare(y.s) || x.t - y.t)) {
    const end = Math.ceil(b.t / everyMs) * everyMs;
    const key = `${b.s} ${new Date(end).toISOString()}`;
    const w = out.get(key);
    if (!w) out.set(key, { o: b.o, h: b.h ?? -Infinity, l: b.l ?? Infinity, c: b.c, v: b.v ?? 0, n: 1 });
    else {
      if (w.o === null) w.o = b.o;
      if (b.h !== null) w.h = Math.max(w.h, b.h);
      if (b.l !== null) w.l = Math.min(w.l, b.l);
      if (b.c !== null) w.c = b.c;
      w.v += b.v ?? 0;
      w.n += 1;
    }
  }
  return out;
}

function toBars(frame: pl.DataFrame): Bar[] {
  return frame.toRecords().map((r) => ({ t: (r.date as unknown as Date).getTime(), s: String(r.security_id), o: r.open as number, h: r.high as number, l: r.low as number, c: r.close as number, v: r.volume as number }));
}

function asMap(frame: pl.DataFrame): Map<string, { o: number | null; h: number; l: number; c: number | null; v: number; n: number }> {
  return new Map(frame.toRecords().map((r) => [`${r.security_id} ${(r.date as unknown as Date).toISOString()}`, { o: r.open as number, h: r.high as number, l: r.low as number, c: r.close as number, v: r.volume as number, n: r.bars as number }]));
}

const hour = 3_600_000;

describe('data: resampleBars (OHLCV rules, right-closed windows labelled at the close)', () => {
  it('two securities, hand-made hours: 4h bars match the loop; nothing crosses securities', async () => {
    const rows: Bar[] = [];
    for (const [s, base] of [['A', 10], ['B', 100]] as const) {
      for (let i = 0; i < 10; i++) rows.push({ t: Date.UTC(2017, 0, 2, 1 + i), s, o: base + i, h: base + i + 0.5, l: base + i - 0.5, c: base + i + 0.25, v: 10 * (i + 1) });
    }
    rows[2].o = null; // an empty open inside a window: the first non-empty one is used
    const frame = pl.DataFrame({
      date: pl.Series('date', rows.map((r) => r.t), pl.Int64).cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC'),
      security_id: rows.map((r) => r.s),
      open: pl.Series('open', rows.map((r) => r.o), pl.Float64),
      high: rows.map((r) => r.h!),
      low: rows.map((r) => r.l!),
      close: rows.map((r) => r.c!),
      volume: rows.map((r) => r.v!),
    });
    const got = await (await resampleBars(frame, '4h')).collect();
    assert.deepEqual(asMap(got), loopResample(rows, 4 * hour));
    const firstA = got.toRecords()[0];
    assert.equal((firstA.date as unknown as Date).toISOString(), '2017-01-02T04:00:00.000Z', 'bars stamped 01:00..04:00 close at 04:00');
    assert.equal(firstA.bars, 4);
    assert.equal(got.toRecords().find((r) => r.security_id === 'B')?.open, 100, "B's first bar opens at B's price");
  });

  it('EURUSD.csv hourly -> 4h and 1d equal the loop', async function () {
    const p = await loadPriceFile(sharedData(this, 'EURUSD.csv'));
    const bars = toBars(p.prices);
    for (const [every, ms] of [['4h', 4 * hour], ['1d', 24 * hour]] as const) {
      const got = await (await resampleBars(p.prices, every)).collect();
      const expected = loopResample(bars, ms);
      assert.equal(got.height, expected.size, every);
      assert.deepEqual(asMap(got), expected, every);
    }
    const daily = await (await resampleBars(p.prices.lazy(), '1d')).collect();
    const first = daily.toRecords()[0];
    assert.equal((first.date as unknown as Date).toISOString(), '2017-04-20T00:00:00.000Z', 'UTC day 2017-04-19 closes at 2017-04-20T00:00Z');
    assert.equal(first.bars, 16, '09:00..23:00 on 2017-04-19 plus the bar stamped 2017-04-20 00:00 (right-closed)');
  });

  it("inputStamp 'open' moves stamps to the bar close first", async () => {
    const frame = pl.DataFrame({
      date: pl.Series('date', [Date.UTC(2017, 0, 2, 0), Date.UTC(2017, 0, 2, 3)], pl.Int64).cast(pl.Datetime('ms')).dt.replaceTimeZone('UTC'),
      security_id: ['A', 'A'], open: [1, 2], high: [1, 2], low: [1, 2], close: [1, 2], volume: [1, 2],
    });
    const asClose = await (await resampleBars(frame, '4h')).collect();
    assert.equal(asClose.height, 2, 'a bar stamped 00:00 closes the window ending 00:00');
    const asOpen = await (await resampleBars(frame, '4h', { inputStamp: 'open', inputEvery: '1h' })).collect();
    assert.equal(asOpen.height, 1, 'opened 00:00 and 03:00, closed 01:00 and 04:00: one window (00:00, 04:00]');
    assert.equal((asOpen.getColumn('date').toArray()[0] as unknown as Date).toISOString(), '2017-01-02T04:00:00.000Z');
    await assert.rejects(resampleBars(frame, '4h', { inputStamp: 'open' }), (e: QuantbookError) => e.code === 'BAD_PARAMETER');
  });

  it('daily bars -> weeks and months labelled by the last trading day, matching a loop', async function () {
    const p = await loadPriceFile(sharedData(this, 'GOOG.csv'));
    const bars = toBars(p.prices);
    const monthly = await (await resampleBars(p.prices, '1mo')).collect();
    const byMonth = new Map<string, Bar[]>();
    for (const b of bars) byMonth.set(new Date(b.t).toISOString().slice(0, 7), [...(byMonth.get(new Date(b.t).toISOString().slice(0, 7)) ?? []), b]);
    const expected = [...byMonth.values()].map((m) => ({
      date: new Date(m[m.length - 1].t).toISOString().slice(0, 10), open: m[0].o, high: Math.max(...m.map((b) => b.h!)), low: Math.min(...m.map((b) => b.l!)), close: m[m.length - 1].c, volume: m.reduce((n, b) => n + b.v!, 0), bars: m.length,
    }));
    assert.deepEqual(monthly.toRecords().map((r) => ({ date: (r.date as unknown as Date).toISOString().slice(0, 10), open: r.open, high: r.high, low: r.low, close: r.close, volume: r.volume, bars: r.bars })), expected);
    const weekly = await (await resampleBars(p.prices, '1w')).collect();
    assert.equal(weekly.getColumn('bars').sum(), p.prices.height, 'every day lands in exactly one week');
  });

  it('a duration that is not one is rejected', async () => {
    await assert.rejects(resampleBars(pl.DataFrame({ date: [1], security_id: ['A'] }), 'daily'), (e: QuantbookError) => e.code === 'BAD_PARAMETER' && e.message.includes("'every'"));
  });
});
