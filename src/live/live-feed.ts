/**
 * Server-sent events for the admin page (`GET /api/v1/events`): one stream per open page, on
 * which the server pushes what changed (a batch started or ended, the running batch's events and
 * progress, the review queue) instead of the page polling. A comment line every 15 s keeps
 * proxies from closing an idle stream. Closing the feed ends every stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The interval of keep-alive comments, ms. */
export const FEED_HEARTBEAT_MS = 15_000;

export interface LiveFeed {
  /** Turns the response into an event stream; `hello` is its first event. */
  subscribe(request: IncomingMessage, response: ServerResponse, hello: unknown): void;
  /** Sends one event to every open stream. */
  publish(event: string, data: unknown): void;
  /** Open streams. */
  readonly size: number;
  /** Ends every stream. */
  close(): void;
}

export function createLiveFeed(): LiveFeed {
  const streams = new Set<ServerResponse>();
  let heartbeat: NodeJS.Timeout | null = null;
  const write = (response: ServerResponse, text: string) => {
    if (!response.destroyed && !response.writableEnded) response.write(text);
  };
  const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  const stopHeartbeatWhenIdle = () => {
    if (streams.size === 0 && heartbeat !== null) {
      clearInterval(heartbeat);
      heartbeat = null;
    }
  };
  return {
    subscribe(request, response, hello) {
      response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      // Reconnect after 2 s when the stream drops (EventSource does so by itself).
      write(response, `retry: 2000\n\n${frame('hello', hello)}`);
      streams.add(response);
      const drop = () => {
        streams.delete(response);
        stopHeartbeatWhenIdle();
      };
      request.on('close', drop);
      response.on('close', drop);
      heartbeat ??= setInterval(() => {
        for (const stream of streams) write(stream, ': keep-alive\n\n');
      }, FEED_HEARTBEAT_MS);
      heartbeat.unref();
    },
    publish(event, data) {
      if (streams.size === 0) return;
      const text = frame(event, data);
      for (const stream of streams) write(stream, text);
    },
    get size() {
      return streams.size;
    },
    close() {
      for (const stream of streams) stream.end();
      streams.clear();
      stopHeartbeatWhenIdle();
    },
  };
}
