import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonMetrics } from '../engine/save';
import { canonicalJson, contentHash, pascalCase } from '../engine/naming';
import { QuantbookError } from '../errors';
import { optimizeHeatmap } from '../optimize/heatmap';
import { parseParamSpace } from '../optimize/grid';
import { optimize } from '../optimize/optimize';
import type { OptimizeProgress, OptimizeResult, TrialResult } from '../optimize/results';
import { renderSvg } from '../plot/render';
import { getStrategy } from '../strategy/registry';
import type { MetricName } from '../kernels/metrics';
import { loadData } from './backtest';
import { numberOption, printJson, requiredOption, stringOption, wholeOption, type Command, type ParsedArgs } from './command';
import { RECORD_OPTIONS, RECORD_USAGE, dataRef, recordCommandRun, recordedLine } from './record-options';
import { COST_OPTIONS, MARKET_OPTIONS, SEARCH_OPTIONS, costArgs } from './market-options';

const USAGE = [
  'quantbook optimize --data FILE_OR_SNAPSHOT [--catalog DIR] [--symbol S] --strategy NAME --grid k=a..b[:step],k=v|v|v,...',
  '       [--random N [--seed S]] [--objective sharpe|total_return|METRIC] [--minimize] [--fee-bps 10] [--slippage-bps 0]',
  `       [--next-open] [--lag 1] [--threads N] [--top 10] [--no-fast-path] [--strategy-module FILE] [--out DIR [--charts]] ${RECORD_USAGE} [--json]`,
].join('\n');

export const optimizeCommand: Command = {
  name: 'optimize',
  summary: 'grid or random search of strategy parameters on worker threads: ranked table, deflated Sharpe, heatmap',
  usage: USAGE,
  options: {
    ...MARKET_OPTIONS,
    ...COST_OPTIONS,
    ...RECORD_OPTIONS,
    ...SEARCH_OPTIONS,
    'next-open': { type: 'boolean' },
    top: { type: 'string' },
    charts: { type: 'boolean' },
  },
  async run(args) {
    const json = args.values.json === true;
    const strategyModule = stringOption(args, 'strategy-module');
    if (strategyModule) require(join(process.cwd(), strategyModule));
    const strategy = getStrategy(requiredOption(args, 'strategy', USAGE));
    const grid = requiredOption(args, 'grid', USAGE);
    const space = parseParamSpace(strategy, grid); // bad text fails before any data is read
    const out = stringOption(args, 'out');
    if (args.values.charts && !out) throw new QuantbookError('BAD_ARGUMENT', '--charts needs --out DIR (the heatmap is written there as SVG)', `usage: ${USAGE}`);
    const samples = wholeOption(args, 'random', 1);
    const seed = numberOption(args, 'seed');
    if (seed !== undefined && samples === undefined) throw new QuantbookError('BAD_ARGUMENT', '--seed only applies to random search: add --random N', `usage: ${USAGE}`);
    const loaded = await loadData(requiredOption(args, 'data', USAGE), stringOption(args, 'symbol'), stringOption(args, 'catalog'));
    const progress = progressPrinter(json);
    let result: OptimizeResult;
    try {
      result = await optimize({
        strategy,
        data: loaded.prices,
        dataIdentity: loaded.identity,
        file: loaded.file,
        grid: space,
        random: samples !== undefined ? { samples, seed: seed ?? 0 } : undefined,
        objective: (stringOption(args, 'objective') ?? 'sharpe') as MetricName,
        direction: args.values.minimize ? 'min' : 'max',
        ...costArgs(args),
        execution: args.values['next-open'] ? 'open' : 'close',
        threads: wholeOption(args, 'threads', 0),
        top: wholeOption(args, 'top', 1),
        fastPath: !args.values['no-fast-path'],
        strategyModule: strategyModule ? join(process.cwd(), strategyModule) : undefined,
        onProgress: progress.update,
      });
    } finally {
      progress.done();
    }
    let files: Record<string, string> | undefined;
    if (out) files = writeOptimizeFiles(result, grid, out, args.values.charts === true);
    const runId = await recordCommandRun(args, {
      kind: 'optimize',
      name: `${strategy.name} ${result.data.securities.join(',')} ${grid}`,
      strategy: strategy.name,
      params: { grid, method: result.method, seed: result.seed ?? null, objective: result.objective, direction: result.direction, best: result.best?.params ?? null, cost_model: result.cost_model },
      metrics: { ...result.best?.metrics, n_trials: result.n_trials, n_failures: result.n_failures, deflated_sharpe: result.deflated_sharpe?.value ?? null },
      data: dataRef(loaded.identity),
      tags: ['cli', `path:${result.path}`],
      artifacts: [{ name: 'scores', content: result.table }],
      duration_ms: result.elapsed_ms,
    });
    if (json) printJson({ ...optimizeJson(result), data_report: loaded.report, files, run_id: runId ?? null });
    else console.log(`${formatOptimize(result, files)}\n${recordedLine(runId)}`);
    return 0;
  },
};

/** The JSON summary (docs/optimize.md): NaN and infinities as null. */
export function optimizeJson(result: OptimizeResult): Record<string, unknown> {
  const trial = (t: TrialResult) => ({ params: t.params, metrics: jsonMetrics(t.metrics) });
  return {
    n_trials: result.n_trials,
    failures: result.n_failures,
    best: result.best ? trial(result.best) : null,
    deflated_sharpe: result.deflated_sharpe && Number.isFinite(result.deflated_sharpe.value) ? result.deflated_sharpe.value : null,
    top: result.top.map(trial),
    strategy: result.strategy,
    strategy_version: result.strategy_version,
    method: result.method,
    seed: result.seed,
    objective: result.objective,
    direction: result.direction,
    path: result.path,
    threads: result.threads,
    n_candidates: result.n_candidates,
    n_invalid: result.n_invalid,
    invalid_reasons: result.invalid_reasons,
    n_duplicates: result.n_duplicates,
    failed: result.failures.slice(0, 20).map((f) => ({ params: f.params, error: f.error })),
    deflated_sharpe_detail: result.deflated_sharpe ? jsonMetrics(result.deflated_sharpe as unknown as Record<string, number>) : null,
    periods_per_year: result.periods_per_year,
    cost_model: result.cost_model,
    data: result.data,
    elapsed_ms: Math.round(result.elapsed_ms),
    notes: result.notes,
  };
}

function writeOptimizeFiles(result: OptimizeResult, grid: string, dir: string, charts: boolean): Record<string, string> {
  mkdirSync(dir, { recursive: true });
  const hash = contentHash({
    strategy: result.strategy, version: result.strategy_version, grid, method: result.method, seed: result.seed,
    data: result.data.content_hash, cost: result.cost_model, objective: result.objective, direction: result.direction,
  });
  const stem = join(dir, `${pascalCase(result.strategy)}_${result.data.securities.length > 1 ? 'Multi' : pascalCase(result.data.securities[0])}_optimize_${hash.slice(0, 10)}`);
  const files: Record<string, string> = { table: `${stem}.parquet`, json: `${stem}.json` };
  const temp = `${files.table}.tmp-${process.pid}`;
  result.table.writeParquet(temp, { compression: 'zstd' });
  renameSync(temp, files.table);
  writeAtomic(files.json, JSON.stringify({ ...optimizeJson(result), grid, files }, null, 2) + '\n');
  if (charts) {
    try {
      files.heatmap = `${stem}.heatmap.svg`;
      writeAtomic(files.heatmap, renderSvg(optimizeHeatmap(result)));
    } catch (e) {
      delete files.heatmap;
      console.error(`note: no heatmap: ${(e as Error).message}`);
    }
  }
  return files;
}

function writeAtomic(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, path);
}

/** Progress on stderr once a run has taken a second, at most once a second. */
export function progressPrinter(quiet: boolean, label = 'optimize'): { update: (p: OptimizeProgress) => void; done: () => void } {
  let last = 0;
  let printed = false;
  const tty = process.stderr.isTTY === true;
  return {
    update(p) {
      if (quiet && !tty) return;
      if (p.elapsedMs < 1000 || p.elapsedMs - last < 1000) return;
      last = p.elapsedMs;
      printed = true;
      const eta = Number.isFinite(p.etaMs) ? `, about ${Math.ceil(p.etaMs / 1000)} s left` : '';
      const line = `${label}: ${p.done}/${p.total} (${Math.floor((100 * p.done) / p.total)}%)${p.failures ? `, ${p.failures} failed` : ''}${eta}`;
      process.stderr.write(tty ? `\r${line.padEnd(70)}` : `${line}\n`);
    },
    done() {
      if (printed && tty) process.stderr.write('\n');
    },
  };
}

function formatOptimize(result: OptimizeResult, files: Record<string, string> | undefined): string {
  const d = result.deflated_sharpe;
  const lines = [
    `${result.strategy} ${result.strategy_version}  ${result.method} search${result.method === 'random' ? ` (seed ${result.seed})` : ''}, objective ${result.objective} (${result.direction})`,
    `data     ${result.data.source ?? result.data.snapshot_id}: ${result.data.securities.join(', ')}, ${result.data.rows} bars ${result.data.start} .. ${result.data.end}, ${result.frequency}`,
    `costs    fee ${result.cost_model.fee_bps} bps + slippage ${result.cost_model.slippage_bps} bps; lag ${result.cost_model.lag}, fills at ${result.cost_model.execution === 'open' ? 'the next open' : 'the signal bar close'}`,
    `trials   ${result.n_trials} run (${result.path} path, ${result.threads ? `${result.threads} worker threads` : 'calling thread'}), ${result.n_failures} failed; ${result.n_invalid} of ${result.n_candidates} combinations invalid${result.invalid_reasons.length ? ` (${result.invalid_reasons.map((r) => `${r.reason}: ${r.count}`).join('; ')})` : ''}${result.n_duplicates ? `; ${result.n_duplicates} repeated draws` : ''}; ${(result.elapsed_ms / 1000).toFixed(1)} s`,
  ];
  for (const f of result.failures.slice(0, 5)) lines.push(`  failed  ${JSON.stringify(f.params)}: [${f.error.code}] ${f.error.message}`);
  if (result.failures.length > 5) lines.push(`  ... ${result.failures.length - 5} more failures (--json lists 20)`);
  if (result.best) {
    lines.push('', `best     ${paramsText(result.best.params)}`);
    lines.push(`         sharpe ${fmt(result.best.metrics.sharpe)}  total_return ${pct(result.best.metrics.total_return)}  cagr ${pct(result.best.metrics.cagr)}  max_drawdown ${pct(result.best.metrics.max_drawdown)}  trades ${result.best.metrics.trade_count}`);
  } else lines.push('', 'best     none (no trial has a finite objective)');
  if (d) {
    lines.push(`deflated Sharpe ${fmt(d.value)}: P(true Sharpe > ${fmt(d.benchmark * Math.sqrt(d.periodsPerYear))} annualized, the expected best of ${d.trials} skill-less trials) (skew ${fmt(d.skewness)}, kurtosis ${fmt(d.kurtosis)}, ${d.observations} bars)`);
  }
  lines.push('', `top ${result.top.length} by ${result.objective}`);
  for (const [i, t] of result.top.entries()) {
    lines.push(`  ${String(i + 1).padStart(3)}. ${paramsText(t.params).padEnd(40)} sharpe ${fmt(t.metrics.sharpe).padStart(7)}  total_return ${pct(t.metrics.total_return).padStart(9)}  max_drawdown ${pct(t.metrics.max_drawdown).padStart(8)}`);
  }
  for (const note of result.notes) lines.push(`note     ${note}`);
  if (files) {
    lines.push('files');
    for (const [k, v] of Object.entries(files)) lines.push(`  ${k.padEnd(9)}${v}`);
  }
  return lines.join('\n');
}

function paramsText(params: Record<string, unknown>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'object' ? canonicalJson(v) : v}`).join(' ');
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : Number.isNaN(v) ? 'n/a' : v > 0 ? 'inf' : '-inf';
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a';
}


