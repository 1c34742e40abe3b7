"""Request dependencies shared by the routes: the runtime, authentication, JSON bodies, pagination."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Security
from fastapi.security import HTTPBearer

from aftercall.bootstrap import Runtime
from aftercall.errors import AuthenticationError, AuthorizationHeaderError, InvalidRequest, JsonParsingError
from aftercall.jobstore import Page

_bearer_scheme = HTTPBearer(auto_error=False)  # documents the scheme in OpenAPI; the check is ours


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def require_api_key(request: Request, _documented: Annotated[Any, Security(_bearer_scheme)] = None) -> None:
    header = request.headers.get("authorization")
    if not header:
        raise AuthorizationHeaderError("Missing Authorization header; send 'Authorization: Bearer <API key>'")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise AuthorizationHeaderError("Malformed Authorization header; expected 'Bearer <API key>'")
    if not runtime(request).key_matches(key.strip()):
        raise AuthenticationError("The API key is not valid")


async def json_body(request: Request) -> Any:
    """The body parsed as JSON whatever the Content-Type says (SPEC §1)."""
    raw = await request.body()
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JsonParsingError(f"The request body is not valid JSON ({exc})") from exc


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
