import { cpus } from 'node:os';
import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import type { SnapshotLike } from '../contract/context';
import { signalKeys } from '../contract/signal-keys';
import { maskedPearson } from '../kernels/xsection-correlation';
import { DayStatus } from '../kernels/xsection-longshort';
import { recordRun } from '../tracking/record-run';
import type { RunHistory } from '../tracking/run-history';
import { loadPanel, variantResult } from '../xsection/backtest';
import { variantName, type XsectionConfig } from '../xsection/config';
import { contractStep, type ContractStep } from '../xsection/contract-step';
import { completeSize, sharedFloat64, SIZE_MIN_PERIODS, SIZE_WINDOW, type XsPanel } from '../xsection/panel';
import type { XsectionResult } from '../xsection/result';
import type { SignalMatrix } from '../xsection/signal-matrix';
import { sameButLag, type VariantArrays } from '../xsection/variant';
import { buildBaselines, denseBaselineResult, listBaselines, priceRatioPlan, type BaselineSource, type BuiltBaseline } from './baselines';
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
  const frame = 'collectSync' in signal ? await (signal as pl.LazyFrame).collect() : (signal as pl.DataFrame);
  const validate = options.validate ?? true;
  // The signal's rows are read and keyed while the prices load: both wait on polars' threads
  // much of the time. (The file names the signal in the validation report's parse messages.)
  const keysReady = signalKeys(frame, validate ? options.file : undefined);
  keysReady.catch(() => undefined); // awaited below; a failure is reported there
  // the size proxy is left to the worker threads (below), where it runs beside the contract
  const { panel, calendar } = await loadPanel(snapshot, configs, options.risk, { deferSize: true });
  lap('load_prices', t);
  throwIfAborted(options.abort);
  progress('prices loaded; checking the signal and building the baselines');

  // Each subject's backtests start on the workers the moment its matrix is ready: the built-in
  // baselines' (computed on the panel in a moment) run while the signal goes through the
  // contract on this thread, the signal's while any other baseline is built and aligned.
  t = Date.now();
  const signalName = options.name ?? (await nameOf(frame));
  const withCap = preset.slices.includes('cap');
  const threads = options.threads === undefined || options.threads === 'auto' ? (panel.calendar.length * panel.securities.length < INLINE_CELLS ? 0 : undefined) : options.threads;
  if (threads === 0) completeSize(panel);
  const shared: SharedSuiteData = {
    panel: sharedPanel(panel),
    signals: {},
    ...(panel.pendingSize && { size: panel.pendingSize }),
    ...(panel.close && panel.priceCells && { prices: { close: panel.close, cells: panel.priceCells } }),
  };
  const subjectName = (key: string) => (key === 'signal' ? signalName : key.slice(9));
  const jobLabel = (job: SuiteJob) =>
    job.kind === 'variant' ? `${subjectName(job.signal)} ${variantName(job.config)}`
    : job.kind === 'variants' ? `${subjectName(job.signal)} ${job.configs.map((c) => variantName(c)).join(', ')}`
    : job.kind === 'spearman' ? `correlation ${job.b.slice(9)}`
    : undefined;
  const pool = new JobPool(shared, {
    threads,
    signal: options.abort,
    onJobDone: (job) => {
      const label = jobLabel(job);
      // one step per variant, also when several ran as one job
      if (label !== undefined) progress(label, job.kind === 'variants' ? job.configs.length : 1);
    },
  });
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
    // Configs that differ only in lag run as one job: a signal row is ranked once for all lags.
    const together = new Map<string, XsectionConfig[]>();
    for (const config of subjectConfigs) {
      const reason = unavailableReason(panel, config);
      if (reason) list.push({ name: variantName(config), config, reason });
      else {
        const group = together.get(sameButLag(config));
        if (group) group.push(config);
        else together.set(sameButLag(config), [config]);
      }
    }
    // the cap books are reported for the signal only: the baselines' serve no rule or table
    const cap = withCap && key === 'signal';
    for (const group of together.values()) submit(group.length === 1 ? { kind: 'variant', signal: key, config: group[0], cap } : { kind: 'variants', signal: key, configs: group, cap });
    skipped.set(key, list);
    return subjectConfigs.length - list.length;
  };
  const perSubject = options.baselineVariants === 'all' ? configs.length : 1;
  const built: BuiltBaseline[] = [];
  const baselineSteps = new Map<string, ContractStep>();
  let mainStep: ContractStep;
  let results: SuiteJobResult[];
  const builtBy = new Map<string, BuiltBaseline>();
  const addBaseline = (b: BuiltBaseline, step: ContractStep | undefined) => {
    builtBy.set(b.name, b);
    if (step) {
      baselineSteps.set(b.name, step);
      pool.share(`baseline:${b.name}`, step.matrix.values);
      submitVariants(`baseline:${b.name}`);
    } else total -= perSubject + 1;
    progress(`baseline ${b.name}${b.available ? '' : ' (unavailable)'}`);
  };
  let closed = false;
  try {
    // The size proxy (trailing median dollar volume, cap terciles) on the workers, split by
    // securities then by dates, while this thread checks the signal; every backtest reads it,
    // so none is queued before it is complete.
    const workers = threads ?? cpus().length;
    const sizeReady = shared.size ? computeSizeOnWorkers(pool, panel, workers) : Promise.resolve();
    sizeReady.catch(() => undefined); // awaited below

    // Built-in price-ratio baselines straight from the panel's closes (suite/baselines.ts
    // denseBaseline), also on the workers: no table, no contract pass; their backtests are
    // queued once they and the size proxy are in.
    let tb = Date.now();
    const dense: Promise<[BuiltBaseline, ContractStep | undefined]>[] = [];
    for (const name of names) {
      const plan = priceRatioPlan(name, panel);
      if (!plan) continue;
      const key = `baseline:${name}`;
      const values = sharedFloat64(panel.calendar.length * panel.securities.length);
      pool.share(key, values);
      const { numeratorBack, denominatorBack, negate } = plan;
      dense.push(
        pool.submit({ kind: 'price-ratio', into: key, numeratorBack, denominatorBack, negate }).then((r) => {
          const counted = r.kind === 'price-ratio' ? r : { values: 0, lastDate: 0 };
          const { values: matrix, rows, placed, ...info } = denseBaselineResult(plan, values, counted);
          return [info, matrix ? { matrix: { values: matrix, placed, dropped: { unknown_security: 0, off_calendar: 0, duplicate_trade_date: 0, non_finite: 0 } }, rows, errors: [] } : undefined];
        }),
      );
    }
    let baselineMs = Date.now() - tb;
    const denseQueued = Promise.all([sizeReady, Promise.all(dense)]).then(([, ready]) => {
      if (!closed) for (const [b, step] of ready) addBaseline(b, step);
    });
    denseQueued.catch(() => undefined); // awaited below
    throwIfAborted(options.abort);

    // The signal's backtests are queued the moment its matrix exists (and the size proxy is
    // in), while validation finishes (the lookahead test); a blocking validation error still
    // stops the run below, and the pool is closed with whatever was started.
    t = Date.now();
    let signalQueued: Promise<void> | undefined;
    const queueSignal = (matrix: SignalMatrix) => {
      signalQueued = sizeReady.then(() => {
        if (closed) return;
        pool.share('signal', matrix.values);
        total -= configs.length - submitVariants('signal');
      });
      signalQueued.catch(() => undefined); // awaited below
    };
    mainStep = await contractStep(await keysReady, { snapshot, calendar, panel, validate, file: options.file, onMatrix: queueSignal });
    throwIfAborted(options.abort);
    lap('signal_contract', t);
    await denseQueued;
    await signalQueued;
    progress('signal checked and aligned (contract)');

    // Any other baseline as a table through the contract, while the signal's variants run.
    // (Running the signal's and such baselines' contract steps at once measured slower here:
    // both fight for the same two cores and polars thread pool.)
    tb = Date.now();
    for (const name of names) {
      if (builtBy.has(name)) continue;
      const [b] = await buildBaselines(snapshot, [name]);
      throwIfAborted(options.abort);
      const step = b.available && b.signal ? await contractStep(b.signal, { calendar, panel, validate: false }) : undefined;
      throwIfAborted(options.abort);
      addBaseline(b, step);
    }
    baselineMs += Date.now() - tb;
    timings.baselines = baselineMs;
    for (const name of names) built.push(builtBy.get(name)!);
    for (const name of names) if (baselineSteps.has(name)) submit({ kind: 'spearman', a: 'signal', b: `baseline:${name}`, minCount: configs[0].mincos });
    const tw = Date.now();
    results = await Promise.all(submitted.map((x) => x.result));
    // the backtests run from the moment the signal is aligned; this is the wait after the baselines
    lap('backtests_wait', tw);
  } finally {
    closed = true;
    await pool.close();
  }
  const signalStep: ContractStep = mainStep;
  const jobs = submitted.map((x) => x.job);

  t = Date.now();
  const variantsOf = new Map<string, XsectionResult[]>();
  const spearman = new Map<string, { mean: number; dates: number }>();
  const assembled: { key: string; config: XsectionConfig; result: XsectionResult }[] = [];
  const assemble = (key: string, config: XsectionConfig, arrays: VariantArrays) => {
    const step = key === 'signal' ? signalStep : baselineSteps.get(key.slice(9))!;
    const result = variantResult(panel, step, config, arrays);
    assembled.push({ key, config, result });
  };
  jobs.forEach((job, k) => {
    const r = results[k];
    if (job.kind === 'variant' && r.kind === 'variant') assemble(job.signal, job.config, r.arrays);
    else if (job.kind === 'variants' && r.kind === 'variants') job.configs.forEach((config, j) => assemble(job.signal, config, r.arrays[j]));
    else if (job.kind === 'spearman' && r.kind === 'spearman') spearman.set(job.b.slice(9), r.value);
  });
  // each subject's variants in preset order, however they were grouped into jobs
  assembled.sort((a, b) => configs.indexOf(a.config) - configs.indexOf(b.config));
  for (const { key, result } of assembled) {
    const list = variantsOf.get(key) ?? [];
    list.push(result);
    variantsOf.set(key, list);
  }

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

/**
 * The deferred size proxy on the pool: the trailing medians of `parts` slices of securities,
 * then the cap terciles of `parts` slices of dates (each slice independent, written to its own
 * part of the shared matrices, so the result is that of completeSize on one thread).
 */
async function computeSizeOnWorkers(pool: JobPool, panel: XsPanel, parts: number): Promise<void> {
  const split = (n: number) => {
    const k = Math.max(1, Math.min(parts, n));
    return Array.from({ length: k }, (_, j) => [Math.floor((j * n) / k), Math.floor(((j + 1) * n) / k)]);
  };
  await Promise.all(split(panel.securities.length).map(([from, to]) => pool.submit({ kind: 'size-median', from, to })));
  await Promise.all(split(panel.calendar.length).map(([from, to]) => pool.submit({ kind: 'cap-tercile', from, to })));
  delete panel.pendingSize;
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
