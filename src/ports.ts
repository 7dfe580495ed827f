/**
 * The ports through which the deterministic core reaches the world: time, network, randomness and
 * the event record. The engine, client, mock, latency models, replay, scenarios and reports only
 * ever see these interfaces; the real or virtual implementations are built at the edge (clock/,
 * live/, cli/).
 */
import type { BatchEvent } from './events/batch-event.js';

/** Cancels a scheduled callback; calling it twice is harmless. */
export type CancelTimer = () => void;

/** Time, virtual or real. All values are milliseconds. */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. When `signal` aborts first, rejects with `signal.reason` and
   * clears the timer. The caller owns the signal.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `callback` once after `ms` milliseconds; the returned function cancels it. */
  schedule(ms: number, callback: () => void): CancelTimer;
}

/** The subset of fetch's Headers the core reads. Names are case-insensitive. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** One HTTP request as the Scrapfly client builds it. */
export interface TransportRequest {
  method: 'GET' | 'POST';
  /** Absolute URL including the query string. Holds the API key: never log it. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** One HTTP response; the body is read at most once, as JSON or as text. */
export interface TransportResponse {
  status: number;
  headers: HeaderReader;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/**
 * Sends HTTP requests (fetch-shaped). When `signal` aborts, the request is cancelled and the promise
 * rejects with `signal.reason`; the caller owns the signal. Network failures reject with
 * `TransportError`.
 */
export interface Transport {
  send(request: TransportRequest, options: TransportSendOptions): Promise<TransportResponse>;
}

export interface TransportSendOptions {
  signal?: AbortSignal;
  /**
   * How long to wait for the connection to be established, ms; null or absent: the transport's
   * own default (the operating system's for the simulated network).
   */
  connectTimeoutMs?: number | null;
}

/** A seeded source of randomness. */
export interface Random {
  /** A uniform float in [0, 1). */
  next(): number;
  /**
   * An independent stream derived from this stream's seed and `key`, unaffected by how much of
   * this stream has been consumed: the same key always yields the same stream.
   */
  fork(key: string | number): Random;
}

/** Receives the engine's and the mock's events in order. Must not throw. */
export interface EventSink {
  emit(event: BatchEvent): void;
}

/** Everything the engine needs from the world. */
export interface Ports {
  clock: Clock;
  transport: Transport;
  random: Random;
  events: EventSink;
}
