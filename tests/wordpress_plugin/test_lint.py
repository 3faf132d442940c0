"""The plugin's PHP parses, follows the coding standard we can run, and is translated."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
INTEGRATION = ROOT / "integrations" / "wordpress"
PLUGIN = INTEGRATION / "corrigo"
PO = PLUGIN / "languages" / "corrigo-uk.po"
# The gettext functions the plugin uses, with the text domain as their last argument.
CALL = re.compile(r"\b(__|_e|esc_html__|esc_html_e|esc_attr__|esc_attr_e|_n)\(\s*'")
STRING = r"'((?:[^'\\]|\\.)*)'"

sys.path.insert(0, str(ROOT / "scripts"))
from wordpress_plugin import compiled  # noqa: E402


def test_every_php_file_parses() -> None:
    files = sorted(PLUGIN.rglob("*.php"))
    assert len(files) >= 8
    for path in files:
        done = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


def test_php_codesniffer_with_the_plugins_ruleset() -> None:
    # The WordPress standard (wpcs) comes only from Packagist; phpcs.xml says what stands in.
    done = subprocess.run(
        ["phpcs", "--standard=phpcs.xml", "--report=full"],
        cwd=INTEGRATION,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _strings_in_php() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for path in PLUGIN.rglob("*.php"):
        source = path.read_text()
        for call in CALL.finditer(source):
            rest = source[call.end() - 1 :]
            if call.group(1) == "_n":
                match = re.match(rf"{STRING}\s*,\s*{STRING}\s*,[^;]*?,\s*'corrigo'\s*\)", rest)
                assert match, f"{path.name}: _n( without the corrigo text domain: {rest[:80]}"
                found.add((match.group(1), match.group(2)))
            else:
                match = re.match(rf"{STRING}\s*,\s*'corrigo'\s*\)", rest)
                assert match, f"{path.name}: {call.group(1)}( without the corrigo text domain"
                found.add(match.group(1).replace("\\'", "'"))
    return found


def test_every_string_has_a_ukrainian_translation_and_the_mo_is_compiled() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    translated = {
        message.id
        for message in catalog
        if message.id and all(message.string if message.pluralizable else [message.string])
    }
    missing = _strings_in_php() - translated
    assert not missing, f"untranslated in corrigo-uk.po: {missing}"
    assert (PLUGIN / "languages" / "corrigo-uk.mo").read_bytes() == compiled(PO), (
        "corrigo-uk.mo is stale: run make wordpress-plugin"
    )


# What PHP 8 added that PHP 7.4 would not parse or would not know (the plugin says 7.4+;
# only PHP 8 is installed here, so php -l cannot tell).
PHP8_TOKENS = ("T_MATCH", "T_NULLSAFE_OBJECT_OPERATOR", "T_ATTRIBUTE", "T_ENUM", "T_READONLY")
PHP8_FUNCTIONS = {
    "str_contains",
    "str_starts_with",
    "str_ends_with",
    "get_debug_type",
    "fdiv",
    "get_resource_id",
    "array_is_list",
    "preg_last_error_msg",
}
TOKENS = """
foreach (array_slice($argv, 1) as $file) {
    foreach (token_get_all(file_get_contents($file)) as $token) {
        if (is_array($token) && ($token[0] === T_STRING || strpos($token[1], "\n") === false)) {
            echo basename($file), "\t", token_name($token[0]), "\t", $token[1], "\n";
        }
    }
}
"""


def test_nothing_that_php_7_4_lacks() -> None:
    files = [str(path) for path in sorted(PLUGIN.rglob("*.php"))]
    done = subprocess.run(["php", "-r", TOKENS, *files], capture_output=True, text=True, check=True)
    found = []
    for line in done.stdout.splitlines():
        name, kind, text = line.split("\t", 2)
        if kind in PHP8_TOKENS or (kind == "T_STRING" and text.lower() in PHP8_FUNCTIONS):
            found.append(f"{name}: {text}")
        if kind == "T_STRING" and text in ("mixed", "never"):  # PHP 8 types
            found.append(f"{name}: type {text}")
    assert not found, found
