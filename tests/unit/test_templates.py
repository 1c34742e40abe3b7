import pytest

from aftercall.domain.jobs import expand_template, template_problem
from aftercall.domain.outputs import NOTE_FILES, TRANSCRIPT_FILES, OutputTarget


@pytest.mark.parametrize(
    "template",
    ["call", "calls/{job_id}", "{domain_name}/calls/{job_id}-{epoch_time}", "a.b_c-d/E9", "x" * 1024],
)
def test_accepts_templates_of_allowed_characters_and_variables(template):
    assert template_problem(template) is None


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("", "empty"),
        ("x" * 1025, "at most 1024"),
        ("calls/../secrets", "'..'"),
        ("/abs/path", "start with '/'"),
        ("a b", "not allowed"),
        ("{unknown}", "not allowed"),
        ("calls//x", "empty or '.'"),
        ("calls/", "empty or '.'"),
        ("./calls", "empty or '.'"),
        ("café", "not allowed"),
    ],
)
def test_refuses_bad_templates_with_a_reason(template, reason):
    problem = template_problem(template)
    assert problem is not None
    assert reason in problem


def test_expands_every_variable():
    stem = expand_template("{domain_name}/{job_id}/{epoch_time}", domain="local", job_id="J", epoch_time=17)
    assert stem == "local/J/17"


def test_default_layout_puts_outputs_under_domain_job_and_kind():
    target = OutputTarget.resolve("calls/x", use_replacement=False, domain="d", job_id="j")
    assert target.key(TRANSCRIPT_FILES[2]) == "d/j/transcript/calls/x.vtt"
    assert target.key(NOTE_FILES["soap"]) == "d/j/soap/calls/x.json"
    assert len(set(target.all_keys())) == 7


def test_replacement_layout_uses_the_stem_itself():
    target = OutputTarget.resolve("local/calls/J", use_replacement=True, domain="d", job_id="J")
    assert target.key(TRANSCRIPT_FILES[1]) == "local/calls/J.srt"
    assert target.key(NOTE_FILES["summary"]) == "local/calls/J-summary.txt"
