import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import pl from 'nodejs-polars';
import { QuantbookError } from '../errors';
import { DataCatalog } from '../data/catalog';
import { readSignalFile } from '../contract/read-signal';
import { renderSvg } from '../plot/render';
import { researchSignals, type ResearchResult } from '../research/analyze';
import { leaderboard, leaderboardFrame } from '../research/leaderboard';
import { regimeRows } from '../research/slices';
import { BUILTIN_SIGNALS } from '../research/signals';
import { correlationHeatmap, cumulativeReturnsChart, icDecayChart, icSeriesChart, quantileReturnsChart, regimeChart } from '../research/charts';
import { numberListOption, numberOption, printJson, requiredOption, stringOption, type Command } from './command';
import { RECORD_OPTIONS, RECORD_USAGE, dataRef, recordCommandRun, recordedLine } from './record-options';

const USAGE =
  'quantbook research --snapshot NAME [--catalog DIR] [--signals momentum_12_1,reversal_5d,path/to/signal.parquet] ' +
  '[--horizons 1,5,10,20] [--quantiles 5] [--lags 1,5,21] [--full-history-only] [--groups sector] [--no-regimes] ' +
  `[--threshold 0.8] [--threads N] [--charts DIR] ${RECORD_USAGE} [--json]`;

/**
 * `quantbook research`: factor research for built-in signals and signal files on a snapshot.
 * Exit 0 on success, 2 for bad arguments or input (a signal failing the contract included).
 */
export const researchCommand: Command = {
  name: 'research',
  summary: 'factor research: IC, ICIR, decay, quantile spread and monotonicity, autocorrelation, turnover, regimes, signal correlations',
  usage: USAGE,
  options: {
    ...RECORD_OPTIONS,
    snapshot: { type: 'string' },
    catalog: { type: 'string' },
    signals: { type: 'string' },
    horizons: { type: 'string' },
    quantiles: { type: 'string' },
    lags: { type: 'string' },
    'full-history-only': { type: 'boolean' },
    groups: { type: 'string' },
    'no-regimes': { type: 'boolean' },
    threshold: { type: 'string' },
    threads: { type: 'string' },
    charts: { type: 'string' },
  },
  async run(args) {
    const snapshot = await new DataCatalog(stringOption(args, 'catalog')).open(requiredOption(args, 'snapshot', USAGE));
    const names = (stringOption(args, 'signals') ?? 'momentum_12_1,reversal_5d').split(',').map((s) => s.trim()).filter(Boolean);
    if (!names.length) throw new QuantbookError('BAD_ARGUMENT', '--signals lists no signal', `built-ins: ${Object.keys(BUILTIN_SIGNALS).join(', ')}; or a .csv/.parquet signal file`);
    const signals: Record<string, string | pl.DataFrame> = {};
    for (const entry of names) {
      if (entry in BUILTIN_SIGNALS) {
        signals[entry] = entry;
        continue;
      }
      if (!/\.(csv|tsv|txt|parquet|pq)$/i.test(entry)) {
        throw new QuantbookError('UNKNOWN_SIGNAL', `--signals: '${entry}' is neither a built-in signal nor a signal file`, `built-ins: ${Object.keys(BUILTIN_SIGNALS).join(', ')}; files end in .csv or .parquet`);
      }
      const name = basename(entry, extname(entry));
      if (name in signals) throw new QuantbookError('BAD_ARGUMENT', `--signals: two signals are named '${name}'`, 'rename one of the files');
      signals[name] = await readSignalFile(entry);
    }
    const groups = stringOption(args, 'groups');
    const started = Date.now();
    const result = await researchSignals({
      snapshot,
      signals,
      horizons: numberListOption(args, 'horizons'),
      quantiles: numberOption(args, 'quantiles'),
      lags: numberListOption(args, 'lags'),
      fullHistoryOnly: args.values['full-history-only'] === true,
      duplicateThreshold: numberOption(args, 'threshold'),
      threads: numberOption(args, 'threads'),
      regimes: args.values['no-regimes'] ? false : { groups: groups ? groups.split(',').map((g) => g.trim()) : undefined },
    });
    const chartDir = stringOption(args, 'charts');
    const charts = chartDir ? writeCharts(result, chartDir) : [];
    const runId = await recordCommandRun(args, {
      kind: 'research',
      name: `${Object.keys(signals).join(',')} on ${snapshot.manifest.name}`,
      signal: Object.keys(signals).join(','),
      params: { signals: names, horizons: result.horizons, quantiles: result.quantiles, full_history_only: args.values['full-history-only'] === true },
      metrics: researchRunMetrics(result),
      data: dataRef({ snapshot_id: snapshot.manifest.snapshot_id, content_hash: snapshot.manifest.content_hash, source: snapshot.manifest.name }),
      tags: ['cli'],
      artifacts: [{ name: 'leaderboard', content: pl.concat(result.horizons.map((h) => leaderboardFrame(leaderboard(result.signals, { horizon: h })))) }],
      duration_ms: Date.now() - started,
    });
    if (args.values.json) printJson({ ...researchJson(result), charts, run_id: runId ?? null });
    else console.log(`${formatResearch(result, charts)}\n${recordedLine(runId)}`);
    return 0;
  },
};

/** The --json document: the shape documented in docs/research.md (extra fields beyond the issue's are additive). */
export function researchJson(result: ResearchResult): Record<string, unknown> {
  const names = result.signals.map((s) => s.signal);
  return {
    signals: result.signals.map((s) => ({
      signal: s.signal,
      rows_used: s.rows_used,
      dates: s.dates,
      horizons: s.horizons,
      autocorrelation: s.autocorrelation,
      autocorrelation_by_lag: s.autocorrelation_by_lag,
      turnover: s.turnover,
      coverage: s.coverage,
      data_loss: s.data_loss,
    })),
    correlation: result.correlation
      ? { signals: result.correlation.signals, matrix: result.correlation.matrix, dates: result.correlation.dates, threshold: result.correlation.threshold, duplicates: result.correlation.duplicates }
      : { signals: names, matrix: names.map(() => [1]), dates: names.map(() => [0]), threshold: result.identity.params.duplicate_threshold, duplicates: [] },
    leaderboard: result.horizons.map((h) => ({ horizon: h, rows: leaderboard(result.signals, { horizon: h }) })),
    regimes: result.regimes ? { index: result.regimes.index, unlabelled: result.regimes.unlabelled, rows: result.horizons.flatMap((h) => regimeRows(result.regimes!, h)) } : null,
    identity: result.identity,
  };
}

function writeCharts(result: ResearchResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const save = (file: string, svg: string) => {
    const path = join(dir, file);
    writeFileSync(path, svg);
    written.push(path);
  };
  const h = result.horizons[0];
  save('ic-decay.svg', renderSvg(icDecayChart(result)));
  for (const s of result.signals) {
    const safe = s.signal.replace(/[^A-Za-z0-9_.-]/g, '_');
    save(`${safe}-ic-series.svg`, renderSvg(icSeriesChart(result, s.signal, h)));
    if (result.quantiles) {
      save(`${safe}-quantiles.svg`, renderSvg(quantileReturnsChart(result, s.signal, h)));
      save(`${safe}-cumulative.svg`, renderSvg(cumulativeReturnsChart(result, s.signal)));
    }
  }
  if (result.regimes) save('regimes.svg', renderSvg(regimeChart(result, h)));
  if (result.correlation) save('correlation.svg', renderSvg(correlationHeatmap(result)));
  return written;
}

/** The readable report printed without --json. */
export function formatResearch(result: ResearchResult, charts: string[] = []): string {
  const id = result.identity;
  const lines: string[] = [];
  lines.push(`Factor research on ${id.data.snapshot_name ?? 'prices'} (${id.data.securities} securities, ${id.data.dates} dates, ${id.data.start}..${id.data.end})`);
  if (id.data.excluded_securities.length) lines.push(`--full-history-only left out ${id.data.excluded_securities.length} securities`);
  lines.push(`Timing: ${id.params.timing}.`);
  lines.push('');
  for (const h of result.horizons) {
    lines.push(`Horizon ${h} bars`);
    lines.push(table(
      ['signal', 'IC mean', 'IC std', 'ICIR', 't', '% IC>0', 'spread', 'spread t', 'monoton.', 'autocorr', 'names/date'],
      leaderboard(result.signals, { horizon: h }).map((r) => {
        const s = result.signals.find((x) => x.signal === r.signal)!.horizons.find((x) => x.horizon === h)!;
        return [r.signal, num(r.ic_mean, 4), num(s.ic_std, 4), num(r.icir, 3), num(r.t_stat, 2), pct(r.share_positive, 1), pct(r.spread, 3), num(r.spread_t_stat, 2), num(r.monotonicity, 2), num(r.autocorrelation, 3), num(r.coverage, 0)];
      }),
    ));
    lines.push('');
  }
  if (result.quantiles) {
    lines.push(`Mean forward return by quantile (Q1 = lowest signal), horizon ${result.horizons[0]}`);
    lines.push(table(
      ['signal', ...Array.from({ length: result.quantiles }, (_, b) => `Q${b + 1}`)],
      result.signals.map((s) => [s.signal, ...s.horizons[0].quantile_mean_returns.map((v) => pct(v, 3))]),
    ));
    lines.push('');
  }
  lines.push('Data (rows of the price panel)');
  lines.push(table(
    ['signal', 'used', 'no signal', 'no fwd return', 'dates', 'table rows dropped'],
    result.signals.map((s) => [
      s.signal, String(s.rows_used), String(s.data_loss?.rows_missing_signal ?? ''), String(s.data_loss?.rows_missing_forward ?? ''), String(s.dates),
      Object.entries(s.data_loss?.signal_rows_dropped ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || '0',
    ]),
  ));
  if (result.correlation) {
    lines.push('');
    lines.push('Signal correlation (mean per-date Spearman)');
    lines.push(table(['', ...result.correlation.signals], result.correlation.signals.map((a, i) => [a, ...result.correlation!.matrix[i].map((v) => num(v, 2))])));
    lines.push(result.correlation.duplicates.length
      ? `Duplicates (|corr| >= ${result.correlation.threshold}): ${result.correlation.duplicates.map((d) => `${d.a} ~ ${d.b} (${num(d.correlation, 2)})`).join(', ')}`
      : `No pair at |corr| >= ${result.correlation.threshold}.`);
  }
  if (result.regimes) {
    lines.push('');
    lines.push(`IC mean by regime, horizon ${result.horizons[0]} (${result.regimes.index === 'benchmark' ? 'benchmark' : 'equal-weight index of the universe'})`);
    const rows = regimeRows(result.regimes, result.horizons[0]);
    const slices = [...new Set(rows.map((r) => `${r.regime}: ${r.label}`))];
    lines.push(table(
      ['slice', 'dates', ...result.signals.map((s) => s.signal)],
      slices.map((slice) => {
        const here = rows.filter((r) => `${r.regime}: ${r.label}` === slice);
        return [slice, String(Math.max(...here.map((r) => r.dates))), ...result.signals.map((s) => num(here.find((r) => r.signal === s.signal)?.ic_mean ?? NaN, 4))];
      }),
    ));
  }
  if (charts.length) {
    lines.push('');
    lines.push(`Charts: ${charts.join(', ')}`);
  }
  return lines.join('\n');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

function num(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

function pct(x: number, digits: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : 'n/a';
}

/** Per signal, at the first horizon: IC mean and ICIR, keyed `signal.metric` (the history lists numbers only). */
function researchRunMetrics(result: ResearchResult): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const s of result.signals) {
    const h = s.horizons[0];
    if (!h) continue;
    metrics[`${s.signal}.ic_mean`] = h.ic_mean;
    metrics[`${s.signal}.icir`] = h.icir;
  }
  return metrics;
}
