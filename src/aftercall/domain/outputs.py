"""Every file a job can write (its transcript in four formats, its notes), and the object key of each, resolved once
when the job is submitted (docs/api.md §2 "Output keys")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FORMATS = ("txt", "srt", "vtt", "json")  # the transcript's formats, by extension
CONTENT_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "json": "application/json",
}


@dataclass(frozen=True)
class OutputFile:
    """One file a job can write. ``section``: where the job's ``output`` lists it; ``kind``: its key's kind."""

    section: Literal["transcription", "summary", "soap", "concept"]
    kind: Literal["transcript", "summary", "soap", "concept"]
    extension: str

    @property
    def name(self) -> str:
        return f"{self.kind}.{self.extension}"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]

    @property
    def wire_format(self) -> str:
        """The ``format`` the job's output gives it: a transcript's extension; a note's ``txt`` or ``JSON``."""
        if self.kind == "transcript" or self.extension == "txt":
            return self.extension
        return self.extension.upper()


TRANSCRIPT_FILES = tuple(OutputFile("transcription", "transcript", fmt) for fmt in FORMATS)
TRANSCRIPT_JSON = TRANSCRIPT_FILES[FORMATS.index("json")]  # what a notes stage reads when another worker transcribed
NOTE_FILES = {
    "summary": OutputFile("summary", "summary", "txt"),
    "soap": OutputFile("soap", "soap", "json"),
    "concept": OutputFile("concept", "concept", "json"),
}
CATALOGUE = (*TRANSCRIPT_FILES, *NOTE_FILES.values())


@dataclass(frozen=True)
class OutputTarget:
    """Where one job writes: its key template, substituted once at submission (``stem``), and the key of every file
    of the catalogue, resolved then too, so retries, links and deletes all use the same keys."""

    stem: str
    use_replacement: bool
    keys: dict[str, str] = field(hash=False)  # by OutputFile.name

    @classmethod
    def resolve(cls, stem: str, *, use_replacement: bool, domain: str, job_id: str) -> OutputTarget:
        """The keys of a job submitted now. A new layout goes here; :func:`legacy_keys` stays as it is."""
        return cls(
            stem, use_replacement, legacy_keys(stem, use_replacement=use_replacement, domain=domain, job_id=job_id)
        )

    def key(self, file: OutputFile) -> str:
        return self.keys[file.name]

    def all_keys(self) -> list[str]:
        """The key of every output the job could have written, produced or not (deleting a job removes them)."""
        return [self.key(file) for file in CATALOGUE]


def legacy_keys(stem: str, *, use_replacement: bool, domain: str, job_id: str) -> dict[str, str]:
    """The keys the versions that did not store them (before schema revision 0003) wrote a job's outputs at, by
    ``OutputFile.name``; frozen. The default layout is ``{domain}/{job_id}/{kind}/{stem}.{ext}``; with
    ``useReplacement`` the stem is the key itself: ``{stem}.{ext}`` for the transcript, ``{stem}-{kind}.{ext}`` for
    a note."""
    keys = {}
    for name in ("transcript.txt", "transcript.srt", "transcript.vtt", "transcript.json", "summary.txt", "soap.json",
                 "concept.json"):  # fmt: skip
        kind, extension = name.split(".")
        if use_replacement:
            keys[name] = f"{stem}{'' if kind == 'transcript' else f'-{kind}'}.{extension}"
        else:
            keys[name] = f"{domain}/{job_id}/{kind}/{stem}.{extension}"
    return keys
