"""The words and time of long calls read by aftercall's blocks at once, against the same blocks on one core and the
bare engine's one pass over each call, side by side in one run.

Long calls are synthesised from the labelled conversations of the notes benchmark (benchmarks/speech.py: each 5 to
7 minutes of clinical dialogue that never repeats itself). Each call is transcribed
    bare       faster-whisper called once on the whole call, with the options and model a job uses, on every core;
    one core   the engine a job uses (`aftercall.asr.whisper.WhisperEngine`) given one core: its blocks of at most
               about 5 minutes one after another, one thread each;
    aftercall  the same engine alone on every core: its blocks at once, one thread each (docs/deployment.md,
               "Cores").
Word error rate is against the conversation's text (lower case, punctuation dropped, numbers not normalised). The
blocks at once run what the blocks on one core run, so they must give the same words (but where Whisper's fallback
samples at random), in less time. (The service against the bare engine on every core, the blocks one after another
as before: `benchmarks/asr_overhead.py --minutes 8`.)

    .venv/bin/python benchmarks/long_audio_words.py [--calls 6]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.speech import conversations, read_aloud  # noqa: E402

from aftercall.asr import AsrRequest  # noqa: E402
from aftercall.asr.models import resolve  # noqa: E402
from aftercall.asr.whisper import WhisperEngine  # noqa: E402
from aftercall.cores import usable_cores  # noqa: E402
from aftercall.media import decode, to_float  # noqa: E402


def words_of(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9' ]", " ", text.lower()).split()


def errors(reference: list[str], hypothesis: list[str]) -> int:
    """Word-level edit distance."""
    row = list(range(len(hypothesis) + 1))
    for i, said in enumerate(reference, 1):
        diagonal, row[0] = row[0], i
        for j, heard in enumerate(hypothesis, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (said != heard))
    return row[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=6, help="conversations to synthesise (spread over the set)")
    args = parser.parse_args()
    from faster_whisper import WhisperModel

    cores = usable_cores()
    every = conversations()
    chosen = every[:: max(1, len(every) // args.calls)][: args.calls]
    sides = ("bare", "one core", "aftercall")
    totals = {side: [0, 0.0] for side in sides}
    said_in_all = seconds_in_all = same = 0
    with tempfile.TemporaryDirectory(prefix="aftercall-bench-") as tmp:
        directory = Path(tmp)
        bare = WhisperModel(resolve("tiny.en", directory), device="cpu", compute_type="int8", cpu_threads=cores)
        engines = {"one core": engine(directory, 1), "aftercall": engine(directory, cores)}
        for conversation in chosen:
            call = read_aloud(conversation["turns"], directory, f"{conversation['id']}.wav")
            samples = decode(call, max_seconds=24 * 3600).samples
            reference = words_of(" ".join(turn["text"] for turn in conversation["turns"]))
            heard, took = {}, {}
            started = time.perf_counter()
            segments, _ = bare.transcribe(
                to_float(samples), language="en", beam_size=5, vad_filter=True, word_timestamps=True
            )
            heard["bare"] = words_of(" ".join(w.word for s in segments for w in s.words or ()))
            took["bare"] = time.perf_counter() - started
            for side, speech in engines.items():
                started = time.perf_counter()
                recognition = speech.transcribe(samples, AsrRequest(language="en"), lambda seconds: None)
                heard[side] = words_of(" ".join(w.text for w in recognition.words))
                took[side] = time.perf_counter() - started
            seconds = len(samples) / 16_000
            line = f"{conversation['id'][:30]:<30} {seconds:4.0f} s"
            for side in sides:
                wrong = errors(reference, heard[side])
                totals[side][0] += wrong
                totals[side][1] += took[side]
                line += f"  {side} WER {wrong / len(reference):.3f} {took[side]:5.1f} s"
            print(line, flush=True)
            said_in_all += len(reference)
            seconds_in_all += seconds
            same += heard["aftercall"] == heard["one core"]
    print(f"{len(chosen)} calls, {seconds_in_all:.0f} s of speech, {said_in_all} words; {cores} usable cores")
    for side, (wrong, seconds) in totals.items():
        print(f"  {side:<14} WER {wrong / said_in_all:.4f}   time {seconds:6.1f} s")
    print(
        f"  aftercall/bare time {totals['aftercall'][1] / totals['bare'][1]:.3f}, aftercall/one core"
        f" {totals['aftercall'][1] / totals['one core'][1]:.3f}; the same words as on one core in"
        f" {same} of {len(chosen)} calls"
    )


def engine(directory: Path, cores: int) -> WhisperEngine:
    """The engine a job uses (aftercall.bootstrap.speech_to_text), alone on ``cores``."""
    return WhisperEngine(
        english_model="tiny.en",
        multilingual_model="",
        cache_dir=directory,
        threads=lambda: cores,
        beam_size=5,
        parallel=cores,
    )


if __name__ == "__main__":
    main()
