import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { escapeXml, renderSvg } from '../plot/render';
import type { SuiteResult } from '../suite/result';
import type { VerdictThresholds } from '../suite/verdict';
import type { XsectionResult } from '../xsection/result';
import type { SliceSummary } from '../xsection/summary';
import { TEARSHEET_CSS } from './tearsheet-css';
import { fmt, suiteCharts } from './tearsheet-charts';

/**
 * The suite's tear sheet: ONE self-contained HTML file (inline CSS, inline SVG charts, no
 * scripts, no network), sections A headline, B robustness, C capacity, D uniqueness,
 * E verdict. Every number is defined in docs/xsection.md and docs/suite.md.
 */
export function renderTearsheet(suite: SuiteResult): string {
  const charts = suiteCharts(suite);
  const svg = (name: keyof typeof charts) => `<figure class="chart">${renderSvg(charts[name])}</figure>`;
  const v = suite.verdict;
  const head = suite.headline;
  const best = suite.best;
  const h = (s: string) => escapeXml(s);

  const sections = [
    `<header>
      <h1>Suite tear sheet: ${h(suite.signalName)}</h1>
      <p class="meta">snapshot <b>${h(suite.snapshot.name ?? suite.snapshot.snapshot_id)}</b> (${h(suite.snapshot.snapshot_id)}, content ${h(suite.snapshot.content_hash.slice(0, 12))})
      &middot; preset <b>${h(suite.preset.name)}</b> (lags ${suite.preset.lags.join(', ')} &times; residualize ${suite.preset.residualize.join(', ')})
      &middot; ${h(costText(head))} &middot; fractile: short bottom ${head.config.fractile[0]}%, long top ${100 - head.config.fractile[1]}%, ${h(head.config.weight)} weights
      ${suite.run ? `&middot; run <code>${h(suite.run.run_id)}</code>` : ''}</p>
      <div class="banner ${v.light}"><span class="light"></span><div><b>${v.light.toUpperCase()}</b> ${h(v.headline.replace(/^\w+: /, ''))}</div></div>
    </header>`,

    `<section><h2>A. Headline results</h2>
      <div class="cards">
        ${card('Net Sharpe', fmt(head.metrics.sharpe_net, 2), `${head.name} (verdict variant)`)}
        ${card('Gross Sharpe', fmt(head.metrics.sharpe_gross, 2), 'before costs')}
        ${card('Ann. return, net', pct(head.metrics.ann_return_net), `gross ${pct(head.metrics.ann_return_gross)}`)}
        ${card('Ann. volatility', pct(head.metrics.ann_vol_net), 'net daily returns')}
        ${card('Max drawdown', pct(head.metrics.max_drawdown_net), 'net, compounded')}
        ${card('Turnover / day', fmt(head.metrics.turnover, 2), 'sum |dw| per $ capital')}
        ${card('Best variant', best.name, `net Sharpe ${fmt(best.metrics.sharpe_net, 2)}`)}
      </div>
      <h3>Variants</h3>
      ${variantTable(suite.signal.variants, best.name)}
      ${suite.signal.skipped.length ? `<p class="note">Not run: ${suite.signal.skipped.map((s) => `${h(s.name)} (${h(s.reason)})`).join('; ')}</p>` : ''}
      ${svg('cumulative')}
      <div class="row">${svg('gross_net')}</div>
      <div class="row">${svg('fractiles')}<div class="aside"><h3>Fractile analysis</h3><p>Mean next-day return of each signal fractile (pd.qcut buckets per date, averaged over dates), for ${h(head.name)}. A signal that ranks well rises from left to right; monotonicity is the Spearman correlation of fractile number and mean return.</p></div></div>
    </section>`,

    `<section><h2>B. Robustness</h2>
      ${svg('sharpe_by_year')}
      ${suite.unavailable.cap ? `<p class="note">Cap buckets unavailable: ${h(suite.unavailable.cap)}</p>` : svg('sharpe_by_cap')}
      ${sliceTable(suite.signal.variants, 'year')}
    </section>`,

    `<section><h2>C. Capacity</h2>
      <p>${h(suite.capDefinition)}</p>
      <div class="cards">
        ${card('Turnover / day', fmt(head.metrics.turnover, 2), head.name)}
        ${card('Holding period', fmt(head.metrics.turnover > 0 ? 4 / head.metrics.turnover : NaN, 1) + ' days', '4 / turnover (gross book 2, both sides traded)')}
        ${card('Break-even cost', fmt(breakEvenBps(head), 1) + ' bps', 'cost per unit turnover that zeroes the net return')}
        ${card('Small-cap weight', pct(head.metrics.small_cap_share), 'share of gross weight in the small tercile (neutral 33%)')}
        ${card('Holdings liquidity', usd(head.metrics.holdings_size_median), 'median of the daily gross-weighted mean dollar volume')}
      </div>
      ${capTable(head)}
      ${costTable(head)}
      ${svg('turnover')}
      ${suite.unavailable.cap ? '' : svg('holdings_size')}
    </section>`,

    `<section><h2>D. Uniqueness</h2>
      ${correlationTable(suite)}
      ${suite.correlations.some((c) => c.available) ? svg('correlations') : ''}
      ${svg('baselines')}
    </section>`,

    `<section><h2>E. Verdict</h2>
      <div class="banner ${v.light}"><span class="light"></span><div><b>${v.light.toUpperCase()}</b>${v.suspect ? ' &middot; <b>suspect: check for lookahead</b>' : ''}</div></div>
      <ul class="reasons">${v.reasons.map((r) => `<li class="${r.level}"><span class="tag">${r.level}</span> ${h(r.text)}</li>`).join('')}</ul>
      <p>All Sharpe ratios in the verdict are <b>net of costs</b>, overall slice, for the variant <b>${h(v.headlineVariant)}</b> unless named. Rules: red if any red reason; else yellow if any yellow reason or an unchecked requirement; else green.</p>
      ${thresholdTable(v.thresholds)}
    </section>`,

    `<section><h2>Diagnostics</h2>${diagnostics(suite)}</section>`,
    `<footer>Definitions: docs/xsection.md and docs/suite.md. Generated ${new Date().toISOString()} by Quantbook.</footer>`,
  ];

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Suite: ${h(suite.signalName)} (${v.light})</title>
<style>${TEARSHEET_CSS}</style></head>
<body><main>${sections.join('\n')}</main></body></html>
`;
}

/** Writes the tear sheet atomically (temp file + rename); returns the absolute path. */
export async function writeTearsheet(suite: SuiteResult, path: string): Promise<string> {
  const full = resolve(path);
  await mkdir(dirname(full), { recursive: true });
  const temp = `${full}.tmp-${process.pid}`;
  await writeFile(temp, renderTearsheet(suite));
  await rename(temp, full);
  return full;
}

function card(title: string, value: string, note: string): string {
  return `<div class="card"><div class="t">${escapeXml(title)}</div><div class="v">${escapeXml(value)}</div><div class="n">${escapeXml(note)}</div></div>`;
}

function variantTable(results: XsectionResult[], best: string): string {
  const rows = results.map((r) => {
    const m = r.metrics;
    return `<tr${r.name === best ? ' class="best"' : ''}><td>${escapeXml(r.name)}</td><td>${r.config.lag}</td><td>${escapeXml(r.config.residualize)}</td>
      <td>${fmt(m.sharpe_gross, 2)}</td><td><b>${fmt(m.sharpe_net, 2)}</b></td><td>${pct(m.ann_return_gross)}</td><td>${pct(m.ann_return_net)}</td>
      <td>${pct(m.ann_vol_net)}</td><td>${pct(m.max_drawdown_net)}</td><td>${fmt(m.turnover, 2)}</td><td>${pct(m.hit_rate)}</td><td>${fmt(m.monotonicity, 2)}</td><td>${m.days}</td></tr>`;
  });
  return `<table><thead><tr><th>variant</th><th>lag</th><th>residualize</th><th>Sharpe gross</th><th>Sharpe net</th><th>ann. ret gross</th><th>ann. ret net</th><th>ann. vol</th><th>max DD</th><th>turnover/day</th><th>hit rate</th><th>monoton.</th><th>days</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function sliceTable(results: XsectionResult[], sliceType: string): string {
  const slices = [...new Set(results.flatMap((r) => r.summaryRows.filter((s) => s.slice_type === sliceType).map((s) => s.slice)))];
  const body = results.map((r) => {
    const by = new Map(r.summaryRows.filter((s) => s.slice_type === sliceType).map((s) => [s.slice, s]));
    return `<tr><td>${escapeXml(r.name)}</td>${slices.map((s) => cell(by.get(s))).join('')}</tr>`;
  });
  return `<table class="compact"><thead><tr><th>net Sharpe (gross) / ann. return net</th>${slices.map((s) => `<th>${escapeXml(s)}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table>`;

  function cell(s: SliceSummary | undefined): string {
    if (!s) return '<td>-</td>';
    return `<td class="${s.sharpe_net >= 0 ? 'pos' : 'neg'}">${fmt(s.sharpe_net, 2)} <span class="dim">(${fmt(s.sharpe_gross, 2)})</span><br><span class="dim">${pct(s.ann_return_net)}</span></td>`;
  }
}

function capTable(r: XsectionResult): string {
  const caps = r.summaryRows.filter((s) => s.slice_type === 'cap');
  if (!caps.length) return '';
  const body = caps.map((s) => `<tr><td>${s.slice}</td><td>${fmt(s.sharpe_gross, 2)}</td><td><b>${fmt(s.sharpe_net, 2)}</b></td><td>${pct(s.ann_return_net)}</td><td>${pct(s.ann_vol_net)}</td><td>${fmt(s.turnover, 2)}</td><td>${s.traded_days}</td></tr>`);
  return `<h3>Cap-bucket performance (${escapeXml(r.name)}, long-short built within each bucket)</h3><table class="compact"><thead><tr><th>bucket</th><th>Sharpe gross</th><th>Sharpe net</th><th>ann. ret net</th><th>ann. vol</th><th>turnover/day</th><th>traded days</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}

/** Net Sharpe at other cost levels, from the same gross returns and turnover (cost is linear in turnover). */
function costTable(r: XsectionResult): string {
  if (r.config.tcModel !== 'naive') return '';
  const gross = r.daily.getColumn('pnl_gross').toTypedArray() as Float64Array;
  const turnover = r.daily.getColumn('turnover').toTypedArray() as Float64Array;
  const levels = [0, 5, 10, 20, 50];
  const cells = levels.map((bps) => {
    const net = Float64Array.from(gross, (g, k) => g - (turnover[k] * bps) / 1e4);
    return `<td>${fmt(sharpe(net, r.config.periodsPerYear), 2)}</td>`;
  });
  return `<h3>Cost sensitivity (${escapeXml(r.name)})</h3><table class="compact"><thead><tr><th>cost (bps per unit turnover)</th>${levels.map((l) => `<th>${l}</th>`).join('')}</tr></thead><tbody><tr><td>net Sharpe</td>${cells.join('')}</tr></tbody></table>`;
}

function correlationTable(suite: SuiteResult): string {
  const rows = suite.correlations.map((c) => {
    const b = suite.baselines.find((x) => x.name === c.baseline);
    const bh = b?.variants.find((x) => x.name === suite.headline.name);
    if (!c.available) return `<tr><td>${escapeXml(c.baseline)}</td><td colspan="4" class="dim">unavailable: ${escapeXml(c.reason ?? '')}</td></tr>`;
    const over = Math.max(Math.abs(c.signal_correlation), Math.abs(c.pnl_correlation)) > suite.verdict.thresholds.cloneCorrelation;
    return `<tr${over ? ' class="flag"' : ''}><td>${escapeXml(c.baseline)}</td><td>${fmt(c.signal_correlation, 2)} <span class="dim">(${c.signal_correlation_dates} dates)</span></td><td>${fmt(c.pnl_correlation, 2)} <span class="dim">(${c.pnl_correlation_days} days)</span></td><td>${fmt(bh?.metrics.sharpe_net ?? NaN, 2)}</td><td>${fmt(bh?.metrics.turnover ?? NaN, 2)}</td></tr>`;
  });
  return `<table class="compact"><thead><tr><th>baseline</th><th>signal correlation</th><th>daily PnL correlation</th><th>baseline net Sharpe (${escapeXml(suite.headline.name)})</th><th>baseline turnover/day</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const THRESHOLD_TEXT: Record<keyof VerdictThresholds, string> = {
  greenSharpe: 'green needs the headline net Sharpe above this',
  redSharpe: 'red below this net Sharpe; also the floor for the lag+1 and industry variants',
  lagRetention: 'survives lag: lag+1 net Sharpe >= this x lag 0 (and >= red Sharpe); below the floor = dies with lag (red)',
  residualRetention: 'survives industry residualization: industry net Sharpe >= this x raw (and >= red Sharpe), else yellow',
  cloneCorrelation: 'clone (red): |signal| or |daily PnL| correlation with a baseline above this',
  maxDailyTurnover: 'high turnover (yellow): mean daily sum |dw| above this',
  smallCapWeightShare: 'small-cap concentration (yellow): share of gross weight in the small tercile above this',
  largeToSmallSharpe: '... or large-cap net Sharpe below this x small-cap net Sharpe, when the small-cap one is above green Sharpe',
  suspectSharpe: 'too good to be true (red): net Sharpe above this',
  suspectLagSharpe: '... or net Sharpe above this while lag+1 keeps less than the ratio below',
  suspectLagRatio: 'lag+1 / lag 0 Sharpe ratio under which a high Sharpe is suspect',
};

function thresholdTable(th: VerdictThresholds): string {
  const rows = (Object.keys(THRESHOLD_TEXT) as (keyof VerdictThresholds)[]).map((k) => `<tr><td><code>${k}</code></td><td>${th[k]}</td><td class="text">${escapeXml(THRESHOLD_TEXT[k])}</td></tr>`);
  return `<h3>Thresholds used</h3><table class="compact"><thead><tr><th>threshold</th><th>value</th><th class="text">meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function diagnostics(suite: SuiteResult): string {
  const d = suite.headline.diagnostics;
  const rows = suite.signal.rows;
  const dropped = rows ? Object.entries(rows.dropped).filter(([, n]) => n > 0) : [];
  const skipped = d.dates_skipped;
  return `<table class="compact diag"><tbody>
    <tr><td>signal rows in the file</td><td>${rows?.input ?? 'n/a'}</td></tr>
    <tr><td>rows dropped (contract + placement), by reason</td><td>${dropped.length ? dropped.map(([k, n]) => `${escapeXml(k)}: ${n}`).join(', ') : 'none'}</td></tr>
    <tr><td>active dates / traded (${escapeXml(suite.headline.name)})</td><td>${d.dates_active} / ${d.dates_traded}</td></tr>
    <tr><td>dates skipped (mincos ${suite.headline.config.mincos} / fractile empty / singular factors)</td><td>${skipped.mincos} / ${skipped.fractile} / ${skipped.singular}</td></tr>
    <tr><td>mean coverage (eligible / tradable securities per date)</td><td>${pct(d.mean_coverage)}</td></tr>
    <tr><td>missingness (tradable cells without a signal)</td><td>${pct(d.missingness)}</td></tr>
    <tr><td>signal cells on untradable securities / held without a next return</td><td>${d.cells.not_tradable} / ${d.cells.held_missing_return}</td></tr>
    ${Object.entries(suite.unavailable).map(([k, why]) => `<tr><td>unavailable: ${escapeXml(k)}</td><td>${escapeXml(why)}</td></tr>`).join('')}
    <tr><td>time (s)</td><td>${Object.entries(suite.timings).map(([k, ms]) => `${escapeXml(k)} ${(ms / 1000).toFixed(2)}`).join(', ')}</td></tr>
  </tbody></table>`;
}

function breakEvenBps(r: XsectionResult): number {
  const t = r.metrics.turnover;
  return t > 0 ? (r.metrics.ann_return_gross / r.config.periodsPerYear / t) * 1e4 : NaN;
}

function sharpe(x: Float64Array, periods: number): number {
  const n = x.length;
  if (n < 2) return NaN;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return sd > 0 ? (mean / sd) * Math.sqrt(periods) : NaN;
}

function costText(r: XsectionResult): string {
  return r.config.tcModel === 'naive' ? `costs ${r.config.costBps} bps per unit turnover` : `spread costs from '${r.config.costColumn}'`;
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';
}

function usd(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x >= 1e9) return `$${(x / 1e9).toFixed(1)}B`;
  if (x >= 1e6) return `$${(x / 1e6).toFixed(1)}M`;
  if (x >= 1e3) return `$${(x / 1e3).toFixed(0)}k`;
  return `$${x.toFixed(0)}`;
}
