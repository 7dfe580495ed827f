import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, TransportError, TruncatedBodyError } from '../../src/errors.js';
import { createUndiciTransport, type UndiciTransport } from '../../src/live/undici-transport.js';
import { createScrapflyClient } from '../../src/scrapfly/scrapfly-client.js';

const KEY = 'scp-live-transport-secret';

let server: Server | null = null;
let transport: UndiciTransport | null = null;
afterEach(async () => {
  await transport?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
  transport = null;
});

/** A local server whose behaviour per path is: `hang` (never answers), `break` (body cut off), else JSON. */
async function startServer(): Promise<string> {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/hang')) return;
    if (req.url?.startsWith('/break')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"result":');
      setTimeout(() => res.destroy(), 5);
      return;
    }
    if (req.url?.startsWith('/html')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>not json</p>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-scrapfly-api-cost': '1', 'x-multi': ['a', 'b'] });
    res.end(JSON.stringify({ path: req.url, ua: req.headers['user-agent'] }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('undici transport', () => {
  it('sends the request and reads status, headers (case-insensitive, joined) and JSON; a body that is not JSON is a SyntaxError', async () => {
    const base = await startServer();
    transport = createUndiciTransport({ connections: 2 });
    const response = await transport.send({ method: 'GET', url: `${base}/scrape?key=k&url=x`, headers: { 'user-agent': 'batchscope' } }, {});
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Scrapfly-Api-Cost')).toBe('1');
    expect(response.headers.get('x-multi')).toBe('a, b');
    expect(response.headers.get('nope')).toBeNull();
    expect(await response.json()).toEqual({ path: '/scrape?key=k&url=x', ua: 'batchscope' });
    const html = await transport.send({ method: 'GET', url: `${base}/html`, headers: {} }, {});
    await expect(html.json()).rejects.toBeInstanceOf(SyntaxError);
    expect(await html.text()).toBe('<p>not json</p>');
  });

  it('an abort of one signal cancels every request it carries, and a new signal works after it', async () => {
    const base = await startServer();
    transport = createUndiciTransport({ connections: 4 });
    const controller = new AbortController();
    const pending = [1, 2, 3].map((n) => transport!.send({ method: 'GET', url: `${base}/hang/${n}`, headers: {} }, { signal: controller.signal }));
    const other = new AbortController();
    const unaffected = transport.send({ method: 'GET', url: `${base}/ok`, headers: {} }, { signal: other.signal });
    controller.abort(new CancelledError('cancelled'));
    for (const p of pending) await expect(p).rejects.toEqual(new CancelledError('cancelled'));
    expect((await unaffected).status).toBe(200);
    await expect(transport.send({ method: 'GET', url: `${base}/ok`, headers: {} }, { signal: controller.signal })).rejects.toEqual(new CancelledError('cancelled'));
  });

  it('an abort rejects with the signal reason at once, also while the server never answers', async () => {
    const base = await startServer();
    transport = createUndiciTransport({ connections: 1 });
    const controller = new AbortController();
    const pending = transport.send({ method: 'GET', url: `${base}/hang`, headers: {} }, { signal: controller.signal });
    setTimeout(() => controller.abort(new CancelledError('call-timeout')), 20);
    await expect(pending).rejects.toEqual(new CancelledError('call-timeout'));
    // The connection is usable again afterwards.
    expect((await transport.send({ method: 'GET', url: `${base}/ok`, headers: {} }, {})).status).toBe(200);
  });

  it('fails as TransportError without the key: refused connection, headers timeout, body cut off', async () => {
    const base = await startServer();
    transport = createUndiciTransport({ connections: 1, headersTimeoutMs: 50, secret: KEY });
    const refused = transport.send({ method: 'GET', url: `http://127.0.0.1:1/scrape?key=${KEY}`, headers: {} }, {});
    await expect(refused).rejects.toBeInstanceOf(TransportError);
    await expect(refused).rejects.toThrow(/ECONNREFUSED/);
    const slow = transport.send({ method: 'GET', url: `${base}/hang?key=${KEY}`, headers: {} }, {});
    await expect(slow).rejects.toThrow(/UND_ERR_HEADERS_TIMEOUT/);
    // The body is read whole before the promise settles: a body cut off is a failed request.
    const cut = transport.send({ method: 'GET', url: `${base}/break?key=${KEY}`, headers: {} }, {});
    await expect(cut).rejects.toThrow(/UND_ERR_SOCKET/);
    // After the headers: a truncated response, which clients such as the Python SDK do not retry.
    await expect(cut).rejects.toBeInstanceOf(TruncatedBodyError);
    await expect(refused).rejects.not.toBeInstanceOf(TruncatedBodyError);
    for (const p of [refused, slow, cut]) await p.catch((e: Error) => expect(e.message).not.toContain(KEY));
  });

  it('under the Scrapfly client a dead endpoint is a network outcome that never names the key', async () => {
    transport = createUndiciTransport({ connections: 1, secret: KEY });
    const client = createScrapflyClient({ transport, apiKey: KEY, baseUrl: 'http://127.0.0.1:1' });
    const outcome = await client.scrape({ url: 'https://a.example/p', renderJs: false, asp: false, proxyPool: null, country: null, retry: true, timeoutMs: null, costBudget: null, correlationId: null }, {});
    expect(outcome).toMatchObject({ ok: false, errorClass: 'network', code: 'NETWORK_ERROR' });
    expect(JSON.stringify(outcome)).not.toContain(KEY);
  });
});
