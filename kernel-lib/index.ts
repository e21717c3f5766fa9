/**
 * Quantbook's public research API: `import * as qb from 'quantbook'`.
 * Everything not exported here is internal.
 */
export { QuantbookError, isQuantbookError } from './errors';
export * from './plot/chart';
export { renderSvg, chartMimeBundle } from './plot/render';
// indicators (polars expressions per security), stateful kernels, synthetic data
export * from './indicators';
export * from './kernels/index';
export { syntheticPanel, type SyntheticPanelOptions } from './data/synthetic';
// data (reading files)
export { readTable, parseDateColumn, parseNumberColumn, isIntradayDtype, type Table, type ReadTableOptions } from './data/read-table';
// data (catalog, snapshots, loaders, resampling)
export { DataCatalog, Snapshot, openSample, importSnapshot, importSnapshotDetailed, SAMPLE_NAME, type PriceQuery, type ImportOptions, type ImportOutcome } from './data/catalog';
export { loadPriceFile, type LoadPriceOptions, type PriceFile, type LoadReport } from './data/load-price-file';
export { resampleBars, type ResampleOptions } from './data/resample';
export { contentHash, CONTENT_HASH_VERSION } from './data/content-hash';
export { ManifestSchema, type Manifest, type Quality } from './data/manifest';
export type { InvalidAction, InvalidBarCounts } from './data/validate-prices';
// the signal contract: validation and lookahead-safe alignment (docs/contract.md)
export { validateSignal, type ValidateOptions } from './contract/validate';
export { alignSignal, type AlignOptions, type AlignedSignal } from './contract/align';
export { readSignalFile, validateSignalFile } from './contract/read-signal';
export { formatReport, type ValidationReport, type Problem, type ExampleRow } from './contract/report';
export { RULES, DROP_REASONS, type RuleId, type DropReason, type Severity } from './contract/rules';
export { REQUIRED_COLUMNS, OPTIONAL_COLUMNS } from './contract/columns';
export type { ContractContext, SnapshotLike } from './contract/context';
// one read of a signal and its context for validation plus several alignments (docs/contract.md)
export { signalKeys, type SignalKeys } from './contract/signal-keys';
export { resolveContext, type ResolvedContext } from './contract/context';
// strategies and the vectorized backtest engine (docs/engine.md, docs/metrics.md)
export { defineStrategy, type Strategy, type StrategySpec, type TargetKernel, type ParamDescription } from './strategy/define';
export { registerStrategy, getStrategy, listStrategies } from './strategy/registry';
export { smaCross, rsiReversion, donchianBreakout } from './strategy/builtins';
export { strategyArrays, type StrategyArrays, type StrategyArraysOptions } from './strategy/compute-targets';
export { parseParamsText } from './strategy/params-text';
export { backtest, type BacktestOptions } from './engine/backtest';
export type { BacktestResult, BacktestIdentity, BacktestMetrics, CostModel, DataIdentity, SavedBacktest } from './engine/result';
export { saveBacktest } from './engine/save';
export { backtestCharts, equityChart, underwaterChart, rollingSharpeChart, rollingBetaChart, tradesChart } from './engine/charts';
export { createMarket, createWorkspace, runEngine, fillEquity, type Market, type EngineWorkspace, type EngineConfig } from './engine/workspace';
export { inferFrequency, type Frequency } from './engine/frequency';
export { engineKernel, netReturnsKernel, equityKernel, type Execution, type EngineOutputs } from './kernels/engine';
export { returnMetricsKernel, exposureMetricsKernel, metricsBuffer, Metric, METRIC_NAMES, type MetricName } from './kernels/metrics';
// cross-sectional long-short backtest and the evaluation suite (docs/xsection.md, docs/suite.md)
export { xsectionBacktest, type XsectionData, type XsectionOptions } from './xsection/backtest';
export { xsectionConfigSchema, parseXsectionConfig, variantName, type XsectionConfig, type XsectionConfigInput } from './xsection/config';
export type { XsectionResult, XsDiagnostics } from './xsection/result';
export type { SliceSummary } from './xsection/summary';
export { frameSource, type FrameSource } from './xsection/frame-source';
export { runSuite, type SuiteOptions, type SuiteProgress } from './suite/runner';
export type { SuiteResult, SubjectResult, BaselineCorrelation, SkippedVariant } from './suite/result';
export { PRESETS, resolvePreset, type SuitePreset, type SuitePresetInput } from './suite/preset';
export { registerBaseline, unregisterBaseline, listBaselines, buildBaselines, baselineUnavailable, type BaselineDefinition } from './suite/baselines';
export { computeVerdict, verdictThresholdsSchema, type Verdict, type VerdictReason, type VerdictThresholds, type VerdictThresholdsInput } from './suite/verdict';
export { renderTearsheet, writeTearsheet } from './report/tearsheet';
export { suiteCharts, cumulativeChart, fractileChart, sliceSharpeChart, correlationChart } from './report/tearsheet-charts';
// factor research: IC, decay, quantiles, autocorrelation, leaderboard, regimes, signal correlations (docs/research.md)
export { researchSignals, DEFAULT_LAGS, DEFAULT_QUANTILES, type ResearchInput, type ResearchResult, type ResearchIdentity, type ResearchDaily } from './research/analyze';
export { researchPanel, type ResearchPanel, type ResearchPanelOptions } from './research/panel';
export { forwardReturns, DEFAULT_HORIZONS, type ForwardReturns } from './research/forward-returns';
export type { SignalSource, SnapshotSource } from './research/signal-source';
export type { SignalResearch, HorizonResearch } from './research/signal-summary';
export type { IcStats } from './research/ic';
export { cumulativeBucketReturns, type QuantileStats } from './research/quantiles';
export type { AutocorrelationStats } from './research/autocorrelation';
export type { TurnoverStats } from './research/turnover';
export type { Coverage, DataLoss } from './research/coverage';
export { leaderboard, leaderboardFrame, LEADERBOARD_COLUMNS, type LeaderboardRow, type LeaderboardOptions, type LeaderboardColumn } from './research/leaderboard';
export { regimeRows, regimeFrame, icByRegime, type RegimeOptions, type RegimeReport, type RegimeSlice, type RegimeRow } from './research/slices';
export { equalWeightIndex, trendRegime, volatilityRegime, yearRegime, type DateRegime } from './research/regimes';
export type { SignalCorrelation } from './research/correlation';
export { momentum12_1, reversal5d, BUILTIN_SIGNALS, builtinSignal, type BuiltinSignal } from './research/signals';
export { icSeriesChart, icDecayChart, quantileReturnsChart, cumulativeReturnsChart, regimeChart, correlationHeatmap } from './research/charts';
export { icDecay, DEFAULT_DECAY_HORIZONS, type DecayPoint } from './research/decay';
export { icFrame, quantileFrame, coverageFrame } from './research/frames';
// notebook display and the run history
export { show, display, mimeBundle } from './notebook/display';
export { RunHistory, type RunInput, type RunList, type StoredRun, type DamagedRun, type HistoryOptions } from './tracking/run-history';
export { recordRun, runHistory, useRunHistory } from './tracking/record-run';
export { compareChart, type RunComparison } from './tracking/run-compare';
export type { RunFilter, MetricCondition } from './tracking/run-filter';
export type { RunRecord, DataRef } from './tracking/run-record';
export { noteDataUsed, onQuantbookEvent, type QuantbookEvent } from './tracking/events';
export { newRunId } from './tracking/run-id';
// notebooks: run headless, export as a report
export { runNotebook, type RunNotebookOptions, type NotebookRun, type NotebookProvenance, type CellRun, type CellError } from './notebook/notebook-runner';
export { exportNotebook, type ExportNotebookOptions, type NotebookExport } from './report/notebook-export';
// parameter search and walk-forward analysis
export { optimize, type OptimizeOptions } from './optimize/optimize';
export type { OptimizeResult, OptimizeProgress, TrialResult, TrialFailure, Direction } from './optimize/results';
export { parseParamSpace, gridParamSets, type ParamSpace, type ParamRange, type ParamValue, type ParamSets } from './optimize/grid';
export { randomParamSets, type RandomSearchOptions } from './optimize/random';
export { deflatedSharpe, expectedMaxSharpe, probabilisticSharpe, returnMoments, normalCdf, normalQuantile, type DeflatedSharpe } from './optimize/deflated-sharpe';
export { optimizeHeatmap, type HeatmapOptions } from './optimize/heatmap';
export { walkForward, type WalkForwardOptions, type WalkForwardProgress } from './wfa/walk-forward';
export type { WalkForwardResult, WindowResult, SavedWalkForward } from './wfa/result';
export { walkForwardWindows, parsePeriod, type WalkForwardWindow, type WindowLength } from './wfa/windows';
export { warmupBars } from './wfa/warmup';
export { walkForwardCharts, oosEquityChart, chosenParamsChart, isVsOosChart } from './wfa/charts';
