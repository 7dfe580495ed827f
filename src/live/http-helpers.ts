/** Small helpers of the batch-update API server over node:http: JSON and page answers (reading requests: read-api-request.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers with a JSON body (pretty-printed, not cached). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  response.end(text);
}

/** An error answer on one line: `{"error": {"code", "message", "field"?}}`. */
export function sendError(response: ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify({ error: { code, message: message.replace(/\s*\n\s*/g, ' '), ...extra } })}\n`;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  response.end(text);
}

/**
 * The content security policy of the admin page: everything from this server, nothing inline,
 * no framing, forms posting only here.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it the browser sends `Origin: null` on the page's own form posts.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
});

/** Answers with a document of `contentType` and the page security headers. */
export function sendPage(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), ...PAGE_SECURITY_HEADERS, ...headers });
  response.end(body);
}

/** The request's path without its query. */
export function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0] as string;
}
