"""Connector secrets sealed under the server's secret key."""

from __future__ import annotations

import pytest

from corrigo.secretbox import SecretBox, SecretError

KEY = "k" * 48


def test_a_sealed_secret_opens_with_the_same_key_only() -> None:
    sealed = SecretBox(KEY).seal("app pass wörd")
    assert "app pass" not in sealed and sealed.isascii()
    assert SecretBox(KEY).open(sealed) == "app pass wörd"
    with pytest.raises(SecretError, match="CORRIGO_SECRET_KEY changed"):
        SecretBox("z" * 48).open(sealed)


def test_sealing_twice_gives_different_texts() -> None:
    box = SecretBox(KEY)
    assert box.seal("same") != box.seal("same")


@pytest.mark.parametrize("tampered", ["", "not a token", "gAAAAA" + "A" * 80, "ü"])
def test_altered_texts_are_refused(tampered: str) -> None:
    with pytest.raises(SecretError):
        SecretBox(KEY).open(tampered)
