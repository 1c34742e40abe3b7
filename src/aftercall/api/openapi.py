"""The published OpenAPI document (``/openapi.json``), written for generated clients (docs/api.md §1): each operation
named for what it does (``create_job``, ``upload_recording``), its answer typed (``api/responses.py``), the error
bodies it really sends declared (never FastAPI's 422: validation errors are 400s here), an upload typed as a file
and a download as bytes."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from aftercall.api.responses import Error

_ERRORS = {
    400: "The request is invalid: `info` names the field and the rule (also a malformed Authorization header)",
    401: "No API key, or not a valid one",
    404: "No such object",
    409: "The request conflicts with an earlier one (an Idempotency-Key reused with another body)",
    413: "The body or upload is larger than the server's limit",
    429: "Too many requests for this key (`Retry-After` says when to try again)",
    503: "The job store cannot be reached (`Retry-After` says when to try again)",
}
_EVERY_CALL = (400, 401, 429, 503)  # what any authenticated request may meet
_BINARY = {"type": "string", "format": "binary"}


def operation_id(route: APIRoute) -> str:
    """An operation's id is its route function's name: ``get_job``, not FastAPI's path-derived default."""
    return route.name


def answers(model: Any, *errors: int, authenticated: bool = True) -> dict[int | str, Any]:
    """The ``responses`` of a route: ``model`` (a response model, or a list of one) for 200, and the error bodies
    of ``errors`` and of any authenticated call."""
    documented: dict[int | str, Any] = {200: {"model": model}} if model else {}
    for status in sorted({*errors, *(_EVERY_CALL if authenticated else ())}):
        documented[status] = {"model": Error, "description": _ERRORS[status]}
    return documented


def binary_answer(description: str) -> dict[int | str, Any]:
    """A 200 whose body is a file's bytes, of whatever type the file is."""
    return {200: {"description": description, "content": {"application/octet-stream": {"schema": _BINARY}}}}


def install(app: FastAPI, bodies: list[type[BaseModel]]) -> None:
    """Make ``app.openapi()`` publish this document; ``bodies`` are the JSON bodies routes parse themselves (to give
    their own error messages), published as components."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app, bodies)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document(app: FastAPI, bodies: list[type[BaseModel]]) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in bodies:
        body = model.model_json_schema(by_alias=True, ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components[model.__name__] = body
    for path in schema["paths"].values():
        for operation in path.values():
            operation["responses"].pop("422", None)  # FastAPI's; a validation error is a 400 {"error","info"}
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _files_as_binary(content.get("schema", {}), components)
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema


def _files_as_binary(schema: dict[str, Any], components: dict[str, Any]) -> None:
    """A multipart field of bytes is a file to upload (``format: binary``), not a string of text."""
    ref = schema.get("$ref", "")
    target = components.get(ref.rpartition("/")[2], {}) if ref else schema
    for field in target.get("properties", {}).values():
        if field.get("type") == "string" and field.get("contentMediaType") == "application/octet-stream":
            field.pop("contentMediaType")
            field["format"] = "binary"
