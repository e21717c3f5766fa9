import type { SecurityArrays } from '../kernels/bridge';

/**
 * The price panel as security-grouped typed arrays on SharedArrayBuffers: collected from polars
 * once on the calling thread, then handed to every worker thread without copying (posting a
 * SharedArrayBuffer shares the memory).
 */
export function sharePanel(arrays: SecurityArrays): SecurityArrays {
  const columns: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(arrays.columns)) columns[name] = shared(values);
  return {
    securities: [...arrays.securities],
    offsets: shared(arrays.offsets),
    time: shared(arrays.time),
    timeUnit: arrays.timeUnit,
    columns,
    categories: {},
    rowCount: arrays.rowCount,
  };
}

/** Bars with from <= time < to (time in the panel's unit: days or ms). */
export interface TimeRange {
  from: number;
  to: number;
}

/**
 * The rows of each security with a time in [from, to); securities without any are left out.
 * One security: views into the same memory. Several: copies (their rows are not contiguous).
 */
export function sliceByTime(arrays: SecurityArrays, range: TimeRange): SecurityArrays {
  const bounds: Array<[number, number]> = [];
  const securities: string[] = [];
  for (let g = 0; g < arrays.securities.length; g++) {
    const a = lowerBound(arrays.time, arrays.offsets[g], arrays.offsets[g + 1], range.from);
    const b = lowerBound(arrays.time, a, arrays.offsets[g + 1], range.to);
    if (b > a) {
      bounds.push([a, b]);
      securities.push(arrays.securities[g]);
    }
  }
  const rowCount = bounds.reduce((total, [a, b]) => total + b - a, 0);
  const offsets = new Int32Array(bounds.length + 1);
  bounds.forEach(([a, b], i) => (offsets[i + 1] = offsets[i] + b - a));
  const pick = <T extends Float64Array | Int32Array>(values: T): T => {
    if (bounds.length === 1) return values.subarray(bounds[0][0], bounds[0][1]) as T;
    const out = new (values.constructor as { new (n: number): T })(rowCount);
    bounds.forEach(([a, b], i) => out.set(values.subarray(a, b), offsets[i]));
    return out;
  };
  const columns: Record<string, Float64Array> = {};
  for (const [name, values] of Object.entries(arrays.columns)) columns[name] = pick(values);
  return { securities, offsets, time: pick(arrays.time), timeUnit: arrays.timeUnit, columns, categories: {}, rowCount };
}

/** First index in [lo, hi) whose time is >= value (times ascending within a security). */
function lowerBound(time: ArrayLike<number>, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function shared<T extends Float64Array | Int32Array>(values: T): T {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const out = new (values.constructor as { new (buffer: SharedArrayBuffer): T })(new SharedArrayBuffer(values.byteLength));
  out.set(values);
  return out;
}
