/**
 * The names of the random streams a simulated world draws from, forked from the run's seed. Every
 * face of the mock (the in-process ones under `simulate`, the HTTP one under `serve-mock`) uses
 * these, so the same scenario and seed give the same world: `<seed>/mock` for the Scrapfly mock,
 * `<seed>/mock/sites` for the shops' sites, `<seed>/mock/network` for the network.
 */

/** The Scrapfly mock's stream, forked from the seed's root stream. */
export const MOCK_STREAM = 'mock';
/** The sites' stream, forked from the mock's. */
export const SITES_STREAM = 'sites';
/** The network's stream, forked from the mock's. */
export const NETWORK_STREAM = 'network';
/** The engine's stream (backoff jitter), forked from the seed's root stream. */
export const ENGINE_STREAM = 'engine';
