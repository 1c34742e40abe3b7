"""``create_app``: the FastAPI application, and the one table mapping aftercall errors to HTTP."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aftercall import __version__
from aftercall.api import openapi
from aftercall.api.limits import Limits
from aftercall.api.routes import batch, dashboard, files, health, recordings, webhooks
from aftercall.api.schemas import CreateJobRequest, CreateWebhookRequest, WebhookFields, validation_problem
from aftercall.errors import (
    AftercallError,
    AuthenticationError,
    AuthorizationHeaderError,
    Conflict,
    InvalidRequest,
    JsonParsingError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    StoreUnavailable,
)
from aftercall.runtime import Runtime

# error class → (HTTP status, wire error type); the first match in order wins.
ERROR_TABLE: list[tuple[type[AftercallError], int, str]] = [
    (InvalidRequest, 400, "invalid-request-error"),
    (JsonParsingError, 400, "json-parsing-error"),
    (AuthorizationHeaderError, 400, "authorization-header-error"),
    (AuthenticationError, 401, "authentication-error"),
    (NotFound, 404, "not-found"),
    (Conflict, 409, "invalid-request-error"),
    (PayloadTooLarge, 413, "invalid-request-error"),
    (RateLimited, 429, "rate-limit-error"),
    (StoreUnavailable, 503, "server-error"),
]


_MULTIPART_OVERHEAD = 64 * 1024


def error_response(status: int, kind: str, info: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": kind, "info": info}, status_code=status, headers=headers)


async def _aftercall_error(_request: Request, exc: Exception) -> JSONResponse:
    for cls, status, kind in ERROR_TABLE:
        if isinstance(exc, cls):
            retry = {"Retry-After": str(math.ceil(exc.retry_after))} if isinstance(exc, RateLimited) else None
            retry = {"Retry-After": "5"} if status == 503 else retry
            return error_response(status, kind, str(exc), headers=retry)
    return error_response(500, "server-error", "The server failed to handle this request")


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(400, "invalid-request-error", str(validation_problem(list(exc.errors()))))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return error_response(404, "not-found", "There is no such endpoint")
    if exc.status_code == 405:
        return error_response(405, "invalid-request-error", "This method is not allowed on this endpoint")
    kind = "server-error" if exc.status_code >= 500 else "invalid-request-error"
    return error_response(exc.status_code, kind, str(exc.detail))


async def _unexpected_error(_request: Request, _exc: Exception) -> JSONResponse:
    # The server closes the connection after an unhandled error; saying so lets a client open a new one instead of
    # sending its next request into a reset.
    return error_response(500, "server-error", "The server failed to handle this request", {"Connection": "close"})


def create_app(runtime: Runtime, *, manage_runtime: bool = True) -> FastAPI:
    """The API over ``runtime``; with ``manage_runtime`` the app starts and stops its workers."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if manage_runtime:
            runtime.start()
        try:
            yield
        finally:
            if manage_runtime:
                runtime.stop()

    app = FastAPIOffline(  # a FastAPI app whose /docs and /redoc load their scripts from this server
        title="aftercall",
        version=__version__,
        description="Self-hosted, Daily-compatible batch processor. Authenticate with `Authorization: Bearer <key>`.",
        lifespan=lifespan,
        generate_unique_id_function=openapi.operation_id,
    )
    app.state.runtime = runtime
    app.state.limits = Limits.of(runtime.settings.rate_limit_per_minute, runtime.settings.auth_failures_per_minute)
    app.add_exception_handler(AftercallError, _aftercall_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    app.include_router(batch.router, prefix="/v1")
    app.include_router(recordings.router, prefix="/v1")
    app.include_router(webhooks.router, prefix="/v1")
    app.include_router(files.router, prefix="/v1")
    app.include_router(dashboard.router)
    app.include_router(health.router)
    openapi.install(app, [CreateJobRequest, CreateWebhookRequest, WebhookFields])

    @app.middleware("http")
    async def no_sniffing(request: Request, call_next: Any) -> Any:
        """Every response's type is the one it declares: a browser must not guess HTML out of a served file."""
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    app.add_middleware(UploadCap, limit=runtime.settings.max_upload_bytes + _MULTIPART_OVERHEAD)

    return app


class UploadCap:
    """Stops a recording upload at the size limit while it is received: at once from a Content-Length over it, and
    as the bytes arrive when there is none (chunked), so a huge upload is never read or spooled whole."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != "/v1/recordings":
            await self.app(scope, receive, send)
            return
        allowed = self.limit - _MULTIPART_OVERHEAD
        info = f"file: the upload is larger than the limit of {allowed} bytes"
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            await error_response(413, "invalid-request-error", info)(scope, receive, send)
            return
        received, over = 0, False

        async def counted() -> Message:  # past the limit the app is told the client left, and stops reading
            nonlocal received, over
            if not over:
                message = await receive()
                received += len(message.get("body", b""))
                over = received > self.limit
                if not over:
                    return message
            return {"type": "http.disconnect"}

        async def unless_over(message: Message) -> None:  # what the app answers to that is not sent
            if not over:
                await send(message)

        await self.app(scope, counted, unless_over)
        if over:  # the rest of the body is never read: the connection closes after this answer
            await error_response(413, "invalid-request-error", info, {"Connection": "close"})(scope, receive, send)
