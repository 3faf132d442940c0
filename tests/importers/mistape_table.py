"""A Mistape reports table in the test MariaDB, with a few hundred rows, some of them hostile.

The columns follow the layout Mistape creates (``<prefix>mistape_reports``: ID,
blog_id, post_id, post_author, reporter_user_id, reporter_IP, date, date_gmt,
selection, selection_word, selection_replace_context, selection_context,
comment, url, agent, language, status, token).
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pymysql

DDL = """
CREATE TABLE `{table}` (
  `ID` bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  `blog_id` int DEFAULT 1,
  `post_id` bigint unsigned,
  `post_author` bigint unsigned,
  `reporter_user_id` bigint unsigned,
  `reporter_IP` varchar(100) NOT NULL,
  `date` datetime NOT NULL,
  `date_gmt` datetime NOT NULL,
  `selection` varchar(255) NOT NULL,
  `selection_word` varchar(255),
  `selection_replace_context` varchar(2000),
  `selection_context` varchar(2000),
  `comment` varchar(2000),
  `url` varchar(2083),
  `agent` varchar(255),
  `language` varchar(50),
  `status` varchar(20) NOT NULL DEFAULT 'pending',
  `token` char(20)
) DEFAULT CHARSET=utf8mb4
"""
SENTENCES = [
    ("The council approved the new budjet on Monday morning.", "budjet"),
    ("Officials plan the intergration of both tram lines next year.", "intergration"),
    ("Фотограф знімав міст щоранку протягом п’яти років поспіль.", "щоранку"),
    ("Traffic engineers say the ban is absolutly necessary for trams.", "absolutly"),
    ("The bridge was recieved well by most of the people of the city.", "recieved"),
]
HOSTILE_COMMENTS = [
    "<script>alert('x')</script> please fix",
    "'; DROP TABLE reports; --",
    "right-to-left \u202eevil\u202c override and zero\u200bwidth",
    "bell \x07 and escape \x1b[31m red",
    '=HYPERLINK("http://evil.example")',
    "e\u0301 decomposed, emoji 🙂",
]
STATUSES = ["pending", "resolve", "archive", "trash", "pending", "pending"]
IP = "203.0.113.{}"
AGENT = "Mozilla/5.0 (secret agent string)"


@dataclass
class MistapeTable:
    """The database, its URL, the rows written and how many the import should refuse."""

    database: str
    url: str
    rows: list[dict[str, Any]]
    refused: int

    def to_csv(self, path: Path) -> Path:
        """The rows as a CSV export with every column (IP addresses included)."""
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(self.rows[0]))
            writer.writeheader()
            for row in self.rows:
                writer.writerow({k: "" if v is None else v for k, v in row.items()})
        return path


def _rows(count: int) -> Iterator[dict[str, Any]]:
    start = datetime(2023, 3, 1, 9, 0, 0)
    for n in range(count):
        sentence, word = SENTENCES[n % len(SENTENCES)]
        page = n % 7
        selection = word
        when = start + timedelta(hours=n)
        yield {
            "ID": n + 1,
            "blog_id": 1,
            "post_id": page + 10,
            "post_author": 1,
            "reporter_user_id": None,
            "reporter_IP": IP.format(n % 250),
            "date": when + timedelta(hours=2),
            "date_gmt": when,
            "selection": selection,
            "selection_word": None,
            "selection_replace_context": None,
            "selection_context": sentence,
            "comment": HOSTILE_COMMENTS[(n // 3) % len(HOSTILE_COMMENTS)] if n % 3 == 0 else "",
            "url": f"https://news.example/2023/03/story-{page}/",
            "agent": AGENT,
            "language": "uk_UA" if "щоранку" in sentence else "en_US",
            # One status per misprint and page, so the groups' statuses are predictable.
            "status": STATUSES[(n % len(SENTENCES) + page) % len(STATUSES)],
            "token": uuid.uuid4().hex[:20],
        }


def _bad_rows(first_id: int) -> list[dict[str, Any]]:
    """Rows the ingest's rules refuse: nothing selected, only invisible characters, bad URLs."""
    base = next(_rows(1))
    changes = [
        {"selection": ""},
        {"selection": "\u200b\u200b", "selection_context": "a \u200b\u200b b"},
        {"url": "javascript:alert(1)"},
        {"url": ""},
    ]
    return [
        {**base, **change, "ID": first_id + n, "token": uuid.uuid4().hex[:20]}
        for n, change in enumerate(changes)
    ]


def create_table(count: int = 300, prefix: str = "wp_") -> MistapeTable:
    """A database with a filled ``<prefix>mistape_reports``; drop it with :func:`drop`."""
    database = f"corrigo_mistape_{uuid.uuid4().hex[:10]}"
    rows = [*_rows(count)]
    bad = _bad_rows(count + 1)
    rows += bad
    connection = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    with connection as conn, conn.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
        cursor.execute(f"USE `{database}`")
        cursor.execute(DDL.format(table=f"{prefix}mistape_reports"))
        columns = list(rows[0])
        names = ", ".join(f"`{c}`" for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO `{prefix}mistape_reports` ({names}) VALUES ({marks})",
            [[row[c] for c in columns] for row in rows],
        )
    return MistapeTable(database, f"mysql://root@127.0.0.1:3306/{database}", rows, len(bad))


def drop(table: MistapeTable) -> None:
    """Drop the table's database."""
    connection = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    with connection as conn, conn.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{table.database}`")
