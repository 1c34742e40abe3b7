"""The dashboard: static pages served at ``/`` that use the REST API with the key the user enters once."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

from aftercall.domain.jobs import LANGUAGES
from aftercall.errors import NotFound

router = APIRouter(include_in_schema=False)

_ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
# Scripts and styles only from here; media and outputs may come from the job's URL or an S3 bucket's signed links.
_POLICY = "default-src 'self'; media-src *; connect-src *; img-src 'self' data:; frame-ancestors 'none'"


def _asset(name: str) -> Response:
    if name not in _ASSETS:
        raise NotFound(f"There is no dashboard file {name!r}")
    body = files("aftercall.web").joinpath(name).read_bytes()
    if name == "index.html":  # the language choices are the API's own list
        options = "".join(f'<option value="{tag}">{tag}</option>' for tag in sorted(LANGUAGES - {"en", "auto"}))
        body = body.replace(b"<!-- languages -->", options.encode())
    headers = {"Content-Security-Policy": _POLICY, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
    return Response(body, media_type=_ASSETS[name], headers=headers)


@router.get("/")
def dashboard() -> Response:
    return _asset("index.html")


@router.get("/dashboard/{name}")
def dashboard_asset(name: str) -> Response:
    return _asset(name)
