"""``/v1/files/{key}``: downloads behind the signed, expiring links of the local object store."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter
from fastapi.responses import FileResponse

from aftercall.api.deps import RuntimeDep
from aftercall.api.openapi import answers, binary_answer
from aftercall.domain.outputs import CONTENT_TYPES

router = APIRouter(tags=["files"])


@router.get(
    "/files/{key:path}",
    response_class=FileResponse,
    responses=binary_answer("The file's bytes, typed by what it is")
    | answers(None, 400, 401, 404, authenticated=False),
)
def download_file(rt: RuntimeDep, key: str, expires: int, signature: str) -> FileResponse:
    path = rt.store.linked_file(key, expires, signature)
    guessed = mimetypes.guess_type(path.name)[0] or ""
    media = guessed if guessed.startswith(("audio/", "video/")) else None  # a recording, by its extension
    media_type = CONTENT_TYPES.get(path.suffix.lower().lstrip(".")) or media or "application/octet-stream"
    return FileResponse(path, media_type=media_type, filename=path.name)
