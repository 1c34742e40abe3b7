"""What aftercall adds on top of the bare speech engine.

On a few minutes of synthetic speech (espeak-ng + sox, made at run time), alternately:
  * bare:    faster-whisper called directly on the file, with the options and model a job uses;
  * service: the same file as a job through a running `aftercall serve` (POST, poll until finished), with
             `diarize: false` so that both sides do the same work;
  * diarized: the same job with diarization on (the default), to show what telling the speakers apart costs.
All sides are warm (models loaded) before timing. Prints each side's real-time factor and the ratios.
Target: service / bare <= 1.10.

    .venv/bin/python benchmarks/asr_overhead.py [--minutes 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import KEY, Server  # noqa: E402
from tests.jobs import job_body  # noqa: E402

SCRIPT = [
    "Good morning, thanks for coming in today. What brings you to the clinic?",
    "I have had a cough for about two weeks, and it gets worse at night.",
    "Any fever, chills, or shortness of breath with the cough?",
    "A low fever the first few days, no trouble breathing, but I feel tired all the time.",
    "Are you taking any medication at the moment, including anything over the counter?",
    "Just ibuprofen for the fever, and my usual metformin for diabetes.",
    "Your lungs sound clear, and your oxygen level is ninety eight percent.",
    "It looks like a viral bronchitis. Rest, fluids, and honey for the cough should help.",
    "If the cough lasts another two weeks or you get short of breath, come back and see us.",
    "We will also check your blood sugar, since infections can push it up.",
]


def make_speech(directory: Path, minutes: float) -> Path:
    for tool in ("espeak-ng", "sox"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: apt-get install espeak-ng sox")
    pieces = []
    i = 0
    total = 0.0
    while total < minutes * 60:
        piece = directory / f"part{i:03d}.wav"
        voice = "en-us" if i % 2 == 0 else "en-gb"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "155", "-w", str(piece), SCRIPT[i % len(SCRIPT)]], check=True)
        total += float(subprocess.run(["soxi", "-D", str(piece)], capture_output=True, text=True, check=True).stdout)
        pieces.append(str(piece))
        i += 1
    out = directory / "speech.wav"
    subprocess.run(["sox", *pieces, "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True)
    return out


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
    job_id = api.post("/v1/batch-processor", json=body).json()["id"]
    while True:
        job = api.get(f"/v1/batch-processor/{job_id}").json()
        if job["status"] in ("finished", "error"):
            break
        time.sleep(0.1)  # finer polling costs the 2-core server CPU that the job needs
    elapsed = time.perf_counter() - started
    assert job["status"] == "finished", job
    return elapsed


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
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from faster_whisper import WhisperModel

    from aftercall.asr.models import resolve

    with tempfile.TemporaryDirectory(prefix="aftercall-bench-") as tmp:
        tmpdir = Path(tmp)
        speech = make_speech(tmpdir, args.minutes)
        duration = float(subprocess.run(["soxi", "-D", str(speech)], capture_output=True, text=True).stdout)
        httpd, base = serve_directory(tmpdir)
        url = f"{base}/{speech.name}"
        server = Server(tmpdir / "data", AFTERCALL_API_KEYS=KEY)
        server.start()
        model = WhisperModel(resolve("tiny.en", tmpdir), device="cpu", compute_type="int8")
        try:
            with server.client() as api:
                service_seconds(api, url, diarize=True)  # warm-up: loads the model in the server
                bare_engine_seconds(model, speech)  # warm-up
                bare, service, diarized = [], [], []
                for _ in range(args.rounds):
                    bare.append(bare_engine_seconds(model, speech))
                    service.append(service_seconds(api, url, diarize=False))
                    diarized.append(service_seconds(api, url, diarize=True))
        finally:
            server.kill()
            httpd.shutdown()

    b, s, d = statistics.median(bare), statistics.median(service), statistics.median(diarized)
    print(f"speech: {duration:.1f} s, model tiny.en int8, {args.rounds} alternating rounds, cpus={os.cpu_count()}")
    print(f"bare faster-whisper : median {b:6.2f} s  RTF {b / duration:.3f}   runs {[round(x, 2) for x in bare]}")
    print(f"aftercall job (API) : median {s:6.2f} s  RTF {s / duration:.3f}   runs {[round(x, 2) for x in service]}")
    print(f"aftercall, diarized : median {d:6.2f} s  RTF {d / duration:.3f}   runs {[round(x, 2) for x in diarized]}")
    print(f"overhead ratio service/bare: {s / b:.3f}  (target <= 1.10)")
    print(f"diarization adds {(d - s) / duration:.3f}x real time  (target <= 0.15)")


if __name__ == "__main__":
    main()
