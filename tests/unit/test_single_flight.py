"""SingleFlight: concurrent lookups of one key share one call in the thread pool."""

from __future__ import annotations

import asyncio
import threading

import pytest

from corrigo.http.single_flight import SingleFlight


def test_concurrent_callers_of_one_key_share_one_call() -> None:
    calls: list[str] = []
    release = threading.Event()

    def lookup() -> str:
        calls.append("x")
        release.wait(5)
        return "site"

    async def scenario() -> list[str]:
        flight = SingleFlight()
        waiters = [asyncio.create_task(flight.run("site:a", lookup)) for _ in range(50)]
        await asyncio.sleep(0)
        other = asyncio.create_task(flight.run("site:b", lambda: "other"))
        assert await other == "other"
        release.set()
        return await asyncio.gather(*waiters)

    assert asyncio.run(scenario()) == ["site"] * 50
    assert calls == ["x"]


def test_a_cancelled_waiter_leaves_the_lookup_to_the_others() -> None:
    release = threading.Event()

    async def scenario() -> str:
        flight = SingleFlight()
        first = asyncio.create_task(flight.run("k", lambda: release.wait(5) and "done"))
        second = asyncio.create_task(flight.run("k", lambda: "not called"))
        await asyncio.sleep(0.01)
        first.cancel()
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await first
        return await second

    assert asyncio.run(scenario()) == "done"


def test_an_error_reaches_every_waiter_and_the_next_call_tries_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    attempts: list[int] = []

    def failing() -> str:
        attempts.append(1)
        raise OSError("database restarting")

    async def scenario() -> str:
        flight = SingleFlight()
        results = await asyncio.gather(
            flight.run("k", failing), flight.run("k", failing), return_exceptions=True
        )
        assert [type(result) for result in results] == [OSError, OSError]
        return await flight.run("k", lambda: "back")

    assert asyncio.run(scenario()) == "back"
    assert attempts == [1]
    assert "database restarting" in caplog.text


def test_a_refresh_nobody_awaits_still_runs_and_its_error_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def failing() -> str:
        raise OSError("gone")

    async def scenario() -> None:
        flight = SingleFlight()
        done = flight.start("k", failing)
        await asyncio.wait([done])

    asyncio.run(scenario())
    assert "lookup 'k' failed: gone" in caplog.text
