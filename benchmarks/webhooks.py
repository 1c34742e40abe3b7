"""Webhook delivery speed in embedded mode.

1. Throughput: N events queued for one webhook (and for four), then one dispatcher delivers them to a local
   receiver; prints deliveries per second.
2. Latency: jobs that fail fast (a 404 media URL) submitted at a steady rate to a real `aftercall serve`; for each,
   the time from the job's end (its `updatedAt`) to the receiver's first byte of the event; prints p50 and p99.
Targets: >= 200 deliveries/s; p99 < 250 ms.

    .venv/bin/python benchmarks/webhooks.py [--events 2000] [--jobs 100] [--rate 20]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import Server  # noqa: E402
from tests.jobs import job_body  # noqa: E402
from tests.media_server import media_server  # noqa: E402

from aftercall.domain.events import Event  # noqa: E402
from aftercall.domain.webhooks import ACTIVE, RetryType, Webhook  # noqa: E402
from aftercall.jobstore import schema  # noqa: E402
from aftercall.jobstore.sql import create_sql_engine  # noqa: E402
from aftercall.jobstore.webhooks import WebhookStore, emit  # noqa: E402
from aftercall.net import guarded_client  # noqa: E402
from aftercall.webhooks.dispatcher import Dispatcher  # noqa: E402


class Receiver:
    """Counts events and notes when each one's first byte arrived."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.count = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                first_byte = time.time()
                body = self.rfile.read(int(self.headers["Content-Length"]))
                event_id = self.headers.get("webhook-id", "")
                with receiver.lock:
                    receiver.count += 1
                    receiver.arrivals.setdefault(event_id, first_byte)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                del body

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def throughput(events: int, hooks: int) -> float:
    receiver = Receiver()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_sql_engine(f"sqlite:///{tmp}/bench.db")
        schema.upgrade(engine, domain="local")
        store = WebhookStore(engine)
        now = time.time()
        for i in range(hooks):
            hook = Webhook(f"hook-{i}", receiver.url, "a2V5", None, RetryType.CIRCUIT_BREAKER,
                           ("batch-processor.error",), ACTIVE, 0, None, now, now)  # fmt: skip
            store.create(hook)
        payload = {"id": "x", "preset": "transcript", "status": "error", "input": {}, "output": {}, "error": "e"}
        with engine.begin() as conn:
            for i in range(events // hooks):
                emit(conn, Event(f"bp-je-{i}", "batch-processor.error", payload), now)
        client = guarded_client(allow_private=True, follow_redirects=False, timeout=10)
        dispatcher = Dispatcher(store, client, rng=random.Random(1))
        started = time.perf_counter()
        while receiver.count < events:
            dispatcher.deliver_due()
        elapsed = time.perf_counter() - started
        dispatcher.stop()
    receiver.server.shutdown()
    return events / elapsed


def latency(jobs: int, rate: float) -> list[float]:
    receiver = Receiver()
    with tempfile.TemporaryDirectory() as tmp, media_server() as media:
        server = Server(Path(tmp) / "data")
        server.start()
        try:
            with server.client() as api:
                created = api.post("/v1/webhooks", json={"url": receiver.url, "eventTypes": ["batch-processor.error"]})
                assert created.status_code == 200, created.text
                body = job_body(f"{media}/status/404", template="bench")
                ids = []
                for _ in range(jobs):
                    ids.append(api.post("/v1/batch-processor", json=body).json()["id"])
                    time.sleep(1 / rate)
                deadline = time.monotonic() + 60
                while len(receiver.arrivals) < jobs + 1 and time.monotonic() < deadline:  # +1: the probe
                    time.sleep(0.05)
                samples = []
                for job_id in ids:
                    ended = datetime.fromisoformat(
                        api.get(f"/v1/batch-processor/{job_id}").json()["updatedAt"]
                    ).timestamp()
                    samples.append((receiver.arrivals[f"bp-je-{job_id}"] - ended) * 1000)
        finally:
            server.kill()
    receiver.server.shutdown()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20.0, help="jobs submitted per second")
    args = parser.parse_args()
    one = throughput(args.events, 1)
    four = throughput(args.events, 4)
    print(f"throughput, {args.events} events, 1 webhook : {one:7.0f} deliveries/s (target >= 200)")
    print(f"throughput, {args.events} events, 4 webhooks: {four:7.0f} deliveries/s")
    samples = sorted(latency(args.jobs, args.rate))
    p50 = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"job end -> receiver first byte, {args.jobs} jobs at {args.rate:g}/s: p50 {p50:.1f} ms, p99 {p99:.1f} ms "
          f"(max {samples[-1]:.1f} ms; target p99 < 250 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
