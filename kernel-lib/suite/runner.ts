import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import type { SnapshotLike } from '../contract/context';
import { maskedPearson } from '../kernels/xsection-correlation';
import { DayStatus } from '../kernels/xsection-longshort';
import { recordRun } from '../tracking/record-run';
import type { RunHistory } from '../tracking/run-history';
import { loadPanel } from '../xsection/backtest';
import { variantName, type XsectionConfig } from '../xsection/config';
import { contractStep, type ContractStep } from '../xsection/contract-step';
import { SIZE_MIN_PERIODS, SIZE_WINDOW, type XsPanel } from '../xsection/panel';
import { assembleResult, type XsectionResult } from '../xsection/result';
import { laggedOutRows } from '../xsection/signal-matrix';
import { buildBaselines, listBaselines, type BaselineSource, type BuiltBaseline } from './baselines';
import type { SharedSuiteData, SuiteJob, SuiteJobResult } from './jobs';
import { JobPool, throwIfAborted } from './pool';
import { presetConfigs, resolvePreset, type SuitePresetInput } from './preset';
import type { BaselineCorrelation, SkippedVariant, SubjectResult, SuiteResult } from './result';
import { suiteArtifacts } from './record';
import { computeVerdict, type VerdictThresholdsInput } from './verdict';

/** One progress event; the CLI prints these as JSON lines with --progress-json (docs/suite.md). */
export interface SuiteProgress {
  type: 'progress';
  /** Steps finished and the total (the total can grow once the jobs are known). */
  done: number;
  total: number;
  label: string;
}

export interface SuiteOptions {
  /** Name of the signal (default: its signal_name column, else 'signal'). */
  name?: string;
  /** 'standard' (default), 'quick', or a preset object. */
  preset?: string | SuitePresetInput;
  /** Baselines to run (default: every registered one); false for none. */
  baselines?: string[] | false;
  thresholds?: VerdictThresholdsInput;
  /** Worker threads: 0 runs on the calling thread; 'auto' (default) uses min(cores, jobs) for large panels and the calling thread for small ones. */
  threads?: number | 'auto';
  /** Cancels the run: stops dispatching, terminates the workers, rejects with QuantbookError CANCELLED. */
  abort?: AbortSignal;
  onProgress?: (event: SuiteProgress) => void;
  /** Record the run in the history (true: the default history) with its artifacts. Default false. */
  record?: boolean | RunHistory;
  /** Also attach this rendered tear sheet to the recorded run (see report/tearsheet). */
  tearsheet?: (suite: SuiteResult) => string;
  /** Run validateSignal on the signal first (default true). */
  validate?: boolean;
  /** File the signal came from, for messages and the record. */
  file?: string;
  /** Risk factor / cost columns (date, security_id, ...) for factor residualization or spread costs. */
  risk?: pl.DataFrame | pl.LazyFrame;
  /** Tags added to the recorded run. */
  tags?: string[];
  /**
   * Which variants the baselines run: 'headline' (default: the verdict's variant, lag 0 without
   * residualization - one backtest per baseline, as seed 002's baseline_results) or 'all' (the
   * whole preset matrix, like the signal).
   */
  baselineVariants?: 'headline' | 'all';
}

/** Below this many panel cells the jobs run on the calling thread: starting workers would cost more than they save. */
const INLINE_CELLS = 2_000_000;

export const CAP_DEFINITION =
  `Cap buckets: terciles per date of a size/liquidity proxy, the median daily dollar volume (close x volume) over the previous ${SIZE_WINDOW} trading days ` +
  `(at least ${SIZE_MIN_PERIODS} observations, the trade date itself excluded, so no lookahead). The data has no market capitalisation, so liquidity stands in for size.`;

/**
 * The evaluation suite (docs/suite.md): the preset's config matrix for the signal and for each
 * baseline, run on worker threads over shared data, the correlations of the signal with the
 * baselines, the verdict, and optionally a history record with artifacts.
 */
export async function runSuite(signal: pl.DataFrame | pl.LazyFrame, snapshot: SnapshotLike & BaselineSource & { groups?(): pl.LazyFrame; manifest: { snapshot_id: string; content_hash?: string; name?: string } }, options: SuiteOptions = {}): Promise<SuiteResult> {
  const started = Date.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = Date.now() - since);
  const preset = resolvePreset(options.preset);
  const configs = presetConfigs(preset);
  const names = options.baselines === false ? [] : (options.baselines ?? listBaselines().map((b) => b.name));
  let done = 0;
  // steps: prices, contract, each baseline, every variant of every subject, the correlations, verdict, done
  let total = 2 + names.length + configs.length + (options.baselineVariants === 'all' ? configs.length : 1) * names.length + names.length + 2;
  const progress = (label: string, step = 1) => {
    done += step;
    options.onProgress?.({ type: 'progress', done, total, label });
  };
  options.onProgress?.({ type: 'progress', done: 0, total, label: 'loading prices' });

  let t = Date.now();
  const { panel, calendar } = await loadPanel(snapshot, configs, options.risk);
  lap('load_prices', t);
  throwIfAborted(options.abort);
  progress('prices loaded; checking the signal and building the baselines');

  // Each subject's backtests start on the workers the moment its matrix is ready: the signal's
  // variants run while the baselines are built and aligned on this thread.
  t = Date.now();
  const frame = 'collectSync' in signal ? await (signal as pl.LazyFrame).collect() : (signal as pl.DataFrame);
  const signalName = options.name ?? (await nameOf(frame));
  const withCap = preset.slices.includes('cap');
  const shared: SharedSuiteData = { panel: sharedPanel(panel), signals: {} };
  const threads = options.threads === undefined || options.threads === 'auto' ? (panel.calendar.length * panel.securities.length < INLINE_CELLS ? 0 : undefined) : options.threads;
  const jobLabel = (job: SuiteJob) => (job.kind === 'variant' ? `${job.signal === 'signal' ? signalName : job.signal.slice(9)} ${variantName(job.config)}` : `correlation ${job.b.slice(9)}`);
  const pool = new JobPool(shared, { threads, signal: options.abort, onJobDone: (job) => progress(jobLabel(job)) });
  const submitted: { job: SuiteJob; result: Promise<SuiteJobResult> }[] = [];
  const submit = (job: SuiteJob) => {
    const result = pool.submit(job);
    result.catch(() => undefined); // awaited below; a failure is reported there, not as unhandled
    submitted.push({ job, result });
  };
  const skipped = new Map<string, SkippedVariant[]>();
  const headlineConfig = pickHeadlineConfig(configs);
  const submitVariants = (key: string) => {
    const list: SkippedVariant[] = [];
    const subjectConfigs = key === 'signal' || options.baselineVariants === 'all' ? configs : [headlineConfig];
    for (const config of subjectConfigs) {
      const reason = unavailableReason(panel, config);
      if (reason) list.push({ name: variantName(config), config, reason });
      // the cap books are reported for the signal only: the baselines' serve no rule or table
      else submit({ kind: 'variant', signal: key, config, cap: withCap && key === 'signal' });
    }
    skipped.set(key, list);
    return subjectConfigs.length - list.length;
  };
  const perSubject = options.baselineVariants === 'all' ? configs.length : 1;
  const built: BuiltBaseline[] = [];
  const baselineSteps = new Map<string, ContractStep>();
  let mainStep: ContractStep;
  let results: SuiteJobResult[];
  try {
    // The signal first; its variants then run on the workers while the baselines are built.
    // (Running the signal's and the baselines' contract steps at once measured slower here:
    // both fight for the same two cores and polars thread pool.)
    mainStep = await contractStep(frame, { snapshot, calendar, panel, validate: options.validate ?? true, file: options.file });
    throwIfAborted(options.abort);
    lap('signal_contract', t);
    pool.share('signal', mainStep.matrix.values);
    total -= configs.length - submitVariants('signal');
    progress('signal checked and aligned (contract)');
    const tb = Date.now();
    for (const name of names) {
      const [b] = await buildBaselines(snapshot, [name]);
      built.push(b);
      throwIfAborted(options.abort);
      if (b.available && b.signal) {
        const step = await contractStep(b.signal, { calendar, panel, validate: false });
        throwIfAborted(options.abort);
        baselineSteps.set(b.name, step);
        pool.share(`baseline:${b.name}`, step.matrix.values);
        submitVariants(`baseline:${b.name}`);
      } else total -= perSubject + 1;
      progress(`baseline ${b.name}${b.available ? '' : ' (unavailable)'}`);
    }
    lap('baselines', tb);
    for (const name of baselineSteps.keys()) submit({ kind: 'spearman', a: 'signal', b: `baseline:${name}`, minCount: configs[0].mincos });
    const tw = Date.now();
    results = await Promise.all(submitted.map((x) => x.result));
    // the backtests run from the moment the signal is aligned; this is the wait after the baselines
    lap('backtests_wait', tw);
  } finally {
    await pool.close();
  }
  const signalStep: ContractStep = mainStep;
  const jobs = submitted.map((x) => x.job);

  t = Date.now();
  const variantsOf = new Map<string, XsectionResult[]>();
  const spearman = new Map<string, { mean: number; dates: number }>();
  jobs.forEach((job, k) => {
    const r = results[k];
    if (job.kind === 'variant' && r.kind === 'variant') {
      const step = job.signal === 'signal' ? signalStep : baselineSteps.get(job.signal.slice(9))!;
      const lagged = laggedOutRows(step.matrix.values, panel.calendar.length, panel.securities.length, job.config.lag);
      const result = assembleResult({
        panel,
        signal: step.matrix.values,
        lagOffset: job.config.lag,
        config: job.config,
        arrays: r.arrays,
        name: variantName(job.config),
        signalRows: { input: step.rows.input, dropped: { ...step.rows.dropped, ...(lagged ? { last_date_no_return: lagged } : {}) } },
      });
      const list = variantsOf.get(job.signal) ?? [];
      list.push(result);
      variantsOf.set(job.signal, list);
    } else if (job.kind === 'spearman' && r.kind === 'spearman') spearman.set(job.b.slice(9), r.value);
  });

  const signalVariants = variantsOf.get('signal') ?? [];
  if (!signalVariants.length) throw new QuantbookError('EMPTY_SUITE', `no variant of the suite could run: ${(skipped.get('signal') ?? []).map((s) => s.reason).join('; ')}`, 'add group labels or choose a preset without industry residualization');
  const headline = pickHeadline(signalVariants);
  const best = signalVariants.reduce((a, b) => (!(a.metrics.sharpe_net >= b.metrics.sharpe_net) && b.metrics.sharpe_net === b.metrics.sharpe_net ? b : a));

  const signalSubject: SubjectResult = { name: 'signal', available: true, variants: signalVariants, skipped: skipped.get('signal') ?? [], rows: signalStep.rows };
  const baselines: SubjectResult[] = built.map((b) => {
    const key = `baseline:${b.name}`;
    const step = baselineSteps.get(b.name);
    return {
      name: b.name,
      available: b.available,
      ...(b.reason !== undefined && { reason: b.reason }),
      variants: variantsOf.get(key) ?? [],
      skipped: skipped.get(key) ?? [],
      ...(step && { rows: step.rows }),
    };
  });
  const correlations = baselines.map((b): BaselineCorrelation => {
    if (!b.available) return { baseline: b.name, available: false, reason: b.reason, signal_correlation: NaN, signal_correlation_dates: 0, pnl_correlation: NaN, pnl_correlation_days: 0 };
    const s = spearman.get(b.name) ?? { mean: NaN, dates: 0 };
    const other = b.variants.find((v) => v.name === headline.name);
    const pnl = other ? pnlCorrelation(headline, other) : { correlation: NaN, days: 0 };
    return { baseline: b.name, available: true, signal_correlation: s.mean, signal_correlation_dates: s.dates, pnl_correlation: pnl.correlation, pnl_correlation_days: pnl.days };
  });

  const verdict = computeVerdict(
    {
      variants: signalVariants.map((v) => ({
        name: v.name,
        lag: v.config.lag,
        residualize: v.config.residualize,
        sharpe_net: v.metrics.sharpe_net,
        turnover: v.metrics.turnover,
        small_cap_share: v.metrics.small_cap_share,
        cap_sharpe: Object.fromEntries(v.summaryRows.filter((r) => r.slice_type === 'cap').map((r) => [r.slice, r.sharpe_net])),
      })),
      baselines: correlations.map((c) => ({ name: c.baseline, available: c.available, signal_correlation: c.signal_correlation, pnl_correlation: c.pnl_correlation })),
      industryAvailable: !panel.unavailable.industry,
      contractErrors: signalStep.errors,
    },
    options.thresholds,
  );
  lap('assemble', t);
  progress('verdict');

  const suite: SuiteResult = {
    signalName,
    snapshot: { snapshot_id: snapshot.manifest.snapshot_id, content_hash: snapshot.manifest.content_hash ?? '', ...(snapshot.manifest.name !== undefined && { name: snapshot.manifest.name }) },
    preset,
    signal: signalSubject,
    baselines,
    correlations,
    summary: suiteSummary(signalSubject, baselines),
    verdict,
    headline,
    best,
    capDefinition: CAP_DEFINITION,
    unavailable: { ...panel.unavailable, ...Object.fromEntries(baselines.filter((b) => !b.available).map((b) => [`baseline ${b.name}`, b.reason ?? ''])) },
    timings,
    contract: { report: signalStep.report, errors: signalStep.errors },
  };

  if (options.record) {
    t = Date.now();
    const history = options.record === true ? undefined : options.record;
    timings.total = Date.now() - started;
    suite.run = await recordRun(
      {
        kind: 'suite',
        name: signalName,
        signal: signalName,
        params: { preset, baselines: built.map((b) => b.name), thresholds: verdict.thresholds, file: options.file ?? null },
        metrics: suiteMetrics(suite),
        tags: ['suite', `verdict:${verdict.light}`, `preset:${preset.name}`, ...(options.tags ?? [])],
        data: suite.snapshot.content_hash ? { snapshot_id: suite.snapshot.snapshot_id, content_hash: suite.snapshot.content_hash, ...(suite.snapshot.name && { name: suite.snapshot.name }) } : undefined,
        artifacts: suiteArtifacts(suite, options.tearsheet),
        duration_ms: Date.now() - started,
      },
      history,
    );
    lap('record', t);
  }
  timings.total = Date.now() - started;
  progress('done');
  return suite;
}

/** The panel fields the workers read (the typed arrays are SharedArrayBuffer-backed: no copies). */
function sharedPanel(panel: XsPanel): SharedSuiteData['panel'] {
  const { calendar, securities, tradableClose, fwdClose, tradableOpen, fwdOpen, groups, groupLabels, sizeProxy, capBucket, costBps, factors, unavailable } = panel;
  return { calendar, securities, tradableClose, fwdClose, tradableOpen, fwdOpen, groups, groupLabels, sizeProxy, capBucket, costBps, factors, unavailable };
}

function unavailableReason(panel: XsPanel, config: XsectionConfig): string | undefined {
  if ((config.residualize === 'industry' || config.residualize === 'all') && panel.unavailable.industry) return panel.unavailable.industry;
  return undefined;
}

/** The headline config: the smallest lag without residualization (else the smallest lag). */
function pickHeadlineConfig(configs: XsectionConfig[]): XsectionConfig {
  const raw = configs.filter((c) => c.residualize === 'off');
  return (raw.length ? raw : configs).reduce((a, b) => (b.lag < a.lag ? b : a));
}

/** The variant the verdict quotes: the smallest lag without residualization. */
function pickHeadline(variants: XsectionResult[]): XsectionResult {
  const raw = variants.filter((v) => v.config.residualize === 'off');
  const pool = raw.length ? raw : variants;
  return pool.reduce((a, b) => (b.config.lag < a.config.lag ? b : a));
}

/** Pearson correlation of two variants' daily net PnL over the dates both were active. */
export function pnlCorrelation(a: XsectionResult, b: XsectionResult): { correlation: number; days: number } {
  const T = a.arrays.overall.net.length;
  const activeA = Int8Array.from(a.arrays.overall.status, (s) => (s !== DayStatus.inactive ? 1 : 0));
  const activeB = Int8Array.from(b.arrays.overall.status, (s) => (s !== DayStatus.inactive ? 1 : 0));
  return maskedPearson(a.arrays.overall.net, b.arrays.overall.net, activeA, activeB, new Float64Array(T), new Float64Array(T));
}

function suiteSummary(signal: SubjectResult, baselines: SubjectResult[]): pl.DataFrame {
  const rows: { subject: string; r: XsectionResult }[] = [];
  for (const v of signal.variants) rows.push({ subject: 'signal', r: v });
  for (const b of baselines) for (const v of b.variants) rows.push({ subject: b.name, r: v });
  const num = (name: string) => pl.Series(name, Float64Array.from(rows, (x) => x.r.metrics[name]));
  return pl.DataFrame([
    pl.Series('subject', rows.map((x) => x.subject)),
    pl.Series('variant', rows.map((x) => x.r.name)),
    pl.Series('lag', Int32Array.from(rows, (x) => x.r.config.lag)),
    pl.Series('residualize', rows.map((x) => x.r.config.residualize)),
    num('sharpe_net'), num('sharpe_gross'), num('ann_return_net'), num('ann_return_gross'), num('ann_vol_net'),
    num('max_drawdown_net'), num('turnover'), num('hit_rate'), num('monotonicity'), num('small_cap_share'), num('mean_coverage'),
    pl.Series('days', Int32Array.from(rows, (x) => x.r.metrics.days)),
  ]);
}

/** Flat metrics for the history: headline numbers plus <metric>__<variant> for every signal variant. */
export function suiteMetrics(suite: SuiteResult): Record<string, number> {
  const m: Record<string, number> = {
    verdict: suite.verdict.light === 'green' ? 2 : suite.verdict.light === 'yellow' ? 1 : 0,
    sharpe_net: suite.headline.metrics.sharpe_net,
    sharpe_gross: suite.headline.metrics.sharpe_gross,
    ann_return_net: suite.headline.metrics.ann_return_net,
    max_drawdown: suite.headline.metrics.max_drawdown_net,
    turnover: suite.headline.metrics.turnover,
    best_sharpe_net: suite.best.metrics.sharpe_net,
  };
  for (const v of suite.signal.variants) {
    for (const k of ['sharpe_net', 'sharpe_gross', 'ann_return_net', 'max_drawdown_net', 'turnover', 'mean_coverage']) m[`${k}__${v.name}`] = v.metrics[k];
  }
  for (const c of suite.correlations) {
    if (!c.available) continue;
    m[`signal_corr__${c.baseline}`] = c.signal_correlation;
    m[`pnl_corr__${c.baseline}`] = c.pnl_correlation;
  }
  return m;
}

async function nameOf(frame: pl.DataFrame): Promise<string> {
  if (!frame.columns.includes('signal_name')) return 'signal';
  const names = await frame.lazy().select(pl.col('signal_name').cast(pl.Utf8).dropNulls().unique().sort()).collect();
  const list = names.getColumn('signal_name').toArray() as string[];
  return list.length === 1 && list[0] ? list[0] : 'signal';
}
