"""Each kind of job's stages share its percent from 0 to 100, in the order they run, with no gap or overlap."""

import itertools

import pytest

from aftercall.domain.jobs import JobSpec, Preset, SourceType, Stage, TranscriptOptions
from aftercall.domain.outputs import OutputTarget
from aftercall.pipeline.run import percent_spans

_ORDER = list(Stage)


@pytest.mark.parametrize(
    ("preset", "source_type"),
    [
        (Preset.TRANSCRIPT, SourceType.URI),
        (Preset.SOAP_NOTES, SourceType.URI),
        (Preset.SUMMARIZE, SourceType.RECORDING_ID),
        (Preset.SOAP_NOTES, SourceType.TRANSCRIPT_URI),
    ],
)
def test_a_jobs_stages_cover_its_percent_once_in_order(preset: Preset, source_type: SourceType) -> None:
    spec = JobSpec(preset, source_type, "source", OutputTarget("calls/x", False, {}), TranscriptOptions())
    spans = percent_spans(spec)
    stages = sorted(spans, key=_ORDER.index)
    assert list(spans) == stages
    assert spans[stages[0]][0] == 0
    assert spans[stages[-1]][1] == 100
    for before, after in itertools.pairwise(stages):
        assert spans[before][1] == spans[after][0]
    assert Stage.DOWNLOADING in spans
    assert Stage.UPLOADING in spans
    assert (Stage.TRANSCRIBING in spans) is (source_type is not SourceType.TRANSCRIPT_URI)
    assert (Stage.SUMMARIZING in spans) is (preset is not Preset.TRANSCRIPT)
