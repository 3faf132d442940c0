"""The dashboard benchmark's flood: `corrigo serve` processes and reports at a steady rate.

As a script, it is the sender: ``flood.py RATE URL [URL ...]`` posts RATE reports a
second, the URLs taking turns, each at its scheduled time whatever became of the
earlier ones (open loop, over 16 keep-alive connections), until SIGTERM; it prints
``flowing`` once a second's worth has been answered, and at the end one JSON line
with what was sent and answered and the latencies counted from each report's
scheduled time, so that a backlog shows in them. Four reports in five
are readers of one viral misprint in a front-page story of the first site; the rest
fall on the other sites' pages, so new groups keep opening too.

As a module, `servers` starts the `corrigo serve` processes the pages and the flood
go to, and `Flood` runs the sender beside the benchmark.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

HERE = Path(__file__).resolve().parent
CONNECTIONS = 16
SITES = 20
VIRAL_SHARE = 0.8
STORY = (
    "The minister said the new bridge would open in Novmber, two months later than "
    "planned, because the goverment had recieved the final survey only in the spring."
)
MISPRINTS = ("Novmber", "goverment", "recieved")


def _body(rng: random.Random) -> tuple[str, bytes]:
    """One reader's report, of the viral misprint or of another page's, and its origin."""
    if rng.random() < VIRAL_SHARE:
        site, page, exact = 1, "front/bridge-delayed", MISPRINTS[0]
    else:
        site, page = rng.randint(1, SITES), f"news/story-{rng.randint(1, 5000)}"
        exact = rng.choice(MISPRINTS)
    start = STORY.index(exact)
    end = start + len(exact)
    return f"https://site{site:02d}.example", json.dumps(
        {
            "site": f"bench-site-{site:02d}",
            "url": f"https://site{site:02d}.example/{page}",
            "title": "The bridge opens later",
            "lang": "en",
            "quote": {
                "exact": exact,
                "prefix": STORY[max(0, start - 32) : start],
                "suffix": STORY[end : end + 32],
            },
            "position": {"start": start, "end": end},
            "client_id": uuid.UUID(int=rng.getrandbits(128)).hex,
            "widget_version": "1",
        }
    ).encode()


def _send(
    number: int, rate: float, urls: list[str], stop: threading.Event, results: list[Any]
) -> None:
    """Connection `number`'s share: the reports scheduled at number, number + CONNECTIONS, …"""
    rng = random.Random()  # seeded from the system: a rerun on a kept store sends new readers
    target = urlsplit(urls[number % len(urls)])
    conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
    started = time.monotonic()
    index = number
    while not stop.is_set():
        origin, body = _body(rng)
        due = started + index / rate
        # Pacing: the report's scheduled time, not a wait for a condition.
        time.sleep(max(0.0, due - time.monotonic()))
        try:
            conn.request(
                "POST",
                "/api/v1/reports",
                body,
                {"content-type": "text/plain;charset=UTF-8", "origin": origin},
            )
            answer = conn.getresponse()
            answer.read()
            results.append((answer.status, time.monotonic() - due))
        except (OSError, http.client.HTTPException):
            results.append((0, time.monotonic() - due))
            conn.close()
        index += CONNECTIONS


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else 0.0


def main() -> None:
    """Send until SIGTERM, then print the figures as one JSON line."""
    rate, urls = float(sys.argv[1]), sys.argv[2:]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    results: list[Any] = []
    began = time.monotonic()
    threads = [
        threading.Thread(target=_send, args=(n, rate, urls, stop, results), daemon=True)
        for n in range(CONNECTIONS)
    ]
    for thread in threads:
        thread.start()
    # The benchmark measures once a second's worth of reports has been answered.
    while len(results) < rate and not stop.wait(0.01):
        pass
    print("flowing", flush=True)
    stop.wait()
    seconds = time.monotonic() - began
    for thread in threads:
        thread.join(timeout=30)
    latencies = [latency for status, latency in results if status == 202]
    print(
        json.dumps(
            {
                "sent": len(results),
                "accepted": len(latencies),
                "other": sum(1 for status, _ in results if status not in (0, 202)),
                "errors": sum(1 for status, _ in results if status == 0),
                "rate": len(latencies) / seconds,
                "p50_ms": 1000 * _percentile(latencies, 0.5),
                "p99_ms": 1000 * _percentile(latencies, 0.99),
            }
        ),
        flush=True,
    )


@contextlib.contextmanager
def servers(env: dict[str, str], count: int, log: Path) -> Iterator[list[str]]:
    """`count` `corrigo serve` processes with `env`; their base URLs once all answer."""
    procs: list[subprocess.Popen[bytes]] = []
    urls = [f"http://127.0.0.1:{free_port()}" for _ in range(count)]
    try:
        with log.open("ab") as out:
            for url in urls:
                procs.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "corrigo.cli",
                            "serve",
                            "--port",
                            url.rsplit(":")[-1],
                        ],
                        env={**os.environ, **env},
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                )
        deadline = time.monotonic() + 120
        while not all(_healthy(url) for url in urls):
            if any(proc.poll() is not None for proc in procs) or time.monotonic() > deadline:
                raise SystemExit(f"corrigo serve did not start; see {log}")
            time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    return False


class Flood:
    """The sender in its own process (its work must not share the benchmark's GIL)."""

    def __init__(self, rate: float, urls: list[str]) -> None:
        self._command = [sys.executable, str(Path(__file__)), str(rate), *urls]
        self._proc: subprocess.Popen[str] | None = None
        self.figures: dict[str, float] = {}

    def __enter__(self) -> Flood:
        self._proc = subprocess.Popen(self._command, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        if self._proc.stdout.readline().strip() != "flowing":
            raise SystemExit("the flood did not start")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        assert self._proc is not None
        self._proc.terminate()
        output, _ = self._proc.communicate(timeout=60)
        if kind is None:
            self.figures = json.loads(output.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
