import { strict as assert } from 'node:assert';
import { ARGSORT_RADIX_CAPACITY, insertionSortAt, int32Words, orderKey, radixArgsortKeys, radixSortPayload, signedKey, sortKeyRun } from '../kernel-lib/kernels/rank-sort';
import { lcg } from './research-reference';

// radixSortPayload (the research pass's sort of securities by their value on a date, values
// read in place) against Array.prototype.sort with a comparator: the payloads in ascending
// order of value, equal values in the order the payloads were given (stable).

const normal = (rnd: () => number) => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(6.283185307179586 * rnd());

const cases: Record<string, (rnd: () => number) => number> = {
  'returns of both signs': (rnd) => 0.02 * normal(rnd),
  'many exact ties': (rnd) => Math.round((rnd() - 0.5) * 20) / 100,
  'many exact zeros, both signs of zero': (rnd) => (rnd() < 0.3 ? (rnd() < 0.5 ? 0 : -0) : 0.02 * normal(rnd)),
  'values closer than the key resolution (low-word keys)': (rnd) => 100 + Math.round(normal(rnd) * 1e4) * 1e-7,
  'a huge outlier among small values (long key runs)': (rnd) => (rnd() < 0.001 ? 1e300 : 1 + rnd() * 1e-3),
  'infinities, subnormals and zeros': (rnd) => [Infinity, -Infinity, 5e-324, -5e-324, 1e-310, 0, -0, rnd() - 0.5][Math.floor(rnd() * 8)],
  // every high word 0 or 0x80000000: a key range of at most 1, refined by low-word bits
  'subnormals below 2^-1042 and zeros': (rnd) => [5e-324, -5e-324, 1e-314, -1e-314, 2e-314, -2e-314, 5e-315, -5e-315, 0, -0][Math.floor(rnd() * 10)],
  'all equal': () => 3.25,
};

/**
 * The caller's keys, either way the pass's gathers write them: orderKey of the high word with
 * -0 keyed like +0, or signedKey of the high word (no value read: -0, +0 and the values below
 * 2^-1042 share key 0).
 */
const keyKinds = ['orderKey', 'signedKey'] as const;
function writeKeys(values: Float64Array, base: number, payload: Int32Array, m: number, kind: (typeof keyKinds)[number] = 'orderKey'): void {
  const words = int32Words(values);
  const keys = radixArgsortKeys();
  for (let j = 0; j < m; j++) {
    const v = values[base + payload[j]];
    const hi = words[2 * (base + payload[j]) + 1];
    keys[j] = kind === 'signedKey' ? signedKey(hi) : v === 0 ? 0 : orderKey(hi);
  }
}

describe('research kernels: radixSortPayload (stable sort of payloads by values read in place)', () => {
  for (const [name, draw] of Object.entries(cases)) {
    it(`matches Array.prototype.sort on ${name}`, () => {
      const rnd = lcg(name.length * 131);
      for (const n of [25, 26, 100, 1000, 3000, 5000]) {
        // a date's row of N values inside a longer matrix; the payload lists a subset of its cells
        const N = n + 37;
        const base = 3 * N;
        const values = new Float64Array(5 * N);
        for (let c = 0; c < values.length; c++) values[c] = draw(rnd);
        const subset = Array.from({ length: N }, (_, i) => i).filter(() => rnd() < 0.97).slice(0, n);
        const m = subset.length;
        if (m <= 24) continue;
        // securities in order (the pass) and shuffled; payload and key packed in one Int32
        // (limit N <= 4096) or not (a limit of 2^20)
        const shuffled = [...subset];
        for (let a = shuffled.length - 1; a > 0; a--) {
          const b = Math.floor(rnd() * (a + 1));
          [shuffled[a], shuffled[b]] = [shuffled[b], shuffled[a]];
        }
        for (const [list, limit, kind] of [[subset, N, 'orderKey'], [shuffled, N, 'orderKey'], [subset, 1 << 20, 'orderKey'], [subset, N, 'signedKey'], [shuffled, 1 << 20, 'signedKey']] as const) {
          const payload = Int32Array.from(list);
          writeKeys(values, base, payload, m, kind);
          const out = new Int32Array(m);
          radixSortPayload(values, int32Words(values), base, payload, m, limit, out);
          const expected = list.map((i, j) => ({ i, j })).sort((a, b) => {
            const x = values[base + a.i];
            const y = values[base + b.i];
            return x < y ? -1 : x > y ? 1 : a.j - b.j;
          });
          assert.deepEqual(Array.from(out), expected.map((e) => e.i), `${name}, m = ${m}, limit ${limit}, ${kind}`);
          // sorted keys: ascending, and distinct keys only between distinct values
          const keys = radixArgsortKeys();
          for (let q = 1; q < m; q++) {
            assert.ok(keys[q - 1] <= keys[q]);
            if (keys[q - 1] !== keys[q]) assert.ok(values[base + out[q - 1]] < values[base + out[q]], `${name}: keys split equal values at ${q}`);
          }
        }
      }
    });
  }

  // Packed sorts of 256+ keys take the key range from every 8th key and pin the others to its
  // ends: data where the keys off the sample fall outside it (or hold the smallest magnitudes)
  // must still come out in exact order.
  const offSample: Record<string, (j: number, rnd: () => number) => number> = {
    'outliers only off the sample': (j, rnd) => (j % 8 !== 0 && rnd() < 0.02 ? (rnd() - 0.5) * 1e6 : 0.02 * normal(rnd)),
    'smallest magnitudes and zeros only off the sample': (j, rnd) =>
      j % 8 === 0 ? (rnd() < 0.5 ? 1 : -1) * (1 + rnd()) : [1e-300, -1e-300, 0, -0, 5e-324, 1e-5, -1e-5, rnd() - 0.5][Math.floor(rnd() * 8)],
    'sample all equal, the rest spread': (j, rnd) => (j % 8 === 0 ? 1 : normal(rnd)),
    'sample in a narrow range, the rest wide': (j, rnd) => (j % 8 === 0 ? 1 + rnd() * 1e-9 : normal(rnd) * 10),
    'most keys above the sampled range (long pinned runs)': (j, rnd) => (j % 8 === 0 ? normal(rnd) : 100 + rnd() * (rnd() < 0.5 ? 1 : 1e-12)),
    'sample positive, the rest of both signs': (j, rnd) => (j % 8 === 0 ? 1 + rnd() : (rnd() - 0.5) * 4),
    'ties across the pinned ends': (j, rnd) => (j % 8 === 0 ? Math.round(normal(rnd) * 4) / 4 : Math.round(normal(rnd) * 40) / 4),
  };
  for (const [name, draw] of Object.entries(offSample)) {
    it(`matches Array.prototype.sort when the sampled key range misses keys: ${name}`, () => {
      const rnd = lcg(name.length * 17 + 5);
      for (const m of [255, 256, 257, 1000, 3000, 4096]) {
        const values = Float64Array.from({ length: m }, (_, j) => draw(j, rnd));
        const shuffled = Array.from({ length: m }, (_, j) => j);
        for (let a = m - 1; a > 0; a--) {
          const b = Math.floor(rnd() * (a + 1));
          [shuffled[a], shuffled[b]] = [shuffled[b], shuffled[a]];
        }
        for (const list of [Array.from({ length: m }, (_, j) => j), shuffled]) {
          const payload = Int32Array.from(list);
          writeKeys(values, 0, payload, m);
          const out = new Int32Array(m);
          radixSortPayload(values, int32Words(values), 0, payload, m, m, out);
          const expected = list.map((i, j) => ({ i, j })).sort((a, b) => {
            const x = values[a.i];
            const y = values[b.i];
            return x < y ? -1 : x > y ? 1 : a.j - b.j;
          });
          assert.deepEqual(Array.from(out), expected.map((e) => e.i), `${name}, m = ${m}`);
          const keys = radixArgsortKeys();
          for (let q = 1; q < m; q++) {
            assert.ok(keys[q - 1] <= keys[q], `${name}: keys not ascending at ${q}`);
            if (keys[q - 1] !== keys[q]) assert.ok(values[out[q - 1]] < values[out[q]], `${name}: keys split equal values at ${q}`);
          }
        }
      }
    });
  }

  // exact = false leaves runs of colliding keys in input order for the caller (rankSignal) to
  // order with sortKeyRun as it walks the keys: together the same order as the exact sort
  for (const [name, draw] of Object.entries({ ...cases, 'ties across pinned ends': (rnd: () => number) => Math.round(normal(rnd) * 40) / 4 })) {
    it(`exact = false, then sortKeyRun on every run of equal keys, matches the exact sort on ${name}`, () => {
      const rnd = lcg(name.length * 7 + 1);
      for (const m of [25, 300, 3000, 4096]) {
        const values = Float64Array.from({ length: m }, () => draw(rnd));
        const payload = Int32Array.from({ length: m }, (_, j) => j);
        writeKeys(values, 0, payload, m);
        const exact = new Int32Array(m);
        radixSortPayload(values, int32Words(values), 0, payload, m, m, exact);
        writeKeys(values, 0, payload, m);
        const out = new Int32Array(m);
        radixSortPayload(values, int32Words(values), 0, payload, m, m, out, false);
        const keys = radixArgsortKeys();
        let runs = 0;
        for (let j = 0; j + 1 < m; ) {
          if (keys[j + 1] !== keys[j]) {
            j++;
            continue;
          }
          j = sortKeyRun(out, j, m, values, 0);
          runs++;
        }
        assert.deepEqual(Array.from(out), Array.from(exact), `${name}, m = ${m} (${runs} runs of equal keys)`);
      }
    });
  }

  it('insertionSortAt (the small cross-sections) is stable and exact', () => {
    const rnd = lcg(3);
    for (let n = 0; n <= 24; n++) {
      const values = Float64Array.from({ length: 40 }, () => Math.round(rnd() * 6) / 2);
      const payload = Array.from({ length: 40 }, (_, i) => i).filter(() => rnd() < 0.7).slice(0, n);
      const out = Int32Array.from(payload);
      insertionSortAt(out, 0, out.length, values, 0);
      const expected = [...payload].sort((a, b) => values[a] - values[b] || payload.indexOf(a) - payload.indexOf(b));
      assert.deepEqual(Array.from(out), expected);
    }
  });

  it('accepts the largest keyed cross-section', function () {
    this.timeout(20000);
    const rnd = lcg(9);
    const m = ARGSORT_RADIX_CAPACITY;
    const values = Float64Array.from({ length: m }, () => Math.round(normal(rnd) * 1000) / 1000);
    const payload = Int32Array.from({ length: m }, (_, j) => j);
    writeKeys(values, 0, payload, m);
    const out = new Int32Array(m);
    radixSortPayload(values, int32Words(values), 0, payload, m, m, out);
    const expected = Array.from(payload).sort((a, b) => values[a] - values[b] || a - b);
    assert.deepEqual(Array.from(out), expected);
  });
});
