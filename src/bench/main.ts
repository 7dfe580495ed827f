/**
 * `npm run bench`: the incident and synthetic batches through both mock faces, each case in its
 * own process (peak RSS per case), beside the bare event-loop model of the same schedule.
 * Each case runs in 3 processes and the median is reported. Options: --quick (one process per
 * case, skips the 100,000-item msw case), --semi <MB> (V8 young-generation size; default 64, 0 for
 * Node's default).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { renderTextTable } from '../report/render-text-table.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const semiAt = args.indexOf('--semi');
const semi = semiAt >= 0 ? Number(args[semiAt + 1]) : 64;
const runner = fileURLToPath(new URL('./run-case.js', import.meta.url));

const cases: string[][] = [
  ['incident', 'direct', 'fixed'],
  ['incident', 'msw', 'fixed'],
  ['incident', 'direct', 'baseline'],
  ['incident', 'msw', 'baseline'],
  ['synthetic', 'direct', '10000', '100'],
  ['synthetic', 'direct', '100000', '1000'],
  ['synthetic', 'direct', '100000', '1000', 'stream'],
  ['synthetic', 'msw', '10000', '100'],
  // Scaling at a fixed pool: µs per item should stay flat as the batch grows.
  ['synthetic', 'direct', '1000', '100', 'stream'],
  ['synthetic', 'direct', '10000', '100', 'stream'],
  ['synthetic', 'direct', '100000', '100', 'stream'],
];
if (!quick) cases.push(['synthetic', 'msw', '100000', '1000', 'stream']);

type Row = Record<string, string | number | boolean | null>;
const rows: Row[] = [];
process.stderr.write(`node ${process.version}, --max-semi-space-size=${semi || 'default'}\n`);
// Wall times on a shared 2-core machine vary by a third from one process to the next: each case
// runs in several processes and the run with the median wall time is reported.
const processes = quick ? 1 : 3;
for (const c of cases) {
  const flags = semi > 0 ? [`--max-semi-space-size=${semi}`] : [];
  process.stderr.write(`running ${c.join(' ')} (${processes}×) …\n`);
  const runs: Row[] = [];
  for (let k = 0; k < processes; k++) {
    const out = execFileSync(process.execPath, [...flags, runner, ...c], { encoding: 'utf8', maxBuffer: 1 << 24 });
    runs.push(JSON.parse(out.trim().split('\n').pop() as string) as Row);
  }
  runs.sort((a, b) => Number(a['wallMs']) - Number(b['wallMs']));
  rows.push(runs[Math.floor(runs.length / 2)] as Row);
}
const columns = ['case', 'face', 'events', 'wallMs', 'usPerItem', 'speedup', 'bareWallMs', 'engineOverBare', 'peakRssMb', 'identicalOnRerun'];
const table = renderTextTable({ header: columns, rows: rows.map((r) => columns.map((c) => String(r[c]))), align: columns.map((_, i) => (i < 3 ? 'l' : 'r')) });
process.stdout.write(`${table}\n`);
const scaling = rows.filter((r) => r['face'] === 'direct' && r['events'] === 'streamed' && r['workers'] === 100);
if (scaling.length > 1) {
  const values = scaling.map((r) => Number(r['usPerItem']));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const spread = Math.max(...values.map((v) => Math.abs(v - mean) / mean));
  process.stdout.write(`\nµs per item at 100 workers, ${scaling.map((r) => `${r['items']} items: ${r['usPerItem']}`).join(', ')} — at most ${(spread * 100).toFixed(0)}% from their mean\n`);
}
