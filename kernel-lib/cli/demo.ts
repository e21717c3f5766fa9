import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import pl from 'nodejs-polars';
import { DataCatalog } from '../data/catalog';
import { importSnapshotDetailed } from '../data/import-snapshot';
import { openSample } from '../data/sample';
import type { Snapshot } from '../data/snapshot';
import { chart, rowsFromColumns } from '../plot/chart';
import { renderSvg } from '../plot/render';
import { printJson, stringOption, type Command } from './command';
import { describeManifest } from './import';

/**
 * `quantbook demo`: a real result from the embedded sample, run anywhere (no ../shared).
 * The demo is a list of steps sharing one context; further analyses (leaderboard, backtest)
 * are added by appending a DemoStep to `demoSteps`.
 */
export interface DemoContext {
  /** Where outputs go: .quantbook/demo under the working folder (or --out). */
  outDir: string;
  catalog: DataCatalog;
  /** The embedded sample as imported into the demo's fresh catalog. */
  snapshot: Snapshot;
  print(line?: string): void;
  /** Record a written file: listed at the end of the run. */
  output(what: string, path: string): void;
  /** Numbers each step reports; printed by --json. */
  results: Record<string, unknown>;
}

export interface DemoStep {
  title: string;
  run(ctx: DemoContext): Promise<void>;
}

const importStep: DemoStep = {
  title: 'Import the embedded S&P 500 sample into a fresh catalog',
  async run(ctx) {
    const sample = await openSample();
    const { manifest, dir } = await importSnapshotDetailed({ source: sample.dir, name: sample.name, root: ctx.catalog.root });
    ctx.snapshot = await ctx.catalog.open(manifest.snapshot_id);
    ctx.print(`snapshot      ${manifest.snapshot_id} in ${rel(dir)}`);
    for (const line of describeManifest(manifest)) ctx.print(line);
    const repaired = Object.entries(sample.manifest.quality.invalid_bars).filter(([, n]) => n > 0).map(([rule, n]) => `${n} ${rule.replace(/_/g, ' ')}`);
    if (repaired.length) ctx.print(`sample build  ${repaired.join(', ')} found in the source CSV (${sample.manifest.quality.invalid_action === 'blank' ? 'impossible fields emptied' : 'dropped'}; see kernel-lib/data/sample/README.md)`);
    ctx.print(`same data     content hash ${manifest.content_hash === sample.manifest.content_hash ? 'equals' : 'DIFFERS FROM'} the embedded sample's (${sample.manifest.content_hash.slice(0, 12)})`);
    const copy = join(ctx.outDir, 'manifest.json');
    copyFileSync(join(dir, 'manifest.json'), copy);
    ctx.output('snapshot manifest', copy);
    ctx.results.snapshot = { snapshot_id: manifest.snapshot_id, content_hash: manifest.content_hash, securities: manifest.securities, dates: manifest.dates, date_range: manifest.date_range, largest_moves: manifest.quality.largest_moves.slice(0, 4) };
  },
};

/**
 * Equal-weight index (docs/data.md): each day, the mean of that day's simple returns over
 * the securities that have one; the index compounds them from 1 on the first date.
 */
const equalWeightStep: DemoStep = {
  title: 'Equal-weight index of the sample',
  async run(ctx) {
    const daily = await ctx.snapshot.returns()
      .filter(pl.col('ret').isNotNull())
      .groupBy('date')
      .agg(pl.col('ret').mean().alias('ret'), pl.len().alias('securities'))
      .sort('date')
      .collect();
    const dates = daily.getColumn('date').toArray() as unknown as Date[];
    const rets = daily.getColumn('ret').toTypedArray() as Float64Array;
    const index = new Float64Array(rets.length);
    let level = 1;
    for (let i = 0; i < rets.length; i++) index[i] = level *= 1 + rets[i];
    const stats = await daily.lazy().select(pl.col('ret').std().alias('std')).collect();
    const volatility = Number(stats.getColumn('std').get(0)) * Math.sqrt(252);
    const totalReturn = level - 1;
    const first = dates[0].toISOString().slice(0, 10);
    // The index is 1 on the calendar's first date, the close before the first return.
    const base = ctx.snapshot.manifest.date_range.start;
    const years = (dates[dates.length - 1].getTime() - Date.parse(base)) / (365.25 * 86_400_000);
    const annualReturn = Math.pow(level, 1 / years) - 1;
    ctx.print(`equal-weight  total return ${(totalReturn * 100).toFixed(1)}% over ${rets.length} trading days (${(annualReturn * 100).toFixed(1)}% a year), volatility ${(volatility * 100).toFixed(1)}% a year`);

    const spec = chart({
      title: `Equal-weight index of ${ctx.snapshot.manifest.securities} S&P 500 stocks`,
      subtitle: `${ctx.snapshot.id}: daily mean simple return, compounded; price return, dividends not included (total ${(totalReturn * 100).toFixed(1)}%)`,
      x: { type: 'utc' },
      y: { label: `index (${base} = 1)`, grid: true },
      data: { index: { rows: [{ date: base, index: 1 }, ...rowsFromColumns({ date: dates, index })], dateFields: ['date'] } },
      marks: [
        { type: 'ruleY', values: [1], options: { stroke: '#999' } },
        { type: 'lineY', data: 'index', options: { x: 'date', y: 'index', stroke: '#1f77b4' } },
      ],
    });
    const svg = join(ctx.outDir, 'equal-weight-index.svg');
    writeFileSync(svg, renderSvg(spec));
    ctx.output('equal-weight index chart', svg);
    ctx.results.equal_weight = { total_return: totalReturn, annual_return: annualReturn, annual_volatility: volatility, days: rets.length, base_date: base, first_return_date: first };
  },
};

/** Steps run in order; append analyses here. */
export const demoSteps: DemoStep[] = [importStep, equalWeightStep];

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run a short real analysis on the embedded S&P 500 sample and write its outputs under .quantbook/demo',
  usage: 'quantbook demo [--out DIR] [--json]',
  options: { out: { type: 'string' } },
  async run(args) {
    const json = Boolean(args.values.json);
    const outDir = resolve(stringOption(args, 'out') ?? join('.quantbook', 'demo'));
    // The demo's own catalog starts empty each run so the import is real, not a cache hit.
    const catalogRoot = join(outDir, 'catalog');
    rmSync(catalogRoot, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    const outputs: { what: string; path: string }[] = [];
    const ctx: DemoContext = {
      outDir,
      catalog: new DataCatalog(catalogRoot),
      snapshot: await openSample(),
      print: (line = '') => {
        if (!json) console.log(`  ${line}`);
      },
      output: (what, path) => outputs.push({ what, path }),
      results: {},
    };
    for (const step of demoSteps) {
      if (!json) console.log(`\n${step.title}`);
      const t0 = performance.now();
      await step.run(ctx);
      if (!json) console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const summary = join(outDir, 'summary.json');
    writeFileSync(summary, JSON.stringify(ctx.results, null, 2) + '\n');
    outputs.push({ what: 'numbers above as JSON', path: summary });
    if (json) {
      printJson({ ...ctx.results, outputs });
      return 0;
    }
    console.log(`\nOutputs (in ${outDir}):`);
    for (const o of outputs) console.log(`  ${rel(o.path).padEnd(40)} ${o.what}`);
    return 0;
  },
};

function rel(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') ? path : r;
}
