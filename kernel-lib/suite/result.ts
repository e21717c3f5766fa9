import type pl from 'nodejs-polars';
import type { ValidationReport } from '../contract/report';
import type { RunRecord } from '../tracking/run-record';
import type { XsectionConfig } from '../xsection/config';
import type { DropCounts, XsectionResult } from '../xsection/result';
import type { SuitePreset } from './preset';
import type { Verdict } from './verdict';

/** A variant the suite could not run (e.g. industry residualization without group labels). */
export interface SkippedVariant {
  name: string;
  config: XsectionConfig;
  reason: string;
}

export interface SubjectResult {
  /** 'signal' for the user's signal, else the baseline name. */
  name: string;
  available: boolean;
  /** Why a baseline is unavailable. */
  reason?: string;
  variants: XsectionResult[];
  skipped: SkippedVariant[];
  /** Rows of the signal table and what the contract and the matrix dropped, by reason. */
  rows?: { input: number; dropped: DropCounts };
}

export interface BaselineCorrelation {
  baseline: string;
  available: boolean;
  reason?: string;
  /** Mean over dates of the cross-sectional Spearman correlation of the two lag-0 aligned signals. */
  signal_correlation: number;
  signal_correlation_dates: number;
  /** Pearson correlation of the daily net PnL of the two headline variants over dates both were active. */
  pnl_correlation: number;
  pnl_correlation_days: number;
}

export interface SuiteResult {
  signalName: string;
  snapshot: { snapshot_id: string; content_hash: string; name?: string };
  preset: SuitePreset;
  signal: SubjectResult;
  baselines: SubjectResult[];
  correlations: BaselineCorrelation[];
  /** One row per (subject, variant): subject, variant, lag, residualize, and the overall metrics. */
  summary: pl.DataFrame;
  verdict: Verdict;
  /** The variant the verdict quotes (lag 0, no residualization) and the best by net Sharpe. */
  headline: XsectionResult;
  best: XsectionResult;
  /** Definition of the cap buckets, for the tear sheet. */
  capDefinition: string;
  /** Parts of the suite that could not run on this data, with the reason. */
  unavailable: Record<string, string>;
  timings: Record<string, number>;
  /** The signal's validation report, and the contract errors the suite ran despite. */
  contract: { report?: ValidationReport; errors: { rule: string; count: number; message: string }[] };
  /** The history record, when the run was recorded. */
  run?: RunRecord;
}
