/**
 * Docker's json-file driver writes every line the same way, keys in one order:
 * `{"log":"<the line>\n","stream":"stdout","time":"2025-08-06T03:00:23.000000123Z"}`. This reads
 * that exact shape without building an object: the line's text is used as it stands when its only
 * escape is the trailing newline, and anything else (other escapes, other keys or order, spaces)
 * answers null so that the caller parses the line as JSON. Pure.
 */

/** The three fields of a Docker line; `log` with its trailing newline removed. */
export interface DockerFields {
  log: string;
  stream: string;
  time: string;
}

const HEAD = '{"log":"';
const STREAM = '","stream":"';
const TIME = '","time":"';
const BACKSLASH = 92;

/** Fills `out` from `line` and returns true when `line` has Docker's exact shape; false otherwise (parse it as JSON). */
export function splitDockerLine(line: string, out: DockerFields): boolean {
  if (!line.startsWith(HEAD)) return false;
  const from = HEAD.length;
  // The text ends at its first quote, which must open the stream key.
  const stream = line.indexOf('"', from);
  if (stream < 0 || !line.startsWith(STREAM, stream)) return false;
  // The text must hold no escape but a final \n or \r\n: then it is the line as written.
  let textEnd = stream;
  if (line.charCodeAt(textEnd - 2) === BACKSLASH && line.charCodeAt(textEnd - 1) === 110) {
    textEnd -= 2;
    if (line.charCodeAt(textEnd - 2) === BACKSLASH && line.charCodeAt(textEnd - 1) === 114) textEnd -= 2;
  }
  if (textEnd > from && line.lastIndexOf('\\', textEnd - 1) >= from) return false;
  const streamFrom = stream + STREAM.length;
  const streamEnd = line.indexOf('"', streamFrom);
  if (streamEnd < 0 || !line.startsWith(TIME, streamEnd)) return false;
  const timeFrom = streamEnd + TIME.length;
  const timeEnd = line.indexOf('"', timeFrom);
  if (timeEnd < 0) return false;
  // After the time only the closing brace (and blanks); no escape in the stream or the time.
  let k = timeEnd + 1;
  if (line.charCodeAt(k) !== 125) return false;
  for (k++; k < line.length; k++) if (line.charCodeAt(k) > 32) return false;
  const escape = line.indexOf('\\', streamFrom);
  if (escape >= 0 && escape < timeEnd) return false;
  out.log = line.slice(from, textEnd);
  out.stream = line.slice(streamFrom, streamEnd);
  out.time = line.slice(timeFrom, timeEnd);
  return true;
}
