import type pl from 'nodejs-polars';
import { type ResolvedContext } from './context';
import { DROP_REASONS, reasonCode, type DropReason } from './rules';
import {
  assignReasons,
  countReasons,
  countRows,
  flagDuplicates,
  flagRows,
  FLAGS,
  groupBySecurity,
  markSuperseded,
  PRICE_RULE_BITS,
  type Flag,
  type RowKernelParams,
  type RowKernelTables,
} from './row-kernel';
import { toSignalArrays, type SignalArrays } from './signal-arrays';

/** What alignment needs of a classification: each row's trade day and its one drop reason. */
export interface Alignment {
  arrays: SignalArrays;
  /** Per row: trade day (days since 1970-01-01), NULL_DAY when there is none. */
  tradeDay: Int32Array;
  /** Per row: 0 = kept, else reasonCode(r) of its drop reason. */
  reason: Uint8Array;
  reasonCounts: Record<DropReason, number>;
}

export interface Classified extends Alignment {
  /** Per row: FLAGS as bits (row-kernel.ts FLAG_BIT). */
  flags: Uint32Array;
  flagCounts: Record<Flag, number>;
  /** Signal security code -> security-table row (-1 unknown); null without a table. */
  securityOf: Int32Array | null;
  /** Per security-table row: first and last price day (null without prices). */
  firstDay: Int32Array | null;
  lastDay: Int32Array | null;
  /** False without a calendar: trade days and the calendar/price drop reasons are then unknown. */
  aligned: boolean;
  /** Rows grouped by security code (groupBySecurity), for re-deciding superseded rows. */
  group: { order: Int32Array; start: Int32Array };
}

/**
 * Every row of a prepared signal checked against the context: the rule flags, the trade day
 * (the time shift date_avail -> first bar strictly after it -> plus `lag` bars) and the single
 * drop reason alignSignal applies. The key columns leave polars once (pass the SignalArrays of
 * signal-keys.ts to skip even that); the rules run as loops over typed arrays (row-kernel.ts).
 */
export async function classifyRows(signal: pl.DataFrame | SignalArrays, context: ResolvedContext, params: RowKernelParams): Promise<Classified> {
  const arrays = isSignalArrays(signal) ? signal : await toSignalArrays(signal);
  const table = context.securities;
  const calendar = context.calendar;
  let securityOf: Int32Array | null = null;
  if (table) {
    securityOf = new Int32Array(arrays.names.length);
    arrays.names.forEach((name, c) => (securityOf![c] = table.index.get(name) ?? -1));
  }
  const withPrices = table !== null && table.hasPrices;
  const tables: RowKernelTables = {
    securityOf,
    firstDay: withPrices ? table.firstDay : null,
    lastDay: withPrices ? table.lastDay : null,
    firstBar: withPrices ? table.firstBar : null,
    present: withPrices ? table.present : null,
    calendarDays: calendar ? calendar.days : null,
    calendarFirst: calendar ? calendar.first : 0,
    calendarLast: calendar ? calendar.last : 0,
    nextBar: calendar ? calendar.nextBar : null,
    barOf: calendar ? calendar.barOf : null,
  };
  const n = arrays.rows;
  const flags = new Uint32Array(n);
  const tradeDay = new Int32Array(n);
  flagRows(arrays.code, arrays.sigDay, arrays.availDay, arrays.signal, arrays.signalNull, tables, params, flags, tradeDay);
  const group = groupBySecurity(arrays.code, arrays.names.length);
  flagDuplicates(group, arrays.sigDay, flags);
  const reason = new Uint8Array(n);
  assignReasons(flags, reason);
  if (calendar) markSuperseded(group, tradeDay, arrays.availDay, arrays.sigDay, reason, reasonCode('superseded'));

  const counts = countRows(flags, reason, DROP_REASONS.length);
  const flagCounts = Object.fromEntries(FLAGS.map((f, j) => [f, counts.flagCounts[j]])) as Record<Flag, number>;
  return { arrays, flags, tradeDay, reason, flagCounts, reasonCounts: reasonRecord(counts.reasonCounts), securityOf, firstDay: tables.firstDay, lastDay: tables.lastDay, aligned: calendar !== null, group };
}

/**
 * The alignment the same rows get against the calendar alone (no prices, no securities), from
 * a classification made with prices: the price rules (unknown security, late listing,
 * delisting, gap) no longer drop rows, so the reasons and the superseded rows are decided
 * again; trade days do not depend on prices and are shared. Equal to classifyRows with a
 * context that holds only the calendar, at the same lag (test/contract-align.test.ts).
 */
export function calendarOnlyAlignment(classified: Classified): Alignment {
  const { arrays, flags, tradeDay, group } = classified;
  const reason = new Uint8Array(arrays.rows);
  assignReasons(flags, reason, PRICE_RULE_BITS);
  if (classified.aligned) markSuperseded(group, tradeDay, arrays.availDay, arrays.sigDay, reason, reasonCode('superseded'));
  return { arrays, tradeDay, reason, reasonCounts: reasonRecord(countReasons(reason, DROP_REASONS.length)) };
}

function reasonRecord(counts: Float64Array): Record<DropReason, number> {
  return Object.fromEntries(DROP_REASONS.map((r) => [r, counts[reasonCode(r)]])) as Record<DropReason, number>;
}

function isSignalArrays(x: pl.DataFrame | SignalArrays): x is SignalArrays {
  return (x as SignalArrays).code instanceof Int32Array && Array.isArray((x as SignalArrays).names);
}
