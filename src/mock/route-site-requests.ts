/**
 * One Transport for a simulated world with both kinds of request: those to the Scrapfly API go to
 * the Scrapfly mock, every other URL (a direct fetch of a shop's page) to the sites' mock.
 */
import type { Transport } from '../ports.js';

/** Routes by URL: `<scrapflyBaseUrl>/…` to `scrapfly`, anything else to `sites`. */
export function routeSiteRequests(options: { scrapfly: Transport; sites: Transport; scrapflyBaseUrl: string }): Transport {
  const { scrapfly, sites } = options;
  const prefix = `${options.scrapflyBaseUrl.replace(/\/+$/, '')}/`;
  return {
    send: (request, sendOptions) => (request.url.startsWith(prefix) ? scrapfly.send(request, sendOptions) : sites.send(request, sendOptions)),
  };
}
