"""Configuration errors an operator can act on: one line naming the variable and its rule, and a warning for a
misspelt variable that would otherwise be silently ignored."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from aftercall.cli import main
from aftercall.errors import ConfigurationError
from aftercall.settings import Settings, load, unknown_variables


def test_an_invalid_value_names_its_variable_and_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AFTERCALL_LINK_TTL_SECONDS", "0")
    with pytest.raises(ConfigurationError) as info:
        load()
    assert str(info.value) == "AFTERCALL_LINK_TTL_SECONDS=0: Input should be greater than or equal to 1"


def test_a_misspelt_variable_is_named_with_the_setting_it_meant() -> None:
    environ = {"AFTERCALL_ASR_ENGIN": "x", "AFTERCALL_PORT": "9000", "AFTERCALL_ZZZ": "1", "PATH": "/bin"}
    assert unknown_variables(environ) == [
        "AFTERCALL_ASR_ENGIN is not a setting (did you mean AFTERCALL_ASR_ENGINE?)",
        "AFTERCALL_ZZZ is not a setting",
    ]


def test_the_command_says_it_in_one_line_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("AFTERCALL_")]:  # (the test run's own, such as CI's)
        monkeypatch.delenv(name)
    monkeypatch.setenv("AFTERCALL_LINK_TTL_SECONDS", "0")
    monkeypatch.setenv("AFTERCALL_ASR_ENGIN", "local")
    result = CliRunner().invoke(main, ["migrate"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines == [
        "Warning: AFTERCALL_ASR_ENGIN is not a setting (did you mean AFTERCALL_ASR_ENGINE?).",
        "Error: AFTERCALL_LINK_TTL_SECONDS=0: Input should be greater than or equal to 1",
    ]


def test_config_lists_every_setting_with_its_value_and_meaning_and_hides_keys_and_passwords(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AFTERCALL_DATABASE_URL", "postgresql://aftercall:hunter2@db/aftercall")
    monkeypatch.setenv("AFTERCALL_LLM_API_KEY", "sk-live-123")
    monkeypatch.setenv("AFTERCALL_WORKERS", "3")
    result = CliRunner().invoke(main, ["config"])
    assert result.exit_code == 0, result.output
    assert "hunter2" not in result.output
    assert "sk-live-123" not in result.output
    lines = result.stdout.splitlines()
    listed = [line.split(" = ")[0] for line in lines if not line.startswith(" ")]
    assert listed == [f"AFTERCALL_{name.upper()}" for name in Settings.model_fields]
    assert all(line.strip() for line in lines[1::2]), "every setting says what it means"
    assert "AFTERCALL_WORKERS = 3  (default: 0)" in lines
    assert "AFTERCALL_DATABASE_URL = postgresql://aftercall:***@db/aftercall  (default: (unset))" in lines
    assert "AFTERCALL_LLM_API_KEY = (set)  (default: (unset))" in lines


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret@redis:6379/0", "redis://:***@redis:6379/0"),
        ("amqp://guest:p@ss@rabbit:5672//", "amqp://guest:***@rabbit:5672//"),
        ("redis://redis:6379/0?password=s3cret&db=1", "redis://redis:6379/0?password=***&db=1"),
        ("postgresql://aftercall@db/aftercall", "postgresql://aftercall@db/aftercall"),
    ],
)
def test_config_hides_every_password_a_url_can_carry(monkeypatch: pytest.MonkeyPatch, url: str, shown: str) -> None:
    monkeypatch.setenv("AFTERCALL_BROKER_URL", url)
    result = CliRunner().invoke(main, ["config"])
    assert f"AFTERCALL_BROKER_URL = {shown}  (default: inprocess://)" in result.stdout.splitlines()
