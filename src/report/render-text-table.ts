/** Plain-text and Markdown tables with aligned columns, for every command that prints one. Pure. */

/** Column alignment: `l`eft or `r`ight. */
export type ColumnAlign = 'l' | 'r';

/** A table with a header, a dashed rule and aligned columns (two spaces apart, no trailing spaces). */
export function renderTextTable(options: { header: readonly string[]; rows: readonly (readonly string[])[]; align: readonly ColumnAlign[]; indent?: string }): string {
  const { header, rows, align } = options;
  const width = (text: string) => [...text].length;
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    (options.indent ?? '') +
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(cell)));
        return align[i] === 'r' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A GitHub-flavoured Markdown table; pipes in cells are escaped. */
export function renderMarkdownTable(options: { header: readonly string[]; rows: readonly (readonly string[])[]; align: readonly ColumnAlign[] }): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const row = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = `|${options.align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`;
  return [row(options.header), rule, ...options.rows.map(row)].join('\n');
}
