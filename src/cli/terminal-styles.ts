/** Timeline styles in colour with chalk, honouring NO_COLOR and FORCE_COLOR. */
import { Chalk } from 'chalk';
import { PLAIN_STYLES, type TimelineStyles } from '../report/timeline-styles.js';
import type { CliIo } from './cli-io.js';

/** Colour styles for the terminal, or plain symbols when colour is off. */
export function createTerminalStyles(io: Pick<CliIo, 'env' | 'isTty'>): TimelineStyles {
  const force = io.env['FORCE_COLOR'];
  const off = (io.env['NO_COLOR'] ?? '') !== '' || force === '0' || force === 'false' || (!io.isTty && (force === undefined || force === ''));
  if (off) return PLAIN_STYLES;
  const chalk = new Chalk({ level: 1 });
  return {
    stall: (t) => chalk.red.bold(t),
    timeout: (t) => chalk.yellow.bold(t),
    escalate: (t) => chalk.cyan.bold(t),
    throttled: (t) => chalk.magenta.bold(t),
    busy: (t) => chalk.green(t),
    backoff: (t) => chalk.blue(t),
    // On a background, so that zombies never read as 429s (magenta too).
    zombie: (t) => chalk.whiteBright.bgMagenta(t),
    idle: (t) => chalk.gray(t),
    label: (t) => chalk.gray(t),
    heading: (t) => chalk.bold(t),
  };
}
