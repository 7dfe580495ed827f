/** Reads a scenario file from disk and validates it; file errors become one-line ScenarioErrors. */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { ScenarioError } from '../errors.js';
import { describeFileError } from '../node/describe-file-error.js';
import { parseScenarioText } from '../scenario/parse-scenario.js';
import type { Scenario } from '../scenario/scenario-types.js';

/** Loads `path` (relative to `cwd`). */
export function loadScenarioFile(path: string, cwd: string): Scenario {
  const absolute = resolve(cwd, path);
  const shown = relative(cwd, absolute) || path;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new ScenarioError(`Failed to load scenario ${shown}: cannot read the file: ${describeFileError(error)}`);
  }
  return parseScenarioText({ text, source: shown });
}
