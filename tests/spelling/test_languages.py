"""BCP 47 tags to dictionary names, with fallbacks."""

from __future__ import annotations

import pytest

from corrigo.domain.languages import dictionary_candidates, pick_dictionary, split_tag

INSTALLED = frozenset({"en_US", "en_GB", "uk_UA", "ru_RU", "pt_PT", "pt_BR", "de_DE", "fr"})


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en_US"),
        ("en-GB", "en_GB"),
        ("en_gb", "en_GB"),
        ("EN-us", "en_US"),
        ("en-AU", "en_US"),
        ("uk", "uk_UA"),
        ("uk-UA", "uk_UA"),
        ("ru", "ru_RU"),
        ("pt", "pt_PT"),
        ("pt-BR", "pt_BR"),
        ("de-CH", "de_DE"),
        ("fr-CA", "fr"),
        ("sr-Latn-RS", None),
        ("ja", None),
        ("", None),
        ("not a tag", None),
        ("x", None),
        ("en-<script>", "en_US"),
    ],
)
def test_tags_pick_the_best_installed_dictionary(tag: str, expected: str | None) -> None:
    assert pick_dictionary(tag, INSTALLED) == expected


def test_candidates_put_the_tag_first_then_the_usual_countries() -> None:
    assert dictionary_candidates("pt") == ["pt_PT", "pt_BR", "pt"]
    assert dictionary_candidates("en-IE")[:3] == ["en_IE", "en_US", "en_GB"]
    assert split_tag("sr-Latn-RS") == ("sr", "RS")
    assert split_tag("es-419") == ("es", "419")
    assert split_tag("1234") is None
