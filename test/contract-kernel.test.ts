import { strict as assert } from 'node:assert';
import pl from 'nodejs-polars';
import {
  assignReasons,
  constantDates,
  FLAG_BIT,
  flagDuplicates,
  flagRows,
  groupBySecurity,
  keptRowsInPanelOrder,
  markSuperseded,
  REASON_BITS,
  type RowKernelTables,
} from '../kernel-lib/contract/row-kernel';
import { DROP_REASONS, reasonCode } from '../kernel-lib/contract/rules';
import { NULL_DAY, runStartExpr, securityCodes } from '../kernel-lib/contract/signal-arrays';
import { tradeBarIndex, tradingCalendar } from '../kernel-lib/contract/context';

const N = NULL_DAY;
const noTables: RowKernelTables = {
  securityOf: null, firstDay: null, lastDay: null, firstBar: null, present: null,
  calendarDays: null, calendarFirst: 0, calendarLast: 0, nextBar: null, barOf: null,
};

describe('contract: row kernels (typed arrays in, typed arrays out)', () => {
  it('groups rows by security, stable, leaving out empty ids', () => {
    const { order, start } = groupBySecurity(Int32Array.from([1, 0, -1, 1, 0, 2]), 3);
    assert.deepEqual([...start], [0, 2, 4, 5]);
    assert.deepEqual([...order], [1, 4, 0, 3, 5]);
  });

  it('flags every copy of a repeated (security, day), also when a security is out of order', () => {
    const code = Int32Array.from([0, 0, 0, 1, 1, 0]);
    const sig = Int32Array.from([10, 12, 11, 10, 10, 12]);
    const flags = new Uint32Array(6);
    flagDuplicates(groupBySecurity(code, 2), sig, flags);
    assert.deepEqual([...flags].map((f) => (f & FLAG_BIT.duplicate ? 1 : 0)), [0, 1, 0, 1, 1, 1]);
  });

  it('gives each row the first drop reason in order, 0 for kept rows', () => {
    const flags = Uint32Array.from([0, FLAG_BIT.nan_signal | FLAG_BIT.duplicate, FLAG_BIT.price_gap, FLAG_BIT.stale, FLAG_BIT.null_date_sig | FLAG_BIT.unknown_security]);
    const reason = new Uint8Array(5);
    assignReasons(flags, reason);
    assert.deepEqual([...reason], [0, reasonCode('duplicate_key'), reasonCode('price_gap'), 0, reasonCode('null_key')]);
    assert.equal(REASON_BITS.length, DROP_REASONS.length - 1, 'every reason but superseded has its flags');
  });

  it('keeps the later-available row per (security, trade day): later avail, then later sig, then later row', () => {
    const code = Int32Array.from([0, 0, 0, 0, 1, 1]);
    const trade = Int32Array.from([5, 5, 5, 6, 5, 5]);
    const avail = Int32Array.from([3, 4, 4, 5, 4, 4]);
    const sig = Int32Array.from([3, 2, 1, 5, 4, 4]);
    const reason = new Uint8Array(6);
    const marked = markSuperseded(groupBySecurity(code, 2), trade, avail, sig, reason, 12);
    // security 0, day 5: rows 0 (avail 3), 2 (avail 4, sig 1), 1 (avail 4, sig 2) -> row 1 wins;
    // security 1, day 5: rows 4 and 5 tie on both dates -> the later row wins.
    assert.deepEqual([...reason], [12, 0, 12, 0, 12, 0]);
    assert.equal(marked, 3);
    // Out of order (a file sorted backwards): the same winners.
    const back = new Uint8Array(4);
    const n = markSuperseded(groupBySecurity(Int32Array.from([0, 0, 0, 0]), 1), Int32Array.from([6, 5, 7, 5]), Int32Array.from([5, 4, 6, 3]), Int32Array.from([5, 4, 6, 3]), back, 12);
    assert.deepEqual([[...back], n], [[0, 0, 0, 12], 1]);
  });

  it('computes flags and trade days for a small calendar by hand', () => {
    // Calendar days 10, 11, 14 (12-13 a weekend). Security 0 has bars on 11 and 14; id code 1 is unknown.
    const cal = tradingCalendar(Int32Array.from([10, 11, 14]));
    assert.deepEqual([tradeBarIndex(cal, 9, 0), tradeBarIndex(cal, 10, 0), tradeBarIndex(cal, 12, 0), tradeBarIndex(cal, 10, 1), tradeBarIndex(cal, 14, 0)], [-2, 1, 2, 2, -1]);
    const tables: RowKernelTables = {
      ...noTables,
      securityOf: Int32Array.from([0, -1]),
      firstDay: Int32Array.from([11]),
      lastDay: Int32Array.from([14]),
      firstBar: Int32Array.from([1]),
      present: [Uint8Array.from([1, 1])],
      calendarDays: cal.days,
      calendarFirst: cal.first,
      calendarLast: cal.last,
      nextBar: cal.nextBar,
      barOf: cal.barOf,
    };
    const code = Int32Array.from([0, 0, 1, 0, 0, -1]);
    const sig = Int32Array.from([9, 10, 10, 12, 14, 10]);
    const avail = Int32Array.from([9, 10, 10, 12, 14, 8]);
    const signal = Float64Array.from([1, NaN, 1, Infinity, 1, 1]);
    const flags = new Uint32Array(6);
    const trade = new Int32Array(6);
    flagRows(code, sig, avail, signal, null, tables, { lag: 0, todayDay: 13, staleAfterDays: 7 }, flags, trade);
    const on = (i: number) => Object.entries(FLAG_BIT).filter(([, b]) => flags[i] & b).map(([f]) => f);
    assert.deepEqual(on(0), ['avail_before_calendar', 'sig_before_first_bar']);
    assert.deepEqual(on(1), ['nan_signal', 'sig_before_first_bar']);
    assert.deepEqual(on(2), ['unknown_security']);
    assert.deepEqual(on(3), ['pos_inf', 'sig_non_trading_day']);
    assert.deepEqual(on(4), ['beyond_calendar_end', 'future_sig']);
    assert.deepEqual(on(5), ['null_security', 'avail_before_sig', 'avail_before_calendar']);
    assert.deepEqual([...trade], [N, 11, 11, 14, N, N]);
  });

  it('finds dates whose finite values are all equal (two or more rows)', () => {
    const code = Int32Array.from([0, 1, 2, 0, 1, 0, 1, 0]);
    const day = Int32Array.from([1, 1, 1, 2, 2, 3, 3, 4]);
    const value = Float64Array.from([5, 5, 5, 1, 2, 7, NaN, 3]);
    assert.deepEqual(constantDates(code, day, value), [{ day: 1, rows: 3, value: 5, firstRow: 0 }]);
  });

  it('tells when kept rows are already in panel order', () => {
    const reason = Uint8Array.from([0, 0, 3, 0]);
    assert.equal(keptRowsInPanelOrder(Int32Array.from([0, 0, 1, 1]), ['A', 'B'], Int32Array.from([1, 2, 0, 1]), reason), true);
    assert.equal(keptRowsInPanelOrder(Int32Array.from([1, 1, 0, 0]), ['A', 'B'], Int32Array.from([1, 2, 0, 1]), reason), false);
    assert.equal(keptRowsInPanelOrder(Int32Array.from([0, 0, 0, 0]), ['A'], Int32Array.from([2, 1, 0, 3]), reason), false);
  });

  it('codes security ids the same way from runs and from a categorical', async () => {
    const grouped = pl.Series('s', ['b', 'b', null, 'a', 'a', 'b']);
    const run = (await pl.DataFrame([grouped]).lazy().select(runStartExpr('s')).collect()).getColumn('__run_start').toTypedArray() as Uint8Array;
    const fromRuns = await securityCodes(grouped, run);
    assert.deepEqual(fromRuns.names, ['b', 'a']);
    assert.deepEqual([...fromRuns.codes], [0, 0, -1, 1, 1, 0]);
    // Interleaved ids (a file sorted by date): more runs than a twentieth of the rows.
    const n = 200_000;
    const ids = pl.Series('s', Array.from({ length: n }, (_, i) => (i % 2 ? 'x' : 'y')));
    const runs = (await pl.DataFrame([ids]).lazy().select(runStartExpr('s')).collect()).getColumn('__run_start').toTypedArray() as Uint8Array;
    const fromCategorical = await securityCodes(ids, runs);
    assert.deepEqual(fromCategorical.names, ['y', 'x']);
    assert.deepEqual([...fromCategorical.codes.subarray(0, 4)], [0, 1, 0, 1]);
  });
});
