"""Webhook throughput with 1, 2 and 3 dispatcher processes sharing one outbox on PostgreSQL.

Each round queues the same events for the same webhooks in a fresh schema, starts N dispatcher processes (each with
its default 8 delivery threads) and times how long a receiver that answers after ``--latency`` ms (as a remote one
would) takes to get every event. It checks that each (webhook, event) arrived exactly once. Rounds alternate the
dispatcher counts; the median of each is printed, and its ratio to one dispatcher.

    .venv/bin/python benchmarks/dispatchers.py [--webhooks 24] [--events 20] [--latency 100] [--rounds 3]

With 24 webhooks and 8 threads per dispatcher the ideal speed-ups are 1.5x (2 dispatchers: 16 webhooks at once,
then 8) and 3x (3: all 24 at once). A fast receiver (--latency 25) makes this 2-core machine's CPU the limit instead.

Needs PostgreSQL (AFTERCALL_TEST_POSTGRES_URL, as the tests do).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.services import postgres_schema  # noqa: E402

from aftercall.domain.events import Event  # noqa: E402
from aftercall.domain.webhooks import ACTIVE, RetryType, Webhook  # noqa: E402
from aftercall.jobstore import schema  # noqa: E402
from aftercall.jobstore.sql import create_sql_engine  # noqa: E402
from aftercall.jobstore.webhooks import WebhookStore, emit  # noqa: E402
from aftercall.net import guarded_client  # noqa: E402
from aftercall.webhooks.dispatcher import Dispatcher  # noqa: E402


class Receiver:
    """Answers 200 after a delay; counts what each path got."""

    def __init__(self, latency: float) -> None:
        self.got: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        self.last = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(latency)
                with receiver.lock:
                    receiver.got[(self.path, self.headers.get("webhook-id", ""))] += 1
                    receiver.last = time.time()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def total(self) -> int:
        with self.lock:
            return sum(self.got.values())


def dispatch(url: str, go: ProcessEvent, done: ProcessEvent) -> None:
    """One dispatcher process: rounds until told to stop, resting briefly when nothing was free."""
    engine = create_sql_engine(url)
    client = guarded_client(allow_private=True, follow_redirects=False, timeout=10)
    dispatcher = Dispatcher(WebhookStore(engine), client)
    go.wait()
    while not done.is_set():
        if dispatcher.deliver_due() == 0:
            time.sleep(0.02)
    dispatcher.stop()
    engine.dispose()


def one_round(dispatchers: int, webhooks: int, events: int, latency: float) -> float:
    receiver = Receiver(latency)
    with postgres_schema() as url:
        engine = create_sql_engine(url)
        schema.upgrade(engine, domain="local")
        store = WebhookStore(engine)
        now = time.time()
        for i in range(webhooks):
            store.create(
                Webhook(f"hook-{i}", f"{receiver.base}/{i}", "a2V5", None, RetryType.CIRCUIT_BREAKER,
                        ("batch-processor.error",), ACTIVE, 0, None, now, now)
            )  # fmt: skip
        payload = {"id": "x", "preset": "transcript", "status": "error", "input": {}, "output": {}, "error": "e"}
        with engine.begin() as conn:
            for i in range(events):
                emit(conn, Event(f"bp-je-{i}", "batch-processor.error", payload), now)
        engine.dispose()
        context = mp.get_context("spawn")
        go, done = context.Event(), context.Event()
        processes = [context.Process(target=dispatch, args=(url, go, done)) for _ in range(dispatchers)]
        for process in processes:
            process.start()
        time.sleep(3.0)  # let every process import and connect before the clock starts
        started = time.time()
        go.set()
        deadline = time.monotonic() + 600
        while receiver.total() < webhooks * events and time.monotonic() < deadline:
            time.sleep(0.01)
        elapsed = receiver.last - started
        done.set()
        for process in processes:
            process.join(30)
    receiver.server.shutdown()
    most = max(receiver.got.values())
    if receiver.total() != webhooks * events or most != 1:
        raise SystemExit(f"{dispatchers} dispatchers: {receiver.total()} deliveries, at most {most} of one event")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--webhooks", type=int, default=24)
    parser.add_argument("--events", type=int, default=20, help="events, each queued for every webhook")
    parser.add_argument("--latency", type=float, default=100.0, help="the receiver's answer time, in ms")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    counts = (1, 2, 3)
    times: dict[int, list[float]] = {n: [] for n in counts}
    for r in range(args.rounds):
        for n in counts if r % 2 == 0 else reversed(counts):
            times[n].append(one_round(n, args.webhooks, args.events, args.latency / 1000))
    total = args.webhooks * args.events
    print(f"{total} deliveries ({args.webhooks} webhooks x {args.events} events), receiver {args.latency:.0f} ms, "
          f"median of {args.rounds} rounds; every delivery arrived exactly once")  # fmt: skip
    base = statistics.median(times[1])
    for n in counts:
        median = statistics.median(times[n])
        rate = total / median
        print(f"  {n} dispatcher(s): {median:6.2f} s  {rate:7.0f} deliveries/s  speed-up {base / median:4.2f}x")


if __name__ == "__main__":
    main()
