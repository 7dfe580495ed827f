/**
 * A bug behind the batch-update API (here: the store closed under it) is answered 500 with a
 * request id, and logged as one line with the same id; the answer never carries the error itself.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createScaledClock } from '../../src/clock/real-clock.js';
import { createPriceExtractor } from '../../src/extract/extract-price.js';
import { startBatchApiServer } from '../../src/live/batch-api-server.js';
import { createDefaultLivePolicy } from '../../src/live/default-live-policy.js';
import { openStore } from '../../src/live/open-store.js';
import { createUndiciTransport } from '../../src/live/undici-transport.js';
import { makeTempDir } from './live-helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
const temp = makeTempDir('api-500');
afterAll(() => temp.cleanup());

describe('internal errors of the batch-update API', () => {
  it('answers 500 with a request id and logs one line with that id', async () => {
    const store = openStore({ path: `${temp.dir}/store.db` });
    const transport = createUndiciTransport({ connections: 2 });
    const logged: string[] = [];
    const api = await startBatchApiServer({
      env: { store, transport, clock: createScaledClock({ scale: 1 }), scrapfly: { apiKey: 'scp-x', baseUrl: 'http://127.0.0.1:1' }, extractPrice: createPriceExtractor(), maxChangeRatio: null, reportsDir: null },
      policy: createDefaultLivePolicy(),
      tokens: [TOKEN],
      maxWorkersLimit: 2,
      onInternalError: (line) => logged.push(line),
    });
    try {
      store.close();
      const response = await fetch(`${api.url}/api/v1/batches`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = (await response.json()) as { error: { code: string; message: string; request_id: string } };
      expect(response.status).toBe(500);
      expect(body.error.request_id).toMatch(/^req-1-[0-9a-z]+$/);
      expect(body.error.message).toContain(`(request id ${body.error.request_id}; the server's log has the details)`);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(new RegExp(`^internal error ${body.error.request_id} on GET /api/v1/batches: \\S.*$`));
      expect(logged[0]).not.toContain(TOKEN);
    } finally {
      await api.close();
      await transport.close();
    }
  });
});
