"""The stable hashes that decide which group a report belongs to."""

from __future__ import annotations

import hashlib


def page_hash(site_key: str, normalized_url: str) -> str:
    """A short hash of one page of one site (indexed, for finding a page's groups)."""
    return hashlib.sha256(f"{site_key}\x1f{normalized_url}".encode()).hexdigest()[:32]


def fingerprint(site_key: str, normalized_url: str, prefix: str, exact: str, suffix: str) -> str:
    """SHA-256 of site, normalised URL and the whitespace-normalised quote with its context."""
    material = "\x1f".join((site_key, normalized_url, prefix, exact, suffix))
    return hashlib.sha256(material.encode()).hexdigest()
