"""
The seed service's batch loop on the official Python Scrapfly SDK, pointed at `batchscope serve-mock`:
five async workers that call the synchronous `client.scrape()` directly (blocking the event loop),
tiers plain -> render_js -> asp, escalating on any exception, logging each start as the seed's log
does. Prints one JSON line per machine start with the mock's simulated time, then a summary.

  python3 bench-python/seed_loop.py --url http://127.0.0.1:PORT --scale 200 [--scaled-timers] [--limit N]

--scaled-timers divides the SDK's own wall-clock timers by the scale (read and connect timeouts,
the backoff sleeps), so the client keeps up with the scaled mock. Needs the SDK's source on
PYTHONPATH (github scrapfly/python-scrapfly) and its dependencies (Debian: python3-requests
python3-backoff python3-loguru python3-dateutil python3-decorator).
"""
import argparse
import asyncio
import json
import sys
import time

import requests

parser = argparse.ArgumentParser()
parser.add_argument('--url', required=True)
parser.add_argument('--scale', type=float, required=True)
parser.add_argument('--scenario', default='scenarios/incident-2025-08-06.json')
parser.add_argument('--scaled-timers', action='store_true')
parser.add_argument('--limit', type=int, default=None)
parser.add_argument('--workers', type=int, default=5)
args = parser.parse_args()

if args.scaled_timers:
    # backoff's synchronous decorator sleeps with time.sleep: scale it with the mock.
    _sleep = time.sleep
    time.sleep = lambda s: _sleep(s / args.scale)

from scrapfly import ScrapflyClient, ScrapeConfig  # noqa: E402

with open(args.scenario) as f:
    scenario = json.load(f)
machines = scenario['items']['list'][: args.limit]

kwargs = {}
if args.scaled_timers:
    kwargs = {'web_scraping_api_read_timeout': 160 / args.scale, 'connect_timeout': 30 / args.scale}
client = ScrapflyClient(key='scp-sdk-run', host=args.url, **kwargs)
clock_url = f'{args.url}/__admin/clock'


def virtual_now() -> int:
    return requests.get(clock_url, timeout=5).json()['nowMs']


TIERS = [
    dict(),
    dict(render_js=True),
    dict(render_js=True, asp=True, proxy_pool='public_residential_pool'),
]


def fetch(url: str) -> str:
    for tier, extra in enumerate(TIERS, start=1):
        try:
            client.scrape(ScrapeConfig(url=url, **extra))
            return f'priced on tier {tier}'
        except Exception as e:  # the seed's handler: escalate on any exception
            last = f'{type(e).__name__}'
    return f'failed ({last})'


async def main() -> None:
    queue: asyncio.Queue = asyncio.Queue()
    for m in machines:
        queue.put_nowait(m)
    starts = []

    async def worker(n: int) -> None:
        while not queue.empty():
            m = queue.get_nowait()
            at = virtual_now()
            starts.append(at)
            print(json.dumps({'event': 'start', 'machine': m['name'], 'worker': n, 'virtualMs': at}), flush=True)
            outcome = fetch(m['url'])  # synchronous: blocks the event loop, as the seed's code does
            print(json.dumps({'event': 'end', 'machine': m['name'], 'outcome': outcome, 'virtualMs': virtual_now()}), flush=True)
            await asyncio.sleep(0)

    t0 = virtual_now()
    await asyncio.gather(*(worker(n + 1) for n in range(args.workers)))
    starts.sort()
    gap = (starts[1] - starts[0]) / 1000 if len(starts) > 1 else None
    print(json.dumps({'event': 'summary', 'machines': len(machines), 'firstGapS': gap, 'makespanS': (virtual_now() - t0) / 1000, 'scale': args.scale, 'scaledTimers': args.scaled_timers}), flush=True)


asyncio.run(main())
