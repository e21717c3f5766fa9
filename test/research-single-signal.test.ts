import { strict as assert } from 'node:assert';
import { researchPass, type ResearchPassInput } from '../kernel-lib/kernels/xs-research-pass';
import { lcg, pearson } from './research-reference';

// The pass's one-signal, one-horizon path (an IC series: the names with a finite signal and a
// finite return gathered once, both sorts over them) against a straightforward implementation
// (O(n^2) average ranks, textbook Pearson, qcut-style buckets from min ranks), and bit for bit
// against the general path, which the same signal takes when a second signal rides along.

function ranks(values: number[]): number[] {
  return values.map((v) => values.filter((w) => w < v).length + (values.filter((w) => w === v).length + 1) / 2);
}

function panel(T: number, N: number, seed: number) {
  const rnd = lcg(seed);
  const signal = new Float64Array(T * N);
  const forward = new Float64Array(T * N);
  for (let c = 0; c < T * N; c++) {
    const u = rnd();
    // missing values, exact ties, both signs of zero
    signal[c] = u < 0.08 ? NaN : u < 0.12 ? -0 : u < 0.16 ? 0 : Math.round((rnd() - 0.5) * 40) / 8;
    const w = rnd();
    // missing returns, unchanged prices (exact zeros), ties
    forward[c] = w < 0.07 ? NaN : w < 0.25 ? 0 : Math.round((rnd() - 0.5) * 2000) / 10000;
  }
  // a date where one name has both, and an all-equal signal date
  for (let i = 1; i < N; i++) forward[2 * N + i] = NaN;
  for (let i = 0; i < N; i++) signal[4 * N + i] = 1.5;
  return { signal, forward };
}

describe('research pass: one signal and one horizon (IC series path)', () => {
  for (const N of [23, 400]) {
    describe(`${N} securities (${N > 24 ? 'radix sorts' : 'insertion sorts'})`, () => {
      const T = 14;
      const k = 4;
      const { signal, forward } = panel(T, N, N);
      const input: ResearchPassInput = { dates: T, securities: N, signals: [signal], forward: [forward], forward1: forward, quantiles: k, lags: [1], groups: null, correlation: false };
      const pass = researchPass(input);
      const used = (t: number) => Array.from({ length: N }, (_, i) => i).filter((i) => Number.isFinite(signal[t * N + i]) && Number.isFinite(forward[t * N + i]));

      it('IC per date = Pearson of average ranks over names with both; counts of names', () => {
        for (let t = 0; t < T; t++) {
          const names = used(t);
          const expected = pearson(ranks(names.map((i) => signal[t * N + i])), ranks(names.map((i) => forward[t * N + i])));
          const got = pass.signals[0].ic[0][t];
          if (Number.isNaN(expected)) assert.ok(Number.isNaN(got), `t${t}: expected NaN, got ${got}`);
          else assert.ok(Math.abs(got - expected) < 1e-12, `t${t}: ${got} vs ${expected}`);
          assert.equal(pass.signals[0].used[t], names.length);
          let finite = 0;
          let returns = 0;
          for (let i = 0; i < N; i++) {
            finite += Number.isFinite(signal[t * N + i]) ? 1 : 0;
            returns += Number.isFinite(forward[t * N + i]) ? 1 : 0;
          }
          assert.equal(pass.signals[0].finite[t], finite);
          assert.equal(pass.forwardRows[t], returns);
        }
      });

      it('bucket means from min ranks, date mean and lag-1 rank autocorrelation', () => {
        for (let t = 0; t < T; t++) {
          const names = used(t);
          const n = names.length;
          const values = names.map((i) => signal[t * N + i]);
          const dateMean = n ? names.reduce((a, i) => a + forward[t * N + i], 0) / n : NaN;
          const got = pass.signals[0].dateMean[0][t];
          if (n === 0) assert.ok(Number.isNaN(got));
          else assert.ok(Math.abs(got - dateMean) < 1e-12, `date mean t${t}`);
          if (n >= k) {
            const bucket = values.map((v) => Math.max(1, Math.ceil(((values.filter((w) => w < v).length) * k) / (n - 1))));
            for (let b = 1; b <= k; b++) {
              const members = names.filter((_, j) => bucket[j] === b);
              const expected = members.length ? members.reduce((a, i) => a + forward[t * N + i], 0) / members.length : NaN;
              const mean = pass.signals[0].bucketMean[0][t * k + b - 1];
              if (Number.isNaN(expected)) assert.ok(Number.isNaN(mean));
              else assert.ok(Math.abs(mean - expected) < 1e-12, `t${t} b${b}: ${mean} vs ${expected}`);
            }
          }
          if (t >= 1) {
            const before = used(t - 1);
            const both = names.filter((i) => before.includes(i));
            const rNow = ranks(values);
            const rThen = ranks(before.map((i) => signal[(t - 1) * N + i]));
            const expected = pearson(both.map((i) => rNow[names.indexOf(i)]), both.map((i) => rThen[before.indexOf(i)]));
            const ac = pass.signals[0].autocorrelation[0][t];
            if (Number.isNaN(expected)) assert.ok(Number.isNaN(ac), `ac t${t}: ${ac}`);
            else assert.ok(Math.abs(ac - expected) < 1e-12, `ac t${t}: ${ac} vs ${expected}`);
          }
        }
      });

      it('bit for bit the series the general path gives the same signal (with a second signal alongside)', () => {
        const other = signal.map((v, c) => (c % 3 === 0 ? NaN : -v));
        const general = researchPass({ ...input, signals: [signal, other] });
        const a = pass.signals[0];
        const b = general.signals[0];
        const series: [string, ArrayLike<number>, ArrayLike<number>][] = [
          ['ic', a.ic[0], b.ic[0]], ['dateMean', a.dateMean[0], b.dateMean[0]], ['bucketMean', a.bucketMean[0], b.bucketMean[0]],
          ['bucketMean1', a.bucketMean1!, b.bucketMean1!], ['bucketCount', a.bucketCount, b.bucketCount], ['used', a.used, b.used],
          ['finite', a.finite, b.finite], ['autocorrelation', a.autocorrelation[0], b.autocorrelation[0]], ['turnover', a.turnover[0], b.turnover[0]],
          ['forwardRows', pass.forwardRows, general.forwardRows],
        ];
        for (const [name, x, y] of series) {
          assert.equal(x.length, y.length, name);
          for (let j = 0; j < x.length; j++) assert.ok(Object.is(x[j], y[j]), `${name}[${j}]: ${x[j]} vs ${y[j]}`);
        }
      });
    });
  }
});
