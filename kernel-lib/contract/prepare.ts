import pl from 'nodejs-polars';
import { isQuantbookError } from '../errors';
import { dtypeName, isNumericDtype } from '../data/dtype';
import { parseDateColumn } from '../data/parse-date';
import { parseNumberColumn } from '../data/parse-number';
import { DATE_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, type OptionalColumn } from './columns';
import { isLazyFrame } from './context';
import { makeProblem, type ExampleRow, type Problem } from './report';

/**
 * The signal in canonical dtypes - security_id String, date_sig/date_avail Date, signal
 * Float64 (NaN and +-inf kept so they can be counted), optional labels String - in input
 * row order. `frame` is null when a required column is missing or
 * cannot be read as its type; `problems` then say why.
 */
export interface PreparedSignal {
  frame: pl.DataFrame | null;
  rows: number;
  columns: { name: string; dtype: string }[];
  optional: OptionalColumn[];
  problems: Problem[];
}

const TEXT = ['String', 'Utf8'];
const TEXT_LIKE = /^(String|Utf8|Categorical|Enum)/;

export async function prepareSignal(input: pl.DataFrame | pl.LazyDataFrame, file?: string): Promise<PreparedSignal> {
  let frame: pl.DataFrame;
  try {
    frame = isLazyFrame(input) ? await input.collect() : input;
  } catch (e) {
    const reason = String((e as Error)?.message ?? e).split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
    return { frame: null, rows: 0, columns: [], optional: [], problems: [makeProblem('unreadable', null, 0, `the signal frame cannot be computed: ${reason}`)] };
  }
  const columns = frame.columns.map((name) => ({ name, dtype: dtypeName(frame.schema[name]) }));
  const problems: Problem[] = [];
  const rows = frame.height;
  if (rows === 0) problems.push(makeProblem('empty', null, 0, `the signal table has columns (${frame.columns.join(', ')}) but no rows`));
  const missing = REQUIRED_COLUMNS.filter((c) => !frame.columns.includes(c));
  const lower = frame.columns.map((c) => c.toLowerCase());
  const looksLikePrices = missing.length >= 3 && lower.includes('close') && !lower.includes('signal');
  for (const c of missing) {
    problems.push(
      makeProblem('missing_column', c, rows, `required column '${c}' is missing (columns present: ${frame.columns.map((n) => `'${n}'`).join(', ')})`, [], undefined,
        looksLikePrices
          ? 'this looks like a price file (it has a close column), not a signal: validate checks signal tables (security_id, date_sig, date_avail, signal); import prices with `quantbook import FILE --name NAME`'
          : `add a '${c}' column (names are case-sensitive)${closeName(c, frame.columns)}`),
    );
  }
  const optional = OPTIONAL_COLUMNS.filter((c) => frame.columns.includes(c));
  if (missing.length > 0 || rows === 0) return { frame: null, rows, columns, optional, problems };

  let parsed = frame.select(...REQUIRED_COLUMNS, ...optional);
  const securityType = dtypeName(parsed.schema.security_id);
  if (!TEXT_LIKE.test(securityType) && !/^U?Int\d+$/.test(securityType)) {
    problems.push(makeProblem('bad_dtype', 'security_id', rows, `column 'security_id' has dtype ${securityType}; security ids are text (or integers)`));
  }
  for (const c of DATE_COLUMNS) {
    try {
      parsed = await parseDateColumn(parsed, c, { file });
    } catch (e) {
      problems.push(parseProblem(e, c, frame));
    }
  }
  try {
    parsed = await parseNumberColumn(parsed, 'signal', { file, allowNonFinite: true });
  } catch (e) {
    problems.push(parseProblem(e, 'signal', frame));
  }
  const casts: pl.Expr[] = [];
  for (const c of optional) {
    const type = dtypeName(parsed.schema[c]);
    if (TEXT.includes(type)) continue;
    if (TEXT_LIKE.test(type) || isNumericDtype(parsed.schema[c]) || type === 'Bool' || type === 'Boolean' || type.startsWith('Date')) {
      problems.push(makeProblem('optional_column_cast', c, rows, `optional column '${c}' has dtype ${type}; it is converted to text`));
      casts.push(pl.col(c).cast(pl.Utf8));
    } else {
      problems.push(makeProblem('bad_dtype', c, rows, `optional column '${c}' has dtype ${type}, which cannot be read as text`, [], undefined, `store '${c}' as text, or drop the column`));
    }
  }
  if (problems.some((p) => p.severity === 'error')) return { frame: null, rows, columns, optional, problems };

  // Row i of the canonical frame is input row i (0-based): row numbers in reports are i + 1.
  const target = { security_id: 'String', date_sig: 'Date', date_avail: 'Date', signal: 'Float64' } as const;
  const needsCast = (Object.keys(target) as (keyof typeof target)[]).some((c) => dtypeName(parsed.schema[c]) !== target[c]) || casts.length > 0;
  const canonical = !needsCast
    ? parsed
    : await parsed.lazy()
        .withColumns(
          pl.col('security_id').cast(pl.Utf8),
          // A time of day on date_avail is dropped: a value known at 09:00 on day d is treated
          // as known on day d, so it trades from the first bar after d - later, never earlier.
          pl.col('date_sig').cast(pl.Date),
          pl.col('date_avail').cast(pl.Date),
          pl.col('signal').cast(pl.Float64),
          ...casts,
        )
        .collect();
  return { frame: canonical, rows, columns, optional, problems };
}

/** A problem from a parser's QuantbookError (its message names column, row and value); examples show the cells as written. */
function parseProblem(e: unknown, column: string, frame: pl.DataFrame): Problem {
  if (!isQuantbookError(e)) throw e;
  const details = (e.details ?? {}) as { rows?: number[]; row?: number; count?: number };
  const rows = (Array.isArray(details.rows) ? details.rows : typeof details.row === 'number' ? [details.row] : []).slice(0, 3);
  const cells = frame.getColumn(column);
  const examples: ExampleRow[] = rows
    .filter((row) => row >= 1 && row <= frame.height)
    .map((row) => {
      const v = cells.get(row - 1) as unknown;
      return { row, [column]: v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : typeof v === 'number' || typeof v === 'boolean' ? v : String(v) };
    });
  const count = typeof details.count === 'number' ? details.count : Math.max(examples.length, 1);
  return makeProblem('bad_dtype', column, count, e.message, examples, { code: e.code }, e.hint);
}

function closeName(wanted: string, present: string[]): string {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');
  const match = present.find((p) => norm(p) === norm(wanted));
  return match ? ` - '${match}' looks like it: rename it to '${wanted}'` : '';
}
