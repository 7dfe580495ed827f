/**
 * The admin page's script, served by `serve` as /assets/admin.js (no inline script: the page's
 * content security policy forbids it). Plain browser JavaScript, no library: it reads batches and
 * the review queue from the API, starts, cancels and resumes batches, approves and rejects price
 * changes (every state-changing call sends the session's CSRF token), and draws the running
 * batch's worker lanes from the server-sent events of /api/v1/events: each request a bar on its
 * worker's lane, stalls, timeouts (×) and zombies marked as they happen.
 */
export const ADMIN_SCRIPT = String.raw`'use strict';
(function () {
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute('content');
  var $ = function (sel) { return document.querySelector(sel); };
  var esc = function (text) {
    return String(text).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  };

  /** An element with attributes and children (strings become text). */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    for (var key in attrs || {}) {
      if (attrs[key] === null || attrs[key] === undefined || attrs[key] === false) continue;
      if (key === 'onclick') el.addEventListener('click', attrs[key]);
      else el.setAttribute(key, attrs[key] === true ? '' : String(attrs[key]));
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      el.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
    }
    return el;
  }

  /** Calls the API with the session cookie; state-changing calls carry the CSRF token. */
  function api(method, path, body) {
    var init = { method: method, headers: { accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    if (method !== 'GET') init.headers['x-csrf-token'] = csrf;
    return fetch(path, init).then(function (response) {
      if (response.status === 401) {
        location.href = '/';
        return { status: 401, json: null };
      }
      return response.json().then(
        function (json) { return { status: response.status, json: json }; },
        function () { return { status: response.status, json: null }; }
      );
    });
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '?';
    var s = Math.round(seconds);
    if (s < 60) return s + 's';
    var m = Math.floor(s / 60);
    if (m < 60) return m + 'm' + String(s % 60).padStart(2, '0') + 's';
    return Math.floor(m / 60) + 'h' + String(m % 60).padStart(2, '0') + 'm';
  }
  function utc(iso) { return iso ? iso.slice(0, 19).replace('T', ' ') : ''; }
  function money(price, currency) { return price === null || price === undefined ? '?' : price + (currency ? ' ' + currency : ''); }
  function message(sel, text, ok) {
    var el = $(sel);
    el.textContent = text;
    el.className = ok ? 'ok' : 'error';
  }

  // ---- Batches and reviews: fetched once on load and again when the event stream says they changed.
  function loadBatches() {
    return api('GET', '/api/v1/batches').then(function (r) {
      if (r.status !== 200 || !r.json) return;
      var body = $('#batches tbody');
      body.textContent = '';
      r.json.batches.forEach(function (b) {
        var share = b.total === 0 ? 1 : b.done / b.total;
        var links = h('td', { class: 'report' });
        var files = b.report ? Object.keys(b.report.files) : [];
        files.forEach(function (name) {
          links.appendChild(h('a', { href: '/api/v1/batches/' + encodeURIComponent(b.batch_id) + '/report/' + encodeURIComponent(name), target: '_blank', rel: 'noopener', class: 'report-link', 'data-file': name }, name));
          links.appendChild(document.createTextNode(' '));
        });
        if (files.length === 0) links.appendChild(document.createTextNode(b.status === 'running' ? 'when done' : '-'));
        var resumable = h('td', { class: 'resumable' }, b.resumable ? 'yes ' : 'no');
        if (b.resumable) resumable.appendChild(h('button', { type: 'button', class: 'resume', onclick: function () { act(b.batch_id, 'resume'); } }, 'Resume'));
        var o = b.outcomes;
        body.appendChild(h('tr', { 'data-batch-id': b.batch_id },
          h('td', null, b.batch_id),
          h('td', { class: 'status status-' + b.status }, b.status),
          h('td', { class: 'num progress' }, h('span', { class: 'count' }, b.done + '/' + b.total), h('span', { class: 'mini' }, h('i', null))),
          h('td', { class: 'num outcomes' }, o.priced + ' · ' + o.failed + ' · ' + o.timed_out + ' · ' + o.skipped),
          h('td', { class: 'num' }, String(b.flagged_for_review)),
          h('td', null, b.fetch),
          h('td', { class: 'nowrap' }, utc(b.created_at)),
          h('td', { class: 'num' }, duration(b.duration_seconds)),
          resumable,
          links));
        body.lastChild.querySelector('.mini i').style.width = Math.round(share * 100) + '%';
      });
      $('#batches-empty').hidden = r.json.batches.length > 0;
    });
  }

  function loadReviews() {
    return api('GET', '/api/v1/reviews').then(function (r) {
      if (r.status !== 200 || !r.json) return;
      var body = $('#reviews tbody');
      body.textContent = '';
      r.json.reviews.forEach(function (c) {
        var change = c.change_ratio === null ? '' : (c.price >= (c.previous_price || 0) ? '+' : '-') + (c.change_ratio * 100).toFixed(1) + '%';
        body.appendChild(h('tr', { 'data-change-id': c.id },
          h('td', { class: 'num' }, String(c.id)), h('td', { class: 'num' }, String(c.machine_id)), h('td', null, c.name),
          h('td', { class: 'num' }, money(c.previous_price, c.previous_currency)), h('td', { class: 'num' }, money(c.price, c.currency)),
          h('td', { class: 'num' }, change), h('td', null, c.batch_id || '-'), h('td', null, utc(c.checked_at)),
          h('td', null,
            h('button', { type: 'button', class: 'approve', onclick: function () { review('approve', c.id); } }, 'Approve'), ' ',
            h('button', { type: 'button', class: 'reject', onclick: function () { review('reject', c.id); } }, 'Reject'))));
      });
      $('#reviews-empty').hidden = r.json.reviews.length > 0;
      $('#reviews').hidden = r.json.reviews.length === 0;
    });
  }

  function review(action, id) {
    var body = {};
    body[action] = [id];
    api('POST', '/api/v1/reviews', body).then(function (r) {
      if (r.status === 200) message('#review-message', (action === 'approve' ? 'approved' : 'rejected') + ' change ' + id, true);
      else message('#review-message', r.json && r.json.error ? r.json.error.message : 'HTTP ' + r.status, false);
      loadReviews();
    });
  }

  function act(batchId, what) {
    api('POST', '/api/v1/batches/' + encodeURIComponent(batchId) + '/' + what).then(function (r) {
      if (r.status !== 202) message('#start-message', r.json && r.json.error ? r.json.error.message : 'HTTP ' + r.status, false);
      else message('#start-message', (what === 'cancel' ? 'cancelling ' : 'resuming ') + batchId, true);
      loadBatches();
    });
  }

  $('#start').addEventListener('submit', function (event) {
    event.preventDefault();
    var form = event.target;
    var number = function (name) { var v = form.elements[name].value.trim(); return v === '' ? null : Number(v); };
    var body = { days_threshold: number('days_threshold'), limit: number('limit'), max_workers: number('max_workers'), use_scrapfly: form.elements.use_scrapfly.checked };
    var button = form.querySelector('button');
    button.disabled = true;
    api('POST', '/api/v1/batch-update', body).then(function (r) {
      button.disabled = false;
      if (r.status === 202) message('#start-message', 'started ' + r.json.batch_id + ' (' + r.json.total + ' machines)', true);
      else if (r.status === 200) message('#start-message', r.json.message, true);
      else message('#start-message', r.json && r.json.error ? r.json.error.message : 'HTTP ' + r.status, false);
      loadBatches();
    }, function () { button.disabled = false; });
  });

  $('#logout').addEventListener('click', function () {
    api('POST', '/logout').then(function () { location.href = '/'; }, function () { location.href = '/'; });
  });

  // ---- The running batch: its lanes, drawn from the engine's events as they arrive.
  var lanes = null;
  var clock = { ms: 0, at: 0, scale: 1 };
  var stallMs = 60000;

  function newLanes(batchId, workers) {
    return { batchId: batchId, workers: workers || 1, startMs: null, endMs: null, running: true, items: {}, attempts: {}, order: [], marks: [], progress: null, status: 'running' };
  }

  function apply(e) {
    var key = e.item + '.' + e.attempt;
    var a = lanes.attempts[key];
    switch (e.type) {
      case 'batch.start': lanes.startMs = e.atMs; lanes.workers = e.workers; break;
      case 'item.start': lanes.items[e.item] = { name: e.name, domain: e.domain, worker: e.worker }; break;
      case 'attempt.start':
        lanes.attempts[key] = { item: e.item, attempt: e.attempt, worker: e.worker, tier: e.tier, tierName: e.tierName, via: e.via || 'scrapfly', startMs: e.atMs, endMs: null, abandonedMs: null, zombie: e.zombie, result: null, errorClass: null, errorCode: null, status: null };
        lanes.order.push(key);
        break;
      case 'attempt.abandon': if (a) a.abandonedMs = e.atMs; break;
      case 'attempt.end':
        if (!a) break;
        a.endMs = e.atMs; a.result = e.result; a.errorClass = e.errorClass; a.errorCode = e.errorCode; a.status = e.status;
        if (e.result === 'read-timeout' && !a.zombie) lanes.marks.push({ worker: a.worker, atMs: e.atMs });
        break;
      case 'call.timeout': { var item = lanes.items[e.item]; if (item) lanes.marks.push({ worker: item.worker, atMs: e.atMs }); break; }
      case 'batch.end': lanes.endMs = e.atMs; break;
      default: break;
    }
  }

  function nowMs() {
    if (!lanes) return 0;
    if (!lanes.running) return lanes.endMs !== null ? lanes.endMs : clock.ms;
    return clock.ms + (performance.now() - clock.at) * clock.scale;
  }

  function stateOf(a, now) {
    var stop = a.abandonedMs !== null ? a.abandonedMs : a.endMs;
    var end = stop !== null ? stop : now;
    if (end - a.startMs > stallMs) return 'stall';
    if (stop === null) return 'running';
    if (a.abandonedMs !== null || a.result === 'read-timeout' || a.result === 'cut') return 'timeout';
    if (a.errorClass === 'throttled') return 'throttled';
    if (a.errorClass) return 'error';
    return 'ok';
  }

  function drawLanes() {
    if (!lanes || lanes.startMs === null) return;
    var now = nowMs();
    var W = 1000, left = 82, right = 8, top = 18, rowH = 18;
    var rows = lanes.workers + 1;
    var height = top + rows * rowH + 6;
    var t0 = lanes.startMs;
    var t1 = Math.max(now, t0 + 10000);
    var x = function (t) { return left + ((t - t0) / (t1 - t0)) * (W - left - right); };
    var out = [];
    var step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map(function (s) { return s * 1000; }).find(function (s) { return (t1 - t0) / s <= 8; }) || 7200000;
    for (var t = 0; t0 + t <= t1; t += step) {
      out.push('<line class="grid" x1="' + x(t0 + t) + '" x2="' + x(t0 + t) + '" y1="' + (top - 4) + '" y2="' + (height - 4) + '"/>');
      out.push('<text x="' + x(t0 + t) + '" y="11" text-anchor="middle">+' + esc(duration(t / 1000)) + '</text>');
    }
    for (var w = 1; w <= rows; w++) {
      var y = top + (w - 1) * rowH;
      out.push('<text x="4" y="' + (y + 12) + '">' + (w === rows ? 'zombies' : 'worker ' + w) + '</text>');
    }
    out.push('<g class="lane-group">');
    var groups = {};
    lanes.order.forEach(function (key) {
      var a = lanes.attempts[key];
      var item = lanes.items[a.item] || { name: 'item ' + a.item };
      var state = stateOf(a, now);
      var stop = a.abandonedMs !== null ? a.abandonedMs : a.endMs;
      var title = esc(item.name + ' · worker ' + a.worker + ' · tier ' + a.tier + ' ' + a.tierName + (a.via === 'direct' ? ' (direct)' : '') + ' · attempt ' + a.attempt + ' · ' +
        duration(((stop !== null ? stop : now) - a.startMs) / 1000) + ' · ' + (a.result === null ? 'waiting' : a.result + (a.errorCode ? ' ' + a.errorCode : '')));
      if (!a.zombie) {
        var yy = top + (a.worker - 1) * rowH + 2;
        var x0 = x(a.startMs), x1 = x(stop !== null ? stop : now);
        (groups[a.worker] = groups[a.worker] || []).push('<rect class="attempt s-' + state + '" data-state="' + state + '" data-item="' + a.item + '" x="' + x0.toFixed(1) + '" y="' + yy + '" width="' + Math.max(1, x1 - x0).toFixed(1) + '" height="' + (rowH - 4) + '"><title>' + title + '</title></rect>');
      }
      var zombieFrom = a.zombie ? a.startMs : a.abandonedMs;
      if (zombieFrom !== null) {
        var zy = top + (rows - 1) * rowH + 2;
        var z1 = a.endMs !== null ? a.endMs : now;
        (groups.zombies = groups.zombies || []).push('<rect class="zombie s-zombie" data-state="zombie" x="' + x(zombieFrom).toFixed(1) + '" y="' + zy + '" width="' + Math.max(1, x(z1) - x(zombieFrom)).toFixed(1) + '" height="' + (rowH - 4) + '"><title>zombie: ' + title + '</title></rect>');
      }
    });
    for (var lane = 1; lane <= lanes.workers; lane++) out.push('<g class="lane" data-worker="' + lane + '">' + (groups[lane] || []).join('') + '</g>');
    out.push('<g class="lane" data-lane="zombies">' + (groups.zombies || []).join('') + '</g></g>');
    lanes.marks.forEach(function (m) {
      if (!m.worker) return;
      var mx = x(m.atMs), my = top + (m.worker - 1) * rowH + rowH / 2;
      out.push('<path class="tmark" d="M' + (mx - 4) + ' ' + (my - 4) + 'L' + (mx + 4) + ' ' + (my + 4) + 'M' + (mx + 4) + ' ' + (my - 4) + 'L' + (mx - 4) + ' ' + (my + 4) + '"/>');
    });
    var svg = $('#lanes');
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + height);
    svg.innerHTML = out.join('');
  }

  function drawProgress() {
    if (!lanes) return;
    $('#live-empty').hidden = true;
    $('#live-panel').hidden = false;
    $('#live-id').textContent = lanes.batchId + ' · ' + lanes.status;
    $('#live-cancel').hidden = !lanes.running;
    var p = lanes.progress;
    if (!p) return;
    var o = p.outcomes;
    $('#live-bar').style.width = (p.total === 0 ? 100 : Math.round((p.done / p.total) * 100)) + '%';
    var text = p.done + '/' + p.total + ' done: ' + o.priced + ' priced, ' + o.failed + ' failed, ' + o.timed_out + ' timed out, ' + o.skipped + ' skipped';
    if (lanes.running) text += ' · ' + p.in_flight + ' in flight · ' + p.stalled_workers + ' of ' + p.workers + ' workers stalled · ' + duration(p.elapsed_seconds) + ' elapsed · ETA ' + (p.done >= p.total ? 'done' : duration(p.eta_seconds));
    if (p.open_circuits.length > 0) text += ' · circuit open: ' + p.open_circuits.join(', ');
    $('#live-progress').textContent = text;
    $('#live-progress').setAttribute('data-done', String(p.done));
  }

  /** The running batch's row follows its progress between list reloads. */
  function updateRow(batchId, p) {
    var row = document.querySelector('#batches tr[data-batch-id="' + batchId + '"]');
    if (!row || !p) return;
    row.querySelector('td.progress .count').textContent = p.done + '/' + p.total;
    row.querySelector('td.progress .mini i').style.width = (p.total === 0 ? 100 : Math.round((p.done / p.total) * 100)) + '%';
    row.querySelector('td.outcomes').textContent = p.outcomes.priced + ' · ' + p.outcomes.failed + ' · ' + p.outcomes.timed_out + ' · ' + p.outcomes.skipped;
  }

  var pendingDraw = null;
  function redraw() {
    if (pendingDraw !== null) return;
    pendingDraw = setTimeout(function () {
      pendingDraw = null;
      drawProgress();
      drawLanes();
    }, 100);
  }
  // While a batch runs, its lanes grow with the clock even between events.
  setInterval(function () { if (lanes && lanes.running) drawLanes(); }, 500);

  $('#live-cancel').addEventListener('click', function () { if (lanes) act(lanes.batchId, 'cancel'); });

  var source = new EventSource('/api/v1/events');
  source.addEventListener('open', function () { $('#connection').textContent = 'live'; $('#connection').className = 'pill live'; });
  source.addEventListener('error', function () { $('#connection').textContent = 'reconnecting…'; $('#connection').className = 'pill'; });
  source.addEventListener('hello', function (event) {
    var hello = JSON.parse(event.data);
    clock = { ms: hello.clock_ms, at: performance.now(), scale: hello.time_scale };
    stallMs = hello.stall_threshold_ms;
    if (hello.running) {
      lanes = newLanes(hello.running.batch_id, hello.running.workers);
      hello.running.events.forEach(apply);
      lanes.progress = hello.running.progress;
      redraw();
    }
    loadBatches();
    loadReviews();
  });
  source.addEventListener('engine', function (event) {
    var data = JSON.parse(event.data);
    clock = { ms: data.clock_ms, at: performance.now(), scale: clock.scale };
    if (!lanes || lanes.batchId !== data.batch_id) lanes = newLanes(data.batch_id, data.progress.workers);
    data.events.forEach(apply);
    lanes.progress = data.progress;
    updateRow(data.batch_id, data.progress);
    redraw();
  });
  source.addEventListener('batch', function (event) {
    var data = JSON.parse(event.data);
    if (data.status === 'running') {
      if (!lanes || lanes.batchId !== data.batch_id || !lanes.running) lanes = newLanes(data.batch_id, data.workers);
    } else if (lanes && lanes.batchId === data.batch_id) {
      lanes.running = false;
      lanes.status = data.status;
    }
    redraw();
    loadBatches();
  });
  source.addEventListener('reviews', function () { loadReviews(); });
})();
`;
