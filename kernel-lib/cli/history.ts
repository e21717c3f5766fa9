import { writeFileSync } from 'node:fs';
import { QuantbookError } from '../errors';
import { renderSvg } from '../plot/render';
import { compareChart, type RunComparison } from '../tracking/run-compare';
import { parseMetricCondition, type RunFilter } from '../tracking/run-filter';
import { RunHistory, type RunList } from '../tracking/run-history';
import type { RunRecord } from '../tracking/run-record';
import { numberOption, printJson, stringOption, type Command, type ParsedArgs } from './command';

const USAGE = [
  'quantbook history list [--kind K] [--tag T] [--name TEXT] [--signal S] [--strategy S] [--since DATE] [--until DATE] [--where METRIC>VALUE]... [--limit N]',
  '       quantbook history show RUN_ID',
  '       quantbook history compare RUN_A RUN_B [--svg OUT.svg]',
  '       quantbook history delete RUN_ID',
  '  every subcommand: [--runs DIR] (default .quantbook/runs in the workspace, or env QUANTBOOK_RUNS) [--json]',
  '  RUN_ID may be a unique prefix or "latest".',
].join('\n');

export const historyCommand: Command = {
  name: 'history',
  summary: 'list, show, compare and delete recorded runs (the local run history)',
  usage: USAGE,
  options: {
    runs: { type: 'string' },
    kind: { type: 'string' },
    tag: { type: 'string' },
    name: { type: 'string' },
    signal: { type: 'string' },
    strategy: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    where: { type: 'string', multiple: true },
    limit: { type: 'string' },
    svg: { type: 'string' },
  },
  async run(args) {
    const [sub, ...ids] = args.positionals;
    const history = new RunHistory({ root: stringOption(args, 'runs') });
    const json = args.values.json === true;
    switch (sub) {
      case 'list': {
        const list = await history.list(filterFrom(args));
        warnDamaged(list);
        if (json) printJson({ root: history.root, runs: list.runs, damaged: list.damaged });
        else console.log(formatList(list, history.root));
        return 0;
      }
      case 'show': {
        const run = await history.show(need(ids, 1, 'show')[0]);
        if (json) printJson(run);
        else console.log(formatRun(run, run.dir));
        return 0;
      }
      case 'compare': {
        const [a, b] = need(ids, 2, 'compare');
        const cmp = await history.compare(a, b);
        const svgPath = stringOption(args, 'svg');
        const overlay = compareChart(cmp);
        if (svgPath && overlay) writeFileSync(svgPath, renderSvg(overlay));
        if (json) printJson({ a: cmp.a.run_id, b: cmp.b.run_id, params: cmp.params, metrics: cmp.metrics, series: cmp.series ? { artifact: cmp.series.artifact, points: cmp.series.rows.length } : null });
        else console.log(formatComparison(cmp, svgPath && overlay ? svgPath : undefined));
        if (svgPath && !overlay) console.error('note: no --svg written: the runs do not both carry an equity or ic series');
        return 0;
      }
      case 'delete': {
        const deleted = await history.delete(need(ids, 1, 'delete')[0]);
        if (json) printJson({ deleted });
        else console.log(`deleted run ${deleted}`);
        return 0;
      }
      default:
        throw new QuantbookError('BAD_ARGUMENT', sub ? `unknown history subcommand '${sub}'` : 'missing history subcommand', `usage: ${USAGE}`);
    }
  },
};

function need(ids: string[], n: number, sub: string): string[] {
  if (ids.length !== n) {
    throw new QuantbookError('BAD_ARGUMENT', `history ${sub} takes ${n === 1 ? 'one run id' : `${n} run ids`}, got ${ids.length}`, `usage: ${USAGE}`);
  }
  return ids;
}

function filterFrom(args: ParsedArgs): RunFilter {
  const where = (args.values.where as unknown as string[] | undefined) ?? [];
  return {
    kind: stringOption(args, 'kind'),
    tag: stringOption(args, 'tag'),
    name: stringOption(args, 'name'),
    signal: stringOption(args, 'signal'),
    strategy: stringOption(args, 'strategy'),
    since: stringOption(args, 'since'),
    until: stringOption(args, 'until'),
    where: where.map(parseMetricCondition),
    limit: numberOption(args, 'limit'),
  };
}

function warnDamaged(list: RunList): void {
  for (const d of list.damaged) console.error(`warning: damaged run folder ${d.path}: ${d.problem}`);
}

function formatList(list: RunList, root: string): string {
  if (list.runs.length === 0) return `no runs in ${root}`;
  const rows = list.runs.map((r) => [r.run_id, r.kind, r.name, r.created_at.slice(0, 19).replace('T', ' '), keyMetrics(r), r.tags.join(',')]);
  return table(['run_id', 'kind', 'name', 'created (UTC)', 'metrics', 'tags'], rows) + `\n${list.runs.length} run(s) in ${root}`;
}

function keyMetrics(run: RunRecord, max = 3): string {
  return Object.entries(run.metrics)
    .slice(0, max)
    .map(([k, v]) => `${k}=${formatNumber(v)}`)
    .join(' ');
}

export function formatNumber(v: number | null | undefined): string {
  if (v === undefined) return '-';
  if (v === null) return 'NaN';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1000 || Math.abs(v) < 0.001 ? v.toPrecision(4) : v.toFixed(4);
}

function formatRun(run: RunRecord, dir: string): string {
  const lines = [
    `run ${run.run_id}  ${run.kind} '${run.name}'`,
    `  created   ${run.created_at} by ${run.author}`,
    `  git       ${run.workspace.git_sha ?? 'not a git workspace'}${run.workspace.git_dirty ? ' (dirty)' : ''}`,
    `  versions  ${Object.entries(run.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  data      ${run.data.length ? run.data.map((d) => `${d.name ?? d.snapshot_id} (${d.snapshot_id}, ${d.content_hash})`).join('; ') : 'none recorded'}`,
  ];
  if (run.signal) lines.push(`  signal    ${run.signal}`);
  if (run.strategy) lines.push(`  strategy  ${run.strategy}`);
  if (run.tags.length) lines.push(`  tags      ${run.tags.join(', ')}`);
  if (run.duration_ms !== undefined) lines.push(`  duration  ${(run.duration_ms / 1000).toFixed(2)} s`);
  lines.push('  params');
  for (const [k, v] of Object.entries(run.params)) lines.push(`    ${k} = ${JSON.stringify(v)}`);
  lines.push('  metrics');
  for (const [k, v] of Object.entries(run.metrics)) lines.push(`    ${k} = ${formatNumber(v)}`);
  lines.push(`  artifacts (${dir})`);
  for (const a of run.artifacts) lines.push(`    ${a.name}  ${a.file}  ${a.type}  ${a.bytes} bytes`);
  return lines.join('\n');
}

function formatComparison(cmp: RunComparison, svgPath?: string): string {
  const out = [`A ${cmp.a.run_id}  ${cmp.a.kind} '${cmp.a.name}'`, `B ${cmp.b.run_id}  ${cmp.b.kind} '${cmp.b.name}'`, ''];
  const show = (v: unknown) => (v === undefined ? '-' : JSON.stringify(v));
  out.push(table(['param', 'A', 'B', ''], cmp.params.map((p) => [p.key, show(p.a), show(p.b), p.changed ? 'changed' : ''])));
  out.push('');
  out.push(table(['metric', 'A', 'B', 'B - A'], cmp.metrics.map((m) => [m.key, formatNumber(m.a), formatNumber(m.b), m.diff === null ? '-' : formatNumber(m.diff)])));
  if (cmp.series) out.push('', `overlaid ${cmp.series.artifact}: ${cmp.series.rows.length} points${svgPath ? ` -> ${svgPath}` : ' (write it with --svg FILE)'}`);
  return out.join('\n');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
