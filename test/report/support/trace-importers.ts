/**
 * The real trace importers the trace is checked against (../shared/tools/trace-viewers, read its
 * README): Catapult's trace viewer in headless chromium, a checker of Perfetto's JSON import rules
 * (python3), and the trace engine of Chrome DevTools (@paulirish/trace_engine, in-process).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveChromiumPath } from '../../../src/node/launch-chromium.js';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * Where the tools are: `BATCHSCOPE_TRACE_VIEWERS`, else the copy kept in test/tools/trace-viewers
 * (so that a clean clone has them; see its README for where they come from).
 */
export const TRACE_VIEWERS_DIR = process.env['BATCHSCOPE_TRACE_VIEWERS'] ?? resolve(ROOT, 'test', 'tools', 'trace-viewers');

/** Why the importer tests cannot run here, or null when everything they need is present. */
export function missingImporters(): string | null {
  const chromium = resolveChromiumPath();
  if (!existsSync(chromium)) return `no Chromium at ${chromium} (apt-get install chromium, or set BATCHSCOPE_CHROMIUM)`;
  for (const file of ['make-catapult-html.mjs', 'read-catapult-model.mjs', 'perfetto-json-check.py']) {
    if (!existsSync(join(TRACE_VIEWERS_DIR, file))) return `no ${file} in ${TRACE_VIEWERS_DIR} (set BATCHSCOPE_TRACE_VIEWERS)`;
  }
  if (spawnSync('python3', ['--version']).status !== 0) return 'no python3 for the Perfetto rules checker';
  return null;
}

/** What the Perfetto rules checker reports for a trace file (its --out JSON). */
export interface PerfettoCheck {
  stats: Record<string, number>;
  depth_histogram: Record<string, number>;
  slices_on_overflow_tracks: number;
  flow_count: number;
  intended_flow_links: number;
  flow_links_not_intended: number;
  intended_flow_links_missing: number;
  misnested_count: number;
  misnested_examples: unknown[];
  catapult_counter_folding: unknown[];
  findings: Record<string, unknown>;
}

export function checkWithPerfettoRules(tracePath: string): PerfettoCheck {
  const out = `${tracePath}.perfetto.json`;
  execFileSync('python3', [join(TRACE_VIEWERS_DIR, 'perfetto-json-check.py'), tracePath, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  return JSON.parse(readFileSync(out, 'utf8')) as PerfettoCheck;
}

/** The model Catapult built (read-catapult-model.mjs's JSON). */
export interface CatapultModel {
  loaded: boolean;
  pageErrors: string[];
  processes: Array<{ pid: number; name: string; threads: Array<{ tid: number; name: string; maxDepth: number; topLevelOverlaps: number; siblingOverlaps: number; strayNonItemTopLevel: number }> }>;
  /** [pid, tid, title, category, start ms, duration ms, depth, parent title, parent start, in flows, out flows, parent category, args.item, parent args.item]. */
  allSlices: Array<[number, number, string, string, number, number, number, string | null, number | null, number, number, string | null, number | undefined, number | undefined]>;
  /** [pid, counter name, series name, timestamp ms, value]. */
  allCounters: Array<[number, string, string, number, number]>;
  /** [id, category, title, start, duration, start slice title, start slice start, end slice title, end slice start]. */
  allFlows: Array<[number, string, string, number, number, string | null, number | null, string | null, number | null]>;
  importWarningKinds: Record<string, number>;
  metadata: Array<{ name: string; value: unknown }>;
}

export function readWithCatapult(tracePath: string): CatapultModel {
  const html = `${tracePath}.catapult.html`;
  const out = `${tracePath}.catapult.json`;
  execFileSync(process.execPath, [join(TRACE_VIEWERS_DIR, 'make-catapult-html.mjs'), tracePath, html], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync(process.execPath, [join(TRACE_VIEWERS_DIR, 'read-catapult-model.mjs'), html, out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, BATCHSCOPE_CHROMIUM: resolveChromiumPath() } });
  return JSON.parse(readFileSync(out, 'utf8')) as CatapultModel;
}

/** Every event the DevTools trace engine kept on a thread, as [pid, tid, name, cat, ts µs, dur µs]. */
export async function readWithTraceEngine(traceEvents: unknown[]): Promise<Array<[number, number, string, string, number, number]>> {
  // A module without type declarations: imported by a name the compiler does not resolve.
  const moduleName = '@paulirish/trace_engine/analyze-trace.mjs';
  const { analyzeEvents } = (await import(moduleName)) as { analyzeEvents(events: unknown[]): Promise<{ parsedTrace: { data: { Renderer: { processes: Map<number, { threads: Map<number, { entries: Array<{ name: string; cat: string; ts: number; dur?: number; pid: number; tid: number }> }> }> } } } }> };
  const { parsedTrace } = await analyzeEvents(traceEvents);
  const out: Array<[number, number, string, string, number, number]> = [];
  for (const [pid, process] of parsedTrace.data.Renderer.processes) {
    for (const [tid, thread] of process.threads) for (const e of thread.entries) out.push([pid, tid, e.name, e.cat, e.ts, e.dur ?? 0]);
  }
  return out;
}
