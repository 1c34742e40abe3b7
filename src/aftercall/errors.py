"""The one error tree of aftercall. The API maps these to HTTP in ``api/app.py``; nothing else does."""

from __future__ import annotations


class AftercallError(Exception):
    """Base of every error aftercall raises on purpose. ``str(error)`` is a sentence fit for a user."""


class InvalidRequest(AftercallError):
    """The request is malformed; ``field`` names the offending part of it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class JsonParsingError(AftercallError):
    """The request body is not JSON."""


class AuthorizationHeaderError(AftercallError):
    """The Authorization header is missing or not ``Bearer <key>``."""


class AuthenticationError(AftercallError):
    """The key is not one of this deployment's keys."""


class RateLimited(AftercallError):
    """Too many requests for one API key, or too many failed authentications from one client."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFound(AftercallError):
    """The named resource does not exist."""


class Conflict(AftercallError):
    """The request contradicts an earlier one (e.g. an Idempotency-Key reused with another body)."""


class PayloadTooLarge(AftercallError):
    """An upload exceeds the configured size."""


class ConfigurationError(AftercallError):
    """A setting cannot work (a malformed storage URL, say)."""


class DataDirInUse(AftercallError):
    """Another embedded-mode process holds the data directory."""


class JobFailed(AftercallError):
    """A pipeline step failed; the message says which step and why, and becomes the job's ``error``."""


class DownloadError(JobFailed):
    """Fetching the input failed."""


class MediaError(JobFailed):
    """The input is not decodable audio/video, or is empty, truncated or too long."""


class TranscriptionError(JobFailed):
    """Speech recognition failed or found no speech."""


class NotesError(JobFailed):
    """The language-model step (summary, SOAP note, concepts) failed: unreachable, too slow, or invalid output."""


class ModelUnavailable(JobFailed):
    """A configured model cannot be found or loaded."""


class StoreUnavailable(AftercallError):
    """The database cannot be reached; nothing was decided, so the caller may try again."""


class QueueUnavailable(AftercallError):
    """The broker did not take a job id; the job stays stored and the sweeper enqueues it once the broker is back."""


class JobAbandoned(AftercallError):
    """The worker lost its claim on a job (deleted, or the lease moved on); it must stop without writing."""
