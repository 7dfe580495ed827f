/**
 * The boundary of the deterministic core (DESIGN.md), held by the compiler: tsconfig.core.json
 * compiles the core folders without Node's types, so a core file that imports a node: module or
 * uses a Node global (process, setTimeout, Buffer, fetch, performance), directly or through a file
 * it imports, does not compile. On top of that program: no file outside the core folders is
 * reached, packages only from a short list, and the clock and randomness that ECMAScript itself
 * provides (Date.now, new Date(), Math.random), which no compiler option removes, are refused in
 * the text.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const SRC = join(ROOT, 'src');

/** The folders (and files) of the core, as tsconfig.core.json lists them. */
function coreConfig(): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.core.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!parsed) throw new Error('tsconfig.core.json could not be read');
  return parsed;
}

const config = coreConfig();
const CORE_ROOTS = (config.raw as { include: string[] }).include.filter((p) => p.startsWith('src/')).map((p) => join(ROOT, p));

/** The packages the core may import (pure libraries that neither read the clock nor reach the world). */
const CORE_PACKAGES = new Set(['cheerio', 'jsonc-parser', 'p-limit']);

/** ECMAScript's own clock and randomness: declared by every lib, so refused in the text. */
const FORBIDDEN_TEXT: Array<[string, RegExp]> = [
  ['Date.now()', /\bDate\.now\s*\(/],
  ['new Date() without an argument', /new Date\(\s*\)/],
  ['Math.random', /\bMath\.random\b/],
];

function isCore(file: string): boolean {
  return CORE_ROOTS.some((root) => file === root || file.startsWith(`${root}/`));
}

function describeDiagnostic(d: ts.Diagnostic): string {
  const where = d.file && d.start !== undefined ? `${relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
  return `${where}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
}

/** Lines of code with comments removed, so that doc comments may talk about these things. */
function codeLines(text: string): string[] {
  const withoutBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '));
  return withoutBlocks.split('\n').map((line) => line.replace(/(^|[^:'"`])\/\/.*$/, '$1'));
}

/** Every ECMAScript clock or randomness reference in `files`, as "file:line: what". */
export function findTextViolations(files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    codeLines(readFileSync(file, 'utf8')).forEach((line, i) => {
      for (const [what, pattern] of FORBIDDEN_TEXT) if (pattern.test(line)) found.push(`${relative(SRC, file)}:${i + 1}: ${what}`);
    });
  }
  return found;
}

/** The bare (package) imports of a source file. */
function packageImports(file: ts.SourceFile): string[] {
  return ts.preProcessFile(file.text, true, true).importedFiles.map((f) => f.fileName).filter((name) => !name.startsWith('.') && !name.startsWith('/'));
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

/** A program of the core's compiler options over `files`. */
function coreProgram(files: readonly string[]): ts.Program {
  return ts.createProgram({ rootNames: files, options: config.options });
}

describe('the core boundary', () => {
  const program = coreProgram(config.fileNames);
  const sources = program.getSourceFiles().filter((f) => !f.fileName.includes('/node_modules/') && f.fileName.startsWith(SRC));

  it('compiles without Node: no node: module, no Node global, in the core or in anything it imports', () => {
    expect(sources.length).toBeGreaterThan(150);
    expect(ts.getPreEmitDiagnostics(program).map(describeDiagnostic)).toEqual([]);
  });

  it('reaches no file outside the core folders (adapters, the simulation root, the CLI)', () => {
    expect(sources.map((f) => f.fileName).filter((f) => !isCore(f)).map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('imports packages only from the short list', () => {
    const found = sources.flatMap((f) => packageImports(f).filter((s) => !CORE_PACKAGES.has(packageOf(s))).map((s) => `${relative(ROOT, f.fileName)}: ${s}`));
    expect(found).toEqual([]);
  });

  it("uses neither ECMAScript's clock nor its randomness", () => {
    expect(findTextViolations(sources.map((f) => f.fileName))).toEqual([]);
  });

  it('refuses a core file that reaches the world, directly or through an import', () => {
    // A probe compiled as the core is: each violation the old text check missed is a compile error.
    const probe = join(SRC, 'engine', '__probe__.ts');
    const text = [
      "import { setTimeout as sleep } from 'node:timers/promises';",
      "import { randomInt } from 'node:crypto';",
      "import { simulatePolicy } from '../simulation/simulate-policy.js';",
      'export const a = () => sleep(1);',
      'export const b = () => randomInt(6);',
      'export const c = () => process.nextTick(() => undefined);',
      'export const d = simulatePolicy;',
      'export const e = () => performance.now();',
    ].join('\n');
    const host = ts.createCompilerHost(config.options);
    const read = host.readFile.bind(host);
    host.readFile = (name) => (name === probe ? text : read(name));
    const getSource = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) => (name === probe ? ts.createSourceFile(name, text, language) : getSource(name, language, ...rest));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name === probe || fileExists(name);
    const probed = ts.createProgram({ rootNames: [probe, ...config.fileNames.filter((f) => f.endsWith('.d.ts'))], options: config.options, host });
    const messages = ts.getPreEmitDiagnostics(probed).map(describeDiagnostic);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^src\/engine\/__probe__\.ts:1: Cannot find module 'node:timers\/promises'/),
        expect.stringMatching(/^src\/engine\/__probe__\.ts:2: Cannot find module 'node:crypto'/),
        expect.stringMatching(/^src\/engine\/__probe__\.ts:6: Cannot find name 'process'/),
        expect.stringMatching(/^src\/engine\/__probe__\.ts:8: Cannot find name 'performance'/),
        // The simulation root reaches Node's timers through the virtual clock it imports.
        expect.stringMatching(/^src\/clock\/virtual-clock\.ts:\d+: Cannot find module 'node:timers'/),
      ]),
    );
    expect(probed.getSourceFiles().some((f) => f.fileName.endsWith('src/simulation/simulate-policy.ts') && !isCore(f.fileName))).toBe(true);
  });

  it('finds ECMAScript clock reads in text when they are there', () => {
    expect(findTextViolations([join(SRC, 'clock', 'real-clock.ts')]).some((v) => v.includes('Date.now()'))).toBe(true);
  });
});
