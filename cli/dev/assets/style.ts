/** The preview site's stylesheet, served as /assets/style.css. */
export const STYLE_CSS = `
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6673; --line: #d9dee4; --accent: #1f5fbf; --bad: #b3261e; --good: #1e7b34; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7f9; }
header { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; z-index: 5; }
header a { color: var(--ink); text-decoration: none; font-weight: 600; }
header nav { display: flex; gap: 16px; }
#herald-status { margin-left: auto; font-size: 13px; color: var(--muted); }
#herald-status.failed { color: var(--bad); font-weight: 600; }
main { padding: 20px 24px 60px; max-width: 1400px; }
h1 { font-size: 22px; margin: 4px 0 12px; }
h2 { font-size: 17px; margin: 24px 0 8px; }
.muted { color: var(--muted); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 12px 0; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.frame { display: flex; flex-direction: column; gap: 4px; }
.frame iframe { border: 1px solid var(--line); border-radius: 4px; background: #fff; height: 560px; }
.frame.desktop iframe { width: 640px; }
.frame.mobile iframe { width: 375px; }
.frame.dark iframe { width: 375px; background: #121212; }
pre { background: #f0f2f5; padding: 10px 12px; border-radius: 6px; overflow: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
table { border-collapse: collapse; background: #fff; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); font-size: 14px; }
a { color: var(--accent); }
.subject { font-weight: 600; font-size: 16px; }
.bad { color: var(--bad); }
.good { color: var(--good); }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; background: #e8ecf2; font-size: 12px; }
form.inline { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
input[type=text] { padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
button { padding: 4px 12px; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; font: inherit; cursor: pointer; }
ul.clauses { list-style: none; padding-left: 18px; }
.steps { display: flex; flex-direction: column; gap: 8px; }
.step { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--accent); border-radius: 6px; padding: 8px 12px; }
.step.exit { border-left-color: var(--muted); }
.step .kind { font-size: 12px; text-transform: uppercase; color: var(--muted); margin-left: 6px; }
pre.mermaid[data-processed] { background: #fff; border: 1px solid var(--line); }
pre.mermaid[data-processed] + .mermaid-note { display: none; }
#herald-overlay { position: fixed; inset: 0; background: rgba(20, 24, 31, 0.72); z-index: 20; overflow: auto; padding: 40px; }
#herald-overlay[hidden] { display: none; }
#herald-overlay .panel { max-width: 1000px; margin: 0 auto; background: #fff; border-top: 6px solid var(--bad); border-radius: 8px; padding: 18px 22px; }
#herald-overlay pre { background: #1d2330; color: #f3f5f8; }
#herald-overlay h2 { color: var(--bad); margin-top: 0; }
`;
