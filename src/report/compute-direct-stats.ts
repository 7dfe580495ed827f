/** What the direct fetches of a run (direct tiers) met at the shops' sites, from its attempt records. Pure. */
import type { RunRecords } from './attempt-records.js';

/** Direct fetches and how the sites refused them. */
export interface DirectStats {
  requests: number;
  /** Refusals (403, or a challenge page such as a CAPTCHA). */
  blocked: number;
  /** 429 answers of the sites. */
  throttled: number;
  /** Connection failures (resets, refused connections, broken bodies). */
  networkErrors: number;
}

/** Counts the run's direct fetches by how they ended. */
export function computeDirectStats(records: RunRecords): DirectStats {
  const out = { requests: 0, blocked: 0, throttled: 0, networkErrors: 0 };
  for (const a of records.attempts) {
    if (!a.direct) continue;
    out.requests++;
    if (a.errorClass === 'blocked') out.blocked++;
    else if (a.status === 429) out.throttled++;
    else if (a.errorClass === 'network') out.networkErrors++;
  }
  return out;
}
