"""What aftercall adds on top of the bare speech engine, with its default settings, in one run side by side.

Synthetic speech of the notes benchmark's conversations (benchmarks/speech.py). Two scenarios, each in alternating
rounds:

* long job: one file of a few minutes;
    bare      faster-whisper called directly on the file, with the options and model a job uses, on every core
              (and, for comparison, on one thread: on a small machine often the faster of the two);
    service   the same file as a job through a running `aftercall serve` (POST, poll until finished), with
              `diarize: false` so that both sides do the same work;
    diarized  the same job with speakers told apart (the default);
* batch: N short files (about 25 s each);
    bare      faster-whisper on the N files one after another in one warm process;
    service   the N files submitted at once as default jobs (speakers on), from the first POST to the last job
              finished.

All sides are warm (models loaded) before timing. Prints each side's time and the ratios to bare, and the split of
the service's time by stage (from its /metrics). Targets: batch service / bare <= 1.0; long service / bare <= 1.05.
`--env NAME=VALUE` (repeatable) runs the service with other settings, to compare by hand.

    .venv/bin/python benchmarks/asr_overhead.py [--minutes 3] [--batch 8] [--rounds 3] [--env AFTERCALL_WORKERS=1]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.speech import make_speech, seconds_of  # noqa: E402
from tests.e2e.conftest import KEY, Server  # noqa: E402
from tests.jobs import job_body  # noqa: E402


def bare_engine_seconds(model, path: Path) -> float:
    started = time.perf_counter()
    segments, _ = model.transcribe(str(path), language="en", beam_size=5, vad_filter=True, word_timestamps=True)
    words = sum(len(s.words or ()) for s in segments)
    elapsed = time.perf_counter() - started
    assert words > 0
    return elapsed


def service_seconds(api: httpx.Client, url: str, *, diarize: bool) -> float:
    body = job_body(url, template="bench", transformParams={"transcript": {"diarize": diarize}})
    started = time.perf_counter()
    finish(api, [api.post("/v1/batch-processor", json=body).json()["id"]])
    return time.perf_counter() - started


def batch_seconds(api: httpx.Client, urls: list[str]) -> float:
    """From the first POST to the last of the jobs finished: the files as default jobs, all submitted at once."""
    started = time.perf_counter()
    finish(api, [api.post("/v1/batch-processor", json=job_body(url, template="bench")).json()["id"] for url in urls])
    return time.perf_counter() - started


def finish(api: httpx.Client, job_ids: list[str]) -> None:
    waiting = list(job_ids)
    while waiting:
        job = api.get(f"/v1/batch-processor/{waiting[0]}").json()
        if job["status"] in ("finished", "error"):
            assert job["status"] == "finished", job
            waiting.pop(0)
        else:
            time.sleep(0.1)  # finer polling costs the 2-core server CPU that the jobs need


def stage_seconds(api: httpx.Client) -> dict[str, float]:
    """Seconds the server's jobs spent in each stage so far, from its /metrics."""
    totals: dict[str, float] = {}
    for line in api.get("/metrics").text.splitlines():
        if line.startswith("aftercall_stage_seconds_sum{"):
            stage = line.split('stage="', 1)[1].split('"', 1)[0]
            totals[stage] = float(line.rsplit(" ", 1)[1])
    return totals


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve_directory(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the long job")
    parser.add_argument("--batch", type=int, default=8, help="short jobs in the batch (0: no batch)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the service")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)

    from faster_whisper import WhisperModel

    from aftercall.asr.models import resolve
    from aftercall.cores import usable_cores

    with tempfile.TemporaryDirectory(prefix="aftercall-bench-") as tmp:
        tmpdir = Path(tmp)
        speech = make_speech(tmpdir, args.minutes)
        shorts = [make_speech(tmpdir, 25 / 60, name=f"short{i}.wav", first=1000 + 10 * i) for i in range(args.batch)]
        httpd, base = serve_directory(tmpdir)
        server = Server(tmpdir / "data", AFTERCALL_API_KEYS=KEY, **env)
        server.start()
        cores = (
            usable_cores()
        )  # as many threads as cores, as the service's job alone gets (faster-whisper's default: 4)
        model = WhisperModel(resolve("tiny.en", tmpdir), device="cpu", compute_type="int8", cpu_threads=cores)
        one_thread = WhisperModel(resolve("tiny.en", tmpdir), device="cpu", compute_type="int8", cpu_threads=1)
        sides = ("bare", "bare 1 thread", "service", "diarized", "batch bare", "batch service")
        runs: dict[str, list[float]] = {k: [] for k in sides}
        try:
            with server.client() as api:
                service_seconds(api, f"{base}/{speech.name}", diarize=True)  # warm-up: loads the model in the server
                bare_engine_seconds(model, speech)  # warm-up
                bare_engine_seconds(one_thread, speech)
                before = stage_seconds(api)
                for _ in range(args.rounds):
                    runs["bare"].append(bare_engine_seconds(model, speech))
                    runs["bare 1 thread"].append(bare_engine_seconds(one_thread, speech))
                    runs["service"].append(service_seconds(api, f"{base}/{speech.name}", diarize=False))
                    runs["diarized"].append(service_seconds(api, f"{base}/{speech.name}", diarize=True))
                    if shorts:
                        runs["batch bare"].append(sum(bare_engine_seconds(model, short) for short in shorts))
                        runs["batch service"].append(batch_seconds(api, [f"{base}/{short.name}" for short in shorts]))
                after = stage_seconds(api)
        finally:
            server.kill()
            httpd.shutdown()
        duration, short_total = seconds_of(speech), sum(seconds_of(short) for short in shorts)

    m = {k: statistics.median(v) for k, v in runs.items() if v}
    settings = " ".join(args.env) or "defaults"
    print(f"service settings: {settings}; model tiny.en int8; {args.rounds} alternating rounds; {cores} usable cores")
    print(f"long job, {duration:.1f} s of speech:")
    for key in ("bare", "bare 1 thread", "service", "diarized"):
        print(f"  {key:<15} median {m[key]:6.2f} s  RTF {m[key] / duration:.3f}   runs {_rounded(runs[key])}")
    print(
        f"  service/bare {m['service'] / m['bare']:.3f}  diarized/bare {m['diarized'] / m['bare']:.3f}"
        f"  (target for each <= 1.05); service/bare 1 thread {m['service'] / m['bare 1 thread']:.3f}"
    )
    if shorts:
        print(f"batch of {len(shorts)} files, {short_total:.1f} s of speech in all:")
        for key in ("batch bare", "batch service"):
            print(f"  {key:<15} median {m[key]:6.2f} s  RTF {m[key] / short_total:.3f}   runs {_rounded(runs[key])}")
        print(f"  service/bare {m['batch service'] / m['batch bare']:.3f}  (target <= 1.0)")
    spent = {stage: after.get(stage, 0.0) - before.get(stage, 0.0) for stage in after}
    total = sum(spent.values()) or 1.0
    split = ", ".join(
        f"{stage} {seconds / total:.0%}" for stage, seconds in sorted(spent.items(), key=lambda kv: -kv[1])
    )
    print(f"service jobs' time by stage (timed rounds): {split}")


def _rounded(values: list[float]) -> list[float]:
    return [round(x, 2) for x in values]


if __name__ == "__main__":
    main()
