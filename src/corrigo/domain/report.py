"""The report a reader sends: its wire shape and the rules that make it acceptable."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import msgspec

from corrigo.domain.fingerprint import fingerprint, page_hash
from corrigo.domain.json_body import InvalidJson, MalformedJson, decode_json
from corrigo.domain.quote import Quote
from corrigo.domain.text import clean, clean_multiline, clean_stripped, is_blank
from corrigo.domain.url import page_address

MAX_BODY_BYTES = 16 * 1024
LIMITS = {
    "exact": 300,
    "prefix": 64,
    "suffix": 64,
    "comment": 1000,
    "suggestion": 300,
    "title": 300,
    "author": 200,
    "url": 2048,
    "client_id": 64,
    "widget_version": 32,
    "lang": 35,
}
MAX_POSITION = 10_000_000
MAX_SITE_KEY = 64
# BCP 47 (RFC 5646) well-formed language tag. Primary subtags of 4-8 letters are
# syntactically allowed but none is in use, so only 2-3 letters are accepted.
BCP47 = re.compile(
    r"^[a-z]{2,3}(?:-[a-z]{3}){0,3}"
    r"(?:-[a-z]{4})?"
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"
    r"(?:-x(?:-[a-z0-9]{1,8})+)?$"
    r"|^x(?:-[a-z0-9]{1,8})+$",
    re.IGNORECASE,
)
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class QuoteIn(msgspec.Struct, forbid_unknown_fields=False):
    """TextQuoteSelector: the selected words and up to 32 characters on each side."""

    exact: str
    prefix: str = ""
    suffix: str = ""


class PositionIn(msgspec.Struct):
    """TextPositionSelector: character offsets of the selection in the article's text."""

    start: int
    end: int


class ReportIn(msgspec.Struct):
    """The JSON body of ``POST /api/v1/reports``."""

    site: str
    url: str
    quote: QuoteIn
    title: str = ""
    lang: str = ""
    author: str = ""
    position: PositionIn | None = None
    comment: str = ""
    suggestion: str = ""
    client_id: str | None = None
    widget_version: str = ""
    # Honeypot: the widget never fills it; form-filling bots do.
    website: str = ""


class Accepted(msgspec.Struct):
    """The answer to an accepted report."""

    report_id: int
    group_id: int
    duplicate: bool


class ErrorBody(msgspec.Struct):
    """Every refusal: a machine-readable code, a sentence, and the field at fault."""

    error: str
    message: str
    field: str | None = None


class RateLimited(ErrorBody):
    """A 429: the refusal, and in how many seconds a retry can succeed."""

    retry_after: int = 0


class InputError(Exception):
    """A report that breaks a rule; carries the HTTP status and the JSON body."""

    def __init__(self, code: str, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status

    def body(self) -> ErrorBody:
        """The JSON body that tells the client what was wrong."""
        return ErrorBody(error=self.code, message=self.message, field=self.field)


@dataclass(frozen=True, slots=True)
class CleanReport:
    """A report that passed every rule, cleaned and ready to store."""

    site_key: str
    url: str
    normalized_url: str
    origin: str
    title: str
    lang: str
    author: str
    quote: Quote
    comment: str
    suggestion: str
    client_id: str | None
    widget_version: str
    is_bot: bool
    # Hashed once here: storing a batch looks them up several times per report.
    fingerprint: str = field(init=False)  # the group-deciding hash of this report
    page_hash: str = field(init=False)  # the hash of the page this report is about

    def __post_init__(self) -> None:
        q = self.quote
        key, url = self.site_key, self.normalized_url
        object.__setattr__(self, "fingerprint", fingerprint(key, url, q.prefix, q.exact, q.suffix))
        object.__setattr__(self, "page_hash", page_hash(key, url))


_DECODER = msgspec.json.Decoder(ReportIn)


def _bounded(name: str, value: str) -> str:
    limit = LIMITS[name]
    if len(value) > limit:
        raise InputError("too_long", f"{name} may be at most {limit} characters.", name)
    return value


def decode(body: bytes) -> ReportIn:
    """Parse the JSON body, turning every parsing or type problem into an InputError."""
    if len(body) > MAX_BODY_BYTES:
        raise InputError(
            "too_large", f"The body may be at most {MAX_BODY_BYTES} bytes.", status=413
        )
    try:
        return decode_json(body, ReportIn, _DECODER)
    except InvalidJson as exc:
        text = str(exc)
        path = re.search(r"at `\$\.?([^`]*)`", text)
        missing = re.search(r"missing required field `([^`]+)`", text)
        parts = [m.group(1) for m in (path, missing) if m and m.group(1)]
        field = ".".join(parts) or None
        raise InputError("invalid", f"The report is not valid: {text}.", field) from None
    except MalformedJson:
        raise InputError("malformed_json", "The body is not valid JSON.", status=400) from None


def site_key_of(raw: ReportIn) -> str:
    """The report's site key; InputError (404, like any unknown site) when it cannot be one."""
    site_key = raw.site.strip()
    if not site_key or len(site_key) > MAX_SITE_KEY:
        raise InputError("unknown_site", "This site is not known.", "site", status=404)
    return site_key


def validate(raw: ReportIn) -> CleanReport:
    """Clean every field and check it; raise InputError naming the first broken rule."""
    folded = clean(raw.quote.exact)
    exact = folded.strip()
    # Whitespace trimmed off the selection belongs to its context, so the quote
    # still reads prefix + exact + suffix as on the page.
    lead = folded[: len(folded) - len(folded.lstrip())]
    trail = folded[len(folded.rstrip()) :]
    if is_blank(exact):
        raise InputError("empty_quote", "The selected text is empty.", "quote.exact")
    if len(exact) > LIMITS["exact"]:
        raise InputError(
            "too_long",
            f"The selected text may be at most {LIMITS['exact']} characters.",
            "quote.exact",
        )
    prefix = clean(raw.quote.prefix)
    suffix = clean(raw.quote.suffix)
    if len(prefix) > LIMITS["prefix"]:
        raise InputError(
            "too_long", f"prefix may be at most {LIMITS['prefix']} characters.", "quote.prefix"
        )
    if len(suffix) > LIMITS["suffix"]:
        raise InputError(
            "too_long", f"suffix may be at most {LIMITS['suffix']} characters.", "quote.suffix"
        )
    if lead:
        prefix = clean(prefix + lead)[-LIMITS["prefix"] :]
    if trail:
        suffix = clean(trail + suffix)[: LIMITS["suffix"]]
    start = None
    if raw.position is not None:
        pos = raw.position
        if not (0 <= pos.start < pos.end <= MAX_POSITION):
            raise InputError("bad_position", "position needs 0 <= start < end.", "position")
        start = pos.start + len(lead)
    url = clean_stripped(raw.url)
    _bounded("url", url)
    try:
        normalized, origin = page_address(url)
    except ValueError as exc:
        raise InputError("bad_url", f"url is {exc}.", "url") from None
    lang = clean_stripped(raw.lang)
    _bounded("lang", lang)
    if lang and not BCP47.match(lang):
        raise InputError(
            "bad_lang", "lang must be a BCP 47 language tag such as 'en' or 'uk-UA'.", "lang"
        )
    client_id = raw.client_id
    if client_id is not None and not _CLIENT_ID.match(client_id):
        raise InputError(
            "bad_client_id", "client_id must be 8-64 letters, digits, '-' or '_'.", "client_id"
        )
    return CleanReport(
        site_key=site_key_of(raw),
        url=url,
        normalized_url=normalized,
        origin=origin,
        title=_bounded("title", clean_stripped(raw.title)),
        lang=lang.lower(),
        author=_bounded("author", clean_stripped(raw.author)),
        quote=Quote(exact=exact, prefix=prefix, suffix=suffix, start=start),
        comment=_bounded("comment", clean_multiline(raw.comment)),
        suggestion=_bounded("suggestion", clean_stripped(raw.suggestion)),
        client_id=client_id,
        widget_version=_bounded("widget_version", clean_stripped(raw.widget_version)),
        is_bot=bool(raw.website),
    )
