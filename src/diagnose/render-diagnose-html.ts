/**
 * The story of a diagnosis on one self-contained HTML page (diagnosis.html of the report folder):
 * the same five parts as the terminal story, then the timelines of the night as logged and of the
 * night under the fix on one clock; index.html beside it holds the interactive timelines, the
 * trace and the metrics. Pure.
 */
import { escapeHtml } from '../report/escape-html.js';
import { PAGE_CSS, PAGE_LEGEND } from '../report/html-report-assets.js';
import { renderSvgTimeline } from '../report/render-svg-timeline.js';
import type { ReportRun } from '../report/report-run.js';
import { PLAIN_STYLES } from '../report/timeline-styles.js';
import type { DiagnoseOutcome } from './diagnose-outcome.js';
import { renderDiagnoseText } from './render-diagnose-text.js';

const STORY_CSS = `
pre.story { white-space: pre-wrap; font-size: 13px; line-height: 1.45; }
nav.parts a { margin-right: 1em; }
`;

/** The page. `runs` are the report's runs (the night reproduced, then under the fix). */
export function renderDiagnoseHtml(options: { outcome: DiagnoseOutcome; runs: readonly ReportRun[] }): string {
  const { outcome } = options;
  const story = renderDiagnoseText({ outcome, styles: PLAIN_STYLES });
  const timeline = options.runs.length > 0 ? renderSvgTimeline({ runs: options.runs }) : '';
  const title = `Diagnosis of ${outcome.replay.source}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}${STORY_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<nav class="parts"><a href="#story">The story</a><a href="#timeline">The night and the fix</a><a href="index.html">Interactive timelines, trace and metrics</a><a href="diagnosis.json">diagnosis.json</a></nav>
</header>
<section id="story">
<pre class="story">${escapeHtml(story)}</pre>
</section>
<section id="timeline">
<h2>The night as logged, and under the fix</h2>
<figure class="timeline-figure">
${PAGE_LEGEND}
<div class="scroll">
${timeline}
</div>
</figure>
</section>
</body>
</html>
`;
}
