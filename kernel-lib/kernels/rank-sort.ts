/**
 * Exact ascending argsort of a small array of finite doubles (one cross-section: a few
 * thousand values), the hot spot of every per-date rank. Plain loops, no comparator callbacks,
 * no allocation after `createSortScratch`.
 *
 * Method: each value's high 32 bits become an order-preserving integer key; the keys are
 * rescaled to the range actually present on the date and packed with the value's position
 * into one Int32 (key << positionBits | position), so a two-pass LSD radix sort moves a single
 * array. Values whose rescaled keys collide (equal values, or values closer than the key
 * resolution) end up adjacent and are put in exact order by comparing the full doubles.
 */

export interface SortScratch {
  capacity: number;
  packed: Int32Array;
  temp: Int32Array;
  hist: Int32Array;
}

/** Largest radix digit: 2^11 buckets per pass keeps the histograms small next to the data. */
const MAX_DIGIT_BITS = 12;
const INSERTION_MAX = 24;

export function createSortScratch(capacity: number): SortScratch {
  const cap = Math.max(1, capacity);
  return {
    capacity: cap,
    packed: new Int32Array(cap),
    temp: new Int32Array(cap),
    hist: new Int32Array(2 << MAX_DIGIT_BITS),
  };
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** An Int32 view on the same memory, for `sortPositionsByValue`'s `words` argument. */
export function int32Words(values: Float64Array): Int32Array {
  if (!LITTLE_ENDIAN) throw new Error('rank-sort: big-endian platforms are not supported');
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Order-preserving Int32 key of a double's high word (sign, exponent, 20 mantissa bits). */
export function sortKey(highWord: number): number {
  return highWord < 0 ? highWord ^ 0x7fffffff : highWord;
}

/**
 * Writes positions 0..m-1 to order[0..m) so that values[order[0]] <= values[order[1]] <= ...
 * Values must be finite (use +0 for zero: -0 and +0 compare equal but have different bits).
 * `words` is `int32Words(values)`. Equal values are adjacent, in no particular order.
 */
export function sortPositionsByValue(values: Float64Array, words: Int32Array, m: number, order: Int32Array, s: SortScratch): void {
  let kmin = 2147483647;
  let kmax = -2147483648;
  const keys = s.packed;
  for (let j = 0; j < m; j++) {
    const k = sortKey(words[2 * j + 1]);
    keys[j] = k;
    if (k < kmin) kmin = k;
    if (k > kmax) kmax = k;
  }
  sortPositionsByKey(values, m, kmin, kmax, order, s);
}

/**
 * The same with the keys already in s.packed[0..m) (sortKey of each value's high word) and
 * their range: callers that gather values fill the keys in the same loop, saving a pass.
 */
export function sortPositionsByKey(values: Float64Array, m: number, kmin: number, kmax: number, order: Int32Array, s: SortScratch): void {
  if (m <= INSERTION_MAX) {
    for (let j = 0; j < m; j++) order[j] = j;
    insertionSort(order, 0, m, values);
    return;
  }
  if (m > s.capacity || m > 1 << 20) throw new Error(`rank-sort: ${m} values exceed the scratch capacity ${s.capacity}`);
  const positionBits = 32 - Math.clz32(m - 1);
  const keyBits = Math.min(32 - positionBits, positionBits + 8, 2 * MAX_DIGIT_BITS);
  const packed = s.packed;
  const temp = s.temp;
  const hist = s.hist;
  const range = kmax - kmin;
  let shift = 0;
  while (range / 2 ** shift >= 2 ** keyBits) shift++;
  const span = Math.floor(range / 2 ** shift);
  const bits = span === 0 ? 0 : 32 - Math.clz32(span);
  const d0 = (bits + 1) >> 1;
  const d1 = bits - d0;
  const m0 = (1 << d0) - 1;
  const m1 = (1 << d1) - 1;
  const h1 = 1 << MAX_DIGIT_BITS;
  hist.fill(0, 0, m0 + 1);
  hist.fill(0, h1, h1 + m1 + 1);
  for (let j = 0; j < m; j++) {
    const k = ((packed[j] - kmin) | 0) >>> shift;
    packed[j] = (k << positionBits) | j;
    hist[k & m0]++;
    hist[h1 + (k >>> d0)]++;
  }
  let result = packed;
  if (bits > 0) {
    let sum = 0;
    for (let b = 0; b <= m0; b++) {
      const c = hist[b];
      hist[b] = sum;
      sum += c;
    }
    for (let j = 0; j < m; j++) {
      const p = packed[j];
      temp[hist[(p >>> positionBits) & m0]++] = p;
    }
    result = temp;
    if (d1 > 0) {
      sum = 0;
      for (let b = 0; b <= m1; b++) {
        const c = hist[h1 + b];
        hist[h1 + b] = sum;
        sum += c;
      }
      const sh = positionBits + d0;
      for (let j = 0; j < m; j++) {
        const p = temp[j];
        packed[hist[h1 + ((p >>> sh) & m1)]++] = p;
      }
      result = packed;
    }
  }

  const positionMask = positionBits === 32 ? -1 : (1 << positionBits) - 1;
  let collisions = false;
  let previous = -1;
  for (let j = 0; j < m; j++) {
    const p = result[j];
    order[j] = p & positionMask;
    const key = p >>> positionBits;
    if (key === previous) collisions = true;
    previous = key;
  }
  if (!collisions) return;
  // Colliding keys form runs; order each run exactly by the full value.
  let j = 1;
  while (j < m) {
    if (result[j] >>> positionBits !== result[j - 1] >>> positionBits) {
      j++;
      continue;
    }
    const start = j - 1;
    const key = result[j] >>> positionBits;
    let end = j + 1;
    while (end < m && result[end] >>> positionBits === key) end++;
    if (end - start <= INSERTION_MAX) insertionSort(order, start, end, values);
    else if (!allEqual(order, start, end, values)) heapSort(order, start, end, values);
    j = end + 1;
  }
}

function insertionSort(order: Int32Array, start: number, end: number, values: Float64Array): void {
  for (let a = start + 1; a < end; a++) {
    const p = order[a];
    const v = values[p];
    let b = a - 1;
    while (b >= start && values[order[b]] > v) {
      order[b + 1] = order[b];
      b--;
    }
    order[b + 1] = p;
  }
}

function allEqual(order: Int32Array, start: number, end: number, values: Float64Array): boolean {
  const v = values[order[start]];
  for (let a = start + 1; a < end; a++) if (values[order[a]] !== v) return false;
  return true;
}

/** In-place heap sort of order[start..end) by value: the rare long run of near-equal keys. */
function heapSort(order: Int32Array, start: number, end: number, values: Float64Array): void {
  const n = end - start;
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(order, start, i, n, values);
  for (let last = n - 1; last > 0; last--) {
    const t = order[start];
    order[start] = order[start + last];
    order[start + last] = t;
    siftDown(order, start, 0, last, values);
  }
}

function siftDown(order: Int32Array, base: number, i: number, n: number, values: Float64Array): void {
  const p = order[base + i];
  const v = values[p];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && values[order[base + c + 1]] > values[order[base + c]]) c++;
    if (values[order[base + c]] <= v) break;
    order[base + i] = order[base + c];
    i = c;
  }
  order[base + i] = p;
}
