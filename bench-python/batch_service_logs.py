"""
A small batch service as Python services are written: a ThreadPoolExecutor of N workers pricing
machines, one of which is stuck, logging each start ("Processing machine X - Worker available")
and each result ("Finished X in 1.2s", "Error scraping X: ...") through a real logger. The log is
written to stdout in one of the formats real services print:

  stdlib       logging.basicConfig's classic format: 2025-08-06 03:00:23,481 - app.batch - INFO - ...
  stdlib-iso   logging with an ISO 8601 datefmt and the thread name: 2026-12-03T12:00:01+0000 INFO [w_0] ...
  structlog    structlog's JSON renderer with an ISO timestamper: {"event": ..., "level": "info", "timestamp": ...}

  python3 bench-python/batch_service_logs.py FORMAT [--workers 5] [--machines 40] [--stuck 3]

Durations are real and short (tens of milliseconds, the stuck machine 1.5 s), so a replay should
use --stall-threshold 1s.
"""
import argparse
import logging
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

parser = argparse.ArgumentParser()
parser.add_argument('format', choices=['stdlib', 'stdlib-iso', 'structlog'])
parser.add_argument('--workers', type=int, default=5)
parser.add_argument('--machines', type=int, default=40)
parser.add_argument('--stuck', type=int, default=3, help='index of the machine that hangs for 1.5 s')
parser.add_argument('--seed', type=int, default=1)
args = parser.parse_args()
random.seed(args.seed)

if args.format == 'structlog':
    import structlog
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt='iso'), structlog.processors.JSONRenderer()],
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    log = structlog.get_logger()
    info = lambda msg: log.info(msg)  # noqa: E731
    error = lambda msg: log.error(msg)  # noqa: E731
else:
    if args.format == 'stdlib':
        logging.basicConfig(stream=sys.stdout, level=logging.INFO, format='%(asctime)s - %(name)s - %(levelname)s - %(message)s')
    else:
        logging.basicConfig(stream=sys.stdout, level=logging.INFO, format='%(asctime)s %(levelname)s [%(threadName)s] %(message)s', datefmt='%Y-%m-%dT%H:%M:%S%z')
    logger = logging.getLogger('app.batch')
    info = logger.info
    error = logger.error

machines = [f'Laser Cutter {k + 1:03d}' for k in range(args.machines)]
lock = threading.Lock()


def price(k: int) -> None:
    name = machines[k]
    info(f'Processing machine {name} - Worker available')
    t0 = time.monotonic()
    duration = 1.5 if k == args.stuck else random.uniform(0.03, 0.09)
    time.sleep(duration)
    took = time.monotonic() - t0
    if k % 13 == 7:
        error(f'Error scraping {name}: ReadTimeout after {took:.1f}s')
    else:
        info(f'Finished {name} in {took:.2f}s')


info(f'Starting concurrent processing of {len(machines)} machines with {args.workers} workers')
with ThreadPoolExecutor(max_workers=args.workers, thread_name_prefix='w') as pool:
    list(pool.map(price, range(len(machines))))
info(f'Batch complete: {len(machines)} machines processed')
