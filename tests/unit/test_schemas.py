import json

import pytest

from aftercall.api.schemas import KNOWS_LANGUAGE, CreateJobRequest, parse
from aftercall.asr import AsrRequest
from aftercall.domain import wire
from aftercall.domain.jobs import JobSpec, SourceType, SpeakerCount
from aftercall.errors import InvalidRequest
from aftercall.pipeline.transcribe import asr_request
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


def test_deepgrams_options_in_extra_take_their_meaning_where_aftercall_can_honour_it():
    extra = {"detect_language": True, "keyterm": "tirzepatide", "keywords": ["Mounjaro:2"], "smart_format": True,
             "paragraphs": True, "utterances": True, "numerals": True}  # fmt: skip
    spec = spec_of(body(inParams={"sourceType": "uri", "uri": "https://e.com/a.mp3", "language": "fr"},
                        transformParams={"transcript": {"extra": extra}}))  # fmt: skip
    assert spec.transcript.language == "auto", "detect_language: the language is detected, whatever was named"
    assert (spec.transcript.keywords, spec.transcript.keyterms) == (("Mounjaro:2",), ("tirzepatide",))
    request = AsrRequest(language=None, keywords=spec.transcript.keywords, keyterms=spec.transcript.keyterms)
    assert request.terms == ("Mounjaro", "tirzepatide"), "for engines without boosts or keyterms: plain words"
    assert JobSpec.from_json(json.loads(json.dumps(spec.to_json())), legacy_domain="x", job_id="J") == spec
    listed = spec_of(body(transformParams={"transcript": {"extra": {"keyterm": ["a1c", "eGFR"]}}}))
    assert listed.transcript.keyterms == ("a1c", "eGFR")


def test_languages_are_dailys_tags_auto_multi_and_those_the_speech_engine_knows():
    swahili = body(inParams={"sourceType": "uri", "uri": "https://e.com/a.mp3", "language": "sw"})
    with pytest.raises(InvalidRequest) as refused:
        spec_of(swahili)
    assert str(refused.value).startswith("inParams.language: unsupported language 'sw'")
    known = parse(CreateJobRequest, swahili, {KNOWS_LANGUAGE: lambda code: code == "sw"})
    assert known.to_spec(job_id="J", domain="local", epoch_time=5).transcript.language == "sw"
    multi = spec_of(body(transformParams={"transcript": {"language": "multi", "extra": {"detect_language": True}}}))
    assert (asr_request(multi.transcript).language, asr_request(multi.transcript).mixed) == (None, True), "by part"
    assert asr_request(spec_of(body()).transcript).mixed is False
    odd = body(inParams={"sourceType": "uri", "uri": "https://e.com/a", "language": "s w!"})
    with pytest.raises(InvalidRequest, match=r"^inParams\.language: "):
        parse(CreateJobRequest, odd, {KNOWS_LANGUAGE: lambda code: True})  # not a language tag at all


@pytest.mark.parametrize(
    "extra",
    [{"smart_format": "yes"}, {"detect_language": 1}, {"keyterm": 3}, {"keyterm": ["ok", 2]}, {"numerals": None}],
)
def test_a_deepgram_option_of_the_wrong_type_is_refused_naming_extra(extra):
    with pytest.raises(InvalidRequest) as refused:
        spec_of(body(transformParams={"transcript": {"extra": extra}}))
    assert str(refused.value).startswith("transformParams.transcript.extra: ")


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


def test_a_jobs_options_as_shown_submit_the_same_job_again():
    options = {"redact": ["pii"], "diarize": False, "profanity_filter": True,
               "extra": {"keywords": ["Keppra:2"], "keyterm": ["levetiracetam"], "num_speakers": 2}}  # fmt: skip
    first = spec_of(body(transformParams={"transcript": options}))
    shown = wire.transcript_params(first)
    assert sorted(shown["redact"]) == ["email", "name", "phone", "ssn"], "pii, as the kinds it stands for"
    again = spec_of(body(transformParams={"transcript": shown}))
    assert again.transcript == first.transcript
