"""The reader widget's files as served: texts filled in, minified, compressed, versioned.

The widget is hand-written JavaScript with no build step for the sites that
embed it. ``build.mjs`` minifies the code into ``dist/`` (committed; a test
checks it is fresh). The server assembles the served files from ``dist/`` and
the texts once per process:

- ``loader.js`` gets the English captions (keyboard and touch), the fallback,
  because the caption shows before anything else may be downloaded; pages in
  another language fetch ``caption-<lang>.json`` (a few hundred bytes, cached for
  a year): every language inline would break the loader's 1.5 KB budget;
- ``dialog.js`` becomes one module per language with that language's texts and
  the minified ``dialog.css`` (applied as a constructed stylesheet, which a
  Content-Security-Policy allows without ``'unsafe-inline'``);
- ``dialog.css`` is also served alone for browsers without constructed stylesheets.

A language is one ``i18n/<tag>.json`` file; keys it lacks fall back to English.
The version is a hash of the dialog files: their URLs carry it, so they can be
cached for a year, while the loader's fixed URL is revalidated with its ETag.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import brotli

WIDGET_DIR = Path(__file__).resolve().parent
DEFAULT_LANG = "en"
JAVASCRIPT = "text/javascript; charset=utf-8"
CSS = "text/css; charset=utf-8"
JSON_TYPE = "application/json"
_LANG_FILE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


class BundleError(Exception):
    """The widget's sources are inconsistent (a placeholder or a text is missing)."""


@dataclass(frozen=True, slots=True)
class Asset:
    """One served file in its three encodings, with its validator."""

    content_type: str
    body: bytes
    gzip: bytes
    brotli: bytes
    digest: str

    @classmethod
    def of(cls, content_type: str, text: str) -> Asset:
        """Encode `text` as UTF-8 and precompress it at the strongest settings."""
        body = text.encode()
        return cls(
            content_type=content_type,
            body=body,
            # mtime=0 keeps the gzip bytes (and so the benchmark) reproducible.
            gzip=gzip.compress(body, compresslevel=9, mtime=0),
            brotli=brotli.compress(body, mode=brotli.MODE_TEXT, quality=11),
            digest=hashlib.sha256(body).hexdigest()[:16],
        )


@dataclass(frozen=True, slots=True)
class WidgetBundle:
    """The loader, one dialog module per language, and the dialog's stylesheet."""

    version: str
    loader: Asset
    dialogs: dict[str, Asset]
    captions: dict[str, Asset]
    css: Asset


def load_strings(folder: Path) -> dict[str, dict[str, str]]:
    """Every language's texts by tag, each completed with the English ones it lacks."""
    strings: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.json")):
        if not _LANG_FILE.match(path.stem):
            raise BundleError(f"{path.name}: a language file is named like en.json or pt-br.json")
        texts = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(texts, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in texts.items()
        ):
            raise BundleError(f"{path.name}: expected an object of strings")
        strings[path.stem] = texts
    if DEFAULT_LANG not in strings:
        raise BundleError(f"{folder}: the English texts ({DEFAULT_LANG}.json) are required")
    english = strings[DEFAULT_LANG]
    return {lang: {**english, **texts} for lang, texts in strings.items()}


def _fill(source: str, placeholder: str, value: str, name: str) -> str:
    if source.count(placeholder) != 1:
        raise BundleError(f"{name}: expected {placeholder} exactly once")
    return source.replace(placeholder, value)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def build_bundle(folder: Path = WIDGET_DIR) -> WidgetBundle:
    """Assemble the widget from the sources in `folder`."""
    strings = load_strings(folder / "i18n")
    dist = folder / "dist"
    css = (dist / "dialog.min.css").read_text(encoding="utf-8").strip()
    dialog_source = (dist / "dialog.min.js").read_text(encoding="utf-8").strip()
    dialog_source = _fill(dialog_source, "__CORRIGO_CSS__", _json(css), "dialog.js")
    dialogs = {
        lang: Asset.of(
            JAVASCRIPT, _fill(dialog_source, "__CORRIGO_STRINGS__", _json(texts), "dialog.js")
        )
        for lang, texts in strings.items()
    }
    css_asset = Asset.of(CSS, css)
    version = hashlib.sha256(
        "".join(asset.digest for asset in (css_asset, *dialogs.values())).encode()
    ).hexdigest()[:12]
    captions = {
        lang: [texts["caption"], texts["caption_touch"].replace("{button}", texts["button"])]
        for lang, texts in strings.items()
    }
    build = {
        "v": version,
        "l": sorted(strings),
        "s": {DEFAULT_LANG: captions[DEFAULT_LANG]},
    }
    loader = (dist / "loader.min.js").read_text(encoding="utf-8").strip()
    loader = _fill(loader, "__CORRIGO_BUILD__", _json(build), "loader.js")
    return WidgetBundle(
        version=version,
        loader=Asset.of(JAVASCRIPT, loader),
        dialogs=dialogs,
        captions={lang: Asset.of(JSON_TYPE, _json(pair)) for lang, pair in captions.items()},
        css=css_asset,
    )


@cache
def widget_bundle() -> WidgetBundle:
    """The bundle of the installed widget sources, built once per process."""
    return build_bundle()
