"""Object storage: where outputs and recordings live. Backends: ``local`` (a directory) and ``s3``."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class ObjectStore(Protocol):
    bucket: str
    region: str

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...

    def put_file(self, key: str, source: Path, content_type: str) -> None: ...

    def get_file(self, key: str, destination: Path) -> None: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Delete one object; deleting a missing object is not an error."""

    def link(self, key: str, ttl_seconds: int) -> str:
        """A URL anyone holding it can GET the object from, until it expires."""

    def location(self, key: str) -> dict[str, str]:
        """The ``s3Config`` of an object: ``{"bucket", "key", "region"}`` as a client would address it."""

    def linked_file(self, key: str, expires: int, signature: str) -> Path:
        """The file behind one of this store's own signed links (served at ``/v1/files``). Raises
        ``AuthenticationError`` for a link that is invalid or has expired, ``NotFound`` when the object is gone or
        this store's links point elsewhere (S3)."""
