"""The dashboard: static pages served at ``/`` that use the REST API with the key the user enters once."""

from __future__ import annotations

import html
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import Response

from aftercall.api.deps import RuntimeDep
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


def _asset(name: str, *, notes_unavailable: str | None = None) -> Response:
    if name not in _ASSETS:
        raise NotFound(f"There is no dashboard file {name!r}")
    body = files("aftercall.web").joinpath(name).read_bytes()
    if name == "index.html":  # the language choices are the API's own list; the notes presets, what it can run
        options = "".join(f'<option value="{tag}">{tag}</option>' for tag in sorted(LANGUAGES - {"en", "auto"}))
        body = body.replace(b"<!-- languages -->", options.encode())
        body = body.replace(b"<!-- presets -->", _presets(notes_unavailable).encode())
    headers = {"Content-Security-Policy": _POLICY, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}
    return Response(body, media_type=_ASSETS[name], headers=headers)


def _presets(notes_unavailable: str | None) -> str:
    """The preset choices: the notes presets disabled, with the reason beside them, where no notes can be written."""
    off = " disabled" if notes_unavailable else ""
    notes = "".join(f'<option value="{preset}"{off}>{preset}</option>' for preset in ("summarize", "soap-notes"))
    choices = f'<select id="preset"><option value="transcript">transcript</option>{notes}</select>'
    if notes_unavailable:
        why = html.escape(f"The notes presets are off: {notes_unavailable}.")
        choices += f'<span class="hint" id="notes-unavailable">{why}</span>'
    return choices


@router.get("/")
def dashboard(rt: RuntimeDep) -> Response:
    return _asset("index.html", notes_unavailable=rt.batch.notes_unavailable())


@router.get("/dashboard/{name}")
def dashboard_asset(name: str) -> Response:
    return _asset(name)
