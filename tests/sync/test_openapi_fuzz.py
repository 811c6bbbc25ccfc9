"""The server's OpenAPI description, fuzzed with schemathesis against the live server on a loopback port: no 5xx,
no invalid payload accepted, responses as documented. Bounded (a few examples per operation and mode) to keep the
suite fast. Driven through hypothesis directly (schemathesis' pytest plugin does not support pytest 9 yet)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

schemathesis = pytest.importorskip("schemathesis")

from helpers import LiveServer, enrol, make_laptop  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402

EXAMPLES = 10


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from app.server.db import open_database

    folder = tmp_path_factory.mktemp("openapi")
    engine = open_database(str(folder / "central.db"))
    lap = make_laptop(folder, "A1")
    token = enrol(engine, lap)
    with LiveServer(engine) as srv:
        yield srv, token
    lap.close()


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_api_conforms(live_api, mode: str) -> None:  # type: ignore[no-untyped-def]
    srv, token = live_api
    schema = schemathesis.openapi.from_url(srv.url + "/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 7
    for op in operations:
        strategy = op.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

        @given(strategy)
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case) -> None:  # type: ignore[no-untyped-def]
            excluded = []
            if case.path == "/v1/bundles":
                # Any bytes match "binary"; only a real, signed bundle is acceptable, so schema-valid bytes are
                # rightly refused (400 with a reason). Every other check still applies.
                excluded = [positive_data_acceptance]
            if case.path == "/v1/patients/lookup":
                # A schema-valid look-up names no patient the server holds, or gives no reason: refused with a
                # code and a sentence, and written to the central audit (tests/sync/test_feed_scope.py).
                excluded = [positive_data_acceptance]
            case.call_and_validate(base_url=srv.url, headers={"Authorization": f"Bearer {token}"},
                                   excluded_checks=excluded)

        try:
            run()
        except Unsatisfiable:
            assert mode == "negative"  # nothing to make invalid (e.g. health takes no input)


def test_schema_lists_the_sync_endpoints(live_api) -> None:  # type: ignore[no-untyped-def]
    import httpx

    srv, _ = live_api
    doc = httpx.get(srv.url + "/openapi.json").json()
    assert {"/v1/changes", "/v1/feed", "/v1/bundles", "/v1/health"} <= set(doc["paths"])
