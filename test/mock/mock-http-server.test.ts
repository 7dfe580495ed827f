import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchscopeError } from '../../src/errors.js';
import { startMockHttpServer, type MockHttpServer } from '../../src/node/mock-http-server.js';
import { createManualClock, makeWorld, scrapeUrl } from './mock-test-support.js';

const servers: MockHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(world: Record<string, unknown> = {}, timeScale = 1000): Promise<MockHttpServer> {
  const server = await startMockHttpServer({ world: makeWorld(world), timeScale, seed: 7 });
  servers.push(server);
  return server;
}

const target = (n = 1) => `https://shop.example/products/laser-${n}`;

/** Sends raw bytes and resolves with everything the server answers before it closes or `idleMs` passes. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.on('data', (chunk) => {
      out += chunk.toString('utf8');
      if (/\r\n\r\n/.test(out) && /content-length: (\d+)/i.test(out)) {
        const length = Number(/content-length: (\d+)/i.exec(out)?.[1]);
        if (Buffer.byteLength(out.slice(out.indexOf('\r\n\r\n') + 4)) >= length) socket.end();
      }
    });
    socket.on('end', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
    socket.write(bytes);
  });
}

/** Polls the admin stats until `check` holds (the server works on its own real clock). */
async function waitForStats(server: MockHttpServer, check: (stats: Record<string, any>) => boolean): Promise<Record<string, any>> {
  for (let i = 0; i < 500; i++) {
    const stats = (await (await fetch(`${server.url}/__admin/stats`)).json()) as Record<string, any>;
    if (check(stats)) return stats;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('stats never reached the expected state');
}

describe('mock HTTP server', () => {
  it('serves the success envelope with the accounting headers on 127.0.0.1', async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    const response = await fetch(scrapeUrl({ key: 'k', url: target(), render_js: true }, server.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-scrapfly-api-cost')).toBe('6');
    expect(response.headers.get('x-scrapfly-remaining-api-credit')).toBe('994');
    expect(response.headers.get('x-scrapfly-account-concurrent-usage')).toBe('1');
    const body = (await response.json()) as any;
    expect(body.result).toMatchObject({ success: true, status: 'DONE', status_code: 200, url: target() });
    expect(body.result.duration).toBeGreaterThanOrEqual(4);
    expect(body.config).toMatchObject({ url: target(), render_js: true, method: 'GET' });
  });

  it('exposes the core counters at /__admin/stats', async () => {
    const server = await start();
    await fetch(scrapeUrl({ key: 'k', url: target() }, server.url)).then((r) => r.text());
    await fetch(scrapeUrl({ url: target() }, server.url)).then((r) => r.text());
    const response = await fetch(`${server.url}/__admin/stats`);
    expect(response.status).toBe(200);
    const stats = await response.json();
    expect(stats).toEqual(server.core.stats());
    expect(stats).toMatchObject({ requests: 2, accepted: 1, inFlight: 0, throttled: 0, creditsUsed: 1, creditsRemaining: 999, rejected: { HTTP_401: 1 } });
    expect((await fetch(`${server.url}/__admin/health`).then((r) => r.json()))).toEqual({ ok: true });
    expect((await fetch(`${server.url}/__admin/nothing`)).status).toBe(404);
  });

  it('a client that disconnects early leaves its slot held until the simulated scrape ends', async () => {
    const clock = createManualClock();
    const server = await startMockHttpServer({ world: makeWorld({ account: { concurrency: 1 }, behaviour: { default: { latency: { type: 'fixed', ms: 2000 } } } }), clock });
    servers.push(server);
    const controller = new AbortController();
    const gone = fetch(scrapeUrl({ key: 'k', url: target() }, server.url), { signal: controller.signal });
    await waitForStats(server, (s) => s.inFlight === 1);
    controller.abort();
    await expect(gone).rejects.toThrow();
    const refused = await fetch(scrapeUrl({ key: 'k', url: target(2) }, server.url));
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).result.error.code).toBe('ERR::SCRAPE::TOO_MANY_CONCURRENT_REQUEST');
    clock.advance(1999);
    expect(server.core.stats()).toMatchObject({ inFlight: 1, zombiesEnded: 0 });
    clock.advance(1);
    expect(server.core.stats()).toMatchObject({ inFlight: 0, zombiesEnded: 1, creditsUsed: 1, throttled: 1 });
    const next = fetch(scrapeUrl({ key: 'k', url: target(3) }, server.url));
    await waitForStats(server, (s) => s.inFlight === 1);
    clock.advance(2000);
    expect((await next).status).toBe(200);
  });

  it('frees the slot at the disconnect when the world says so', async () => {
    const server = await start({ account: { concurrency: 1 }, behaviour: { default: { latency: { type: 'fixed', ms: 600_000 } } }, options: { releaseSlotOnDisconnect: true } }, 1);
    const controller = new AbortController();
    const gone = fetch(scrapeUrl({ key: 'k', url: target() }, server.url), { signal: controller.signal });
    await waitForStats(server, (s) => s.inFlight === 1);
    controller.abort();
    await expect(gone).rejects.toThrow();
    await waitForStats(server, (s) => s.inFlight === 0);
  });

  it('answers bad requests with the API shapes and keeps serving', async () => {
    const server = await start();
    const missingKey = await fetch(scrapeUrl({ url: target() }, server.url));
    expect([missingKey.status, ((await missingKey.json()) as any).reason]).toEqual([401, 'Unauthorized']);
    const badProtocol = await fetch(scrapeUrl({ key: 'k', url: 'file:///etc/passwd' }, server.url));
    expect([badProtocol.status, ((await badProtocol.json()) as any).code]).toEqual([400, 'ERR::SCRAPE::CONFIG_ERROR']);
    const unencoded = await fetch(`${server.url}/scrape?key=k&url=ftp://shop.example/x`);
    expect(unencoded.status).toBe(400);
    const malformed = await fetch(`${server.url}/scrape?key=k&url=%E0%A4%A&timeout=1e4&retry=false`);
    expect([malformed.status, ((await malformed.json()) as any).message]).toEqual([400, expect.stringMatching(/^The url must start with http/)]);
    const noUrl = await fetch(`${server.url}/scrape?key=k&&=&url`);
    expect([noUrl.status, ((await noUrl.json()) as any).message]).toEqual([400, 'The url parameter is required']);

    const garbage = await rawRequest(server.port, 'GARBAGE\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(garbage).toContain('"http_code":400');
    const badPath = await rawRequest(server.port, 'GET /scr%ZZape?key=k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(badPath).toMatch(/^HTTP\/1\.1 400/);
    const hugeHeader = await rawRequest(server.port, `GET /scrape?key=k HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`);
    expect(hugeHeader).toMatch(/^HTTP\/1\.1 431/);
    const cut = connect(server.port, '127.0.0.1');
    cut.write('GET /scrape?key=k&url=');
    cut.destroy();

    const post = await fetch(scrapeUrl({ key: 'k', url: target() }, server.url), { method: 'POST', body: 'a=1&b=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(post.status).toBe(200);
    expect(((await post.json()) as any).config.method).toBe('POST');
    const head = await fetch(scrapeUrl({ key: 'k', url: target() }, server.url), { method: 'HEAD' });
    expect([head.status, head.headers.get('x-scrapfly-api-cost'), await head.text()]).toEqual([200, '1', '']);
    expect((await fetch(scrapeUrl({ key: 'k', url: target() }, server.url), { method: 'DELETE' })).status).toBe(405);
    expect((await fetch(scrapeUrl({ key: 'k', url: target() }, server.url))).status).toBe(200);
  });

  it('serves a gateway HTML page as is', async () => {
    const server = await start({ behaviour: { default: { latency: { type: 'fixed', ms: 10 }, rejects: { 'html-503': 1 } } } });
    const response = await fetch(scrapeUrl({ key: 'k', url: target() }, server.url));
    expect([response.status, response.headers.get('content-type')]).toEqual([503, 'text/html; charset=utf-8']);
    expect(await response.text()).toContain('503 Service Unavailable');
  });

  it('close() ends open connections and pending scrapes; it is idempotent', async () => {
    const server = await start({ behaviour: { default: { latency: { type: 'fixed', ms: 3_600_000 } } } }, 1);
    const pending = fetch(scrapeUrl({ key: 'k', url: target() }, server.url));
    await waitForStats(server, (s) => s.inFlight === 1);
    await Promise.all([server.close(), server.close()]);
    await expect(pending).rejects.toThrow();
    await expect(fetch(`${server.url}/__admin/health`)).rejects.toThrow();
  });

  it('aborting the signal closes the server; an aborted signal refuses to start', async () => {
    const controller = new AbortController();
    const server = await startMockHttpServer({ world: makeWorld(), signal: controller.signal });
    servers.push(server);
    expect((await fetch(`${server.url}/__admin/health`)).status).toBe(200);
    controller.abort(new Error('stop'));
    await server.close();
    await expect(fetch(`${server.url}/__admin/health`)).rejects.toThrow();
    await expect(startMockHttpServer({ world: makeWorld(), signal: controller.signal })).rejects.toThrow('stop');
  });

  it('fails with a clear error when the port is taken', async () => {
    const server = await start();
    const error = await startMockHttpServer({ world: makeWorld(), port: server.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchscopeError);
    expect(error).toMatchObject({ code: 'MOCK_LISTEN', message: `Cannot listen on 127.0.0.1:${server.port}: the address is already in use` });
  });
});
