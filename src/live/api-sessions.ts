/**
 * Who may use the batch-update API: callers sending `Authorization: Bearer <token>` (the cron job,
 * scripts), and people signed in on the admin page. Signing in with the token starts a session
 * held here in memory; the browser keeps only its random id, in an HttpOnly, SameSite=Strict
 * cookie, so the token never reaches a URL, the page or the browser's storage. A session carries
 * its own CSRF token, which every state-changing request made with the cookie must echo in
 * `X-CSRF-Token`; the Origin header, when sent, must be this server. Bearer requests need neither.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The session cookie's name. */
export const SESSION_COOKIE = 'batchscope_session';

/** A session ends after this long without a request, ms. */
export const SESSION_IDLE_MS = 12 * 3_600_000;

/** Sessions kept at most; the least recently used goes first. */
const MAX_SESSIONS = 1000;

export interface Session {
  id: string;
  csrfToken: string;
  lastSeenMs: number;
}

/** How a request is authenticated. */
export type Caller = { kind: 'bearer' } | { kind: 'session'; session: Session };

export interface ApiSessions {
  /** The caller of `request`, or null when it carries neither a valid token nor a live session. */
  authenticate(request: IncomingMessage): Caller | null;
  /** Starts a session when `token` is the API token; null otherwise. */
  signIn(token: string): Session | null;
  /** Ends the session. */
  signOut(session: Session): void;
  /**
   * Null when a state-changing request of `caller` may go ahead, else why not: a session's
   * request must carry its CSRF token and, when it sends Origin, come from this server.
   */
  refuseStateChange(request: IncomingMessage, caller: Caller): string | null;
  /** Null when a sign-in form post comes from this server's page (or sends no Origin), else why not. */
  refuseForeignOrigin(request: IncomingMessage): string | null;
  /** The Set-Cookie value that gives the browser `session`, or clears the cookie when null. */
  cookieFor(session: Session | null): string;
}

/** Creates the sessions of one server for `tokens` (any of them is accepted). `now` gives wall-clock ms (tests pass their own). */
export function createApiSessions(options: { tokens: readonly string[]; now?: () => number }): ApiSessions {
  const expected = options.tokens.map((t) => Buffer.from(t));
  const now = options.now ?? Date.now;
  const sessions = new Map<string, Session>();
  const isToken = (given: string) => {
    const bytes = Buffer.from(given);
    // Every token is compared, so that the time taken does not tell which one nearly matched.
    let match = false;
    for (const token of expected) if (bytes.length === token.length && timingSafeEqual(bytes, token)) match = true;
    return match;
  };
  const sameOrigin = (request: IncomingMessage): boolean => {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    return origin === `http://${request.headers.host ?? ''}` || origin === `https://${request.headers.host ?? ''}`;
  };

  return {
    authenticate(request) {
      const header = request.headers.authorization;
      if (header !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
        return match && isToken(match[1] as string) ? { kind: 'bearer' } : null;
      }
      const id = readCookie(request.headers.cookie, SESSION_COOKIE);
      const session = id === null ? undefined : sessions.get(id);
      if (!session) return null;
      if (now() - session.lastSeenMs > SESSION_IDLE_MS) {
        sessions.delete(session.id);
        return null;
      }
      session.lastSeenMs = now();
      // Most recently used last, so the oldest is the first key.
      sessions.delete(session.id);
      sessions.set(session.id, session);
      return { kind: 'session', session };
    },
    signIn(token) {
      if (!isToken(token.trim())) return null;
      const session: Session = { id: randomBytes(32).toString('base64url'), csrfToken: randomBytes(32).toString('base64url'), lastSeenMs: now() };
      sessions.set(session.id, session);
      while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
      return session;
    },
    signOut(session) {
      sessions.delete(session.id);
    },
    refuseStateChange(request, caller) {
      if (caller.kind === 'bearer') return null;
      if (!sameOrigin(request)) return `the request comes from another origin (${request.headers.origin})`;
      const given = request.headers['x-csrf-token'];
      if (typeof given !== 'string' || given === '') return 'the X-CSRF-Token header is missing';
      const a = Buffer.from(given);
      const b = Buffer.from(caller.session.csrfToken);
      return a.length === b.length && timingSafeEqual(a, b) ? null : 'the X-CSRF-Token header is wrong';
    },
    refuseForeignOrigin(request) {
      return sameOrigin(request) ? null : `the form was posted from another origin (${request.headers.origin})`;
    },
    cookieFor(session) {
      if (session === null) return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
      return `${SESSION_COOKIE}=${session.id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.round(SESSION_IDLE_MS / 1000)}`;
    },
  };
}

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
