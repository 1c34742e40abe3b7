"""``/v1/recordings``: upload and manage media that jobs can name by ``recordingId`` (docs/api.md §4)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile

from aftercall.api import responses
from aftercall.api.deps import PageDep, RuntimeDep, require_api_key
from aftercall.api.openapi import answers
from aftercall.domain import wire

MAX_VALID_FOR_SECS = 43_200  # Daily's limit on a recording link's lifetime
router = APIRouter(prefix="/recordings", tags=["recordings"], dependencies=[Depends(require_api_key)])


@router.post("", response_model=None, responses=answers(responses.Recording, 413))
def upload_recording(
    rt: RuntimeDep, file: Annotated[UploadFile, File()], room_name: Annotated[str | None, Form()] = None
) -> dict[str, Any]:
    # its type is read from the file itself; its name is kept to tell recordings (and their jobs) apart
    recording = rt.recordings.upload(file.file, room_name=room_name, filename=file.filename)
    return wire.recording(recording)


@router.get("", response_model=None, responses=answers(responses.RecordingPage))
def list_recordings(rt: RuntimeDep, page: PageDep, room_name: str | None = None) -> dict[str, Any]:
    total, items = rt.recordings.list(page, room_name=room_name)
    return wire.page(total, map(wire.recording, items))


@router.get("/{recording_id}", response_model=None, responses=answers(responses.Recording, 404))
def get_recording(rt: RuntimeDep, recording_id: str) -> dict[str, Any]:
    return wire.recording(rt.recordings.get(recording_id))


@router.get("/{recording_id}/access-link", response_model=None, responses=answers(responses.RecordingLink, 404))
def recording_access_link(
    rt: RuntimeDep,
    recording_id: str,
    valid_for_secs: Annotated[int | None, Query(ge=1, le=MAX_VALID_FOR_SECS)] = None,
) -> dict[str, Any]:
    """A download link, valid ``valid_for_secs`` seconds (Daily's bounds: at most 12 hours)."""
    return rt.recordings.access_link(recording_id, valid_for=valid_for_secs)


@router.delete("/{recording_id}", response_model=None, responses=answers(responses.Recording, 404))
def delete_recording(rt: RuntimeDep, recording_id: str) -> dict[str, Any]:
    return wire.recording(rt.recordings.delete(recording_id))
