"""Cold start: from `aftercall serve` started on an empty data dir to its first finished 25-second job.

Each round starts a fresh process (the models come from installed packages, so nothing is downloaded; the disk cache
is whatever the machine has) and times:
    listening   from the process's start until the API answers /livez;
    first job   from the process's start until a 25 s two-voice job (default options, speakers on) is finished;
    warm job    the same job again in the same process (the models stay loaded, so this is the job's own cost).

    .venv/bin/python benchmarks/cold_start.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.asr_overhead import finish, serve_directory  # noqa: E402
from benchmarks.speech import make_speech  # noqa: E402
from tests.e2e.conftest import KEY, api_client, free_port  # noqa: E402
from tests.jobs import job_body  # noqa: E402


def one_round(tmp: Path, url: str) -> tuple[float, float, float]:
    port = free_port()
    env = {"AFTERCALL_API_KEYS": KEY, "AFTERCALL_ALLOW_PRIVATE_URLS": "true"}
    command = [sys.executable, "-m", "aftercall", "serve", "--port", str(port), "--data-dir", str(tmp / f"data-{port}")]
    log = (tmp / f"serve-{port}.log").open("wb")
    started = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        while True:
            assert process.poll() is None, (tmp / f"serve-{port}.log").read_text()[-2000:]
            try:
                if httpx.get(f"{base}/livez", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.02)
        listening = time.perf_counter() - started
        with api_client(base) as api:
            finish(api, [api.post("/v1/batch-processor", json=job_body(url, template="cold")).json()["id"]])
            first = time.perf_counter() - started
            again = time.perf_counter()
            finish(api, [api.post("/v1/batch-processor", json=job_body(url, template="warm")).json()["id"]])
            warm = time.perf_counter() - again
    finally:
        process.kill()
        process.wait()
        log.close()
    return listening, first, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        media = tmp / "media"
        media.mkdir()
        make_speech(media, 25 / 60)
        server, base = serve_directory(media)
        try:
            rounds = [one_round(tmp, f"{base}/speech.wav") for _ in range(args.rounds)]
        finally:
            server.shutdown()
    for i, (listening, first, warm) in enumerate(rounds, start=1):
        print(f"round {i}: listening {listening:5.2f} s, first job finished {first:5.2f} s, warm job {warm:5.2f} s")
    listening, first, warm = (statistics.median(column) for column in zip(*rounds, strict=True))
    print(f"median:  listening {listening:5.2f} s, first job finished {first:5.2f} s, warm job {warm:5.2f} s")
    print(f"cold start (first finished job) / warm job: {first / warm:.2f}")


if __name__ == "__main__":
    main()
