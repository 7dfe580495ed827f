/** What a command needs from the process, passed in so that commands can run inside tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Terminal width in columns, or null when not a terminal. */
  columns: number | null;
  /** Whether stdout is a terminal (progress bars, colour). */
  isTty: boolean;
  /** Wall-clock time in ms, for how long progress has been running (default Date.now; tests pass their own). */
  nowMs?: () => number;
}
