import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { alignRows, alignSignal } from '../kernel-lib/contract/align';
import { calendarOnlyAlignment } from '../kernel-lib/contract/classify';
import { resolveContext, securityTableFromRows, type SecurityTable } from '../kernel-lib/contract/context';
import { NULL_DAY } from '../kernel-lib/contract/signal-arrays';
import { signalKeys } from '../kernel-lib/contract/signal-keys';
import { validateClassified, validateSignal } from '../kernel-lib/contract/validate';
import { isoToDay } from '../kernel-lib/kernels/bridge';
import { matrixFromAlignment, signalMatrix } from '../kernel-lib/xsection/signal-matrix';

// The reuse paths of the contract (a signal keyed once for validation and every alignment, a
// context resolved once, the calendar-only alignment derived from validation's classification,
// a security table built from keys already read) against the plain calls on the same data.

/** 30 weekdays from Monday 2015-01-05 (weekends are not trading days). */
const CAL: string[] = [];
for (let d = isoToDay('2015-01-05'); CAL.length < 30; d++) {
  const w = new Date(d * 86_400_000).getUTCDay();
  if (w !== 0 && w !== 6) CAL.push(new Date(d * 86_400_000).toISOString().slice(0, 10));
}
const calendar = pl.DataFrame([pl.Series('date', CAL).str.strptime(pl.Date, '%Y-%m-%d')]);
const TODAY = '2015-02-10';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}
const shift = (iso: string, days: number) => new Date((isoToDay(iso) + days) * 86_400_000).toISOString().slice(0, 10);

/**
 * Prices for S0..S5 with late listings, early ends and holes, plus rows the contract must
 * skip or tolerate: an empty id, an empty date, a weekend bar (off the calendar), a repeated bar.
 */
function pricesFrame(): pl.DataFrame {
  const u = rng(11);
  const ids: (string | null)[] = [];
  const days: (string | null)[] = [];
  for (let s = 0; s < 6; s++) {
    const from = s === 1 ? 12 : s === 4 ? 6 : 0;
    const to = s === 2 ? 20 : CAL.length - 1;
    for (let b = from; b <= to; b++) {
      if (s >= 3 && u() < 0.15) continue; // holes
      ids.push(`S${s}`);
      days.push(CAL[b]);
    }
  }
  ids.push(null, 'S0', 'S5', 'S0', 'S9');
  days.push(CAL[3], null, '2015-01-10', CAL[5], null); // S9 has only an empty date: not a known security
  const close = ids.map((_, k) => 10 + (k % 7));
  return pl.DataFrame([pl.Series('security_id', ids, pl.Utf8), pl.Series('date', days, pl.Utf8).str.strptime(pl.Date, '%Y-%m-%d'), pl.Series('close', close, pl.Float64)]);
}

/** A signal with every defect the row rules know, in random order. */
function defectiveSignal(seed: number, rows = 400): pl.DataFrame {
  const u = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(u() * xs.length)];
  const ids: (string | null)[] = [];
  const sig: (string | null)[] = [];
  const avail: (string | null)[] = [];
  const values: (number | null)[] = [];
  for (let k = 0; k < rows; k++) {
    const r = u();
    ids.push(r < 0.02 ? null : r < 0.05 ? 'UNKNOWN' : pick(['S0', 'S1', 'S2', 'S3', 'S4', 'S5']));
    const base = shift(CAL[0], Math.floor(u() * 50) - 6); // before, inside (weekends too) and after the calendar
    sig.push(u() < 0.02 ? null : base);
    const delay = u() < 0.05 ? -1 : u() < 0.6 ? 0 : Math.floor(u() * 12);
    avail.push(u() < 0.02 ? null : shift(base, delay));
    const v = u();
    values.push(v < 0.03 ? null : v < 0.05 ? NaN : v < 0.06 ? Infinity : v < 0.07 ? -Infinity : v < 0.1 ? 0.5 : Math.round(v * 1000) / 100);
  }
  return pl.DataFrame([
    pl.Series('security_id', ids, pl.Utf8),
    pl.Series('date_sig', sig, pl.Utf8).str.strptime(pl.Date, '%Y-%m-%d'),
    pl.Series('date_avail', avail, pl.Utf8).str.strptime(pl.Date, '%Y-%m-%d'),
    pl.Series('signal', values, pl.Float64),
  ]);
}

const plain = (frame: pl.DataFrame) => JSON.parse(JSON.stringify(frame.toRecords(), (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));

function tableByName(t: SecurityTable): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  t.names.forEach((name, c) => (out[name] = [t.firstDay[c], t.lastDay[c], t.firstBar[c], t.present[c] ? [...t.present[c]!] : null]));
  return out;
}

describe('contract: one keying of a signal for validation and every alignment', () => {
  const prices = pricesFrame();

  for (const seed of [1, 2, 3]) {
    it(`alignSignal through shared keys equals separate alignments at lag 0, 1, 2 (random defective signal ${seed})`, async () => {
      const signal = defectiveSignal(seed);
      const keys = await signalKeys(signal);
      const context = await resolveContext({ calendar, prices });
      for (const lag of [0, 1, 2]) {
        const separate = await alignSignal(signal, calendar, { prices, lag });
        for (const shared of [await alignSignal(keys, calendar, { prices, lag }), await alignSignal(keys, calendar, { lag, context })]) {
          assert.deepEqual(plain(shared.frame), plain(separate.frame), `lag ${lag}: kept rows`);
          assert.deepEqual(plain(shared.dropped), plain(separate.dropped), `lag ${lag}: dropped rows`);
          assert.deepEqual(shared.counts, separate.counts);
          assert.deepEqual(shared.calendar, separate.calendar);
        }
        // every drop reason occurs in these signals, so the comparison covers them all
        const missing = Object.entries(separate.counts.byReason).filter(([, n]) => n === 0).map(([r]) => r);
        assert.deepEqual(missing, [], `lag ${lag}: no row dropped for ${missing.join(', ')}`);
        assert.ok(separate.counts.kept > 0);
      }
    });

    it(`validateSignal through shared keys and a resolved context equals the plain call (seed ${seed})`, async () => {
      const signal = defectiveSignal(seed);
      const options = { calendar, prices, today: TODAY, lookahead: false as const };
      const plainReport = await validateSignal(signal, options);
      const keys = await signalKeys(signal);
      const context = await resolveContext({ calendar, prices });
      assert.deepEqual(await validateSignal(keys, options), plainReport);
      assert.deepEqual(await validateSignal(keys, { ...options, context }), plainReport);
      assert.ok(plainReport.problems.length >= 8, plainReport.problems.map((p) => p.rule).join(', '));
    });

    it(`the calendar-only alignment derived from validation equals alignRows on the calendar alone (seed ${seed})`, async () => {
      const signal = defectiveSignal(seed);
      const keys = await signalKeys(signal);
      const { classified } = await validateClassified(keys, { calendar, prices, today: TODAY, lookahead: false });
      const derived = calendarOnlyAlignment(classified!);
      const direct = (await alignRows(signal, calendar)).alignment;
      assert.deepEqual([...derived.reason], [...direct.reason]);
      assert.deepEqual([...derived.tradeDay], [...direct.tradeDay]);
      assert.deepEqual(derived.reasonCounts, direct.reasonCounts);
      // with prices the price rules did drop rows: the derivation changed something
      assert.notDeepEqual([...classified!.reason], [...direct.reason]);
    });
  }

  it('builds the same security table from keys already read as from the prices (empty ids and dates, off-calendar and repeated bars)', async () => {
    const fromPrices = (await resolveContext({ calendar, prices })).securities!;
    const ids = prices.getColumn('security_id').toArray() as (string | null)[];
    const names = [...new Set(ids.filter((s): s is string => s !== null))].sort();
    const index = new Map(names.map((s, i) => [s, i]));
    const codes = Int32Array.from(ids, (s) => (s === null ? -1 : index.get(s)!));
    const days = Int32Array.from(prices.getColumn('date').cast(pl.Int32).toArray() as (number | null)[], (d) => (d === null ? NULL_DAY : d));
    const context = await resolveContext({ calendar });
    const fromRows = securityTableFromRows(codes, names, days, context.calendar);
    assert.deepEqual(tableByName(fromRows), tableByName(fromPrices));
    assert.ok(!fromRows.names.includes('S9'));
    assert.ok(fromRows.present.some((p) => p !== null), 'some security has holes');
    // and validation with the reused table equals validation reading the prices
    const signal = defectiveSignal(4);
    const reused = await resolveContext({ calendar, prices }, { securities: fromRows });
    assert.deepEqual(await validateSignal(signal, { context: reused, today: TODAY, lookahead: false }), await validateSignal(signal, { calendar, prices, today: TODAY, lookahead: false }));
  });

  it('fills the dense matrix from the alignment exactly as from alignSignal\'s frame, with the same drop counts', async () => {
    const signal = defectiveSignal(5);
    const calendarDays = Int32Array.from(calendar.getColumn('date').cast(pl.Int32).toArray() as number[]);
    // the panel lacks S5 (unknown there) and knows a security the signal never names
    const panel = { calendar: calendarDays, securities: ['S0', 'S1', 'S2', 'S3', 'S4', 'UNKNOWN', 'ZZ'] };
    const fromFrame = await signalMatrix((await alignSignal(signal, calendar)).frame, panel);
    const fromAlignment = matrixFromAlignment((await alignRows(signal, calendar)).alignment, panel);
    assert.deepEqual(fromAlignment.dropped, fromFrame.dropped);
    assert.equal(fromAlignment.placed, fromFrame.placed);
    assert.deepEqual([...fromAlignment.values].map(String), [...fromFrame.values].map(String));
    assert.ok(fromFrame.dropped.unknown_security > 0 && fromFrame.placed > 0);
  });
});
