import { strict as assert } from 'node:assert';
import { ARGSORT_RADIX_CAPACITY, int32Words, orderKey, radixArgsort, radixArgsortKeyed, radixArgsortKeys, sortKey } from '../kernel-lib/kernels/rank-sort';
import { lcg } from './research-reference';

// radixArgsort (the research pass's argsort) against Array.prototype.sort with a comparator:
// the same permutation exactly - ascending values, equal values in ascending position (stable).

/** The reference: positions sorted by value, ties by position (NaN never reaches the argsort). */
function referenceOrder(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, i) => i).sort((a, b) => (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : a - b));
}

function radixOrder(values: number[]): { order: number[]; keyed: boolean; vals: Float64Array } {
  const vals = Float64Array.from(values);
  const order = new Int32Array(values.length);
  const keyed = radixArgsort(vals, int32Words(vals), values.length, order);
  return { order: Array.from(order), keyed, vals };
}

const normal = (rnd: () => number) => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(6.283185307179586 * rnd());

const cases: Record<string, (n: number, rnd: () => number) => number[]> = {
  'returns of both signs (normal)': (n, rnd) => Array.from({ length: n }, () => 0.02 * normal(rnd)),
  'negative numbers only': (n, rnd) => Array.from({ length: n }, () => -Math.exp(3 * normal(rnd))),
  'many exact ties (cents)': (n, rnd) => Array.from({ length: n }, () => Math.round((rnd() - 0.5) * 20) / 100),
  'prices differing in the 7th digit (low-word keys)': (n, rnd) => Array.from({ length: n }, () => 100 + Math.round(normal(rnd) * 1e4) * 1e-7),
  'values closer than the key resolution': (n, rnd) => Array.from({ length: n }, () => 1 + Math.floor(rnd() * 50) * 2 ** -40),
  'a huge outlier among small values (long key runs)': (n, rnd) => Array.from({ length: n }, (_, i) => (i === 7 ? 1e300 : 1 + rnd() * 1e-3)),
  '+-Infinity, +-max, tiny and subnormal values': (n, rnd) =>
    Array.from({ length: n }, () => [Infinity, -Infinity, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -5e-324, 1e-310, 0, rnd() - 0.5][Math.floor(rnd() * 9)]),
  'returns with many exact zeros (unchanged prices)': (n, rnd) => Array.from({ length: n }, () => (rnd() < 0.2 ? 0 : 0.02 * normal(rnd))),
  'zeros beside the least magnitudes of both signs': (n, rnd) =>
    Array.from({ length: n }, () => [0, 1e-9, -1e-9, 1.0000001e-9, -1.0000001e-9, 0.5 * (rnd() - 0.5)][Math.floor(rnd() * 6)]),
  'all equal': (n) => Array.from({ length: n }, () => 3.25),
  'integers with ties': (n, rnd) => Array.from({ length: n }, () => Math.floor(rnd() * 200) - 100),
  'descending': (n) => Array.from({ length: n }, (_, i) => n - i),
  'ascending already': (n) => Array.from({ length: n }, (_, i) => i / 7),
};

describe('research kernels: radixArgsort (stable exact argsort)', () => {
  for (const [name, make] of Object.entries(cases)) {
    it(`matches Array.prototype.sort on ${name} (n = 0..5000)`, () => {
      const rnd = lcg(name.length * 7919);
      for (const n of [0, 1, 2, 3, 24, 25, 26, 100, 1000, 3000, 5000]) {
        const values = make(n, rnd);
        const { order } = radixOrder(values);
        assert.deepEqual(order, referenceOrder(values), `${name}, n = ${n}`);
      }
    });
  }

  it('keeps -0 and +0 together: position order once normalized with v + 0, adjacent and sorted without', () => {
    const rnd = lcg(5);
    const values = Array.from({ length: 3000 }, () => [0, -0, 1e-300, -1e-300, rnd() - 0.5][Math.floor(rnd() * 5)]);
    const normalized = values.map((v) => v + 0);
    assert.deepEqual(radixOrder(normalized).order, referenceOrder(normalized));
    const { order } = radixOrder(values);
    assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: values.length }, (_, i) => i));
    for (let j = 1; j < order.length; j++) assert.ok(values[order[j - 1]] <= values[order[j]], `position ${j}`);
    // the zeros (both signs) form one contiguous block
    const zeros = order.map((p) => values[p] === 0);
    const first = zeros.indexOf(true);
    const last = zeros.lastIndexOf(true);
    assert.ok(zeros.slice(first, last + 1).every(Boolean));
  });

  it('sorts cross-sections larger than its radix scratch with the comparison fallback', function () {
    this.timeout(20000);
    const rnd = lcg(11);
    const values = Array.from({ length: ARGSORT_RADIX_CAPACITY + 3 }, () => Math.round(normal(rnd) * 1000) / 1000);
    const { order, keyed } = radixOrder(values);
    assert.equal(keyed, false);
    assert.deepEqual(order, referenceOrder(values));
  });

  it('radixArgsortKeyed (keys written by the caller) gives the same order, and the sorted keys only tie where needed', () => {
    const rnd = lcg(23);
    for (const make of Object.values(cases)) {
      const values = Float64Array.from(make(3000, rnd), (v) => v + 0);
      const words = int32Words(values);
      const keys = radixArgsortKeys();
      for (let j = 0; j < values.length; j++) {
        const hi = words[2 * j + 1];
        keys[j] = orderKey(hi);
        assert.equal(keys[j], sortKey(hi));
      }
      const order = new Int32Array(values.length);
      radixArgsortKeyed(values, words, values.length, order);
      assert.deepEqual(Array.from(order), referenceOrder(values));
      const sorted = radixArgsortKeys();
      for (let j = 1; j < values.length; j++) {
        assert.ok(sorted[j - 1] <= sorted[j], 'keys ascend along the order');
        if (sorted[j - 1] !== sorted[j]) assert.ok(values[order[j - 1]] < values[order[j]], 'distinct keys mean distinct values');
      }
    }
  });
});
