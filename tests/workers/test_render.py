"""The message formats, as pure functions: content, marking, and escaping of hostile text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from corrigo.workers.notice import Notice, build_digest
from corrigo.workers.render import email, slack, telegram, webhook
from corrigo.workers.render.text import shorten
from tests.workers.markup import (
    EMAIL_TAGS,
    SLACK_ANGLE,
    TELEGRAM_TAGS,
    Markup,
    slack_links,
    slack_unescape,
)

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SLACK_TRICKS = "<!channel> <https://evil.example|click here> & co"
TELEGRAM_TRICKS = '<a href="https://evil.example">win</a> <b>bold</b> &amp;'
EVIL_URL = 'https://news.example/a"><script>x()</script>?q=<b>|x'
WHEN = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def notice(**changes: object) -> Notice:
    base = Notice(
        event_id="0b0e7c5e-2a43-4a53-9d6c-0c3c5f7f8a11",
        event_type="group.opened",
        site_key="news",
        site_name="Daily <News> & Co",
        group_id=7,
        group_status="open",
        url=EVIL_URL,
        title=IMG + " & budget",
        author="Jane Roe",
        exact=SCRIPT,
        prefix="x" * 20 + " <b>lead</b> ",
        suffix=" <!here> tail text that is long",
        comment=f"{SLACK_TRICKS}\nsecond line {TELEGRAM_TRICKS}",
        suggestion="javascript:alert(1)",
        report_count=1,
        occurred_at=WHEN,
        dashboard_url="https://corrigo.example/dashboard/groups/7",
        fragment_url="https://news.example/a#:~:text=lead-,x,-tail",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


OURS = {
    EVIL_URL,
    "https://corrigo.example/dashboard/groups/7",
    "https://news.example/a#:~:text=lead-,x,-tail",
}


def test_context_marks_ellipsis_only_where_text_was_cut() -> None:
    cut = notice(prefix="p" * 32, suffix="s" * 32, exact="word")
    assert cut.context() == ("…" + "p" * 32, "word", "s" * 32 + "…")
    start = notice(prefix="", suffix="short end.", exact="Word")
    assert start.context() == ("", "Word", "short end.")


def test_email_html_shows_hostile_text_literally_and_adds_no_markup() -> None:
    content = email.notice_email(notice())
    markup = Markup(content.html)
    assert markup.tags <= EMAIL_TAGS
    assert "script" not in markup.tags and "img" not in markup.tags and "b" not in markup.tags
    assert "onerror" not in markup.attributes
    assert set(markup.hrefs) == OURS
    for hostile in (SCRIPT, IMG, SLACK_TRICKS, TELEGRAM_TRICKS, "<b>lead</b>", "Daily <News> & Co"):
        assert hostile in markup.text
    # The quoted words are the ones marked.
    assert (
        '<mark style="background:#ffe27a;color:#000;font-weight:bold">&lt;script&gt;'
        in content.html
    )


def test_email_subject_is_one_bounded_line_and_text_part_has_everything() -> None:
    content = email.notice_email(notice(title="Line one\r\nBcc: victim@example.com", exact="wrod"))
    assert "\n" not in content.subject and "\r" not in content.subject
    assert content.subject.startswith("[Daily <News> & Co] Misprint: “wrod”")
    assert len(email.notice_email(notice(title="t" * 300, exact="e" * 300)).subject) <= 180
    text = email.notice_email(notice()).text
    assert f"**{SCRIPT}**" in text
    assert "Suggestion: javascript:alert(1)" in text
    assert "    second line" in text  # the comment, indented, line breaks kept
    assert "Reported by 1 reader." in text
    assert "Dashboard:   https://corrigo.example/dashboard/groups/7" in text
    assert "On the page: https://news.example/a#:~:text=lead-,x,-tail" in text


def test_threshold_subject_and_headline_name_the_reader_count() -> None:
    item = notice(event_type="group.threshold", report_count=5, exact="wrod", title="Budget")
    assert email.notice_subject(item) == "[Daily <News> & Co] 5 readers report “wrod” in Budget"
    assert "5 readers now report a misprint" in telegram.notice_text(item)


def test_slack_escapes_the_three_characters_and_only_our_links_remain() -> None:
    payload = slack.notice_payload(notice())
    text = payload["text"]
    assert {target for target, _ in slack_links(text)} == {
        'https://news.example/a"&gt;&lt;script&gt;x()&lt;/script&gt;?q=&lt;b&gt;%7Cx',
        "https://corrigo.example/dashboard/groups/7",
        "https://news.example/a#:~:text=lead-,x,-tail",
    }
    # Outside our links, < and > appear only escaped (apart from our "> " quote marks).
    rest = SLACK_ANGLE.sub("", text)
    lines = [line.removeprefix("> ") for line in rest.split("\n")]
    assert not any("<" in line or ">" in line for line in lines)
    assert "&lt;!channel&gt;" in text and "&lt;!here&gt;" in text
    assert "&lt;https://evil.example|click here&gt; &amp; co" in text
    assert slack_unescape(rest).count(SCRIPT) == 1
    assert payload["unfurl_links"] is False and payload["unfurl_media"] is False


def test_slack_marks_words_inside_a_word_with_zero_width_spaces() -> None:
    text = slack.notice_payload(notice(prefix="the inter", exact="gration", suffix="al plan"))[
        "text"
    ]
    assert "> the inter\u200b*gration*\u200bal plan" in text
    plain = slack.notice_payload(notice(prefix="the ", exact="wrod", suffix=" here"))["text"]
    assert "> the *wrod* here" in plain


def test_telegram_html_allows_only_its_tags_and_our_links() -> None:
    text = telegram.notice_text(notice())
    markup = Markup(text)
    assert markup.tags <= TELEGRAM_TAGS
    assert set(markup.hrefs) == OURS
    for hostile in (SCRIPT, IMG, TELEGRAM_TRICKS, SLACK_TRICKS):
        assert hostile in markup.text
    assert "<b><u>&lt;script&gt;alert(1)&lt;/script&gt;</u></b>" in text
    assert telegram.visible_length(text) <= telegram.MAX_VISIBLE


def test_telegram_message_of_maximal_fields_fits_the_limit() -> None:
    big = notice(
        title="",
        url="https://news.example/" + "a" * 2000,
        exact="e" * 300,
        prefix="p" * 64,
        suffix="s" * 64,
        comment="c" * 1000,
        suggestion="g" * 300,
    )
    assert telegram.visible_length(telegram.notice_text(big)) <= telegram.MAX_VISIBLE


def test_webhook_body_keeps_reader_text_verbatim_and_is_signed() -> None:
    item = notice()
    body = webhook.notice_body(item)
    data = json.loads(body)
    assert data["id"] == item.event_id and data["type"] == "group.opened"
    assert data["group"]["quote"] == {"exact": SCRIPT, "prefix": item.prefix, "suffix": item.suffix}
    assert data["group"]["title"] == item.title and data["report"]["comment"] == item.comment
    assert data["group"]["dashboard_url"] == "https://corrigo.example/dashboard/groups/7"
    stamp = 1_800_000_000
    headers = webhook.headers(item.event_id, item.event_type, "k" * 32, stamp, body)
    sent = headers[webhook.SIGNATURE_HEADER]
    assert webhook.verify("k" * 32, str(stamp), body, sent, now=stamp + 10, tolerance=300)
    assert not webhook.verify("k" * 32, str(stamp), body + b" ", sent, now=stamp, tolerance=300)
    assert not webhook.verify("other-secret-000", str(stamp), body, sent, now=stamp, tolerance=300)
    assert not webhook.verify("k" * 32, str(stamp), body, sent, now=stamp + 301, tolerance=300)
    assert not webhook.verify("k" * 32, "-5", body, sent, now=stamp, tolerance=300)


def _day(items: list[Notice]) -> object:
    return build_digest("digest-1", items, date(2026, 11, 27), "https://corrigo.example/dashboard/")


def test_digest_groups_by_page_in_first_seen_order_and_lists_a_group_once() -> None:
    a1 = notice(group_id=1, url="https://news.example/a", title="A", occurred_at=WHEN)
    b1 = notice(
        group_id=2, url="https://news.example/b", title="B", occurred_at=WHEN + timedelta(minutes=1)
    )
    a2 = notice(
        group_id=3, url="https://news.example/a", title="A", occurred_at=WHEN + timedelta(minutes=2)
    )
    a1_threshold = replace(
        a1, event_type="group.threshold", report_count=5, occurred_at=WHEN + timedelta(minutes=3)
    )
    digest = _day([a2, a1_threshold, b1, a1])
    assert [page.url for page in digest.pages] == [
        "https://news.example/a",
        "https://news.example/b",
    ]
    assert [n.group_id for n in digest.pages[0].notices] == [1, 3]
    assert digest.pages[0].notices[0].report_count == 5
    assert digest.count == 3
    with pytest.raises(ValueError):
        _day([])


def test_digest_formats_list_every_page_or_count_what_did_not_fit() -> None:
    items = [
        notice(
            group_id=i,
            url=f"https://news.example/p{i}",
            title=f"Page {i}",
            comment="c" * 900,
            occurred_at=WHEN + timedelta(seconds=i),
        )
        for i in range(40)
    ]
    digest = _day(items)
    text = telegram.digest_text(digest)
    assert telegram.visible_length(text) <= telegram.MAX_VISIBLE
    shown = text.count("<blockquote>")
    assert 0 < shown < 40
    assert f"…and {40 - shown} more misprints." in text
    mail = email.digest_email(digest)
    assert mail.subject == "[Daily <News> & Co] 40 misprints on 40 pages, 2026-11-27"
    assert Markup(mail.html).text.count("Page 39") == 1
    assert mail.text.count("=" * 8) == 40
    assert len(slack.digest_payload(digest)["text"]) <= slack.MAX_TEXT
    body = json.loads(webhook.digest_body(digest))
    assert body["type"] == "digest" and len(body["pages"]) == 40


def test_links_never_carry_another_scheme() -> None:
    item = notice(url="javascript:alert(1)", title="T")
    assert "javascript:" not in " ".join(Markup(email.notice_email(item).html).hrefs)
    assert "javascript:" not in " ".join(Markup(telegram.notice_text(item)).hrefs)
    assert "<javascript:" not in slack.notice_payload(item)["text"]


def test_shorten_cuts_on_a_character_budget_with_an_ellipsis() -> None:
    assert shorten("a  b\nc", 10) == "a b c"
    assert shorten("abcdefghij", 5) == "abcd…"
