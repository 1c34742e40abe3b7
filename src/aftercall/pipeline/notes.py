"""From a transcript to the note files of the summarize and soap-notes presets, each checked against its published
schema before it is stored. Shared by the worker and ``aftercall run``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aftercall.domain.jobs import Preset, Stage
from aftercall.errors import ModelUnavailable, NotesError
from aftercall.llm import LanguageModel
from aftercall.notes import schemas
from aftercall.notes.concepts import TERMS, concept_list
from aftercall.notes.reading import Reading
from aftercall.notes.segments import Segments
from aftercall.notes.soap import STATEMENTS, soap_note
from aftercall.notes.summary import requests, summary_text
from aftercall.pipeline.speech import Progress


@dataclass(frozen=True)
class Notes:
    model: LanguageModel
    judge: bool = False  # the model's second reading of each statement the rules kept
    audit: bool = False  # dropped items listed in the metadata

    def files(self, segments: Segments, preset: Preset, progress: Progress) -> dict[str, bytes]:
        """The preset's note outputs keyed by output section (``summary``; or ``soap`` and ``concept``)."""
        progress.enter(Stage.SUMMARIZING)
        verb = "summarize" if preset is Preset.SUMMARIZE else "write the SOAP note"
        summary = preset is Preset.SUMMARIZE
        plan = requests if summary else _soap_and_concepts
        try:
            reading = Reading(
                self.model,
                segments,
                on_progress=progress.fraction,
                judge=self.judge,
                audit=self.audit,
                plan=plan,
                together=() if summary else (STATEMENTS, TERMS),  # each chunk read once for both
            )
            if summary:
                return {"summary": summary_text(reading).encode()}
            return {
                "soap": _checked(soap_note(reading), schemas.SOAP),
                "concept": _checked(concept_list(reading), schemas.CONCEPT),
            }
        except (NotesError, ModelUnavailable) as exc:
            raise NotesError(f"Failed to {verb}: {exc}") from None


def _soap_and_concepts(chunks: int, per_chunk: int) -> int:
    """The requests of the soap-notes preset: the SOAP note's, then the concepts', over the same chunks."""
    return 2 * chunks * per_chunk


def _checked(document: dict[str, Any], schema: str) -> bytes:
    problems = schemas.problems(document, schema)
    if problems:  # a bug in aftercall, not in the model's answer (that was checked already): fail loudly
        raise NotesError(f"the {schema} output is invalid against its own schema: {problems[0]}")
    return json.dumps(document, ensure_ascii=False, indent=1).encode()
