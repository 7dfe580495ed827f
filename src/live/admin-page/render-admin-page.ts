/**
 * The admin page's two documents: the sign-in form (a plain HTML form, no script) and the page
 * itself, a shell that `/assets/admin.js` fills from the API and the event stream. Neither holds
 * the API token; the page holds its session's CSRF token, which its script sends back.
 */
import { escapeHtml } from '../../report/escape-html.js';

const HEAD = `<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml"><link rel="stylesheet" href="/assets/admin.css">`;

/** The sign-in form; `error` says why the last attempt failed. */
export function renderSignInPage(options: { error: string | null }): string {
  return `<!doctype html><html lang="en"><head>${HEAD}<title>batchscope — sign in</title></head>
<body class="signin"><main>
<h1>batchscope</h1>
<p class="muted">Live batches: sign in with the API token (the one <code>serve</code> was started with).</p>
<form method="post" action="/login" id="signin">
<label>API token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
</form>
${options.error === null ? '' : `<p class="error" id="signin-error" role="alert">${escapeHtml(options.error)}</p>`}
</main></body></html>
`;
}

/** The page for a signed-in session. */
export function renderAdminPage(options: { csrfToken: string }): string {
  return `<!doctype html><html lang="en"><head>${HEAD}
<meta name="csrf-token" content="${escapeHtml(options.csrfToken)}">
<title>batchscope — live batches</title><script src="/assets/admin.js" defer></script></head>
<body>
<header><h1>batchscope <span class="muted">live batches</span></h1><span id="connection" class="pill">connecting…</span><button type="button" id="logout" class="link">Sign out</button></header>
<main>
<section id="start-section"><h2>Start a batch</h2>
<form id="start">
<label>Not checked for (days) <input name="days_threshold" type="number" min="0" step="any" value="0"></label>
<label>At most (machines) <input name="limit" type="number" min="1" step="1" placeholder="all"></label>
<label>Workers <input name="max_workers" type="number" min="1" step="1" placeholder="the policy's"></label>
<label class="check"><input name="use_scrapfly" type="checkbox" checked> Use Scrapfly <span class="muted">(off: fetch the pages directly)</span></label>
<button type="submit">Start batch</button>
</form>
<p id="start-message" role="status"></p>
</section>
<section id="live"><h2>Live batch <span id="live-id" class="muted"></span></h2>
<p id="live-empty" class="muted">No batch has run since this page opened.</p>
<div id="live-panel" hidden>
<div class="bar"><div id="live-bar"></div></div>
<p id="live-progress"></p>
<p><button type="button" id="live-cancel" hidden>Cancel batch</button></p>
<svg id="lanes" role="img" aria-label="worker lanes" viewBox="0 0 1000 60" width="100%"></svg>
<ul class="legend">
<li><span class="sw s-running"></span>waiting for an answer</li><li><span class="sw s-ok"></span>answered</li>
<li><span class="sw s-error"></span>error answer</li><li><span class="sw s-throttled"></span>429</li>
<li><span class="sw s-timeout"></span>timed out</li><li><span class="sw s-stall"></span>stall (over the threshold)</li>
<li><span class="sw s-zombie"></span>zombie (abandoned, still running)</li><li><span class="mark">×</span>timeout</li>
</ul>
</div>
</section>
<section id="batches-section"><h2>Batches</h2>
<table id="batches"><thead><tr><th>batch</th><th>status</th><th>progress</th><th title="priced · failed · timed out · skipped">outcomes</th><th>flagged</th><th>fetch</th><th>started (UTC)</th><th>duration</th><th>resumable</th><th>report</th></tr></thead><tbody></tbody></table>
<p id="batches-empty" class="muted" hidden>No batch yet.</p>
</section>
<section id="reviews-section"><h2>Review queue</h2>
<p class="muted">Price changes above the review threshold (or of currency) wait here; approving applies the price.</p>
<table id="reviews"><thead><tr><th>id</th><th>machine</th><th>name</th><th>stored price</th><th>new price</th><th>change</th><th>batch</th><th>read at (UTC)</th><th></th></tr></thead><tbody></tbody></table>
<p id="reviews-empty" class="muted" hidden>No price change waits for review.</p>
<p id="review-message" role="status"></p>
</section>
</main>
</body></html>
`;
}
