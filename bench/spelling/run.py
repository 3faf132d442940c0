"""Spelling benchmark: top-1/top-5 accuracy and time per word of Corrigo's suggestions,
side by side with Aspell's and Hunspell's own, and a site-memory replay.

    uv run --group bench python bench/spelling/run.py [--pairs 2000] [--split test|dev]

English pairs come from the `codespell` package's dictionary.txt (a bench-only
dependency: the product never reads it). Of its single-correction pairs whose
misspelling no dictionary accepts and whose correction one does, a seeded
shuffle takes `--pairs` for the "test" split and the next `--pairs` for "dev";
the ranking weights were tuned on "dev" only. Ukrainian and Russian pairs are
single edits (deletion, insertion, adjacent swap, keyboard-neighbour
substitution) of frequent words from wordfreq's lists.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from importlib import resources

import wordfreq

from corrigo.domain.proposal import GroupFacts, propose
from corrigo.domain.words import words
from corrigo.spelling.dictionaries import Speller, speller

SEED = 20261130
# Keyboard neighbours on the Ukrainian and Russian ЙЦУКЕН layouts, row by row.
LAYOUTS = {
    "uk": ("йцукенгшщзхї", "фівапролджє", "ячсмитьбю"),
    "ru": ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
}


def codespell_pairs(check: Speller) -> list[tuple[str, str]]:
    """Single-correction pairs: the misspelling unknown, the correction a known single word."""
    text = resources.files("codespell_lib").joinpath("data/dictionary.txt").read_text("utf-8")
    pairs = []
    for line in text.splitlines():
        wrong, _, right = line.partition("->")
        right = right.strip().rstrip(",")
        if not right or "," in right or " " in right:
            continue
        if not check.known(wrong) and check.known(right):
            pairs.append((wrong, right))
    random.Random(SEED).shuffle(pairs)
    return pairs


def neighbours(layout: Sequence[str]) -> dict[str, str]:
    """Each letter's neighbours on the same keyboard row and the rows above and below."""
    places = {char: (row, col) for row, keys in enumerate(layout) for col, char in enumerate(keys)}
    near: dict[str, str] = {}
    for char, (row, col) in places.items():
        near[char] = "".join(
            other
            for other, (r, c) in places.items()
            if other != char and abs(r - row) <= 1 and abs(c - col) <= 1
        )
    return near


def single_edits(language: str, count: int, check: Speller) -> list[tuple[str, str]]:
    """Misspellings one edit away from frequent words of `language`, unknown to the dictionary."""
    rng = random.Random(SEED)
    near = neighbours(LAYOUTS[language])
    frequent = [w for w in wordfreq.top_n_list(language, 20000) if len(w) >= 4 and w.isalpha()]
    pairs: list[tuple[str, str]] = []
    while len(pairs) < count:
        word = rng.choice(frequent)
        i = rng.randrange(len(word))
        kind = rng.choice(("delete", "insert", "swap", "neighbour"))
        if kind == "delete":
            wrong = word[:i] + word[i + 1 :]
        elif kind == "insert":
            wrong = word[:i] + rng.choice(near.get(word[i], word[i]) or word[i]) + word[i:]
        elif kind == "swap" and i < len(word) - 1:
            wrong = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif word[i] in near:
            wrong = word[:i] + rng.choice(near[word[i]]) + word[i + 1 :]
        else:
            continue
        if wrong != word and check.known(word) and not check.known(wrong):
            pairs.append((wrong, word))
    return pairs


def accuracy(
    pairs: Sequence[tuple[str, str]], suggest: Callable[[str], list[str]]
) -> tuple[float, float, float]:
    """(top-1, top-5, milliseconds per word) of `suggest` on `pairs`."""
    top1 = top5 = 0
    started = time.perf_counter()
    for wrong, right in pairs:
        got = suggest(wrong)
        top1 += bool(got) and got[0] == right
        top5 += right in got[:5]
    elapsed = (time.perf_counter() - started) * 1000 / len(pairs)
    return top1 / len(pairs), top5 / len(pairs), elapsed


def report(title: str, pairs: Sequence[tuple[str, str]], check: Speller) -> None:
    """Print one table: each library alone, then Corrigo."""
    print(f"\n{title} ({len(pairs)} pairs, dictionary {check.name})")
    print(f"{'suggester':<12} {'top-1':>6} {'top-5':>6} {'ms/word':>8}")
    for d in check.dicts:
        row = accuracy(pairs, d.suggest)
        print(f"{d.provider.name:<12} {row[0]:>6.3f} {row[1]:>6.3f} {row[2]:>8.2f}")
    row = accuracy(pairs, check.suggest)
    print(f"{'corrigo':<12} {row[0]:>6.3f} {row[1]:>6.3f} {row[2]:>8.2f}")


def memory_replay(pairs: Sequence[tuple[str, str]], check: Speller, events: int) -> None:
    """A site's misprints over time, 30 % of them recurring: how often is the proposal right?

    Each misprint is proposed for, then fixed with its correction, which the
    site's memory learns; a recurring misprint must then come back right.
    """
    rng = random.Random(SEED)
    memory: dict[str, str] = {}
    seen: list[tuple[str, str]] = []
    fresh = iter(pairs)
    right = {"recurring": 0, "new": 0}
    total = {"recurring": 0, "new": 0}
    for _ in range(events):
        recurring = bool(seen) and rng.random() < 0.3
        wrong, correct = rng.choice(seen) if recurring else next(fresh)
        unknown = [w.text for w in words(wrong) if not check.known(w.text)]
        facts = GroupFacts(
            exact=wrong,
            reader_suggestions=[],
            memory=memory,
            suggestions={w: check.suggest(w) for w in unknown},
        )
        proposal = propose(facts)
        kind = "recurring" if recurring else "new"
        total[kind] += 1
        right[kind] += proposal is not None and proposal.text == correct
        memory[wrong.lower()] = correct
        seen.append((wrong, correct))
    print(f"\nsite memory replay ({events} misprints, 30 % recurring)")
    for kind in ("recurring", "new"):
        print(f"{kind:<10} top-1 {right[kind] / max(total[kind], 1):.3f} of {total[kind]}")


def main() -> None:
    """Run every table; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument("--languages", default="en,uk,ru")
    args = parser.parse_args()
    languages = args.languages.split(",")
    if "en" in languages:
        english = speller("en_US")
        assert english is not None, "the en_US dictionary is not installed"
        pairs = codespell_pairs(english)
        chosen = pairs[: args.pairs] if args.split == "test" else pairs[args.pairs : 2 * args.pairs]
        report(f"English, codespell pairs, {args.split} split", chosen, english)
        memory_replay(pairs, english, args.pairs)
    for language in ("uk", "ru"):
        if language in languages:
            check = speller(language)
            assert check is not None, f"no {language} dictionary is installed"
            pairs = single_edits(language, args.pairs // 4, check)
            report(f"{language}, single edits of frequent words", pairs, check)


if __name__ == "__main__":
    main()
