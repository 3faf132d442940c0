"""The life of an error group: its statuses, the editors' actions, and what each event does.

The rules are decided here, as pure functions, and the store applies them (the ingest
after a report, triage after a decision, the page checker after a look at the page):

- A report that matches no group opens one, and editors hear about it.
- A report of a **fixed** group reopens it (the fix did not reach the page), and editors
  hear about it as a new misprint.
- A report that brings an open group to the notification threshold is announced once more.
- A **rejected** or **spam** group keeps its status and stays quiet however often it is
  reported again: the editors' decision stands.
- A decision sets the status its action names; deciding what is already so changes
  nothing (pressing "fixed" twice records one decision).
- The page checker fixes an open group whose misprint is corrected on the live page.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """A group's status; the values are what the database and the API hold."""

    OPEN = "open"
    FIXED = "fixed"
    REJECTED = "rejected"
    SPAM = "spam"


class Action(StrEnum):
    """An editor's decision on a group (dashboard buttons, the API, imports)."""

    FIXED = "fixed"
    REJECT = "reject"
    SPAM = "spam"
    REOPEN = "reopen"


class NoticeType(StrEnum):
    """Outbox events that tell editors about a group (see corrigo.workers.notice)."""

    OPENED = "group.opened"
    THRESHOLD = "group.threshold"
    # A group marked fixed whose misprint the page checker still finds on the page.
    STILL_PRESENT = "group.still_present"


# What each action sets.
_STATUS_OF = {
    Action.FIXED: Status.FIXED,
    Action.REJECT: Status.REJECTED,
    Action.SPAM: Status.SPAM,
    Action.REOPEN: Status.OPEN,
}


def status_of(action: Action) -> Status:
    """The status a decision sets."""
    return _STATUS_OF[action]


def action_to(status: Status) -> Action:
    """The decision that sets `status` (an import that carries statuses uses it)."""
    return next(action for action, target in _STATUS_OF.items() if target == status)


@dataclass(frozen=True, slots=True)
class AfterReport:
    """What one more report does to its group."""

    status: Status
    reopened: bool  # the group was fixed and opens again
    notice: NoticeType | None  # what editors are told, if anything


def after_report(status: Status | None, readers: int, threshold: int) -> AfterReport:
    """The group's status and notice after a report.

    `status` is the group's status before the report (None: the report opens a new
    group); `readers` is its report count including this report; `threshold` is the
    count at which editors are told again.
    """
    if status is None:
        return AfterReport(Status.OPEN, reopened=False, notice=NoticeType.OPENED)
    if status == Status.FIXED:
        return AfterReport(Status.OPEN, reopened=True, notice=NoticeType.OPENED)
    if status == Status.OPEN and readers == threshold:
        return AfterReport(Status.OPEN, reopened=False, notice=NoticeType.THRESHOLD)
    return AfterReport(status, reopened=False, notice=None)


def joins_by_overlap(status: Status) -> bool:
    """Whether a report whose selection overlaps this group's may join it.

    A fixed group is joined only by the very same quote (its fingerprint): the misprint
    that was fixed is gone from the page, and a neighbouring selection is a new one.
    """
    return status != Status.FIXED


def after_decision(status: Status, action: Action) -> Status | None:
    """The status a decision moves the group to, or None when it changes nothing."""
    target = status_of(action)
    return None if target == status else target


def corrected_on_page(status: Status) -> Status | None:
    """The status after the page checker finds the misprint corrected, or None to keep it."""
    return Status.FIXED if status == Status.OPEN else None
