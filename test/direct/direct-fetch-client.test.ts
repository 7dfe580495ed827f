/** The direct fetch client against a real local HTTP server, over the live undici transport. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { BROWSER_HEADERS, createDirectFetchClient, rerouteUrl } from '../../src/direct/direct-fetch-client.js';
import { CancelledError } from '../../src/errors.js';
import { createUndiciTransport, type UndiciTransport } from '../../src/live/undici-transport.js';
import { renderProductPage } from '../../src/mock/product-page.js';

let server: Server | null = null;
let transport: UndiciTransport | null = null;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
afterEach(async () => {
  await transport?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
  transport = null;
  seen.length = 0;
});

const PAGE = renderProductPage({ name: 'Cutter', price: 1299, currency: 'USD' });

/** Serves `/<host>/<path>` the way a forwarding base URL receives it; behaviour by path. */
async function start(): Promise<string> {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    seen.push({ url, headers: req.headers });
    const html = { 'content-type': 'text/html; charset=utf-8' };
    if (url.endsWith('/moved')) return void res.writeHead(301, { location: '/p/1' }).end();
    if (url.endsWith('/loop')) return void res.writeHead(302, { location: 'https://shop.example/loop' }).end();
    if (url.endsWith('/gzip')) return void res.writeHead(200, { ...html, 'content-encoding': 'gzip' }).end(gzipSync(PAGE));
    if (url.endsWith('/br')) return void res.writeHead(200, { ...html, 'content-encoding': 'br' }).end(brotliCompressSync(PAGE));
    if (url.endsWith('/deflate-raw')) return void res.writeHead(200, { ...html, 'content-encoding': 'deflate' }).end(deflateRawSync(PAGE));
    if (url.endsWith('/corrupt')) return void res.writeHead(200, { ...html, 'content-encoding': 'gzip' }).end('not gzip at all');
    if (url.endsWith('/403')) return void res.writeHead(403, html).end('<title>Access Denied</title>');
    if (url.endsWith('/429')) return void res.writeHead(429, { ...html, 'retry-after': '7' }).end('slow down');
    if (url.endsWith('/503-challenge')) return void res.writeHead(503, html).end('<html><head><title>Just a moment...</title></head></html>');
    if (url.endsWith('/500')) return void res.writeHead(500, html).end('oops');
    if (url.endsWith('/404')) return void res.writeHead(404, html).end('gone');
    if (url.endsWith('/reset')) return void req.socket.destroy();
    if (url.endsWith('/slow')) return void setTimeout(() => res.writeHead(200, html).end(PAGE), 5_000);
    res.writeHead(200, html).end(PAGE);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  transport = createUndiciTransport({ connections: 2 });
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('direct fetch client', () => {
  it('reroutes a page URL under a base URL, keeping host, port, path and query but not the fragment', () => {
    expect(rerouteUrl('https://WWW.Shop.example:8443/p/1?x=2#top', 'http://127.0.0.1:9/sites')).toBe('http://127.0.0.1:9/sites/www.shop.example:8443/p/1?x=2');
    expect(rerouteUrl('https://shop.example', 'http://127.0.0.1:9')).toBe('http://127.0.0.1:9/shop.example/');
    expect(rerouteUrl('https://shop.example/p', null)).toBe('https://shop.example/p');
  });

  it('sends browser-like headers and no Scrapfly key, and reads the page for 0 credits', async () => {
    const base = await start();
    const client = createDirectFetchClient({ transport: transport!, baseUrl: base });
    const outcome = await client.fetchPage('https://shop.example/p/1', {});
    expect(outcome).toMatchObject({ ok: true, httpStatus: 200, costCredits: 0, content: PAGE });
    expect(seen[0]!.url).toBe('/shop.example/p/1');
    for (const [name, value] of Object.entries(BROWSER_HEADERS)) expect(seen[0]!.headers[name], name).toBe(value);
    expect(seen[0]!.url).not.toMatch(/key=/);
  });

  it('follows redirects (relative to the page, not the base URL) and stops after five', async () => {
    const base = await start();
    const client = createDirectFetchClient({ transport: transport!, baseUrl: base });
    expect(await client.fetchPage('https://shop.example/moved', {})).toMatchObject({ ok: true, content: PAGE });
    expect(seen.map((s) => s.url)).toEqual(['/shop.example/moved', '/shop.example/p/1']);
    expect(await client.fetchPage('https://shop.example/loop', {})).toMatchObject({ ok: false, code: 'TOO_MANY_REDIRECTS', errorClass: 'other' });
    expect(seen).toHaveLength(2 + 6);
  });

  it('decompresses gzip, brotli and raw deflate bodies; a corrupt one is a network failure', async () => {
    const base = await start();
    const client = createDirectFetchClient({ transport: transport!, baseUrl: base });
    for (const path of ['gzip', 'br', 'deflate-raw']) expect(await client.fetchPage(`https://shop.example/${path}`, {}), path).toMatchObject({ ok: true, content: PAGE });
    expect(await client.fetchPage('https://shop.example/corrupt', {})).toMatchObject({ ok: false, errorClass: 'network', code: 'NETWORK_ERROR', httpStatus: null });
  });

  it.each([
    ['403', { errorClass: 'blocked', code: 'HTTP_403', retryable: false, retryAfterMs: null }],
    ['429', { errorClass: 'throttled', code: 'HTTP_429', retryable: true, retryAfterMs: 7000 }],
    ['503-challenge', { errorClass: 'blocked', code: 'HTTP_503', retryable: false }],
    ['500', { errorClass: 'upstream-5xx', code: 'HTTP_500', retryable: true }],
    ['404', { errorClass: 'upstream-4xx', code: 'HTTP_404', retryable: false }],
    ['reset', { errorClass: 'network', code: 'NETWORK_ERROR', httpStatus: null, retryable: true }],
  ])('classifies %s as the site\'s own failure, for 0 credits', async (path, expected) => {
    const base = await start();
    const outcome = await createDirectFetchClient({ transport: transport!, baseUrl: base }).fetchPage(`https://shop.example/${path}`, {});
    expect(outcome).toMatchObject({ ok: false, costCredits: 0, ...expected });
  });

  it('rejects with the abort reason when the caller aborts', async () => {
    const base = await start();
    const controller = new AbortController();
    const pending = createDirectFetchClient({ transport: transport!, baseUrl: base }).fetchPage('https://shop.example/slow', { signal: controller.signal });
    setTimeout(() => controller.abort(new CancelledError('call-timeout')), 20);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});
