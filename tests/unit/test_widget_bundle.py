"""The widget's served files: fresh from the sources, complete in every language, in budget."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from corrigo.widget.bundle import WIDGET_DIR, BundleError, build_bundle, load_strings

ROOT = Path(__file__).resolve().parents[2]
LOADER_BUDGET = 1536  # bytes gzipped (issue 3)
TOTAL_BUDGET = 8192  # loader + dialog, gzipped


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_minified_files_are_what_the_sources_build_to() -> None:
    node = shutil.which("node")
    assert node, "node is needed: `make node` installs the widget's build tools"
    assert (ROOT / "node_modules" / "terser").is_dir(), "run `make node` (npm ci) first"
    result = subprocess.run(
        [node, str(WIDGET_DIR / "build.mjs"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_language_has_every_text_with_the_same_placeholders() -> None:
    files = sorted((WIDGET_DIR / "i18n").glob("*.json"))
    assert {path.stem for path in files} >= {"en", "uk", "ru", "de", "fr", "es", "it", "pl", "pt"}
    english = json.loads((WIDGET_DIR / "i18n" / "en.json").read_text(encoding="utf-8"))
    # English words the server's refusals itself; every other language words each one.
    reasons = {
        key
        for key in json.loads((WIDGET_DIR / "i18n" / "uk.json").read_text())
        if key.startswith("error.")
    }
    assert "error.rate_limited" in reasons
    for path in files:
        texts = json.loads(path.read_text(encoding="utf-8"))
        assert set(english) <= set(texts), f"{path.name} lacks {set(english) - set(texts)}"
        extra = set(texts) - set(english)
        assert all(key.startswith("error.") for key in extra), f"{path.name}: {extra}"
        if path.stem != "en":
            assert reasons <= set(texts), f"{path.name} lacks {reasons - set(texts)}"
            assert "{when}" in texts["error.rate_limited"], path.name
            assert all(texts[key] != english[key] for key in ("title", "caption", "send"))
        for key, value in english.items():
            assert _placeholders(texts[key]) == _placeholders(value), f"{path.name}: {key}"


def test_adding_a_language_is_adding_one_file(tmp_path: Path) -> None:
    shutil.copytree(WIDGET_DIR / "i18n", tmp_path / "i18n")
    shutil.copytree(WIDGET_DIR / "dist", tmp_path / "dist")
    (tmp_path / "i18n" / "de.json").unlink()
    (tmp_path / "i18n" / "de.json").write_text(
        json.dumps({"title": "Fehlermeldung", "button": "Fehler melden"}), encoding="utf-8"
    )
    bundle = build_bundle(tmp_path)
    german = bundle.dialogs["de"].body.decode()
    assert '"title":"Fehlermeldung"' in german
    assert '"send":"Send"' in german  # what the file lacks falls back to English
    # The loader knows the language and carries only the English captions; German
    # pages fetch theirs (English texts where the file has none).
    loader = bundle.loader.body.decode()
    assert '"l":["de","en",' in loader and "Fehler" not in loader
    caption = json.loads(bundle.captions["de"].body)
    assert caption[0].startswith("If you have found a spelling error")
    assert caption[1].endswith("tapping “Fehler melden”.")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Deutsch.json", "{}", "named like en.json"),
        ("de.json", '["not", "an", "object"]', "object of strings"),
        ("de.json", '{"title": 3}', "object of strings"),
    ],
)
def test_broken_language_files_are_refused(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    (tmp_path / "en.json").write_text('{"title": "Report"}', encoding="utf-8")
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(BundleError, match=message):
        load_strings(tmp_path)


def test_english_is_required(tmp_path: Path) -> None:
    (tmp_path / "uk.json").write_text("{}", encoding="utf-8")
    with pytest.raises(BundleError, match="English"):
        load_strings(tmp_path)


def test_a_missing_placeholder_is_refused(tmp_path: Path) -> None:
    shutil.copytree(WIDGET_DIR / "i18n", tmp_path / "i18n")
    shutil.copytree(WIDGET_DIR / "dist", tmp_path / "dist")
    loader = tmp_path / "dist" / "loader.min.js"
    loader.write_text(loader.read_text(encoding="utf-8").replace("__CORRIGO_BUILD__", "{}"))
    with pytest.raises(BundleError, match="__CORRIGO_BUILD__"):
        build_bundle(tmp_path)


def test_sizes_are_within_budget() -> None:
    """Deterministic sizes (no timing): what every page view costs, and the most a report costs."""
    bundle = build_bundle()
    assert len(bundle.loader.gzip) <= LOADER_BUDGET
    largest = max(len(asset.gzip) for asset in bundle.dialogs.values())
    assert len(bundle.loader.gzip) + largest <= TOTAL_BUDGET
    assert gzip.decompress(bundle.loader.gzip) == bundle.loader.body
