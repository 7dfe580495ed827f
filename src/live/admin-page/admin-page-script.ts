/**
 * The admin page's script, served by `serve` as /assets/admin.js (no inline script: the page's
 * content security policy forbids it). Plain browser JavaScript, no library: it reads batches and
 * the review queue from the API, starts, cancels and resumes batches, approves and rejects price
 * changes (every state-changing call sends the session's CSRF token), and follows the server-sent
 * events of /api/v1/events to redraw the live batch (ADMIN_LANES_SCRIPT) and reload the lists
 * only when they change.
 */
import { ADMIN_LANES_SCRIPT } from './admin-lanes-script.js';

const PAGE_SCRIPT_START = String.raw`'use strict';
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
  /** performance.now() at the start of each running batch of the list, for its live duration (wall time). */
  var runningSince = {};
  function loadBatches() {
    return api('GET', '/api/v1/batches').then(function (r) {
      if (r.status !== 200 || !r.json) return;
      var body = $('#batches tbody');
      body.textContent = '';
      runningSince = {};
      r.json.batches.forEach(function (b) {
        if (b.status === 'running' && b.duration_seconds !== null) runningSince[b.batch_id] = performance.now() - b.duration_seconds * 1000;
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
          h('td', { class: 'num duration' }, duration(b.duration_seconds)),
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

`;

const PAGE_SCRIPT_END = String.raw`  /** The running batches' durations go on with the page's clock between list reloads. */
  function tickDurations() {
    Object.keys(runningSince).forEach(function (batchId) {
      var cell = document.querySelector('#batches tr[data-batch-id="' + batchId + '"] td.duration');
      if (cell) cell.textContent = duration((performance.now() - runningSince[batchId]) / 1000);
    });
  }

  /** The running batch's row follows its progress between list reloads. */
  function updateRow(batchId, p) {
    tickDurations();
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
  // While a batch runs, its lanes and its duration grow with the clock even between events.
  setInterval(function () {
    if (lanes && lanes.running) drawLanes();
    tickDurations();
  }, 500);

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

/** The whole script, one scope. */
export const ADMIN_SCRIPT = PAGE_SCRIPT_START + ADMIN_LANES_SCRIPT + PAGE_SCRIPT_END;
