"""The WordPress connector against a real WordPress (Debian's package, PHP, MariaDB).

Quotes are taken from the live page as the widget reads it (WordPress's display
filters turn ' into ’, -- into —, ... into …), and what WordPress holds
afterwards is checked through its own REST API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from corrigo.config import Settings
from corrigo.connectors.apply import Outcome, run
from corrigo.connectors.base import ConnectorError, Fix
from corrigo.connectors.registry import secret_box
from corrigo.connectors.wordpress import WordPressConnector
from corrigo.domain.article import article_texts
from corrigo.domain.quote import Quote
from corrigo.store.admin import create_site
from corrigo.store.connectors import save_connector
from corrigo.store.db import make_engine, make_sessionmaker
from corrigo.store.models import GroupEvent
from corrigo.store.tokens import create_token
from tests.connectors.helpers import quote_in, report
from tests.connectors.wordpress_site import ADMIN, WordPress


def live_text(url: str) -> str:
    """The article's text on the live page, as the widget takes it (the `main` element)."""
    return article_texts(httpx.get(url, timeout=30).text, "main")[0]


def fix_for(post: dict[str, Any], exact: str, correction: str) -> Fix:
    quote = quote_in(live_text(post["link"]), exact)
    return Fix(1, "wp", post["link"], Quote(**quote), correction, "olena@news.example")


def raw(wordpress: WordPress, post: dict[str, Any], kind: str = "posts") -> str:
    return wordpress.rest(f"/wp/v2/{kind}/{post['id']}", context="edit")["content"]["raw"]


@pytest.fixture
def connector(wordpress: WordPress) -> WordPressConnector:
    return WordPressConnector(wordpress.url, ADMIN, wordpress.app_password)


def apply(connector: WordPressConnector, fix: Fix) -> Outcome:
    preview = run(connector, fix, preview=True, base_version=None)
    assert preview.status == "preview", preview
    return run(connector, fix, preview=False, base_version=preview.version)


def test_misprint_inside_em_and_the_revision(
    wordpress: WordPress, connector: WordPressConnector
) -> None:
    before = "<p>Traffic engineers say the ban is <em>absolutly</em> necessary for the tram.</p>"
    post = wordpress.create("post", "ban-is-necessary", before)
    done = apply(connector, fix_for(post, "absolutly", "absolutely"))
    assert done.applied and done.connector == "wordpress", done
    after = raw(wordpress, post)
    assert after == before.replace("absolutly", "absolutely")
    revisions = wordpress.rest(f"/wp/v2/posts/{post['id']}/revisions", context="edit")
    assert revisions[0]["content"]["raw"] == after
    assert before in [revision["content"]["raw"] for revision in revisions[1:]]
    assert f"revision {revisions[0]['id']}" in done.revision
    assert done.location.endswith(f"/wp-admin/revision.php?revision={revisions[0]['id']}")
    assert "absolutely necessary" in live_text(post["link"])
    again = run(
        connector, fix_for(post, "absolutely", "absolutely!"), preview=True, base_version=None
    )
    assert again.status == "preview"
    repeat = run(
        connector,
        Fix(
            1, "wp", post["link"], Quote("absolutly", "the ban is ", " necessary"), "absolutely", ""
        ),
        preview=False,
        base_version=None,
    )
    assert repeat.status == "unchanged"
    assert len(wordpress.rest(f"/wp/v2/posts/{post['id']}/revisions")) == len(revisions)


def test_misprint_across_a_link_with_a_smart_apostrophe(
    wordpress: WordPress, connector: WordPressConnector
) -> None:
    link = '<a href="https://council.example/report?a=1&amp;b=2" title="The city\'s">'
    before = f"<p>According to the {link}city councel's final report</a>, the piers moved.</p>"
    post = wordpress.create("post", "council-report", before)
    fix = fix_for(post, "city councel’s final report", "city council’s final report")
    done = apply(connector, fix)
    assert done.applied, done
    assert raw(wordpress, post) == before.replace("councel", "council")


def test_nbsp_smart_quotes_and_dashes(wordpress: WordPress, connector: WordPressConnector) -> None:
    before = (
        '<p>The mayor said &#8220;we recieved it&#8221; at 10&nbsp;am -- and "thanked" '
        "everyone...</p>"
    )
    post = wordpress.create("post", "mayor-said", before)
    shown = live_text(post["link"])
    assert "“we recieved it” at 10 am — and “thanked”" in shown
    done = apply(
        connector,
        fix_for(
            post, "recieved it” at 10 am — and “thanked", "received it” at 10 am — and “thanked"
        ),
    )
    assert done.applied, done
    assert raw(wordpress, post) == before.replace("recieved", "received")


def test_a_page_not_a_post(wordpress: WordPress, connector: WordPressConnector) -> None:
    before = (
        "<!-- wp:paragraph -->\n<p>Our newsroom has twelve jornalists.</p>\n<!-- /wp:paragraph -->"
    )
    page = wordpress.create("page", "about-the-newsroom", before)
    assert page["link"].endswith("/about-the-newsroom/")
    done = apply(connector, fix_for(page, "jornalists", "journalists"))
    assert done.applied, done
    assert raw(wordpress, page, "pages") == before.replace("jornalists", "journalists")


def test_the_same_words_twice_are_refused(
    wordpress: WordPress, connector: WordPressConnector
) -> None:
    # The same paragraph twice: the quote's 32 characters of context match both.
    paragraph = (
        "<p>After years of repairs the old bridge was recieved well by the people of the city.</p>"
    )
    before = f"{paragraph}\n\n{paragraph}"
    post = wordpress.create("post", "said-twice", before)
    text = live_text(post["link"])
    quote = quote_in(text, "recieved", occurrence=1)
    fix = Fix(1, "wp", post["link"], Quote(**quote), "received", "")
    done = run(connector, fix, preview=False, base_version=None)
    assert done.status == "unplaceable" and "several places" in done.reason
    assert raw(wordpress, post) == before


def test_changed_after_the_preview_is_a_conflict(
    wordpress: WordPress, connector: WordPressConnector
) -> None:
    before = "<p>The councel met on Monday.</p>"
    post = wordpress.create("post", "council-met", before)
    fix = fix_for(post, "councel", "council")
    preview = run(connector, fix, preview=True, base_version=None)
    edited = "<p>The councel met on Monday evening.</p>"
    wordpress.php(
        f"wp_update_post(['ID' => {post['id']}, 'post_content' => '{edited}']); echo '[]';"
    )
    done = run(connector, fix, preview=False, base_version=preview.version)
    assert done.status == "conflict" and not done.applied
    assert raw(wordpress, post) == edited


def test_a_wrong_password_is_refused_and_nothing_is_written(wordpress: WordPress) -> None:
    before = "<p>A misprnt to keep.</p>"
    post = wordpress.create("post", "wrong-password", before)
    wrong = WordPressConnector(wordpress.url, ADMIN, "abcd efgh ijkl mnop qrst uvwx")
    with pytest.raises(ConnectorError) as caught:
        wrong.check()
    assert caught.value.why == "credentials"
    done = run(wrong, fix_for(post, "misprnt", "misprint"), preview=False, base_version=None)
    assert done.status == "refused" and "application password" in done.reason
    assert raw(wordpress, post) == before


def test_an_address_wordpress_does_not_have(
    connector: WordPressConnector, wordpress: WordPress
) -> None:
    fix = Fix(1, "wp", wordpress.url + "/2026/11/no-such-story/", Quote("a"), "b", "")
    done = run(connector, fix, preview=True, base_version=None)
    assert done.status == "refused" and "No WordPress post" in done.reason


def test_apply_through_the_api_records_the_revision(
    wordpress: WordPress, settings: Settings, make_client: Callable[..., TestClient]
) -> None:
    before = "<p>Officials plan the intergration of the tram lines.</p>"
    post = wordpress.create("post", f"tram-lines-{settings.resolved_database_url[:6]}", before)
    engine = make_engine(settings.resolved_database_url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "WP News", [wordpress.url], "en", public_key="wp")
        box = secret_box(settings)
        options = {"url": wordpress.url, "user": ADMIN}
        save_connector(session, box, "wp", "wordpress", options, wordpress.app_password)
        token = create_token(session, "admin")
        session.commit()
    client = make_client(workers_in_process=False)
    group = report(
        client, "wp", post["link"], live_text(post["link"]), "intergration", wordpress.url
    )
    answer = client.post(
        f"/api/v1/groups/{group}/apply",
        json={"correction": "integration"},
        headers={"authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200 and answer.json()["applied"], answer.text
    assert answer.json()["connector"] == "wordpress"
    assert raw(wordpress, post) == before.replace("intergration", "integration")
    with make_sessionmaker(engine)() as session:
        events = session.execute(
            select(GroupEvent).where(GroupEvent.group_id == group).order_by(GroupEvent.id)
        ).scalars()
        applied, fixed = events
        assert applied.action == "applied" and "revision.php?revision=" in applied.note
        assert fixed.action == "fixed"
    engine.dispose()
