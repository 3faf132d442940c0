"""Notifications show the group's proposed correction, escaped like the rest of reader text."""

from __future__ import annotations

import json

from corrigo.domain.proposal import Proposal
from corrigo.workers.render import email, slack, telegram, webhook
from tests.workers.markup import EMAIL_TAGS, SLACK_ANGLE, TELEGRAM_TAGS, Markup, slack_unescape
from tests.workers.test_render import OURS, SCRIPT, SLACK_TRICKS, TELEGRAM_TRICKS, notice

HOSTILE = f"{SCRIPT} {SLACK_TRICKS} {TELEGRAM_TRICKS}"


def test_every_format_shows_the_proposal_and_where_it_comes_from() -> None:
    item = notice(proposal=Proposal("integration", "readers", 2))
    assert (
        "Proposed correction: integration (suggested by 2 readers)" in email.notice_email(item).text
    )
    assert "integration" in Markup(email.notice_email(item).html).text
    assert (
        "*Proposed correction:* integration (suggested by 2 readers)"
        in (slack.notice_payload(item)["text"])
    )
    assert "<b>Proposed correction:</b> integration <i>(suggested by 2 readers)</i>" in (
        telegram.notice_text(item)
    )
    body = json.loads(webhook.notice_body(item))
    assert body["proposal"] == {"text": "integration", "source": "readers", "readers": 2}
    site = notice(proposal=Proposal("integration", "site"))
    assert "(from this site's earlier fixes)" in email.notice_email(site).text
    dictionary = notice(proposal=Proposal("integration", "dictionary"))
    assert "(from the dictionary)" in telegram.notice_text(dictionary)


def test_without_a_proposal_nothing_is_said() -> None:
    item = notice()
    assert "Proposed correction" not in email.notice_email(item).text
    assert json.loads(webhook.notice_body(item))["proposal"] is None


def test_a_hostile_proposal_is_escaped_everywhere() -> None:
    item = notice(proposal=Proposal(HOSTILE, "readers", 1))
    html = Markup(email.notice_email(item).html)
    assert html.tags <= EMAIL_TAGS and set(html.hrefs) == OURS
    assert HOSTILE in html.text
    text = slack.notice_payload(item)["text"]
    rest = SLACK_ANGLE.sub("", text)
    lines = [line.removeprefix("> ") for line in rest.split("\n")]
    assert not any("<" in line or ">" in line for line in lines)
    assert HOSTILE in slack_unescape(rest)
    markup = Markup(telegram.notice_text(item))
    assert markup.tags <= TELEGRAM_TAGS and set(markup.hrefs) == OURS
    assert HOSTILE in markup.text
    assert json.loads(webhook.notice_body(item))["proposal"]["text"] == HOSTILE


def test_telegram_with_a_long_proposal_still_fits() -> None:
    big = notice(
        exact="e" * 300,
        comment="c" * 1000,
        suggestion="g" * 300,
        proposal=Proposal("p" * 600, "dictionary"),
    )
    assert telegram.visible_length(telegram.notice_text(big)) <= telegram.MAX_VISIBLE
