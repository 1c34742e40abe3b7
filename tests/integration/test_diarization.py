"""The local diarizer on generated calls with known turns (tests/data/make_data.sh): DER, speaker counts, options."""

import itertools

import av
import numpy as np
import pytest

from aftercall.diarization import SpeakerCount, clustering, local
from aftercall.diarization.local import LocalDiarizer
from aftercall.media import decode
from tests.der import DATA, Reference, diarization_error_rate

pytestmark = pytest.mark.slow  # the real speaker model


@pytest.fixture(scope="module")
def diarizer():
    return LocalDiarizer()


def mono(name: str) -> np.ndarray:
    return decode(DATA / f"{name}.ogg", max_seconds=600).samples


@pytest.mark.parametrize("name", ["dialogue", "male_pair", "trio", "phone"])
def test_generated_calls_are_diarized_within_five_percent(diarizer, name):
    reference = Reference.of(name)
    turns = diarizer.diarize(mono(name), SpeakerCount())
    assert len({t.speaker for t in turns}) == len(reference.speakers)
    assert diarization_error_rate(reference, turns) <= 0.05
    assert all(a.end <= b.start for a, b in itertools.pairwise(turns)), "in order, not overlapping"


def test_one_voice_is_one_speaker(diarizer):
    assert {t.speaker for t in diarizer.diarize(mono("speech"), SpeakerCount())} == {0}
    # One channel of the stereo call: the doctor alone, with the patient's turns silent.
    with av.open(str(DATA / "stereo.ogg")) as container:
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=16_000)
        frames = [f.to_ndarray() for packet in container.decode(audio=0) for f in resampler.resample(packet)]
    doctor = np.concatenate(frames, axis=1)[0].astype(np.float32)
    assert len({t.speaker for t in diarizer.diarize(doctor, SpeakerCount())}) == 1


def test_the_speaker_count_options_are_honoured(diarizer):
    audio = mono("dialogue")
    assert len({t.speaker for t in diarizer.diarize(audio, SpeakerCount(3, 3))}) == 3
    assert len({t.speaker for t in diarizer.diarize(audio, SpeakerCount(1, 1))}) == 1
    assert len({t.speaker for t in diarizer.diarize(mono("trio"), SpeakerCount(1, 2))}) == 2


def test_clustering_many_windows_samples_a_bounded_set_and_labels_them_all(diarizer):
    audio = mono("trio")
    regions = local.speech_regions(audio)
    spans = local.windows(regions)
    embeddings = diarizer.embed(audio, spans, local.loudness_gain(audio, regions))
    truth = [Reference.of("trio").speaker_at((a + b) / 2) for a, b, *_ in spans]
    many = np.tile(embeddings, (100, 1))  # ~2 hours of windows: far over MAX_CLUSTERED
    assert len(many) > 3 * clustering.MAX_CLUSTERED
    labels = clustering.cluster(many)
    assert len(labels) == len(many)
    assert len(set(labels.tolist())) == 3
    first = labels[: len(spans)]
    mapping = {}
    agree = sum(mapping.setdefault(t, got) == got for t, got in zip(truth, first, strict=True) if t is not None)
    assert agree >= 0.95 * sum(t is not None for t in truth)
