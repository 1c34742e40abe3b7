"""How Whisper's two halves scale with CTranslate2 threads on this machine, side by side in one run: the encoder
(one 30-second window's spectrogram to its states) and the beam search (the window's words from those states), each
timed on a model loaded for 1 thread and for every usable core, in alternating rounds.

aftercall's speech engine encodes a call's window on all the threads its job may use and searches its words on one
(docs/deployment.md, "Cores"): this is the measure behind that choice, to rerun on another machine or model.
The speech is the start of the notes benchmark's first conversation, synthesised (benchmarks/speech.py).

    .venv/bin/python benchmarks/whisper_threads.py [--model tiny.en] [--threads 1,2] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.speech import make_speech  # noqa: E402

_WINDOW = 30 * 16_000  # samples in one window of Whisper's


def main() -> None:
    from aftercall.cores import usable_cores

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="tiny.en", help="a model aftercall can load (tiny.en, base, small...)")
    parser.add_argument("--threads", default=f"1,{usable_cores()}", help="thread counts to compare")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    counts = sorted({int(n) for n in args.threads.split(",")})

    import ctranslate2
    import numpy as np
    from faster_whisper import WhisperModel
    from faster_whisper.tokenizer import Tokenizer

    from aftercall.asr.models import resolve
    from aftercall.media import decode, to_float

    with tempfile.TemporaryDirectory(prefix="aftercall-bench-") as tmp:
        samples = to_float(decode(make_speech(Path(tmp), 0.55), max_seconds=3600).samples[:_WINDOW])
        path = resolve(args.model, Path(tmp))
        models = {n: WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=n) for n in counts}

    first = models[counts[0]]
    spectrogram = first.feature_extractor(samples)[:, :3000]
    features = ctranslate2.StorageView.from_array(np.ascontiguousarray(spectrogram[None], dtype=np.float32))
    tokenizer = Tokenizer(first.hf_tokenizer, first.model.is_multilingual, task="transcribe", language="en")
    prompt = list(tokenizer.sot_sequence)
    times: dict[tuple[str, int], list[float]] = {}
    tokens = set()

    def timed(half: str, n: int, run) -> object:
        started = time.perf_counter()
        result = run()
        times.setdefault((half, n), []).append(time.perf_counter() - started)
        return result

    for n in counts:  # warm-up
        models[n].model.generate(models[n].model.encode(features), [prompt], beam_size=5)
    for _ in range(args.rounds):
        for n in counts:
            network = models[n].model
            states = timed("encode", n, lambda network=network: network.encode(features))
            found = timed(
                "search", n, lambda network=network, states=states: network.generate(states, [prompt], beam_size=5)
            )
            tokens.add(tuple(found[0].sequences_ids[0]))

    print(f"{args.model} int8, one 30-second window, beam 5, {args.rounds} alternating rounds; medians:")
    for half in ("encode", "search"):
        base = statistics.median(times[(half, counts[0])])
        cells = "  ".join(
            f"{n} thread{'s' * (n > 1)} {statistics.median(times[(half, n)]):.3f} s "
            f"({statistics.median(times[(half, n)]) / base:.2f}x)"
            for n in counts
        )
        print(f"  {half:<7} {cells}")
    print(f"  the same words on every thread count: {len(tokens) == 1}")


if __name__ == "__main__":
    main()
