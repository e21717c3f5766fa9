import type pl from 'nodejs-polars';
import { type ResolvedContext } from './context';
import { DROP_REASONS, reasonCode, type DropReason } from './rules';
import {
  assignReasons,
  countRows,
  flagDuplicates,
  flagRows,
  FLAGS,
  groupBySecurity,
  markSuperseded,
  type Flag,
  type RowKernelParams,
  type RowKernelTables,
} from './row-kernel';
import { toSignalArrays, type SignalArrays } from './signal-arrays';

export interface Classified {
  arrays: SignalArrays;
  /** Per row: FLAGS as bits (row-kernel.ts FLAG_BIT). */
  flags: Uint32Array;
  /** Per row: trade day (days since 1970-01-01), NULL_DAY when there is none. */
  tradeDay: Int32Array;
  /** Per row: 0 = kept, else reasonCode(r) of its drop reason. */
  reason: Uint8Array;
  flagCounts: Record<Flag, number>;
  reasonCounts: Record<DropReason, number>;
  /** Signal security code -> security-table row (-1 unknown); null without a table. */
  securityOf: Int32Array | null;
  /** Per security-table row: first and last price day (null without prices). */
  firstDay: Int32Array | null;
  lastDay: Int32Array | null;
  /** False without a calendar: trade days and the calendar/price drop reasons are then unknown. */
  aligned: boolean;
}

/**
 * Every row of a prepared signal checked against the context: the rule flags, the trade day
 * (the time shift date_avail -> first bar strictly after it -> plus `lag` bars) and the single
 * drop reason alignSignal applies. The key columns leave polars once; the rules run as loops
 * over typed arrays (row-kernel.ts).
 */
export async function classifyRows(signal: pl.DataFrame, context: ResolvedContext, params: RowKernelParams): Promise<Classified> {
  const arrays = await toSignalArrays(signal);
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
  const reasonCounts = Object.fromEntries(DROP_REASONS.map((r) => [r, counts.reasonCounts[reasonCode(r)]])) as Record<DropReason, number>;
  return { arrays, flags, tradeDay, reason, flagCounts, reasonCounts, securityOf, firstDay: tables.firstDay, lastDay: tables.lastDay, aligned: calendar !== null };
}
