/**
 * The signal contract's row rules as plain loops over typed arrays (no polars, no objects per
 * row): every rule flag, the trade day and the one drop reason of each row. Inputs and outputs
 * are in input row order. See docs/contract.md for the rules and the order of drop reasons.
 */
import { NULL_DAY } from './signal-arrays';

/** One bit per row-level rule (true = the row breaks it), each computed independently. */
export const FLAGS = [
  'null_security',
  'null_date_sig',
  'null_date_avail',
  'avail_before_sig',
  'duplicate',
  'null_signal',
  'nan_signal',
  'pos_inf',
  'neg_inf',
  'unknown_security',
  'avail_before_calendar',
  'beyond_calendar_end',
  'not_listed_yet',
  'delisted',
  'price_gap',
  'sig_non_trading_day',
  'sig_before_first_bar',
  'stale',
  'future_sig',
  'future_avail',
] as const;
export type Flag = (typeof FLAGS)[number];
export const FLAG_BIT = Object.fromEntries(FLAGS.map((f, i) => [f, 1 << i])) as Record<Flag, number>;

export interface RowKernelTables {
  /** Signal security code -> row in the security table, -1 when unknown; null without a table. */
  securityOf: Int32Array | null;
  /** Per security-table row: first/last price day (NULL_DAY without prices). */
  firstDay: Int32Array | null;
  lastDay: Int32Array | null;
  firstBar: Int32Array | null;
  /** Per security-table row: the bars it has inside its range, when it has holes. */
  present: (Uint8Array | null)[] | null;
  /** Calendar: trading days and the lookups over [first, last] (see context.ts). */
  calendarDays: Int32Array | null;
  calendarFirst: number;
  calendarLast: number;
  nextBar: Int32Array | null;
  barOf: Int32Array | null;
}

export interface RowKernelParams {
  lag: number;
  todayDay: number;
  staleAfterDays: number;
}

/**
 * Pass 1: every flag except `duplicate`, and the trade day (NULL_DAY when none):
 * trade bar = first calendar bar strictly after availDay, plus `lag` bars.
 */
export function flagRows(
  code: Int32Array,
  sigDay: Int32Array,
  availDay: Int32Array,
  signal: Float64Array,
  signalNull: Uint8Array | null,
  t: RowKernelTables,
  p: RowKernelParams,
  flags: Uint32Array,
  tradeDay: Int32Array,
): void {
  // Everything the loop reads is hoisted into locals: a property read inside the loop on a
  // branch that warm-up never took makes V8 deoptimize and re-optimize over and over.
  const n = code.length;
  const days = t.calendarDays;
  const bars = days ? days.length : 0;
  const calFirst = t.calendarFirst;
  const calLast = t.calendarLast;
  const nextBar = t.nextBar;
  const barOf = t.barOf;
  const securityOf = t.securityOf;
  const firstDay = t.firstDay;
  const lastDay = t.lastDay;
  const firstBar = t.firstBar;
  const present = t.present;
  const { lag, todayDay, staleAfterDays } = p;
  const NULL_SECURITY = FLAG_BIT.null_security;
  const NULL_SIG = FLAG_BIT.null_date_sig;
  const NULL_AVAIL = FLAG_BIT.null_date_avail;
  const AVAIL_BEFORE_SIG = FLAG_BIT.avail_before_sig;
  const STALE = FLAG_BIT.stale;
  const FUTURE_SIG = FLAG_BIT.future_sig;
  const FUTURE_AVAIL = FLAG_BIT.future_avail;
  const NULL_SIGNAL = FLAG_BIT.null_signal;
  const NAN_SIGNAL = FLAG_BIT.nan_signal;
  const POS_INF = FLAG_BIT.pos_inf;
  const NEG_INF = FLAG_BIT.neg_inf;
  const UNKNOWN = FLAG_BIT.unknown_security;
  const BEFORE_CALENDAR = FLAG_BIT.avail_before_calendar;
  const BEYOND_END = FLAG_BIT.beyond_calendar_end;
  const NOT_LISTED = FLAG_BIT.not_listed_yet;
  const DELISTED = FLAG_BIT.delisted;
  const GAP = FLAG_BIT.price_gap;
  const SIG_NON_TRADING = FLAG_BIT.sig_non_trading_day;
  const SIG_BEFORE_FIRST_BAR = FLAG_BIT.sig_before_first_bar;
  for (let i = 0; i < n; i++) {
    let f = 0;
    const c = code[i];
    const s = sigDay[i];
    const a = availDay[i];
    const v = signal[i];
    if (c < 0) f |= NULL_SECURITY;
    if (s === NULL_DAY) f |= NULL_SIG;
    if (a === NULL_DAY) f |= NULL_AVAIL;
    const datesKnown = s !== NULL_DAY && a !== NULL_DAY;
    if (datesKnown && a < s) f |= AVAIL_BEFORE_SIG;
    if (datesKnown && a - s > staleAfterDays) f |= STALE;
    if (s !== NULL_DAY && s > todayDay) f |= FUTURE_SIG;
    else if (a !== NULL_DAY && a > todayDay) f |= FUTURE_AVAIL;
    if (v !== v) f |= signalNull !== null && signalNull[i] ? NULL_SIGNAL : NAN_SIGNAL;
    else if (v === Infinity) f |= POS_INF;
    else if (v === -Infinity) f |= NEG_INF;

    const sec = securityOf !== null && c >= 0 ? securityOf[c] : -1;
    if (securityOf !== null && c >= 0 && sec < 0) f |= UNKNOWN;
    const listed = sec >= 0 && firstDay !== null && firstDay[sec] !== NULL_DAY;

    let trade = NULL_DAY;
    if (days !== null && a !== NULL_DAY) {
      if (a < calFirst) f |= BEFORE_CALENDAR;
      else {
        const bar = (a > calLast ? bars : nextBar![a - calFirst]) + lag;
        if (bar >= bars) f |= BEYOND_END;
        else {
          trade = days[bar];
          if (listed) {
            if (trade < firstDay![sec]) f |= NOT_LISTED;
            else if (trade > lastDay![sec]) f |= DELISTED;
            else {
              const have = present![sec];
              if (have !== null && have[bar - firstBar![sec]] === 0) f |= GAP;
            }
          }
        }
      }
    }
    if (days !== null && s !== NULL_DAY && s >= calFirst && s <= calLast && barOf![s - calFirst] < 0) f |= SIG_NON_TRADING;
    if (listed && s !== NULL_DAY && s < firstDay![sec]) f |= SIG_BEFORE_FIRST_BAR;
    flags[i] = f;
    tradeDay[i] = trade;
  }
}

/**
 * Rows grouped by security code, stable (input order within a security): rows of code g are
 * order[start[g]] .. order[start[g + 1] - 1]. Rows with code -1 are left out.
 */
export function groupBySecurity(code: Int32Array, securities: number): { order: Int32Array; start: Int32Array } {
  const start = new Int32Array(securities + 1);
  for (let i = 0; i < code.length; i++) if (code[i] >= 0) start[code[i] + 1]++;
  for (let g = 0; g < securities; g++) start[g + 1] += start[g];
  const next = start.slice(0, securities);
  const order = new Int32Array(start[securities]);
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c >= 0) order[next[c]++] = i;
  }
  return { order, start };
}

/**
 * Pass 2: sets the `duplicate` bit on every row whose (security, sigDay) occurs more than
 * once. A security whose rows come in non-decreasing sigDay (the usual file) is handled in
 * one pass over runs of equal days; others are sorted first.
 */
export function flagDuplicates(group: { order: Int32Array; start: Int32Array }, sigDay: Int32Array, flags: Uint32Array): void {
  const { order, start } = group;
  const DUPLICATE = FLAG_BIT.duplicate;
  for (let g = 0; g + 1 < start.length; g++) {
    let prev = NULL_DAY;
    let ordered = true;
    let repeats = false;
    for (let k = start[g]; k < start[g + 1]; k++) {
      const d = sigDay[order[k]];
      if (d === NULL_DAY) continue;
      if (d === prev) repeats = true;
      else if (d < prev) {
        ordered = false;
        break;
      }
      prev = d;
    }
    if (ordered && !repeats) continue;
    const rows: number[] = [];
    for (let k = start[g]; k < start[g + 1]; k++) if (sigDay[order[k]] !== NULL_DAY) rows.push(order[k]);
    if (!ordered) rows.sort((x, y) => sigDay[x] - sigDay[y] || x - y);
    for (let k = 0; k < rows.length; ) {
      let e = k + 1;
      while (e < rows.length && sigDay[rows[e]] === sigDay[rows[k]]) e++;
      if (e - k > 1) for (let j = k; j < e; j++) flags[rows[j]] |= DUPLICATE;
      k = e;
    }
  }
}

/** Drop reasons in precedence order, each with the flags that send a row to it (superseded is pass 4). */
export const REASON_BITS: readonly number[] = [
  FLAG_BIT.null_security | FLAG_BIT.null_date_sig | FLAG_BIT.null_date_avail,
  FLAG_BIT.avail_before_sig,
  FLAG_BIT.duplicate,
  FLAG_BIT.null_signal | FLAG_BIT.nan_signal,
  FLAG_BIT.pos_inf | FLAG_BIT.neg_inf,
  FLAG_BIT.unknown_security,
  FLAG_BIT.avail_before_calendar,
  FLAG_BIT.beyond_calendar_end,
  FLAG_BIT.not_listed_yet,
  FLAG_BIT.delisted,
  FLAG_BIT.price_gap,
];

/** The flags that need price data (a security table): a context without prices never sets them. */
export const PRICE_RULE_BITS = FLAG_BIT.unknown_security | FLAG_BIT.not_listed_yet | FLAG_BIT.delisted | FLAG_BIT.price_gap | FLAG_BIT.sig_before_first_bar;

/**
 * Pass 3: reason[i] = 1 + index of the first REASON_BITS entry the row matches, 0 = kept.
 * Flags in `ignore` are treated as unset (PRICE_RULE_BITS: the reasons of a calendar-only context).
 */
export function assignReasons(flags: Uint32Array, reason: Uint8Array, ignore = 0): void {
  const bits = Int32Array.from(REASON_BITS);
  const k = bits.length;
  const keep = ~ignore;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i] & keep;
    let r = 0;
    if (f !== 0) {
      for (let j = 0; j < k; j++) {
        if (f & bits[j]) {
          r = j + 1;
          break;
        }
      }
    }
    reason[i] = r;
  }
}

/**
 * Pass 4: among kept rows (reason 0), when several rows of one security reach the same trade
 * day, all but one get `supersededCode`: the winner has the latest availDay, then the latest
 * sigDay, then the latest input row. Trade days rise with availDay, so in the usual file the
 * rows of a trade day sit next to each other and one pass over runs decides; otherwise the
 * security's rows are sorted first. Returns the number of rows superseded.
 */
export function markSuperseded(
  group: { order: Int32Array; start: Int32Array },
  tradeDay: Int32Array,
  availDay: Int32Array,
  sigDay: Int32Array,
  reason: Uint8Array,
  supersededCode: number,
): number {
  const { order, start } = group;
  const later = (x: number, y: number) => availDay[x] - availDay[y] || sigDay[x] - sigDay[y] || x - y;
  let marked = 0;
  const rows: number[] = [];
  for (let g = 0; g + 1 < start.length; g++) {
    let prev = NULL_DAY;
    let collides = false;
    let ordered = true;
    rows.length = 0;
    for (let k = start[g]; k < start[g + 1]; k++) {
      const i = order[k];
      if (reason[i] !== 0) continue;
      const t = tradeDay[i];
      if (t === prev) collides = true;
      else if (t < prev) ordered = false;
      prev = t;
      rows.push(i);
    }
    if (!collides && ordered) continue;
    if (!ordered) rows.sort((x, y) => tradeDay[x] - tradeDay[y] || later(x, y));
    for (let k = 0; k < rows.length; ) {
      let e = k + 1;
      let best = rows[k];
      while (e < rows.length && tradeDay[rows[e]] === tradeDay[rows[k]]) {
        if (later(rows[e], best) > 0) best = rows[e];
        e++;
      }
      if (e - k > 1) {
        for (let j = k; j < e; j++) {
          if (rows[j] !== best) {
            reason[rows[j]] = supersededCode;
            marked++;
          }
        }
      }
      k = e;
    }
  }
  return marked;
}

/** Rows per flag (flagCounts[j] for FLAGS[j]) and per reason code (reasonCounts[r]). */
export function countRows(flags: Uint32Array, reason: Uint8Array, reasonCodes: number): { flagCounts: Float64Array; reasonCounts: Float64Array } {
  const flagCounts = new Float64Array(FLAGS.length);
  const reasonCounts = new Float64Array(reasonCodes + 1);
  for (let i = 0; i < flags.length; i++) {
    let f = flags[i];
    reasonCounts[reason[i]]++;
    for (let j = 0; f !== 0; j++, f >>>= 1) if (f & 1) flagCounts[j]++;
  }
  return { flagCounts, reasonCounts };
}

/** Rows per reason code (counts[r] for code r, 0 = kept). */
export function countReasons(reason: Uint8Array, reasonCodes: number): Float64Array {
  const counts = new Float64Array(reasonCodes + 1);
  for (let i = 0; i < reason.length; i++) counts[reason[i]]++;
  return counts;
}

/** The first `limit` rows whose flags intersect `mask`, in input order. */
export function firstRowsWithFlags(flags: Uint32Array, mask: number, limit: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < flags.length && out.length < limit; i++) if (flags[i] & mask) out.push(i);
  return out;
}

export function firstRowsWithReason(reason: Uint8Array, code: number, limit: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < reason.length && out.length < limit; i++) if (reason[i] === code) out.push(i);
  return out;
}

/**
 * Dates whose finite signal values (2 or more rows with a security) are all equal: no
 * cross-sectional information. Returns day, rows, the value and the first row of each.
 */
export function constantDates(code: Int32Array, sigDay: Int32Array, signal: Float64Array): { day: number; rows: number; value: number; firstRow: number }[] {
  const n = code.length;
  let lo = 2 ** 31 - 1;
  let hi = NULL_DAY;
  for (let i = 0; i < n; i++) {
    const d = sigDay[i];
    if (d === NULL_DAY) continue;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  if (hi < lo) return [];
  // Dense per-day accumulators over the date range (a 200-year range is 73k slots); a range
  // beyond that means absurd dates, which other rules report: fall back to a sparse map.
  const span = hi - lo + 1;
  if (span > 1_000_000) return constantDatesSparse(code, sigDay, signal);
  const count = new Int32Array(span);
  const min = new Float64Array(span).fill(Infinity);
  const max = new Float64Array(span).fill(-Infinity);
  const first = new Int32Array(span).fill(-1);
  for (let i = 0; i < n; i++) {
    const d = sigDay[i];
    const v = signal[i];
    if (code[i] < 0 || d === NULL_DAY || v !== v || v === Infinity || v === -Infinity) continue;
    const k = d - lo;
    if (count[k]++ === 0) first[k] = i;
    if (v < min[k]) min[k] = v;
    if (v > max[k]) max[k] = v;
  }
  const out: { day: number; rows: number; value: number; firstRow: number }[] = [];
  for (let k = 0; k < span; k++) if (count[k] >= 2 && min[k] === max[k]) out.push({ day: lo + k, rows: count[k], value: min[k], firstRow: first[k] });
  return out;
}

function constantDatesSparse(code: Int32Array, sigDay: Int32Array, signal: Float64Array): { day: number; rows: number; value: number; firstRow: number }[] {
  const acc = new Map<number, { rows: number; lo: number; hi: number; firstRow: number }>();
  for (let i = 0; i < code.length; i++) {
    const d = sigDay[i];
    const v = signal[i];
    if (code[i] < 0 || d === NULL_DAY || v !== v || v === Infinity || v === -Infinity) continue;
    const a = acc.get(d);
    if (a === undefined) acc.set(d, { rows: 1, lo: v, hi: v, firstRow: i });
    else {
      a.rows++;
      if (v < a.lo) a.lo = v;
      if (v > a.hi) a.hi = v;
    }
  }
  const out: { day: number; rows: number; value: number; firstRow: number }[] = [];
  for (const [day, a] of acc) if (a.rows >= 2 && a.lo === a.hi) out.push({ day, rows: a.rows, value: a.lo, firstRow: a.firstRow });
  return out.sort((a, b) => a.day - b.day);
}

/**
 * True when the kept rows (reason 0) are already in panel order: security names ascending,
 * then trade day strictly ascending - so the aligned frame needs no sort.
 */
export function keptRowsInPanelOrder(code: Int32Array, names: string[], tradeDay: Int32Array, reason: Uint8Array): boolean {
  // JS compares UTF-16 units, polars UTF-8 bytes: the orders agree for ASCII ids only.
  if (names.some((s) => /[^\x00-\x7f]/.test(s))) return false;
  let prevCode = -1;
  let prevDay = NULL_DAY;
  for (let i = 0; i < code.length; i++) {
    if (reason[i] !== 0) continue;
    const c = code[i];
    if (c !== prevCode) {
      if (prevCode >= 0 && !(names[prevCode] < names[c])) return false;
      prevCode = c;
    } else if (tradeDay[i] <= prevDay) return false;
    prevDay = tradeDay[i];
  }
  return true;
}
