import { describe, expect, it } from 'vitest';
import { createTerminalStyles } from '../../src/cli/terminal-styles.js';
import { renderMarkdownSummary } from '../../src/report/render-markdown-summary.js';
import { renderRunSummary } from '../../src/report/render-run-summary.js';
import { renderTerminalTimeline } from '../../src/report/render-terminal-timeline.js';
import { PLAIN_STYLES, type TimelineStyles } from '../../src/report/timeline-styles.js';
import { diffLines, expectGolden } from './support/expect-golden.js';
import { loadSmallRun } from './support/small-run.js';

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

async function renderTerminal(width: number, styles: TimelineStyles): Promise<string> {
  const { scenario, runs } = await loadSmallRun();
  return runs
    .map((r) =>
      [
        renderRunSummary({ metrics: r.metrics, description: r.header.policy.description, budgetMs: scenario.budgetMs, accountConcurrency: r.header.accountConcurrency, styles }),
        renderTerminalTimeline({ projection: r.projection, width, styles }),
      ].join('\n'),
    )
    .join('\n\n');
}

describe('terminal renderer (golden)', () => {
  it('draws the summary and one lane per worker for each policy of the small run', async () => {
    const text = await renderTerminal(100, PLAIN_STYLES);
    expectGolden('small-run.terminal.txt', `${text}\n`);
    expect(text).toMatch(/^worker 3 {2}\|/m);
  });

  it('fits the width it is given, legend included', async () => {
    for (const width of [60, 80, 132]) {
      const lines = (await renderTerminal(width, PLAIN_STYLES)).split('\n').filter((l) => /^( {11}|worker|scrapfly|zombies)/.test(l));
      expect(lines.length).toBeGreaterThan(8);
      for (const line of lines) expect(line.length, `${width}: ${line}`).toBeLessThanOrEqual(width);
    }
  });

  it('colour only adds escape codes, and stalls, timeouts, escalations and zombies differ in colour', async () => {
    const styles = createTerminalStyles({ env: { FORCE_COLOR: '1' }, isTty: true });
    const coloured = await renderTerminal(100, styles);
    expect(coloured).not.toBe(await renderTerminal(100, PLAIN_STYLES));
    expect(stripAnsi(coloured)).toBe(await renderTerminal(100, PLAIN_STYLES));
    const looks = [styles.stall('#'), styles.timeout('#'), styles.escalate('#'), styles.zombie('#'), styles.throttled('#'), styles.busy('#')];
    expect(new Set(looks).size).toBe(looks.length);
    expect(createTerminalStyles({ env: { NO_COLOR: '1', FORCE_COLOR: '1' }, isTty: true })).toBe(PLAIN_STYLES);
  });
});

describe('Markdown summary (golden)', () => {
  it('renders the comparison table, the findings and the collapsed details of the small run', async () => {
    const { scenario, runs } = await loadSmallRun();
    const md = renderMarkdownSummary({ runs, budgetMs: scenario.budgetMs, description: 'A small fixed run.' });
    expectGolden('small-run.summary.md', md);
    const table = md.split('\n').filter((l) => l.startsWith('| **'));
    expect(table).toHaveLength(runs.length);
  });
});

describe('golden files', () => {
  it('fail with a diff that names the line', () => {
    expect(() => expectGolden('small-run.summary.md', '## something else\n', { update: false })).toThrow(/differs from test\/report\/golden\/small-run\.summary\.md[\s\S]*\n {3}1 - ## small-run\n {3}1 \+ ## something else/);
    expect(diffLines('a\nb\nc', 'a\nB\nc')).toBe('   1   a\n   2 - b\n   2 + B\n   3   c');
  });
});
