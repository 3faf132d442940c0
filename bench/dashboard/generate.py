"""Fill a Corrigo store with a realistic year of misprint reports, fast.

    uv run python bench/dashboard/generate.py --database-url sqlite:////tmp/corrigo-bench/bench.db
    uv run python bench/dashboard/generate.py --database-url postgresql+psycopg://root@127.0.0.1:5432/corrigo_bench

Defaults: 1,000,000 reports in 100,000 groups across 20 sites. The shape is
skewed like real traffic: a few big sites, many pages with one misprint and a
few with dozens, most groups reported once or twice and a handful by thousands
of readers; six languages; statuses that depend on age; a year of dates with
more traffic lately; comments (one report in five) and suggestions, some of
them hostile (markup, spreadsheet formulas).

Rows go in with one `executemany` transaction on SQLite and `COPY` on
PostgreSQL, streamed in batches so memory stays flat. The schema is created by
the real migrations; sites and editors by the real admin functions. The target
database must be empty (a new file, or a new PostgreSQL database: see
``--create-pg``).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import Engine, func, select, text

from corrigo.domain.fingerprint import fingerprint, page_hash
from corrigo.domain.lifecycle import Status, action_to
from corrigo.store.admin import create_editor, create_site
from corrigo.store.db import is_sqlite, make_engine, make_sessionmaker, upgrade
from corrigo.store.models import ErrorGroup
from corrigo.store.rollups import rebuild

BENCH_PASSWORD = "bench-password-0123456789"  # a throwaway benchmark store
ADMIN_EMAIL = "admin@bench.corrigo.example"
EDITOR_EMAIL = "editor@bench.corrigo.example"  # sees only the first site
BATCH = 20_000


def _words(line: str) -> list[str]:
    return line.split()


DAY = 86_400.0

WORDS = {
    "en": _words(
        "government budget minister council river bridge election weather market school "
        "hospital football season transport energy village museum festival report police court "
        "library harbour railway airport station theatre concert students farmers journalists "
        "yesterday tomorrow announced confirmed reported according statement"
    ),
    "uk": _words(
        "уряд бюджет міністр рада річка міст вибори погода ринок школа лікарня футбол сезон "
        "транспорт енергія село музей фестиваль звіт поліція суд бібліотека порт залізниця "
        "аеропорт вокзал театр концерт студенти фермери журналісти вчора завтра оголосив "
        "підтвердив повідомив заява"
    ),
    "de": _words(
        "Regierung Haushalt Minister Stadtrat Fluss Brücke Wahl Wetter Markt Schule "
        "Krankenhaus Fußball Saison Verkehr Energie Dorf Museum Festival Bericht Polizei Gericht "
        "Bibliothek Hafen Bahnhof Flughafen Theater Konzert Studenten Bauern gestern morgen "
        "angekündigt bestätigt berichtet"
    ),
    "fr": _words(
        "gouvernement budget ministre conseil rivière pont élection météo marché école "
        "hôpital football saison transport énergie village musée festival rapport police tribunal "
        "bibliothèque port chemin aéroport gare théâtre concert étudiants agriculteurs hier demain "
        "annoncé confirmé"
    ),
    "es": _words(
        "gobierno presupuesto ministro consejo río puente elección tiempo mercado escuela "
        "hospital fútbol temporada transporte energía pueblo museo festival informe policía "
        "tribunal biblioteca puerto ferrocarril aeropuerto estación teatro concierto estudiantes "
        "ayer mañana anunció confirmó"
    ),
    "pl": _words(
        "rząd budżet minister rada rzeka most wybory pogoda rynek szkoła szpital piłka sezon "
        "transport energia wieś muzeum festiwal raport policja sąd biblioteka port kolej lotnisko "
        "dworzec teatr koncert studenci rolnicy wczoraj jutro ogłosił potwierdził"
    ),
}
SITE_LANGS = ["en", "uk", "en", "de", "fr", "es", "pl", "en", "uk", "de"]
SECTIONS = [
    "politics", "economy", "world", "sport", "culture", "science", "tech", "opinion",
    "health", "travel", "local", "business",
]  # fmt: skip
# What readers write in the optional comment (about one report in five has one);
# {right} is the word as it should be.
COMMENTS = {
    "en": [
        "Typo here", "Should be {right}", "I think you mean {right}", "Wrong word",
        "Double letter", "Misspelled: {right}", "Fix please", "Letters swapped",
        "This should read {right}", "Spelling", "Missing letter", "{right}?",
    ],
    "uk": [
        "Помилка тут", "Має бути {right}", "Правильно: {right}", "Неправильне слово",
        "Друкарська помилка", "Виправте, будь ласка", "Пропущена літера", "{right}?",
        "Переставлені літери", "Правопис", "Дякую за статтю, але тут {right}", "Зайва літера",
    ],
    "de": ["Tippfehler", "Es muss {right} heißen", "Falsches Wort", "Bitte korrigieren"],
    "fr": ["Faute de frappe", "Il faut écrire {right}", "Mauvais mot", "Merci de corriger"],
    "es": ["Errata", "Debería ser {right}", "Palabra incorrecta", "Por favor corrijan"],
    "pl": ["Literówka", "Powinno być {right}", "Złe słowo", "Proszę poprawić"],
}  # fmt: skip
COMMENT_SHARE = 0.2
# A sliver of what hostile readers send: markup and spreadsheet formulas.
HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]


@dataclass(frozen=True, slots=True)
class Shape:
    """How much to generate."""

    reports: int
    groups: int
    sites: int
    seed: int


def typo(word: str, rng: random.Random) -> str:
    """A plausible misprint of `word`: swapped, doubled or dropped letter."""
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1 :]


def skewed_counts(total: int, parts: int, rng: random.Random, alpha: float = 1.15) -> list[int]:
    """`parts` positive integers summing to `total`, heavy-tailed (Pareto weights)."""
    weights = [rng.paretovariate(alpha) for _ in range(parts)]
    counts = [1] * parts
    for index in rng.choices(range(parts), weights=weights, k=total - parts):
        counts[index] += 1
    return counts


def sqlite_time(moment: datetime) -> str:
    """A UTC timestamp as SQLAlchemy stores it in SQLite."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def _sentence(words: Sequence[str], rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(words) for _ in range(count))


GROUP_COLUMNS = _words(
    "id site_id fingerprint url url_hash title lang author exact prefix suffix pos_start pos_end "
    "status report_count first_seen last_seen status_changed_at status_changed_by status_note"
)
REPORT_COLUMNS = _words(
    "id site_id group_id client_id url title lang author exact prefix suffix pos_start pos_end "
    "comment suggestion widget_version reader_hash created_at"
)
EVENT_COLUMNS = _words("id group_id editor_id action from_status to_status note created_at")


class Generator:
    """Builds rows for groups, their reports and the editors' decisions."""

    def __init__(self, shape: Shape, sites: list[tuple[int, str, str]], editor_id: int) -> None:
        self.shape = shape
        self.rng = random.Random(shape.seed)
        self.sites = sites  # (id, public key, language)
        self.editor_id = editor_id
        self.now = datetime.now(UTC).replace(microsecond=0)

    def _site_for_groups(self) -> list[int]:
        """A site index per group: a few big sites, a long tail of small ones."""
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(self.sites))]
        # Every site gets at least one group; the rest follow the weights.
        picks = list(range(len(self.sites)))
        picks += self.rng.choices(range(len(self.sites)), weights, k=self.shape.groups - len(picks))
        return sorted(picks)

    def _pages(self, site_index: int, count: int) -> list[tuple[str, str]]:
        """(url, title) of a site's pages with misprints; about one page per three groups."""
        _site_id, _key, lang = self.sites[site_index]
        host = f"https://site{site_index + 1:02d}.example"
        pages = []
        for number in range(max(count // 3, 1)):
            section = SECTIONS[min(int(self.rng.expovariate(0.35)), len(SECTIONS) - 1)]
            day = self.now - timedelta(days=self.rng.randrange(400))
            title = _sentence(WORDS[lang], self.rng, self.rng.randint(4, 9)).capitalize()
            slug = "-".join(title.lower().split()[:4])
            url = f"{host}/{section}/{day:%Y/%m}/{slug}-{number}"
            pages.append((url, title))
        return pages

    def rows(self) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
        """Batches of ('groups' | 'reports' | 'group_events', rows) in insertion order."""
        rng = self.rng
        counts = skewed_counts(self.shape.reports, self.shape.groups, rng)
        rng.shuffle(counts)
        site_of_group = self._site_for_groups()
        groups: list[tuple[Any, ...]] = []
        reports: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        report_id = event_id = 0
        fingerprints: set[str] = set()
        pages: list[tuple[str, str]] = []
        page_weights: list[float] = []
        current_site = -1
        for group_id, (site_index, count) in enumerate(zip(site_of_group, counts, strict=True), 1):
            site_id, key, site_lang = self.sites[site_index]
            if site_index != current_site:
                current_site = site_index
                per_site = site_of_group.count(site_index)
                pages = self._pages(site_index, per_site)
                page_weights = list(itertools.accumulate(rng.paretovariate(1.3) for _ in pages))
            url, title = rng.choices(pages, cum_weights=page_weights)[0]
            lang = site_lang if rng.random() < 0.9 else rng.choice(list(WORDS))
            words = WORDS[lang]
            while True:
                before = _sentence(words, rng, 8)
                right = rng.choice(words)
                after = _sentence(words, rng, 8)
                exact = typo(right, rng)
                prefix, suffix = (before + " ")[-32:], (" " + after)[:32]
                print_ = fingerprint(key, url, prefix, exact, suffix)
                if print_ not in fingerprints:
                    fingerprints.add(print_)
                    break
            pos_start = rng.randrange(0, 8000)
            age = 365 * DAY * rng.random() ** 1.4
            first_seen = self.now - timedelta(seconds=age)
            times = sorted(
                min(first_seen + timedelta(seconds=rng.expovariate(1 / (1.5 * DAY))), self.now)
                for _ in range(count)
            )
            times[0] = first_seen
            status = self._status(age, rng)
            changed_at = None
            if status != "open":
                changed_at = min(
                    first_seen + timedelta(seconds=rng.expovariate(1 / (20 * 3600))), self.now
                )
                event_id += 1
                action = action_to(Status(status)).value
                events.append(
                    (event_id, group_id, self.editor_id, action, "open", status, "", changed_at)
                )
            author = f"Author {rng.randrange(40)}" if rng.random() < 0.7 else ""
            groups.append(
                (group_id, site_id, print_, url, page_hash(key, url), title, lang, author, exact,
                 prefix, suffix, pos_start, pos_start + len(exact), status, count, first_seen,
                 times[-1], changed_at, self.editor_id if changed_at else None, "")
            )  # fmt: skip
            for created_at in times:
                report_id += 1
                comment = ""
                roll = rng.random()
                if roll < 0.001:
                    comment = rng.choice(HOSTILE)
                elif roll < COMMENT_SHARE:
                    comment = rng.choice(COMMENTS[lang]).format(right=right)
                suggestion = right if rng.random() < 0.3 else ""
                reports.append(
                    (report_id, site_id, group_id, f"r{report_id:012x}", url, title, lang,
                     author, exact, prefix, suffix, pos_start, pos_start + len(exact), comment,
                     suggestion, "1.0", os.urandom(16).hex(), created_at)
                )  # fmt: skip
            if len(reports) >= BATCH:
                yield "groups", groups
                yield "reports", reports
                yield "group_events", events
                groups, reports, events = [], [], []
        yield "groups", groups
        yield "reports", reports
        yield "group_events", events

    @staticmethod
    def _status(age: float, rng: random.Random) -> str:
        """Older misprints are mostly handled; recent ones mostly open."""
        roll = rng.random()
        if age > 30 * DAY:
            return (
                "open"
                if roll < 0.18
                else "fixed"
                if roll < 0.78
                else "rejected"
                if roll < 0.93
                else "spam"
            )
        return (
            "open"
            if roll < 0.55
            else "fixed"
            if roll < 0.85
            else "rejected"
            if roll < 0.95
            else "spam"
        )


COLUMNS = {"groups": GROUP_COLUMNS, "reports": REPORT_COLUMNS, "group_events": EVENT_COLUMNS}


def _write_sqlite(engine: Engine, batches: Iterator[tuple[str, list[tuple[Any, ...]]]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        for table, rows in batches:
            if not rows:
                continue
            names = COLUMNS[table]
            converted = [
                tuple(sqlite_time(v) if isinstance(v, datetime) else v for v in row) for row in rows
            ]
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                converted,
            )
        raw.commit()
    finally:
        raw.close()


def _write_postgres(engine: Engine, batches: Iterator[tuple[str, list[tuple[Any, ...]]]]) -> None:
    raw = engine.raw_connection()
    try:
        conn: psycopg.Connection[Any] = raw.driver_connection  # type: ignore[assignment]
        with conn.cursor() as cursor:
            for table, rows in batches:
                if not rows:
                    continue
                names = ", ".join(COLUMNS[table])
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            for table in COLUMNS:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
        conn.commit()
    finally:
        raw.close()


def _settle(engine: Engine) -> None:
    """After the load: what the database would do on its own before editors came along."""
    raw = engine.raw_connection()
    try:
        if is_sqlite(str(engine.url)):
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return
        conn: psycopg.Connection[Any] = raw.driver_connection  # type: ignore[assignment]
        conn.autocommit = True
        # What autovacuum does after a bulk load: statistics, and GIN pending lists merged.
        conn.execute("VACUUM ANALYZE")
        # Write the load out now, so that what is measured next does not pay for it.
        conn.execute("CHECKPOINT")
    finally:
        raw.close()


def _setup_accounts(engine: Engine, shape: Shape) -> tuple[list[tuple[int, str, str]], int]:
    """Create the sites, an admin and a one-site editor; returns sites and the admin's id."""
    with make_sessionmaker(engine)() as session:
        sites = []
        for index in range(shape.sites):
            lang = SITE_LANGS[index % len(SITE_LANGS)]
            site = create_site(
                session,
                f"Site {index + 1:02d} ({lang})",
                [f"https://site{index + 1:02d}.example"],
                lang,
                public_key=f"bench-site-{index + 1:02d}",
            )
            sites.append((site.id, site.public_key, lang))
        admin = create_editor(session, ADMIN_EMAIL, BENCH_PASSWORD, role="admin")
        create_editor(session, EDITOR_EMAIL, BENCH_PASSWORD, site_keys=[sites[0][1]])
        session.commit()
        return sites, admin.id


def create_pg_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` (it must not exist)."""
    conn, name = _maintenance(url)
    with conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _maintenance(url: str) -> tuple[psycopg.Connection[Any], str]:
    """An autocommit connection to the server's `postgres` database, and the database name."""
    server, name = url.rsplit("/", 1)
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(plain + "/postgres", autocommit=True), name


def pg_database_exists(url: str) -> bool:
    """Whether the PostgreSQL database named in `url` exists."""
    conn, name = _maintenance(url)
    with conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def drop_pg_database(url: str) -> None:
    """Drop the PostgreSQL database named in `url` if it exists."""
    conn, name = _maintenance(url)
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def generate(url: str, shape: Shape) -> float:
    """Migrate and fill an empty store; returns the seconds it took."""
    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.execute(select(func.count()).select_from(ErrorGroup)).scalar_one():
                raise SystemExit(f"{url} already holds groups: use an empty database")
        sites, admin_id = _setup_accounts(engine, shape)
        batches = Generator(shape, sites, admin_id).rows()
        if is_sqlite(url):
            _write_sqlite(engine, batches)
        else:
            _write_postgres(engine, batches)
        # The rows went in around the store's writers: compute the statistics' rollups.
        with engine.begin() as conn:
            rebuild(conn)
        _settle(engine)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", required=True, help="sqlite:///PATH or postgresql+psycopg://…/NAME"
    )
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--create-pg", action="store_true", help="create the PostgreSQL database first"
    )
    args = parser.parse_args(argv)
    if args.groups > args.reports or args.sites < 1 or args.groups < args.sites:
        parser.error("need sites <= groups <= reports")
    if args.create_pg:
        create_pg_database(args.database_url)
    shape = Shape(args.reports, args.groups, args.sites, args.seed)
    seconds = generate(args.database_url, shape)
    print(
        f"{shape.reports:,} reports in {shape.groups:,} groups across {shape.sites} sites "
        f"written to {args.database_url.split('@')[-1]} in {seconds:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
