"""Mistape rows read as Corrigo reports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from corrigo.domain.mistape import client_id, from_row
from corrigo.domain.report import InputError

ROW = {
    "ID": 41,
    "blog_id": 2,
    "date": "2023-03-01 11:00:00",
    "date_gmt": "2023-03-01 09:00:00",
    "selection": "budj",
    "selection_word": "budjet",
    "selection_replace_context": "new budjet",
    "selection_context": "The council approved the new budjet on Monday.",
    "comment": "typo",
    "url": "https://news.example/a/",
    "language": "en_US",
    "status": "resolve",
    "reporter_IP": "198.51.100.7",
}


def test_a_row_becomes_a_report() -> None:
    item = from_row(ROW, "news")
    quote = item.report.quote
    assert (quote.prefix, quote.exact, quote.suffix) == (
        "The council approved the new ",
        "budj",
        "et on Monday.",
    )
    assert item.report.lang == "en-us" and item.report.comment == "typo"
    assert item.report.client_id == client_id(ROW) == "mistape-2-41"
    assert item.created_at == datetime(2023, 3, 1, 9, 0, tzinfo=UTC)
    assert (item.status, item.source_status) == ("fixed", "resolve")


@pytest.mark.parametrize(
    ("status", "mapped"),
    [("pending", "open"), ("archive", "rejected"), ("trash", "spam"), ("odd", "open")],
)
def test_statuses(status: str, mapped: str) -> None:
    assert from_row({**ROW, "status": status}, "news").status == mapped


def test_context_falls_back_to_the_narrower_fields() -> None:
    row = {**ROW, "selection_context": "unrelated text", "selection_replace_context": None}
    quote = from_row(row, "news").report.quote
    assert (quote.prefix, quote.suffix) == ("", "et")


def test_wide_context_is_cut_to_32_characters() -> None:
    row = {**ROW, "selection_context": "x" * 100 + " budj " + "y" * 100}
    quote = from_row(row, "news").report.quote
    assert quote.prefix == "x" * 31 + " " and quote.suffix == " " + "y" * 31


def test_bad_language_is_dropped_and_bad_rows_refused() -> None:
    assert from_row({**ROW, "language": "<script>"}, "news").report.lang == ""
    with pytest.raises(InputError):
        from_row({**ROW, "url": "ftp://x.example/"}, "news")
    with pytest.raises(ValueError, match="date"):
        from_row({**ROW, "date": "never", "date_gmt": None}, "news")
