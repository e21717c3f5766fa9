import { strict as assert } from 'node:assert';
import { QuantbookError } from '../kernel-lib/errors';
import { parsePeriod, walkForwardWindows, type WalkForwardWindow } from '../kernel-lib/wfa/windows';

/** Business days (Monday to Friday) from 2004-01-05, as days since the epoch. */
function businessDays(n: number): Int32Array {
  const out = new Int32Array(n);
  let day = Date.UTC(2004, 0, 5) / 86_400_000;
  for (let i = 0; i < n; i++) {
    while ([0, 6].includes(new Date(day * 86_400_000).getUTCDay())) day++;
    out[i] = day++;
  }
  return out;
}

/** The invariants every walk-forward must keep. */
function checkTiling(windows: WalkForwardWindow[], bars: number, anchored: boolean): void {
  windows.forEach((w, k) => {
    assert.ok(w.trainStart < w.trainEnd, `window ${k}: training bars`);
    // Training never reaches into its test window: it ends where the test starts.
    assert.equal(w.trainEnd, w.testStart, `window ${k}: train ends at the test start`);
    assert.ok(w.testStart < w.testEnd && w.testEnd <= bars, `window ${k}: test bars`);
    if (anchored) assert.equal(w.trainStart, 0);
    if (k > 0) {
      // Test windows never overlap and leave no gap: each starts where the previous ended.
      assert.equal(w.testStart, windows[k - 1].testEnd, `window ${k}: contiguous tests`);
    }
  });
  assert.equal(windows[windows.length - 1].testEnd, bars, 'the last test window reaches the last bar');
}

describe('wfa: windows', () => {
  it('rolling windows in bars: train 500, test 125 over 2,148 bars', () => {
    const time = businessDays(2148);
    const windows = walkForwardWindows(time, 'day', { train: 500, test: 125 });
    assert.equal(windows.length, Math.ceil((2148 - 500) / 125)); // 14
    checkTiling(windows, 2148, false);
    windows.forEach((w, k) => {
      assert.equal(w.trainStart, 125 * k);
      assert.equal(w.trainEnd - w.trainStart, 500);
      assert.equal(w.partial, k === windows.length - 1);
    });
    assert.equal(windows[13].testEnd - windows[13].testStart, 2148 - 500 - 13 * 125); // 23 bars
  });

  it('anchored windows start at the first bar and grow by one test length', () => {
    const windows = walkForwardWindows(businessDays(1000), 'day', { train: '300', test: '100b', anchored: true });
    checkTiling(windows, 1000, true);
    assert.deepEqual(windows.map((w) => w.trainEnd - w.trainStart), [300, 400, 500, 600, 700, 800, 900]);
    assert.ok(windows.every((w) => !w.partial));
  });

  it('calendar periods: 2 years of training, 6-month test windows on the calendar', () => {
    const time = businessDays(1500); // 2004-01-05 .. 2009-09
    const windows = walkForwardWindows(time, 'day', { train: '2y', test: '6m' });
    checkTiling(windows, 1500, false);
    const iso = (i: number) => new Date(time[i] * 86_400_000).toISOString().slice(0, 10);
    // Tests start at the first bar on or after 2006-01-05, 2006-07-05, 2007-01-05, ...
    assert.deepEqual(windows.slice(0, 3).map((w) => iso(w.testStart)), ['2006-01-05', '2006-07-05', '2007-01-05']);
    // A rolling training window is the two years right before its test.
    assert.equal(iso(windows[2].trainStart), '2005-01-05');
    assert.equal(iso(windows[2].trainEnd - 1), '2007-01-04');
    const anchored = walkForwardWindows(time, 'day', { train: '2y', test: '6m', anchored: true });
    checkTiling(anchored, 1500, true);
    assert.deepEqual(anchored.map((w) => w.testStart), windows.map((w) => w.testStart));
  });

  it('month arithmetic clamps to the month end (Jan 31 + 1 month = Feb 29 in a leap year)', () => {
    const days = [Date.UTC(2004, 0, 31), Date.UTC(2004, 1, 27), Date.UTC(2004, 1, 29), Date.UTC(2004, 2, 1), Date.UTC(2004, 2, 31), Date.UTC(2004, 3, 30)].map((ms) => ms / 86_400_000);
    const windows = walkForwardWindows(Int32Array.from(days), 'day', { train: '1m', test: '1m' });
    assert.deepEqual(windows.map((w) => [w.trainStart, w.testStart, w.testEnd]), [[0, 2, 4], [2, 4, 5], [4, 5, 6]]);
  });

  it('reads lengths and names bad ones', () => {
    assert.deepEqual(parsePeriod(500, 'train'), { count: 500, unit: 'bars' });
    assert.deepEqual(parsePeriod('2y', 'train'), { count: 2, unit: 'years' });
    assert.deepEqual(parsePeriod('18 months', 'train'), { count: 18, unit: 'months' });
    assert.deepEqual(parsePeriod('26w', 'test'), { count: 26, unit: 'weeks' });
    assert.deepEqual(parsePeriod('90d', 'test'), { count: 90, unit: 'days' });
    const bad = (fn: () => unknown, code: string, message: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof QuantbookError && e.code === code && message.test(e.message));
    bad(() => parsePeriod('2 fortnights', 'train'), 'BAD_PARAMETER', /'train': '2 fortnights' is not a window length/);
    bad(() => parsePeriod(0, 'test'), 'BAD_PARAMETER', /'test'/);
    bad(() => walkForwardWindows(businessDays(100), 'day', { train: 500, test: 125 }), 'NOT_ENOUGH_DATA', /100 bars: no room for a training window of 500 bars/);
    bad(() => walkForwardWindows(businessDays(100), 'day', { train: 50, test: '1m' }), 'BAD_PARAMETER', /both be bars or both calendar periods/);
  });
});
