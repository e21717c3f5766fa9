import { strict as assert } from 'node:assert';
import { compareHtml, formatBytes, runDetailsHtml, withStyleReset, type PageFrame } from '../extension/webviews/run-html';
import type { RunRecord } from '../kernel-lib/tracking/run-record';

const frame: PageFrame = { title: 'Run', cspSource: 'vscode-webview://x', nonce: 'abc123', styleUri: 'vscode-resource://media/webview.css' };

function run(over: Partial<RunRecord> = {}): RunRecord & { dir: string } {
  return {
    schema_version: 1, run_id: '20261121-120000-000-aaaaaaaa', kind: 'backtest', name: 'sma <cross>', created_at: '2026-11-21T12:00:00.000Z',
    author: 'ann', workspace: { git_sha: '0123456789abcdef0123', git_dirty: true }, versions: { quantbook: '0.1.0', node: '24.21.0', polars: '0.26.1' },
    data: [{ snapshot_id: 'snap1', content_hash: 'feedfacecafebeef0000', name: 'sample' }], tags: ['t1'],
    params: { fast: 20, label: '<img src=x onerror=alert(1)>' }, metrics: { sharpe: 1.23456, max_drawdown: null }, artifacts: [],
    dir: '/ws/.quantbook/runs/20261121-120000-000-aaaaaaaa', ...over,
  };
}

describe('extension: run details and comparison pages', () => {
  it('escapes every value from run.json (names and params are user text)', () => {
    const html = runDetailsHtml(frame, run(), [], []);
    assert.ok(!html.includes('<cross>'));
    assert.ok(html.includes('sma &lt;cross&gt;'));
    assert.ok(!html.includes('<img src=x'));
    assert.ok(html.includes('&quot;&lt;img src=x onerror=alert(1)&gt;&quot;'));
  });

  it('locks the page down with a CSP: scripts only with the nonce, images and styles from the webview', () => {
    const html = runDetailsHtml(frame, run(), [], []);
    assert.match(html, /default-src 'none'; img-src vscode-webview:\/\/x data:; style-src vscode-webview:\/\/x; script-src 'nonce-abc123';/);
    assert.equal((html.match(/<script nonce="abc123">/g) ?? []).length, 1);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });

  it('shows metrics (NaN for null), params, git state, data and charts', () => {
    const html = runDetailsHtml(frame, run(), [{ name: 'equity', uri: 'https://file+.vscode-resource/equity.svg' }], [
      { name: 'equity', file: 'equity.chart.json', type: 'chart', bytes: 2048, path: '/ws/r/equity.chart.json' },
      { name: 'series', file: 'series.parquet', type: 'parquet', bytes: 10, path: '/ws/r/series.parquet' },
    ]);
    assert.match(html, /<td>sharpe<\/td><td><span class="num">1\.235<\/span>/);
    assert.match(html, /<td>max_drawdown<\/td><td><span class="num">NaN<\/span>/);
    assert.match(html, /0123456789ab \(dirty\)/);
    assert.match(html, /sample \(feedfacecafe\)/);
    assert.match(html, /<img src="https:\/\/file\+\.vscode-resource\/equity\.svg" alt="equity">/);
    // parquet cannot be opened as text: no button for it
    assert.equal((html.match(/<button data-path=/g) ?? []).length, 1);
    assert.match(html, /2\.0 KB/);
  });

  it('the comparison shows B - A with its sign, marks changed params, and explains a missing overlay', () => {
    const a = run({ run_id: 'A1', name: 'a' });
    const b = run({ run_id: 'B1', name: 'b' });
    const html = compareHtml(frame, a, b, {
      a: 'A1', b: 'B1',
      params: [{ key: 'fast', a: 10, b: 20, changed: true }, { key: 'slow', a: 50, b: 50, changed: false }],
      metrics: [{ key: 'sharpe', a: 1, b: 1.5, diff: 0.5 }, { key: 'trades', a: 10, b: 4, diff: -6 }, { key: 'cagr', a: undefined, b: 0.1, diff: null }],
      series: null,
    });
    assert.match(html, /<span class="num up">\+0\.5<\/span>/);
    assert.match(html, /<span class="num down">-6<\/span>/);
    assert.match(html, /<td>cagr<\/td><td><span class="num">-<\/span><\/td><td><span class="num">0\.1<\/span><\/td><td><span class="dim">-<\/span>/);
    assert.match(html, /<tr class="changed"><td>fast<\/td>/);
    assert.match(html, /<tr><td>slow<\/td>/);
    assert.match(html, /\(1 changed\)/);
    assert.match(html, /do not both carry an equity or IC series/);
  });

  it('formats sizes', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
  });
});

describe('extension: reports shown in a webview', () => {
  it('puts the style reset first in <head>, so the report\'s own styles still win', () => {
    const out = withStyleReset('<!DOCTYPE html><html><HEAD lang="en"><style>code{color:red}</style></head><body>x</body></html>');
    assert.match(out, /^<!DOCTYPE html><html><HEAD lang="en"><style id="quantbook-report-reset">[^]*?<\/style><style>code\{color:red\}<\/style>/);
    assert.match(withStyleReset('<p>no head</p>'), /^<style id="quantbook-report-reset">[^]*<\/style><p>no head<\/p>$/);
  });
});
