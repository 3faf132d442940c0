"""How long a sign-in answer waits once an account draws many wrong passwords."""

from __future__ import annotations

# Failures an account may draw (from all addresses, in the account limit's window)
# before answers slow down; each further run of this many doubles the wait.
FREE_FAILURES = 5
FIRST_DELAY = 0.5
MAX_DELAY = 8.0


def sign_in_delay(failures: int) -> float:
    """Seconds to wait before checking a password for an account with `failures` recent ones.

    Nothing for the first few, then 0.5 s doubling every five failures, at most 8 s:
    guessing slows down for everyone, and the editor still gets in.
    """
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, FIRST_DELAY * 2.0 ** (failures // FREE_FAILURES - 1))
