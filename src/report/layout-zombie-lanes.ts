/**
 * Lays the work that goes on after a client stopped waiting onto lanes that never overlap: an
 * abandoned call's request and the retries its client library still makes (one chain per call),
 * and requests still running at Scrapfly after a read timeout or a cut (one chain each). Chains
 * go to the first lane free at their start, so the number of lanes is the peak of them at once.
 */
import type { AttemptRecord } from './attempt-records.js';
import type { RunProjection } from './run-projection.js';

/** What a piece of zombie work is. */
export type ZombiePieceKind = 'abandoned' | 'zombie-attempt' | 'server' | 'backoff';

export interface ZombiePiece {
  kind: ZombiePieceKind;
  startMs: number;
  endMs: number;
  /** The attempt the piece belongs to (for a backoff, the attempt that failed before it). */
  attempt: AttemptRecord;
}

export interface ZombieChain {
  /** `call:<item>.<call>` for an abandoned call, `server:<item>.<attempt>` for a request left at Scrapfly. */
  key: string;
  item: number;
  startMs: number;
  endMs: number;
  pieces: ZombiePiece[];
}

/** Chains of zombie work per lane (lane 0 first). */
export function layoutZombieLanes(projection: RunProjection): ZombieChain[][] {
  let lanes = lanesOf.get(projection);
  if (!lanes) {
    lanes = buildZombieLanes(projection);
    lanesOf.set(projection, lanes);
  }
  return lanes;
}

const lanesOf = new WeakMap<RunProjection, ZombieChain[][]>();

function buildZombieLanes(projection: RunProjection): ZombieChain[][] {
  const { records } = projection;
  const lastMs = projection.eventCount > 0 ? projection.lastEventMs : records.endMs;
  const chains = new Map<string, ZombieChain>();
  const add = (key: string, piece: ZombiePiece) => {
    if (piece.endMs < piece.startMs) return;
    let chain = chains.get(key);
    if (!chain) {
      chain = { key, item: piece.attempt.item, startMs: piece.startMs, endMs: piece.endMs, pieces: [] };
      chains.set(key, chain);
    }
    chain.pieces.push(piece);
    chain.startMs = Math.min(chain.startMs, piece.startMs);
    chain.endMs = Math.max(chain.endMs, piece.endMs);
  };
  const byKey = new Map<string, AttemptRecord>();
  for (const a of records.attempts) {
    byKey.set(`${a.item}.${a.attempt}`, a);
    const endMs = a.endMs ?? lastMs;
    const callKey = `call:${a.item}.${a.call}`;
    if (a.startedAsZombie) add(callKey, { kind: 'zombie-attempt', startMs: a.startMs, endMs, attempt: a });
    else if (a.abandonedAtMs !== null) add(callKey, { kind: 'abandoned', startMs: a.abandonedAtMs, endMs, attempt: a });
    // The client closed the request but the server went on until its own end.
    if (a.serverEndMs !== null && a.endMs !== null && a.serverEndMs > a.endMs && (a.result === 'read-timeout' || a.result === 'cut')) {
      add(`server:${a.item}.${a.attempt}`, { kind: 'server', startMs: a.endMs, endMs: a.serverEndMs, attempt: a });
    }
  }
  for (const { event: e } of projection.marks) {
    if (e.type !== 'backoff' || e.layer !== 'client') continue;
    const failed = byKey.get(`${e.item}.${e.attempt}`);
    if (!failed || !(failed.startedAsZombie || failed.abandonedAtMs !== null)) continue;
    const chain = chains.get(`call:${failed.item}.${failed.call}`);
    const next = chain?.pieces.find((p) => p.kind === 'zombie-attempt' && p.startMs >= e.atMs);
    add(`call:${failed.item}.${failed.call}`, { kind: 'backoff', startMs: e.atMs, endMs: Math.min(e.atMs + e.delayMs, next?.startMs ?? lastMs), attempt: failed });
  }
  const sorted = [...chains.values()].sort((x, y) => x.startMs - y.startMs || x.item - y.item || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const lanes: ZombieChain[][] = [];
  const laneEnds: number[] = [];
  for (const chain of sorted) {
    chain.pieces.sort((x, y) => x.startMs - y.startMs || x.endMs - y.endMs);
    let lane = laneEnds.findIndex((end) => end <= chain.startMs);
    if (lane < 0) {
      lane = lanes.length;
      lanes.push([]);
      laneEnds.push(chain.endMs);
    }
    (lanes[lane] as ZombieChain[]).push(chain);
    laneEnds[lane] = chain.endMs;
  }
  return lanes;
}
