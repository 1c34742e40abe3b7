"""Decoding refuses what was cut off, even where FFmpeg reads what is left without complaint, and holds a long
recording's sound once (benchmarks/decode_memory.py measures how much)."""

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from aftercall import media
from aftercall.errors import MediaError
from aftercall.media import decode, media_type, probe


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


@pytest.fixture
def undeclared(data: Path, tmp_path: Path) -> Path:
    """Speech as FLAC written through a pipe: FFmpeg cannot go back to write its length, so it declares none."""
    path = tmp_path / "undeclared.flac"
    with path.open("wb") as out:
        subprocess.run(["ffmpeg", "-v", "error", "-i", str(data / "speech.wav"), "-f", "flac", "pipe:1"],
                       stdout=out, check=True)  # fmt: skip
    return path


def test_media_that_declares_no_length_is_measured_without_keeping_its_sound(
    undeclared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(media, "decode", lambda *a, **k: pytest.fail("the upload check decoded the sound"))
    assert probe(undeclared, max_seconds=60) == pytest.approx(6.33, abs=0.05)
    with pytest.raises(MediaError, match="longer than the limit of 3 s"):
        probe(undeclared, max_seconds=3)


def test_sound_decoded_in_blocks_is_the_same_as_in_one(undeclared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = decode(undeclared, max_seconds=60).samples
    monkeypatch.setattr(media, "_BLOCK_SECONDS", 1)  # six blocks and a part
    assert np.array_equal(decode(undeclared, max_seconds=60).samples, whole)
    assert len(whole) / 16000 == pytest.approx(6.33, abs=0.05)


def test_sound_is_kept_as_16_bit_pcm_and_read_back_as_float_within_one_step(data: Path) -> None:
    decoded = decode(data / "speech.wav", max_seconds=60).samples
    assert decoded.dtype == np.int16, "half the memory of float32: a 6-hour call is 0.7 GB"
    with wave.open(str(data / "speech.wav")) as source:  # 16 kHz mono 16-bit: decoded, it is the same numbers
        assert np.array_equal(decoded, np.frombuffer(source.readframes(source.getnframes()), "<i2"))
    sound = np.array([-1.5, -1.0, -0.25, 0.0, 0.3, 1.0, 2.0], np.float32)
    pcm = media.to_pcm(sound)
    assert pcm.tolist() == [-32768, -32768, -8192, 0, 9830, 32767, 32767], "rounded, clipped at full scale"
    back = media.to_float(pcm)
    assert back.dtype == np.float32
    assert np.abs(back - np.clip(sound, -1, 1)).max() <= 1 / 32768
    assert media.to_float(sound) is sound, "already float32: no copy"
    assert media.to_pcm(pcm) is pcm, "already PCM: no copy"


def test_the_mono_mix_of_kept_channels_is_their_mean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(media, "_BLOCK_SECONDS", 1)  # several blocks
    tracks = np.array([[1000, -2000, 3] * 20_000, [3000, 2000, 4] * 20_000], np.int16)
    assert media._mix(tracks).tolist() == [2000, 0, 4] * 20_000
