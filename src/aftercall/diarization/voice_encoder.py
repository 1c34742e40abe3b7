"""Resemblyzer's speaker encoder (GE2E: 40 mel bands → 3-layer LSTM → 256-d voice embedding), run in numpy.

The weights are the ``pretrained.pt`` that the ``resemblyzer`` package ships (Apache-2.0). They are read here
without torch (the file is torch's legacy pickle format: plain pickles followed by the raw float32 storages), and
the network is a few matrix products, so speaker embeddings need neither torch nor resemblyzer's own code at run
time. ``tests/unit/test_voice_encoder.py`` checks this against torch's LSTM on the same weights.
"""

from __future__ import annotations

import hashlib
import importlib.util
import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from aftercall.errors import ModelUnavailable

SAMPLE_RATE = 16_000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms: one mel frame
N_MELS = 40
FRAMES_PER_SECOND = SAMPLE_RATE // HOP
_LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"  # resemblyzer 0.1.4's pretrained.pt
_INSTALL = "pip install --no-deps resemblyzer==0.1.4"


def shipped_weights() -> Path:
    """The encoder weights inside the installed ``resemblyzer`` package (located without importing it: its own
    modules import torch, librosa and webrtcvad, which are not installed), checked against their known digest."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"Failed to load the speaker model: resemblyzer is not installed ({_INSTALL})")
    path = Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"
    if not path.is_file():
        raise ModelUnavailable(f"Failed to load the speaker model: {path} is missing ({_INSTALL})")
    if hashlib.sha256(path.read_bytes()).hexdigest() != WEIGHTS_SHA256:
        raise ModelUnavailable(f"Failed to load the speaker model: {path} is not resemblyzer 0.1.4's ({_INSTALL})")
    return path


@dataclass(frozen=True)
class _TensorRef:
    storage: str
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


class _StateDictUnpickler(pickle.Unpickler):
    """Unpickles a legacy torch checkpoint into tensor references; allows no other class (no code runs)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return lambda storage, offset, shape, stride, *_: _TensorRef(storage, offset, tuple(shape), tuple(stride))
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch" and name == "FloatStorage":
            return name
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in the speaker model file")

    def persistent_load(self, pid: Any) -> str:
        kind, storage_type, key, *_ = pid
        if kind != "storage" or storage_type != "FloatStorage":
            raise pickle.UnpicklingError(f"unexpected storage {pid!r} in the speaker model file")
        return key


def _read_storages(f: BinaryIO, keys: list[str]) -> dict[str, np.ndarray]:
    storages = {}
    for key in keys:
        (count,) = struct.unpack("<q", f.read(8))
        storages[key] = np.frombuffer(f.read(4 * count), dtype="<f4", count=count)
    return storages


def load_weights(path: Path) -> dict[str, np.ndarray]:
    """The model's parameters by name (``lstm.weight_ih_l0`` ...), as float32 arrays."""
    with path.open("rb") as f:
        if pickle.load(f) != _LEGACY_MAGIC:
            raise ModelUnavailable(f"Failed to load the speaker model: {path} is not a torch checkpoint")
        pickle.load(f)  # protocol version
        pickle.load(f)  # system info
        checkpoint = _StateDictUnpickler(f).load()
        storages = _read_storages(f, pickle.load(f))
    weights = {}
    for name, ref in checkpoint["model_state"].items():
        data = storages[ref.storage]
        itemsize = data.itemsize
        view = np.lib.stride_tricks.as_strided(
            data[ref.offset :], shape=ref.shape, strides=tuple(s * itemsize for s in ref.stride), writeable=False
        )
        weights[name] = np.ascontiguousarray(view, dtype=np.float32)
    return weights


@cache
def _mel_filterbank() -> np.ndarray:
    """Slaney-style mel filters (librosa's default: Slaney mel scale, area-normalised), shape (N_MELS, N_FFT/2+1)."""
    f_min, f_max = 0.0, SAMPLE_RATE / 2
    linear_step, log_start_hz, log_step = 200.0 / 3, 1000.0, np.log(6.4) / 27.0
    log_start_mel = log_start_hz / linear_step

    def to_mel(hz: np.ndarray) -> np.ndarray:
        hz = np.asarray(hz, dtype=np.float64)
        return np.where(
            hz < log_start_hz, hz / linear_step, log_start_mel + np.log(np.maximum(hz, 1e-10) / log_start_hz) / log_step
        )

    def to_hz(mel: np.ndarray) -> np.ndarray:
        return np.where(mel < log_start_mel, mel * linear_step, log_start_hz * np.exp(log_step * (mel - log_start_mel)))

    edges = to_hz(np.linspace(to_mel(f_min), to_mel(f_max), N_MELS + 2))
    bins = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    widths = np.diff(edges)
    ramps = edges[:, None] - bins[None, :]
    lower = -ramps[:-2] / widths[:-1, None]
    upper = ramps[2:] / widths[1:, None]
    filters = np.maximum(0, np.minimum(lower, upper))
    filters *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return filters.astype(np.float32)


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """Power mel spectrogram (not log), one row per 10 ms, as resemblyzer's encoder was trained on: centred
    25 ms Hann frames over zero padding. Shape (len(samples) // HOP + 1, N_MELS)."""
    padded = np.pad(samples.astype(np.float32, copy=False), N_FFT // 2)
    count = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(count, N_FFT), strides=(padded.strides[0] * HOP, padded.strides[0]), writeable=False
    )
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    return (power.astype(np.float32) @ _mel_filterbank().T).astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # overflow-free


class VoiceEncoder:
    """Embeds fixed-length mel windows: (batch, frames, 40) → (batch, 256), non-negative and L2-normalised."""

    layers = 3

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self._w = weights

    @classmethod
    def shipped(cls) -> VoiceEncoder:
        return cls(load_weights(shipped_weights()))

    def embed(self, mels: np.ndarray) -> np.ndarray:
        x = mels.astype(np.float32, copy=False)
        hidden = None
        for layer in range(self.layers):
            x, hidden = self._lstm_layer(x, layer)
        assert hidden is not None
        out = np.maximum(hidden @ self._w["linear.weight"].T + self._w["linear.bias"], 0.0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)

    def _lstm_layer(self, x: np.ndarray, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """One LSTM layer over the whole sequence (PyTorch's gate order: input, forget, cell, output)."""
        w_ih, w_hh = self._w[f"lstm.weight_ih_l{layer}"], self._w[f"lstm.weight_hh_l{layer}"]
        bias = self._w[f"lstm.bias_ih_l{layer}"] + self._w[f"lstm.bias_hh_l{layer}"]
        batch, steps, _ = x.shape
        size = w_hh.shape[1]
        projected = x @ w_ih.T  # every step's input term in one product
        projected += bias
        h = np.zeros((batch, size), np.float32)
        c = np.zeros((batch, size), np.float32)
        outputs = np.empty((batch, steps, size), np.float32)
        for t in range(steps):
            gates = projected[:, t] + h @ w_hh.T
            i, f, g, o = (gates[:, k * size : (k + 1) * size] for k in range(4))
            c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
            h = _sigmoid(o) * np.tanh(c)
            outputs[:, t] = h
        return outputs, h
