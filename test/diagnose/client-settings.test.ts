import { describe, expect, it } from 'vitest';
import { clientSettingsFor, diffSettings } from '../../src/diagnose/client-settings.js';
import type { FixSettings } from '../../src/diagnose/fix-candidates.js';
import { PYTHON_SDK_CLIENT } from '../../src/engine/policy.js';

const fix: FixSettings = { workers: 5, cut: 'scrapfly-timeout', onTimeout: 'fail-fast', onThrottle: 'patient', itemDeadlineMs: 240_000, ladder: ['plain', 'render_js', 'asp'], tierTimeoutsMs: [20_000, 30_000, 30_000], readTimeoutMs: 35_000, callTimeoutMs: null, timeoutSemantics: 'abandon' };

describe("a fix in the original client's terms", () => {
  it("the Python SDK: the constructor's read timeout in seconds, ScrapeConfig's timeout in milliseconds with retry=False, and the errors as the SDK raises them (ApiHttpServerError for the 504, ScrapflyScrapeError or TooManyRequest for a 429: matched on code and status)", () => {
    const { language, lines } = clientSettingsFor({ fix, client: 'python-sdk' });
    expect(language).toBe('python');
    expect(lines[0]).toBe('client = ScrapflyClient(key=API_KEY, web_scraping_api_read_timeout=35)  # seconds; there is no timeout= argument (it is ignored)');
    expect(lines.slice(1, 4)).toEqual([
      'tier 1: ScrapeConfig(url, retry=False, timeout=20000)  # timeout in milliseconds, honoured only with retry=False',
      'tier 2: ScrapeConfig(url, render_js=True, retry=False, timeout=30000)  # timeout in milliseconds, honoured only with retry=False',
      'tier 3: ScrapeConfig(url, render_js=True, asp=True, retry=False, timeout=30000)  # timeout in milliseconds, honoured only with retry=False',
    ]);
    expect(lines).toContain('async with asyncio.timeout(240):  # seconds, around one machine\'s whole ladder');
    expect(lines.find((l) => l.includes('OPERATION_TIMEOUT'))).toMatch(/^except ScrapflyError as e if e.code == 'ERR::SCRAPE::OPERATION_TIMEOUT'/);
    expect(lines.find((l) => l.includes('429'))).toMatch(/^except ScrapflyError as e if e.http_status_code == 429 .*up to 8 calls, same tier$/);
  });

  it('the diff marks what changes and says where each deployed value comes from', () => {
    const rows = diffSettings({ deployed: { workers: 5, execution: 'blocking', client: 'python-sdk', clientSpec: PYTHON_SDK_CLIENT, tiers: ['plain', 'render_js', 'asp'], source: { workers: 'declared in the log', execution: 'inferred from the starts', client: '--client', tiers: 'assumed' }, policy: null }, fix });
    const row = (name: string) => rows.find((r) => r.setting === name)!;
    expect(row('workers')).toMatchObject({ deployed: '5 (declared in the log)', recommended: '5', changed: false });
    expect(row('execution')).toMatchObject({ deployed: 'blocking (inferred from the starts)', recommended: 'concurrent', changed: true });
    expect(row('Scrapfly retry')).toMatchObject({ deployed: 'true (the default)', recommended: 'false', changed: true });
    expect(row('client read timeout')).toMatchObject({ deployed: '2m40s (--client)', recommended: '35s', changed: true });
    expect(row('item deadline')).toMatchObject({ deployed: 'none (assumed)', recommended: '4m00s', changed: true });
  });
});
