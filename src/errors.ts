/**
 * One error hierarchy for the whole project. Every class carries a stable `code`; messages carry
 * the values involved. None of them ever holds the Scrapfly API key.
 */

/** Base class of every error this project throws on purpose. */
export class BatchscopeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A scenario file or object that does not validate. The message names the file, field and value. */
export class ScenarioError extends BatchscopeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SCENARIO_INVALID', message, options);
  }
}

/** Bad command-line input (unknown policy, bad flag value). */
export class UsageError extends BatchscopeError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** Scrapfly answered with an error: either envelope shape, any status. `code` is Scrapfly's code. */
export class ScrapflyApiError extends BatchscopeError {
  /** HTTP status of the API response. */
  readonly httpStatus: number;
  /** Scrapfly's `retryable` flag for this error. */
  readonly retryable: boolean;
  /** For `ERR::SCRAPE::BAD_UPSTREAM_RESPONSE`: the target site's status; otherwise null. */
  readonly upstreamStatus: number | null;
  /** The Retry-After header in milliseconds, or null when absent. */
  readonly retryAfterMs: number | null;
  /** Credits charged for the failed request (X-Scrapfly-Api-Cost), 0 when absent. */
  readonly costCredits: number;

  constructor(options: {
    code: string;
    message: string;
    httpStatus: number;
    retryable: boolean;
    upstreamStatus?: number | null;
    retryAfterMs?: number | null;
    costCredits?: number;
  }) {
    super(options.code, `Scrapfly ${options.httpStatus} ${options.code}: ${options.message}`);
    this.httpStatus = options.httpStatus;
    this.retryable = options.retryable;
    this.upstreamStatus = options.upstreamStatus ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.costCredits = options.costCredits ?? 0;
  }
}

/** A response that is not a Scrapfly envelope at all (not JSON, no `result`). */
export class ScrapflyProtocolError extends BatchscopeError {
  readonly httpStatus: number;

  constructor(message: string, httpStatus: number) {
    super('SCRAPFLY_PROTOCOL', message);
    this.httpStatus = httpStatus;
  }
}

/** The client's read timeout fired before the response arrived. */
export class ClientTimeoutError extends BatchscopeError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super('CLIENT_TIMEOUT', `No response within the ${timeoutMs} ms read timeout`);
    this.timeoutMs = timeoutMs;
  }
}

/** The connection failed (refused, reset, DNS). The message never holds the request URL. */
export class TransportError extends BatchscopeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NETWORK_ERROR', message, options);
  }
}

/**
 * The answer's headers arrived, then its body broke off (a truncated response). A separate class
 * because clients differ on it: the Python SDK retries connection errors but not this
 * (requests' ChunkedEncodingError is not a ConnectionError).
 */
export class TruncatedBodyError extends TransportError {
  constructor(message = 'the connection broke while the body was being read (truncated response)') {
    super(message);
  }
}

/** Work stopped because its AbortSignal fired; `reason` tells which deadline or caller. */
export class CancelledError extends BatchscopeError {
  readonly reason: string;

  constructor(reason: string) {
    super('CANCELLED', `Cancelled: ${reason}`);
    this.reason = reason;
  }
}

/** The virtual clock found no timer to advance to while work was still pending. */
export class VirtualClockStallError extends BatchscopeError {
  constructor(message: string) {
    super('VIRTUAL_CLOCK_STALL', message);
  }
}

/** A log line that cannot be parsed; `line` is 1-based. */
export class LogParseError extends BatchscopeError {
  readonly line: number;

  constructor(message: string, line: number) {
    super('LOG_PARSE', message);
    this.line = line;
  }
}

/** A file or folder could not be read or written; the message names the path, what was being done and why. */
export class FileAccessError extends BatchscopeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('FILE_ACCESS', message, options);
  }
}
