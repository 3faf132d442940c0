"""The demo news site's articles: what the index lists and which misprints each one hides.

The article bodies are HTML files in ``content/``, which the demo's connector
edits in the data folder (see `corrigo.demo.library`); everything a page shows
outside its body (headline, standfirst, byline, photo) comes from here, so the
index, the article page and the tests all read one source. `misprints` lists the mistakes
planted in each body on purpose, with the word that should stand there, so that
visitors have something to report and tests know what to select.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import NamedTuple

KYIV_SUMMER = timezone(timedelta(hours=3))


class Misprint(NamedTuple):
    """A deliberate mistake in an article body and its correction."""

    text: str
    correction: str


@dataclass(frozen=True)
class Photo:
    """An article's illustration (a file in the demo's static folder) and its credit line."""

    file: str
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class Article:
    """One demo article: its address, language, byline, photo and planted misprints."""

    slug: str
    lang: str
    section: str
    title: str
    standfirst: str
    author: str
    published: datetime
    photo: Photo
    misprints: tuple[Misprint, ...]


ARTICLES: tuple[Article, ...] = (
    Article(
        slug="bridge-reopens",
        lang="en",
        section="City",
        title="Old Town bridge reopens after two years of repairs",
        standfirst=(
            "Trams return to the river crossing on Monday, three months late and "
            "four per cent over budget, with wider pavements and a protected cycle lane."
        ),
        author="Maria Kovalenko",
        published=datetime(2024, 9, 30, 8, 15, tzinfo=KYIV_SUMMER),
        photo=Photo(
            file="bridge.svg",
            alt="A stone arch bridge at dawn with a tram crossing it and the old town behind.",
            caption="The first test tram crosses the restored bridge at dawn on Sunday.",
            credit="Illustration: Corrigo Demo News",
        ),
        misprints=(
            Misprint("intergration", "integration"),
            Misprint("the the", "the"),
            Misprint("councel", "council"),
            Misprint("absolutly", "absolutely"),
            Misprint("recieved", "received"),
        ),
    ),
    Article(
        slug="mist-v-tumani",
        lang="uk",
        section="Культура",
        title="Міст у тумані: п’ять років одного ранку",
        standfirst=(
            "Фотограф Остап Левчук щодня о шостій виходить на старий міст і знімає "
            "той самий краєвид. Тепер ці світлини стали виставкою."
        ),
        author="Олена Гнатюк",
        published=datetime(2024, 10, 2, 11, 40, tzinfo=KYIV_SUMMER),
        photo=Photo(
            file="fog.svg",
            alt="Силует арочного мосту в ранковому тумані, над річкою сходить бліде сонце.",
            caption="Один із ранків серії «Міст у тумані», жовтень.",
            credit="Ілюстрація: Corrigo Demo News",
        ),
        misprints=(
            Misprint("фотографіі", "фотографії"),
            Misprint("на на", "на"),
            Misprint("архиву", "архіву"),
            Misprint("неймоврно", "неймовірно"),
            Misprint("обєктив", "об’єктив"),
        ),
    ),
)

BY_SLUG: dict[str, Article] = {article.slug: article for article in ARTICLES}
