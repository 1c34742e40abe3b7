"""Local diarization on CPU: speech regions (Silero VAD) → 1.5 s windows every 0.75 s → voice embeddings
(resemblyzer's encoder, in numpy) → spectral clustering → speaker turns.

Memory stays bounded on long files: windows are embedded in batches, and clustering sees at most
``clustering.MAX_CLUSTERED`` windows.
"""

from __future__ import annotations

import threading

import numpy as np

from aftercall.diarization import SpeakerCount, SpeakerTurn, clustering
from aftercall.diarization.voice_encoder import FRAMES_PER_SECOND, SAMPLE_RATE, VoiceEncoder, mel_frames
from aftercall.media import to_float

WINDOW_SECONDS = 1.5
HOP_SECONDS = 0.75
BATCH = 64  # windows embedded at once (the LSTM holds 0.6 MB a window in flight; more is no faster)
VAD_BLOCK_SECONDS = 120  # Silero holds about 1 MB a second of the block it reads
TARGET_DBFS = -30.0  # the encoder was trained on speech at this loudness (quieter input is raised to it)


def speech_regions(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of speech, from faster-whisper's Silero VAD with short pauses kept apart.

    The VAD runs block by block: on a whole call it would hold two more copies of the audio at once.
    """
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(min_silence_duration_ms=300, speech_pad_ms=100)
    block = VAD_BLOCK_SECONDS * SAMPLE_RATE
    regions: list[tuple[float, float]] = []
    for first in range(0, len(samples), block):
        for found in get_speech_timestamps(to_float(samples[first : first + block]), options):
            start, end = (first + found["start"]) / SAMPLE_RATE, (first + found["end"]) / SAMPLE_RATE
            if regions and start - regions[-1][1] < 0.05:  # speech running across a block boundary
                start = regions.pop()[0]
            regions.append((start, end))
    return regions


def windows(regions: list[tuple[float, float]]) -> list[tuple[float, float, float, float]]:
    """(window start, window end, owned start, owned end) per window: windows of WINDOW_SECONDS every HOP_SECONDS
    inside each region (one centred window for a shorter region); a window owns the region's time nearest it."""
    out = []
    for start, end in regions:
        length = end - start
        count = 1 if length <= WINDOW_SECONDS else 1 + int(np.ceil((length - WINDOW_SECONDS) / HOP_SECONDS))
        if count == 1:
            middle = (start + end) / 2
            out.append((middle - WINDOW_SECONDS / 2, middle + WINDOW_SECONDS / 2, start, end))
            continue
        starts = np.minimum(start + HOP_SECONDS * np.arange(count), end - WINDOW_SECONDS)
        centres = starts + WINDOW_SECONDS / 2
        bounds = [start, *((centres[:-1] + centres[1:]) / 2), end]
        out.extend((s, s + WINDOW_SECONDS, bounds[i], bounds[i + 1]) for i, s in enumerate(starts))
    return out


def loudness_gain(samples: np.ndarray, regions: list[tuple[float, float]]) -> float:
    """The gain that brings the speech to TARGET_DBFS (1 when it is already louder)."""
    energy = count = 0.0
    for a, b in regions:  # region by region: no copy of the whole call
        piece = to_float(samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)])
        energy += float(np.dot(piece, piece))
        count += len(piece)
    if energy <= 0:
        return 1.0
    change_db = TARGET_DBFS - 10 * np.log10(energy / count)
    return float(10 ** (change_db / 20)) if change_db > 0 else 1.0


class LocalDiarizer:
    """Loads the encoder on first use and keeps it; safe to share between worker threads."""

    def __init__(self) -> None:
        self._encoder: VoiceEncoder | None = None
        self._lock = threading.Lock()

    def _load(self) -> VoiceEncoder:
        with self._lock:
            if self._encoder is None:
                self._encoder = VoiceEncoder.shipped()
            return self._encoder

    def diarize(self, samples: np.ndarray, count: SpeakerCount) -> list[SpeakerTurn]:
        regions = speech_regions(samples)
        spans = windows(regions)
        if not spans:
            return []
        embeddings = self.embed(samples, spans, loudness_gain(samples, regions))
        labels = clustering.cluster(embeddings, min_speakers=count.minimum, max_speakers=count.maximum)
        return merge_turns([SpeakerTurn(a, b, int(label)) for (_, _, a, b), label in zip(spans, labels, strict=True)])

    def embed(self, samples: np.ndarray, spans: list[tuple[float, float, float, float]], gain: float) -> np.ndarray:
        encoder = self._load()
        length = int(WINDOW_SECONDS * SAMPLE_RATE)
        frames = int(WINDOW_SECONDS * FRAMES_PER_SECOND)
        out = np.empty((len(spans), 256), np.float32)
        for first in range(0, len(spans), BATCH):
            batch = spans[first : first + BATCH]
            mels = np.stack([mel_frames(_clip(samples, start, length) * gain)[:frames] for start, *_ in batch])
            out[first : first + len(batch)] = encoder.embed(mels)
        return out


def _clip(samples: np.ndarray, start: float, length: int) -> np.ndarray:
    """``length`` samples from ``start`` seconds, zero-padded where the window runs past either end."""
    first = round(start * SAMPLE_RATE)
    piece = to_float(samples[max(first, 0) : max(first + length, 0)])
    return np.pad(piece, (max(-first, 0), length - len(piece) - max(-first, 0)))


def merge_turns(turns: list[SpeakerTurn]) -> list[SpeakerTurn]:
    """Adjacent pieces of one speaker as one turn (a gap under a second between them does not split it)."""
    merged: list[SpeakerTurn] = []
    for turn in turns:
        last = merged[-1] if merged else None
        if last and last.speaker == turn.speaker and turn.start - last.end < 1.0:
            merged[-1] = SpeakerTurn(last.start, max(last.end, turn.end), last.speaker)
        else:
            merged.append(turn)
    return merged
