"""What the notes presets cost, per preset and engine: wall time, the model's output tokens per second of model time
(reading the prompt included), the prompt tokens the model did not have to read again (the transcript chunk that
the requests about it share), and the share of the time spent outside the model (chunking, evidence checks, the
drug dictionary, schema validation).

The input is tests/data/visit.txt (a generated doctor-patient visit) repeated --repeats times, read as a
transcript, through the same code a job runs (pipeline/notes.py). Engines, side by side in one run:
  * local:  the configured GGUF in-process (AFTERCALL_LLM_MODEL_PATH; default the shipped SmolLM2-135M);
  * openai: llama.cpp's server with the same model, started here (tests/tools/build-llama-server builds it), or
            the server of AFTERCALL_LLM_BASE_URL / AFTERCALL_LLM_MODEL with --external.

    .venv/bin/python benchmarks/notes.py [--repeats 3] [--engines local,openai] [--external]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import free_port  # noqa: E402
from tests.llm_server import llama_server, llama_server_binary  # noqa: E402

from aftercall.bootstrap import language_model  # noqa: E402
from aftercall.domain.jobs import Preset, Stage  # noqa: E402
from aftercall.errors import NotesError  # noqa: E402
from aftercall.llm import LanguageModel  # noqa: E402
from aftercall.notes.segments import Segments, parse_transcript  # noqa: E402
from aftercall.pipeline.notes import Notes  # noqa: E402
from aftercall.settings import Settings  # noqa: E402


class Quiet:
    stage = Stage.QUEUED

    def enter(self, stage: Stage, *, duration: float | None = None) -> None:
        self.stage = stage

    def fraction(self, done: float) -> None:
        pass


def transcript(repeats: int) -> Segments:
    turns = (ROOT / "tests" / "data" / "visit.txt").read_text().strip()
    return parse_transcript("\n\n".join([turns] * repeats).encode())


def warm(model: LanguageModel) -> None:
    """Load the model before timing, and leave it having read something else than the transcript (a job after
    another job's transcript shares no more than that with it); the answer is no matter."""
    with contextlib.suppress(NotesError):
        model.complete_json(
            [{"role": "user", "content": "Say ok."}],
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "string", "maxLength": 5}}},
            max_tokens=64,
        )


def measure(model: LanguageModel, segments: Segments, preset: Preset) -> dict[str, float]:
    usage = model.usage
    before = (usage.calls, usage.prompt_tokens, usage.completion_tokens, usage.seconds, usage.cached_tokens)
    started = time.perf_counter()
    Notes(model).files(segments, preset, Quiet())
    wall = time.perf_counter() - started
    calls, prompt, completion, seconds, reused = (
        usage.calls - before[0],
        usage.prompt_tokens - before[1],
        usage.completion_tokens - before[2],
        usage.seconds - before[3],
        usage.cached_tokens - before[4],
    )
    return {
        "wall": wall,
        "calls": calls,
        "prompt": prompt,
        "completion": completion,
        "reused": reused,
        "tok_s": completion / seconds if seconds else 0.0,
        "outside": (wall - seconds) / wall,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="copies of the visit in the transcript")
    parser.add_argument("--engines", default="local,openai")
    parser.add_argument("--external", action="store_true", help="openai: use the configured server, start none")
    args = parser.parse_args()
    segments = transcript(args.repeats)
    words = sum(len(s.text.split()) for s in segments.items)
    print(f"transcript: {len(segments.items)} segments, {words} words (about {words / 150:.0f} min of talk)")
    with ExitStack() as stack:
        models: dict[str, LanguageModel] = {}
        for engine in args.engines.split(","):
            settings = Settings(llm_engine=engine)  # type: ignore[arg-type]
            if engine == "openai" and not args.external:
                binary = llama_server_binary()
                if binary is None:
                    raise SystemExit("llama-server is missing: run tests/tools/build-llama-server")
                log = Path(tempfile.mkdtemp()) / "llama-server.log"
                url = stack.enter_context(llama_server(binary, free_port(), log))
                settings = Settings(llm_engine="openai", llm_base_url=url)
            models[engine] = language_model(settings)
        print(f"{'engine':<8} {'preset':<11} {'wall s':>8} {'calls':>6} {'prompt':>7} {'output':>7} "
              f"{'reused':>7} {'out tok/s':>9} {'outside model':>14}")  # fmt: skip
        for preset in (Preset.SUMMARIZE, Preset.SOAP_NOTES):
            for engine, model in models.items():
                warm(model)
                r = measure(model, segments, preset)
                print(
                    f"{engine:<8} {preset.value:<11} {r['wall']:>8.1f} {r['calls']:>6.0f} {r['prompt']:>7.0f} "
                    f"{r['completion']:>7.0f} {r['reused']:>7.0f} {r['tok_s']:>9.1f} {r['outside']:>13.1%}"
                )


if __name__ == "__main__":
    main()
