import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import pl from 'nodejs-polars';
import { DataCatalog } from '../data/catalog';
import { loadPriceFile, type LoadReport } from '../data/load-price-file';
import { backtest } from '../engine/backtest';
import { backtestCharts } from '../engine/charts';
import type { BacktestResult, DataIdentity } from '../engine/result';
import { jsonMetrics } from '../engine/save';
import { QuantbookError } from '../errors';
import { renderSvg } from '../plot/render';
import { parseParamsText } from '../strategy/params-text';
import { getStrategy, listStrategies } from '../strategy/registry';
import { printJson, requiredOption, stringOption, type Command, type ParsedArgs } from './command';
import { COST_OPTIONS, MARKET_OPTIONS, costArgs } from './market-options';
import { RECORD_OPTIONS, RECORD_USAGE, dataRef, recordCommandRun, recordedLine } from './record-options';

const USAGE = [
  'quantbook backtest --data FILE_OR_SNAPSHOT [--catalog DIR] [--symbol S] --strategy NAME [--params k=v,...]',
  '       [--fee-bps 10] [--slippage-bps 0] [--next-open] [--lag 1] [--periods-per-year N]',
  `       [--asset-class C] [--out DIR] [--charts] ${RECORD_USAGE} [--json]`,
  '       quantbook backtest --list   (strategies and their parameters)',
].join('\n');

export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'run a strategy on one security or a small set: metrics, trade log, files and charts',
  usage: USAGE,
  options: {
    ...MARKET_OPTIONS,
    ...COST_OPTIONS,
    ...RECORD_OPTIONS,
    params: { type: 'string' },
    'next-open': { type: 'boolean' },
    'asset-class': { type: 'string' },
    out: { type: 'string' },
    charts: { type: 'boolean' },
    list: { type: 'boolean' },
  },
  async run(args) {
    const json = args.values.json === true;
    if (args.values.list) {
      const strategies = listStrategies().map((s) => ({ ...s.describeParams(), description: s.description }));
      if (json) printJson({ strategies });
      else for (const s of strategies) console.log(`${s.strategy} ${s.version}  ${s.description ?? ''}\n  ${Object.keys((s.schema.properties ?? {}) as object).join(', ')}${s.constraints.length ? `  (${s.constraints.join('; ')})` : ''}`);
      return 0;
    }
    const strategy = getStrategy(requiredOption(args, 'strategy', USAGE));
    const params = strategy.parseParams(parseParamsText(strategy, stringOption(args, 'params')));
    const dataArg = requiredOption(args, 'data', USAGE);
    const out = stringOption(args, 'out');
    if (args.values.charts && !out) throw new QuantbookError('BAD_ARGUMENT', '--charts needs --out DIR (the charts are written there as SVG)', `usage: ${USAGE}`);
    const costs = costArgs(args);
    const loaded = await loadData(dataArg, stringOption(args, 'symbol'), stringOption(args, 'catalog'));
    const started = Date.now();
    const result = await backtest({
      strategy,
      params,
      data: loaded.prices,
      dataIdentity: loaded.identity,
      ...costs,
      execution: args.values['next-open'] ? 'open' : 'close',
      assetClass: stringOption(args, 'asset-class'),
      file: loaded.file,
    });
    let files: Record<string, string> | undefined;
    if (out) {
      files = { ...(await result.save(out)) } as Record<string, string>;
      if (args.values.charts) {
        for (const [name, chart] of Object.entries(backtestCharts(result))) {
          const path = join(out, `${result.fileStem}.${name}.svg`);
          writeFileSync(path, renderSvg(chart));
          files[`chart_${name}`] = path;
        }
      }
    }
    const runId = await recordCommandRun(args, {
      run_id: result.identity.run_id,
      kind: 'backtest',
      name: `${strategy.name} ${result.identity.data.securities.join(',')}`,
      strategy: strategy.name,
      params: result.identity.params,
      metrics: result.metrics,
      data: dataRef(loaded.identity),
      tags: ['cli'],
      artifacts: [{ name: 'equity', content: result.portfolio.select('date', 'equity', 'drawdown') }, { name: 'trades', content: result.trades }],
      duration_ms: Date.now() - started,
    });
    if (json) {
      printJson({ identity: result.identity, metrics: jsonMetrics(result.metrics), trades: result.trades.height, data_report: loaded.report, files, run_id: runId ?? null });
    } else {
      console.log(formatResult(result, loaded.report, files));
      console.log(recordedLine(runId));
    }
    return 0;
  },
};


export interface LoadedData {
  prices: pl.DataFrame;
  identity: Pick<DataIdentity, 'snapshot_id' | 'content_hash' | 'source'>;
  file?: string;
  report?: LoadReport;
}

/** A price file (any layout loadPriceFile reads) or a catalog snapshot, optionally filtered to one symbol. */
export async function loadData(data: string, symbol: string | undefined, catalogRoot: string | undefined): Promise<LoadedData> {
  if (existsSync(data) && statSync(data).isFile()) {
    const file = await loadPriceFile(data, { symbol });
    const prices = await onlySymbol(file.prices, symbol, basename(data));
    const sha256 = createHash('sha256').update(readFileSync(data)).digest('hex');
    return { prices, identity: { snapshot_id: `file:${basename(data)}`, content_hash: sha256, source: data }, file: data, report: file.report };
  }
  if (existsSync(data)) {
    throw new QuantbookError('DATA_NOT_FOUND', `--data '${data}' is a folder, not a price file`, 'pass a price file (CSV or Parquet) or the name of a catalog snapshot (see quantbook snapshots)');
  }
  if (/[\\/]|\.(csv|parquet|txt)$/i.test(data)) {
    throw new QuantbookError('DATA_NOT_FOUND', `--data '${data}': no such file`, 'pass a price file (CSV or Parquet) or the name of a catalog snapshot');
  }
  const snapshot = await new DataCatalog(catalogRoot).open(data);
  const prices = await onlySymbol(await snapshot.prices().collect(), symbol, `snapshot ${snapshot.manifest.snapshot_id}`);
  return { prices, identity: { snapshot_id: snapshot.manifest.snapshot_id, content_hash: snapshot.manifest.content_hash, source: snapshot.manifest.name } };
}

async function onlySymbol(prices: pl.DataFrame, symbol: string | undefined, where: string): Promise<pl.DataFrame> {
  if (symbol === undefined) return prices;
  const securities = (await prices.lazy().select(pl.col('security_id').unique().sort()).collect()).getColumn('security_id').toArray() as string[];
  if (securities.length === 1 && securities[0] === symbol) return prices;
  if (!securities.includes(symbol)) {
    throw new QuantbookError('UNKNOWN_SYMBOL', `--symbol '${symbol}' is not in ${where}`, `securities there: ${preview(securities)}`);
  }
  return prices.lazy().filter(pl.col('security_id').eq(pl.lit(symbol))).collect();
}

function preview(names: string[]): string {
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, ... (${names.length} in all)` : names.join(', ');
}

const PERCENT = new Set(['max_drawdown', 'cagr', 'annual_volatility', 'total_return', 'win_rate', 'avg_win', 'avg_loss', 'cost_share', 'exposure']);
const COUNTS = new Set(['trade_count', 'bars_in_market', 'nan_count', 'bars']);

function formatValue(name: string, value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (PERCENT.has(name)) return `${(value * 100).toFixed(2)}%`;
  if (COUNTS.has(name)) return String(value);
  return value.toFixed(3);
}

function formatResult(result: BacktestResult, report: LoadReport | undefined, files: Record<string, string> | undefined): string {
  const id = result.identity;
  const params = Object.entries(id.params_flat).map(([k, v]) => `${k}=${v}`).join(' ');
  const dropped = report?.exact_duplicate_rows_dropped ? `, ${report.exact_duplicate_rows_dropped} exact duplicate rows dropped on load` : '';
  const lines = [
    `${id.strategy} ${id.strategy_version}  ${params}`,
    `data     ${id.data.source ?? id.data.snapshot_id} (${id.data.snapshot_id.startsWith('file:') ? 'sha256' : 'hash'} ${id.data.content_hash.slice(0, 12)}): ${preview(id.data.securities)}, ${id.data.rows} bars ${id.start} .. ${id.end}, ${id.frequency} (${+id.periods_per_year.toFixed(1)} bars/year)${dropped}`,
    `costs    fee ${id.cost_model.fee_bps} bps + slippage ${id.cost_model.slippage_bps} bps per unit traded; fill at ${id.cost_model.execution === 'open' ? 'the next open' : 'the signal bar close'}, lag ${id.cost_model.lag}`,
    '',
  ];
  const names = Object.keys(result.metrics) as Array<keyof typeof result.metrics>;
  const half = Math.ceil(names.length / 2);
  for (let i = 0; i < half; i++) {
    const left = names[i];
    const right = names[i + half];
    const l = `  ${left.padEnd(18)}${formatValue(left, result.metrics[left]).padStart(10)}`;
    lines.push(right ? `${l}    ${right.padEnd(16)}${formatValue(right, result.metrics[right]).padStart(10)}` : l);
  }
  lines.push('', `trades   ${result.trades.height}`);
  if (files) {
    lines.push('files');
    const width = Math.max(...Object.keys(files).map((k) => k.length)) + 2;
    for (const [k, v] of Object.entries(files)) lines.push(`  ${k.padEnd(width)}${v}`);
  } else {
    lines.push('files    none written (pass --out DIR to save the frame, trades, metrics and charts)');
  }
  return lines.join('\n');
}
