/**
 * The inline assets of the HTML report: its style sheet, its legend and its script (tooltips and
 * zoom). Plain strings, so that the page stays one self-contained file.
 */
import { TICK_STEPS_MS } from './time-axis.js';
import { DENSE_STATES } from './dense-lane.js';

/** The legend above the timeline: one swatch per kind of mark, drawn with the timeline's own classes. */
export const PAGE_LEGEND = `<ul class="legend">
<li><svg width="18" height="10"><rect class="item" width="18" height="10"/></svg>item held by a worker</li>
<li><svg width="18" height="10"><rect class="a-ok" width="18" height="10"/></svg>request answered</li>
<li><svg width="18" height="10"><rect class="a-error" width="18" height="10"/></svg>error answer</li>
<li><svg width="18" height="10"><rect class="a-timeout" width="18" height="10"/></svg>timed out</li>
<li><svg width="18" height="10"><rect class="a-stall" width="18" height="10"/></svg>stall (waited over the threshold)</li>
<li><svg width="18" height="10"><rect class="a-throttled" width="18" height="10"/></svg>429</li>
<li><svg width="18" height="10"><rect class="backoff" y="3" width="18" height="4"/></svg>backoff</li>
<li><svg width="18" height="10"><path class="esc" d="M5 10L13 10L9 3Z"/></svg>escalation</li>
<li><svg width="18" height="10"><path class="tmark" d="M6 1L12 9M12 1L6 9"/></svg>client stopped waiting</li>
<li><svg width="18" height="10"><rect class="z-abandoned" width="18" height="10"/></svg>zombie (abandoned call)</li>
<li><svg width="18" height="10"><rect class="z-server" width="18" height="10"/></svg>still running at Scrapfly</li>
<li><svg width="18" height="10"><rect class="blocked" width="18" height="10"/></svg>event loop blocked</li>
</ul>`;

/** The page's style sheet. */
export const PAGE_CSS = `
:root{color-scheme:light;--fg:#1d2129;--muted:#5f6b7a;--line:#d8dde4}
*{box-sizing:border-box}
body{margin:0;padding:20px 28px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:26px 0 8px}h3{font-size:14px;margin:14px 0 6px}
.facts,.hint{color:var(--muted);margin:2px 0}.description{max-width:70em}
.scroll{overflow-x:auto}figure{margin:0}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;margin:6px 0 10px;color:var(--muted);font-size:12.5px}
.legend li{display:flex;align-items:center;gap:6px}
svg.timeline{display:block;font-size:11px}
.tick{fill:var(--muted);font-size:10.5px}.grid{stroke:#eef0f3;stroke-width:1}
.policy-title{font-size:12.5px;fill:var(--muted)}.policy-name{font-weight:700;fill:var(--fg);font-size:13.5px}
.lane-label{fill:#3c4450;font-size:11px}.chart-note,.note{fill:var(--muted);font-size:10px}
.lane-bg{fill:#f6f7f9}.zombie-bg{fill:#faf7fd}
.item{fill:#dfe3e8;stroke:#c3c9d1;stroke-width:.5}
.a-ok{fill:#3a9d4a}.a-error{fill:#ef8a2c}.a-timeout{fill:#e3b505}.a-stall{fill:#d62728}.a-throttled{fill:#b5179e}.a-cut{fill:#8a8f98}
.backoff{fill:#4a7bd0}.esc{fill:#0b9fbd;stroke:#fff;stroke-width:.6}.tmark{stroke:#1d2129;stroke-width:1.4;fill:none}
.blocked{fill:#d62728;fill-opacity:.14;pointer-events:none}
.z-abandoned,.z-zombie-attempt{fill:#7b3fbf}.z-server{fill:#b99be0}.z-backoff{fill:#d9c9ef}
.area-scrapfly{fill:#3b6fb6;fill-opacity:.75}.area-queue{fill:#9aa3ad;fill-opacity:.8}.limit{stroke:#d62728;stroke-dasharray:4 3;stroke-width:1}
svg.timeline rect:hover,svg.timeline path.esc:hover{stroke:#111;stroke-width:1}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:3px 9px;text-align:right;white-space:nowrap}
th[scope=row],th:first-child,table.list td:first-child{text-align:left}thead th{background:#f3f5f7}
td.bad{color:#b3141b;font-weight:600}
details.policy-details{margin:6px 0;border:1px solid var(--line);border-radius:6px;padding:6px 12px}
details.policy-details summary{cursor:pointer}
.warn{color:#b3141b}
#zoom-reset{margin-left:8px;font:inherit;font-size:12.5px;padding:1px 8px;cursor:pointer}
svg.timeline{cursor:crosshair;user-select:none}.zoom-sel{fill:#3b6fb6;fill-opacity:.15;stroke:#3b6fb6;stroke-width:1;pointer-events:none}
#tip{position:fixed;z-index:10;max-width:460px;padding:6px 9px;border-radius:5px;background:#1d2129;color:#fff;font-size:12px;line-height:1.4;white-space:pre-line;pointer-events:none;box-shadow:0 2px 8px rgba(0,0,0,.25)}
`;

/**
 * Tooltips: moves each mark's <title> into a data attribute and shows it at once in a styled box.
 * Zoom: a drag across the plot shows that stretch of time in every policy; marks are moved (bars
 * resized, glyphs shifted, areas scaled) and the axis is redrawn with the steps of time-axis.ts.
 * Dense lanes (see dense-lane.ts): the request under the pointer is looked up in the lane's arrays
 * (`#dense-data`), and once a zoom shows at most DETAIL_LIMIT of a lane's requests they are drawn
 * one by one instead of per pixel column.
 */
const SCRIPT = `
(function () {
  var tip = document.getElementById('tip');
  var dragFrom = null;
  var denseNode = document.getElementById('dense-data');
  var dense = denseNode ? JSON.parse(denseNode.textContent) : null;
  var STATES = __DENSE_STATES__;
  var DETAIL_LIMIT = 3000;
  var view = null;
  function clock(ms) { return new Date(ms).toISOString().slice(11, 19); }
  function span(ms) { return ms < 1000 ? ms + 'ms' : ms < 60000 ? (ms / 1000).toFixed(1) + 's' : Math.floor(ms / 60000) + 'm' + String(Math.round((ms % 60000) / 1000)).padStart(2, '0') + 's'; }
  /** The last request of a lane starting at or before t (ms after the origin), or -1. */
  function lastStartingBy(lane, t) {
    var lo = 0, hi = lane.s.length - 1, found = -1;
    while (lo <= hi) { var mid = (lo + hi) >> 1; if (lane.s[mid] <= t) { found = mid; lo = mid + 1; } else hi = mid - 1; }
    return found;
  }
  function denseTip(e) {
    if (!dense || !view) return null;
    var g = e.target && e.target.closest ? e.target.closest('[data-dense]') : null;
    if (!g) return null;
    var lane = dense.lanes[g.getAttribute('data-dense')];
    var names = dense.names[g.getAttribute('data-policy-index')] || [];
    var px = plotX(e);
    var msPerPx = (view[1] - view[0]) / pw;
    var t = view[0] + (px - x0) * msPerPx - dense.originMs;
    var j = lastStartingBy(lane, t + 2 * msPerPx);
    if (j < 0 || lane.e[j] < t - 2 * msPerPx) return 'no request here (zoom in for each request)';
    var item = lane.i[j];
    return (names[item] || 'item ' + item) + ' (item ' + item + ')\\n' + 'tier ' + lane.t[j] + ' · ' + STATES[lane.k[j]] + '\\n' +
      clock(dense.originMs + lane.s[j]) + ' → ' + clock(dense.originMs + lane.e[j]) + ' · ' + span(lane.e[j] - lane.s[j]);
  }
  document.querySelectorAll('svg.timeline title').forEach(function (t) {
    t.parentNode.setAttribute('data-tip', t.textContent);
    t.parentNode.removeChild(t);
  });
  document.addEventListener('mousemove', function (e) {
    var el = e.target && e.target.closest ? e.target.closest('[data-tip]') : null;
    var text = el ? el.getAttribute('data-tip') : denseTip(e);
    if (!text || dragFrom !== null) { tip.hidden = true; return; }
    tip.textContent = text;
    tip.hidden = false;
    var x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var y = e.clientY + 16 + tip.offsetHeight > window.innerHeight ? e.clientY - tip.offsetHeight - 10 : e.clientY + 16;
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  });

  var svg = document.querySelector('svg.timeline');
  if (!svg) return;
  var NS = 'http://www.w3.org/2000/svg';
  var STEPS = __TICK_STEPS__;
  var x0 = Number(svg.getAttribute('data-plot-x')), pw = Number(svg.getAttribute('data-plot-width'));
  var T0 = Number(svg.getAttribute('data-start-ms')), T1 = Number(svg.getAttribute('data-end-ms'));
  var axisH = Number(svg.getAttribute('data-axis-height')), height = svg.viewBox.baseVal.height;
  var axis = svg.querySelector('g.axis');
  var reset = document.getElementById('zoom-reset');
  view = [T0, T1];
  var denseLanes = [];
  svg.querySelectorAll('g[data-dense]').forEach(function (g) {
    var bg = g.querySelector('rect.lane-bg');
    denseLanes.push({ g: g, lane: dense.lanes[g.getAttribute('data-dense')], agg: g.querySelector('g.marks'), detail: g.querySelector('g.detail'), y: Number(bg.getAttribute('y')) + 2, h: Number(bg.getAttribute('height')) - 4 });
  });
  /** Draws each request of a dense lane when few enough are in view, else its columns. */
  function drawDense() {
    var spanMs = view[1] - view[0];
    denseLanes.forEach(function (d) {
      while (d.detail.firstChild) d.detail.removeChild(d.detail.firstChild);
      var from = Math.max(0, lastStartingBy(d.lane, view[0] - dense.originMs));
      var to = lastStartingBy(d.lane, view[1] - dense.originMs);
      var zoomed = view[0] !== T0 || view[1] !== T1;
      if (!zoomed || to - from + 1 > DETAIL_LIMIT) { if (d.agg) d.agg.style.display = ''; return; }
      if (d.agg) d.agg.style.display = 'none';
      for (var j = from; j <= to; j++) {
        var s = dense.originMs + d.lane.s[j], en = dense.originMs + d.lane.e[j];
        if (en < view[0]) continue;
        var r = document.createElementNS(NS, 'rect');
        r.setAttribute('class', 'a-' + STATES[d.lane.k[j]]);
        r.setAttribute('x', (x0 + ((s - view[0]) / spanMs) * pw).toFixed(1));
        r.setAttribute('width', Math.max(1.2, ((en - s) / spanMs) * pw).toFixed(1));
        r.setAttribute('y', d.y); r.setAttribute('height', d.h);
        d.detail.appendChild(r);
      }
    });
  }
  var marks = [];
  svg.querySelectorAll('g.marks > *').forEach(function (el) {
    if (el.tagName === 'rect') {
      var w = el.hasAttribute('data-w') ? Number(el.getAttribute('data-w')) : Number(el.getAttribute('width'));
      marks.push({ el: el, kind: 'bar', x: Number(el.getAttribute('x')), w: w });
    } else if (el.classList.contains('tmark') || el.classList.contains('esc')) {
      var box = el.getBBox();
      marks.push({ el: el, kind: 'glyph', cx: box.x + box.width / 2 });
    } else {
      marks.push({ el: el, kind: 'area' });
    }
  });
  function label(t, step) {
    var iso = new Date(t).toISOString();
    if (step % 60000 === 0) return iso.slice(11, 16);
    if (step % 1000 === 0) return iso.slice(11, 19);
    return iso.slice(11, 21);
  }
  function drawAxis() {
    while (axis.firstChild) axis.removeChild(axis.firstChild);
    var span = view[1] - view[0];
    var step = STEPS[STEPS.length - 1];
    for (var i = 0; i < STEPS.length; i++) if (span / STEPS[i] <= 12) { step = STEPS[i]; break; }
    for (var t = Math.ceil(view[0] / step) * step; t <= view[1]; t += step) {
      var px = (x0 + ((t - view[0]) / span) * pw).toFixed(1);
      var line = document.createElementNS(NS, 'line');
      line.setAttribute('class', 'grid');
      line.setAttribute('x1', px); line.setAttribute('x2', px);
      line.setAttribute('y1', axisH - 4); line.setAttribute('y2', height - axisH + 4);
      axis.appendChild(line);
      [axisH - 8, height - 6].forEach(function (y) {
        var text = document.createElementNS(NS, 'text');
        text.setAttribute('class', 'tick'); text.setAttribute('x', px); text.setAttribute('y', y); text.setAttribute('text-anchor', 'middle');
        text.textContent = label(t, step);
        axis.appendChild(text);
      });
    }
  }
  function apply() {
    var k = (T1 - T0) / (view[1] - view[0]);
    var a = ((view[0] - T0) / (T1 - T0)) * pw;
    marks.forEach(function (m) {
      if (m.kind === 'bar') {
        m.el.setAttribute('x', (x0 + (m.x - x0 - a) * k).toFixed(1));
        m.el.setAttribute('width', Math.max(1.2, m.w * k).toFixed(1));
      } else if (m.kind === 'glyph') {
        m.el.setAttribute('transform', 'translate(' + (x0 + (m.cx - x0 - a) * k - m.cx).toFixed(1) + ',0)');
      } else {
        m.el.setAttribute('transform', 'translate(' + (x0 - (x0 + a) * k).toFixed(2) + ',0) scale(' + k.toFixed(5) + ',1)');
      }
    });
    drawAxis();
    drawDense();
    reset.hidden = view[0] === T0 && view[1] === T1;
  }
  function zoomOut() { view = [T0, T1]; apply(); }
  var band = document.createElementNS(NS, 'rect');
  band.setAttribute('class', 'zoom-sel');
  band.setAttribute('y', axisH - 4);
  band.setAttribute('height', Math.max(0, height - 2 * axisH + 8));
  band.style.display = 'none';
  svg.appendChild(band);
  function plotX(e) {
    var p = svg.createSVGPoint();
    p.x = e.clientX; p.y = e.clientY;
    var x = p.matrixTransform(svg.getScreenCTM().inverse()).x;
    return Math.min(x0 + pw, Math.max(x0, x));
  }
  svg.addEventListener('mousedown', function (e) {
    if (e.button !== 0) return;
    dragFrom = plotX(e);
    e.preventDefault();
  });
  window.addEventListener('mousemove', function (e) {
    if (dragFrom === null) return;
    var x = plotX(e);
    band.setAttribute('x', Math.min(dragFrom, x)); band.setAttribute('width', Math.abs(x - dragFrom));
    band.style.display = '';
  });
  window.addEventListener('mouseup', function (e) {
    if (dragFrom === null) return;
    var x = plotX(e), lo = Math.min(dragFrom, x), hi = Math.max(dragFrom, x);
    dragFrom = null;
    band.style.display = 'none';
    if (hi - lo < 4) return;
    var at = function (px) { return view[0] + ((px - x0) / pw) * (view[1] - view[0]); };
    var from = at(lo), to = Math.max(at(hi), from + 100);
    view = [from, to];
    apply();
  });
  svg.addEventListener('dblclick', zoomOut);
  reset.addEventListener('click', zoomOut);
})();
`;

/** The page's script, with the axis steps of time-axis.ts filled in. */
export const PAGE_SCRIPT = SCRIPT.replace('__TICK_STEPS__', JSON.stringify(TICK_STEPS_MS)).replace('__DENSE_STATES__', JSON.stringify(DENSE_STATES));
