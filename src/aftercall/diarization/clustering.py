"""Spectral clustering of voice embeddings with the speaker count read from the eigengap.

Pure numpy/scipy, bounded: at most ``MAX_CLUSTERED`` embeddings are clustered (an N×N affinity of every window
of a 3-hour call would not fit); the rest join the nearest speaker centroid.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.vq import kmeans2
from scipy.linalg import eigh

MAX_CLUSTERED = 1500  # 1500² float64 affinity: 18 MB
NEIGHBOURS = 0.2  # share of each window's most similar windows kept in the affinity graph ...
MIN_NEIGHBOURS = 6  # ... but at least this many: a few windows of one voice must not fall apart into several
SAME_VOICE = 0.9  # cosine similarity of two clusters' centroids above which they are one voice


def cluster(embeddings: np.ndarray, *, min_speakers: int = 1, max_speakers: int = 8, seed: int = 0) -> np.ndarray:
    """A speaker label (0..k-1) per row of L2-normalised ``embeddings``."""
    count = len(embeddings)
    if count == 0:
        return np.zeros(0, dtype=int)
    max_speakers = max(1, min(max_speakers, count))
    min_speakers = max(1, min(min_speakers, max_speakers))
    if max_speakers == 1:
        return np.zeros(count, dtype=int)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(count, MAX_CLUSTERED, replace=False)) if count > MAX_CLUSTERED else np.arange(count)
    labels = _spectral(embeddings[sample], min_speakers, max_speakers, rng)
    centroids = _centroids(embeddings[sample], labels)
    if len(centroids) > min_speakers:
        centroids = _merge_same_voices(centroids, min_speakers)
    return np.argmax(embeddings @ centroids.T, axis=1)


def _spectral(embeddings: np.ndarray, min_k: int, max_k: int, rng: np.random.Generator) -> np.ndarray:
    count = len(embeddings)
    if count <= 2:
        return np.arange(count) if max_k >= count else np.zeros(count, dtype=int)
    affinity = np.clip(embeddings @ embeddings.T, 0.0, 1.0).astype(np.float64)
    keep = min(count, max(MIN_NEIGHBOURS, int(np.ceil(NEIGHBOURS * count))))
    threshold = -np.partition(-affinity, keep - 1, axis=1)[:, keep - 1 : keep]
    pruned = np.where(affinity >= threshold, affinity, 0.0)
    graph = np.maximum(pruned, pruned.T)
    degree = graph.sum(axis=1)
    scale = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
    laplacian = np.eye(count) - scale[:, None] * graph * scale[None, :]
    top = min(max_k + 1, count)
    values, vectors = eigh(laplacian, subset_by_index=[0, top - 1])
    gaps = np.diff(values)[min_k - 1 : max_k]
    k = min_k + int(np.argmax(gaps)) if len(gaps) else min_k
    if k == 1:
        return np.zeros(count, dtype=int)
    points = vectors[:, :k]
    points /= np.maximum(np.linalg.norm(points, axis=1, keepdims=True), 1e-12)
    _, labels = kmeans2(points, k, minit="++", seed=rng)
    return labels


def _centroids(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    rows = [embeddings[labels == label].mean(axis=0) for label in np.unique(labels)]
    centroids = np.array(rows)
    return centroids / np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)


def _merge_same_voices(centroids: np.ndarray, min_k: int) -> np.ndarray:
    """Join the two most similar clusters while they sound like one voice (spectral clustering splits one speaker
    in two when there is only one: the eigengap cannot say "one")."""
    groups = [[i] for i in range(len(centroids))]
    merged = centroids
    while len(groups) > min_k:
        similarity = merged @ merged.T
        np.fill_diagonal(similarity, -1.0)
        a, b = np.unravel_index(np.argmax(similarity), similarity.shape)
        if similarity[a, b] < SAME_VOICE:
            break
        groups[a] += groups.pop(b)
        merged = np.array([centroids[g].mean(axis=0) for g in groups])
        merged /= np.linalg.norm(merged, axis=1, keepdims=True)
    return merged
