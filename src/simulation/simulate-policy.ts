/**
 * Runs one policy of a scenario in simulation: the production engine on a virtual clock against
 * the mock Scrapfly API (direct face or msw face), with the scenario's seed. Deterministic: the same
 * scenario, policy, seed and face give byte-identical events.
 * This is the composition root of a simulation: the one place that builds the clock, the mock,
 * its face, the network and the random streams around the engine.
 */
import { createVirtualClock } from '../clock/virtual-clock.js';
import type { Policy } from '../engine/policy.js';
import { runBatch } from '../engine/run-batch.js';
import { createCollectingSink, createFanOutSink } from '../events/collect-events.js';
import { createDirectTransport } from '../mock/direct-transport.js';
import { createMockCore } from '../mock/mock-core.js';
import { createMswHandlers, createMswSiteHandlers } from '../faces/msw-handlers.js';
import { routeSiteRequests } from '../mock/route-site-requests.js';
import { createSiteCore } from '../mock/site-core.js';
import { isDirectTier } from '../engine/policy.js';
import { SCRAPFLY_BASE_URL } from '../scrapfly/scrapfly-client.js';
import { createMswTransport } from '../faces/msw-transport.js';
import { withInProcessHop } from '../mock/in-process-hop.js';
import type { EventSink, Transport } from '../ports.js';
import { createSeededRandom } from '../random/seeded-random.js';
import type { Scenario } from '../scenario/scenario-types.js';
import { INSTANT_NETWORK, isInstantNetwork } from '../mock/network-spec.js';
import { createNetworkModel } from '../mock/network-model.js';
import { withNetwork } from '../mock/network-transport.js';
import type { MockFace, SimulationRun } from '../events/simulation-run.js';
import { ENGINE_STREAM, MOCK_STREAM, NETWORK_STREAM, SITES_STREAM } from '../mock/random-streams.js';

/** The key the simulated client sends; the mock accepts any non-empty key unless the scenario lists keys. */
export const SIMULATION_API_KEY = 'scp-sim-0000000000';

/**
 * Simulates `policy` on `scenario`. Also drains the mock: server-side scrapes that outlive the
 * batch (requests the client gave up on) run to their end, so their events are in the record.
 */
export async function simulatePolicy(options: {
  scenario: Scenario;
  policy: Policy;
  seed?: number;
  face?: MockFace;
  /** Also send events here as they happen. */
  sink?: EventSink;
  /** Keep events in memory (default true); large benchmarks turn it off. */
  keepEvents?: boolean;
  signal?: AbortSignal;
}): Promise<SimulationRun> {
  const { scenario, policy } = options;
  const seed = options.seed ?? scenario.seed;
  const face = options.face ?? 'direct';
  const clock = createVirtualClock({ startMs: scenario.startMs });
  const collector = createCollectingSink();
  const sinks: EventSink[] = [];
  if (options.keepEvents !== false) sinks.push(collector);
  if (options.sink) sinks.push(options.sink);
  const events = sinks.length === 1 ? (sinks[0] as EventSink) : createFanOutSink(sinks);
  const random = createSeededRandom(seed);
  const mockRandom = random.fork(MOCK_STREAM);
  const core = createMockCore({ world: scenario.world, clock, random: mockRandom, events, originMs: scenario.startMs });
  const network = scenario.world.network ?? INSTANT_NETWORK;
  let transport: Transport;
  if (isInstantNetwork(network)) {
    // Both faces put the same zero-delay network hop in front of the core (the direct face builds it in).
    transport = face === 'msw' ? withInProcessHop({ clock, face: createMswTransport({ handlers: createMswHandlers({ core, clock }) }) }) : createDirectTransport({ core, clock, hop: true });
  } else {
    // The network's uplink delay is the hop: requests reach the core when their way in has passed.
    const model = createNetworkModel({ spec: network, random: mockRandom.fork(NETWORK_STREAM), originMs: scenario.startMs });
    transport = face === 'msw' ? withNetwork({ clock, face: createMswTransport({ handlers: createMswHandlers({ core, clock }) }), model }) : createDirectTransport({ core, clock, network: model });
  }
  // Direct tiers fetch the shops' pages: those requests go to the sites' mock, over the same face.
  if (policy.tiers.some(isDirectTier)) {
    const sites = createSiteCore({ world: scenario.world, clock, random: mockRandom.fork(SITES_STREAM) });
    const siteFace = face === 'msw' ? withInProcessHop({ clock, face: createMswTransport({ handlers: createMswSiteHandlers({ core: sites, clock }) }) }) : createDirectTransport({ core: sites, clock, hop: true });
    transport = routeSiteRequests({ scrapfly: transport, sites: siteFace, scrapflyBaseUrl: SCRAPFLY_BASE_URL });
  }
  const result = await clock.run(async () => {
    const batch = await runBatch({
      items: scenario.items,
      policy,
      ports: { clock, transport, random: random.fork(ENGINE_STREAM), events },
      scrapfly: { apiKey: SIMULATION_API_KEY },
      batchId: `${scenario.name}/${policy.name}/seed-${seed}`,
      signal: options.signal,
    });
    await core.whenIdle();
    return batch;
  });
  return { scenario: scenario.name, policy, seed, face, result, events: collector.events, mock: core.stats(), clockSteps: clock.firedTimers() };
}

export { describeSimulationRun, type MockFace, type SimulationRun } from '../events/simulation-run.js';
