/**
 * The live engine against the mock's HTTP face, compared with the simulation of the same policy and
 * seed. For each policy: `serve-mock`'s server (in this process, with the world's network) at a time
 * scale, and `runBatch` over undici on a real clock scaled the same way, with the simulation's
 * engine stream (`<seed>/engine`, for the same backoff jitter); then the same policy in simulation.
 * Prints requests the client sent, credits the mock billed (once no scrape runs on at the mock),
 * 429s and makespan of both, and their differences.
 *
 * Usage: npm run build && node dist/bench/live-vs-sim.js [--scale 20] [--scenario F] [--policies a,b,c]
 */
import { readFileSync } from 'node:fs';
import { createScaledClock } from '../clock/real-clock.js';
import type { BatchEvent } from '../events/batch-event.js';
import { runBatch } from '../engine/run-batch.js';
import { createUndiciTransport } from '../live/undici-transport.js';
import { ENGINE_STREAM } from '../mock/random-streams.js';
import { startMockHttpServer } from '../node/mock-http-server.js';
import { createSeededRandom } from '../random/seeded-random.js';
import { parseScenarioText } from '../scenario/parse-scenario.js';
import { simulatePolicy, SIMULATION_API_KEY } from '../simulation/simulate-policy.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? (args[at + 1] as string) : fallback;
};
const scale = Number(option('scale', '20'));
const path = option('scenario', 'scenarios/incident-2025-08-06.json');
const names = option('policies', 'baseline,fixed,rec4-thread-90s-abandon').split(',');
const scenario = parseScenarioText({ text: readFileSync(path, 'utf8'), source: path });

/** Requests the client sent and 429s it got. */
const count = (events: readonly BatchEvent[]): { requests: number; throttled: number } => {
  let requests = 0;
  let throttled = 0;
  for (const e of events) {
    if (e.type === 'attempt.start') requests++;
    else if (e.type === 'attempt.end' && e.status === 429) throttled++;
  }
  return { requests, throttled };
};

const rows: string[] = [];
for (const name of names) {
  const policy = scenario.policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name} in ${path}`);
  const sim = await simulatePolicy({ scenario, policy });
  const server = await startMockHttpServer({ world: scenario.world, seed: scenario.seed, timeScale: scale, startMs: scenario.startMs, network: true });
  const transport = createUndiciTransport({ connections: policy.workers * policy.client.maxTries + 4 });
  const events: BatchEvent[] = [];
  const wallStart = performance.now();
  const live = await runBatch({
    items: scenario.items,
    policy,
    ports: { clock: createScaledClock({ scale, startMs: scenario.startMs }), transport, random: createSeededRandom(scenario.seed).fork(ENGINE_STREAM), events: { emit: (e) => events.push(e) } },
    scrapfly: { apiKey: SIMULATION_API_KEY, baseUrl: server.url },
    batchId: `live-vs-sim/${name}`,
  });
  const wallMs = performance.now() - wallStart;
  await server.core.whenIdle();
  await transport.close();
  await server.close();
  const a = { ...count(sim.events), makespanMs: sim.result.makespanMs, credits: sim.mock.creditsUsed };
  const b = { ...count(events), makespanMs: live.makespanMs, credits: server.core.stats().creditsUsed };
  const diff = (x: number, y: number) => (x === 0 ? (y === 0 ? '0%' : '∞') : `${(((y - x) / x) * 100).toFixed(2)}%`);
  rows.push(
    [name.padEnd(24), `${a.requests}`.padStart(6), `${b.requests}`.padStart(6), diff(a.requests, b.requests).padStart(8), `${a.credits}`.padStart(6), `${b.credits}`.padStart(6), diff(a.credits, b.credits).padStart(8), `${a.throttled}`.padStart(5), `${b.throttled}`.padStart(5), `${(a.makespanMs / 1000).toFixed(1)}`.padStart(8), `${(b.makespanMs / 1000).toFixed(1)}`.padStart(8), diff(a.makespanMs, b.makespanMs).padStart(8), `${(wallMs / 1000).toFixed(1)}`.padStart(7)].join('  '),
  );
  console.error(`${name}: done in ${(wallMs / 1000).toFixed(1)} s of wall time`);
}
console.log(`${path}, seed ${scenario.seed}, time scale ${scale}, the world's network on both sides`);
console.log(['policy'.padEnd(24), 'req sim', 'live', 'diff', 'cr sim', 'live', 'diff', '429 s', 'live', 'span s', 'live', 'diff', 'wall s'].join('  '));
for (const row of rows) console.log(row);
