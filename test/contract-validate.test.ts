import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pl from 'nodejs-polars';
import { validateSignal } from '../kernel-lib/contract/validate';
import { validateSignalFile } from '../kernel-lib/contract/read-signal';
import { formatReport, type Problem, type ValidationReport } from '../kernel-lib/contract/report';
import { DROP_REASONS, RULES, type RuleId } from '../kernel-lib/contract/rules';
import { openSample } from '../kernel-lib/data/catalog';
import { QuantbookError } from '../kernel-lib/errors';
import { sharedData, tempDir } from './helpers';

const CAL = ['2015-01-02', '2015-01-05', '2015-01-06', '2015-01-07', '2015-01-08', '2015-01-09', '2015-01-12', '2015-01-13'];
const calendar = pl.DataFrame([pl.Series('date', CAL).str.strptime(pl.Date, '%Y-%m-%d')]);
const TODAY = '2020-06-30';

type Cell = string | number | null;
/** A signal from columns of text dates and numbers (dates parsed to pl.Date). */
function signal(cols: { security_id: (string | null)[]; date_sig: (string | null)[]; date_avail: (string | null)[]; signal: (number | null)[] } & Record<string, Cell[]>): pl.DataFrame {
  const { security_id, date_sig, date_avail, signal: values, ...extra } = cols;
  return pl.DataFrame([
    pl.Series('security_id', security_id, pl.Utf8),
    pl.Series('date_sig', date_sig, pl.Utf8).str.strptime(pl.Date, '%Y-%m-%d'),
    pl.Series('date_avail', date_avail, pl.Utf8).str.strptime(pl.Date, '%Y-%m-%d'),
    pl.Series('signal', values, pl.Float64),
    ...Object.entries(extra).map(([k, v]) => pl.Series(k, v)),
  ]);
}

/** n rows of a clean signal: securities A, B, C on the first calendar days, distinct values. */
function clean(n = 6): Parameters<typeof signal>[0] {
  const ids = ['A', 'B', 'C'];
  return {
    security_id: Array.from({ length: n }, (_, i) => ids[i % 3]),
    date_sig: Array.from({ length: n }, (_, i) => CAL[Math.floor(i / 3)]),
    date_avail: Array.from({ length: n }, (_, i) => CAL[Math.floor(i / 3)]),
    signal: Array.from({ length: n }, (_, i) => (i % 3) - 1 + i / 10),
  };
}

function problem(report: ValidationReport, rule: RuleId): Problem {
  const p = report.problems.find((x) => x.rule === rule);
  assert.ok(p, `expected a '${rule}' problem; got ${report.problems.map((x) => x.rule).join(', ') || 'none'}`);
  return p;
}

function rules(report: ValidationReport): string[] {
  return report.problems.map((p) => p.rule).sort();
}

describe('contract: validateSignal', () => {
  it('passes a clean signal: ok, no problems, every row usable', async () => {
    const report = await validateSignal(signal(clean()), { calendar, securities: ['A', 'B', 'C'], today: TODAY });
    assert.equal(report.ok, true, formatReport(report));
    assert.deepEqual(report.problems, []);
    assert.equal(report.rows, 6);
    assert.equal(report.summary.usableRows, 6);
    assert.deepEqual(report.checkedAgainst.calendar, { first: '2015-01-02', last: '2015-01-13', bars: 8 });
    assert.equal(report.checkedAgainst.today, TODAY);
    assert.deepEqual(report.skipped, ['late listings, delistings, price gaps and the lookahead test: pass a snapshot or prices']);
  });

  it('accepts a LazyFrame and says what it could not check without a calendar', async () => {
    const report = await validateSignal(signal(clean()).lazy(), { today: TODAY });
    assert.equal(report.ok, true);
    assert.equal(report.summary.usableRows, null);
    assert.equal(report.skipped.length, 3);
  });

  describe('errors: the signal cannot be used', () => {
    it('missing_column: names each missing column and the columns present', async () => {
      const report = await validateSignal(signal(clean()).drop('date_avail', 'signal'), { today: TODAY });
      assert.equal(report.ok, false);
      assert.deepEqual(report.problems.map((p) => [p.rule, p.column]), [['missing_column', 'date_avail'], ['missing_column', 'signal']]);
      assert.match(report.problems[0].message, /'security_id', 'date_sig'/);
    });

    it('missing_column: suggests a column that differs only in case', async () => {
      const report = await validateSignal(signal(clean()).rename({ date_avail: 'Date_Avail' }), { today: TODAY });
      assert.match(problem(report, 'missing_column').fix, /'Date_Avail' looks like it/);
    });

    it('empty: a frame with the columns and no rows', async () => {
      const report = await validateSignal(signal(clean()).head(0), { today: TODAY });
      assert.equal(report.ok, false);
      assert.deepEqual(rules(report), ['empty']);
    });

    it('bad_dtype: text that is not a date, a signal that is not a number, a label that is not text', async () => {
      const text = pl.DataFrame({ security_id: ['A', 'B'], date_sig: ['2015-01-05', 'yesterday'], date_avail: ['2015-01-05', '2015-01-06'], signal: ['0.5', 'high'] });
      const report = await validateSignal(text, { today: TODAY });
      assert.equal(report.ok, false);
      const date = report.problems.find((p) => p.column === 'date_sig')!;
      assert.equal(date.rule, 'bad_dtype');
      assert.match(date.message, /'yesterday'/);
      assert.deepEqual(date.examples, [{ row: 2, date_sig: 'yesterday' }]);
      const value = report.problems.find((p) => p.column === 'signal')!;
      assert.match(value.message, /'high' in row 2 is not a number/);
      const flags = signal(clean(3)).withColumns(pl.Series('signal', [true, false, true]));
      assert.deepEqual(rules(await validateSignal(flags, { today: TODAY })), ['bad_dtype']);
      const listLabel = signal(clean(3)).withColumns(pl.Series('universe', [[1], [2], [3]]));
      assert.equal(problem(await validateSignal(listLabel, { today: TODAY }), 'bad_dtype').column, 'universe');
    });

    it('null_key: one problem per empty key column, with 1-based example rows', async () => {
      const cols = clean();
      cols.security_id[1] = null;
      cols.date_sig[4] = null;
      const report = await validateSignal(signal(cols), { today: TODAY });
      assert.equal(report.ok, false);
      const nulls = report.problems.filter((p) => p.rule === 'null_key');
      assert.deepEqual(nulls.map((p) => [p.column, p.count, p.examples.map((e) => e.row)]), [['security_id', 1, [2]], ['date_sig', 1, [5]]]);
    });

    it('duplicate_key: counts every row of a repeated (security_id, date_sig), even far apart in the file', async () => {
      const cols = clean();
      cols.security_id.push('A', 'B');
      cols.date_sig.push(CAL[0], CAL[5]);
      cols.date_avail.push(CAL[1], CAL[5]);
      cols.signal.push(9, 9);
      const report = await validateSignal(signal(cols), { calendar, today: TODAY });
      const dup = problem(report, 'duplicate_key');
      assert.equal(dup.severity, 'error');
      assert.equal(dup.count, 2);
      assert.deepEqual(dup.examples.map((e) => e.row), [1, 7]);
      assert.equal(report.summary.droppedByReason.duplicate_key, 2);
    });

    it('avail_before_sig: the example shows both dates', async () => {
      const cols = clean();
      cols.date_avail[3] = '2015-01-02';
      const report = await validateSignal(signal(cols), { today: TODAY });
      assert.deepEqual(problem(report, 'avail_before_sig').examples, [{ row: 4, security_id: 'A', date_sig: '2015-01-05', date_avail: '2015-01-02', signal: -0.7 }]);
    });

    it('future_date_sig: after `today` is an error; a future date_avail alone is a warning', async () => {
      const cols = clean();
      cols.date_sig[0] = '2020-07-01';
      cols.date_avail[0] = '2020-07-01';
      cols.date_avail[1] = '2020-07-03';
      const report = await validateSignal(signal(cols), { today: TODAY });
      assert.equal(report.ok, false);
      assert.equal(problem(report, 'future_date_sig').count, 1);
      assert.match(problem(report, 'future_date_sig').message, /after today \(2020-06-30\)/);
      assert.equal(problem(report, 'future_date_avail').count, 1);
      assert.equal(problem(report, 'future_date_avail').severity, 'warning');
    });

    it('infinite_signal: +inf and -inf counted separately', async () => {
      const cols = clean();
      cols.signal[0] = Infinity;
      cols.signal[2] = -Infinity;
      cols.signal[5] = -Infinity;
      const p = problem(await validateSignal(signal(cols), { today: TODAY }), 'infinite_signal');
      assert.deepEqual([p.count, p.details], [3, { '+inf': 1, '-inf': 2 }]);
      assert.deepEqual(p.examples.map((e) => e.signal), ['inf', '-inf', '-inf']);
    });

    it('mixed_signals: more than one signal_name or version', async () => {
      const two = signal({ ...clean(), signal_name: ['mom', 'mom', 'mom', 'value', 'value', 'value'] });
      const p = problem(await validateSignal(two, { today: TODAY }), 'mixed_signals');
      assert.equal(p.column, 'signal_name');
      assert.match(p.message, /'mom', 'value'/);
      const one = signal({ ...clean(), signal_name: Array(6).fill('mom'), version: Array(6).fill('v2') });
      assert.deepEqual(rules(await validateSignal(one, { today: TODAY })), []);
    });

    it('no_usable_rows: every row would be dropped', async () => {
      const report = await validateSignal(signal(clean()), { calendar, securities: ['X'], today: TODAY });
      assert.equal(report.ok, false);
      assert.deepEqual(rules(report), ['no_usable_rows', 'unknown_security']);
      assert.equal(report.summary.usableRows, 0);
    });
  });

  describe('warnings: usable, rows dropped or flagged', () => {
    it('missing_signal: an empty signal is a counted, dropped warning (no view)', async () => {
      const cols = clean();
      cols.signal[0] = null;
      cols.signal[3] = null;
      const report = await validateSignal(signal(cols), { calendar, today: TODAY });
      assert.equal(report.ok, true);
      const p = problem(report, 'missing_signal');
      assert.deepEqual([p.severity, p.count, p.dropped], ['warning', 2, true]);
      assert.deepEqual(p.examples.map((e) => [e.row, e.signal]), [[1, null], [4, null]]);
      assert.equal(report.summary.usableRows, 4);
    });

    it('nan_signal: a NaN signal is an error (a failed computation), its rows would be dropped', async () => {
      const cols = clean();
      cols.signal[1] = NaN;
      cols.signal[4] = NaN;
      const report = await validateSignal(signal(cols), { calendar, today: TODAY });
      assert.equal(report.ok, false);
      const p = problem(report, 'nan_signal');
      assert.deepEqual([p.severity, p.count, p.dropped], ['error', 2, true]);
      assert.deepEqual(p.examples.map((e) => [e.row, e.signal]), [[2, 'NaN'], [5, 'NaN']]);
      assert.match(p.fix, /leave the cell empty/);
    });

    it('unknown_security: not in the securities list', async () => {
      const report = await validateSignal(signal(clean()), { calendar, securities: ['A', 'B'], today: TODAY });
      assert.deepEqual([problem(report, 'unknown_security').count, problem(report, 'unknown_security').examples.map((e) => e.security_id)], [2, ['C', 'C']]);
      assert.equal(report.ok, true);
    });

    it('avail_before_calendar and beyond_calendar_end, with the lag taken into account', async () => {
      const cols = clean();
      cols.date_sig[0] = '2014-12-30';
      cols.date_avail[0] = '2014-12-31';
      cols.date_sig[5] = '2015-01-12';
      cols.date_avail[5] = '2015-01-12';
      const lag0 = await validateSignal(signal(cols), { calendar, today: TODAY });
      assert.equal(problem(lag0, 'avail_before_calendar').count, 1);
      // Available on the 12th, first tradeable on the 13th: the calendar's last bar.
      assert.equal(lag0.problems.find((p) => p.rule === 'beyond_calendar_end'), undefined);
      const lag1 = await validateSignal(signal(cols), { calendar, today: TODAY, lag: 1 });
      assert.equal(problem(lag1, 'beyond_calendar_end').count, 1);
      assert.match(problem(lag1, 'beyond_calendar_end').message, /plus 1 bars of lag \(the calendar ends 2015-01-13\)/);
      assert.equal(lag1.checkedAgainst.lag, 1);
    });

    it('sig_non_trading_day: a weekend date_sig is flagged but not dropped', async () => {
      const cols = clean();
      cols.date_sig[3] = '2015-01-10'; // a Saturday, first tradeable on Monday the 12th
      cols.date_avail[3] = '2015-01-10';
      const report = await validateSignal(signal(cols), { calendar, today: TODAY });
      const p = problem(report, 'sig_non_trading_day');
      assert.deepEqual([p.count, p.dropped, p.examples[0].row], [1, false, 4]);
      assert.equal(report.summary.usableRows, 6);
    });

    it('stale_availability: more than staleAfterDays calendar days between date_sig and date_avail', async () => {
      const cols = clean();
      cols.date_avail[0] = '2015-01-09'; // 7 days after 2015-01-02: not stale at 7
      cols.date_avail[1] = '2015-01-12'; // 10 days
      assert.equal(problem(await validateSignal(signal(cols), { today: TODAY }), 'stale_availability').count, 1);
      assert.equal(problem(await validateSignal(signal(cols), { today: TODAY, staleAfterDays: 6 }), 'stale_availability').count, 2);
    });

    it('constant_cross_section: dates where every security has the same value', async () => {
      const cols = clean(9);
      cols.signal[3] = cols.signal[4] = cols.signal[5] = 0.25; // second date: all equal
      cols.signal[7] = NaN; // third date: the two finite values differ
      const p = problem(await validateSignal(signal(cols), { today: TODAY }), 'constant_cross_section');
      assert.deepEqual([p.count, p.details, p.examples], [3, { dates: 1 }, [{ row: 4, date_sig: '2015-01-05', signal: 0.25, securities: 3 }]]);
    });

    it('optional_column_cast: a numeric version becomes text', async () => {
      const report = await validateSignal(signal({ ...clean(), version: [2, 2, 2, 2, 2, 2] }), { today: TODAY });
      assert.equal(report.ok, true);
      assert.equal(problem(report, 'optional_column_cast').column, 'version');
    });

    it('superseded: Friday and Saturday values reaching the same Monday', async () => {
      const cols = clean(3);
      cols.security_id.push('A');
      cols.date_sig.push('2015-01-03');
      cols.date_avail.push('2015-01-03');
      cols.signal.push(5);
      const report = await validateSignal(signal(cols), { calendar, today: TODAY });
      const p = problem(report, 'superseded');
      assert.deepEqual([p.count, p.examples[0].row, p.examples[0].trade_date], [1, 1, '2015-01-05']);
    });
  });

  it('reports date columns given as Datetime by their day', async () => {
    const frame = signal(clean()).withColumns(pl.col('date_avail').cast(pl.Datetime('ms')).cast(pl.Int64).add(16 * 3_600_000).cast(pl.Datetime('ms')).alias('date_avail'));
    const report = await validateSignal(frame, { calendar, today: TODAY });
    assert.equal(report.ok, true, formatReport(report));
    assert.equal(report.summary.usableRows, 6);
  });

  it('sorts errors before warnings and counts them in the summary', async () => {
    const cols = clean();
    cols.signal[0] = null;
    cols.date_avail[1] = '2015-01-01';
    const report = await validateSignal(signal(cols), { calendar, today: TODAY });
    assert.deepEqual(report.problems.map((p) => p.severity), ['error', 'warning', 'warning']);
    assert.deepEqual([report.summary.errors, report.summary.warnings], [1, 2]);
    assert.deepEqual(report.summary.droppedByReason, { avail_before_sig: 1, missing_signal: 1 });
  });

  it('rejects bad options by name', async () => {
    for (const [options, name] of [[{ lag: -1 }, 'lag'], [{ today: '30/06/2020' }, 'today'], [{ staleAfterDays: -2 }, 'staleAfterDays']] as const) {
      await assert.rejects(validateSignal(signal(clean()), options), (e: QuantbookError) => e.code === 'BAD_PARAMETER' && e.message.includes(`'${name}'`));
    }
  });

  describe('files', () => {
    const dir = tempDir('qb-contract-');
    it('reads CSV text columns and Parquet dtypes alike', async () => {
      const csv = join(dir, 'sig.csv');
      writeFileSync(csv, 'security_id,date_sig,date_avail,signal,signal_name\nA,2015-01-05,2015-01-05,0.5,mom\nB,2015-01-05,2015-01-06,,mom\n');
      const fromCsv = await validateSignalFile(csv, { calendar, today: TODAY });
      assert.equal(fromCsv.ok, true, formatReport(fromCsv));
      assert.equal(problem(fromCsv, 'missing_signal').count, 1);
      assert.equal(fromCsv.file, csv);
      const parquet = join(dir, 'sig.parquet');
      signal(clean()).writeParquet(parquet);
      const fromParquet = await validateSignalFile(parquet, { calendar, today: TODAY });
      assert.deepEqual([fromParquet.ok, fromParquet.rows, fromParquet.columns.map((c) => c.dtype)], [true, 6, ['String', 'Date', 'Date', 'Float64']]);
    });

    it('turns an unreadable file into a one-error report; a missing path throws', async () => {
      const ragged = join(dir, 'ragged.csv');
      writeFileSync(ragged, 'security_id,date_sig,date_avail,signal\nA,2015-01-05\n"B,2015-01-05,2015-01-05,1\n');
      const report = await validateSignalFile(ragged, { today: TODAY });
      assert.equal(report.ok, false);
      assert.deepEqual(report.problems.map((p) => [p.rule, p.severity]), [['unreadable', 'error']]);
      assert.match(report.problems[0].message, /ragged\.csv/);
      await assert.rejects(validateSignalFile(join(dir, 'nope.csv')), (e: QuantbookError) => e.code === 'FILE_NOT_FOUND');
    });

    it('every signal file in ../shared/data/bad-inputs is not usable, with the rule it breaks', async function () {
      const expected: Record<string, RuleId> = {
        'empty.csv': 'empty',
        'header_only.csv': 'empty',
        'missing_date_avail.csv': 'missing_column',
        'duplicate_key.csv': 'duplicate_key',
        'avail_before_sig.csv': 'avail_before_sig',
        'non_finite.csv': 'infinite_signal',
        'ambiguous_date_format.csv': 'bad_dtype',
        'text_signal.csv': 'bad_dtype',
      };
      for (const [file, rule] of Object.entries(expected)) {
        const report = await validateSignalFile(sharedData(this, `bad-inputs/${file}`), { today: TODAY });
        assert.equal(report.ok, false, file);
        assert.equal(report.problems[0].rule, rule, `${file}: ${formatReport(report)}`);
        assert.ok(report.problems[0].fix.length > 10, file);
      }
    });
  });

  it('checks a real signal against the embedded sample snapshot: gaps and the last day dropped, momentum not lookahead', async function () {
    this.timeout(120_000);
    const sample = await openSample();
    const prices = await sample.prices({ columns: ['close'] }).collect();
    const momentum = await prices.lazy()
      .select(pl.col('security_id'), pl.col('date').alias('date_sig'), pl.col('date').alias('date_avail'), pl.col('close').div(pl.col('close').shift(20).over('security_id')).sub(1).alias('signal'))
      .collect();
    const report = await validateSignal(momentum, { snapshot: sample, today: '2026-01-01' });
    assert.equal(report.ok, true, formatReport(report));
    assert.equal(report.checkedAgainst.snapshot, sample.manifest.name);
    assert.equal(problem(report, 'missing_signal').count, Number(momentum.getColumn('signal').nullCount()));
    assert.equal(problem(report, 'beyond_calendar_end').count, await prices.lazy().filter(pl.col('date').eq(pl.col('date').max())).select(pl.len()).collect().then((d: pl.DataFrame) => Number(d.getColumn('len').get(0))));
    assert.ok(problem(report, 'price_gap').count > 0);
    assert.equal(report.problems.find((p) => p.rule === 'suspected_lookahead'), undefined);
    assert.deepEqual(report.skipped, []);
  });

  it('docs/contract.md lists every rule with its severity and every drop reason', () => {
    const doc = readFileSync(join(__dirname, '..', 'docs', 'contract.md'), 'utf8');
    for (const [rule, info] of Object.entries(RULES)) {
      const line = doc.split('\n').find((l) => l.startsWith(`| \`${rule}\``));
      assert.ok(line, `docs/contract.md has no table row for rule '${rule}'`);
      assert.ok(line.includes(`| ${info.severity} |`), `docs severity of '${rule}' should be ${info.severity}: ${line}`);
    }
    for (const reason of DROP_REASONS) assert.ok(doc.includes(`\`${reason}\``), reason);
  });
});
