"""The layers of docs/architecture.md hold: each imports only from those below it and the domain imports no framework
(the contracts are in pyproject.toml, read by import-linter over the installed package)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_layer_imports_only_from_the_layers_below_it() -> None:
    lint = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
    done = subprocess.run([sys.executable, "-c", lint], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Contracts:" in done.stdout, "the contracts ran"
