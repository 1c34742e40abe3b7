"""The published JSON Schemas of the soap and concept outputs; every output is validated against them before it is
stored."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import jsonschema
from referencing import Registry, Resource

SOAP = "soap.schema.json"
CONCEPT = "concept.schema.json"


def load(name: str) -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(name).read_text())


@lru_cache(maxsize=1)
def _registry() -> Registry:
    return Registry().with_resources((name, Resource.from_contents(load(name))) for name in (SOAP, CONCEPT))


def problems(document: Any, name: str) -> list[str]:
    """Why ``document`` is not valid against the schema ``name`` (empty when it is)."""
    validator = jsonschema.Draft202012Validator(load(name), registry=_registry())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in validator.iter_errors(document)]
