/**
 * Checks a trace against the trace event format as Perfetto and chrome://tracing read it: the
 * JSON object form, required fields per phase, integer microsecond timestamps, metadata, counters,
 * flows (v2: bind_id with flow_in/flow_out) and, per thread track, slices that never overlap
 * without nesting. Returns the problems found (empty when the trace is sound).
 */

type Json = Record<string, unknown>;

const PHASES = new Set(['X', 'B', 'E', 'i', 'I', 'C', 'M', 's', 't', 'f', 'b', 'e', 'n']);
const METADATA = new Set(['process_name', 'process_sort_index', 'process_labels', 'thread_name', 'thread_sort_index']);

export function checkTraceEvents(trace: unknown): string[] {
  const problems: string[] = [];
  if (typeof trace !== 'object' || trace === null || !Array.isArray((trace as Json)['traceEvents'])) return ['the trace is not an object with a traceEvents array'];
  const unit = (trace as Json)['displayTimeUnit'];
  if (unit !== undefined && unit !== 'ms' && unit !== 'ns') problems.push(`displayTimeUnit must be "ms" or "ns", got ${String(unit)}`);
  const events = (trace as Json)['traceEvents'] as unknown[];
  const tracks = new Map<string, Array<{ ts: number; end: number; index: number; name: string }>>();
  const flows = new Map<number | string, Array<{ ts: number; index: number; in: boolean; out: boolean }>>();
  events.forEach((raw, index) => {
    const where = `event ${index}`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${where} is not an object`);
      return;
    }
    const e = raw as Json;
    const ph = e['ph'];
    if (typeof ph !== 'string' || !PHASES.has(ph)) problems.push(`${where}: unknown ph ${String(ph)}`);
    if (typeof e['name'] !== 'string' || e['name'] === '') problems.push(`${where}: name must be a non-empty string`);
    for (const key of ['pid', 'tid'] as const) if (!Number.isInteger(e[key])) problems.push(`${where} (${String(e['name'])}): ${key} must be an integer`);
    if (typeof e['ts'] !== 'number' || !Number.isInteger(e['ts']) || (e['ts'] as number) < 0) problems.push(`${where} (${String(e['name'])}): ts must be a non-negative integer of microseconds, got ${String(e['ts'])}`);
    if (e['cat'] !== undefined && typeof e['cat'] !== 'string') problems.push(`${where}: cat must be a string`);
    if (e['args'] !== undefined && (typeof e['args'] !== 'object' || e['args'] === null || Array.isArray(e['args']))) problems.push(`${where}: args must be an object`);
    const ts = e['ts'] as number;
    const track = `${String(e['pid'])}/${String(e['tid'])}`;
    if (ph === 'X') {
      if (typeof e['dur'] !== 'number' || !Number.isInteger(e['dur']) || (e['dur'] as number) < 0) problems.push(`${where} (${String(e['name'])}): a complete event needs an integer dur ≥ 0, got ${String(e['dur'])}`);
      else push(tracks, track, { ts, end: ts + (e['dur'] as number), index, name: String(e['name']) });
    } else if (ph === 'i' || ph === 'I') {
      const scope = e['s'] ?? 't';
      if (scope !== 'g' && scope !== 'p' && scope !== 't') problems.push(`${where}: instant scope s must be g, p or t, got ${String(scope)}`);
      if (scope === 't') push(tracks, track, { ts, end: ts, index, name: String(e['name']) });
    } else if (ph === 'C') {
      const args = e['args'] as Json | undefined;
      if (!args || Object.keys(args).length === 0 || Object.values(args).some((v) => typeof v !== 'number' || !Number.isFinite(v))) problems.push(`${where} (${String(e['name'])}): a counter needs args of numbers`);
    } else if (ph === 'M') {
      const args = e['args'] as Json | undefined;
      const name = String(e['name']);
      if (!METADATA.has(name)) problems.push(`${where}: unknown metadata ${name}`);
      else if (name.endsWith('_name') && typeof args?.['name'] !== 'string') problems.push(`${where}: ${name} needs args.name`);
      else if (name.endsWith('_sort_index') && !Number.isInteger(args?.['sort_index'])) problems.push(`${where}: ${name} needs an integer args.sort_index`);
    }
    if (e['bind_id'] !== undefined) {
      const id = e['bind_id'] as number | string;
      if (ph !== 'X') problems.push(`${where}: bind_id on a ${String(ph)} event`);
      if (e['flow_in'] !== true && e['flow_out'] !== true) problems.push(`${where}: bind_id without flow_in or flow_out`);
      push(flows, id, { ts, index, in: e['flow_in'] === true, out: e['flow_out'] === true });
    }
  });
  for (const [track, slices] of tracks) {
    // Stable: ties keep file order, as the importers do.
    const sorted = [...slices].sort((a, b) => a.ts - b.ts || a.index - b.index);
    const stack: typeof sorted = [];
    for (const s of sorted) {
      while (stack.length > 0 && (stack[stack.length - 1] as (typeof sorted)[number]).end <= s.ts) stack.pop();
      const top = stack[stack.length - 1];
      if (top && s.end > top.end) problems.push(`track ${track}: "${s.name}" [${s.ts}, ${s.end}] overlaps "${top.name}" [${top.ts}, ${top.end}] without nesting`);
      stack.push(s);
    }
  }
  for (const [id, chain] of flows) {
    const starts = chain.filter((c) => c.out && !c.in);
    const ends = chain.filter((c) => c.in && !c.out);
    if (starts.length !== 1 || ends.length !== 1) {
      problems.push(`flow ${String(id)}: needs one start and one end, has ${starts.length} and ${ends.length}`);
      continue;
    }
    const ordered = [...chain].sort((a, b) => a.ts - b.ts || a.index - b.index);
    if (ordered[0] !== starts[0] || ordered[ordered.length - 1] !== ends[0]) problems.push(`flow ${String(id)}: its start must come first and its end last`);
  }
  return problems;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
