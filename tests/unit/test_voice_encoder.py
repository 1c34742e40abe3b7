"""The numpy speaker encoder against the libraries it replaces: librosa's mel spectrogram, torch's LSTM."""

from pathlib import Path

import librosa
import numpy as np
import pytest
import torch

from aftercall.diarization.voice_encoder import VoiceEncoder, load_weights, mel_frames, shipped_weights
from aftercall.media import decode, to_float

pytestmark = pytest.mark.slow  # the speaker network run by torch and by numpy

DIALOGUE = Path(__file__).parents[1] / "data" / "dialogue.ogg"


@pytest.fixture(scope="module")
def weights():
    return load_weights(shipped_weights())


@pytest.fixture(scope="module")
def speech():
    return to_float(decode(DIALOGUE, max_seconds=600).samples[: 16_000 * 12])


def test_the_shipped_checkpoint_loads_without_torch_into_the_network_shapes(weights):
    assert weights["lstm.weight_ih_l0"].shape == (1024, 40)
    for layer in range(3):
        assert weights[f"lstm.weight_hh_l{layer}"].shape == (1024, 256)
    assert weights["linear.weight"].shape == (256, 256)
    assert all(np.isfinite(w).all() for w in weights.values())


def test_mel_frames_match_librosa(speech):
    reference = librosa.feature.melspectrogram(y=speech, sr=16_000, n_fft=400, hop_length=160, n_mels=40).T
    ours = mel_frames(speech)
    assert ours.shape == reference.shape
    assert np.abs(ours - reference).max() <= 1e-5 * np.abs(reference).max()


def test_embeddings_match_torch_running_the_same_weights(weights, speech):
    mels = mel_frames(speech)
    batch = np.stack([mels[i : i + 150] for i in range(0, len(mels) - 150, 75)])
    lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
    lstm.load_state_dict(
        {k.removeprefix("lstm."): torch.tensor(v) for k, v in weights.items() if k.startswith("lstm.")}
    )
    linear = torch.nn.Linear(256, 256)
    linear.load_state_dict(
        {"weight": torch.tensor(weights["linear.weight"]), "bias": torch.tensor(weights["linear.bias"])}
    )
    with torch.no_grad():
        _, (hidden, _) = lstm(torch.tensor(batch))
        expected = torch.nn.functional.normalize(torch.relu(linear(hidden[-1])), dim=1).numpy()
    ours = VoiceEncoder(weights).embed(batch)
    assert ours.shape == (len(batch), 256)
    assert np.abs(ours - expected).max() < 1e-4
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_weights_that_are_not_the_shipped_ones_are_refused(tmp_path, monkeypatch):
    import importlib.machinery
    import importlib.util

    from aftercall.diarization import voice_encoder
    from aftercall.errors import ModelUnavailable

    fake = tmp_path / "resemblyzer"
    fake.mkdir()
    (fake / "pretrained.pt").write_bytes(voice_encoder.shipped_weights().read_bytes()[:-1] + b"\0")
    spec = importlib.machinery.ModuleSpec("resemblyzer", None, is_package=True)
    spec.submodule_search_locations = [str(fake)]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: spec)
    refused = r"not resemblyzer 0\.1\.4's \(pip install --no-deps resemblyzer==0\.1\.4\)"
    with pytest.raises(ModelUnavailable, match=refused):
        voice_encoder.shipped_weights()
