"""Every operation of the published OpenAPI, fed what its schema allows and what it does not (schemathesis's
generated cases, a bounded number per operation): the API answers each with a status below 500, one the document
declares for that operation, with a body of the declared type and shape (what generated clients rely on)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aftercall.api.app import create_app
from aftercall.bootstrap import build_embedded
from aftercall.settings import Settings
from tests.integration.conftest import KEY

pytestmark = pytest.mark.slow  # hundreds of generated requests

DOCUMENTED = [status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 50  # per operation: about fifteen seconds for the whole API on two cores


@pytest.mark.timeout(900)
def test_no_request_the_schema_describes_makes_the_api_fail(tmp_path) -> None:
    runtime = build_embedded(Settings(data_dir=tmp_path / "data", api_keys=KEY, rate_limit_per_minute=100_000))
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(runtime, manage_runtime=False))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10, "the whole API is published"
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)  # fmt: skip
        @given(case=operation.as_strategy())
        def answers_below_500(case: schemathesis.Case) -> None:
            response = case.call(headers={"Authorization": f"Bearer {KEY}"})
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
            case.validate_response(response, checks=DOCUMENTED)

        answers_below_500()
