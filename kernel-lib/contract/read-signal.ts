import type pl from 'nodejs-polars';
import { isQuantbookError } from '../errors';
import { readTable } from '../data/read-table';
import { dayToIso } from '../kernels/bridge';
import { makeProblem, type ValidationReport } from './report';
import { validateSignal, validationSettings, type ValidateOptions } from './validate';

/**
 * A signal file (CSV or Parquet) as it is on disk: CSV columns as text (validateSignal parses
 * them and reports what does not parse), Parquet with its own dtypes. Throws QuantbookError
 * for a file that does not exist, cannot be read, or has no rows.
 */
export async function readSignalFile(path: string): Promise<pl.DataFrame> {
  return (await readTable(path, { what: 'signal file' })).frame;
}

/**
 * validateSignal on a file. A file that cannot be read as a table (empty, header only, not CSV
 * or Parquet, ragged rows) comes back as a report with one error rather than an exception;
 * only a path that does not exist throws.
 */
export async function validateSignalFile(path: string, options: Omit<ValidateOptions, 'file'> = {}): Promise<ValidationReport> {
  const settings = validationSettings(options);
  let frame: pl.DataFrame;
  try {
    frame = await readSignalFile(path);
  } catch (e) {
    if (!isQuantbookError(e) || e.code === 'FILE_NOT_FOUND') throw e;
    const rule = e.code === 'EMPTY_FILE' || e.code === 'NO_ROWS' ? 'empty' : 'unreadable';
    return {
      ok: false,
      file: path,
      rows: 0,
      columns: [],
      problems: [makeProblem(rule, null, 0, e.message, [], { code: e.code }, e.hint)],
      summary: { errors: 1, warnings: 0, usableRows: null, droppedByReason: {} },
      checkedAgainst: {
        snapshot: options.snapshot ? options.snapshot.manifest.name ?? options.snapshot.manifest.snapshot_id : null,
        calendar: null,
        securities: null,
        prices: false,
        today: dayToIso(settings.todayDay),
        lag: settings.lag,
        staleAfterDays: settings.staleAfterDays,
      },
      skipped: ['every other check: the file could not be read as a table'],
    };
  }
  return validateSignal(frame, { ...options, file: path });
}
