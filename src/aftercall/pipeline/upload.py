"""Final step: write the rendered files to the object store, at the keys resolved when the job was submitted, and
describe them as the job's ``output``."""

from __future__ import annotations

from typing import Any

from aftercall.domain.outputs import NOTE_FILES, TRANSCRIPT_FILES, OutputTarget
from aftercall.storage import ObjectStore


def upload_transcripts(store: ObjectStore, target: OutputTarget, files: dict[str, bytes]) -> dict[str, Any]:
    """Upload each format and return ``{"transcription": [{"format", "s3Config"}]}`` (docs/api.md §2)."""
    for file in TRANSCRIPT_FILES:
        store.put_bytes(target.key(file), files[file.extension], file.content_type)
    return {
        "transcription": [
            {"format": file.wire_format, "s3Config": store.location(target.key(file))} for file in TRANSCRIPT_FILES
        ]
    }


def upload_notes(store: ObjectStore, target: OutputTarget, files: dict[str, bytes]) -> dict[str, Any]:
    """Upload the note files made and describe them as output sections (``summary`` txt, ``soap``/``concept`` JSON)."""
    output = {}
    for section, data in files.items():
        file = NOTE_FILES[section]
        store.put_bytes(target.key(file), data, file.content_type)
        output[section] = {"format": file.wire_format, "s3Config": store.location(target.key(file))}
    return output
