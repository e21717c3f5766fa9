import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { DataCatalog } from '../data/catalog';
import { readTable } from '../data/read-table';
import { QuantbookError } from '../errors';
import { renderTearsheet } from '../report/tearsheet';
import type { SuiteResult } from '../suite/result';
import { jsonNumbers } from '../suite/record';
import { PRESETS, type SuitePresetInput } from '../suite/preset';
import { runSuite, type SuiteProgress } from '../suite/runner';
import { numberOption, stringOption, type Command } from './command';
import { RECORD_OPTIONS, RECORD_USAGE, historyOption, recordedLine } from './record-options';

const USAGE =
  'quantbook suite --signal FILE [--snapshot NAME] [--catalog DIR] [--preset standard|quick] [--baselines a,b|none] [--baseline-variants headline|all] [--cost-bps N] ' +
  `[--threads N] [--out DIR] ${RECORD_USAGE} [--no-validate] [--progress-json] [--json]`;

/**
 * `quantbook suite`: the evaluation suite on one signal file. Prints the verdict and the
 * variant summary, writes the tear sheet (path printed), records the run in the history.
 * With --progress-json, stderr carries one JSON object per line (docs/suite.md, "Progress
 * protocol"): {"type":"progress","done":N,"total":N,"label":"..."} while running, then
 * {"type":"result","tearsheet":PATH,"run_id":ID|null,"verdict":"green|yellow|red"} or
 * {"type":"error","code":CODE,"message":TEXT}.
 */
export const suiteCommand: Command = {
  name: 'suite',
  summary: 'evaluate a signal: lag x residualization backtests, baselines, verdict and tear sheet',
  usage: USAGE,
  options: {
    signal: { type: 'string' },
    snapshot: { type: 'string' },
    catalog: { type: 'string' },
    preset: { type: 'string' },
    baselines: { type: 'string' },
    'baseline-variants': { type: 'string' },
    'cost-bps': { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
    ...RECORD_OPTIONS,
    'no-validate': { type: 'boolean' },
    'progress-json': { type: 'boolean' },
  },
  async run(args) {
    const progressJson = args.values['progress-json'] === true;
    const emit = (event: Record<string, unknown>) => process.stderr.write(JSON.stringify(event, jsonNumbers) + '\n');
    try {
      return await runCommand(args, progressJson ? (e) => emit({ ...e }) : textProgress(), emit, progressJson);
    } catch (e) {
      if (progressJson && e instanceof QuantbookError) emit({ type: 'error', code: e.code, message: e.message });
      throw e;
    }
  },
};

async function runCommand(
  args: Parameters<Command['run']>[0],
  onProgress: (e: SuiteProgress) => void,
  emit: (event: Record<string, unknown>) => void,
  progressJson: boolean,
): Promise<number> {
  const signalPath = stringOption(args, 'signal');
  if (!signalPath) throw new QuantbookError('BAD_ARGUMENT', 'missing required option --signal FILE', `usage: ${USAGE}`);
  const json = args.values.json === true;
  const snapshotName = stringOption(args, 'snapshot') ?? 'sample';
  const threads = numberOption(args, 'threads');
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0)) throw new QuantbookError('BAD_ARGUMENT', `--threads must be a whole number >= 0, got ${threads}`, '0 runs on the main thread');
  const costBps = numberOption(args, 'cost-bps');
  const baselinesText = stringOption(args, 'baselines');
  const baselines = baselinesText === undefined ? undefined : baselinesText === 'none' ? false : baselinesText.split(',').map((s) => s.trim()).filter(Boolean);
  const presetName = stringOption(args, 'preset') ?? 'standard';
  const baselineVariants = stringOption(args, 'baseline-variants') ?? 'headline';
  if (baselineVariants !== 'headline' && baselineVariants !== 'all') throw new QuantbookError('BAD_ARGUMENT', `--baseline-variants must be 'headline' or 'all', got '${baselineVariants}'`, 'headline runs each baseline once (lag 0, raw); all runs the whole preset');

  const table = await readTable(signalPath, { what: 'signal file' });
  const snapshot = await new DataCatalog(stringOption(args, 'catalog')).open(snapshotName);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let suite: SuiteResult;
  try {
    suite = await runSuite(table.frame, snapshot, {
      name: basename(signalPath, extname(signalPath)),
      preset: costBps === undefined ? presetName : withCost(presetName, costBps),
      baselines,
      baselineVariants,
      threads,
      abort: abort.signal,
      onProgress,
      validate: args.values['no-validate'] !== true,
      file: signalPath,
      record: historyOption(args) ?? false,
      tearsheet: renderTearsheet,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }

  const out = resolve(stringOption(args, 'out') ?? join('.quantbook', 'suite', `${safeName(suite.signalName)}-${stamp()}`));
  await mkdir(out, { recursive: true });
  const tearsheet = join(out, 'tearsheet.html');
  await writeFile(tearsheet, renderTearsheet(suite));
  const document = suiteJson(suite, tearsheet);
  await writeFile(join(out, 'suite.json'), JSON.stringify(document, jsonNumbers, 2) + '\n');
  if (progressJson) emit({ type: 'result', tearsheet, out, run_id: suite.run?.run_id ?? null, verdict: suite.verdict.light });
  if (json) process.stdout.write(JSON.stringify(document, jsonNumbers, 2) + '\n');
  else console.log(formatSuite(suite, tearsheet));
  return 0;
}

/** The --json document (also written to OUT/suite.json). */
export function suiteJson(suite: SuiteResult, tearsheet: string): Record<string, unknown> {
  const variant = (v: SuiteResult['headline']) => ({ name: v.name, lag: v.config.lag, residualize: v.config.residualize, metrics: v.metrics });
  const d = suite.headline.diagnostics;
  return {
    signal: suite.signalName,
    snapshot: suite.snapshot,
    preset: suite.preset,
    verdict: { light: suite.verdict.light, headline: suite.verdict.headline, suspect: suite.verdict.suspect, reasons: suite.verdict.reasons, thresholds: suite.verdict.thresholds },
    headline_variant: suite.headline.name,
    best_variant: suite.best.name,
    variants: suite.signal.variants.map(variant),
    skipped_variants: suite.signal.skipped.map((s) => ({ name: s.name, reason: s.reason })),
    baselines: suite.baselines.map((b) => {
      const c = suite.correlations.find((x) => x.baseline === b.name);
      const h = b.variants.find((v) => v.name === suite.headline.name);
      return { name: b.name, available: b.available, reason: b.reason ?? null, signal_correlation: c?.signal_correlation ?? null, pnl_correlation: c?.pnl_correlation ?? null, sharpe_net: h?.metrics.sharpe_net ?? null };
    }),
    diagnostics: {
      rows: suite.signal.rows,
      contract_errors: suite.contract.errors,
      dates_active: d.dates_active,
      dates_traded: d.dates_traded,
      dates_skipped: d.dates_skipped,
      mean_coverage: d.mean_coverage,
      missingness: d.missingness,
      unavailable: suite.unavailable,
    },
    tearsheet,
    run_id: suite.run?.run_id ?? null,
    timings_ms: suite.timings,
  };
}

export function formatSuite(suite: SuiteResult, tearsheet: string): string {
  const v = suite.verdict;
  const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const p = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a');
  const lines = [
    `${suite.signalName} on ${suite.snapshot.name ?? suite.snapshot.snapshot_id}: ${v.light.toUpperCase()}${v.suspect ? ' (SUSPECT: check for lookahead)' : ''}`,
    ...v.reasons.map((r) => `  [${r.level}] ${r.text}`),
    '',
    `  ${'variant'.padEnd(16)} ${'Sharpe net'.padStart(10)} ${'gross'.padStart(7)} ${'ann.ret'.padStart(8)} ${'max DD'.padStart(8)} ${'turn/day'.padStart(8)} ${'hit'.padStart(6)}`,
    ...suite.signal.variants.map((r) => {
      const m = r.metrics;
      return `  ${r.name.padEnd(16)} ${f(m.sharpe_net).padStart(10)} ${f(m.sharpe_gross).padStart(7)} ${p(m.ann_return_net).padStart(8)} ${p(m.max_drawdown_net).padStart(8)} ${f(m.turnover).padStart(8)} ${p(m.hit_rate).padStart(6)}`;
    }),
    ...suite.signal.skipped.map((s) => `  ${s.name.padEnd(16)} not run: ${s.reason}`),
    '',
    ...suite.correlations.map((c) =>
      c.available
        ? `  vs ${c.baseline.padEnd(14)} signal corr ${f(c.signal_correlation).padStart(6)}   daily PnL corr ${f(c.pnl_correlation).padStart(6)}`
        : `  vs ${c.baseline.padEnd(14)} unavailable: ${c.reason}`,
    ),
    '',
    `tear sheet: ${tearsheet}`,
    recordedLine(suite.run?.run_id),
  ];
  return lines.join('\n');
}

function textProgress(): (e: SuiteProgress) => void {
  const tty = process.stderr.isTTY;
  return (e) => {
    if (tty) process.stderr.write(`\r\x1b[K[${e.done}/${e.total}] ${e.label}${e.label === 'done' ? '\n' : ''}`);
  };
}

function withCost(preset: string, costBps: number): SuitePresetInput {
  if (!(costBps >= 0)) throw new QuantbookError('BAD_ARGUMENT', `--cost-bps must be >= 0, got ${costBps}`, 'e.g. --cost-bps 10');
  const base = PRESETS[preset];
  if (!base) throw new QuantbookError('BAD_ARGUMENT', `unknown preset '${preset}'`, `use one of: ${Object.keys(PRESETS).join(', ')}`);
  return { ...base, base: { ...base.base, costBps } };
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60) || 'signal';
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
