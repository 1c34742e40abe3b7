"""Decoding refuses what was cut off, even where FFmpeg reads what is left without complaint."""

from pathlib import Path

import pytest

from aftercall.errors import MediaError
from aftercall.pipeline.decode import decode, media_type, probe


def cut(source: Path, destination: Path, keep: int) -> Path:
    destination.write_bytes(source.read_bytes()[:keep])
    return destination


def test_a_wav_cut_short_of_what_its_header_declares_is_refused(data: Path, tmp_path: Path) -> None:
    whole = data / "speech.wav"
    half = cut(whole, tmp_path / "half.wav", whole.stat().st_size // 2)
    for read in (lambda p: decode(p, max_seconds=60), lambda p: probe(p, max_seconds=60)):
        with pytest.raises(MediaError, match=r"truncated .* declares 6\.3 s of media but only 3\.\d s"):
            read(half)
    assert decode(whole, max_seconds=60).duration == pytest.approx(6.33, abs=0.01)
    nearly = cut(whole, tmp_path / "nearly.wav", whole.stat().st_size - 64)  # a few samples short: not a cut file
    assert decode(nearly, max_seconds=60).duration == pytest.approx(6.33, abs=0.01)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("speech.wav", ("audio/wav", ".wav")),
        ("speech.mp3", ("audio/mpeg", ".mp3")),
        ("speech.m4a", ("audio/mp4", ".m4a")),
        ("speech.mp4", ("video/mp4", ".mp4")),
        ("speech.webm", ("audio/webm", ".webm")),
        ("page.html", ("application/octet-stream", "")),
    ],
)
def test_the_media_type_is_read_from_the_file(data: Path, tmp_path: Path, name: str, expected: tuple) -> None:
    anonymous = tmp_path / "upload"  # no name to go by
    anonymous.write_bytes((data / name).read_bytes())
    assert media_type(anonymous) == expected
