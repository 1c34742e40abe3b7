"""Synthetic calls for the speech benchmarks, made at run time: the notes benchmark's labelled conversations
(`benchmarks/grounding/dev`, clinical dialogue that never repeats itself) read aloud by espeak-ng, one voice per
speaker, and joined by sox. Speech that repeats itself would not do: a repeated line sends Whisper into its
fallback, which samples at random and takes a varying time."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from pathlib import Path

CONVERSATIONS = Path(__file__).resolve().parent / "grounding" / "dev"
VOICES = ("en-us", "en-gb", "en-us+f3", "en-gb+m3")


def needs_tools() -> None:
    for tool in ("espeak-ng", "sox", "soxi"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed: apt-get install espeak-ng sox")


def conversations() -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(CONVERSATIONS.glob("*.json"))]


def read_aloud(turns: list[dict], directory: Path, name: str) -> Path:
    """``turns`` (``speaker``, ``text``) as one 16 kHz mono WAV file ``directory / name``."""
    needs_tools()
    return _joined(
        [_said(turn, directory / f"{Path(name).stem}-{i:04d}.wav") for i, turn in enumerate(turns)], directory / name
    )


def make_speech(directory: Path, minutes: float, *, name: str = "speech.wav", first: int = 0) -> Path:
    """About ``minutes`` of speech: the turns of all the conversations one after another, from turn ``first`` on."""
    needs_tools()
    every_turn = [turn for conversation in conversations() for turn in conversation["turns"]]
    pieces: list[Path] = []
    total = 0.0
    for i, turn in enumerate(itertools.islice(itertools.cycle(every_turn), first, None)):
        if total >= minutes * 60:
            break
        pieces.append(_said(turn, directory / f"{Path(name).stem}-{i:04d}.wav"))
        total += seconds_of(pieces[-1])
    return _joined(pieces, directory / name)


def _said(turn: dict, path: Path) -> Path:
    voice = VOICES[turn["speaker"] % len(VOICES)]
    subprocess.run(["espeak-ng", "-v", voice, "-s", "155", "-w", str(path), turn["text"]], check=True)
    return path


def _joined(pieces: list[Path], out: Path) -> Path:
    subprocess.run(
        ["sox", *map(str, pieces), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True, capture_output=True
    )
    return out


def seconds_of(path: Path) -> float:
    return float(subprocess.run(["soxi", "-D", str(path)], capture_output=True, text=True, check=True).stdout)
