import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagnoseRun } from '../../src/replay/diagnose-run.js';
import { parseLog } from '../../src/replay/parse-log.js';

const fixture = (name: string) => readFileSync(new URL(`../../scenarios/logs/${name}`, import.meta.url), 'utf8').split('\n');
const at = (hhmmss: string) => Date.parse(`2025-08-06T${hhmmss}Z`);

describe('the seed log of 2025-08-06', () => {
  it('the fixture says which lines come from the seed and which are filled in, and the seed lines are verbatim', () => {
    const lines = fixture('batch_20250806_030023_901652f0.txt');
    const note = lines.filter((l) => l.startsWith('#')).join('\n');
    const seedRange = /FROM THE SEED: lines (\d+)-(\d+)/.exec(note)!;
    const fillRange = /FILLED IN: lines (\d+)-(\d+)/.exec(note)!;
    const seed = lines.slice(Number(seedRange[1]) - 1, Number(seedRange[2]));
    expect(seed).toEqual([
      '2025-08-06 03:00:23 - Starting concurrent processing of 165 machines with 5 workers',
      '2025-08-06 03:00:23 - Processing machine OneLaser Hydra 7 - Worker available',
      '2025-08-06 03:34:11 - Processing machine OMTech MOPA 60W - Worker available',
      '2025-08-06 03:34:18 - Processing machine OMTech Galvo 30W - Worker available',
      '2025-08-06 03:34:25 - Processing machine xTool S1 - Worker available',
    ]);
    const filled = lines.slice(Number(fillRange[1]) - 1, Number(fillRange[2]));
    expect(filled).toHaveLength(161);
    expect(filled.every((l) => / - Processing machine .+ - Worker available$/.test(l))).toBe(true);
    expect(Number(fillRange[2])).toBe(lines.filter((l) => l !== '').length);
    const excerpt = fixture('batch_20250806_030023_901652f0.excerpt.txt').filter((l) => l !== '' && !l.startsWith('#'));
    expect(excerpt).toEqual(seed);
  });

  for (const name of ['batch_20250806_030023_901652f0.excerpt.txt', 'batch_20250806_030023_901652f0.txt']) {
    it(`${name}: one machine at a time although 5 workers were declared; the seed analysis does not fit`, async () => {
      const log = await parseLog({ lines: fixture(name), source: name });
      const d = diagnoseRun({ run: log.runs[0]! });
      expect(d.declaredWorkers).toBe(5);
      expect(d.declaredItems).toBe(165);
      expect(d.effectiveConcurrency).toBe(1);
      expect(d.execution).toBe('blocking');
      expect(d.stalls).toEqual([
        { startMs: at('03:00:23'), endMs: at('03:34:11'), durationMs: 33 * 60_000 + 48_000, censored: false, items: [0], machines: ['OneLaser Hydra 7'], workersHeld: 5, attempts: null, inferred: true, candidates: null, tail: false },
      ]);
      expect(d.gaps).toEqual([{ fromMs: at('03:00:23'), toMs: at('03:34:11'), durationMs: 2_028_000, queued: 164, running: [0] }]);
      const byId = Object.fromEntries(d.hypotheses.map((h) => [h.id, h]));
      expect(d.hypotheses.map((h) => [h.id, h.verdict])).toEqual([
        ['sequential', 'fits'],
        ['all-stalled', 'unlikely'],
        ['concurrent-5', 'rejected'],
      ]);
      expect(byId['sequential']!.evidence[0]).toBe('1 machine started within 3s of the first start at 03:00:23; 5 concurrent workers would have started 5 at once');
      expect(byId['sequential']!.evidence.join('\n')).not.toMatch(/at least 0ms apart/);
      const inferred = byId['concurrent-5']!.evidence[1]!;
      expect(inferred).toMatch(/^inferred from the starts alone: 1 — one machine at a time: the declared 5 (?:\(4 for 4 machines\) )?workers are ruled out; ruled out: [45] \(a pool of [45] starts [45] machines within 3s; the first [45] starts span \d+s\)/);
      expect(byId['concurrent-5']!.evidence.filter((e) => e !== inferred)).toEqual([
        '5 workers declared, 1 machine started within 3s of the first start at 03:00:23: a 5-worker pool starts 5 machines within its first seconds',
        '1 machine started in the first 33m48s while 164 machines were queued',
        'one stuck request cannot stop the other 4 workers: at 7s per machine they would have started about 1158 machines in those 33m48s',
      ]);
      expect(byId['all-stalled']!.evidence[0]).toBe('needs 4 more machine starts at 03:00:23 that the log does not show');
      expect(byId['all-stalled']!.implies[0]).toBe('5 stalls of at least 33m48s each, 4 of them on machines missing from the log');
      expect(byId['sequential']!.implies).toContain('stall: OneLaser Hydra 7 ran 33m48s (03:00:23 → 03:34:11), holding up all 5 workers and 164 queued machines');
      expect(d.verdict).toMatch(/^The work was not concurrent: effective concurrency 1 with 5 workers declared/);
      expect(d.fit.items.lognormal?.medianMs).toBe(7000);
      expect(d.fit.items.stalls).toEqual([{ ms: 2_028_000, count: 1, censored: false }]);
    });
  }
});
