/**
 * Reads JSON with comments (JSONC) as scenario and config files may hold it: `//` and `/* *\/`
 * comments, trailing commas, a UTF-8 byte-order mark. jsonc-parser is the parser of VS Code's
 * settings files: maintained, and it reports where an error is, which `JSON.parse` does not in a
 * form worth showing.
 */
import { createScanner, parse, printParseErrorCode, SyntaxKind, type ParseError } from 'jsonc-parser';

/** Nesting deeper than this is refused before it is walked (no input of ours needs more). */
export const MAX_JSON_DEPTH = 200;

/** The decoded value, or throws an Error with one line: what is wrong, at which line and column. */
export function parseJsonc(text: string): unknown {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  // The parser recurses: refuse deep nesting first, with its token scanner (which does not).
  const deep = findTooDeep(source);
  if (deep !== null) throw new Error(`nested more than ${MAX_JSON_DEPTH} levels deep at line ${deep.line}, column ${deep.column}`);
  const errors: ParseError[] = [];
  const value: unknown = parse(source, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const first = errors[0] as ParseError;
    const { line, column } = positionOf(source, first.offset);
    throw new Error(`${describeCode(printParseErrorCode(first.error))} at line ${line}, column ${column}`);
  }
  return value;
}

/** Where nesting first goes past MAX_JSON_DEPTH, or null. */
function findTooDeep(text: string): { line: number; column: number } | null {
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) {
      depth++;
      if (depth > MAX_JSON_DEPTH) return { line: scanner.getTokenStartLine() + 1, column: scanner.getTokenStartCharacter() + 1 };
    } else if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) {
      depth--;
    }
  }
  return null;
}

function describeCode(code: string): string {
  // "InvalidSymbol" → "invalid symbol".
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}
