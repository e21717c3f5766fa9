import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { researchPass } from '../kernel-lib/kernels/xs-research-pass';
import { runResearchPass } from '../kernel-lib/research/parallel-pass';
import { researchPanel } from '../kernel-lib/research/panel';
import { forwardPrices, forwardReturns } from '../kernel-lib/research/forward-returns';
import { handPanel } from './research-fixtures';
import { lcg, pearson } from './research-reference';

// An independent, straightforward implementation of every per-date statistic (plain arrays,
// O(n^2) ranks, textbook Pearson), compared with the streaming kernel.

function ranks(values: number[]): number[] {
  return values.map((v) => {
    let below = 0;
    let equal = 0;
    for (const w of values) {
      if (w < v) below++;
      else if (w === v) equal++;
    }
    return below + (equal + 1) / 2;
  });
}
function minRanks(values: number[]): number[] {
  return values.map((v) => values.filter((w) => w < v).length + 1);
}
/** pd.qcut(values, k, labels=False) + 1 done the textbook way: interpolated quantile edges, (lo, hi] bins. */
function qcut(values: number[], k: number): number[] {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const edge = (j: number) => {
    const p = (j * (n - 1)) / k;
    const lo = Math.floor(p);
    const hi = Math.min(n - 1, lo + 1);
    return s[lo] + (s[hi] - s[lo]) * (p - lo);
  };
  return values.map((v) => {
    for (let j = 1; j <= k; j++) if (v <= edge(j)) return j;
    return k;
  });
}
const finite = (x: number) => Number.isFinite(x);

function randomPanel(T: number, N: number, seed: number) {
  const rnd = lcg(seed);
  const cell = (fn: (t: number, i: number) => number) => {
    const a = new Float64Array(T * N);
    for (let t = 0; t < T; t++) for (let i = 0; i < N; i++) a[t * N + i] = fn(t, i);
    return a;
  };
  // signals with missing values, exact ties and one all-equal date
  const s1 = cell((t, i) => (rnd() < 0.15 ? NaN : t === 3 ? 7 : Math.round(rnd() * 8)));
  const s2 = cell(() => (rnd() < 0.05 ? NaN : rnd() - 0.5));
  const f1 = cell(() => (rnd() < 0.1 ? NaN : Math.round((rnd() - 0.5) * 200) / 1000));
  const f5 = cell(() => (rnd() < 0.1 ? NaN : (rnd() - 0.5) * 0.2));
  // a date where only one name has everything
  for (let i = 1; i < N; i++) f1[5 * N + i] = NaN;
  return { s1, s2, f1, f5 };
}

describe('research pass: per-date statistics against a straightforward implementation', () => {
  const T = 12;
  const N = 23;
  const k = 4;
  const lags = [1, 3];
  const { s1, s2, f1, f5 } = randomPanel(T, N, 7);
  const groupCodes = Int32Array.from({ length: N }, (_, i) => (i % 5 === 4 ? -1 : i % 2));

  for (const grouped of [false, true]) {
    describe(grouped ? 'within groups (2 groups, some names unlabelled)' : 'whole cross-section', () => {
      const G = grouped ? 2 : 1;
      const pass = researchPass({
        dates: T,
        securities: N,
        signals: [s1, s2],
        forward: [f1, f5],
        forward1: f1,
        quantiles: k,
        lags,
        groups: grouped ? { codes: groupCodes, perCell: false, count: 2 } : null,
        correlation: !grouped,
      });
      const inGroup = (i: number, g: number) => (grouped ? groupCodes[i] === g : true);
      const usedNames = (sig: Float64Array, t: number, g: number) =>
        Array.from({ length: N }, (_, i) => i).filter((i) => inGroup(i, g) && finite(sig[t * N + i]) && finite(f1[t * N + i]) && finite(f5[t * N + i]));

      it('IC per date and horizon = Pearson of average ranks over the used names', () => {
        [s1, s2].forEach((sig, s) => {
          [f1, f5].forEach((fwd, h) => {
            for (let t = 0; t < T; t++) {
              for (let g = 0; g < G; g++) {
                const names = usedNames(sig, t, g);
                const expected = pearson(ranks(names.map((i) => sig[t * N + i])), ranks(names.map((i) => fwd[t * N + i])));
                const got = pass.signals[s].ic[h][t * G + g];
                if (Number.isNaN(expected)) assert.ok(Number.isNaN(got), `s${s} h${h} t${t} g${g}: expected NaN, got ${got}`);
                else assert.ok(Math.abs(got - expected) < 1e-12, `s${s} h${h} t${t} g${g}: ${got} vs ${expected}`);
                assert.equal(pass.signals[s].used[t * G + g], names.length);
              }
            }
          });
        });
      });

      it('bucket means per date match pd.qcut buckets on the used names', () => {
        const sig = s2; // continuous values: qcut edges are unique
        [f1, f5].forEach((fwd, h) => {
          for (let t = 0; t < T; t++) {
            for (let g = 0; g < G; g++) {
              const names = usedNames(sig, t, g);
              for (let b = 1; b <= k; b++) {
                const got = pass.signals[1].bucketMean[h][(t * G + g) * k + b - 1];
                if (names.length < k) {
                  assert.ok(Number.isNaN(got));
                  continue;
                }
                const buckets = qcut(names.map((i) => sig[t * N + i]), k);
                const members = names.filter((_, j) => buckets[j] === b);
                const expected = members.length ? members.reduce((a, i) => a + fwd[t * N + i], 0) / members.length : NaN;
                if (Number.isNaN(expected)) assert.ok(Number.isNaN(got));
                else assert.ok(Math.abs(got - expected) < 1e-12, `t${t} g${g} b${b}: ${got} vs ${expected}`);
              }
              const mean = names.length ? names.reduce((a, i) => a + fwd[t * N + i], 0) / names.length : NaN;
              const gotMean = pass.signals[1].dateMean[h][t * G + g];
              if (names.length) assert.ok(Math.abs(gotMean - mean) < 1e-12);
              else assert.ok(Number.isNaN(gotMean));
            }
          }
        });
      });

      it('buckets of a tied signal follow min ranks (tie groups never split)', () => {
        for (let t = 0; t < T; t++) {
          for (let g = 0; g < G; g++) {
            const names = usedNames(s1, t, g);
            if (names.length < k) continue;
            const mr = minRanks(names.map((i) => s1[t * N + i]));
            const counts = new Array(k).fill(0);
            for (const r of mr) counts[Math.max(1, Math.ceil(((r - 1) * k) / (names.length - 1))) - 1]++;
            for (let b = 0; b < k; b++) assert.equal(pass.signals[0].bucketCount[(t * G + g) * k + b], counts[b]);
          }
        }
      });

      it('rank autocorrelation and bucket turnover against the same names lag dates earlier', () => {
        const sig = s2;
        lags.forEach((lag, l) => {
          for (let t = 0; t < T; t++) {
            for (let g = 0; g < G; g++) {
              const got = pass.signals[1].autocorrelation[l][t * G + g];
              if (t < lag) {
                assert.ok(Number.isNaN(got));
                continue;
              }
              // names used at t and at t - lag (group labels are per security, so the same group)
              const now = usedNames(sig, t, g);
              const beforeAll = usedNames(sig, t - lag, g);
              const rNow = new Map(now.map((i, j) => [i, ranks(now.map((x) => sig[t * N + x]))[j]]));
              const rBefore = new Map(beforeAll.map((i, j) => [i, ranks(beforeAll.map((x) => sig[(t - lag) * N + x]))[j]]));
              const common = now.filter((i) => rBefore.has(i));
              const expected = pearson(common.map((i) => rNow.get(i)!), common.map((i) => rBefore.get(i)!));
              if (Number.isNaN(expected)) assert.ok(Number.isNaN(got));
              else assert.ok(Math.abs(got - expected) < 1e-12, `lag ${lag} t${t}: ${got} vs ${expected}`);

              // turnover per bucket
              if (now.length < k || beforeAll.length < k) continue;
              const bNow = qcut(now.map((i) => sig[t * N + i]), k);
              const bBefore = new Map(beforeAll.map((i, j) => [i, qcut(beforeAll.map((x) => sig[(t - lag) * N + x]), k)[j]]));
              for (let b = 1; b <= k; b++) {
                const members = now.filter((_, j) => bNow[j] === b);
                const previous = beforeAll.filter((i) => bBefore.get(i) === b);
                const gotT = pass.signals[1].turnover[l][(t * G + g) * k + b - 1];
                if (!members.length || !previous.length) {
                  assert.ok(Number.isNaN(gotT));
                  continue;
                }
                const fresh = members.filter((i) => bBefore.get(i) !== b).length;
                assert.ok(Math.abs(gotT - fresh / members.length) < 1e-12, `turnover lag ${lag} t${t} b${b}`);
              }
            }
          }
        });
      });

      if (!grouped) {
        it('signal-signal Spearman per date over names where both are finite', () => {
          const pair = pass.pairs[0];
          for (let t = 0; t < T; t++) {
            const names = Array.from({ length: N }, (_, i) => i).filter((i) => finite(s1[t * N + i]) && finite(s2[t * N + i]));
            const expected = pearson(ranks(names.map((i) => s1[t * N + i])), ranks(names.map((i) => s2[t * N + i])));
            if (Number.isNaN(expected)) assert.ok(Number.isNaN(pair.values[t]));
            else assert.ok(Math.abs(pair.values[t] - expected) < 1e-12, `t${t}: ${pair.values[t]} vs ${expected}`);
            assert.equal(pair.rows[t], names.length);
          }
        });

        it('handles the all-equal date (IC undefined) and the one-name date', () => {
          // date 3: s1 is 7 everywhere -> constant -> no IC, one bucket holds everything
          assert.ok(Number.isNaN(pass.signals[0].ic[0][3]));
          const counts = Array.from({ length: k }, (_, b) => pass.signals[0].bucketCount[3 * k + b]);
          assert.deepEqual(counts, [pass.signals[0].used[3], 0, 0, 0]);
          // date 5: at most one name has f1 -> at most one used name, no IC, no buckets
          assert.ok(pass.signals[0].used[5] <= 1);
          assert.ok(Number.isNaN(pass.signals[0].ic[1][5]));
        });
      }
    });
  }

  it('fast path and subset path agree: a signal covering every forward row vs one that does not', () => {
    const T2 = 6;
    const N2 = 40;
    const rnd = lcg(99);
    const fwd = Float64Array.from({ length: T2 * N2 }, () => rnd() - 0.5);
    const full = Float64Array.from({ length: T2 * N2 }, () => rnd());
    const partial = Float64Array.from(full, (v, c) => (c % 7 === 0 ? NaN : v));
    const pass = researchPass({ dates: T2, securities: N2, signals: [full, partial], forward: [fwd], forward1: null, quantiles: 5, lags: [], groups: null, correlation: true });
    for (let t = 0; t < T2; t++) {
      const names = Array.from({ length: N2 }, (_, i) => i).filter((i) => finite(partial[t * N2 + i]));
      const expected = pearson(ranks(names.map((i) => partial[t * N2 + i])), ranks(names.map((i) => fwd[t * N2 + i])));
      assert.ok(Math.abs(pass.signals[1].ic[0][t] - expected) < 1e-12);
      // the two signals agree wherever both exist: correlation 1
      assert.ok(Math.abs(pass.pairs[0].values[t] - 1) < 1e-12);
    }
  });
});

describe('research pass: forward returns computed date by date (forwardFrom)', () => {
  it('gives bit-identical series to the pass on forward-return matrices, with and without the 1-bar horizon', async () => {
    // 9 securities x 40 days with calendar gaps, late starts, early ends and a zero close
    const rnd = lcg(5);
    const bars: Record<string, [number, number][]> = {};
    for (let s = 0; s < 9; s++) {
      let close = 50 + s;
      const rows: [number, number][] = [];
      for (let d = 1; d <= 40; d++) {
        close = Math.max(0, Math.round(close * (1 + (rnd() - 0.5) * 0.06) * 100) / 100);
        if ((s === 2 && d % 7 === 3) || (s === 5 && d < 9) || (s === 6 && d > 31)) continue;
        rows.push([d, s === 4 && d === 12 ? 0 : close]);
      }
      bars[`S${s}`] = rows;
    }
    const panel = await researchPanel(handPanel(bars));
    const T = panel.dates;
    const N = panel.size;
    const signal = (seed: number) => {
      const r = lcg(seed);
      return Float64Array.from({ length: T * N }, (_, c) => (!panel.present[c] || r() < 0.1 ? NaN : Math.round(r() * 12)));
    };
    const signals = [signal(1), signal(2), signal(3)];
    const flat = (x: unknown) => JSON.stringify(x, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array, (y) => (Number.isNaN(y) ? 'NaN' : Object.is(y, -0) ? '-0' : y)) : v));
    for (const horizons of [[1, 3], [2, 5]]) {
      for (const quantiles of [0, 3, 7]) {
        const base = { dates: T, securities: N, signals, quantiles, lags: [1, 2], groups: null, correlation: true };
        const matrices = forwardReturns(panel, horizons).values;
        const h1 = horizons.indexOf(1);
        const forward1 = quantiles > 0 ? (h1 >= 0 ? matrices[h1] : forwardReturns(panel, [1]).values[0]) : null;
        const expected = researchPass({ ...base, forward: matrices, forward1 });
        const got = researchPass({ ...base, forward: [], forward1: null, forwardFrom: { prices: forwardPrices(panel), horizons, oneBar: quantiles > 0 } });
        assert.equal(flat(got), flat(expected), `horizons ${horizons}, k ${quantiles}`);
        assert.ok(expected.signals[0].ic[0].some((x) => Number.isFinite(x)), 'not vacuous');
        // grouped passes too
        const groups = { codes: Int32Array.from({ length: N }, (_, i) => (i === 3 ? -1 : i % 2)), perCell: false, count: 2 };
        const gExpected = researchPass({ ...base, correlation: false, groups, forward: matrices, forward1 });
        const gGot = researchPass({ ...base, correlation: false, groups, forward: [], forward1: null, forwardFrom: { prices: forwardPrices(panel), horizons, oneBar: quantiles > 0 } });
        assert.equal(flat(gGot), flat(gExpected), `grouped, horizons ${horizons}, k ${quantiles}`);
      }
    }
  });
});

describe('research pass: regression - a grouping with a single group', () => {
  it('gives the whole-cross-section statistics (it gave NaN ICs: the forward ranks of the grouped path were never written)', () => {
    const T = 15;
    const N = 30;
    const rnd = lcg(9);
    const sig = Float64Array.from({ length: T * N }, () => (rnd() < 0.1 ? NaN : Math.round(rnd() * 10)));
    const fwd = Float64Array.from({ length: T * N }, () => rnd() - 0.5);
    const base = { dates: T, securities: N, signals: [sig], forward: [fwd], forward1: fwd, quantiles: 3, lags: [1], correlation: false };
    const one = researchPass({ ...base, groups: { codes: new Int32Array(N), perCell: false, count: 1 } });
    const whole = researchPass({ ...base, groups: null });
    for (let t = 0; t < T; t++) {
      assert.ok(Number.isFinite(whole.signals[0].ic[0][t]));
      assert.ok(Math.abs(one.signals[0].ic[0][t] - whole.signals[0].ic[0][t]) < 1e-12, `t${t}`);
      assert.ok(Math.abs(one.signals[0].dateMean[0][t] - whole.signals[0].dateMean[0][t]) < 1e-12);
      for (let b = 0; b < 3; b++) assert.equal(one.signals[0].bucketCount[t * 3 + b], whole.signals[0].bucketCount[t * 3 + b]);
    }
  });
});

describe('research pass: blocks of dates on worker threads', () => {
  it('gives bit-identical series with 1 thread and with 3 (ring warm-up across block boundaries)', async function () {
    this.timeout(60000);
    const T = 90;
    const N = 37;
    const { s1, s2, f1, f5 } = randomPanel(T, N, 11);
    const input = { dates: T, securities: N, signals: [s1, s2], forward: [f1, f5], forward1: f1, quantiles: 3, lags: [1, 4], groups: null, correlation: true };
    const one = await runResearchPass(input, { threads: 1 });
    const three = await runResearchPass(input, { threads: 3 });
    const flat = (p: typeof one) => JSON.stringify(p, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array, (x) => (Number.isNaN(x) ? 'NaN' : x)) : v));
    assert.equal(flat(three), flat(one));
    // and the comparison is not vacuous: lags and turnover have values after the first block
    assert.ok(one.signals[1].autocorrelation[1].slice(40).some((x) => Number.isFinite(x)));
    assert.ok(one.signals[1].turnover[0].slice(40 * 3).some((x) => Number.isFinite(x)));
  });
});

describe('research pass: regression - idle pool workers kept the process alive', () => {
  it('a process that researched with worker threads exits on its own', function () {
    this.timeout(120000);
    const script = `
      const { runResearchPass } = require(${JSON.stringify(require.resolve('../kernel-lib/research/parallel-pass'))});
      const T = 64, N = 20, cells = new Float64Array(T * N).map((_, c) => Math.sin(c));
      runResearchPass({ dates: T, securities: N, signals: [cells], forward: [cells.map((x) => x * x)], forward1: null, quantiles: 2, lags: [1], groups: null, correlation: false }, { threads: 2 })
        .then((p) => console.log('ic', p.signals[0].ic[0].filter(Number.isFinite).length));`;
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script], { encoding: 'utf8', timeout: 90000 });
    assert.equal(r.error, undefined, 'the child timed out: something keeps its event loop alive');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ic \d+/);
  });
});
