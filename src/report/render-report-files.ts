/**
 * The rendered files of a report folder by file name: `index.html` (timeline and metrics),
 * `trace.json` (Chrome JSON trace, as pieces to stream), `summary.md` (CI step summary) and
 * `metrics.json`. Pure and deterministic: the same runs give byte-identical files.
 */
import { renderHtmlReport } from './render-html-report.js';
import { renderMarkdownSummary } from './render-markdown-summary.js';
import { renderPerfettoTraceChunks } from './render-perfetto-trace.js';
import type { ReportContext, ReportRun } from './report-run.js';

/** A file's content: one string, or pieces to write one after the other (large files). */
export type FileContent = string | (() => Iterable<string>);

/** The report files of `runs` (one per policy, all of one scenario and seed). */
export function renderReportFiles(options: { runs: readonly ReportRun[] } & ReportContext): Record<'index.html' | 'trace.json' | 'summary.md' | 'metrics.json', FileContent> {
  const context: ReportContext = { budgetMs: options.budgetMs ?? null, description: options.description ?? null };
  return {
    'index.html': renderHtmlReport({ runs: options.runs, ...context }),
    'trace.json': () => renderPerfettoTraceChunks({ runs: options.runs }),
    'summary.md': renderMarkdownSummary({ runs: options.runs, ...context }),
    'metrics.json': `${JSON.stringify(options.runs.map((r) => r.metrics), null, 2)}\n`,
  };
}
