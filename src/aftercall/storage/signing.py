"""Signed, expiring download URLs for objects aftercall serves itself (the local store)."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote, urlencode


class LinkSigner:
    def __init__(self, secret: bytes, base_url: str) -> None:
        self._secret = secret
        self._base_url = base_url.rstrip("/")

    def _signature(self, key: str, expires: int) -> str:
        message = f"{key}\n{expires}".encode("utf-8", "surrogatepass")  # a hostile path is refused, not an error
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def url(self, key: str, ttl_seconds: int, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + ttl_seconds)
        query = urlencode({"expires": expires, "signature": self._signature(key, expires)})
        return f"{self._base_url}/{quote(key)}?{query}"

    def valid(self, key: str, expires: int, signature: str, now: float | None = None) -> bool:
        if expires < (time.time() if now is None else now):
            return False
        # compared as bytes: a signature with non-ASCII characters is simply wrong (str comparison would raise)
        given = signature.encode("utf-8", "surrogatepass")
        return hmac.compare_digest(self._signature(key, expires).encode(), given)
