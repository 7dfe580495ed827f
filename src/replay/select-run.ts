/** Which run of a parsed log a replay or a diagnosis reads. Pure. */
import { UsageError } from '../errors.js';
import type { LoggedRun, ParsedLog } from './log-records.js';

/** Picks a run by 1-based index, policy name or batch id; the first run when `selector` is null. */
export function selectRun(log: ParsedLog, selector: string | null): LoggedRun {
  if (selector === null) return log.runs[0] as LoggedRun;
  const byIndex = /^\d+$/.test(selector) ? log.runs[Number(selector) - 1] : undefined;
  const found = byIndex ?? log.runs.find((r) => r.policyName === selector || r.batchId === selector);
  if (!found) {
    const choices = log.runs.map((r) => `${r.index}${r.policyName ? ` (${r.policyName})` : ''}`).join(', ');
    throw new UsageError(`--run ${selector} names no run of ${log.source}: it holds ${log.runs.length} run(s): ${choices}`);
  }
  return found;
}
