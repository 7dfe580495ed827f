/**
 * The story of a diagnosis for the terminal, in order: what happened (the diagnosis with its
 * uncertainty), why (the mechanisms of each long stall), what to change (the recommended policy as
 * a diff against the deployed stack, as JSON and as the original client's settings), the effect
 * (the night replayed under the fix, and the fitted world's makespan, priced share and credits),
 * and the runner-ups. Pure: colour comes in as styles.
 */
import { formatClockDateTime } from '../report/format-clock-time.js';
import type { TimelineStyles } from '../report/timeline-styles.js';
import type { SweepStats } from '../sweep/summarize-sweep-point.js';
import { formatDurationMs } from '../units/duration.js';
import type { DiagnoseOutcome, GivenOrAssumed, StallExplanation } from './diagnose-outcome.js';
import type { MechanismFit } from './explain-stall.js';

const WORLD_LABEL: Record<DiagnoseOutcome['facts']['world'], string> = { stack: 'stack world', fitted: 'fitted world', scenario: '--scenario world' };

const VERDICT_LABEL: Record<MechanismFit['verdict'], string> = { fits: 'FITS', near: 'NEAR', undecided: 'OPEN', cannot: 'NO' };

/** The whole story as text. */
export function renderDiagnoseText(options: { outcome: DiagnoseOutcome; styles: TimelineStyles }): string {
  const { outcome: o, styles } = options;
  const d = o.replay.diagnosis;
  const out: string[] = [];
  out.push(styles.heading(`${o.replay.source} — run ${d.run.index}: ${d.loggedItems} machines from ${formatClockDateTime(d.startMs)}, ${formatDurationMs(d.observedUntilMs - d.startMs)} logged`));
  out.push(`facts not in the log: plan concurrency ${given(o.facts.planConcurrency, String)}, budget ${given(o.facts.budgetMs, formatDurationMs)}, client ${given(o.facts.client, (c) => c ?? 'unknown')}, a client disconnect ${o.facts.slots === 'held' ? 'keeps' : 'frees'} its Scrapfly slot (--slots)`);
  out.push('');
  out.push(styles.heading('1. What happened'));
  out.push(`  ${d.verdict}`);
  if (d.concurrency.method === 'start-pattern') out.push(`  (the log has no result lines: concurrency and durations are inferred from the starts)`);

  out.push('');
  out.push(styles.heading('2. Why: the mechanisms behind each long stall'));
  out.push('  (FITS: the mechanism\'s arithmetic matches the logged duration; NEAR: within 5%; OPEN: the log cannot tell; NO: it cannot produce it. A log proves no mechanism.)');
  if (o.stalls.length === 0) out.push(`  no stall over ${formatDurationMs(d.stallThresholdMs)}`);
  for (const s of o.stalls) out.push(...renderStall(s));

  out.push('');
  out.push(styles.heading('3. What to change'));
  const r = o.recommended;
  if (r === null) {
    out.push(`  no policy searched meets ${o.search.thresholds.join(' and ')} (${o.search.meeting} met it in the search before the night and verification checks); the closest:`);
    for (const p of o.closest) out.push(`    ${p.name}: ${stats(p.stats)}`);
  } else {
    out.push(`  ${r.json['description'] as string}`);
    out.push('');
    const width = Math.max(...r.diff.map((c) => c.setting.length));
    const dWidth = Math.max(...r.diff.map((c) => c.deployed.length));
    for (const c of r.diff) out.push(`  ${c.changed ? '*' : ' '} ${c.setting.padEnd(width)}  ${c.deployed.padEnd(dWidth)}  →  ${c.recommended}`);
    out.push('');
    out.push(`  for the ${o.facts.client.value ?? 'client'} (${r.clientSettings.language}):`);
    for (const line of r.clientSettings.lines) out.push(`    ${line}`);
    out.push('');
    out.push('  as batchscope policy JSON:');
    out.push(`    ${JSON.stringify({ ...r.json, name: 'fix' })}`);
  }

  out.push('');
  out.push(styles.heading('4. The effect'));
  const nb = o.night.baseline.metrics;
  out.push(`  the night as logged (reproduced): makespan ${formatDurationMs(nb.makespanMs)}, ${pct(nb.successRate)} priced`);
  if (o.night.fix) {
    const m = o.night.fix.metrics;
    out.push(`  the night under the fix:          makespan ${formatDurationMs(m.makespanMs)} (${o.night.fix.planRatio.toFixed(2)}× the night's lower bound ${formatDurationMs(o.night.fix.planLowerBoundMs)}: the machines that did not stall on ${o.facts.planConcurrency.value} slots), ${pct(m.successRate)} priced, ${m.scrapfly.creditsCharged} credits`);
  }
  const over = `${WORLD_LABEL[o.facts.world]} over ${o.search.seeds.length} seeds:`;
  out.push(`  ${over}  baseline ${stats(o.baseline)}`);
  if (r) out.push(`  ${' '.repeat(over.length)}  fix      ${stats(r.stats)}`);
  if (o.worldCheck) out.push(`  ${styles.stall(`WARNING: ${o.worldCheck}`)}`);
  if (r) out.push(`  verified over ${o.search.verifySeeds.length} seeds (what check runs): fix ${stats(r.verified)}`);

  out.push('');
  out.push(styles.heading('5. Runner-ups on the frontier (meet the budget)'));
  if (o.runnerUps.length === 0) out.push('  none');
  for (const p of o.runnerUps) out.push(`  ${p.name}: ${stats(p.stats)}`);
  out.push(`  searched ${o.search.policies} policies × ${o.search.seeds.length} seeds = ${o.search.runs} runs${o.search.threads > 0 ? ` on ${o.search.threads} threads` : ''}; ${o.search.distinct} behaved differently from every simpler one, ${o.search.meeting} of those met ${o.search.thresholds.join(' and ')}`);

  if (o.emittedScenario || o.reportDir) out.push('');
  if (o.emittedScenario) out.push(`regression scenario written to ${o.emittedScenario} (batchscope check ${o.emittedScenario})`);
  if (o.reportDir) out.push(`report: ${o.reportDir}/diagnosis.html`);
  for (const note of o.notes) out.push(styles.timeout(`note: ${note}`));
  return out.join('\n');
}

function renderStall(s: StallExplanation): string[] {
  const who = s.machineUncertain ? `a worker (the machine is uncertain; likeliest ${s.machines.join(', ')})` : s.machines.join(', ');
  const out = [`  ${who}: ${formatDurationMs(s.durationMs)}${s.censored ? ' or more' : ''} from ${formatClockDateTime(s.startMs)}${s.inferred ? ' (inferred from the starts)' : ''}, held ${s.workersHeld} worker${s.workersHeld === 1 ? '' : 's'}; precision ±${formatDurationMs(s.precisionMs)}`];
  for (const m of s.mechanisms) {
    out.push(`    ${VERDICT_LABEL[m.verdict].padEnd(4)}  ${m.title}`);
    out.push(`          ${m.combination}`);
    out.push(`          ${m.why}`);
  }
  return out;
}

function given<T>(fact: GivenOrAssumed<T>, show: (v: T) => string): string {
  return `${show(fact.value)}${fact.source === 'assumed' ? ' (ASSUMED)' : fact.source === 'inferred' ? ' (INFERRED)' : fact.source === 'option' ? '' : ` (from the ${fact.source})`}`;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function stats(s: SweepStats): string {
  return `makespan p50 ${formatDurationMs(s.makespanP50Ms)} p95 ${formatDurationMs(s.makespanP95Ms)}, priced mean ${pct(s.successMean)} (p95 ${pct(s.successP95)}), credits mean ${s.creditsMean.toFixed(0)}`;
}
