/** Clock times for people: UTC, as in the incident logs. */

/** `HH:MM:SS` (UTC) of `atMs` (ms since the epoch). */
export function formatClockTime(atMs: number): string {
  return new Date(atMs).toISOString().slice(11, 19);
}

/** `YYYY-MM-DD HH:MM:SS` (UTC) of `atMs`. */
export function formatClockDateTime(atMs: number): string {
  const iso = new Date(atMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
