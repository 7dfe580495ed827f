/**
 * Progress of long work (Monte Carlo runs) on stderr: a redrawn bar on a terminal, a plain line at
 * every tenth otherwise (CI logs). Reads the real clock for the elapsed time and the estimate.
 */

/** Reports progress; `finish` ends the bar (it prints nothing more). */
export interface ProgressReporter {
  update(done: number, total: number): void;
  finish(): void;
}

/** A reporter writing through `write`; `label` prefixes every line (e.g. "sweep"). */
export function createProgressReporter(options: {
  write: (text: string) => void;
  isTty: boolean;
  label: string;
  width?: number;
  nowMs?: () => number;
  /** What is counted (default "runs"). */
  unit?: string;
  /** Draw nothing until the work has taken this long, ms (default 0): short work stays silent. */
  afterMs?: number;
}): ProgressReporter {
  const now = options.nowMs ?? (() => Date.now());
  const unit = options.unit ?? 'runs';
  const afterMs = options.afterMs ?? 0;
  const startMs = now();
  const barWidth = Math.max(10, Math.min(40, (options.width ?? 80) - 50));
  let lastTenth = -1;
  let lastDrawMs = -Infinity;
  let drawn = false;
  const describe = (done: number, total: number) => {
    const elapsedMs = now() - startMs;
    // The first runs include thread start-up; an estimate from them would be far off.
    const etaMs = done >= Math.max(1, total / 20) && done < total ? (elapsedMs / done) * (total - done) : 0;
    const eta = etaMs > 0 ? `, ~${Math.ceil(etaMs / 1000)}s left` : '';
    return `${done}/${total} ${unit} (${Math.floor((done / Math.max(1, total)) * 100)}%), ${(elapsedMs / 1000).toFixed(1)}s${eta}`;
  };
  return {
    update(done, total) {
      if (afterMs > 0 && now() - startMs < afterMs) return;
      if (options.isTty) {
        // Redraw at most ~20 times a second, and always at the end.
        const t = now();
        if (done < total && t - lastDrawMs < 50) return;
        lastDrawMs = t;
        const filled = Math.round((done / Math.max(1, total)) * barWidth);
        options.write(`\r${options.label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${describe(done, total)}\x1b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor((done / Math.max(1, total)) * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      options.write(`${options.label}: ${describe(done, total)}\n`);
    },
    finish() {
      if (options.isTty && drawn) options.write('\n');
      drawn = false;
    },
  };
}
