/** What a gateway in front of the API answers when the API behind it is down: HTML, not JSON. */
import { reasonPhrase, type MockResponse } from './envelopes.js';

/**
 * The HTML page a gateway in front of the API answers with (502, 503): not JSON, no Scrapfly
 * headers. Clients must survive it.
 */
export function renderGatewayPage(status: number): MockResponse {
  const title = `${status} ${reasonPhrase(status) ?? 'Error'}`;
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>\n`,
  };
}
