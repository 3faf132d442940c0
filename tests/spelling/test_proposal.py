"""The proposal's order of sources: readers, then the site's memory, then the dictionary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from corrigo.domain.proposal import (
    NOT_A_SPELLING_ERROR,
    DictionaryView,
    GroupFacts,
    Proposal,
    ReaderSuggestion,
    StoredProposal,
    collapse_repeats,
    from_memory,
    propose,
    readers_choice,
    replace_words,
)

T0 = datetime(2026, 11, 30, tzinfo=UTC)
DICTIONARY = {"intergration": ["integration", "interrogation"]}


def facts(**changes: object) -> GroupFacts:
    values: dict[str, object] = {
        "exact": "the intergration tests",
        "reader_suggestions": [],
        "memory": {},
        "suggestions": DICTIONARY,
    }
    values.update(changes)
    return GroupFacts(**values)  # type: ignore[arg-type]


def test_readers_come_first() -> None:
    readers = [ReaderSuggestion("the integration test", 2, T0)]
    memory = {"intergration": "integrration"}
    proposal = propose(facts(reader_suggestions=readers, memory=memory))
    assert proposal == Proposal("the integration test", "readers", 2)


def test_most_suggested_wins_and_ties_go_to_the_most_recent() -> None:
    older = ReaderSuggestion("a", 2, T0)
    newer = ReaderSuggestion("b", 2, T0 + timedelta(minutes=1))
    most = ReaderSuggestion("c", 3, T0 - timedelta(days=1))
    assert readers_choice([older, newer]) == newer
    assert readers_choice([older, newer, most]) == most
    assert readers_choice([ReaderSuggestion("  ", 9, T0)]) is None


def test_the_site_memory_comes_before_the_dictionary() -> None:
    proposal = propose(facts(memory={"intergration": "integration-test"}))
    assert proposal == Proposal("the integration-test tests", "site", 0)


def test_the_memory_may_know_the_whole_quote() -> None:
    assert from_memory("Teh Cat", {"teh cat": "the cat"}) == "The cat"
    assert from_memory("nothing known", {"teh": "the"}) is None


def test_the_dictionary_fixes_every_unknown_word_of_the_quote() -> None:
    suggestions = {"intergration": ["integration"], "tets": ["tests", "tents"]}
    proposal = propose(facts(exact="Intergration tets, again", suggestions=suggestions))
    assert proposal == Proposal("Integration tests, again", "dictionary", 0)


def test_no_source_means_no_proposal() -> None:
    assert propose(facts(suggestions={})) is None
    assert propose(facts(suggestions={"intergration": []})) is None


def test_replacing_keeps_the_text_between_words() -> None:
    text = "«Intergration»,  INTERGRATION; пʼять"
    fixed = replace_words(text, {"intergration": "integration", "пʼять": "п'ять"})
    assert fixed == "«Integration»,  INTEGRATION; пʼять"


def test_a_known_quote_gets_the_hint() -> None:
    view = DictionaryView("en_US", [], {})
    assert view.hint == NOT_A_SPELLING_ERROR
    assert StoredProposal(None, view).as_json() == {
        "proposal": None,
        "dictionary": {"lang": "en_US", "unknown": [], "suggestions": {}},
        "hint": NOT_A_SPELLING_ERROR,
    }
    assert StoredProposal(None, None).as_json()["hint"] is None
    unknown = DictionaryView("en_US", ["intergration"], DICTIONARY)
    assert unknown.hint == ""


def test_a_word_typed_twice_is_written_once() -> None:
    assert collapse_repeats("and the the budget") == "and the budget"
    assert collapse_repeats("на на мосту, The the") == "на мосту, The"
    assert collapse_repeats("had had; no no-go") == "had; no no-go"
    assert collapse_repeats("2026 2026") == "2026 2026"
    assert propose(facts(exact="the the", suggestions={})) == Proposal("the", "dictionary")


def test_apostrophes_follow_the_page() -> None:
    suggestions = {"обєктив": ["об'єктив"]}
    plain = propose(facts(exact="обєктив", suggestions=suggestions))
    assert plain is not None and plain.text == "об'єктив"
    styled = propose(facts(exact="обєктив", suggestions=suggestions, context="п’ять років"))
    assert styled is not None and styled.text == "об’єктив"
