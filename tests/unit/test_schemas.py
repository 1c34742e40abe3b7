import json

import pytest

from aftercall.api.schemas import CreateJobRequest, parse
from aftercall.domain import wire
from aftercall.domain.jobs import JobSpec, SourceType, SpeakerCount
from aftercall.errors import InvalidRequest
from tests.jobs import job_body


def body(**overrides):
    return job_body("https://example.com/a.mp3", **overrides)


def spec_of(data):
    return parse(CreateJobRequest, data).to_spec(job_id="J", domain="local", epoch_time=5)


def problem(data) -> str:
    with pytest.raises(InvalidRequest) as info:
        spec_of(data)
    return str(info.value)


def test_a_minimal_body_becomes_a_spec_with_defaults():
    spec = spec_of(body(unknownTopLevel=1))
    assert spec.source_type is SourceType.URI
    assert spec.target.stem == "calls/J"
    assert spec.transcript.language == "en"
    assert spec.transcript.punctuate is True
    assert wire.job_input(spec) == {"sourceType": "uri", "uri": "https://example.com/a.mp3", "language": "en"}


def test_s3config_alias_and_transcript_language_override():
    data = body(
        outParams={"s3config": {"s3KeyTemplate": "x", "useReplacement": True}},
        transformParams={"transcript": {"language": "fr-CA", "extra": {"keywords": ["Metformin"], "other": 1}}},
    )
    spec = spec_of(data)
    assert spec.target.use_replacement is True
    assert spec.transcript.language == "fr-CA"
    assert "other" not in spec.transcript.stored_extra(), "what no stage reads is not carried"
    assert spec.transcript.keywords == ("Metformin",), "what the pipeline reads is typed"


def test_the_spec_types_extra_once_and_a_stored_spec_reads_back_the_same():
    extra = {"num_speakers": 3, "multichannel": False, "keywords": ["Eliquis", "apixaban"]}
    spec = spec_of(body(transformParams={"transcript": {"extra": extra}}))
    assert spec.transcript.speakers == SpeakerCount(3, 3)
    assert spec.transcript.multichannel is False
    assert spec.transcript.keywords == ("Eliquis", "apixaban")
    assert JobSpec.from_json(json.loads(json.dumps(spec.to_json())), legacy_domain="other", job_id="other") == spec
    plain = spec_of(body())
    assert (plain.transcript.speakers, plain.transcript.multichannel) == (SpeakerCount(1, 8), None)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"multichannel": True},
        {"multichannel": False, "keywords": ["Keppra"]},
        {"min_speakers": 2, "max_speakers": 4},
        {"min_speakers": 11},
        {"max_speakers": 2},
        {"num_speakers": 1, "multichannel": True},
    ],
)
def test_every_typed_option_survives_the_stored_spec(extra):
    """What ``with_extra`` reads, ``TranscriptOptions.stored_extra()`` must store, or it is lost at submission."""
    spec = spec_of(body(transformParams={"transcript": {"extra": extra}}))
    assert JobSpec.from_json(json.loads(json.dumps(spec.to_json())), legacy_domain="d", job_id="j") == spec


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"inParams": {}, "outParams": {}}, "preset"),
        (body(preset="translate"), "preset"),
        (body(inParams={"uri": "https://x/a.mp3"}), "inParams.sourceType"),
        (body(inParams={"sourceType": "uri"}), "inParams.uri"),
        (body(inParams={"sourceType": "recordingId"}), "inParams.recordingId"),
        (body(inParams={"sourceType": "uri", "uri": "https://x", "language": "xx"}), "inParams.language"),
        (body(outParams={}), "outParams.s3Config"),
        (body(outParams={"s3Config": {"s3KeyTemplate": "../up"}}), "outParams.s3Config.s3KeyTemplate"),
        (body(transformParams={"transcript": {"redact": ["passwords"]}}), "transformParams.transcript.redact"),
        (body(transformParams={"transcript": {"extra": {"num_speakers": 0}}}), "transformParams.transcript.extra"),
        (body(transformParams={"transcript": {"punctuate": "maybe"}}), "transformParams.transcript.punctuate"),
    ],
)
def test_each_invalid_body_names_its_field(data, field):
    assert problem(data).startswith(f"{field}: ")


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidRequest, match="must be a JSON object"):
        parse(CreateJobRequest, ["preset"])
