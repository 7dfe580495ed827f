/**
 * Times the budget gate and the policy sweep through the built CLI, the way CI and a team run
 * them: each command in its own process, wall time from spawn to exit (thread start-up included).
 * Usage: npm run build && node dist/bench/sweep-bench.js [--repeat N]
 * Cases: a sweep of 1,000 incident runs (20 policies × 50 seeds) on the fixed policy's workers, the
 * same on recommendation 4's worker × timeout × semantics grid, and `check scenarios/`.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderTextTable } from '../report/render-text-table.js';

const args = process.argv.slice(2);
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt >= 0 ? Math.max(1, Number(args[repeatAt + 1])) : 3;
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));

const cases: Array<{ name: string; args: string[]; limitS: number }> = [
  {
    name: 'sweep fixed: --workers 1..20, 50 seeds',
    args: ['sweep', 'scenarios/incident-2025-08-06.json', '--workers', '1..20', '--seeds', '50', '--no-report', '--json'],
    limitS: 30,
  },
  {
    name: 'sweep rec4: 5 workers × 2 timeouts × 2 semantics, 50 seeds',
    args: ['sweep', 'scenarios/incident-2025-08-06.json', '--base', 'rec4-thread-90s-abandon', '--workers', '2..6', '--timeout', '30s,60s', '--semantics', 'abort,abandon', '--seeds', '50', '--no-report', '--json'],
    limitS: 30,
  },
  { name: 'check scenarios/ (50 seeds)', args: ['check', 'scenarios/', '--no-report', '--json'], limitS: 60 },
];

process.stderr.write(`node ${process.version}, ${availableParallelism()} cores, best and median of ${repeat}\n`);
const rows: string[][] = [];
for (const c of cases) {
  const walls: number[] = [];
  let runs = 0;
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    const out = spawnSync(process.execPath, [cli, ...c.args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
    walls.push((performance.now() - t) / 1000);
    // check exits 1 when a budget fails; both still print their JSON.
    if (out.status !== 0 && out.status !== 1) throw new Error(`${c.name} failed: ${out.stderr.trim()}`);
    const json = JSON.parse(out.stdout) as { runs: number };
    runs = json.runs;
  }
  walls.sort((a, b) => a - b);
  const best = walls[0] as number;
  const median = walls[Math.floor(walls.length / 2)] as number;
  rows.push([c.name, String(runs), best.toFixed(1), median.toFixed(1), String(Math.round(runs / median)), `${c.limitS}`, median <= c.limitS ? 'yes' : 'NO']);
}
const header = ['case', 'runs', 'best s', 'median s', 'runs/s', 'limit s', 'within'];
process.stdout.write(`${renderTextTable({ header, rows, align: header.map((_, i) => (i === 0 ? 'l' : 'r')) })}\n`);
