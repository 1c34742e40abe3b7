"""S3-compatible object storage (AWS, MinIO, R2, Ceph, moto) through boto3; links are presigned URLs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aftercall.errors import ModelUnavailable, NotFound


def _boto3() -> Any:
    try:
        import boto3
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelUnavailable("S3 storage needs boto3: pip install 'aftercall[distributed]'") from exc
    return boto3


class S3Store:
    """Objects under ``prefix`` in ``bucket``; keys given to it are relative to the prefix."""

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        region: str = "us-east-1",
        endpoint_url: str | None = None,
        public_endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        """``public_endpoint_url``: where clients reach S3, when not at ``endpoint_url``; links are signed for it
        (signing is local: that client never connects)."""
        from botocore.config import Config

        self.bucket = bucket
        self.region = region
        self.prefix = prefix.strip("/")

        def client(endpoint: str | None) -> Any:
            return _boto3().client(
                "s3",
                region_name=region,
                endpoint_url=endpoint,
                aws_access_key_id=access_key_id,
                aws_secret_access_key=secret_access_key,
                config=Config(signature_version="s3v4", retries={"max_attempts": 5, "mode": "standard"}),
            )

        self._s3 = client(endpoint_url)
        self._signer = client(public_endpoint_url) if public_endpoint_url else self._s3

    def full_key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self._s3.put_object(Bucket=self.bucket, Key=self.full_key(key), Body=data, ContentType=content_type)

    def put_file(self, key: str, source: Path, content_type: str) -> None:
        self._s3.upload_file(str(source), self.bucket, self.full_key(key), ExtraArgs={"ContentType": content_type})

    def get_file(self, key: str, destination: Path) -> None:
        from botocore.exceptions import ClientError

        try:
            self._s3.download_file(self.bucket, self.full_key(key), str(destination))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                raise NotFound(f"No object with key {key!r}") from exc
            raise

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self._s3.head_object(Bucket=self.bucket, Key=self.full_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self._s3.delete_object(Bucket=self.bucket, Key=self.full_key(key))

    def link(self, key: str, ttl_seconds: int) -> str:
        return str(
            self._signer.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": self.full_key(key)}, ExpiresIn=ttl_seconds
            )
        )

    def location(self, key: str) -> dict[str, str]:
        return {"bucket": self.bucket, "key": self.full_key(key), "region": self.region}

    def linked_file(self, key: str, expires: int, signature: str) -> Path:
        raise NotFound("This server's objects are in S3; its links point there")
