/**
 * A cron caller (`"wait": true`) whose batch the outage breaker stopped is answered 503 with the
 * batch interrupted and resumable: Scrapfly being unreachable is not a bug of the server (500).
 * Here nothing listens on the API's address, so every connection is refused at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { startBatchApiServer } from '../../src/live/batch-api-server.js';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import { openStore } from '../../src/live/open-store.js';
import { createUndiciTransport } from '../../src/live/undici-transport.js';
import { makeTempDir } from './live-helpers.js';

const TOKEN = 'wait-outage-token-0123456789';
const temp = makeTempDir('api-wait-outage');
afterAll(() => temp.cleanup());

describe('a waiting caller and an outage', () => {
  it('gets 503 with the batch interrupted and resumable, and no machine failed', async () => {
    const store = openStore({ path: `${temp.dir}/store.db` });
    store.machines.upsertMachines([{ name: 'A', url: 'https://a.example/p/1' }, { name: 'B', url: 'https://b.example/p/2' }], Date.UTC(2025, 0, 1));
    const transport = createUndiciTransport({ connections: 2 });
    const internalErrors: string[] = [];
    // The breaker's backoffs run 100 times faster than real time.
    const api = await startBatchApiServer({
      env: { store, transport, clock: createScaledClock({ scale: 100 }), scrapfly: { apiKey: 'scp-x', baseUrl: 'http://127.0.0.1:1' }, extractPrice: createPriceExtractor(), maxChangeRatio: null, reportsDir: null },
      policy: createDefaultLivePolicy(),
      tokens: [TOKEN],
      maxWorkersLimit: 2,
      onInternalError: (line) => internalErrors.push(line),
    });
    try {
      const response = await fetch(`${api.url}/api/v1/batch-update`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ wait: true, max_workers: 1 }) });
      const body = (await response.json()) as { status: string; resumable: boolean; error: string; results: unknown[] };
      expect([response.status, body.status, body.resumable, body.results]).toEqual([503, 'interrupted', true, []]);
      expect(body.error).toMatch(/^stopped by the outage breaker: 5 requests in a row failed/);
      expect(internalErrors).toEqual([]);
    } finally {
      await api.close();
      await transport.close();
      store.close();
    }
  });
});
