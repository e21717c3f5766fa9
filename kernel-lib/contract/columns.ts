/**
 * The signal contract's columns (docs/contract.md). One row says: for `security_id`, the
 * value `signal` describes day `date_sig` and became known on day `date_avail`.
 */
export const REQUIRED_COLUMNS = ['security_id', 'date_sig', 'date_avail', 'signal'] as const;

/** Free-text labels carried through alignment unchanged (cast to String when they are not). */
export const OPTIONAL_COLUMNS = ['signal_name', 'version', 'region', 'universe'] as const;

export type RequiredColumn = (typeof REQUIRED_COLUMNS)[number];
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];

export const DATE_COLUMNS = ['date_sig', 'date_avail'] as const;

/** Internal row-number column (never part of a result frame). */
export const ROW_INDEX = '__qb_row';
