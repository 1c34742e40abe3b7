"""Whether a multi-channel recording carries one voice per channel (a call recorded as stereo, each party on a
side), in which case each channel is transcribed alone and is its own speaker: exact, no clustering."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from aftercall.media import SAMPLE_RATE, Audio, to_float

FRAME_SECONDS = 0.05
ACTIVE_DB = -45.0  # frames quieter than this (dBFS, on every channel) are silence and not counted
DOMINANT_DB = 15.0  # one channel this much louder than every other: only that channel's voice is speaking
SEPARATE_SHARE = 0.8  # of active frames dominated by one channel, for the channels to be separate voices
MIN_SHARE = 0.05  # of active frames each of at least two channels must dominate (not one talker and a dead line)


def frame_levels(tracks: np.ndarray) -> np.ndarray:
    """dBFS per channel per 50 ms frame, shape (channels, frames)."""
    size = int(FRAME_SECONDS * SAMPLE_RATE)
    frames = tracks.shape[1] // size
    power = np.empty((tracks.shape[0], frames))
    step = 6000  # frames at a time (5 minutes): no copy of a whole track
    for channel, track in enumerate(tracks):
        for first in range(0, frames, step):
            last = min(first + step, frames)
            blocks = to_float(track[first * size : last * size]).reshape(last - first, size).astype(np.float64)
            power[channel, first:last] = np.mean(blocks * blocks, axis=1)
    return 10 * np.log10(np.maximum(power, 1e-12))


def separate_voices(tracks: np.ndarray) -> bool:
    levels = frame_levels(tracks)
    active = levels.max(axis=0) > ACTIVE_DB
    if levels.shape[0] < 2 or active.sum() == 0:
        return False
    levels = levels[:, active]
    loudest = levels.argmax(axis=0)
    ordered = np.sort(levels, axis=0)
    dominated = ordered[-1] - ordered[-2] >= DOMINANT_DB
    if dominated.mean() < SEPARATE_SHARE:
        return False
    shares = np.bincount(loudest[dominated], minlength=levels.shape[0]) / levels.shape[1]
    return int(np.sum(shares >= MIN_SHARE)) >= 2


def per_channel_if_separate(audio: Audio, *, asked: bool | None) -> Audio:
    """``audio`` keeping its channels only if they are transcribed one by one: when the job asks for
    ``multichannel``, or does not say and the channels carry separate voices. Otherwise the channels are let go."""
    if audio.tracks is None:
        return audio
    if asked is True or (asked is None and separate_voices(audio.tracks)):
        return audio
    return replace(audio, tracks=None)
