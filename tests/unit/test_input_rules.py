"""The pure rules for input: ids, JSON bodies, the NUL rule, what text cleaning keeps."""

from __future__ import annotations

import pytest

from corrigo.domain.json_body import InvalidJson, MalformedJson, decode_json
from corrigo.domain.numbers import MAX_ID, parse_id, parse_ids, parse_whole
from corrigo.domain.sign_in import MAX_DELAY, sign_in_delay
from corrigo.domain.text import clean, clean_multiline, without_nul
from corrigo.http.edge import query_without_nul
from corrigo.http.ratelimit import Breaker
from tests.hostile import control_characters, invalid_utf8


@pytest.mark.parametrize(
    "raw",
    [
        *("", "²", "٣", "３", "𝟑", "¹2", " 1", "1 ", "+1", "-1", "1_0", "0x1", "1.0", "1e3", "0"),
        *(str(MAX_ID + 1), "9" * 20, "1\x00"),
    ],
)
def test_what_is_not_an_id(raw: str) -> None:
    assert parse_id(raw) is None
    assert parse_ids(["1", raw]) is None


def test_ids_and_bounded_whole_numbers() -> None:
    assert parse_id("1") == 1
    assert parse_id("007") == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    assert parse_ids(["3", "2"]) == [3, 2]
    assert parse_ids([]) == []
    assert parse_whole("0", 0, 5) == 0
    assert parse_whole("6", 0, 5) is None
    assert parse_whole("٥", 0, 9) is None


def test_json_bodies_with_bad_bytes_are_malformed() -> None:
    for bad in invalid_utf8():
        with pytest.raises(MalformedJson):
            decode_json(b'{"note": "' + bad + b'"}', dict)
    for escape in (rb'"\ud800"', rb'"\udc00x"', rb'"\ud800\ud800"'):  # lone surrogates
        with pytest.raises(MalformedJson):
            decode_json(escape, str)
    with pytest.raises(InvalidJson):
        decode_json(b'{"note": 5}', dict[str, str])


@pytest.mark.parametrize(
    ("body", "text"),
    [
        (rb'"a\u0000b"', "ab"),
        (rb'"\u0000\u0000"', ""),
        (rb'"a\\u0000b"', "a\\u0000b"),  # an escaped backslash, then the letters u0000
        (rb'"a\\\u0000b"', "a\\b"),
        (rb'"\ud83d\ude00"', "\U0001f600"),
    ],
)
def test_nul_escapes_are_removed_from_json_text(body: bytes, text: str) -> None:
    assert decode_json(body, str) == text


def test_nul_is_removed_from_query_strings_as_starlette_reads_them() -> None:
    assert without_nul("a\x00b\x00") == "ab"
    assert query_without_nul(b"q=a%00b&site=%00&x=%FF") == b"q=ab&site=&x=%EF%BF%BD"
    assert query_without_nul(b"%00name=1&q=%2500") == b"name=1&q=%2500"


def test_text_cleaning_keeps_joiners_and_marks_that_are_part_of_words() -> None:
    kept = [
        "👨\u200d🦰",  # emoji ZWJ sequence
        "می\u200cخواهم",  # Persian with ZWNJ
        "क्\u200dष",  # Devanagari with ZWJ
        "a\u200bb",  # zero-width space (Thai, Khmer line breaks)
        "\u200fשלום\u200e",  # bidi marks
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # a flag tag sequence
        "☺\ufe0f",
        "co\u00adop",  # soft hyphen
    ]
    for text in kept:
        assert clean(text) == text
        assert clean_multiline(text) == text.strip()


def test_text_cleaning_removes_only_what_cannot_be_text() -> None:
    removed = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if not chr(c).isspace()]
    removed += ["\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "\ufff9", "\ufdd0", "\ufffe"]
    removed += ["\U0001fffe", "\U0010ffff"]
    for char in removed:
        assert clean(f"a{char}b") == "ab", hex(ord(char))
    for char in control_characters():
        once = clean(f"x{char}y")
        assert clean(once) == once and "\x00" not in once


def test_sign_in_delay_grows_and_is_bounded() -> None:
    delays = [sign_in_delay(failures) for failures in range(100)]
    assert delays[:5] == [0.0] * 5
    assert delays == sorted(delays)
    assert delays[5] > 0 and delays[10] == 2 * delays[5]
    assert max(delays) == MAX_DELAY


def test_breaker_opens_on_failure_and_lets_one_probe_through_after_the_cooldown() -> None:
    now = [0.0]
    breaker = Breaker(5.0, clock=lambda: now[0])
    assert breaker.allows() and not breaker.is_open
    breaker.failed()
    assert breaker.is_open and not breaker.allows()
    now[0] = 5.0
    assert breaker.allows()  # the probe
    assert not breaker.allows()  # everyone else waits for it
    breaker.failed()
    now[0] = 9.0
    assert not breaker.allows()
    now[0] = 10.0
    assert breaker.allows()
    breaker.succeeded()
    assert not breaker.is_open and breaker.allows() and breaker.allows()
