/** Formats budget values, margins and shares of runs for tables and messages. Pure. */
import { formatDurationMs } from '../units/duration.js';
import type { BudgetMetricKind } from './budget-metrics.js';

/** A measured value in its metric's unit: `4m53s`, `99.4%`, `169`, `1.02`. */
export function formatBudgetValue(kind: BudgetMetricKind, value: number): string {
  switch (kind) {
    case 'duration':
      return formatDurationMs(value);
    case 'ratio':
      return `${trimZeros((value * 100).toFixed(1))}%`;
    case 'count':
      return Number.isInteger(value) ? String(value) : trimZeros(value.toFixed(1));
    case 'number':
      return trimZeros(value.toFixed(2));
  }
}

/** A signed margin: `+10m07s`, `-37m34s`, `+1.4 pp`, `+81`, `-0.5`. Zero is `0`. */
export function formatBudgetMargin(kind: BudgetMetricKind, margin: number): string {
  const sign = margin > 0 ? '+' : margin < 0 ? '-' : '';
  const abs = Math.abs(margin);
  if (abs === 0) return kind === 'ratio' ? '0 pp' : '0';
  if (kind === 'ratio') return `${sign}${trimZeros((abs * 100).toFixed(1))} pp`;
  return `${sign}${formatBudgetValue(kind, abs)}`;
}

/** A share of runs as a percentage: `0%`, `4%`, `100%`, `0.5%`. */
export function formatShare(share: number): string {
  const percent = share * 100;
  // Never round a few runs over to 0% or a few runs within to 100%.
  const exact = (percent > 0 && percent < 1) || (percent > 99 && percent < 100);
  return `${exact ? trimZeros(percent.toFixed(1)) : Math.round(percent)}%`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
