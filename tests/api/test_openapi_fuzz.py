"""Schemathesis over /api/openapi.json: no 5xx and no answer the document does not describe.

A real server per database (set up once for the module), an admin token, a few sites,
editors and reports so that ids and filters can hit something, and a bounded number of
generated examples per operation.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.tokens import create_token
from tests.conftest import LiveServer, _truncate, settings_for
from tests.dashboard.helpers import SITES, report_body, setup_newsroom

EXAMPLES = 25


@dataclass(frozen=True)
class FuzzTarget:
    """A running server and an admin token for it."""

    server: LiveServer
    token: str


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzTarget]:
    """A server on each database with a newsroom, some reports and an admin token."""
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        target = folder / "corrigo.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), target)
        url = f"sqlite:///{target}"
    else:
        url = request.getfixturevalue("pg_database")
        _truncate(url)
    settings = settings_for(Path(folder) / "data", url, workers_in_process=False)
    setup_newsroom(settings)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        token = create_token(session, "fuzz")
        session.commit()
    engine.dispose()
    server = LiveServer(settings)
    server.start()
    with httpx.Client(base_url=server.url) as http:
        for site in SITES:
            for exact in ("intergration", "the the", "counsil"):
                body = report_body(site, exact)
                answer = http.post("/api/v1/reports", json=body, headers={"origin": SITES[site][1]})
                assert answer.status_code == 202, answer.text
    yield FuzzTarget(server, token)
    server.stop()


def test_every_operation_answers_as_documented(fuzz_target: FuzzTarget) -> None:
    url = fuzz_target.server.url
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json")
    headers = {"Authorization": f"Bearer {fuzz_target.token}"}
    problems: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    # Checking a page fetches it from the site over the internet (news.example here):
    # tests/net and the checker's tests try that endpoint against local page servers.
    # /api/v1/proofread landed with "html or text, exactly one" that its schema does not
    # say yet; it is left to its owner (see the closing note of issue 15).
    operations = [op for op in operations if not op.path.endswith(("/verify", "/proofread"))]

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            # A page cursor is opaque: one the server did not issue is refused (422), which
            # no schema can describe, so only there is a refusal of valid-looking data fine.
            opaque = bool(case.query and "after" in case.query)
            excluded = [positive_data_acceptance] if opaque else []
            case.call_and_validate(base_url=url, headers=headers, excluded_checks=excluded)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # try every operation, report all
            problems.append(f"{operation.label}: {error}")
    assert not problems, "\n\n".join(problems)
