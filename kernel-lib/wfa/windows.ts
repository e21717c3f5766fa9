import { QuantbookError } from '../errors';

/**
 * Walk-forward windows (docs/wfa.md): a training window, then the test window right after it;
 * the next window starts one test length later, so test windows tile the data without
 * overlapping. Rolling: the training window keeps its length and moves; anchored: it always
 * starts at the first bar and grows.
 *
 * Lengths are bars (a number, or '500', '500b') or calendar periods ('2y', '18m', '26w', '90d':
 * years, months, weeks, calendar days). All indices are into the timeline (the sorted distinct
 * timestamps of the data); ends are exclusive.
 */
export type WindowLength = number | string;

export interface WalkForwardWindow {
  /** 0, 1, 2, ... */
  index: number;
  /** Training bars [trainStart, trainEnd) and test bars [testStart, testEnd); trainEnd = testStart. */
  trainStart: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
  /** The last window when the data ends before a full test length. */
  partial: boolean;
}

export interface Period {
  count: number;
  unit: 'bars' | 'days' | 'weeks' | 'months' | 'years';
}

export function parsePeriod(length: WindowLength, name: string): Period {
  if (typeof length === 'number') {
    if (!Number.isInteger(length) || length < 1) throw badLength(name, String(length));
    return { count: length, unit: 'bars' };
  }
  const m = /^\s*(\d+)\s*(b|bars?|d|days?|w|weeks?|m|mo|months?|y|years?)?\s*$/i.exec(length);
  if (!m || Number(m[1]) < 1) throw badLength(name, length);
  const unit = (m[2] ?? 'b').toLowerCase();
  const units: Record<string, Period['unit']> = { b: 'bars', d: 'days', w: 'weeks', m: 'months', mo: 'months', y: 'years' };
  return { count: Number(m[1]), unit: units[unit] ?? (unit.startsWith('bar') ? 'bars' : unit.startsWith('day') ? 'days' : unit.startsWith('week') ? 'weeks' : unit.startsWith('month') ? 'months' : 'years') };
}

export interface WindowOptions {
  train: WindowLength;
  test: WindowLength;
  /** Training windows all start at the first bar (default false: rolling). */
  anchored?: boolean;
}

/**
 * The windows over a timeline (ascending times, in days since the epoch or ms). A window needs
 * at least one training and one test bar; the last one may be partial.
 */
export function walkForwardWindows(timeline: ArrayLike<number>, unit: 'day' | 'ms', options: WindowOptions): WalkForwardWindow[] {
  const train = parsePeriod(options.train, 'train');
  const test = parsePeriod(options.test, 'test');
  const bars = timeline.length;
  const windows: WalkForwardWindow[] = [];
  const push = (trainStart: number, testStart: number, testEnd: number, full: boolean) => {
    if (testStart <= trainStart || testEnd <= testStart) return;
    windows.push({ index: windows.length, trainStart, trainEnd: testStart, testStart, testEnd, partial: !full });
  };
  if (train.unit === 'bars' && test.unit === 'bars') {
    for (let k = 0; ; k++) {
      const testStart = train.count + k * test.count;
      if (testStart >= bars) break;
      push(options.anchored ? 0 : k * test.count, testStart, Math.min(testStart + test.count, bars), testStart + test.count <= bars);
    }
  } else {
    if (train.unit === 'bars' || test.unit === 'bars') {
      throw new QuantbookError('BAD_PARAMETER', `train (${options.train}) and test (${options.test}) must both be bars or both calendar periods`, "e.g. --train 500 --test 125, or --train 2y --test 6m");
    }
    const first = timeline[0];
    const last = timeline[bars - 1];
    // Test windows tile a grid anchored at first + train; a rolling training window is the train
    // length right before its test window.
    const testGrid = shift(first, train, 1, unit);
    for (let k = 0; k < 1_000_000; k++) {
      const testStartTime = shift(testGrid, test, k, unit);
      if (testStartTime > last) break;
      const testEndTime = shift(testGrid, test, k + 1, unit);
      const trainFrom = options.anchored ? first : shift(testStartTime, train, -1, unit);
      // A test window whose nominal end is after the day following the last bar ran out of data.
      const full = testEndTime <= last + (unit === 'day' ? 1 : 0);
      push(lowerBound(timeline, trainFrom), lowerBound(timeline, testStartTime), lowerBound(timeline, testEndTime), full);
    }
  }
  if (windows.length === 0) {
    throw new QuantbookError(
      'NOT_ENOUGH_DATA',
      `the data has ${bars} bars: no room for a training window of ${describe(train)} and a test window after it`,
      'use shorter windows or more history',
    );
  }
  return windows;
}

/** time + k x period, in the timeline's unit (calendar arithmetic in UTC; month ends clamp: Jan 31 + 1m = Feb 28/29). */
function shift(time: number, period: Period, k: number, unit: 'day' | 'ms'): number {
  const ms = unit === 'day' ? time * 86_400_000 : time;
  let out: number;
  if (period.unit === 'days' || period.unit === 'weeks') {
    out = ms + k * period.count * (period.unit === 'weeks' ? 7 : 1) * 86_400_000;
  } else {
    const months = k * period.count * (period.unit === 'years' ? 12 : 1);
    const d = new Date(ms);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + months;
    const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
    out = Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
  }
  return unit === 'day' ? Math.round(out / 86_400_000) : out;
}

function lowerBound(timeline: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = timeline.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeline[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function describe(p: Period): string {
  return `${p.count} ${p.unit}`;
}

function badLength(name: string, value: string): QuantbookError {
  return new QuantbookError('BAD_PARAMETER', `parameter '${name}': '${value}' is not a window length`, 'give bars (500) or a calendar period: 90d, 26w, 6m, 2y');
}
