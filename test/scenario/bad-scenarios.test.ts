import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../src/errors.js';
import { parseScenario, parseScenarioText } from '../../src/scenario/parse-scenario.js';
import { runCliCaptured } from '../support/run-cli-in-process.js';

const valid = () => ({
  name: 'small',
  items: { count: 3, domains: { 'a.example': 1 } },
  world: { account: { concurrency: 2 }, behaviour: { default: { latency: { type: 'fixed', ms: 1000 } } } },
  policies: [{ name: 'p', workers: 2 }],
});

function errorOf(json: unknown): string {
  try {
    parseScenario({ json, source: 'x.json' });
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error('expected a ScenarioError');
}

describe('bad scenarios', () => {
  it('accepts the valid baseline of these cases', () => {
    expect(parseScenario({ json: valid(), source: 'x.json' }).items).toHaveLength(3);
  });

  it('broken JSON names the file', () => {
    expect(() => parseScenarioText({ text: '{"name": ', source: 'x.json' })).toThrow(/^Failed to load scenario x\.json: not valid JSON/);
  });

  it('an unknown latency model names the field and the value', () => {
    const json = valid();
    (json.world.behaviour.default.latency as { type: string }).type = 'gaussian';
    expect(errorOf(json)).toBe('Failed to load scenario x.json: world.behaviour.default.latency.type must be one of "fixed", "uniform", "lognormal", "empirical", "mixture", got "gaussian"');
  });

  it('workers ≤ 0 names the policy field', () => {
    const json = valid();
    json.policies[0]!.workers = -3;
    expect(errorOf(json)).toBe('Failed to load scenario x.json: policies[0].workers must be a positive integer, got -3');
    json.policies[0]!.workers = 0;
    expect(errorOf(json)).toContain('policies[0].workers must be a positive integer, got 0');
  });

  it('no items is an error', () => {
    const json = { ...valid(), items: {} };
    expect(errorOf(json)).toBe('Failed to load scenario x.json: items must hold at least one item (a list or a count)');
  });

  it('a typo in a field name is caught', () => {
    const json = valid() as Record<string, unknown>;
    (json['policies'] as Array<Record<string, unknown>>)[0] = { name: 'p', workerz: 2 };
    expect(errorOf(json)).toContain('policies[0].workerz is not a known field');
  });

  it('a timeout Scrapfly rejects with retry=false loads with a note that says the API answers 400 (a policy as literal code may have it)', () => {
    const json = valid() as Record<string, unknown>;
    (json['policies'] as Array<Record<string, unknown>>)[0] = { name: 'p', workers: 1, tiers: [{ base: 'plain', retry: false, timeoutMs: 10_000 }] };
    const scenario = parseScenario({ json, source: 'x.json' });
    expect(scenario.notes.map((n) => n.message)).toEqual([
      'policy p: tier plain: Scrapfly refuses this timeout (timeout must be between 15000 and 30000 ms for asp=false, render_js=false with retry=false, got 10000): every request of the tier is answered 400 ERR::SCRAPE::CONFIG_ERROR',
    ]);
  });

  it('an unknown policy name in extends is named', () => {
    const json = valid() as Record<string, unknown>;
    (json['policies'] as Array<Record<string, unknown>>)[0] = { name: 'p', extends: 'nope', workers: 1 };
    expect(errorOf(json)).toBe('Failed to load scenario x.json: policies[0].extends names no policy of this scenario, got "nope"');
  });
});

describe('bad scenarios through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'batchscope-'));
  const write = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return name;
  };

  it.each([
    ['broken JSON', '{"name": ', /^error: Failed to load scenario broken-json\.json: not valid JSON/],
    ['unknown latency', JSON.stringify({ ...valid(), world: { account: { concurrency: 1 }, behaviour: { default: { latency: { type: 'gaussian' } } } } }), /world\.behaviour\.default\.latency\.type must be one of/],
    ['zero workers', JSON.stringify({ ...valid(), policies: [{ name: 'p', workers: 0 }] }), /policies\[0\]\.workers must be a positive integer, got 0/],
    ['no items', JSON.stringify({ ...valid(), items: {} }), /items must hold at least one item/],
  ])('%s: one line, non-zero exit', async (label, content, pattern) => {
    const file = write(`${label.toLowerCase().replace(/\s+/g, '-')}.json`, content);
    const result = await runCliCaptured(['simulate', file], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown policy name: one line, usage exit code', async () => {
    const file = write('ok.json', JSON.stringify(valid()));
    const result = await runCliCaptured(['simulate', file, '--policy', 'nope'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`error: Unknown policy "nope" in scenario ok.json: choose one of p\n`);
  });

  it('a missing file', async () => {
    const result = await runCliCaptured(['simulate', 'missing.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: Failed to load scenario missing.json: cannot read the file: no such file or folder (ENOENT)\n');
  });
});

describe('scenario files as people write them', () => {
  const body = '"name": "c", "items": { "count": 2, "domains": { "a.example": 1 } }, "world": { "account": { "concurrency": 2 }, "behaviour": { "default": { "latency": { "type": "fixed", "ms": 10 } } } }, "policies": [{ "name": "p", "workers": 1 },]';
  it('may hold comments, trailing commas and a UTF-8 byte-order mark', () => {
    const scenario = parseScenarioText({ text: `\uFEFF// the README's format\n{ /* block */ ${body}, }\n`, source: 'c.json' });
    expect(scenario.policies.map((p) => p.name)).toEqual(['p']);
  });

  it('says where broken JSON breaks, in one line', () => {
    expect(() => parseScenarioText({ text: '{\n  "name": "c",\n  "items": [1 2]\n}\n', source: 'bad.json' })).toThrow(/^Failed to load scenario bad\.json: not valid JSON \(comma expected at line 3, column 15\)$/);
  });

  it('refuses nesting 50,000 levels deep with one line instead of overflowing the stack', () => {
    const text = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    expect(() => parseScenarioText({ text, source: 'deep.json' })).toThrow(/^Failed to load scenario deep\.json: not valid JSON \(nested more than 200 levels deep at line 1, column 201\)$/);
  });
});

describe('bounded numbers, dates and hosts', () => {
  const bad: Array<[string, (json: ReturnType<typeof valid>) => void, string]> = [
    ['1e21 workers', (j) => (j.policies[0]!.workers = 1e21), 'policies[0].workers must be at most 10000, got 1e+21'],
    ['1e308 items', (j) => (j.items.count = 1e308), 'items.count must be at most 10000000, got 1e+308'],
    ['a duration of 310 digits', (j) => ((j.world.behaviour.default.latency as Record<string, unknown>)['ms'] = '9'.repeat(310)), 'world.behaviour.default.latency.ms must be a non-negative duration'],
    ['a duration of a year', (j) => ((j.world.behaviour.default.latency as Record<string, unknown>)['ms'] = '8760h'), 'world.behaviour.default.latency.ms must be at most 30 days (2592000000 ms), got "8760h"'],
    ['lognormal minMs above maxMs', (j) => (j.world.behaviour.default.latency = { type: 'lognormal', medianMs: 1000, sigma: 0.2, minMs: 5000, maxMs: 2000 } as never), 'world.behaviour.default.latency.maxMs must be at least minMs (5000), got 2000'],
    ['startAt on February 30', (j) => ((j as Record<string, unknown>)['startAt'] = '2025-02-30T00:00:00Z'), 'startAt is not a date of the calendar, got "2025-02-30T00:00:00Z"'],
    ['startAt at the last date JavaScript knows', (j) => ((j as Record<string, unknown>)['startAt'] = '+275760-09-13T00:00:00Z'), 'startAt must be between 1970 and 2999, got "+275760-09-13T00:00:00Z"'],
    ['a domain that is not a host', (j) => (j.items.domains = { 'bad host/<>': 1 } as never), 'items.domains.bad host/<> is not a host name (letters, digits, hyphens and dots, like "shop.example"), got "bad host/<>"'],
  ];
  for (const [what, change, message] of bad) {
    it(`refuses ${what} with the field and the value`, () => {
      const json = valid();
      change(json);
      expect(errorOf(json)).toContain(message);
    });
  }
});

describe('policies that extend each other', () => {
  it('resolves a chain of 2,000 extends, each policy once', () => {
    const json = valid() as Record<string, unknown>;
    const policies: Array<Record<string, unknown>> = [{ name: 'p0', workers: 2 }];
    for (let k = 1; k < 2000; k++) policies.push({ name: `p${k}`, extends: `p${k - 1}`, ...(k % 100 === 0 ? { workers: 3 } : {}) });
    json['policies'] = policies;
    const scenario = parseScenario({ json, source: 'chain.json' });
    expect(scenario.policies).toHaveLength(2000);
    expect(scenario.policies[1999]!.workers).toBe(3);
    expect(scenario.policies[99]!.workers).toBe(2);
  });

  it('names a cycle of extends', () => {
    const json = valid() as Record<string, unknown>;
    json['policies'] = [{ name: 'a', extends: 'c', workers: 1 }, { name: 'b', extends: 'a' }, { name: 'c', extends: 'b' }];
    expect(errorOf(json)).toBe('Failed to load scenario x.json: policies[1].extends forms a cycle ("a" → "c" → "b" → "a")');
  });
});
