import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/node/create-progress-reporter.js';

describe('the progress reporter', () => {
  it('stays silent until the work has taken afterMs, then redraws one bar with the unit', () => {
    let t = 0;
    const out: string[] = [];
    const progress = createProgressReporter({ write: (s) => out.push(s), isTty: true, label: 'simulate', unit: 'items', afterMs: 1000, nowMs: () => t });
    t = 500;
    progress.update(100, 1000);
    expect(out).toEqual([]);
    t = 1200;
    progress.update(600, 1000);
    t = 2000;
    progress.update(1000, 1000);
    progress.finish();
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^\rsimulate \[#+\.+\] 600\/1000 items \(60%\), 1\.2s, ~1s left\x1b\[K$/);
    expect(out[1]).toMatch(/^\rsimulate \[#+\] 1000\/1000 items \(100%\), 2\.0s\x1b\[K$/);
    expect(out[2]).toBe('\n');
  });
});
