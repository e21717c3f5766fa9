/**
 * Every rule the signal validator applies, with its severity and its fix. The table in
 * docs/contract.md is written from this list; a test keeps the two in step.
 *
 * error   - the signal cannot be used as it is: the producer must fix the file.
 * warning - the signal can be used; the rows concerned are either dropped by alignSignal
 *           (`dropped: true`, counted by reason) or kept and merely suspicious.
 */
export type Severity = 'error' | 'warning';

export interface RuleInfo {
  severity: Severity;
  /** True when alignSignal drops the rows this rule flags. */
  dropped: boolean;
  title: string;
  fix: string;
}

export const RULES = {
  unreadable: {
    severity: 'error',
    dropped: false,
    title: 'the file cannot be read as a table',
    fix: 'save the signal as CSV (comma-separated, header row) or Parquet',
  },
  empty: {
    severity: 'error',
    dropped: false,
    title: 'the table has no rows',
    fix: 'write at least one data row below the header',
  },
  missing_column: {
    severity: 'error',
    dropped: false,
    title: 'a required column is missing',
    fix: 'add the column (names are case-sensitive): security_id, date_sig, date_avail, signal',
  },
  bad_dtype: {
    severity: 'error',
    dropped: false,
    title: 'a column does not hold the type the contract requires',
    fix: 'dates as ISO YYYY-MM-DD (or pl.Date), signal as plain decimal numbers (Float64), labels as text',
  },
  null_key: {
    severity: 'error',
    dropped: true,
    title: 'security_id, date_sig or date_avail is empty',
    fix: 'fill in the key columns on every row, or remove the rows',
  },
  duplicate_key: {
    severity: 'error',
    dropped: true,
    title: 'more than one row for the same (security_id, date_sig)',
    fix: 'keep one row per security and date_sig; a revised value belongs in a new file version, not beside the old one',
  },
  avail_before_sig: {
    severity: 'error',
    dropped: true,
    title: 'date_avail is earlier than date_sig (known before the day it describes)',
    fix: 'date_avail must be on or after date_sig; it is the day the value could first be known',
  },
  future_date_sig: {
    severity: 'error',
    dropped: false,
    title: 'date_sig is after today: no value can describe a day that has not happened',
    fix: 'check the date format and year of date_sig (a swapped day/month or a wrong century gives future dates)',
  },
  infinite_signal: {
    severity: 'error',
    dropped: true,
    title: 'signal is +inf or -inf',
    fix: 'an infinite value is a computation bug (division by zero, log of 0): fix the computation, or leave the cell empty when there is no view',
  },
  mixed_signals: {
    severity: 'error',
    dropped: false,
    title: 'the table holds more than one signal_name or version',
    fix: 'validate one signal at a time: filter the table to one signal_name and one version',
  },
  suspected_lookahead: {
    severity: 'error',
    dropped: false,
    title: 'the signal predicts the return of its own first tradeable bar too well to have been known at date_avail',
    fix: 'the value uses information from after date_avail: shift date_avail to the day the inputs were really known, or lag the computation',
  },
  no_usable_rows: {
    severity: 'error',
    dropped: false,
    title: 'every row would be dropped by alignment',
    fix: 'see the other problems: each names the rows it drops and how to keep them',
  },
  nan_signal: {
    severity: 'error',
    dropped: true,
    title: "signal is NaN: a failed computation rather than a deliberate 'no view'",
    fix: 'fix the computation that produced NaN, or leave the cell empty (null) where no view is meant',
  },
  missing_signal: {
    severity: 'warning',
    dropped: true,
    title: 'signal is empty (null): no view on that row',
    fix: 'nothing to do if "no view" is meant; otherwise fill in the value',
  },
  unknown_security: {
    severity: 'warning',
    dropped: true,
    title: 'security_id is not in the price data',
    fix: 'use the ids of the snapshot (quantbook snapshots --json lists them), or validate against the snapshot that holds these securities',
  },
  avail_before_calendar: {
    severity: 'warning',
    dropped: true,
    title: 'date_avail is before the first date of the calendar, so its first tradeable bar is unknown',
    fix: 'use a snapshot that starts earlier, or drop these rows',
  },
  beyond_calendar_end: {
    severity: 'warning',
    dropped: true,
    title: 'no calendar bar after date_avail plus the lag (the value arrives after the data ends)',
    fix: 'use a snapshot that ends later; these rows can only be traded once more prices exist',
  },
  not_listed_yet: {
    severity: 'warning',
    dropped: true,
    title: "the trade date is before the security's first price bar (late listing)",
    fix: 'nothing to do if the security listed later; otherwise check the security_id mapping',
  },
  delisted: {
    severity: 'warning',
    dropped: true,
    title: "the trade date is after the security's last price bar (delisted or data ends early)",
    fix: 'nothing to do for delisted names; otherwise extend the price data',
  },
  price_gap: {
    severity: 'warning',
    dropped: true,
    title: 'the security has no price bar on the trade date (a gap inside its listed range)',
    fix: 'nothing to do for a trading halt; otherwise repair the price data',
  },
  superseded: {
    severity: 'warning',
    dropped: true,
    title: 'another row of the same security reaches the same trade date and was available later; the later one wins',
    fix: 'nothing to do if the later value is meant to replace the earlier one; otherwise check date_avail',
  },
  sig_non_trading_day: {
    severity: 'warning',
    dropped: false,
    title: 'date_sig falls on a day that is not in the calendar (weekend or holiday)',
    fix: 'nothing to do if the signal is computed on non-trading days; otherwise check the dates',
  },
  sig_before_first_bar: {
    severity: 'warning',
    dropped: false,
    title: "date_sig is before the security's first price bar: the value describes a day without prices",
    fix: 'check how the value was computed (no price history existed yet) and the security_id mapping (a reused ticker?)',
  },
  stale_availability: {
    severity: 'warning',
    dropped: false,
    title: 'date_avail is long after date_sig',
    fix: 'nothing to do for slow data (filings); otherwise check date_avail',
  },
  future_date_avail: {
    severity: 'warning',
    dropped: false,
    title: 'date_avail is after today (the value is embargoed until then)',
    fix: 'nothing to do for a deliberate embargo; otherwise check date_avail',
  },
  constant_cross_section: {
    severity: 'warning',
    dropped: false,
    title: 'on some dates every security has the same signal value: no cross-sectional information',
    fix: 'cross-sectional analysis (ranks, quantiles, IC) skips such dates; check the computation if values should differ',
  },
  optional_column_cast: {
    severity: 'warning',
    dropped: false,
    title: 'an optional label column is not text; it is converted to text',
    fix: 'store signal_name, version, region and universe as text',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

/**
 * Why alignSignal dropped a row. Each dropped row gets exactly one reason: the first in this
 * order that applies (so counts add up to the number of dropped rows).
 */
export const DROP_REASONS = [
  'null_key',
  'avail_before_sig',
  'duplicate_key',
  'missing_signal',
  'infinite_signal',
  'unknown_security',
  'avail_before_calendar',
  'beyond_calendar_end',
  'not_listed_yet',
  'delisted',
  'price_gap',
  'superseded',
] as const satisfies readonly RuleId[];

export type DropReason = (typeof DROP_REASONS)[number];

/** Stable small integer per reason (0 = kept) for the classification column. */
export function reasonCode(reason: DropReason): number {
  return DROP_REASONS.indexOf(reason) + 1;
}
