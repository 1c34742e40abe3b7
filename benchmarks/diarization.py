"""Diarization quality and cost: DER and real-time factor per generated call, and peak memory on a long call.

    .venv/bin/python benchmarks/diarization.py [--hours 2]

For each call of tests/data with reference turns, prints the diarization error rate (tests/der.py: 0.25 s collar,
best speaker mapping) and diarization time / media time. Then, in a fresh process, diarizes a call of ``--hours``
made by repeating the three-voice call end to end and prints that process's peak RSS (decoded audio included) and
real-time factor. Targets (issue 4): DER ≤ 5 % on 2-speaker calls, ≤ 0.15× real time, < 2 GB for 2 hours.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.der import DATA, Reference, diarization_error_rate

from aftercall.diarization import SpeakerCount
from aftercall.diarization.local import LocalDiarizer
from aftercall.media import decode

CALLS = ["dialogue", "male_pair", "trio", "phone"]


def per_call(diarizer: LocalDiarizer) -> None:
    diarizer.diarize(decode(DATA / "speech.ogg", max_seconds=60).samples, SpeakerCount())  # load the encoder
    print(f"{'call':<10} {'minutes':>7} {'voices':>6} {'found':>5} {'DER':>6} {'RTF':>6}")
    for name in CALLS:
        audio = decode(DATA / f"{name}.ogg", max_seconds=3600).samples
        reference = Reference.of(name)
        started = time.perf_counter()
        turns = diarizer.diarize(audio, SpeakerCount())
        elapsed = time.perf_counter() - started
        seconds = len(audio) / 16_000
        found = len({t.speaker for t in turns})
        der = diarization_error_rate(reference, turns)
        voices = len(reference.speakers)
        print(f"{name:<10} {seconds / 60:7.1f} {voices:6} {found:5} {der:6.1%} {elapsed / seconds:6.3f}")


def long_call(hours: float) -> None:
    """Runs in its own process so that its peak RSS is the long call's alone."""
    one = decode(DATA / "trio.ogg", max_seconds=3600).samples
    audio = np.tile(one, int(np.ceil(hours * 3600 * 16_000 / len(one))))
    del one
    started = time.perf_counter()
    turns = LocalDiarizer().diarize(audio, SpeakerCount())
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    seconds = len(audio) / 16_000
    print(
        f"long call: {seconds / 3600:.2f} h, {len({t.speaker for t in turns})} speakers found (3 voices), "
        f"RTF {elapsed / seconds:.3f}, peak RSS {peak_mb:.0f} MB (audio alone {audio.nbytes / 2**20:.0f} MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=2.0, help="length of the long call (0: skip it)")
    parser.add_argument("--long-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.long_only:
        long_call(args.hours)
        return
    per_call(LocalDiarizer())
    if args.hours > 0:
        subprocess.run([sys.executable, __file__, "--long-only", "--hours", str(args.hours)], check=True)


if __name__ == "__main__":
    main()
