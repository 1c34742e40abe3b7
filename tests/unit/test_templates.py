import pytest

from aftercall.domain.jobs import OutputTarget, expand_template, template_problem


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
    target = OutputTarget(stem="calls/x", use_replacement=False)
    assert target.key(domain="d", job_id="j", kind="transcript", extension="vtt") == "d/j/transcript/calls/x.vtt"
    assert target.key(domain="d", job_id="j", kind="soap", extension="json") == "d/j/soap/calls/x.json"


def test_replacement_layout_uses_the_stem_itself():
    target = OutputTarget(stem="local/calls/J", use_replacement=True)
    assert target.key(domain="d", job_id="J", kind="transcript", extension="srt") == "local/calls/J.srt"
    assert target.key(domain="d", job_id="J", kind="summary", extension="txt") == "local/calls/J-summary.txt"
