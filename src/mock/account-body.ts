/** The body of `GET /account`, with the fields both official SDKs read. */

/** Renders the account info of a mock account. Credits are whole credits; usage is requests. */
export function renderAccountBody(options: {
  concurrencyLimit: number;
  inFlight: number;
  creditsLimit: number;
  creditsUsed: number;
  creditsRemaining: number;
}): Record<string, unknown> {
  const { concurrencyLimit, inFlight } = options;
  return {
    account: { account_id: 'mock-account', currency: 'USD', timezone: 'UTC', suspended: false },
    project: { name: 'default', allow_extra_usage: false, budget_limit: null, budget_spent: null, concurrency_limit: null, tags: [] },
    subscription: {
      plan_name: 'MOCK',
      max_concurrency: concurrencyLimit,
      billing: { current_extra_scrape_request_price: null, extra_scrape_request_price_per_10k: null, ongoing_payment: false, plan_price: null },
      usage: {
        scrape: {
          concurrent_limit: concurrencyLimit,
          concurrent_usage: inFlight,
          concurrent_remaining: Math.max(0, concurrencyLimit - inFlight),
          current: options.creditsUsed,
          limit: options.creditsLimit,
          remaining: Math.max(0, options.creditsRemaining),
          extra: Math.max(0, -options.creditsRemaining),
        },
      },
    },
  };
}
