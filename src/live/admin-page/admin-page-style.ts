/** The admin page's style sheet and icon, served by `serve` itself (no external request). */

export const ADMIN_STYLE = `
:root{color-scheme:light;--fg:#1d2129;--muted:#5f6b7a;--line:#d8dde4;--accent:#2457c5}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
header{display:flex;align-items:center;gap:14px;padding:12px 24px;border-bottom:1px solid var(--line)}
header h1{font-size:19px;margin:0;flex:1}
main{padding:8px 24px 40px;max-width:1400px}
h2{font-size:16px;margin:22px 0 8px}
.muted{color:var(--muted);font-weight:normal}
.pill{font-size:12px;border:1px solid var(--line);border-radius:10px;padding:1px 8px;color:var(--muted)}
.pill.live{color:#11703a;border-color:#8fd1a7}
button{font:inherit;padding:4px 12px;border:1px solid #9aa5b4;border-radius:4px;background:#f4f6f9;cursor:pointer}
button:hover{background:#e8ecf2}button:disabled{opacity:.5;cursor:default}
button.link{border:none;background:none;color:var(--accent);padding:0}
form#start{display:flex;flex-wrap:wrap;gap:12px 18px;align-items:end}
form#start label{display:flex;flex-direction:column;gap:2px;font-size:13px}
form#start label.check{flex-direction:row;align-items:center;gap:6px}
input[type=number]{width:9em;font:inherit;padding:3px 6px}
#start-message,#review-message{min-height:1.4em}
.error{color:#b3261e}.ok{color:#11703a}
.bar{height:10px;background:#eef1f5;border-radius:5px;overflow:hidden;max-width:600px}
#live-bar{height:100%;width:0;background:var(--accent);transition:width .3s}
table{border-collapse:collapse;font-size:13px;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted)}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td .mini{display:inline-block;width:60px;height:6px;background:#eef1f5;border-radius:3px;margin-left:6px;vertical-align:middle}
td .mini i{display:block;height:100%;background:var(--accent);border-radius:3px}
.status-running{color:var(--accent)}.status-completed{color:#11703a}.status-failed{color:#b3261e}.status-cancelled,.status-interrupted{color:#8a5a00}
td.report a{display:inline-block;margin-right:4px}td.nowrap,td:first-child{white-space:nowrap}
#lanes{display:block;margin:8px 0;border:1px solid var(--line);background:#fbfcfd}
#lanes text{font:11px system-ui,sans-serif;fill:var(--muted)}
#lanes line.grid{stroke:#e6e9ee}
#lanes rect{stroke:#fbfcfd;stroke-width:.6}#lanes .s-running{fill:#9db8ea}#lanes .s-ok{fill:#4f8a5b}#lanes .s-error{fill:#d08a2c}#lanes .s-throttled{fill:#c9a227}
#lanes .s-timeout{fill:#7a7f87}#lanes .s-stall{fill:#c0392b}#lanes .s-zombie{fill:#8e44ad;opacity:.8}
#lanes path.tmark{stroke:#111;stroke-width:1.6;fill:none}
.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px;color:var(--muted)}
.legend .sw{display:inline-block;width:14px;height:9px;margin-right:5px;vertical-align:baseline}
.sw.s-running{background:#9db8ea}.sw.s-ok{background:#4f8a5b}.sw.s-error{background:#d08a2c}.sw.s-throttled{background:#c9a227}
.sw.s-timeout{background:#7a7f87}.sw.s-stall{background:#c0392b}.sw.s-zombie{background:#8e44ad}
.legend .mark{font-weight:bold;margin-right:5px;color:#111}
body.signin main{max-width:420px;margin:12vh auto}
body.signin form{display:flex;flex-direction:column;gap:10px}
body.signin input{font:inherit;padding:6px;width:100%}
`;

/** A small icon, so that the browser's own favicon request is answered. */
export const FAVICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2457c5"/><path d="M3 11h3V5H3zm4 0h3V3H7zm4 0h2V7h-2z" fill="#fff"/></svg>';
