/** Per-domain statistics of a run: items, attempts, timeouts and p95 request latency. */
import { isTimeoutAttempt, type RunRecords } from './attempt-records.js';
import { quantileSorted } from './quantile.js';

/** One domain's figures. Latencies are request durations (start to end), ms. */
export interface DomainStats {
  domain: string;
  items: number;
  priced: number;
  attempts: number;
  timeouts: number;
  p95LatencyMs: number;
}

/** Per-domain stats of `records`, sorted by domain. */
export function computeDomainStats(records: RunRecords): DomainStats[] {
  const byDomain = new Map<string, { items: number; priced: number; attempts: number; timeouts: number; latencies: number[] }>();
  const domainOf = new Map<number, string>();
  for (const item of records.items) {
    domainOf.set(item.item, item.domain);
    // Items skipped before they started are known only by index unless the caller named them.
    if (item.domain === '') continue;
    const d = byDomain.get(item.domain) ?? { items: 0, priced: 0, attempts: 0, timeouts: 0, latencies: [] };
    d.items++;
    if (item.outcome === 'priced') d.priced++;
    byDomain.set(item.domain, d);
  }
  for (const a of records.attempts) {
    const d = byDomain.get(domainOf.get(a.item) ?? '');
    if (!d) continue;
    d.attempts++;
    if (isTimeoutAttempt(a)) d.timeouts++;
    if (a.endMs !== null) d.latencies.push(a.endMs - a.startMs);
  }
  return [...byDomain.entries()]
    .map(([domain, d]) => ({ domain, items: d.items, priced: d.priced, attempts: d.attempts, timeouts: d.timeouts, p95LatencyMs: quantileSorted(d.latencies.sort((x, y) => x - y), 0.95) }))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
}
