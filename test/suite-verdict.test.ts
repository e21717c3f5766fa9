import { strict as assert } from 'node:assert';
import { computeVerdict, type VerdictInput, type VerdictVariant } from '../kernel-lib/suite/verdict';

/** A suite whose lag-0/1 and industry variants have the given net Sharpe ratios. */
function suite(s: { lag0: number; lag1?: number; lag2?: number; industry?: number }, extra: Partial<VerdictInput> = {}, head: Partial<VerdictVariant> = {}): VerdictInput {
  const v = (lag: number, residualize: string, sharpe: number, more: Partial<VerdictVariant> = {}): VerdictVariant => ({
    name: `lag${lag}_${residualize === 'off' ? 'raw' : residualize}`, lag, residualize, sharpe_net: sharpe, turnover: 0.2, small_cap_share: 0.33,
    cap_sharpe: { small: sharpe, mid: sharpe, large: sharpe }, ...more,
  });
  const variants = [v(0, 'off', s.lag0, head)];
  if (s.lag1 !== undefined) variants.push(v(1, 'off', s.lag1));
  if (s.lag2 !== undefined) variants.push(v(2, 'off', s.lag2));
  if (s.industry !== undefined) variants.push(v(0, 'industry', s.industry));
  return {
    variants,
    baselines: [
      { name: 'momentum_12_1', available: true, signal_correlation: 0.1, pnl_correlation: 0.05 },
      { name: 'value', available: false, signal_correlation: NaN, pnl_correlation: NaN },
    ],
    industryAvailable: true,
    ...extra,
  };
}

const levels = (v: ReturnType<typeof computeVerdict>) => v.reasons.map((r) => `${r.level}:${r.criterion}`);

describe('suite: verdict rules', () => {
  it('green: Sharpe > 1, survives lag and residualization, not a clone', () => {
    const v = computeVerdict(suite({ lag0: 1.5, lag1: 1.2, industry: 1.1 }));
    assert.equal(v.light, 'green');
    assert.deepEqual(levels(v), ['pass:sharpe', 'pass:lag', 'pass:residualization', 'pass:clone']);
    assert.equal(v.suspect, false);
  });

  it('yellow: Sharpe between 0.5 and 1.0', () => {
    const v = computeVerdict(suite({ lag0: 0.8, lag1: 0.7, industry: 0.7 }));
    assert.equal(v.light, 'yellow');
    assert.ok(levels(v).includes('yellow:sharpe'));
  });

  it('red: Sharpe below 0.5', () => {
    assert.equal(computeVerdict(suite({ lag0: 0.3, lag1: 0.3, industry: 0.3 })).light, 'red');
    assert.equal(computeVerdict(suite({ lag0: NaN, lag1: 0.3, industry: 0.3 })).light, 'red');
  });

  it('red: dies with lag (lag 1 below the red floor); yellow: decays (keeps less than 50%)', () => {
    const dies = computeVerdict(suite({ lag0: 1.5, lag1: 0.4, industry: 1.4 }));
    assert.equal(dies.light, 'red');
    assert.ok(levels(dies).includes('red:lag'));
    const decays = computeVerdict(suite({ lag0: 2.0, lag1: 0.9, industry: 1.9 }));
    assert.equal(decays.light, 'yellow');
    assert.ok(levels(decays).includes('yellow:lag'));
  });

  it('yellow: mostly an industry bet', () => {
    const v = computeVerdict(suite({ lag0: 1.5, lag1: 1.4, industry: 0.6 }));
    assert.equal(v.light, 'yellow');
    assert.ok(levels(v).includes('yellow:residualization'));
  });

  it('red: a clone of a baseline by signal or by PnL correlation (absolute value)', () => {
    for (const [sc, pc] of [[0.75, 0.2], [0.1, -0.8]]) {
      const input = suite({ lag0: 1.5, lag1: 1.4, industry: 1.3 });
      input.baselines[0] = { name: 'reversal_5d', available: true, signal_correlation: sc, pnl_correlation: pc };
      const v = computeVerdict(input);
      assert.equal(v.light, 'red');
      assert.match(v.reasons.find((r) => r.criterion === 'clone')!.text, /clone of baseline reversal_5d/);
    }
  });

  it('too good to be true: Sharpe above 5, or far above its lag-1 value, is red and suspect', () => {
    const huge = computeVerdict(suite({ lag0: 9, lag1: 8, industry: 8 }));
    assert.equal(huge.light, 'red');
    assert.equal(huge.suspect, true);
    const collapse = computeVerdict(suite({ lag0: 4, lag1: 0.6, industry: 4 }));
    assert.equal(collapse.suspect, true);
    assert.equal(collapse.light, 'red');
    assert.match(collapse.headline, /lookahead/);
    // a strong signal that keeps its Sharpe is not suspect
    assert.equal(computeVerdict(suite({ lag0: 3.5, lag1: 3.0, industry: 3.0 })).suspect, false);
  });

  it('yellow: high turnover and small-cap concentration', () => {
    const turnover = computeVerdict(suite({ lag0: 1.5, lag1: 1.4, industry: 1.3 }, {}, { turnover: 1.6 }));
    assert.equal(turnover.light, 'yellow');
    assert.ok(levels(turnover).includes('yellow:turnover'));
    const share = computeVerdict(suite({ lag0: 1.5, lag1: 1.4, industry: 1.3 }, {}, { small_cap_share: 0.62 }));
    assert.ok(levels(share).includes('yellow:small_cap'));
    const bySharpe = computeVerdict(suite({ lag0: 1.5, lag1: 1.4, industry: 1.3 }, {}, { cap_sharpe: { small: 2.0, mid: 1.0, large: 0.4 } }));
    assert.ok(levels(bySharpe).includes('yellow:small_cap'));
  });

  it('cannot be green when a requirement is unchecked (no lag-1 variant, no groups, no baselines)', () => {
    assert.equal(computeVerdict(suite({ lag0: 1.5, industry: 1.4 })).light, 'yellow');
    assert.equal(computeVerdict(suite({ lag0: 1.5, lag1: 1.4 }, { industryAvailable: false })).light, 'yellow');
    assert.equal(computeVerdict(suite({ lag0: 1.5, lag1: 1.4, industry: 1.4 }, { baselines: [] })).light, 'yellow');
  });

  it('thresholds are configurable and reported', () => {
    const input = suite({ lag0: 1.5, lag1: 1.4, industry: 1.3 });
    const strict = computeVerdict(input, { greenSharpe: 2 });
    assert.equal(strict.light, 'yellow');
    assert.equal(strict.thresholds.greenSharpe, 2);
    assert.equal(strict.thresholds.redSharpe, 0.5);
    assert.throws(() => computeVerdict(input, { lagRetention: 2 }), /lagRetention/);
  });

  it('the contract\'s suspected lookahead makes the verdict red and suspect', () => {
    const v = computeVerdict(suite({ lag0: 1.5, lag1: 1.4, industry: 1.3 }, { contractErrors: [{ rule: 'suspected_lookahead', count: 100, message: 'IC 0.9 with the first tradeable return' }] }));
    assert.equal(v.light, 'red');
    assert.equal(v.suspect, true);
  });
});
