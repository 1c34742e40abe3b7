"""Each kind of job's stages share its percent from 0 to 100, in the order they run, with no gap or overlap."""

import itertools

import pytest

from aftercall.domain.jobs import JobSpec, Preset, SourceType, Stage, TranscriptOptions
from aftercall.domain.outputs import OutputTarget
from aftercall.pipeline.run import percent_spans

_ORDER = list(Stage)


_MEDIA = {Stage.DOWNLOADING, Stage.DECODING, Stage.TRANSCRIBING, Stage.DIARIZING, Stage.RENDERING, Stage.UPLOADING}


@pytest.mark.parametrize(
    ("preset", "source_type", "entered"),
    [
        (Preset.TRANSCRIPT, SourceType.URI, _MEDIA),
        (Preset.SOAP_NOTES, SourceType.URI, _MEDIA | {Stage.SUMMARIZING}),
        (Preset.SUMMARIZE, SourceType.RECORDING_ID, _MEDIA | {Stage.SUMMARIZING}),
        (Preset.SOAP_NOTES, SourceType.TRANSCRIPT_URI, {Stage.DOWNLOADING, Stage.SUMMARIZING, Stage.UPLOADING}),
    ],
)
def test_a_jobs_stages_cover_its_percent_once_in_order(
    preset: Preset, source_type: SourceType, entered: set[Stage]
) -> None:
    """Every stage the job enters has a span (the worker looks each one up), and each span moves forward."""
    spec = JobSpec(preset, source_type, "source", OutputTarget("calls/x", False, {}), TranscriptOptions())
    spans = percent_spans(spec)
    stages = sorted(spans, key=_ORDER.index)
    assert list(spans) == stages
    assert spans[stages[0]][0] == 0
    assert spans[stages[-1]][1] == 100
    for before, after in itertools.pairwise(stages):
        assert spans[before][1] == spans[after][0]
    assert set(spans) == entered
    assert all(first < last for first, last in spans.values())
