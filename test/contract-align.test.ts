import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import { alignSignal } from '../kernel-lib/contract/align';
import { DROP_REASONS } from '../kernel-lib/contract/rules';
import { validateSignal } from '../kernel-lib/contract/validate';
import { openSample } from '../kernel-lib/data/catalog';
import { QuantbookError } from '../kernel-lib/errors';
import { readTable } from '../kernel-lib/data/read-table';
import { sharedData } from './helpers';

// January 2015: weekends, and Monday 19 January (Martin Luther King Day) is a holiday.
const CAL = ['2015-01-02', '2015-01-05', '2015-01-06', '2015-01-07', '2015-01-08', '2015-01-09', '2015-01-12', '2015-01-13', '2015-01-14', '2015-01-15', '2015-01-16', '2015-01-20', '2015-01-21'];

function dates(values: string[], name = 'date'): pl.Series {
  return pl.Series(name, values).str.strptime(pl.Date, '%Y-%m-%d');
}
const calendar = pl.DataFrame([dates(CAL)]);

interface Row {
  security_id: string | null;
  date_sig: string | null;
  date_avail: string | null;
  signal: number | null;
}

function signalFrame(rows: Row[], extra: Record<string, (string | null)[]> = {}): pl.DataFrame {
  return pl.DataFrame([
    pl.Series('security_id', rows.map((r) => r.security_id), pl.Utf8),
    pl.Series('date_sig', rows.map((r) => r.date_sig), pl.Utf8).str.strptime(pl.Date, '%Y-%m-%d'),
    pl.Series('date_avail', rows.map((r) => r.date_avail), pl.Utf8).str.strptime(pl.Date, '%Y-%m-%d'),
    pl.Series('signal', rows.map((r) => r.signal), pl.Float64),
    ...Object.entries(extra).map(([k, v]) => pl.Series(k, v, pl.Utf8)),
  ]);
}

function iso(d: unknown): string | null {
  return d instanceof Date ? d.toISOString().slice(0, 10) : d === null || d === undefined ? null : String(d);
}

/** The definition, written out: the first calendar day strictly after `avail`, then `lag` more bars. */
function expectedTradeDate(cal: string[], avail: string, lag: number): string | null {
  let i = 0;
  while (i < cal.length && cal[i] <= avail) i++;
  return i + lag < cal.length ? cal[i + lag] : null;
}

function records(frame: pl.DataFrame): Record<string, unknown>[] {
  return frame.toRecords().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, (v as unknown) instanceof Date ? iso(v) : v])));
}

describe('contract: alignSignal (date_avail -> first bar strictly after -> + lag bars)', () => {
  it('maps a Friday, a weekend and a holiday exactly as worked out by hand (lag 0, 1, 2)', async () => {
    const rows: Row[] = [
      { security_id: 'A', date_sig: '2015-01-09', date_avail: '2015-01-09', signal: 1 }, // Friday
      { security_id: 'B', date_sig: '2015-01-09', date_avail: '2015-01-10', signal: 2 }, // available Saturday
      { security_id: 'C', date_sig: '2015-01-16', date_avail: '2015-01-16', signal: 3 }, // Friday before the holiday
      { security_id: 'D', date_sig: '2015-01-16', date_avail: '2015-01-19', signal: 4 }, // available on the holiday
      { security_id: 'E', date_sig: '2015-01-06', date_avail: '2015-01-06', signal: 5 }, // Tuesday
    ];
    const byLag: Record<number, Record<string, string>> = {
      0: { A: '2015-01-12', B: '2015-01-12', C: '2015-01-20', D: '2015-01-20', E: '2015-01-07' },
      1: { A: '2015-01-13', B: '2015-01-13', C: '2015-01-21', D: '2015-01-21', E: '2015-01-08' },
      2: { A: '2015-01-14', B: '2015-01-14', E: '2015-01-09' }, // C and D: no bar two after the 20th
    };
    for (const lag of [0, 1, 2]) {
      const out = await alignSignal(signalFrame(rows), calendar, { lag });
      const got = Object.fromEntries(records(out.frame).map((r) => [r.security_id, r.date]));
      assert.deepEqual(got, byLag[lag], `lag ${lag}`);
      assert.equal(out.lag, lag);
      assert.equal(out.counts.input, 5);
      assert.equal(out.counts.kept + out.counts.dropped, 5);
      if (lag === 2) {
        assert.equal(out.counts.byReason.beyond_calendar_end, 2);
        assert.deepEqual(records(out.dropped).map((r) => [r.row, r.security_id, r.reason]), [[3, 'C', 'beyond_calendar_end'], [4, 'D', 'beyond_calendar_end']]);
      }
    }
  });

  it('agrees with a straightforward loop for every availability day in and around the calendar, lag 0..3', async () => {
    const days: string[] = [];
    for (let d = Date.UTC(2014, 11, 28); d <= Date.UTC(2015, 0, 24); d += 86_400_000) days.push(new Date(d).toISOString().slice(0, 10));
    const rows: Row[] = days.map((d, i) => ({ security_id: `S${i}`, date_sig: d, date_avail: d, signal: i }));
    for (const lag of [0, 1, 2, 3]) {
      const out = await alignSignal(signalFrame(rows), calendar, { lag });
      const got = new Map(records(out.frame).map((r) => [r.date_avail as string, r.date as string]));
      const dropped = new Map(records(out.dropped).map((r) => [r.date_avail as string, r.reason as string]));
      for (const d of days) {
        if (d < CAL[0]) {
          assert.equal(dropped.get(d), 'avail_before_calendar', d);
          continue;
        }
        const want = expectedTradeDate(CAL, d, lag);
        if (want === null) assert.equal(dropped.get(d), 'beyond_calendar_end', `${d} lag ${lag}`);
        else assert.equal(got.get(d), want, `${d} lag ${lag}`);
        if (want !== null) assert.ok(want > d, 'never traded on or before the day it became available');
      }
    }
  });

  it('never trades a value before date_avail even when date_sig is long before it', async () => {
    const out = await alignSignal(signalFrame([{ security_id: 'A', date_sig: '2015-01-02', date_avail: '2015-01-14', signal: 1 }]), calendar);
    assert.equal(records(out.frame)[0].date, '2015-01-15');
  });

  it('keeps the later-available row when two rows of a security reach the same trade date, and counts the other', async () => {
    // Friday's and Saturday's values both first trade on Monday the 12th: Saturday's wins.
    const rows: Row[] = [
      { security_id: 'A', date_sig: '2015-01-09', date_avail: '2015-01-09', signal: 1 },
      { security_id: 'A', date_sig: '2015-01-10', date_avail: '2015-01-10', signal: 2 },
      { security_id: 'A', date_sig: '2015-01-11', date_avail: '2015-01-11', signal: 3 },
      { security_id: 'A', date_sig: '2015-01-12', date_avail: '2015-01-12', signal: 4 },
      // Same availability day, different date_sig: the later date_sig wins.
      { security_id: 'B', date_sig: '2015-01-13', date_avail: '2015-01-14', signal: 5 },
      { security_id: 'B', date_sig: '2015-01-12', date_avail: '2015-01-14', signal: 6 },
    ];
    const out = await alignSignal(signalFrame(rows), calendar);
    assert.deepEqual(records(out.frame).map((r) => [r.security_id, r.date, r.signal]), [
      ['A', '2015-01-12', 3],
      ['A', '2015-01-13', 4],
      ['B', '2015-01-15', 5],
    ]);
    assert.equal(out.counts.byReason.superseded, 3);
    assert.deepEqual(records(out.dropped).map((r) => r.row), [1, 2, 6]);
  });

  it('drops every row it cannot trade, one reason per row, and the counts add up', async () => {
    const rows: Row[] = [
      { security_id: null, date_sig: '2015-01-05', date_avail: '2015-01-05', signal: 1 }, // 1 null_key
      { security_id: 'A', date_sig: '2015-01-06', date_avail: '2015-01-05', signal: 1 }, // 2 avail_before_sig
      { security_id: 'A', date_sig: '2015-01-07', date_avail: '2015-01-07', signal: 1 }, // 3 duplicate_key
      { security_id: 'A', date_sig: '2015-01-07', date_avail: '2015-01-08', signal: 2 }, // 4 duplicate_key
      { security_id: 'A', date_sig: '2015-01-09', date_avail: '2015-01-09', signal: null }, // 5 missing_signal
      { security_id: 'A', date_sig: '2015-01-12', date_avail: '2015-01-12', signal: NaN }, // 6 missing_signal
      { security_id: 'A', date_sig: '2015-01-13', date_avail: '2015-01-13', signal: -Infinity }, // 7 infinite_signal
      { security_id: 'Z', date_sig: '2015-01-13', date_avail: '2015-01-13', signal: 1 }, // 8 unknown_security
      { security_id: 'A', date_sig: '2014-12-30', date_avail: '2014-12-31', signal: 1 }, // 9 avail_before_calendar
      { security_id: 'A', date_sig: '2015-01-21', date_avail: '2015-01-21', signal: 1 }, // 10 beyond_calendar_end
      { security_id: 'A', date_sig: '2015-01-14', date_avail: '2015-01-14', signal: 1 }, // 11 kept
    ];
    const out = await alignSignal(signalFrame(rows), calendar, { securities: ['A', 'B'] });
    assert.deepEqual(records(out.dropped).map((r) => [r.row, r.reason]), [
      [1, 'null_key'], [2, 'avail_before_sig'], [3, 'duplicate_key'], [4, 'duplicate_key'], [5, 'missing_signal'], [6, 'missing_signal'],
      [7, 'infinite_signal'], [8, 'unknown_security'], [9, 'avail_before_calendar'], [10, 'beyond_calendar_end'],
    ]);
    assert.equal(out.counts.kept, 1);
    assert.equal(Object.values(out.counts.byReason).reduce((a, b) => a + b, 0), out.counts.dropped);
    assert.deepEqual(Object.keys(out.counts.byReason), [...DROP_REASONS]);
  });

  it('drops rows whose trade date has no price bar: not listed yet, delisted, a gap', async () => {
    const bars = (security: string, days: string[]) => days.map((d) => ({ security, d }));
    const panel = [
      ...bars('FULL', CAL),
      ...bars('LATE', CAL.filter((d) => d >= '2015-01-08')), // lists on the 8th
      ...bars('GONE', CAL.filter((d) => d <= '2015-01-13')), // last bar on the 13th
      ...bars('HOLE', CAL.filter((d) => d !== '2015-01-07')), // halted on the 7th
    ];
    const prices = pl.DataFrame([pl.Series('security_id', panel.map((b) => b.security)), dates(panel.map((b) => b.d))]);
    const rows: Row[] = [
      { security_id: 'LATE', date_sig: '2015-01-05', date_avail: '2015-01-05', signal: 1 }, // trades 6th: not_listed_yet
      { security_id: 'LATE', date_sig: '2015-01-06', date_avail: '2015-01-07', signal: 1 }, // trades 8th: kept (date_sig before listing: warning only)
      { security_id: 'GONE', date_sig: '2015-01-12', date_avail: '2015-01-12', signal: 1 }, // trades 13th: kept
      { security_id: 'GONE', date_sig: '2015-01-13', date_avail: '2015-01-13', signal: 1 }, // trades 14th: delisted
      { security_id: 'HOLE', date_sig: '2015-01-06', date_avail: '2015-01-06', signal: 1 }, // trades 7th: price_gap
      { security_id: 'HOLE', date_sig: '2015-01-07', date_avail: '2015-01-07', signal: 1 }, // trades 8th: kept
      { security_id: 'FULL', date_sig: '2015-01-06', date_avail: '2015-01-06', signal: 1 }, // kept
    ];
    const out = await alignSignal(signalFrame(rows), calendar, { prices });
    assert.deepEqual(records(out.dropped).map((r) => [r.row, r.reason]), [[1, 'not_listed_yet'], [4, 'delisted'], [5, 'price_gap']]);
    assert.deepEqual(records(out.frame).map((r) => [r.security_id, r.date]), [['FULL', '2015-01-07'], ['GONE', '2015-01-13'], ['HOLE', '2015-01-08'], ['LATE', '2015-01-08']]);
    const report = await validateSignal(signalFrame(rows), { calendar, prices, today: '2020-01-01' });
    const rule = (id: string) => report.problems.find((p) => p.rule === id);
    assert.equal(rule('sig_before_first_bar')?.count, 2);
    assert.deepEqual(rule('not_listed_yet')?.examples[0], { row: 1, security_id: 'LATE', date_sig: '2015-01-05', date_avail: '2015-01-05', signal: 1, trade_date: '2015-01-06', first_bar: '2015-01-08' });
    assert.equal(report.summary.usableRows, 4);
  });

  it('passes optional label columns through and sorts by security then date', async () => {
    const rows: Row[] = [
      { security_id: 'B', date_sig: '2015-01-06', date_avail: '2015-01-06', signal: 1 },
      { security_id: 'A', date_sig: '2015-01-07', date_avail: '2015-01-07', signal: 2 },
      { security_id: 'A', date_sig: '2015-01-05', date_avail: '2015-01-05', signal: 3 },
    ];
    const out = await alignSignal(signalFrame(rows, { signal_name: ['mom', 'mom', 'mom'], universe: ['x', 'y', 'z'] }), calendar);
    assert.deepEqual(out.frame.columns, ['security_id', 'date_sig', 'date_avail', 'date', 'signal', 'signal_name', 'universe']);
    assert.deepEqual(records(out.frame).map((r) => [r.security_id, r.date, r.universe]), [['A', '2015-01-06', 'z'], ['A', '2015-01-08', 'y'], ['B', '2015-01-07', 'x']]);
  });

  it('puts a value built from future returns on the bar whose return it peeked at, and validation calls it lookahead', async () => {
    // 8 securities, closes from a fixed LCG. The cheat: signal(d) = close(next bar) / close(d) - 1, claimed available on d.
    let seed = 3;
    const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const ids = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
    const close = new Map<string, number[]>(ids.map((s) => [s, CAL.map(() => 0)]));
    for (const s of ids) {
      let p = 50;
      close.get(s)!.forEach((_, i, arr) => (arr[i] = p *= 1 + (rand() - 0.5) * 0.06));
    }
    const panel = ids.flatMap((s) => CAL.map((d, i) => ({ s, d, c: close.get(s)![i] })));
    const prices = pl.DataFrame([pl.Series('security_id', panel.map((r) => r.s)), dates(panel.map((r) => r.d)), pl.Series('close', panel.map((r) => r.c))]);
    const cheat: Row[] = [];
    const honest: Row[] = [];
    for (const s of ids) {
      const c = close.get(s)!;
      for (let i = 0; i + 1 < CAL.length; i++) cheat.push({ security_id: s, date_sig: CAL[i], date_avail: CAL[i], signal: c[i + 1] / c[i] - 1 });
      for (let i = 1; i < CAL.length; i++) honest.push({ security_id: s, date_sig: CAL[i], date_avail: CAL[i], signal: c[i] / c[i - 1] - 1 });
    }
    const aligned = await alignSignal(signalFrame(cheat), calendar, { prices });
    for (const r of records(aligned.frame)) {
      const c = close.get(r.security_id as string)!;
      const t = CAL.indexOf(r.date as string);
      // The value equals the return realised on its own trade bar: a position taken on that bar cannot earn it.
      assert.ok(Math.abs((r.signal as number) - (c[t] / c[t - 1] - 1)) < 1e-12);
    }
    const lookahead = { dates: 12, minDates: 5, minSecurities: 5 };
    const bad = await validateSignal(signalFrame(cheat), { calendar, prices, today: '2020-01-01', lookahead });
    assert.equal(bad.ok, false);
    const problem = bad.problems.find((p) => p.rule === 'suspected_lookahead');
    assert.ok(problem, JSON.stringify(bad.problems));
    assert.equal(problem.details?.meanCorrelation, 1);
    const good = await validateSignal(signalFrame(honest), { calendar, prices, today: '2020-01-01', lookahead });
    assert.equal(good.problems.find((p) => p.rule === 'suspected_lookahead'), undefined);
  });

  it('rejects a bad lag and a signal it cannot read, naming the problem', async () => {
    const one = signalFrame([{ security_id: 'A', date_sig: '2015-01-05', date_avail: '2015-01-05', signal: 1 }]);
    await assert.rejects(alignSignal(one, calendar, { lag: -1 }), (e: QuantbookError) => e.code === 'BAD_PARAMETER' && /lag/.test(e.message));
    await assert.rejects(alignSignal(one, calendar, { lag: 1.5 }), (e: QuantbookError) => e.code === 'BAD_PARAMETER');
    await assert.rejects(alignSignal(one.drop('date_avail'), calendar), (e: QuantbookError) => e.code === 'SIGNAL_MISSING_COLUMN' && /date_avail/.test(e.message));
    await assert.rejects(alignSignal(one, pl.DataFrame({ day: [1] })), (e: QuantbookError) => e.code === 'MISSING_COLUMN' && /date/.test(e.message));
  });

  it('all_stocks_5yr.csv (../shared/data): late listings and gaps match a loop over the file', async function () {
    this.timeout(120_000);
    const table = await readTable(sharedData(this, 'all_stocks_5yr.csv'));
    const names = table.frame.getColumn('Name').toArray() as string[];
    const days = table.frame.getColumn('date').toArray() as string[];
    // From the raw text rows: every trading date, and each ticker's dates.
    const calendarDays = [...new Set(days)].sort();
    const byTicker = new Map<string, Set<string>>();
    names.forEach((n, i) => (byTicker.get(n) ?? byTicker.set(n, new Set()).get(n)!).add(days[i]));
    const firstOf = (t: string) => [...byTicker.get(t)!].sort()[0];
    const late = [...byTicker.keys()].filter((t) => firstOf(t) > calendarDays[0]).sort();
    const gappy = [...byTicker.keys()].filter((t) => {
      const own = [...byTicker.get(t)!].sort();
      return calendarDays.filter((d) => d >= own[0] && d <= own[own.length - 1]).length > own.length;
    }).sort();
    assert.ok(late.length > 0 && gappy.length > 0, `late ${late.length}, gappy ${gappy.length}`);
    const chosen = [late[0], gappy[0]];
    const prices = pl.DataFrame([pl.Series('security_id', names), dates(days)]);
    // A signal on every calendar day for the two chosen tickers, available the same day.
    const rows: Row[] = chosen.flatMap((t) => calendarDays.map((d) => ({ security_id: t, date_sig: d, date_avail: d, signal: 1 })));
    const out = await alignSignal(signalFrame(rows), pl.DataFrame([dates(calendarDays)]), { prices });
    let notListed = 0;
    let gaps = 0;
    let beyond = 0;
    for (const r of rows) {
      const t = expectedTradeDate(calendarDays, r.date_avail!, 0);
      const own = byTicker.get(r.security_id!)!;
      const sorted = [...own].sort();
      if (t === null) beyond++;
      else if (t < sorted[0]) notListed++;
      else if (t > sorted[sorted.length - 1]) continue;
      else if (!own.has(t)) gaps++;
    }
    assert.ok(notListed > 0 && gaps > 0, `${chosen}: not listed ${notListed}, gaps ${gaps}`);
    assert.equal(out.counts.byReason.not_listed_yet, notListed, `${late[0]} lists on ${firstOf(late[0])}`);
    assert.equal(out.counts.byReason.price_gap, gaps, `${gappy[0]} has holes`);
    assert.equal(out.counts.byReason.beyond_calendar_end, beyond);
  });

  describe('on the embedded S&P 500 sample (real data: late listings, delistings, gaps)', () => {
    // A straightforward reference: JS maps and loops over the panel's rows.
    function column<T>(frame: pl.DataFrame, name: string): T[] {
      const s = frame.getColumn(name);
      return (String(s.dtype).includes('Date') ? s.cast(pl.Utf8).toArray() : s.toArray()) as T[];
    }

    interface PriceFacts {
      cal: string[];
      have: Set<string>;
      first: Map<string, string>;
      last: Map<string, string>;
    }

    function priceFacts(prices: pl.DataFrame): PriceFacts {
      const ps = column<string>(prices, 'security_id');
      const pd = column<string>(prices, 'date');
      const first = new Map<string, string>();
      const last = new Map<string, string>();
      ps.forEach((s, i) => {
        const d = pd[i];
        if (!first.has(s) || d < first.get(s)!) first.set(s, d);
        if (!last.has(s) || d > last.get(s)!) last.set(s, d);
      });
      return { cal: [...new Set(pd)].sort(), have: new Set(ps.map((s, i) => `${s}|${pd[i]}`)), first, last };
    }

    function reference(signal: pl.DataFrame, facts: PriceFacts, lag: number) {
      const { cal, have, first, last } = facts;
      const next = new Map<string, string | null>();
      const tradeDate = (avail: string) => {
        if (!next.has(avail)) next.set(avail, expectedTradeDate(cal, avail, lag));
        return next.get(avail)!;
      };
      const reasons = new Map<string, number>();
      const kept = new Map<string, string>();
      const count = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
      const ss = column<string>(signal, 'security_id');
      const sa = column<string>(signal, 'date_avail');
      const sv = column<number | null>(signal, 'signal');
      ss.forEach((s, i) => {
        const v = sv[i];
        if (v === null || Number.isNaN(v)) return count('missing_signal');
        if (!first.has(s)) return count('unknown_security');
        const t = tradeDate(sa[i]);
        if (t === null) return count('beyond_calendar_end');
        if (t < first.get(s)!) return count('not_listed_yet');
        if (t > last.get(s)!) return count('delisted');
        if (!have.has(`${s}|${t}`)) return count('price_gap');
        const key = `${s}|${t}`;
        const prevAvail = kept.get(key);
        if (prevAvail !== undefined && prevAvail >= sa[i]) return count('superseded');
        if (prevAvail !== undefined) count('superseded');
        kept.set(key, sa[i]);
      });
      return { reasons, kept: kept.size };
    }

    it('matches the reference for a 20-day momentum signal with weekend availability and unknown ids, lag 0 and 1', async function () {
      this.timeout(120_000);
      const sample = await openSample();
      // Tickers A..DZ (about a quarter of the sample, with late listings and gaps) keep the reference quick.
      const prices = await sample.prices({ columns: ['close'] }).filter(pl.col('security_id').lt(pl.lit('E'))).collect();
      const facts = priceFacts(prices);
      // Momentum known at the close; every 7th row arrives on the next calendar day (often a Saturday);
      // rows of ticker 'A' are renamed to an id the snapshot does not have.
      const signal = await prices.lazy()
        .withRowIndex('i')
        .select(
          pl.when(pl.col('security_id').eq(pl.lit('A'))).then(pl.lit('NOT_A_TICKER')).otherwise(pl.col('security_id')).alias('security_id'),
          pl.col('date').alias('date_sig'),
          pl.col('date').cast(pl.Int32).add(pl.when(pl.col('i').modulo(7).eq(0)).then(pl.lit(1)).otherwise(pl.lit(0))).cast(pl.Int32).cast(pl.Date).alias('date_avail'),
          pl.col('close').div(pl.col('close').shift(20).over('security_id')).sub(1).alias('signal'),
        )
        .collect();
      for (const lag of [0, 1]) {
        const out = await alignSignal(signal, sample, { lag });
        const ref = reference(signal, facts, lag);
        for (const r of DROP_REASONS) assert.equal(out.counts.byReason[r], ref.reasons.get(r) ?? 0, `${r} at lag ${lag}`);
        assert.equal(out.counts.kept, ref.kept, `kept at lag ${lag}`);
        assert.ok(out.counts.byReason.superseded > 0, 'Friday values arriving on Saturday collide with Monday');
        if (lag === 0) assert.ok(out.counts.byReason.price_gap > 0, 'the sample has gaps');
      }
    });

    it('counts late listings for a signal that covers the whole calendar', async function () {
      this.timeout(120_000);
      const sample = await openSample();
      const prices = await sample.prices({ columns: ['close'] }).collect();
      const firstBars = await prices.lazy().groupBy('security_id').agg(pl.col('date').min().cast(pl.Utf8).alias('first')).sort('first').collect();
      const late = (firstBars.toRecords() as { security_id: string; first: string }[]).filter((r) => r.first > '2013-02-08').map((r) => [r.security_id, r.first]);
      assert.ok(late.length >= 10, `late listings in the sample: ${late.length}`);
      const [security, firstBar] = late[0];
      const cal = (await sample.calendar()).getColumn('date').toArray().map(iso) as string[];
      const rows: Row[] = cal.map((d) => ({ security_id: security, date_sig: d, date_avail: d, signal: 1 }));
      const out = await alignSignal(signalFrame(rows), sample);
      const expectedLate = cal.filter((d) => (expectedTradeDate(cal, d, 0) ?? '9999') < firstBar).length;
      assert.ok(expectedLate > 0);
      assert.equal(out.counts.byReason.not_listed_yet, expectedLate, `${security} lists on ${firstBar}`);
      const report = await validateSignal(signalFrame(rows), { snapshot: sample, today: '2026-01-01' });
      assert.equal(report.problems.find((p) => p.rule === 'not_listed_yet')?.count, expectedLate);
      assert.equal(report.problems.find((p) => p.rule === 'sig_before_first_bar')?.count, cal.filter((d) => d < firstBar).length);
    });
  });
});
