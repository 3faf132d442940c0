"""The group lifecycle's pure rules: every status after a report, a decision, a page check."""

from __future__ import annotations

import pytest

from corrigo.domain.lifecycle import (
    Action,
    AfterReport,
    NoticeType,
    Status,
    action_to,
    after_decision,
    after_report,
    corrected_on_page,
    joins_by_overlap,
    status_of,
)

THRESHOLD = 5


def test_a_first_report_opens_a_group_and_tells_the_editors() -> None:
    assert after_report(None, 1, THRESHOLD) == AfterReport(Status.OPEN, False, NoticeType.OPENED)


def test_a_fixed_group_reported_again_reopens_and_is_announced_as_new() -> None:
    for readers in (2, THRESHOLD, THRESHOLD + 1):
        after = after_report(Status.FIXED, readers, THRESHOLD)
        assert after == AfterReport(Status.OPEN, True, NoticeType.OPENED)


@pytest.mark.parametrize(
    ("readers", "notice"),
    [(2, None), (THRESHOLD - 1, None), (THRESHOLD, NoticeType.THRESHOLD), (THRESHOLD + 1, None)],
)
def test_an_open_group_is_announced_again_only_at_the_threshold(
    readers: int, notice: NoticeType | None
) -> None:
    assert after_report(Status.OPEN, readers, THRESHOLD) == AfterReport(Status.OPEN, False, notice)


@pytest.mark.parametrize("status", [Status.REJECTED, Status.SPAM])
@pytest.mark.parametrize("readers", [2, THRESHOLD, THRESHOLD + 1])
def test_rejected_and_spam_keep_their_status_and_stay_quiet(status: Status, readers: int) -> None:
    assert after_report(status, readers, THRESHOLD) == AfterReport(status, False, None)


def test_only_fixed_groups_are_joined_by_their_fingerprint_alone() -> None:
    assert [status for status in Status if not joins_by_overlap(status)] == [Status.FIXED]


# Every (status, action) pair: the status the decision moves to, None where it is already so.
DECISIONS = {
    (Status.OPEN, Action.FIXED): Status.FIXED,
    (Status.OPEN, Action.REJECT): Status.REJECTED,
    (Status.OPEN, Action.SPAM): Status.SPAM,
    (Status.OPEN, Action.REOPEN): None,
    (Status.FIXED, Action.FIXED): None,
    (Status.FIXED, Action.REJECT): Status.REJECTED,
    (Status.FIXED, Action.SPAM): Status.SPAM,
    (Status.FIXED, Action.REOPEN): Status.OPEN,
    (Status.REJECTED, Action.FIXED): Status.FIXED,
    (Status.REJECTED, Action.REJECT): None,
    (Status.REJECTED, Action.SPAM): Status.SPAM,
    (Status.REJECTED, Action.REOPEN): Status.OPEN,
    (Status.SPAM, Action.FIXED): Status.FIXED,
    (Status.SPAM, Action.REJECT): Status.REJECTED,
    (Status.SPAM, Action.SPAM): None,
    (Status.SPAM, Action.REOPEN): Status.OPEN,
}


def test_the_decision_table_covers_every_pair() -> None:
    assert set(DECISIONS) == {(status, action) for status in Status for action in Action}


@pytest.mark.parametrize(("before", "action"), sorted(DECISIONS))
def test_a_decision_sets_its_status_unless_it_is_already_so(before: Status, action: Action) -> None:
    assert after_decision(before, action) == DECISIONS[(before, action)]


def test_each_status_has_one_action_that_sets_it() -> None:
    for status in Status:
        assert status_of(action_to(status)) == status
    assert sorted(status_of(action) for action in Action) == sorted(Status)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Status.OPEN, Status.FIXED),
        (Status.FIXED, None),
        (Status.REJECTED, None),
        (Status.SPAM, None),
    ],
)
def test_the_page_checker_fixes_only_open_groups(before: Status, after: Status | None) -> None:
    assert corrected_on_page(before) == after


def test_statuses_compare_with_the_stored_text() -> None:
    # The database holds the values: a row's "fixed" is Status.FIXED.
    assert Status("fixed") is Status.FIXED and Status.FIXED == "fixed"
    assert f"status = '{Status.OPEN}'" == "status = 'open'"  # as written into SQL
