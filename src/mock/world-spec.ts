/**
 * The simulated world a scenario describes: the Scrapfly account, how each domain behaves at each
 * feature level, and the options for behaviour the reference leaves UNCONFIRMED. Durations are
 * milliseconds; probabilities are per internal attempt unless noted.
 */
import type { LatencySpec } from '../latency/latency-spec.js';
import type { NetworkSpec } from './network-spec.js';
import type { SiteWorldSpec } from './site-world-spec.js';

/** The feature level of a request: what the mock keys behaviour on. */
export type FeatureLevel = 'plain' | 'render_js' | 'asp';

export const FEATURE_LEVELS: readonly FeatureLevel[] = ['plain', 'render_js', 'asp'];

/** How requests at one feature level behave. Every field is optional so that levels can layer. */
export interface BehaviourSpec {
  /** Server time of one internal attempt, ms. */
  latency?: LatencySpec;
  /**
   * Probability of each error per internal attempt, by Scrapfly code (e.g.
   * `ERR::ASP::SHIELD_PROTECTION_FAILED`) or `upstream-<status>` for a target answering with that
   * status. The rest of the probability is success.
   */
  errors?: Record<string, number>;
  /**
   * Requests that hang past the API's own budget (a stuck scrape): with probability `p` the
   * response only comes after a duration drawn from `latency`, as a 504 OPERATION_TIMEOUT.
   */
  hang?: { p: number; latency: LatencySpec };
  /** Probability that a successful page holds no price (for example a JavaScript shell). */
  noPrice?: number;
  /**
   * Probability that a request is refused at once, before it takes an account slot or costs
   * credits, by Scrapfly code (a throttler's `ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED` makes a
   * "429 storm"; `ERR::API::INTERNAL_ERROR` a 500) or `html-<5xx>` for a gateway answering with an
   * HTML page instead of JSON. Drawn once per request, independently of `errors`.
   */
  rejects?: Record<string, number>;
}

/** Behaviour for all levels (`default`) and per level; a level's fields override the default's. */
export type LevelledBehaviour = Partial<Record<'default' | FeatureLevel, BehaviourSpec>>;

/** A window of time in which a domain (or every domain) behaves differently: an ASP block, a proxy outage. */
export interface WaveSpec {
  /** Domain affected, or null for all. */
  domain: string | null;
  /** Start, ms after the batch start. */
  startMs: number;
  durationMs: number;
  /** Feature levels affected; all when empty. */
  levels: FeatureLevel[];
  behaviour: BehaviourSpec;
}

/**
 * A user-configured Scrapfly throttler on one target domain: past either limit, requests to the
 * domain are refused at once with `ERR::THROTTLE::MAX_CONCURRENT_REQUEST_EXCEEDED` or
 * `ERR::THROTTLE::MAX_REQUEST_RATE_EXCEEDED` (429, not billed, no slot taken).
 */
export interface ThrottlerSpec {
  /** Scrapes to the domain running at once, or null for no limit. */
  concurrency: number | null;
  /** Accepted scrapes to the domain in any sliding 60-second window, or null for no limit. */
  requestsPerMinute: number | null;
}

/** The Scrapfly account. */
export interface AccountSpec {
  /** Requests the account may have in flight (the plan's concurrency). */
  concurrency: number;
  /** Credits left at the start. */
  credits: number;
  /** Keys accepted; any non-empty key when empty. */
  apiKeys: string[];
}

/** Choices where the reference is UNCONFIRMED; the defaults are the safer behaviour. */
export interface MockOptions {
  /** What the API does with `timeout` sent together with `retry=true`: not honour it, or reject it (400). */
  timeoutWithRetry: 'ignore' | 'reject';
  /** Internal attempts with `retry=true`. */
  internalAttempts: number;
  /** Pause between internal attempts, ms. */
  internalRetryDelayMs: number;
  /** Whether a client disconnect frees the account slot before the scrape ends. */
  releaseSlotOnDisconnect: boolean;
  /** Body shape of 429 concurrency rejections: the scrape envelope (A) or a flat error (B). */
  rejectShape: 'A' | 'B';
  /** Retry-After on 429s, seconds, or null to send none. */
  retryAfterSeconds: number | null;
  /** Whether requests keep running (billed as extra) when credits reach 0. */
  overage: boolean;
  /** Credits a billed error costs: the scrape's full feature cost, or a fixed amount. */
  billedErrorCredits: 'full' | number;
  /** What the API does with query parameters it does not know: ignore them, or reject them (400). */
  unknownParams: 'ignore' | 'reject';
}

export const DEFAULT_MOCK_OPTIONS: MockOptions = {
  timeoutWithRetry: 'ignore',
  internalAttempts: 3,
  internalRetryDelayMs: 0,
  releaseSlotOnDisconnect: false,
  rejectShape: 'A',
  retryAfterSeconds: null,
  overage: false,
  billedErrorCredits: 'full',
  unknownParams: 'ignore',
};

/** A product the mock serves: its page carries this price. */
export interface ProductSpec {
  name: string;
  price: number;
  currency: string;
}

export interface WorldSpec {
  account: AccountSpec;
  behaviour: LevelledBehaviour;
  domains: Record<string, LevelledBehaviour>;
  waves: WaveSpec[];
  /** Throttlers by target domain (without `www.`); none when absent. */
  throttlers?: Record<string, ThrottlerSpec>;
  options: MockOptions;
  /**
   * The network between the client and the API. Absent: an instant network (worlds built in code);
   * a scenario file that says nothing gets `DEFAULT_NETWORK`.
   */
  network?: NetworkSpec;
  /** How the shops' own sites answer direct fetches; none when absent (then direct tiers are refused at load). */
  sites?: SiteWorldSpec;
  /** Products by target URL; a URL not listed gets a price derived from the URL. */
  products: ReadonlyMap<string, ProductSpec>;
}
