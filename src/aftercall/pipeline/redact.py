"""Step 5: ``redact`` and ``profanity_filter`` applied to the transcript's words before any file is rendered.

The word lists are data files of PyPI packages (read, not imported): US census first and last names from ``names``
(MIT), and the profanity list of ``better-profanity`` (MIT), less the anatomical and clinical words a medical call
needs to keep.
"""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from functools import cache
from pathlib import Path

from aftercall.domain.jobs import TranscriptOptions
from aftercall.domain.redaction import Lexicon, mask_profanity, redact
from aftercall.domain.transcript import Transcript
from aftercall.errors import ConfigurationError

_CLINICAL_WORDS = (
    "anal anus breast breasts butt cervix clitoris ejaculate ejaculation erection genitals labia menstruation "
    "nipple nipples orgasm ovary penis prostate rectal rectum scrotum semen sex sexual sperm testicle testicles "
    "testis urine uterus vagina vaginal vulva bowel bowels poop pee period"
)
CLINICAL = frozenset(_CLINICAL_WORDS.split())


def _package_file(package: str, name: str) -> Path:
    spec = importlib.util.find_spec(package)
    path = Path(next(iter(spec.submodule_search_locations or ()))) / name if spec else None
    if path is None or not path.is_file():
        raise ConfigurationError(f"the word list {name} of the {package} package is missing: reinstall aftercall")
    return path


def _census(name: str) -> frozenset[str]:
    lines = _package_file("names", name).read_text().splitlines()
    return frozenset(line.split()[0].lower() for line in lines if line.strip())


@cache
def lexicon() -> Lexicon:
    profane = _package_file("better_profanity", "profanity_wordlist.txt").read_text().split("\n")
    return Lexicon(
        first_names=_census("dist.male.first") | _census("dist.female.first"),
        last_names=_census("dist.all.last"),
        profanities=frozenset(w.strip().lower() for w in profane if w.strip() and " " not in w) - CLINICAL,
    )


def apply(transcript: Transcript, options: TranscriptOptions) -> Transcript:
    if not options.redact and not options.profanity_filter:
        return transcript
    words = redact(transcript.words, options.redact, lexicon())
    if options.profanity_filter:
        words = mask_profanity(words, lexicon())
    return replace(transcript, words=words)
