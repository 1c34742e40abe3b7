"""Rate limits of the API: requests per API key, and failed authentications per client address (a client guessing
keys is slowed down to a few guesses a minute). Token buckets in the API process's memory: each API process of a
distributed deployment counts on its own (docs/deployment.md)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

_MAX_TRACKED = 10_000  # keys or addresses remembered; the least recently seen are forgotten first


class TokenBuckets:
    """``per_minute`` tokens a minute for each key, holding at most ``burst``."""

    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second, self.burst, self.clock = per_minute / 60, burst, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)

    def _tokens(self, key: str) -> float:
        now = self.clock()
        tokens, when = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - when) * self.per_second)

    def wait(self, key: str) -> float:
        """Seconds until ``key`` may go on (0: now), taking nothing."""
        tokens = self._tokens(key)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.per_second

    def take(self, key: str) -> float:
        """Take a token for ``key``: 0 if there was one, else the seconds until there is."""
        tokens = self._tokens(key)
        taken = tokens >= 1
        self._buckets[key] = (tokens - 1 if taken else tokens, self.clock())
        self._buckets.move_to_end(key)
        while len(self._buckets) > _MAX_TRACKED:
            self._buckets.popitem(last=False)
        return 0.0 if taken else (1 - tokens) / self.per_second


@dataclass(frozen=True)
class Limits:
    requests: TokenBuckets  # by API key
    failures: TokenBuckets  # failed authentications, by client address

    @classmethod
    def of(cls, requests_per_minute: int, failures_per_minute: int) -> Limits:
        return cls(
            TokenBuckets(requests_per_minute, burst=requests_per_minute),
            TokenBuckets(failures_per_minute, burst=failures_per_minute),
        )
