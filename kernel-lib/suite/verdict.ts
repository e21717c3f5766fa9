import { z } from 'zod';
import { QuantbookError } from '../errors';

/**
 * The traffic light of a suite run (docs/suite.md, "Verdict"). Every criterion is precise,
 * uses NET-of-cost Sharpe ratios of the overall slice, and reads its threshold from
 * `VerdictThresholds` (all configurable; the tear sheet prints the values used).
 */
export const verdictThresholdsSchema = z
  .object({
    /** Green needs the headline net Sharpe above this. */
    greenSharpe: z.number().default(1.0),
    /** Red when the headline net Sharpe is below this; also the floor a lagged / residualized variant must keep. */
    redSharpe: z.number().default(0.5),
    /** Survives lag: Sharpe(lag 1) >= lagRetention x Sharpe(lag 0) and Sharpe(lag 1) >= redSharpe. */
    lagRetention: z.number().min(0).max(1).default(0.5),
    /** Survives residualization: Sharpe(lag 0, industry) >= residualRetention x Sharpe(lag 0) and >= redSharpe. */
    residualRetention: z.number().min(0).max(1).default(0.5),
    /** Clone: |signal correlation| or |daily PnL correlation| with a baseline above this (red). */
    cloneCorrelation: z.number().min(0).max(1).default(0.7),
    /** High turnover: the headline variant's mean daily turnover (sum |dw| per dollar of capital) above this (yellow). */
    maxDailyTurnover: z.number().positive().default(1.0),
    /** Small-cap concentration (yellow): mean share of gross weight in the small-cap tercile above this ... */
    smallCapWeightShare: z.number().min(0).max(1).default(0.5),
    /** ... or the large-cap tercile's net Sharpe below this fraction of the small-cap tercile's, when the small-cap one is above greenSharpe. */
    largeToSmallSharpe: z.number().min(0).max(1).default(0.5),
    /** Too good to be true (red, suspect lookahead): headline Sharpe above this ... */
    suspectSharpe: z.number().positive().default(5.0),
    /** ... or Sharpe(lag 0) above suspectLagSharpe while Sharpe(lag 1) < suspectLagRatio x Sharpe(lag 0). */
    suspectLagSharpe: z.number().positive().default(3.0),
    suspectLagRatio: z.number().min(0).max(1).default(0.25),
  })
  .strict();

export type VerdictThresholds = z.output<typeof verdictThresholdsSchema>;
export type VerdictThresholdsInput = z.input<typeof verdictThresholdsSchema>;

export function parseVerdictThresholds(input: VerdictThresholdsInput = {}): VerdictThresholds {
  const parsed = verdictThresholdsSchema.safeParse(input);
  if (!parsed.success) {
    throw new QuantbookError(
      'BAD_PARAMETER',
      `verdict thresholds: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      'see docs/suite.md "Verdict" for each threshold and its default',
    );
  }
  return parsed.data;
}

export type Light = 'green' | 'yellow' | 'red';

export interface VerdictReason {
  /** 'pass' explains why a green requirement holds; 'info' notes what could not be checked. */
  level: Light | 'pass' | 'info';
  criterion: 'sharpe' | 'lag' | 'residualization' | 'clone' | 'turnover' | 'small_cap' | 'suspect' | 'contract';
  text: string;
}

export interface Verdict {
  light: Light;
  /** One line: the light and its main reason. */
  headline: string;
  reasons: VerdictReason[];
  /** True when the result looks too good to be true (check for lookahead). */
  suspect: boolean;
  thresholds: VerdictThresholds;
  /** The variant whose numbers the verdict quotes. */
  headlineVariant: string;
}

/** What the verdict reads from a suite: the signal's variants and its correlations with the baselines. */
export interface VerdictVariant {
  name: string;
  lag: number;
  residualize: string;
  sharpe_net: number;
  turnover: number;
  small_cap_share: number;
  /** Net Sharpe of the within-bucket portfolios, by bucket name (small, mid, large). */
  cap_sharpe: Partial<Record<'small' | 'mid' | 'large', number>>;
}

export interface VerdictBaseline {
  name: string;
  available: boolean;
  signal_correlation: number;
  pnl_correlation: number;
}

export interface VerdictInput {
  variants: VerdictVariant[];
  baselines: VerdictBaseline[];
  /** Whether industry residualization could run (group labels exist). */
  industryAvailable: boolean;
  /** Errors validateSignal reported that the suite ran despite (row-level drops, suspected lookahead). */
  contractErrors?: { rule: string; count: number; message: string }[];
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

export function computeVerdict(input: VerdictInput, thresholdsInput: VerdictThresholdsInput = {}): Verdict {
  const th = parseVerdictThresholds(thresholdsInput);
  const find = (lag: number, residualize: string) => input.variants.find((v) => v.lag === lag && v.residualize === residualize);
  const head = find(0, 'off') ?? input.variants[0];
  if (!head) throw new QuantbookError('EMPTY_SUITE', 'the suite has no variants to judge', 'run at least the lag 0 / residualize off variant');
  const reasons: VerdictReason[] = [];
  const s0 = head.sharpe_net;
  let suspect = false;

  // Sharpe level
  if (!(s0 >= th.redSharpe)) reasons.push({ level: 'red', criterion: 'sharpe', text: `net Sharpe ${f2(s0)} (${head.name}) is below ${th.redSharpe}` });
  else if (!(s0 > th.greenSharpe)) reasons.push({ level: 'yellow', criterion: 'sharpe', text: `net Sharpe ${f2(s0)} (${head.name}) is between ${th.redSharpe} and ${th.greenSharpe}` });
  else reasons.push({ level: 'pass', criterion: 'sharpe', text: `net Sharpe ${f2(s0)} (${head.name}) is above ${th.greenSharpe}` });

  // Lag, and the too-good-to-be-true check that compares lag 0 with lag 1
  const lag1 = find(head.lag + 1, head.residualize);
  const s1 = lag1 ? lag1.sharpe_net : NaN;
  if (s0 > th.suspectSharpe || (lag1 && s0 > th.suspectLagSharpe && !(s1 >= th.suspectLagRatio * s0))) {
    suspect = true;
    reasons.push({
      level: 'red',
      criterion: 'suspect',
      text:
        `too good to be true: net Sharpe ${f2(s0)} at lag ${head.lag}` +
        (lag1 ? ` vs ${f2(s1)} at lag ${lag1.lag}` : '') +
        ` (flagged above ${th.suspectSharpe}, or above ${th.suspectLagSharpe} when lag+1 keeps less than ${th.suspectLagRatio * 100}%): check the signal for lookahead (date_avail, future returns)`,
    });
  }
  if (!lag1) reasons.push({ level: 'info', criterion: 'lag', text: 'no lag+1 variant in the suite: lag robustness not checked' });
  else if (s0 >= th.redSharpe) {
    const ratio = s1 / s0;
    if (!(s1 >= th.redSharpe)) {
      reasons.push({ level: 'red', criterion: 'lag', text: `dies with lag: net Sharpe falls from ${f2(s0)} to ${f2(s1)} at lag ${lag1.lag} (below ${th.redSharpe})` });
    } else if (!(s1 >= th.lagRetention * s0)) {
      reasons.push({ level: 'yellow', criterion: 'lag', text: `decays with lag: lag ${lag1.lag} keeps ${f2(ratio * 100)}% of the lag ${head.lag} Sharpe (needs ${th.lagRetention * 100}%)` });
    } else {
      reasons.push({ level: 'pass', criterion: 'lag', text: `survives lag: net Sharpe ${f2(s1)} at lag ${lag1.lag} (${f2(ratio * 100)}% of lag ${head.lag})` });
    }
  } else {
    reasons.push({ level: 'info', criterion: 'lag', text: `lag ${lag1.lag}: net Sharpe ${f2(s1)} (not judged: the headline Sharpe is below ${th.redSharpe})` });
  }

  // Residualization
  const ind = find(head.lag, 'industry');
  if (!ind || !input.industryAvailable || !Number.isFinite(ind.sharpe_net)) {
    reasons.push({ level: 'info', criterion: 'residualization', text: 'industry residualization not checked (no group labels or no industry variant)' });
  } else if (s0 >= th.redSharpe) {
    const si = ind.sharpe_net;
    if (!(si >= th.redSharpe) || !(si >= th.residualRetention * s0)) {
      reasons.push({ level: 'yellow', criterion: 'residualization', text: `mostly an industry bet: net Sharpe ${f2(si)} after industry residualization vs ${f2(s0)} (needs >= ${th.residualRetention * 100}% and >= ${th.redSharpe})` });
    } else {
      reasons.push({ level: 'pass', criterion: 'residualization', text: `survives industry residualization: net Sharpe ${f2(si)}` });
    }
  } else {
    reasons.push({ level: 'info', criterion: 'residualization', text: `industry residualized: net Sharpe ${f2(ind.sharpe_net)} (not judged: the headline Sharpe is below ${th.redSharpe})` });
  }

  // Clone of a baseline
  const available = input.baselines.filter((b) => b.available);
  let clone = false;
  for (const b of available) {
    const sc = Math.abs(b.signal_correlation);
    const pc = Math.abs(b.pnl_correlation);
    if (sc > th.cloneCorrelation || pc > th.cloneCorrelation) {
      clone = true;
      reasons.push({
        level: 'red',
        criterion: 'clone',
        text: `clone of baseline ${b.name}: signal correlation ${f2(b.signal_correlation)}, daily PnL correlation ${f2(b.pnl_correlation)} (limit |${th.cloneCorrelation}|)`,
      });
    }
  }
  if (!clone && available.length) {
    const worst = available.reduce((a, b) => (maxAbs(b) > maxAbs(a) ? b : a));
    reasons.push({ level: 'pass', criterion: 'clone', text: `not a baseline clone: highest correlation ${f2(maxAbs(worst))} (${worst.name}), limit ${th.cloneCorrelation}` });
  }
  if (!available.length) reasons.push({ level: 'info', criterion: 'clone', text: 'no baseline available: uniqueness not checked' });

  // Turnover
  if (head.turnover > th.maxDailyTurnover) {
    reasons.push({ level: 'yellow', criterion: 'turnover', text: `high turnover: ${f2(head.turnover)} per day (limit ${th.maxDailyTurnover})` });
  }

  // Small-cap concentration
  const small = head.cap_sharpe.small;
  const large = head.cap_sharpe.large;
  if (head.small_cap_share > th.smallCapWeightShare) {
    reasons.push({ level: 'yellow', criterion: 'small_cap', text: `small-cap concentration: ${f2(head.small_cap_share * 100)}% of gross weight in the small-cap tercile (limit ${th.smallCapWeightShare * 100}%)` });
  } else if (small !== undefined && large !== undefined && small > th.greenSharpe && !(large >= th.largeToSmallSharpe * small)) {
    reasons.push({ level: 'yellow', criterion: 'small_cap', text: `small-cap concentration: net Sharpe ${f2(large)} in large caps vs ${f2(small)} in small caps (needs >= ${th.largeToSmallSharpe * 100}%)` });
  }

  // The contract's own findings
  for (const e of input.contractErrors ?? []) {
    if (e.rule === 'suspected_lookahead') {
      suspect = true;
      reasons.push({ level: 'red', criterion: 'suspect', text: `the signal contract suspects lookahead: ${e.message}` });
    } else {
      reasons.push({ level: 'yellow', criterion: 'contract', text: `the signal file breaks the contract (${e.rule}, ${e.count} rows dropped): ${e.message}` });
    }
  }

  const light: Light = reasons.some((r) => r.level === 'red')
    ? 'red'
    : reasons.some((r) => r.level === 'yellow' || r.level === 'info')
      ? 'yellow'
      : 'green';
  const main = reasons.find((r) => r.level === light) ?? reasons.find((r) => r.level === 'info') ?? reasons[0];
  return {
    light,
    headline: `${light.toUpperCase()}: ${main.text}`,
    reasons,
    suspect,
    thresholds: th,
    headlineVariant: head.name,
  };
}

function maxAbs(b: VerdictBaseline): number {
  const xs = [Math.abs(b.signal_correlation), Math.abs(b.pnl_correlation)].filter(Number.isFinite);
  return xs.length ? Math.max(...xs) : NaN;
}
