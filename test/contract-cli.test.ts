import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sharedData, tempDir, cli } from './helpers';


const ROOT = resolve(__dirname, '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

/** Every signal file in bad-inputs, with what its message must name (column, problem, example, fix). */
const BAD_SIGNALS: Record<string, RegExp[]> = {
  'empty.csv': [/ERROR \[empty\]/, /empty\.csv/, /0 bytes/, /fix: write a header row/],
  'header_only.csv': [/ERROR \[empty\]/, /no data rows/, /security_id, date_sig, date_avail, signal/, /fix: add data rows/],
  'missing_date_avail.csv': [/ERROR \[missing_column\] column 'date_avail'/, /columns present: 'security_id', 'date_sig', 'signal'/, /fix: add a 'date_avail' column/],
  'duplicate_key.csv': [/ERROR \[duplicate_key\] column 'date_sig': 2 rows share/, /e\.g\. row 1: security_id=AAPL, date_sig=2015-01-05/, /e\.g\. row 2: .*signal=0\.6/, /fix: keep one row per security and date_sig/],
  'avail_before_sig.csv': [/ERROR \[avail_before_sig\] column 'date_avail'/, /row 1: security_id=AAPL, date_sig=2015-01-06, date_avail=2015-01-05/, /fix: date_avail must be on or after date_sig/],
  'non_finite.csv': [/ERROR \[infinite_signal\] column 'signal'/, /\+inf: 1/, /row 2: security_id=MSFT.*signal=inf/, /ERROR \[nan_signal\] column 'signal': 1 row has a NaN signal/, /WARNING \[missing_signal\] column 'signal': 1 row has an empty signal/, /ERROR \[no_usable_rows\]/],
  'ambiguous_date_format.csv': [/ERROR \[bad_dtype\] column 'date_sig'/, /'05\/01\/2015' in data row 1 \(line 2 of the file\)/, /day-first \(2015-01-05\) or month-first \(2015-05-01\)/, /fix: rewrite the dates as ISO YYYY-MM-DD/],
  'text_signal.csv': [/ERROR \[bad_dtype\] column 'signal'/, /'high' in data row 1 \(line 2 of the file\) is not a number/, /e\.g\. row 1: signal=high/, /fix: write plain decimal numbers/],
};

describe('contract: quantbook validate (CLI)', () => {
  for (const [file, mentions] of Object.entries(BAD_SIGNALS)) {
    it(`${file}: a clear message and exit 1`, async function () {
      const path = sharedData(this, `bad-inputs/${file}`);
      const r = await cli('validate', path, '--today', '2026-01-01');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /NOT USABLE - fix the errors below/);
      for (const m of mentions) assert.match(r.stdout, m);
      assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'no stack trace');
    });
  }

  it('the price files in bad-inputs are pointed to quantbook import', async function () {
    const r = await cli('validate', sharedData(this, 'bad-inputs/prices_unsorted_dup.csv'));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /looks like a price file/);
  });

  it('--json prints the report object, with the same exit status', async function () {
    const r = await cli('validate', sharedData(this, 'bad-inputs/non_finite.csv'), '--json', '--today', '2026-01-01');
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.ok, false);
    assert.equal(report.rows, 3);
    const inf = report.problems.find((p: { rule: string }) => p.rule === 'infinite_signal');
    assert.deepEqual(inf.examples, [{ row: 2, security_id: 'MSFT', date_sig: '2015-01-05', date_avail: '2015-01-05', signal: 'inf' }]);
    assert.deepEqual(report.summary.droppedByReason, { missing_signal: 2, infinite_signal: 1 });
  });

  it("regression: one text 'NaN' among good rows makes the signal unusable (exit 1), naming row and fix", async () => {
    const dir = tempDir('qb-validate-nan-');
    const path = join(dir, 'signal.csv');
    writeFileSync(path, 'security_id,date_sig,date_avail,signal\nAAPL,2015-01-05,2015-01-05,0.5\nMSFT,2015-01-05,2015-01-05,NaN\nIBM,2015-01-05,2015-01-05,0.1\n');
    const r = await cli('validate', path, '--today', '2026-01-01');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /ERROR \[nan_signal\] column 'signal': 1 row has a NaN signal/);
    assert.match(r.stdout, /row 2: security_id=MSFT/);
    assert.match(r.stdout, /fix: fix the computation that produced NaN, or leave the cell empty/);
  });

  it('checks a good file against the embedded sample: exit 0, warnings listed', async () => {
    const dir = tempDir('qb-validate-cli-');
    const path = join(dir, 'signal.csv');
    // Two tickers of the sample on three days; Saturday availability collides with Monday; one unknown id.
    writeFileSync(path, [
      'security_id,date_sig,date_avail,signal,signal_name',
      'AAPL,2017-03-02,2017-03-02,0.5,demo',
      'AAPL,2017-03-03,2017-03-03,0.2,demo',
      'AAPL,2017-03-03,2017-03-04,0.1,demo',
      'MSFT,2017-03-03,2017-03-03,-0.4,demo',
      'NOPE,2017-03-03,2017-03-03,1.0,demo',
    ].join('\n') + '\n');
    const r = await cli('validate', path, '--snapshot', 'sample', '--today', '2026-01-01');
    assert.equal(r.code, 1, 'AAPL 2017-03-03 appears twice: a duplicate key is an error');
    assert.match(r.stdout, /duplicate_key/);
    writeFileSync(path, [
      'security_id,date_sig,date_avail,signal',
      'AAPL,2017-03-02,2017-03-02,0.5',
      'AAPL,2017-03-03,2017-03-03,0.2',
      'AAPL,2017-03-04,2017-03-04,0.1',
      'MSFT,2017-03-03,2017-03-03,-0.4',
      'NOPE,2017-03-03,2017-03-03,1.0',
    ].join('\n') + '\n');
    const ok = await cli('validate', path, '--snapshot', 'sample', '--today', '2026-01-01', '--lag', '1');
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /OK - the signal can be used/);
    assert.match(ok.stdout, /checked against: snapshot sp500-5yr, calendar 2013-02-08\.\.2018-02-07 \(1259 bars\)/);
    assert.match(ok.stdout, /WARNING \[unknown_security\] column 'security_id': 1 row names a security that is not in the snapshot/);
    assert.match(ok.stdout, /WARNING \[superseded\]/);
    assert.match(ok.stdout, /WARNING \[sig_non_trading_day\]/);
    assert.match(ok.stdout, /3 rows usable after alignment \(lag 1\)/);
  });

  it('bad arguments and a missing file exit 2 with a fix', async () => {
    const none = await cli('validate');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /which signal file\?/);
    const missing = await cli('validate', 'no/such/signal.csv');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error \[FILE_NOT_FOUND\]: signal file 'no\/such\/signal\.csv' does not exist/);
    const lag = await cli('validate', 'x.csv', '--lag', 'soon');
    assert.equal(lag.code, 2);
    assert.match(lag.stderr, /--lag: 'soon' is not a number/);
  });

  it('runs as a real Node 24 process: text_signal.csv exits 1 naming column, row and value', function () {
    const path = sharedData(this, 'bad-inputs/text_signal.csv');
    const r = spawnSync(NODE, ['--require', 'tsx/cjs', join(ROOT, 'kernel-lib', 'cli.ts'), 'validate', path], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /column 'signal' in text_signal\.csv: 'high' in data row 1 \(line 2 of the file\) is not a number/);
    const version = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
    assert.match(version, /^v24\./);
  });
});
