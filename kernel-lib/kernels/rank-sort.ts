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

// ---------------------------------------------------------------------------------------------
// radixArgsort: the research pass's argsort (xs-research-pass.ts). Same result contract as
// sortPositionsByValue, plus stability: equal values keep their positions' order.

/**
 * Key bits radix-sorted (two LSD passes of 10 bits); values whose keys collide are ordered
 * exactly afterwards. 20 bits measured faster than 22 once zeros stopped widening the key range
 * (smaller histograms to clear and sum; the few extra collisions are cheap).
 */
const ARGSORT_KEY_BITS = 20;
const ARGSORT_DIGIT = 1 << 10;
/** Packed entries (radixSortPayload): a 20-bit key above a 12-bit payload, two 10-bit digits. */
const PACKED_PAYLOAD_BITS = 32 - ARGSORT_KEY_BITS;
const PACKED_PAYLOAD_MASK = (1 << PACKED_PAYLOAD_BITS) - 1;
const PACKED_DIGIT_BITS = ARGSORT_KEY_BITS >> 1;
const PACKED_DIGIT_MASK = (1 << PACKED_DIGIT_BITS) - 1;
const ARGSORT_INSERTION_MAX = 24;
const ARGSORT_RUN_INSERTION_MAX = 32;
/** Cross-sections up to this size use the module's own scratch below; larger ones a comparison sort. */
export const ARGSORT_RADIX_CAPACITY = 1 << 16;

// Module-level constants, not a scratch argument: V8 then compiles the typed arrays' addresses
// and lengths into the code, which frees registers in the scatter loops and measured about 2x
// faster than the same loops on arrays passed in. Each worker thread has its own copy.
// (one slot more than the largest sort: a walk over the sorted keys may put a sentinel after the last)
const ARGSORT_KEYS = new Int32Array(ARGSORT_RADIX_CAPACITY + 1);
const ARGSORT_KEYS_B = new Int32Array(ARGSORT_RADIX_CAPACITY);
const ARGSORT_POSITIONS_B = new Int32Array(ARGSORT_RADIX_CAPACITY);
const ARGSORT_HIST = new Int32Array(2 * ARGSORT_DIGIT);

/**
 * Stable ascending argsort of m doubles (a cross-section of a few thousand values): writes
 * positions 0..m-1 to order[0..m) with values[order[0]] <= values[order[1]] <= ..., equal
 * values in ascending position. Values must not be NaN (callers drop missing values first);
 * +-Infinity are fine; -0 and +0 are equal and end up adjacent but not necessarily in position
 * order (store v + 0, as the research pass does, to make them one tie group in position
 * order). `words` is `int32Words(values)`.
 *
 * Method (no comparisons on the common path): each value's high word (sign, exponent, 20
 * mantissa bits) becomes an order-preserving integer (bits flipped for negatives); both signs
 * are pulled towards zero by the smallest nonzero magnitude present, which removes the empty
 * key range around 0 that signed data (returns) would otherwise spread the keys over (exact
 * zeros, e.g. unchanged prices, are not pulled and so do not bring that range back); the keys present
 * are then rescaled to 20 bits - coarsened when the range is wider, refined with the top bits
 * of the low word when it is narrower (e.g. prices that differ in the 6th digit) - and sorted
 * by two LSD counting passes of 10 bits. Values whose 20-bit keys collide end up adjacent and
 * are put in exact order by comparing the doubles (insertion sort; a merge sort for long runs).
 * Returns true when radixArgsortKeys() holds the sorted keys (24 < m <= ARGSORT_RADIX_CAPACITY).
 */
export function radixArgsort(values: Float64Array, words: Int32Array, m: number, order: Int32Array): boolean {
  if (m <= ARGSORT_INSERTION_MAX) {
    for (let j = 0; j < m; j++) order[j] = j;
    insertionSort(order, 0, m, values);
    return false;
  }
  if (m > ARGSORT_RADIX_CAPACITY) {
    for (let j = 0; j < m; j++) order[j] = j;
    order.subarray(0, m).sort((a, b) => (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : a - b));
    return false;
  }
  const keys = ARGSORT_KEYS;
  // order-preserving: negatives (sign bit set) get their other 31 bits flipped - no branch
  for (let j = 0; j < m; j++) keys[j] = orderKey(words[2 * j + 1]);
  radixArgsortKeyed(values, words, m, order);
  return true;
}

/**
 * radixArgsort with the keys written by the caller, who usually has the values in hand anyway
 * (gathering them): radixArgsortKeys()[j] = orderKey(words[2j + 1]) for j < m, except that -0
 * may be given key 0 like +0 (or every key signedKey(words[2j + 1])). Needs 24 < m <= ARGSORT_RADIX_CAPACITY (else call radixArgsort).
 */
export function radixArgsortKeyed(values: Float64Array, words: Int32Array, m: number, order: Int32Array): void {
  radixSortPayload(values, words, 0, IDENTITY, m, m, order);
}

/** payload[j] = j: radixArgsortKeyed is radixSortPayload with positions as the payload. */
const IDENTITY = Int32Array.from({ length: ARGSORT_RADIX_CAPACITY }, (_, j) => j);

/**
 * radixArgsortKeyed carrying a payload instead of positions: writes out[0..m) = payload[j] in
 * ascending order of the j-th value, equal values in ascending j (stable). The value of entry j
 * is values[base + payload[j]] (words = int32Words(values)): e.g. payload = securities and
 * values = a whole date's row, so the caller gets securities in value order without an order
 * -> position -> security lookup, and never copies the values. Every payload is below `limit`
 * (e.g. the securities' count). Keys as for radixArgsortKeyed (radixArgsortKeys()[j] =
 * orderKey of entry j's high word, -0 may be keyed 0 like +0; or signedKey of every high word); needs 24 < m <=
 * ARGSORT_RADIX_CAPACITY.
 *
 * The key range is found here, not by the callers' gathers: their loops stay short, and any
 * two callers find it the same way. When the payloads fit beside the keys in 32 bits (limit <=
 * 2^(32 - key bits): up to 4096 securities at 20 key bits) the first counting pass moves one
 * packed Int32 per entry instead of a key and a payload.
 *
 * With exact = false, entries whose reduced keys collide are left in input order: a caller
 * that walks the sorted keys anyway orders each run of equal keys itself (sortKeyRun) when it
 * meets one, instead of a separate pass here.
 */
export function radixSortPayload(
  values: Float64Array, words: Int32Array, base: number, payload: Int32Array, m: number, limit: number, out: Int32Array, exact = true,
): void {
  const keys = ARGSORT_KEYS;
  const keyBits = Math.min(ARGSORT_KEY_BITS, 2 * (32 - Math.clz32(m - 1)));
  const packed = keyBits === ARGSORT_KEY_BITS && limit <= 1 << PACKED_PAYLOAD_BITS;
  // A wide packed sort takes its key range from every SAMPLE_STRIDE-th key (the exact loop
  // over all keys was ~8% of a leaderboard); keys outside the sampled range are pinned to its
  // ends and magnitudes below the sampled least one to the zero side (see pinnedKeys). Both
  // keep the mapping non-decreasing, so the pinned keys only collide with their neighbours,
  // and colliding keys are put in exact order below: the result is the same. A narrow sampled
  // range (whose key would take low-word bits) is found again exactly.
  if (packed && m >= SAMPLE_MIN) {
    findRange(keys, m, SAMPLE_STRIDE);
    if (rangeOf() >= keyBits) {
      pinnedKeys(payload, m, keyBits);
      radixPasses(values, base, payload, m, keyBits, true, out, exact);
      return;
    }
  }
  findRange(keys, m, 1);
  const rangeBits = rangeOf();
  const amin = RANGE[2];
  const lo = RANGE[3];
  const shift = rangeBits > keyBits ? rangeBits - keyBits : 0;
  const extra = rangeBits < keyBits ? keyBits - rangeBits : 0;
  const d0 = (keyBits + 1) >> 1;
  const m0 = (1 << d0) - 1;
  const H1 = ARGSORT_DIGIT;
  const hist = ARGSORT_HIST;
  hist.fill(0, 0, m0 + 1);
  hist.fill(0, H1, H1 + (1 << (keyBits - d0)));
  const low = packed ? PACKED_PAYLOAD_BITS : 0;
  // the low word continues the key when the range is narrow (flipped for negatives, like the high word)
  const lowShift = 32 - extra;
  if (extra === 0 && packed) {
    for (let j = 0; j < m; j++) {
      const key = keys[j];
      const sign = key >> 31;
      const pull = (key ^ sign) === 0 ? 0 : amin;
      const x = (((key - ((pull ^ sign) - sign) - lo) >>> shift) << PACKED_PAYLOAD_BITS) | payload[j];
      keys[j] = x;
      hist[(x >>> PACKED_PAYLOAD_BITS) & PACKED_DIGIT_MASK]++;
      hist[H1 + (x >>> (PACKED_PAYLOAD_BITS + PACKED_DIGIT_BITS))]++;
    }
  } else if (extra === 0) {
    for (let j = 0; j < m; j++) {
      const key = keys[j];
      const sign = key >> 31;
      const pull = (key ^ sign) === 0 ? 0 : amin;
      const d = (key - ((pull ^ sign) - sign) - lo) >>> shift;
      keys[j] = d;
      hist[d & m0]++;
      hist[H1 + (d >>> d0)]++;
    }
  } else {
    for (let j = 0; j < m; j++) {
      const key = keys[j];
      const sign = key >> 31;
      const pull = (key ^ sign) === 0 ? 0 : amin;
      // key 0 (+-0, and values below 2^-1042 when keyed by signedKey) gets no low bits: those
      // collide and are put in value order by comparing them
      const lowBits = key === 0 ? 0 : (words[2 * (base + payload[j])] ^ sign) >>> lowShift;
      const d = ((key - ((pull ^ sign) - sign) - lo) << extra) | lowBits;
      const x = packed ? (d << PACKED_PAYLOAD_BITS) | payload[j] : d;
      keys[j] = x;
      hist[(x >>> low) & m0]++;
      hist[H1 + (x >>> (low + d0))]++;
    }
  }
  radixPasses(values, base, payload, m, keyBits, packed, out, exact);
}

/** Packed sorts of at least this many keys take their key range from a sample. */
const SAMPLE_MIN = 256;
/** Every SAMPLE_STRIDE-th key is sampled. */
const SAMPLE_STRIDE = 8;

/**
 * findRange's results: [least key, greatest key, least nonzero magnitude]; rangeOf adds lo
 * and top, the least and greatest key pulled (both int32; their difference, the range, may
 * not be).
 */
const RANGE = new Int32Array(5);

/** The least and greatest of keys[0], keys[stride], ... below m, and their least nonzero magnitude, into RANGE. */
function findRange(keys: Int32Array, m: number, stride: number): void {
  // key ^ sign is the magnitude (hi & 0x7fffffff); a key of 0 is a zero (or a subnormal below
  // 2^-1042, sorted as unpulled all the same)
  let kmin = 2147483647;
  let kmax = -2147483648;
  let amin = 2147483647;
  for (let j = 0; j < m; j += stride) {
    const key = keys[j];
    if (key < kmin) kmin = key;
    if (key > kmax) kmax = key;
    const magnitude = key === 0 ? 0x7fffffff : key ^ (key >> 31);
    if (magnitude < amin) amin = magnitude;
  }
  RANGE[0] = kmin;
  RANGE[1] = kmax;
  RANGE[2] = amin;
}

/**
 * From findRange's least and greatest key and least magnitude: lo (RANGE[3]), top
 * (RANGE[4]) and the bit count of the range top - lo (returned).
 *
 * key k >= 0 -> k - amin, k < 0 -> k + amin (monotone, stays in int32): written as
 * k - ((amin ^ sign) - sign) with sign = k >> 31. Zeros (magnitude k ^ sign = 0) are not
 * pulled: +0 lands on the key of the least positive magnitude and -0 on that of the least
 * negative one, where comparing the doubles orders them; so returns with many exact zeros
 * (unchanged prices) still get the range near 0 removed. (amin <= every nonzero magnitude;
 * a subnormal whose key is -1 makes it 0: then nothing is pulled.)
 */
function rangeOf(): number {
  const kmin = RANGE[0];
  const kmax = RANGE[1];
  const amin = RANGE[2];
  const lo = kmin - (((((kmin ^ (kmin >> 31)) === 0 ? 0 : amin) ^ (kmin >> 31)) - (kmin >> 31)));
  const top = kmax - (((((kmax ^ (kmax >> 31)) === 0 ? 0 : amin) ^ (kmax >> 31)) - (kmax >> 31)));
  RANGE[3] = lo;
  RANGE[4] = top;
  return 32 - Math.clz32(top - lo);
}

/**
 * The packed keys for a sampled range (RANGE from findRange + rangeOf, at least keyBits
 * wide): each key pulled by min(its magnitude, amin) - the same as the exact mapping when
 * amin is the least nonzero magnitude, and otherwise it sends the smaller magnitudes to the
 * key of +0 (positive) or just below (negative) instead of across zero - then pinned to
 * [lo, lo + range] and scaled to keyBits. Non-decreasing in the key, so order is kept up to
 * collisions. Writes the histograms of both digits.
 */
function pinnedKeys(payload: Int32Array, m: number, keyBits: number): void {
  const keys = ARGSORT_KEYS;
  const amin = RANGE[2];
  const lo = RANGE[3];
  const top = RANGE[4];
  const shift = 32 - Math.clz32(top - lo) - keyBits;
  const H1 = ARGSORT_DIGIT;
  const hist = ARGSORT_HIST;
  hist.fill(0, 0, 2 * ARGSORT_DIGIT);
  for (let j = 0; j < m; j++) {
    const key = keys[j];
    const sign = key >> 31;
    const magnitude = key ^ sign;
    const pull = magnitude < amin ? magnitude : amin;
    // the pulled key stays in int32 (towards 0 by at most its magnitude); outside [lo, top]
    // (beyond the sampled keys) it is pinned to the nearer end. | 0: int32 arithmetic without
    // overflow checks - the difference to lo is in [0, 2^32), exact once read as uint32 (>>>)
    const pulled = (key - ((pull ^ sign) - sign)) | 0;
    const pinned = pulled < lo ? lo : pulled > top ? top : pulled;
    const x = ((((pinned - lo) | 0) >>> shift) << PACKED_PAYLOAD_BITS) | payload[j];
    keys[j] = x;
    hist[(x >>> PACKED_PAYLOAD_BITS) & PACKED_DIGIT_MASK]++;
    hist[H1 + (x >>> (PACKED_PAYLOAD_BITS + PACKED_DIGIT_BITS))]++;
  }
}

/**
 * The two counting passes of radixSortPayload over keys[0..m) (digit histograms already
 * counted), then the exact order of colliding keys: out[0..m) the payloads in order, keys[0..m)
 * the sorted keys.
 */
function radixPasses(values: Float64Array, base: number, payload: Int32Array, m: number, keyBits: number, packed: boolean, out: Int32Array, exact: boolean): void {
  const keys = ARGSORT_KEYS;
  const d0 = (keyBits + 1) >> 1;
  const d1 = keyBits - d0;
  const m0 = (1 << d0) - 1;
  const m1 = (1 << d1) - 1;
  const H1 = ARGSORT_DIGIT;
  const hist = ARGSORT_HIST;
  let sum0 = 0;
  for (let b = 0; b <= m0; b++) {
    const c = hist[b];
    hist[b] = sum0;
    sum0 += c;
  }
  let sum1 = 0;
  for (let b = H1; b <= H1 + m1; b++) {
    const c = hist[b];
    hist[b] = sum1;
    sum1 += c;
  }
  const keysB = ARGSORT_KEYS_B;
  const payloadB = ARGSORT_POSITIONS_B;
  if (packed) {
    for (let j = 0; j < m; j++) {
      const x = keys[j];
      keysB[hist[(x >>> PACKED_PAYLOAD_BITS) & PACKED_DIGIT_MASK]++] = x;
    }
    for (let j = 0; j < m; j++) {
      const x = keysB[j];
      const p = hist[H1 + (x >>> (PACKED_PAYLOAD_BITS + PACKED_DIGIT_BITS))]++;
      keys[p] = x >>> PACKED_PAYLOAD_BITS;
      out[p] = x & PACKED_PAYLOAD_MASK;
    }
  } else {
    for (let j = 0; j < m; j++) {
      const d = keys[j];
      const p = hist[d & m0]++;
      keysB[p] = d;
      payloadB[p] = payload[j];
    }
    for (let j = 0; j < m; j++) {
      const d = keysB[j];
      const p = hist[H1 + (d >>> d0)]++;
      keys[p] = d;
      out[p] = payloadB[j];
    }
  }
  if (!exact) return;
  // colliding keys form runs: order each run exactly by value (stable)
  let previous = keys[0];
  let j = 1;
  while (j < m) {
    const d = keys[j];
    if (d !== previous) {
      previous = d;
      j++;
      continue;
    }
    const end = sortKeyRun(out, j - 1, m, values, base);
    if (end < m) previous = keys[end];
    j = end + 1;
  }
}

/**
 * After a sort that left colliding keys unordered (radixSortPayload with exact = false): puts
 * the run of equal sorted keys that starts at `start` (radixArgsortKeys()[start + 1] ===
 * radixArgsortKeys()[start]) in exact order by values[base + out[a]], stable, and returns
 * where the run ends.
 */
export function sortKeyRun(out: Int32Array, start: number, m: number, values: Float64Array, base: number): number {
  const keys = ARGSORT_KEYS;
  const d = keys[start];
  let end = start + 2;
  while (end < m && keys[end] === d) end++;
  if (end - start <= ARGSORT_RUN_INSERTION_MAX) insertionSortAt(out, start, end, values, base);
  else if (!allEqualAt(out, start, end, values, base)) mergeSortRun(out, start, end, values, base, ARGSORT_POSITIONS_B);
  return end;
}

/**
 * Stable insertion sort of out[start..end) by values[base + out[a]]: radixSortPayload's
 * cross-sections of 24 or fewer (their payload in out[0..m) beforehand, in position order).
 */
export function insertionSortAt(out: Int32Array, start: number, end: number, values: Float64Array, base: number): void {
  for (let a = start + 1; a < end; a++) {
    const p = out[a];
    const v = values[base + p];
    let b = a - 1;
    while (b >= start && values[base + out[b]] > v) {
      out[b + 1] = out[b];
      b--;
    }
    out[b + 1] = p;
  }
}

function allEqualAt(order: Int32Array, start: number, end: number, values: Float64Array, base: number): boolean {
  const v = values[base + order[start]];
  for (let a = start + 1; a < end; a++) if (values[base + order[a]] !== v) return false;
  return true;
}

/** Order-preserving Int32 key of a double's high word, without a branch (the same as sortKey). */
export function orderKey(highWord: number): number {
  return highWord ^ ((highWord >> 31) & 0x7fffffff);
}

/**
 * A sort key from a double's high word alone in which -0 and +0 share key 0: its sign and
 * magnitude bits read as a signed integer (-magnitude for negatives), without a branch.
 * Non-decreasing in the value; the only high words sharing a key are those of +-0 and of the
 * values below 2^-1042 (key 0), which a sort puts in value order by comparing them.
 */
export function signedKey(highWord: number): number {
  const sign = highWord >> 31;
  return (((highWord & 0x7fffffff) ^ sign) - sign) | 0;
}

/** 1 when a double with this high word is NaN or +-Infinity (every exponent bit set: adding 1 to the exponent carries into the sign), else 0. */
export function notFinite(highWord: number): number {
  return (((highWord & 0x7ff00000) + 0x00100000) | 0) >>> 31;
}

/**
 * After radixArgsort returned true or radixArgsortKeyed ran (until the next sort on this
 * thread): the sorted keys,
 * keys[0..m) non-decreasing along `order`, where keys[j] !== keys[j + 1] implies
 * values[order[j]] < values[order[j + 1]] - so a walk over the sorted order can find ties by
 * reading keys sequentially and compare values only where keys are equal. Holds at least
 * m + 1 entries (a walk may put a sentinel at m).
 */
export function radixArgsortKeys(): Int32Array {
  return ARGSORT_KEYS;
}

/** Stable bottom-up merge sort of order[start..end) by values[base + order[a]] (buffer: at least end - start entries). */
function mergeSortRun(order: Int32Array, start: number, end: number, values: Float64Array, base: number, buffer: Int32Array): void {
  const n = end - start;
  const CHUNK = 16;
  for (let a = start; a < end; a += CHUNK) insertionSortAt(order, a, Math.min(a + CHUNK, end), values, base);
  let src = order;
  let srcOff = start;
  let dst = buffer;
  let dstOff = 0;
  for (let width = CHUNK; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let a = lo;
      let b = mid;
      let o = lo;
      while (a < mid && b < hi) {
        const pa = src[srcOff + a];
        const pb = src[srcOff + b];
        if (values[base + pb] < values[base + pa]) {
          dst[dstOff + o++] = pb;
          b++;
        } else {
          dst[dstOff + o++] = pa;
          a++;
        }
      }
      while (a < mid) dst[dstOff + o++] = src[srcOff + a++];
      while (b < hi) dst[dstOff + o++] = src[srcOff + b++];
    }
    const t = src;
    src = dst;
    dst = t;
    const to = srcOff;
    srcOff = dstOff;
    dstOff = to;
  }
  if (src !== order) for (let a = 0; a < n; a++) order[start + a] = src[srcOff + a];
}
