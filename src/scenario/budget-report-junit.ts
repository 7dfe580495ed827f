/**
 * The JUnit XML report of a budget check: one test suite per scenario, one test case per budgeted
 * policy (a failure when the outcome is not what its budget expects), the threshold rows in
 * system-out. Deterministic: no wall-clock times. Pure.
 */
import { formatDurationMs } from '../units/duration.js';
import { countVerdicts, describeThresholdOutcome, describeVerdict, formatThresholdRow, type BudgetCheckResult } from './budget-check-result.js';
import type { BudgetVerdict } from './budget-evaluation.js';

/** Renders the check as JUnit XML. */
export function renderBudgetCheckJunit(options: { result: BudgetCheckResult }): string {
  const { result } = options;
  const counts = countVerdicts(result);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="batchscope check" tests="${counts.total}" failures="${counts.failed}" errors="0">`);
  for (const scenario of result.scenarios) {
    const failures = scenario.verdicts.filter((v) => !v.ok).length;
    out.push(`  <testsuite name="${escapeXml(scenario.name)}" tests="${scenario.verdicts.length}" failures="${failures}" errors="0" skipped="0" file="${escapeXml(scenario.source)}">`);
    for (const verdict of scenario.verdicts) {
      const name = `${verdict.policy}: expect ${verdict.expect} (${verdict.thresholds.map((t) => t.threshold.text).join('; ')})`;
      out.push(`    <testcase classname="${escapeXml(scenario.name)}" name="${escapeXml(name)}" file="${escapeXml(scenario.source)}">`);
      if (!verdict.ok) out.push(`      <failure message="${escapeXml(describeVerdict(verdict))}" type="budget">${escapeXml(describeRows(verdict))}</failure>`);
      out.push(`      <system-out>${escapeXml(describeRows(verdict))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

function describeRows(verdict: BudgetVerdict): string {
  const lines = [
    `makespan p50 ${formatDurationMs(verdict.makespan.p50Ms)}, p95 ${formatDurationMs(verdict.makespan.p95Ms)}, p99 ${formatDurationMs(verdict.makespan.p99Ms)}; ${verdict.runsOver} of ${verdict.runs} runs over budget`,
  ];
  for (const t of verdict.thresholds) {
    const f = formatThresholdRow(t);
    lines.push(`${f.budget}: measured ${f.measured}, margin ${f.margin}, runs over ${f.over}, ${describeThresholdOutcome(verdict, t)}`);
  }
  return lines.join('\n');
}

/** Escapes text for XML attributes and content; drops characters XML 1.0 cannot hold. */
function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
