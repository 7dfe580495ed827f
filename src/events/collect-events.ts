/** Event sinks that keep events in memory or fan them out. */
import type { EventSink } from '../ports.js';
import type { BatchEvent } from './batch-event.js';

/** A sink that appends every event to `events`. */
export interface CollectingSink extends EventSink {
  readonly events: BatchEvent[];
}

export function createCollectingSink(): CollectingSink {
  const events: BatchEvent[] = [];
  return { events, emit: (event) => void events.push(event) };
}

/** A sink that forwards each event to every sink in `sinks`, in order. */
export function createFanOutSink(sinks: readonly EventSink[]): EventSink {
  return {
    emit(event) {
      for (const sink of sinks) sink.emit(event);
    },
  };
}
