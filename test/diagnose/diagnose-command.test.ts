/**
 * `diagnose` end to end on logs generated from known worlds and policies: the true mechanism of
 * the stall is among the fitting ones, the recommended policy meets the budget in the search
 * world's Monte Carlo and on the night, and the emitted scenario passes `check` and fails it when
 * the fix is taken out.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BatchEvent } from '../../src/events/batch-event.js';
import { formatRunLog } from '../../src/events/run-log.js';
import { renderTextLog } from '../../src/replay/render-text-log.js';
import { parseScenario } from '../../src/scenario/parse-scenario.js';
import { describeSimulationRun, simulatePolicy } from '../../src/simulation/simulate-policy.js';
import { parseScenarioText } from '../../src/scenario/parse-scenario.js';
import { checkWorld } from '../../src/node/diagnose-logs.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const FAST = ['--seeds', '4', '--threads', '0', '--no-report'];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'batchscope-diagnose-'));
});

/** The Python SDK blocking the event loop, as deployed on the incident's night (the incident scenario's baseline). */
async function incidentTextLog(): Promise<{ path: string; requests: number; answered: boolean }> {
  const file = new URL('../../scenarios/incident-2025-08-06.json', import.meta.url);
  const scenario = parseScenarioText({ text: readFileSync(file, 'utf8'), source: 'incident' });
  const run = await simulatePolicy({ scenario, policy: scenario.policies.find((p) => p.name === 'baseline')!, seed: 3 });
  const path = join(dir, 'incident-baseline.log');
  writeFileSync(path, `${renderTextLog({ events: run.events as BatchEvent[] }).join('\n')}\n`);
  // The truth the log does not show: the requests of the longest machine and how the last ended.
  const longest = [...run.result.items].sort((a, b) => b.endMs - b.startMs! - (a.endMs - a.startMs!))[0]!;
  const attempts = run.events.filter((e) => e.type === 'attempt.end' && e.item === longest.index) as Array<Extract<BatchEvent, { type: 'attempt.end' }>>;
  return { path, requests: attempts.length, answered: attempts[attempts.length - 1]!.result !== 'read-timeout' };
}

/**
 * A concurrent pool of 4 on a plain client (read timeout 155 s, no retries of its own), the
 * ladder escalating on any failure, and one shop whose every scrape fails inside Scrapfly's own
 * 150 s budget (a 504 after 150 s): that machine stalls three budgets long. Written as a run log.
 */
async function budgetRunLog(): Promise<string> {
  const list = Array.from({ length: 60 }, (_, k) => ({ name: `Machine ${String(k + 1).padStart(2, '0')}`, url: k === 2 ? 'https://slow.example/p/3' : `https://shop.example/p/${k + 1}` }));
  const scenario = parseScenario({
    json: {
      name: 'budget-model',
      startAt: '2025-08-06T03:00:00Z',
      seed: 5,
      items: { list },
      world: { account: { concurrency: 4 }, behaviour: { default: { latency: { type: 'lognormal', medianMs: 6000, sigma: 0.15, minMs: 2000 } } }, domains: { 'slow.example': { default: { hang: { p: 1, latency: { type: 'fixed', ms: 150_000 } } } } } },
      policies: [{ name: 'deployed', workers: 4, execution: 'concurrent', client: 'plain', tiers: ['plain', 'render_js', 'asp'], escalateOn: ['any'] }],
    },
    source: 'budget-model',
  });
  const run = await simulatePolicy({ scenario, policy: scenario.policies[0]! });
  const path = join(dir, 'budget-model.jsonl');
  writeFileSync(path, formatRunLog(describeSimulationRun(scenario, run), run.events));
  return path;
}

describe('diagnose', () => {
  it('the Python SDK on a blocked event loop: the read timeouts × tries × tiers explain the longest stall; the fix meets the budget on the night and over 50 seeds; its scenario passes check and fails without the fix', async () => {
    const truth = await incidentTextLog();
    const log = truth.path;
    const scenarioFile = join(dir, 'incident-regression.json');
    const r = await runCliCaptured(['diagnose', log, '--client', 'python-sdk', '--plan-concurrency', '5', '--budget', '15m', '--json', '--emit-scenario', scenarioFile, ...FAST]);
    expect(r.stderr.split('\n').filter((l) => l !== '' && !/^diagnose: \d+\/\d+ runs/.test(l))).toEqual([]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.facts).toMatchObject({ planConcurrency: { value: 5, source: 'option' }, budgetMs: { value: 900_000, source: 'option' }, client: { value: 'python-sdk', source: 'option' }, slots: 'held', world: 'stack' });
    expect(out.stalls.length).toBeGreaterThan(0);
    const longest = out.stalls[0];
    const fitting = longest.mechanisms.filter((m: { verdict: string }) => m.verdict === 'fits');
    expect(fitting.map((m: { id: string }) => m.id)).toContain('read-timeouts');
    // The fitting combination is the one that happened: as many requests, ending the same way.
    const sdk = fitting.find((m: { id: string }) => m.id === 'read-timeouts');
    expect(sdk.requestsPerTier.reduce((a: number, b: number) => a + b, 0)).toBe(truth.requests);
    expect(sdk.lastAnsweredMs !== null && sdk.lastAnsweredMs !== undefined).toBe(truth.answered);
    expect(fitting.map((m: { id: string }) => m.id)).toContain('blocking-loop');
    expect(longest.mechanisms.find((m: { id: string }) => m.id === 'scrapfly-budget').verdict).toBe('cannot');
    // The stack world's deployed baseline must look like the night before its fix is trusted.
    expect(out.baseline.makespanP50Ms).toBeGreaterThan(15 * 60_000);
    expect(out.worldCheck).toBeNull();
    expect(out.recommended).not.toBeNull();
    expect(out.recommended.json.execution).toBe('concurrent');
    expect(out.recommended.json.timeoutSemantics).toBe('abandon');
    expect(out.recommended.verified.makespanP95Ms).toBeLessThanOrEqual(900_000);
    expect(out.recommended.verified.successP95).toBeGreaterThanOrEqual(0.98);
    expect(out.night.fix.meetsBudget).toBe(true);
    expect(out.recommended.clientSettings.lines[0]).toMatch(/^client = ScrapflyClient\(key=API_KEY, web_scraping_api_read_timeout=\d+\)/);

    const check = await runCliCaptured(['check', scenarioFile, '--no-report', '--threads', '0']);
    expect(check.code).toBe(0);
    const emitted = JSON.parse(readFileSync(scenarioFile, 'utf8'));
    const baseline = emitted.policies.find((p: { name: string }) => p.name === 'baseline');
    emitted.policies = emitted.policies.map((p: { name: string }) => (p.name === 'fix' ? { ...baseline, name: 'fix' } : p));
    const withoutFix = join(dir, 'incident-regression-without-fix.json');
    writeFileSync(withoutFix, JSON.stringify(emitted));
    const failing = await runCliCaptured(['check', withoutFix, '--no-report', '--threads', '0']);
    expect(failing.code).toBe(1);
  }, 120_000);

  it("a concurrent pool whose stall is Scrapfly's own budget spent on each tier: that mechanism fits, from a run log's facts", async () => {
    const log = await budgetRunLog();
    const r = await runCliCaptured(['diagnose', log, '--client', 'plain', '--budget', '3m', '--json', ...FAST]);
    expect(r.stderr.split('\n').filter((l) => l !== '' && !/^diagnose: \d+\/\d+ runs/.test(l))).toEqual([]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.facts.planConcurrency).toEqual({ value: 4, source: 'log' });
    const stall = out.stalls[0];
    expect(stall.machines).toEqual(['Machine 03']);
    expect(stall.inferred).toBe(false);
    expect(stall.durationMs).toBeGreaterThan(450_000);
    expect(stall.durationMs).toBeLessThan(455_000);
    const budget = stall.mechanisms.find((m: { id: string }) => m.id === 'scrapfly-budget');
    expect(budget.verdict).toBe('fits');
    expect(stall.mechanisms.find((m: { id: string }) => m.id === 'blocking-loop').verdict).toBe('cannot');
    expect(out.recommended).not.toBeNull();
    expect(out.recommended.verified.makespanP95Ms).toBeLessThanOrEqual(180_000);
    expect(out.night.fix.meetsBudget).toBe(true);
  }, 120_000);

  it("the seed's log with the plan and the budget alone: the SDK's retries × tiers explain the 33m48s stall, the client is inferred and marked so, and the night under the fix ends within 1.25× of its lower bound with at least 98% priced", async () => {
    const r = await runCliCaptured(['diagnose', 'scenarios/logs/batch_20250806_030023_901652f0.txt', '--plan-concurrency', '5', '--budget', '15m', '--json', ...FAST]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.facts.client).toEqual({ value: 'python-sdk', source: 'inferred' });
    const [stall] = out.stalls;
    expect(stall).toMatchObject({ machines: ['OneLaser Hydra 7'], durationMs: 2_028_000, inferred: true, workersHeld: 5 });
    const sdk = stall.mechanisms.filter((m: { id: string; client: string }) => m.id === 'read-timeouts' && m.client === 'python-sdk');
    expect(sdk.map((m: { verdict: string; requestsPerTier: number[] }) => [m.verdict, m.requestsPerTier])).toEqual([
      ['fits', [5, 5, 3]],
      ['near', [5, 5, 3]],
    ]);
    expect(stall.mechanisms.find((m: { id: string; client: string }) => m.id === 'read-timeouts' && m.client === 'plain').verdict).toBe('cannot');
    expect(out.worldCheck).toBeNull();
    expect(out.night.fix.planRatio).toBeLessThanOrEqual(1.25);
    expect(out.night.fix.successRate).toBeGreaterThanOrEqual(0.98);
    expect(out.night.fix.makespanMs).toBeLessThanOrEqual(900_000);
  }, 120_000);

  it('a run log of abandoned calls on a full plan: the plan and the policy come from its header, zombies and 429 churn stay open, and a world that does not reproduce the night is flagged', async () => {
    const file = new URL('../../scenarios/incident-2025-08-06.json', import.meta.url);
    const scenario = parseScenarioText({ text: readFileSync(file, 'utf8'), source: 'incident' });
    const run = await simulatePolicy({ scenario, policy: scenario.policies.find((p) => p.name === 'rec4-thread-90s-abandon')!, seed: 1 });
    const log = join(dir, 'rec4.jsonl');
    writeFileSync(log, formatRunLog(describeSimulationRun(scenario, run), run.events));
    const r = await runCliCaptured(['diagnose', log, '--budget', '15m', '--json', ...FAST]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.facts.planConcurrency).toEqual({ value: 5, source: 'log' });
    expect(out.facts.client).toEqual({ value: 'python-sdk', source: 'log' });
    expect(out.deployed.source.tiers).toBe('the run log');
    const [stall] = out.stalls;
    const verdict = (id: string) => stall.mechanisms.find((m: { id: string }) => m.id === id).verdict;
    expect([verdict('zombie-last-slot'), verdict('throttle-churn'), verdict('blocking-loop')]).toEqual(['undecided', 'undecided', 'cannot']);
    // The header's policy cuts calls at 90 s: that explains the stall, and nothing longer than a cut can.
    expect(stall.mechanisms[0]).toMatchObject({ id: 'call-timeouts', verdict: 'fits' });
    expect([verdict('read-timeouts'), verdict('scrapfly-budget'), verdict('slow-request')]).toEqual(['cannot', 'cannot', 'cannot']);
    // The night lost most machines to 429s that the world's stall does not make: said, not hidden.
    expect(out.worldCheck).toMatch(/does not look like the night/);
  }, 120_000);

  it("says when the search world's deployed stack does not look like the night", () => {
    expect(checkWorld({ baseline: { makespanP50Ms: 3_178_000, successMean: 0.999 }, nightMs: 3_169_000, loggedPriced: null })).toBeNull();
    expect(checkWorld({ baseline: { makespanP50Ms: 1_245_000, successMean: 0.945 }, nightMs: 2_426_000, loggedPriced: 1 })).toBe(
      "the deployed stack in the search world does not look like the night: makespan p50 20m45s against the night's 40m26s, 94.5% priced against the log's 100.0%; a fix found in it is less trustworthy",
    );
  });

  it('refuses to start without a budget, and --base without --scenario, in one line and before reading the log', async () => {
    const noBudget = await runCliCaptured(['diagnose', 'does-not-exist.log']);
    expect(noBudget.code).toBe(2);
    expect(noBudget.stderr.trim().split('\n')).toHaveLength(1);
    expect(noBudget.stderr).toMatch(/--budget 15m/);
    const base = await runCliCaptured(['diagnose', 'does-not-exist.log', '--budget', '15m', '--base', 'baseline']);
    expect(base.code).toBe(2);
    expect(base.stderr).toMatch(/--base names a policy of --scenario/);
    const typo = await runCliCaptured(['diagnose', 'does-not-exist.log', '--budget', '15m', '--clinet', 'python-sdk']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Unknown argument: clinet/);
  });
});
