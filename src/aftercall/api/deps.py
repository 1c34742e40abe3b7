"""Request dependencies shared by the routes: the runtime, authentication, JSON bodies, pagination."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Security
from fastapi.security import HTTPBearer

from aftercall.api.limits import Limits
from aftercall.errors import (
    AuthenticationError,
    AuthorizationHeaderError,
    InvalidRequest,
    JsonParsingError,
    PayloadTooLarge,
    RateLimited,
)
from aftercall.jobstore import Page
from aftercall.runtime import Runtime

_bearer_scheme = HTTPBearer(auto_error=False)  # documents the scheme in OpenAPI; the check is ours


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def require_api_key(request: Request, _documented: Annotated[Any, Security(_bearer_scheme)] = None) -> None:
    """A valid key within its rate; a client that keeps failing is answered 429 before its next guess is read."""
    limits: Limits = request.app.state.limits
    client = request.client.host if request.client else "unknown"
    if wait := limits.failures.wait(client):
        raise RateLimited("Too many failed authentications from this address; wait before trying again", wait)
    try:
        key = _bearer_key(request.headers.get("authorization"))
        if not runtime(request).key_matches(key):
            raise AuthenticationError("The API key is not valid")
    except (AuthorizationHeaderError, AuthenticationError):
        limits.failures.take(client)
        raise
    if wait := limits.requests.take(hashlib.sha256(key.encode()).hexdigest()):
        raise RateLimited("Too many requests for this API key; wait before sending more", wait)


def _bearer_key(header: str | None) -> str:
    if not header:
        raise AuthorizationHeaderError("Missing Authorization header; send 'Authorization: Bearer <API key>'")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise AuthorizationHeaderError("Malformed Authorization header; expected 'Bearer <API key>'")
    return key.strip()


async def json_body(request: Request) -> Any:
    """The body parsed as JSON whatever the Content-Type says (docs/api.md §1), refused if any of its text could not be
    stored or sent on: a field that reaches a webhook event must never be one that cannot be serialised."""
    settings = request.app.state.runtime.settings
    raw = await _read_at_most(request, settings.max_json_bytes)
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JsonParsingError(f"The request body is not valid JSON ({exc})") from exc
    except RecursionError as exc:
        raise JsonParsingError("The request body is nested too deeply") from exc
    except ValueError as exc:  # an integer literal of thousands of digits
        raise JsonParsingError(f"The request body has a number aftercall cannot read ({exc})") from exc
    if _depth(body) > settings.max_json_depth:
        raise JsonParsingError(f"The request body is nested more than {settings.max_json_depth} levels deep")
    field = unstorable_field(body)
    if field is not None:
        raise InvalidRequest(field or "body", "must be valid Unicode text (no lone surrogates or NUL characters)")
    return body


async def _read_at_most(request: Request, limit: int) -> bytes:
    """The body, read until it passes ``limit`` bytes and refused then (413): never held whole when too large,
    whatever Content-Length says or whether it is sent chunked."""
    declared = request.headers.get("content-length", "")
    too_large = PayloadTooLarge(f"body: the JSON body is larger than the limit of {limit} bytes")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (a scalar is 0), walked with a stack."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def unstorable_field(value: Any) -> str | None:
    """The dotted path of the first key or string in ``value`` that is not storable text ("" for the body), or None.

    JSON's ``\\ud800`` escapes decode to lone surrogates that UTF-8 cannot encode, and PostgreSQL refuses NUL.
    Walked with a stack, not recursion: a body as deep as the JSON parser allows must not overflow here.
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not _storable(item):
                return path
            continue
        children = item.items() if isinstance(item, dict) else enumerate(item) if isinstance(item, list) else ()
        for key, child in reversed(list(children)):
            name = key.encode("utf-8", "backslashreplace").decode() if isinstance(key, str) else str(key)
            inner = f"{path}.{name}" if path else name
            if isinstance(key, str) and not _storable(key):
                return inner
            stack.append((inner, child))
    return None


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def page(
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    starting_after: str | None = None,
    ending_before: str | None = None,
) -> Page:
    if starting_after and ending_before:
        raise InvalidRequest("starting_after", "cannot be combined with ending_before")
    return Page(limit=limit, starting_after=starting_after, ending_before=ending_before)


RuntimeDep = Annotated[Runtime, Depends(runtime)]
PageDep = Annotated[Page, Depends(page)]
