"""``/v1/recordings``: upload and manage media that jobs can name by ``recordingId`` (docs/api.md §4)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile

from aftercall.api.deps import PageDep, RuntimeDep, require_api_key
from aftercall.domain import wire

router = APIRouter(prefix="/recordings", tags=["recordings"], dependencies=[Depends(require_api_key)])


@router.post("")
def upload_recording(
    rt: RuntimeDep, file: Annotated[UploadFile, File()], room_name: Annotated[str | None, Form()] = None
) -> dict[str, Any]:
    recording = rt.recordings.upload(file.file, room_name=room_name)  # its type is read from the file itself
    return wire.recording(recording)


@router.get("")
def list_recordings(rt: RuntimeDep, page: PageDep, room_name: str | None = None) -> dict[str, Any]:
    total, items = rt.recordings.list(page, room_name=room_name)
    return wire.page(total, map(wire.recording, items))


@router.get("/{recording_id}")
def get_recording(rt: RuntimeDep, recording_id: str) -> dict[str, Any]:
    return wire.recording(rt.recordings.get(recording_id))


@router.get("/{recording_id}/access-link")
def recording_access_link(rt: RuntimeDep, recording_id: str) -> dict[str, Any]:
    return rt.recordings.access_link(recording_id)


@router.delete("/{recording_id}")
def delete_recording(rt: RuntimeDep, recording_id: str) -> dict[str, Any]:
    return wire.recording(rt.recordings.delete(recording_id))
