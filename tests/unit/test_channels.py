"""Telling a stereo call with one voice per side from stereo that carries one mix."""

import numpy as np
import pytest

from aftercall.media import decode, to_float
from aftercall.pipeline.channels import per_channel_if_separate, separate_voices
from tests.der import DATA


@pytest.fixture(scope="module")
def stereo():
    audio = decode(DATA / "stereo.ogg", max_seconds=600, keep_channels=True)
    assert audio.channels == 2
    assert audio.tracks is not None
    assert audio.tracks.shape == (2, len(audio.samples))
    return audio


def test_one_voice_per_channel_is_separate_even_with_crosstalk(stereo):
    left, right = to_float(stereo.tracks)
    assert separate_voices(stereo.tracks)
    assert separate_voices(np.stack([left + 0.05 * right, right + 0.05 * left]))


def test_one_mix_on_both_sides_is_not(stereo):
    mix = to_float(stereo.samples)
    assert not separate_voices(np.stack([mix, mix]))
    assert not separate_voices(np.stack([mix, 0.5 * mix]))  # panned
    assert not separate_voices(np.stack([mix, np.zeros_like(mix)]))  # one dead side: one channel of voices
    assert not separate_voices(np.zeros((2, 16_000), np.float32))


def test_the_job_option_wins_over_detection(stereo):
    assert per_channel_if_separate(stereo, asked=None).tracks is not None
    assert per_channel_if_separate(stereo, asked=False).tracks is None
    mix = stereo.samples
    one_mix = type(stereo)(samples=mix, channels=2, tracks=np.stack([mix, mix]))
    assert per_channel_if_separate(one_mix, asked=None).tracks is None
    assert per_channel_if_separate(one_mix, asked=True).tracks is not None


def test_mono_files_have_no_tracks():
    assert decode(DATA / "dialogue.ogg", max_seconds=600, keep_channels=True).tracks is None
