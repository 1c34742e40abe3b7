"""JSON Schema to a llama.cpp grammar that also forbids the optional whitespace between JSON tokens: a small model
otherwise spends its answer budget on indentation."""

from __future__ import annotations

import re
from typing import Any


def compact_grammar(schema: dict[str, Any]) -> str:
    from cyllama.utils.json_schema_to_grammar import json_schema_to_grammar

    grammar = json_schema_to_grammar(schema)
    return re.sub(r"(?m)^space ::= .*$", 'space ::= ""', grammar)
