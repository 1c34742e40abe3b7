"""Reading media: decode any container PyAV/FFmpeg reads into 16 kHz mono 16-bit PCM, or probe it.

Decoded sound is kept as int16 (115 MB an hour, half of float32), so a 6-hour call fits a modest worker; whoever
computes on it takes float32 a block at a time with ``to_float`` (docs/architecture.md, "Memory")."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from aftercall.errors import MediaError

SAMPLE_RATE = 16_000
FULL_SCALE = 32768.0  # int16 PCM value of 1.0 (float)
# Decoded audio this much shorter than the container declares means the file was cut off.
_TRUNCATION_TOLERANCE = 0.9


MAX_TRACKS = 8  # channels kept apart for multichannel transcription; a file with more is mixed to mono


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # int16 PCM, mono, SAMPLE_RATE
    channels: int  # of the source stream
    tracks: np.ndarray | None = None  # int16 (channels, samples): each channel alone, when asked for and 2..8

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def to_float(pcm: np.ndarray) -> np.ndarray:
    """float32 in [-1, 1] of a piece of sound: int16 PCM scaled, float sound as float32. Take it a block at a time:
    a whole call as float32 is twice its PCM."""
    if pcm.dtype == np.int16:
        return np.multiply(pcm, np.float32(1 / FULL_SCALE), dtype=np.float32)
    return pcm.astype(np.float32, copy=False)


def to_pcm(sound: np.ndarray) -> np.ndarray:
    """int16 PCM of float sound in [-1, 1] (louder is clipped); int16 input is returned as is."""
    if sound.dtype == np.int16:
        return sound
    return np.rint(np.clip(sound, -1.0, 32767 / FULL_SCALE) * FULL_SCALE).astype(np.int16)


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def decode(
    path: Path,
    *,
    max_seconds: float,
    on_seconds: Callable[[float, float | None], None] = lambda d, t: None,
    keep_channels: bool = False,
) -> Audio:
    """Decode the first audio stream of ``path``; raise ``MediaError`` with a sentence a user can act on.

    With ``keep_channels``, a stream of 2 to 8 channels also yields each channel alone (``Audio.tracks``).
    """
    if path.stat().st_size == 0:
        raise MediaError("Input file is empty")
    _refuse_a_cut_wav(path)
    try:
        container = av.open(str(path))
    except (av.FFmpegError, ValueError, OSError) as exc:
        raise MediaError(f"Input is not audio or video, or is truncated or corrupt ({_reason(exc)})") from exc
    with container:
        if not container.streams.audio:
            raise MediaError("Input has no audio track")
        stream = container.streams.audio[0]
        declared = _declared_duration(container, stream)
        if declared is not None and declared > max_seconds:
            raise MediaError(f"Input is {declared:.0f} s long; the limit is {max_seconds:.0f} s")
        channels = stream.codec_context.channels or 1
        split = keep_channels and 2 <= channels <= MAX_TRACKS
        decoded = _decode_stream(container, stream, max_seconds, declared, on_seconds, channels if split else 1)
    samples = _mix(decoded) if split else decoded[0]
    seconds = len(samples) / SAMPLE_RATE
    if declared is not None and declared > 2.0 and seconds < declared * _TRUNCATION_TOLERANCE:
        raise MediaError(
            f"Input is truncated or corrupt: it declares {declared:.1f} s of media but only {seconds:.1f} s decode"
        )
    if len(samples) == 0:
        raise MediaError("Input has an audio track with no sound in it")
    return Audio(samples=samples, channels=channels, tracks=decoded if split else None)


def probe(path: Path, *, max_seconds: float) -> float:
    """The media duration in seconds, read from the container (decoding only when it declares none)."""
    if path.stat().st_size == 0:
        raise MediaError("Input file is empty")
    _refuse_a_cut_wav(path)
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise MediaError("Input has no audio track")
            declared = _declared_duration(container, container.streams.audio[0])
    except av.FFmpegError as exc:
        raise MediaError(f"Input is not audio or video, or is truncated or corrupt ({_reason(exc)})") from exc
    if declared is None:
        declared = _measure(path, max_seconds=max_seconds)
    if declared > max_seconds:
        raise MediaError(f"Input is {declared:.0f} s long; the limit is {max_seconds:.0f} s")
    return declared


def _measure(path: Path, *, max_seconds: float) -> float:
    """The duration of media that declares none, counted frame by frame without keeping the sound (memory stays
    flat however long it is) and stopped once past ``max_seconds``."""
    seconds = 0.0
    try:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            for frame in container.decode(stream):
                seconds += frame.samples / (frame.sample_rate or stream.rate or SAMPLE_RATE)
                if seconds > max_seconds:
                    raise MediaError(f"Input is longer than the limit of {max_seconds:.0f} s")
    except av.FFmpegError as exc:
        raise MediaError(f"Input is truncated or corrupt and cannot be decoded ({_reason(exc)})") from exc
    if seconds == 0:
        raise MediaError("Input has an audio track with no sound in it")
    return seconds


# A container FFmpeg recognised → (content type, file extension), audio or video by whether it holds a video stream.
_CONTAINERS = {
    "wav": (("audio/wav", ".wav"), None),
    "mp3": (("audio/mpeg", ".mp3"), None),
    "ogg": (("audio/ogg", ".ogg"), ("video/ogg", ".ogv")),
    "flac": (("audio/flac", ".flac"), None),
    "aac": (("audio/aac", ".aac"), None),
    "mov,mp4,m4a,3gp,3g2,mj2": (("audio/mp4", ".m4a"), ("video/mp4", ".mp4")),
    "matroska,webm": (("audio/webm", ".webm"), ("video/webm", ".webm")),
}
UNKNOWN_MEDIA = ("application/octet-stream", "")


def media_type(path: Path) -> tuple[str, str]:
    """The content type and file extension of the media at ``path``, read from the file (never from a name a client
    gave it); ``UNKNOWN_MEDIA`` for a container without one here."""
    try:
        with av.open(str(path)) as container:
            audio, video = _CONTAINERS.get(container.format.name, (UNKNOWN_MEDIA, None))
            return (video or audio) if container.streams.video else audio
    except (av.FFmpegError, ValueError, OSError):
        return UNKNOWN_MEDIA


def _refuse_a_cut_wav(path: Path) -> None:
    """A WAV file whose data chunk declares more bytes than the file holds was cut off: FFmpeg reads what is there
    and reports that length, so the header itself is read here."""
    with path.open("rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return
        byte_rate = 0
        while chunk := f.read(8):
            if len(chunk) < 8:
                return
            name, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if name == b"fmt ":
                fmt = f.read(size + (size & 1))
                byte_rate = struct.unpack("<I", fmt[8:12])[0] if len(fmt) >= 12 else 0
                continue
            if name == b"data":
                present = path.stat().st_size - f.tell()
                streaming = size in (0, 0xFFFFFFFF)  # a recorder that never went back to write the size
                if byte_rate and not streaming and present < size * _TRUNCATION_TOLERANCE:
                    raise MediaError(
                        f"Input is truncated or corrupt: it declares {size / byte_rate:.1f} s of media but only "
                        f"{present / byte_rate:.1f} s are in the file"
                    )
                return
            f.seek(size + (size & 1), 1)


def _declared_duration(container: av.container.InputContainer, stream: av.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _decode_stream(
    container: av.container.InputContainer,
    stream: av.AudioStream,
    max_seconds: float,
    declared: float | None,
    on_seconds: Callable[[float, float | None], None],
    channels: int,
) -> np.ndarray:
    """Shape (channels, samples): the stream mixed down to mono (``channels`` 1) or each channel kept."""
    layout = "mono" if channels == 1 else stream.layout.name
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
    expected = int(declared * SAMPLE_RATE * 1.01) + SAMPLE_RATE if declared else _BLOCK_SECONDS * SAMPLE_RATE
    buffer = _Samples(channels, expected)
    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                buffer.append(out.to_ndarray().reshape(channels, -1))
            if buffer.count > max_seconds * SAMPLE_RATE:
                raise MediaError(f"Input is longer than the limit of {max_seconds:.0f} s")
            on_seconds(buffer.count / SAMPLE_RATE, declared)
        for out in resampler.resample(None):
            buffer.append(out.to_ndarray().reshape(channels, -1))
    except av.FFmpegError as exc:
        raise MediaError(f"Input is truncated or corrupt and cannot be decoded ({_reason(exc)})") from exc
    return buffer.samples()


def _mix(tracks: np.ndarray) -> np.ndarray:
    """The mono mix of int16 ``tracks`` (channels, samples), computed a block at a time."""
    mono = np.empty(tracks.shape[1], np.int16)
    step = _BLOCK_SECONDS * SAMPLE_RATE
    for start in range(0, tracks.shape[1], step):
        mono[start : start + step] = np.rint(tracks[:, start : start + step].mean(axis=0, dtype=np.float32))
    return mono


class _Samples:
    """Decoded sound written as int16 into blocks: one the size of the declared length when there is one, else
    blocks of ``_BLOCK_SECONDS``, joined at the end one block at a time, so decoding holds the sound about once (a
    list of frames joined at the end held it twice)."""

    def __init__(self, channels: int, expected: int) -> None:
        self.channels = channels
        self.blocks = [np.empty((channels, max(expected, SAMPLE_RATE)), np.int16)]
        self.filled = 0  # samples in the last block
        self.count = 0

    def append(self, chunk: np.ndarray) -> None:
        while chunk.shape[1]:
            block = self.blocks[-1]
            room = block.shape[1] - self.filled
            if room == 0:
                self.blocks.append(np.empty((self.channels, _BLOCK_SECONDS * SAMPLE_RATE), np.int16))
                self.filled = 0
                continue
            taken = chunk[:, :room]
            block[:, self.filled : self.filled + taken.shape[1]] = to_pcm(taken)
            self.filled += taken.shape[1]
            self.count += taken.shape[1]
            chunk = chunk[:, room:]

    def samples(self) -> np.ndarray:
        """The sound decoded as one array of its length."""
        if len(self.blocks) == 1:
            block = self.blocks.pop()
            return block[:, : self.count] if self.count >= 0.9 * block.shape[1] else block[:, : self.count].copy()
        joined = np.empty((self.channels, self.count), np.int16)
        start = 0
        self.blocks.reverse()
        while self.blocks:
            block = self.blocks.pop()
            used = block.shape[1] if self.blocks else self.filled
            joined[:, start : start + used] = block[:, :used]
            start += used
            del block  # each block is freed once copied
        return joined


_BLOCK_SECONDS = 300  # blocks of sound when the file declares no length
