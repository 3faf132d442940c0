"""The demo as a small CMS: Apply from the API and from the group page writes its articles."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.demo import ensure_demo
from corrigo.demo.library import DemoLibrary, version_of
from corrigo.domain.source_text import html_text
from corrigo.store.admin import create_editor, create_site
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.lexicon import corrections
from corrigo.store.models import ErrorGroup, GroupEvent
from corrigo.store.sites import site_by_key
from corrigo.store.tokens import create_token
from tests.connectors.helpers import report
from tests.dashboard.helpers import PASSWORD, sign_in

SLUG = "bridge-reopens"
BASE = "http://testserver"


@dataclass
class Demo:
    """The demo site with its connector, an outside site, and API tokens."""

    client: TestClient
    library: DemoLibrary
    admin_token: str
    outsider_token: str
    password: str

    def text(self) -> str:
        return html_text(self.library.read(SLUG)).text

    def report(self, exact: str, **fields: object) -> int:
        return report(
            self.client, "demo", f"{BASE}/demo/{SLUG}", self.text(), exact, BASE, **fields
        )

    def apply(self, group: int, token: str | None = None, **body: object) -> tuple[int, dict]:
        answer = self.client.post(
            f"/api/v1/groups/{group}/apply",
            json=body,
            headers={"authorization": f"Bearer {token or self.admin_token}"},
        )
        return answer.status_code, answer.json()


@pytest.fixture
def demo(settings: Settings, make_client: Callable[..., TestClient]) -> Demo:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        account = ensure_demo(session, BASE, settings.data_dir)
        create_site(session, "Other News", ["https://other.example"], "en", public_key="other")
        outsider = create_editor(session, "out@other.example", PASSWORD, site_keys=["other"])
        admin_token = create_token(session, "admin")
        outsider_token = create_token(session, "outsider", outsider.id)
        session.commit()
    engine.dispose()
    library = DemoLibrary.in_data_dir(settings.data_dir)
    assert account.password is not None
    return Demo(
        make_client(workers_in_process=False),
        library,
        admin_token,
        outsider_token,
        account.password,
    )


def _events(settings: Settings, group: int) -> list[GroupEvent]:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        rows = list(
            session.execute(
                select(GroupEvent).where(GroupEvent.group_id == group).order_by(GroupEvent.id)
            ).scalars()
        )
        session.expunge_all()
    engine.dispose()
    return rows


def _check_due(settings: Settings, group: int) -> bool:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        due = session.get(ErrorGroup, group).check_due_at is not None
    engine.dispose()
    return due


def _status(settings: Settings, group: int) -> str:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        status = session.get(ErrorGroup, group).status
    engine.dispose()
    return status


def test_preview_then_apply_corrects_the_article(demo: Demo, settings: Settings) -> None:
    group = demo.report("absolutly", suggestion="absolutely")
    status, preview = demo.apply(group, correction="absolutely", preview=True)
    assert status == 200 and preview["status"] == "preview" and not preview["applied"]
    assert preview["connector"] == "demo"
    assert "[-absolutly-]{+absolutely+}" in preview["preview"]
    assert preview["preview"].startswith("Traffic engineers say")
    assert "absolutly" in demo.library.read(SLUG)  # a preview writes nothing

    status, done = demo.apply(group, correction="absolutely", base_version=preview["base_version"])
    assert status == 200 and done["applied"] and done["status"] == "applied"
    assert done["revision"] == version_of(demo.library.read(SLUG))
    assert "<em>absolutely</em> necessary" in demo.library.read(SLUG)
    page = demo.client.get(f"/demo/{SLUG}").text
    assert "<em>absolutely</em>" in page and "absolutly" not in page
    assert _status(settings, group) == "fixed"
    events = _events(settings, group)
    assert [event.action for event in events] == ["applied", "fixed"]
    assert "absolutly" in events[0].note and "absolutely" in events[0].note
    assert _check_due(settings, group)  # the page checker looks at the page at once

    status, again = demo.apply(group, correction="absolutely")
    assert status == 200 and not again["applied"] and again["status"] == "unchanged"
    assert "already" in again["reason"]
    assert len(_events(settings, group)) == 2


def test_source_changed_since_the_preview_is_a_conflict(demo: Demo, settings: Settings) -> None:
    group = demo.report("recieved")
    _, preview = demo.apply(group, correction="received", preview=True)
    body = demo.library.read(SLUG)
    demo.library.write(SLUG, body.replace("six o’clock", "seven o’clock"), version_of(body))
    status, answer = demo.apply(group, correction="received", base_version=preview["base_version"])
    assert status == 409 and not answer["applied"] and answer["status"] == "conflict"
    assert "recieved" in demo.library.read(SLUG)
    assert _status(settings, group) == "open"
    assert [event.action for event in _events(settings, group)] == ["apply_refused"]


def test_words_not_in_the_article_cannot_be_placed(demo: Demo) -> None:
    group = demo.report("councel")
    body = demo.library.read(SLUG)
    demo.library.write(SLUG, body.replace("councel", "council"), version_of(body))
    status, answer = demo.apply(group, correction="councillor")
    assert status == 422 and answer["status"] == "unplaceable"
    assert "not found" in answer["reason"]


def test_the_correction_is_written_as_text_never_as_html(demo: Demo) -> None:
    group = demo.report("intergration")
    status, answer = demo.apply(group, correction="<img src=x onerror=alert(1)> & co")
    assert status == 200 and answer["applied"], answer
    body = demo.library.read(SLUG)
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co of the Old Town" in body
    assert "<img src=x" not in body


@pytest.mark.parametrize("correction", ["", "   ", "intergration", "x" * 301])
def test_empty_same_or_long_corrections_are_refused(demo: Demo, correction: str) -> None:
    group = demo.report("intergration")
    status, answer = demo.apply(group, correction=correction)
    assert status == 422 and not answer["applied"]
    assert "intergration" in demo.library.read(SLUG)


def test_bad_bodies(demo: Demo) -> None:
    group = demo.report("intergration")
    headers = {"authorization": f"Bearer {demo.admin_token}"}
    url = f"/api/v1/groups/{group}/apply"
    assert demo.client.post(url, content=b"{", headers=headers).status_code == 400
    assert demo.client.post(url, json={"preview": True}, headers=headers).status_code == 422
    assert demo.client.post(url, json={"correction": 5}, headers=headers).status_code == 422
    extra = {"correction": "x", "auto": True}
    assert demo.client.post(url, json=extra, headers=headers).status_code == 422
    assert demo.client.post(url, content=b"x" * 9000, headers=headers).status_code == 413
    assert demo.client.post(url, json={"correction": "integration"}).status_code == 401


def test_an_editor_of_another_site_cannot_apply(demo: Demo) -> None:
    group = demo.report("intergration")
    status, answer = demo.apply(group, token=demo.outsider_token, correction="integration")
    assert status == 404 and answer["error"] == "not_found"
    assert "intergration" in demo.library.read(SLUG)
    assert demo.apply(2**40, correction="integration")[0] == 404


def test_a_site_without_connector_says_so(demo: Demo, settings: Settings) -> None:
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_editor(session, "x@other.example", PASSWORD, role="admin")
        session.commit()
    engine.dispose()
    group = report(
        demo.client,
        "other",
        "https://other.example/a",
        "A misprnt here.",
        "misprnt",
        "https://other.example",
    )
    status, answer = demo.apply(group, correction="misprint")
    assert status == 200 and not answer["applied"] and answer["connector"] is None
    assert "no connector" in answer["reason"]


def test_group_page_preview_and_apply(demo: Demo, settings: Settings) -> None:
    group = demo.report("the the", suggestion="the")
    csrf = sign_in(demo.client, "editor@demo.corrigo.example", demo.password)
    page = demo.client.get(f"/dashboard/groups/{group}").text
    assert 'id="apply-form"' in page and 'value="the"' in page  # the readers' suggestion
    url = f"/dashboard/groups/{group}/apply"
    form = {"csrf_token": csrf, "correction": "the", "step": "preview"}
    assert demo.client.post(url, data={**form, "csrf_token": "x"}).status_code == 403
    preview = demo.client.post(url, data=form)
    assert preview.status_code == 200
    assert "<span>For</span><del> the</del><span> the photographers" in preview.text
    base = re.search(r'name="base_version" value="([^"]+)"', preview.text).group(1)
    assert "the the" in demo.library.read(SLUG)
    # Apply with a correction edited after its preview only previews it again.
    edited = {
        **form,
        "step": "apply",
        "correction": "the ",
        "previewed": "the",
        "base_version": base,
    }
    assert 'data-status="preview"' in demo.client.post(url, data=edited).text
    applied = demo.client.post(
        url, data={**form, "step": "apply", "previewed": "the", "base_version": base}
    )
    assert 'data-status="applied"' in applied.text
    assert "For the photographers" in demo.library.read(SLUG)
    history = demo.client.get(f"/dashboard/groups/{group}").text
    assert "applied a correction" in history


def test_the_site_memory_learns_the_text_that_was_applied(demo: Demo, settings: Settings) -> None:
    # A reader suggested a wrong word; the editor wrote another into the article.
    group = demo.report("absolutly", suggestion="absolutley")
    status, done = demo.apply(group, correction="absolutely")
    assert status == 200 and done["applied"], done
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        site = site_by_key(session, "demo")
        assert site is not None
        learned = [(c.misspelling, c.correction, c.count) for c in corrections(session, site.id)]
    engine.dispose()
    assert learned == [("absolutly", "absolutely", 1)]
