"""Shared fixtures. With AFTERCALL_REQUIRE_SERVICES=1 (CI) a skipped test counts as a failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REQUIRE_SERVICES = os.environ.get("AFTERCALL_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but AFTERCALL_REQUIRE_SERVICES=1 forbids skips: {report.longrepr}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/ starts a real ``aftercall serve`` process with real models: e2e, and slow (left
    out of the fast loop, ``pytest -m "not slow"``; the README's command and CI run everything)."""
    e2e = Path(__file__).parent / "e2e"
    for item in items:
        if item.path.is_relative_to(e2e):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def data() -> Path:
    return DATA


@pytest.fixture(scope="session")
def s3_endpoint():
    from tests.services import moto_s3_server

    with moto_s3_server() as endpoint:
        yield endpoint
