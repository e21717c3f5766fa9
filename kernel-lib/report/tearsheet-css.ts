/** The tear sheet's only stylesheet (inlined: the file must open offline and in a webview). */
export const TEARSHEET_CSS = `
:root { --fg:#1d2330; --dim:#6b7280; --line:#e5e7eb; --bg:#ffffff; --panel:#f7f8fa;
  --green:#1a9850; --yellow:#d4a106; --red:#d73027; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg); font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 34px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 8px; }
.meta { color: var(--dim); margin: 0 0 14px; }
code { font-size: 12px; background: var(--panel); padding: 1px 4px; border-radius: 3px; }
.banner { display:flex; align-items:center; gap:14px; padding:12px 16px; border-radius:8px; background:var(--panel); border-left:8px solid var(--dim); }
.banner .light { width:22px; height:22px; border-radius:50%; flex:none; background:var(--dim); }
.banner.green { border-color:var(--green); } .banner.green .light { background:var(--green); }
.banner.yellow { border-color:var(--yellow); } .banner.yellow .light { background:var(--yellow); }
.banner.red { border-color:var(--red); } .banner.red .light { background:var(--red); }
.cards { display:grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap:10px; margin: 12px 0; }
.card { background:var(--panel); border-radius:6px; padding:10px 12px; }
.card .t { color:var(--dim); font-size:12px; } .card .v { font-size:20px; font-weight:600; margin:2px 0; } .card .n { color:var(--dim); font-size:11px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
th { background: var(--panel); font-weight: 600; }
table.compact { width: auto; }
table.diag td { text-align: left; }
tr.best td { background: #eef6ee; }
tr.flag td { background: #fdecea; }
td.pos { color: #11643a; } td.neg { color: #a32020; }
.dim { color: var(--dim); font-size: 11px; }
.note { color: var(--dim); font-style: italic; }
figure.chart { margin: 14px 0; }
figure.chart svg { max-width: 100%; height: auto; }
.row { display:flex; gap:20px; align-items:flex-start; flex-wrap: wrap; }
.aside { flex: 1; min-width: 240px; color: var(--dim); }
ul.reasons { list-style: none; padding: 0; }
ul.reasons li { padding: 6px 10px; margin: 4px 0; border-radius: 4px; background: var(--panel); }
ul.reasons .tag { display:inline-block; min-width:54px; font-size:11px; font-weight:700; text-transform:uppercase; }
ul.reasons li.red .tag { color: var(--red); } ul.reasons li.yellow .tag { color: var(--yellow); }
ul.reasons li.pass .tag, ul.reasons li.green .tag { color: var(--green); } ul.reasons li.info .tag { color: var(--dim); }
footer { margin-top: 40px; color: var(--dim); font-size: 12px; }
`;
