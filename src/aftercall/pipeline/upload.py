"""Final step: write the rendered files to the object store and describe them as the job's ``output``."""

from __future__ import annotations

from typing import Any

from aftercall.domain.jobs import OutputTarget
from aftercall.pipeline.render import CONTENT_TYPES, FORMATS
from aftercall.storage import ObjectStore


def transcript_keys(target: OutputTarget, *, domain: str, job_id: str) -> dict[str, str]:
    return {fmt: target.key(domain=domain, job_id=job_id, kind="transcript", extension=fmt) for fmt in FORMATS}


def upload_transcripts(store: ObjectStore, keys: dict[str, str], files: dict[str, bytes]) -> dict[str, Any]:
    """Upload each format and return ``{"transcription": [{"format", "s3Config"}]}`` (docs/api.md §2)."""
    for fmt in FORMATS:
        store.put_bytes(keys[fmt], files[fmt], CONTENT_TYPES[fmt])
    return {"transcription": [{"format": fmt, "s3Config": store.location(keys[fmt])} for fmt in FORMATS]}


# The single-file outputs: output section -> (key kind, file extension).
NOTE_OUTPUTS = {"summary": ("summary", "txt"), "soap": ("soap", "json"), "concept": ("concept", "json")}
_ALL_OUTPUTS = [("transcript", fmt) for fmt in FORMATS] + list(NOTE_OUTPUTS.values())


def note_keys(target: OutputTarget, *, domain: str, job_id: str) -> dict[str, str]:
    return {
        section: target.key(domain=domain, job_id=job_id, kind=kind, extension=ext)
        for section, (kind, ext) in NOTE_OUTPUTS.items()
    }


def upload_notes(store: ObjectStore, keys: dict[str, str], files: dict[str, bytes]) -> dict[str, Any]:
    """Upload the note files made and describe them as output sections (``summary`` txt, ``soap``/``concept`` JSON)."""
    output = {}
    for section, data in files.items():
        extension = NOTE_OUTPUTS[section][1]
        store.put_bytes(keys[section], data, CONTENT_TYPES[extension])
        output[section] = {"format": "txt" if extension == "txt" else "JSON", "s3Config": store.location(keys[section])}
    return output


def job_keys(target: OutputTarget, *, domain: str, job_id: str) -> list[str]:
    """The store keys of every output a job could have written, produced or not (deleting a job removes them)."""
    return [target.key(domain=domain, job_id=job_id, kind=kind, extension=ext) for kind, ext in _ALL_OUTPUTS]
