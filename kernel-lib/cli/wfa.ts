import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { QuantbookError } from '../errors';
import type { MetricName } from '../kernels/metrics';
import { parseParamSpace } from '../optimize/grid';
import { renderSvg } from '../plot/render';
import { getStrategy } from '../strategy/registry';
import { walkForwardCharts } from '../wfa/charts';
import type { WalkForwardResult } from '../wfa/result';
import { walkForward, walkForwardJson } from '../wfa/walk-forward';
import { parsePeriod } from '../wfa/windows';
import { loadData } from './backtest';
import { numberOption, printJson, requiredOption, stringOption, wholeOption, type Command, type ParsedArgs } from './command';
import { RECORD_OPTIONS, RECORD_USAGE, dataRef, recordCommandRun, recordedLine } from './record-options';
import { COST_OPTIONS, MARKET_OPTIONS, SEARCH_OPTIONS, costArgs } from './market-options';
import { progressPrinter } from './optimize';

const USAGE = [
  'quantbook wfa --data FILE_OR_SNAPSHOT [--catalog DIR] [--symbol S] --strategy NAME --grid k=a..b[:step],...',
  '       --train 500|2y --test 125|6m [--anchored] [--random N [--seed S]] [--objective sharpe|total_return|METRIC] [--minimize]',
  '       [--warmup BARS] [--fee-bps 10] [--slippage-bps 0] [--lag 1] [--threads N] [--no-fast-path] [--strategy-module FILE]',
  `       [--out DIR] ${RECORD_USAGE} [--json]`,
].join('\n');

export const wfaCommand: Command = {
  name: 'wfa',
  summary: 'walk-forward analysis: optimize on each training window, trade the next test window, stitch the out-of-sample curve',
  usage: USAGE,
  options: {
    ...MARKET_OPTIONS,
    ...COST_OPTIONS,
    ...RECORD_OPTIONS,
    ...SEARCH_OPTIONS,
    train: { type: 'string' },
    test: { type: 'string' },
    anchored: { type: 'boolean' },
    warmup: { type: 'string' },
  },
  async run(args) {
    const json = args.values.json === true;
    const strategyModule = stringOption(args, 'strategy-module');
    if (strategyModule) require(join(process.cwd(), strategyModule));
    const strategy = getStrategy(requiredOption(args, 'strategy', USAGE));
    const space = parseParamSpace(strategy, requiredOption(args, 'grid', USAGE));
    const train = lengthOption(args, 'train');
    const test = lengthOption(args, 'test');
    const samples = wholeOption(args, 'random', 1);
    const seed = numberOption(args, 'seed');
    if (seed !== undefined && samples === undefined) throw new QuantbookError('BAD_ARGUMENT', '--seed only applies to random search: add --random N', `usage: ${USAGE}`);
    const out = stringOption(args, 'out');
    const loaded = await loadData(requiredOption(args, 'data', USAGE), stringOption(args, 'symbol'), stringOption(args, 'catalog'));
    const progress = progressPrinter(json, 'wfa');
    const started = Date.now();
    let result: WalkForwardResult;
    try {
      result = await walkForward({
        strategy,
        data: loaded.prices,
        dataIdentity: loaded.identity,
        file: loaded.file,
        grid: space,
        random: samples !== undefined ? { samples, seed: seed ?? 0 } : undefined,
        train,
        test,
        anchored: args.values.anchored === true,
        objective: (stringOption(args, 'objective') ?? 'sharpe') as MetricName,
        direction: args.values.minimize ? 'min' : 'max',
        warmup: wholeOption(args, 'warmup', 0),
        ...costArgs(args),
        threads: wholeOption(args, 'threads', 0),
        fastPath: !args.values['no-fast-path'],
        strategyModule: strategyModule ? join(process.cwd(), strategyModule) : undefined,
        onProgress: (p) => progress.update({ ...p, done: p.done, total: p.total }),
      });
    } finally {
      progress.done();
    }
    let files: Record<string, string> | undefined;
    if (out) {
      files = { ...(await result.save(out)) } as Record<string, string>;
      for (const [name, chart] of Object.entries(walkForwardCharts(result))) {
        const path = join(out, `${result.fileStem}.${name}.svg`);
        const temp = `${path}.tmp-${process.pid}`;
        writeFileSync(temp, renderSvg(chart));
        renameSync(temp, path);
        files[`chart_${name}`] = path;
      }
    }
    const runId = await recordCommandRun(args, {
      kind: 'wfa',
      name: `${strategy.name} ${result.data.securities.join(',')} ${result.anchored ? 'anchored' : 'rolling'} ${result.train}/${result.test}`,
      strategy: strategy.name,
      params: { grid: requiredOption(args, 'grid', USAGE), train: result.train, test: result.test, anchored: result.anchored, objective: result.objective, direction: result.direction, cost_model: result.cost_model },
      metrics: { ...result.oos_metrics, windows: result.windows.length },
      data: dataRef(loaded.identity),
      tags: ['cli', `path:${result.path}`],
      artifacts: [{ name: 'windows', content: result.table }, { name: 'oos', content: result.oos }],
      duration_ms: Date.now() - started,
    });
    if (json) printJson({ ...walkForwardJson(result), data_report: loaded.report, files, run_id: runId ?? null });
    else console.log(`${formatWalkForward(result, files)}\n${recordedLine(runId)}`);
    return 0;
  },
};

function formatWalkForward(result: WalkForwardResult, files: Record<string, string> | undefined): string {
  const m = result.oos_metrics;
  const lines = [
    `${result.strategy} ${result.strategy_version}  walk-forward, ${result.anchored ? 'anchored' : 'rolling'}: train ${result.train}, test ${result.test}; ${result.method} search of ${result.n_param_sets} parameter sets per window (${result.path} path), objective ${result.objective}`,
    `data     ${result.data.source ?? result.data.snapshot_id}: ${result.data.securities.join(', ')}, ${result.data.rows} bars ${result.data.start} .. ${result.data.end}`,
    `costs    fee ${result.cost_model.fee_bps} bps + slippage ${result.cost_model.slippage_bps} bps, lag ${result.cost_model.lag}`,
    '',
    '  window  test period                 params                              IS sharpe  OOS sharpe  OOS return',
  ];
  for (const w of result.windows) {
    const params = w.params ? Object.entries(w.params).map(([k, v]) => `${k}=${v}`).join(' ') : `none (${w.error})`;
    lines.push(`  ${String(w.index).padStart(6)}${w.partial ? '*' : ' '} ${`${w.test_start} .. ${w.test_end}`.padEnd(27)} ${params.padEnd(35)} ${fmt(w.is_metrics?.sharpe ?? NaN).padStart(9)}  ${fmt(w.oos_metrics.sharpe).padStart(10)}  ${pct(w.oos_return).padStart(10)}`);
  }
  if (result.windows.some((w) => w.partial)) lines.push('  * the data ends before a full test window');
  lines.push('', `out of sample (stitched, ${m.bars} bars): total return ${pct(m.total_return)}, cagr ${pct(m.cagr)}, sharpe ${fmt(m.sharpe)}, sortino ${fmt(m.sortino)}, max drawdown ${pct(m.max_drawdown)}, exposure ${pct(m.exposure)}`);
  for (const note of result.notes) lines.push(`note     ${note}`);
  if (files) {
    lines.push('files');
    for (const [k, v] of Object.entries(files)) lines.push(`  ${k.padEnd(18)}${v}`);
  } else lines.push('files    none written (pass --out DIR for the per-window Parquet, the stitched curve and the charts)');
  return lines.join('\n');
}

function lengthOption(args: ParsedArgs, name: string): number | string {
  const text = requiredOption(args, name, USAGE);
  const period = parsePeriod(text, name); // names the option when it is not a length
  return period.unit === 'bars' ? period.count : text;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(2) : 'n/a';
}

function pct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a';
}


