"""From a BCP 47 language tag (what a page says it is written in) to dictionary names.

Dictionaries are named like locales (`en_US`, `pt_BR`, `uk`); a page says `en`,
`en-GB`, `pt`, `uk-UA` or `sr-Latn-RS`. This module lists, best first, the
dictionary names that may serve a tag; which of them exist is the caller's question.
"""

from __future__ import annotations

import re

# The usual country of a language when the tag names none (`en` → `en_US`).
DEFAULT_REGIONS: dict[str, tuple[str, ...]] = {
    "en": ("US", "GB"),
    "uk": ("UA",),
    "ru": ("RU",),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CA", "CH"),
    "es": ("ES", "MX"),
    "pl": ("PL",),
    "it": ("IT",),
    "pt": ("PT", "BR"),
}
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_REGION = re.compile(r"[a-z]{2}|\d{3}")
_SCRIPT = re.compile(r"[a-z]{4}")


def split_tag(tag: str) -> tuple[str, str] | None:
    """(language, REGION) of a BCP 47 tag, region "" when none; None when it is no language tag.

    Scripts and variants are skipped (`sr-Latn-RS` → ("sr", "RS")); case and `_`
    for `-` are forgiven, since pages get both wrong.
    """
    parts = tag.strip().replace("_", "-").lower().split("-")
    if not parts or not _LANGUAGE.fullmatch(parts[0]):
        return None
    rest = parts[1:]
    if rest and _SCRIPT.fullmatch(rest[0]):
        rest = rest[1:]
    region = rest[0].upper() if rest and _REGION.fullmatch(rest[0]) else ""
    return parts[0], region


def dictionary_candidates(tag: str) -> list[str]:
    """Dictionary names that may serve `tag`, best first (`pt` → `pt_PT`, `pt_BR`, `pt`)."""
    split = split_tag(tag)
    if split is None:
        return []
    language, region = split
    names = [f"{language}_{region}"] if region else []
    names += [f"{language}_{other}" for other in DEFAULT_REGIONS.get(language, ())]
    names.append(language)
    return list(dict.fromkeys(names))


def pick_dictionary(tag: str, available: set[str] | frozenset[str]) -> str | None:
    """The best available dictionary for `tag`, else any of the same language, else None."""
    for name in dictionary_candidates(tag):
        if name in available:
            return name
    split = split_tag(tag)
    if split is None:
        return None
    same_language = sorted(name for name in available if name.split("_")[0] == split[0])
    return same_language[0] if same_language else None
