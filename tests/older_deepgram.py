"""Deepgram's older Python SDK (3.x, whose ``PrerecordedResponse`` many clients still parse with), which cannot share a
virtualenv with the current one: installed once into a folder of its own under the user's cache, and run in a
separate interpreter that reads a transcript JSON and says which of its fields the older model did not read back
unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

VERSION = "3.11.0"  # the last 3.x release
_READ_BACK = """
import json, sys
from deepgram import PrerecordedResponse

ours = json.load(sys.stdin)
theirs = PrerecordedResponse.from_json(json.dumps(ours)).to_dict()
lost = []

def compare(a, b, path):
    if isinstance(a, dict):
        for key, value in a.items():
            if not isinstance(b, dict) or key not in b:
                lost.append(path + "." + key)
            else:
                compare(value, b[key], path + "." + key)
    elif isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            lost.append(path)
        else:
            for n, (x, y) in enumerate(zip(a, b)):
                compare(x, y, f"{path}[{n}]")
    elif a != b:
        lost.append(path)

compare(ours, theirs, "")
print(json.dumps(lost))
"""


def older_sdk() -> Path:
    """The folder holding deepgram-sdk 3.x and its dependencies (installed from the package index the first time)."""
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aftercall" / f"deepgram-sdk-{VERSION}"
    if not (cache / "deepgram").is_dir():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-warn-conflicts",
             "--target", str(cache), f"deepgram-sdk=={VERSION}"],
            check=True,
        )  # fmt: skip
    return cache


def not_read_back(document: dict[str, Any]) -> list[str]:
    """The paths of ``document`` that ``PrerecordedResponse.from_json(...).to_dict()`` loses or changes."""
    env = {**os.environ, "PYTHONPATH": str(older_sdk())}
    done = subprocess.run(
        [sys.executable, "-c", _READ_BACK], input=json.dumps(document), capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))
