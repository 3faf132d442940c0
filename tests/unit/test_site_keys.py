"""Site keys are typed on command lines: they must never read as an option."""

from __future__ import annotations

import re

from corrigo.store.admin import new_site_key


def test_site_keys_are_letters_and_digits_only() -> None:
    keys = {new_site_key() for _ in range(5000)}
    assert len(keys) == 5000
    # token_urlsafe keys began with "-" about one time in 32, and `corrigo site edit KEY`
    # then failed with "No such option"; no key may start with "-" or hold "_".
    assert all(re.fullmatch(r"[A-Za-z0-9]{16}", key) for key in keys)
