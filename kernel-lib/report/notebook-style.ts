/** The report's whole stylesheet, inlined into every exported page (no external CSS or fonts). */
export const REPORT_CSS = `
:root { --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --code-bg: #f6f8fa; --error-bg: #fff0f0; --error: #b42318; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--fg); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main.notebook { max-width: 1000px; margin: 0 auto; padding: 32px 24px 48px; }
.cell { margin: 0 0 18px; }
.cell.markdown h1 { font-size: 1.9em; margin: .2em 0 .4em; border-bottom: 1px solid var(--border); padding-bottom: .2em; }
.cell.markdown h2 { font-size: 1.45em; margin: 1em 0 .4em; }
.cell.markdown h3 { font-size: 1.2em; margin: 1em 0 .3em; }
.cell.markdown p, .cell.markdown ul, .cell.markdown ol { margin: .5em 0; }
.cell.markdown blockquote { margin: .5em 0; padding: 0 1em; color: var(--muted); border-left: 4px solid var(--border); }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.cell.markdown code { background: var(--code-bg); padding: .1em .35em; border-radius: 4px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
pre.md-code { background: var(--code-bg); padding: 10px 12px; border-radius: 6px; }
.md-url { color: var(--muted); font-size: .9em; word-break: break-all; }
.md-missing-image { color: var(--muted); font-style: italic; }
table.md-table, .output table { border-collapse: collapse; margin: .5em 0; font-size: 13px; }
table.md-table th, table.md-table td, .output table th, .output table td { border: 1px solid var(--border); padding: 3px 8px; text-align: left; }
.output table th { background: var(--code-bg); }
.quantbook-frame-shape { color: var(--muted); font-size: 12px; margin: 2px 0 0; }
.input { display: flex; gap: 10px; align-items: flex-start; }
.prompt { flex: 0 0 56px; color: var(--muted); font: 12px ui-monospace, monospace; padding-top: 9px; text-align: right; }
.source { flex: 1; min-width: 0; background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 8px 12px; }
.source .k { color: #cf222e; } .source .s { color: #0a3069; } .source .n { color: #0550ae; } .source .c { color: #6e7781; font-style: italic; }
.outputs { margin: 6px 0 0 66px; overflow-x: auto; }
.outputs > * { margin: 4px 0; }
pre.stream { padding: 2px 0; }
pre.stderr { color: #9a6700; }
pre.error { background: var(--error-bg); color: var(--error); padding: 8px 12px; border-radius: 6px; border-left: 4px solid var(--error); }
.cell.failed .source { border-color: var(--error); }
.cell.not-run .source { opacity: .6; }
.output.svg svg, .output.html svg { max-width: 100%; height: auto; }
.output img { max-width: 100%; }
footer.reproducibility { margin-top: 40px; border-top: 2px solid var(--border); padding-top: 12px; font-size: 13px; color: var(--muted); }
footer.reproducibility h2 { font-size: 1.1em; color: var(--fg); margin: 0 0 8px; }
footer.reproducibility table { border-collapse: collapse; }
footer.reproducibility th { text-align: left; vertical-align: top; padding: 3px 16px 3px 0; white-space: nowrap; color: var(--fg); }
footer.reproducibility td { padding: 3px 0; }
footer.reproducibility ul { margin: 0; padding-left: 18px; }
footer .dirty { color: var(--error); }
@media print { main.notebook { max-width: none; padding: 0; } .cell { break-inside: avoid; } }
`;
