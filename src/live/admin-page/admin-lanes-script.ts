/**
 * The part of the admin page's script that draws the live batch: its progress and one lane per
 * worker on a time axis, from the engine's events as they arrive (each request a bar, coloured by
 * how it ended or is still waiting; stalls over the threshold, timeouts marked ×, abandoned
 * requests in a zombie lane). It runs inside the page script's scope (see ADMIN_SCRIPT), whose
 * helpers (`$`, `esc`, `duration`) it uses.
 */
export const ADMIN_LANES_SCRIPT = String.raw`  // ---- The running batch: its lanes, drawn from the engine's events as they arrive.
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

`;
