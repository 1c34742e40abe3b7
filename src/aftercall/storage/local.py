"""The local-directory object store of embedded mode; its links are served by aftercall (``/v1/files``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from aftercall.errors import AuthenticationError, NotFound
from aftercall.storage.signing import LinkSigner


class LocalStore:
    def __init__(self, root: Path, *, signer: LinkSigner, bucket: str, region: str) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.signer = signer
        self.bucket = bucket
        self.region = region

    def path(self, key: str) -> Path:
        """The file behind a key; a key that would leave the store's directory is refused."""
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise NotFound(f"No object with key {key!r}")
        return path

    def _write(self, key: str, fill: Callable[[BinaryIO], object]) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                fill(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self._write(key, lambda out: out.write(data))

    def put_file(self, key: str, source: Path, content_type: str) -> None:
        def copy(out: BinaryIO) -> None:
            with source.open("rb") as src:
                shutil.copyfileobj(src, out)

        self._write(key, copy)

    def get_file(self, key: str, destination: Path) -> None:
        path = self.path(key)
        if not path.is_file():
            raise NotFound(f"No object with key {key!r}")
        shutil.copyfile(path, destination)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        path = self.path(key)
        path.unlink(missing_ok=True)
        for parent in path.parents:  # tidy directories the deletion left empty
            if parent == self.root:
                break
            try:
                parent.rmdir()
            except OSError:  # not empty (or already gone): stop climbing
                break

    def link(self, key: str, ttl_seconds: int) -> str:
        return self.signer.url(key, ttl_seconds)

    def location(self, key: str) -> dict[str, str]:
        return {"bucket": self.bucket, "key": key, "region": self.region}

    def linked_file(self, key: str, expires: int, signature: str) -> Path:
        if not self.signer.valid(key, expires, signature):
            raise AuthenticationError("This link is invalid or has expired; ask for a new access link")
        path = self.path(key)
        if not path.is_file():
            raise NotFound("The object behind this link no longer exists")
        return path
