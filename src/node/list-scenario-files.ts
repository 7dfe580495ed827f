/**
 * Expands the files and folders named on a command line into scenario files: a folder stands for
 * the `*.json` files directly inside it, sorted by name. Paths keep the form the user wrote
 * (relative to `cwd` when given so), for messages.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ScenarioError } from '../errors.js';
import { describeFileError } from './describe-file-error.js';

/** The scenario files of `paths`, each once, in the order given. Throws ScenarioError for a missing path or an empty folder. */
export function listScenarioFiles(options: { paths: readonly string[]; cwd: string }): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (path: string) => {
    const absolute = resolve(options.cwd, path);
    if (seen.has(absolute)) return;
    seen.add(absolute);
    out.push(path);
  };
  for (const path of options.paths) {
    const absolute = resolve(options.cwd, path);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absolute).isDirectory();
    } catch (error) {
      throw new ScenarioError(`Failed to load scenario ${path}: ${describeFileError(error)}`);
    }
    if (!isDirectory) {
      add(path);
      continue;
    }
    let files: string[];
    try {
      // A dangling link is not a scenario file.
      files = readdirSync(absolute)
        .filter((name) => name.endsWith('.json') && (statSync(join(absolute, name), { throwIfNoEntry: false })?.isFile() ?? false))
        .sort();
    } catch (error) {
      throw new ScenarioError(`Failed to load scenarios from ${path}: cannot list the folder: ${describeFileError(error)}`);
    }
    if (files.length === 0) throw new ScenarioError(`Failed to load scenarios from ${path}: the folder holds no scenario files (*.json)`);
    for (const name of files) add(relative(options.cwd, join(absolute, name)) || name);
  }
  return out;
}
