"""Property-based tests from the app's own OpenAPI schema: no 5xx, and every answer conforms to the schema."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.settings import Settings

EXAMPLES_PER_MODE = 600
"""Generated requests per mode (valid, then invalid data): 1,200 in all, spread over every operation."""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def started_app(settings: Settings, serving: Callable[[Settings], FastAPI]) -> Iterator[FastAPI]:
    """Return the app with its lifespan entered, so the model is loaded while schemathesis calls it."""
    app = serving(settings)
    with TestClient(app):
        yield app


def sends_null(case: schemathesis.Case[Any]) -> bool:
    """Return whether the case's JSON body or form sends some field as null."""
    return isinstance(case.body, dict) and any(value is None for value in case.body.values())


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_generated_requests_never_fail_the_server_and_conform(started_app: FastAPI, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", started_app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    calls: Counter[str] = Counter()

    @given(case=schema.as_strategy(mode))
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case[Any]) -> None:
        response = case.call_and_validate(checks=checks)
        # Schema-violating data is refused (schemathesis's own check does not count 413 as a refusal), except
        # a field sent as null: the document types fields without null, but the API reads null as not sent
        # (app.schemas.NULL_IS_ABSENT), so {"pixels": ..., "target": null} is a valid request answered 200.
        if mode is GenerationMode.NEGATIVE and not sends_null(case):
            assert 400 <= response.status_code < 500, (response.status_code, response.text[:200])
        calls[f"{case.method} {case.path}"] += 1

    run()
    # Every operation was exercised (invalid data exists only where there are inputs), as often as configured.
    exercised = {"POST /predict", "POST /predict/image", "GET /api/neurons/{layer}/{index}"}
    if mode is GenerationMode.POSITIVE:
        exercised |= {"GET /api/model", "GET /healthz"}  # their one input, a header, cannot be made invalid
    print(dict(calls))
    assert exercised <= set(calls)
    assert sum(calls.values()) >= EXAMPLES_PER_MODE
