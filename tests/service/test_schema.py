"""schemathesis against the live service's own OpenAPI schema: no 5xx, every answer matches the schema."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

from schemathesis.checks import (content_type_conformance, not_a_server_error, response_headers_conformance,
                                 response_schema_conformance, status_code_conformance)

from .conftest import TOKEN, service

#: What the issue asks: no 5xx, and every answer (status, type, headers, body) as the schema says. Not
#: "positive data acceptance": a schema-valid upload of random bytes is rightly refused (422).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]

#: Examples per operation: bounded, so the whole run stays within seconds.
EXAMPLES = 10


def test_api_matches_its_schema(exhibition):
    with service(exhibition, "--workers", "0", "--max-upload", "2MB") as srv:
        schema = schemathesis.openapi.from_url(f"{srv.url}/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert {f"{op.method.upper()} {op.path}" for op in operations} >= {
            "GET /healthz", "POST /api/pieces", "GET /api/pieces", "GET /api/pieces/{piece_id}",
            "DELETE /api/pieces/{piece_id}"}
        calls = []
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def check(case):
                response = case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
                calls.append((operation.path, response.status_code))

            check()
        assert len(calls) >= len(operations) * 3
        assert all(status < 500 for _, status in calls)
        assert srv.client.get("/healthz").status_code == 200
