"""The real WordPress, started once per test session (never per test)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.connectors.wordpress_site import WordPress, WordPressUnavailable, start_wordpress


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    """A running WordPress; the tests fail with the reason when it cannot start."""
    try:
        site = start_wordpress(tmp_path_factory.mktemp("wordpress"))
    except WordPressUnavailable as error:
        pytest.fail(f"WordPress cannot start: {error}")
    yield site
    site.stop()
