"""Step 1: bring the job's input to a local file (a guarded HTTP download, or a stored recording)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx

from aftercall.errors import DownloadError, MediaError
from aftercall.net import BlockedAddressError

# Content types that are certainly not what a job asked for: refuse them before downloading gigabytes of them.
_NOT_MEDIA_PREFIXES = ("text/", "application/json", "application/xml", "application/xhtml", "application/pdf")
_NOT_TRANSCRIPT_PREFIXES = ("text/html", "application/xhtml", "application/pdf", "audio/", "video/", "image/")
_CHUNK = 1 << 20


def download(
    client: httpx.Client,
    url: str,
    destination: Path,
    *,
    max_bytes: int,
    time_limit: float,
    on_bytes: Callable[[int, int | None], None] = lambda done, total: None,
    transcript: bool = False,
) -> None:
    """Stream ``url`` (media, or a ``transcript``) into ``destination`` within the size and time caps; errors say
    what went wrong."""
    started = time.monotonic()
    try:
        with client.stream("GET", url) as response:
            _check_response(response, max_bytes, transcript)
            total = int(response.headers.get("content-length") or 0) or None
            done = 0
            with destination.open("wb") as out:
                for chunk in response.iter_bytes(_CHUNK):
                    done += len(chunk)
                    if done > max_bytes:
                        raise DownloadError(
                            f"Failed to download: the file is larger than the limit of {max_bytes} bytes"
                        )
                    if time.monotonic() - started > time_limit:
                        raise DownloadError(f"Failed to download: it took longer than the limit of {time_limit:g} s")
                    out.write(chunk)
                    on_bytes(done, total)
    except BlockedAddressError as exc:
        raise DownloadError(
            f"Failed to download: {exc}, which this server does not fetch "
            "(set AFTERCALL_ALLOW_PRIVATE_URLS=true for local development)"
        ) from exc
    except httpx.TooManyRedirects as exc:
        raise DownloadError("Failed to download: too many redirects") from exc
    except httpx.TimeoutException as exc:
        raise DownloadError(f"Failed to download: the server did not answer in time ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise DownloadError(f"Failed to download: {exc or type(exc).__name__}") from exc


def _check_response(response: httpx.Response, max_bytes: int, transcript: bool) -> None:
    if response.status_code >= 300:
        raise DownloadError(f"Failed to download: {response.status_code} {response.reason_phrase}".rstrip())
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if transcript and content_type.startswith(_NOT_TRANSCRIPT_PREFIXES):
        raise MediaError(f"Input is not a transcript in txt, srt, vtt or json ({content_type})")
    if not transcript and content_type.startswith(_NOT_MEDIA_PREFIXES):
        raise MediaError(f"Input is not audio or video ({content_type})")
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise DownloadError(f"Failed to download: the file is larger than the limit of {max_bytes} bytes")
