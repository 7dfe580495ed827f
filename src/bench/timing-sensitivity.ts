/**
 * How far a policy's outcome moves when the network's timing moves by a fraction of a percent:
 * the incident's policies simulated with the world's round-trip median scaled by 0.995 … 1.005
 * (and the seed unchanged), so every request's round trip changes by well under a millisecond to a
 * few milliseconds and nothing else changes. A policy whose requests, credits and makespan stay put
 * can be expected to match a real-clock run of it; one whose outcome swings cannot be matched
 * request for request by any real clock, whose own timing jitters by more than that. Prints, per
 * policy, min / median / max over the perturbations beside the unperturbed run.
 *
 * Usage: npm run build && node dist/bench/timing-sensitivity.js [--runs 21] [--scenario F] [--policies a,b,c]
 */
import { readFileSync } from 'node:fs';
import type { LatencySpec } from '../latency/latency-spec.js';
import { DEFAULT_NETWORK } from '../mock/network-spec.js';
import { simulateAndMeasure } from '../simulation/simulate-and-measure.js';
import { renderTextTable } from '../report/render-text-table.js';
import { parseScenarioText } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario-types.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? (args[at + 1] as string) : fallback;
};
const runs = Number(option('runs', '21'));
const path = option('scenario', 'scenarios/incident-2025-08-06.json');
const names = option('policies', 'baseline,fixed,rec4-thread-90s-abandon').split(',');
const scenario = parseScenarioText({ text: readFileSync(path, 'utf8'), source: path });
const network = scenario.world.network ?? DEFAULT_NETWORK;
if (network.roundTrip.type !== 'lognormal') throw new Error(`timing-sensitivity scales a lognormal round trip; ${path} has ${network.roundTrip.type}`);
const roundTrip = network.roundTrip as Extract<LatencySpec, { type: 'lognormal' }>;

/** The scenario with its round-trip median scaled by `factor`. */
const perturbed = (factor: number): Scenario => ({ ...scenario, world: { ...scenario.world, network: { ...network, roundTrip: { ...roundTrip, medianMs: roundTrip.medianMs * factor } } } });

const spread = (values: number[], format: (v: number) => string) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${format(sorted[0] as number)} / ${format(sorted[Math.floor(sorted.length / 2)] as number)} / ${format(sorted[sorted.length - 1] as number)}`;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rows: string[][] = [];
for (const name of names) {
  const policy = scenario.policies.find((p) => p.name === name);
  if (!policy) throw new Error(`no policy ${name} in ${path}`);
  const base = (await simulateAndMeasure({ scenario, policy, seed: scenario.seed, runLog: false })).metrics;
  const samples = [];
  for (let k = 0; k < runs; k++) {
    const factor = 0.995 + (0.01 * k) / Math.max(1, runs - 1);
    samples.push((await simulateAndMeasure({ scenario: perturbed(factor), policy, seed: scenario.seed, runLog: false })).metrics);
  }
  rows.push([
    name,
    `${base.scrapfly.requests} | ${spread(samples.map((m) => m.scrapfly.requests), String)}`,
    `${base.scrapfly.creditsCharged} | ${spread(samples.map((m) => m.scrapfly.creditsCharged), String)}`,
    `${base.scrapfly.throttled} | ${spread(samples.map((m) => m.scrapfly.throttled), String)}`,
    `${seconds(base.makespanMs)} | ${spread(samples.map((m) => m.makespanMs), seconds)}`,
  ]);
}
console.log(`${path}, seed ${scenario.seed}, round-trip median ${roundTrip.medianMs} ms scaled by 0.995 … 1.005 in ${runs} steps`);
console.log('each cell: unperturbed | min / median / max over the perturbations');
console.log(renderTextTable({ header: ['policy', 'requests', 'credits', '429s', 'makespan'], rows, align: ['l', 'r', 'r', 'r', 'r'] }));
