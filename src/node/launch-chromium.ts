/**
 * Starts a headless Chromium through playwright-core for screenshots and browser tests. The
 * browser is Debian's `chromium` (no download): `/usr/bin/chromium` unless `BATCHSCOPE_CHROMIUM`
 * or `executablePath` names another. The caller owns the browser and must close it.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { BatchscopeError } from '../errors.js';

/** Where Debian's package installs the browser. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, offline headless browser (no sandbox: it runs in containers and CI). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The browser path to use: `executablePath`, else `BATCHSCOPE_CHROMIUM`, else Debian's. */
export function resolveChromiumPath(executablePath?: string | null): string {
  return executablePath || process.env['BATCHSCOPE_CHROMIUM'] || DEFAULT_CHROMIUM_PATH;
}

/**
 * Launches the browser. Rejects with a `BROWSER_MISSING` error that says how to install it when
 * the executable or playwright-core is missing, and with the signal's reason when it aborts.
 */
export async function launchChromium(options: { executablePath?: string | null; signal?: AbortSignal } = {}): Promise<Browser> {
  const path = resolveChromiumPath(options.executablePath);
  if (!existsSync(path)) {
    throw new BatchscopeError('BROWSER_MISSING', `Chromium not found at ${path}: install it (Debian: apt-get install chromium) or set BATCHSCOPE_CHROMIUM to its path`);
  }
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch (error) {
    throw new BatchscopeError('BROWSER_MISSING', 'playwright-core is not installed (a development dependency): run npm ci', { cause: error });
  }
  options.signal?.throwIfAborted();
  const browser = await playwright.chromium.launch({ executablePath: path, args: [...CHROMIUM_ARGS] });
  if (options.signal?.aborted) {
    await browser.close();
    options.signal.throwIfAborted();
  }
  return browser;
}
