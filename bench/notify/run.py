"""Notification benchmark: from the ingest's 202 to the message at the receivers.

One run starts `corrigo serve` in its own process (notifier in-process, as
deployed by default, or `--workers N` separate `corrigo worker` processes)
with two immediate channels, an e-mail address on a local SMTP server
(aiosmtpd) and a webhook on a local HTTP receiver (uvicorn), on SQLite and on
PostgreSQL. This process sends N reports at a steady rate, each a new misprint
so each one is notified, and notes when each 202 comes back and when each
message arrives: the receivers run in this process too, on the same monotonic
clock. A message that never arrives or arrives twice fails the run.

Baseline, in the same run: the same kind of message sent directly from this
process to the same receivers (aiosmtplib, httpx), one at a time. The ratio
"p95 ÷ direct p95" says what the durable queue adds to the bare cost of a
send; the budget itself is absolute: p95 under 1 second.

    uv run python bench/notify/run.py [--reports 1000] [--rate 20] [--workers 0] [--no-postgresql]
    uv run python bench/notify/run.py --capacity     # one worker's sends/s from a full queue
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email
import email.policy
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosmtplib
import httpx
import uvicorn
from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from corrigo.store.admin import create_site
from corrigo.store.channels import create_channel
from corrigo.store.db import make_engine, make_sessionmaker, upgrade

# The ingest benchmark's helpers for ports and a throw-away PostgreSQL database.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ingest.run import free_port, postgres_database, stop, wait_until_ready

SITE_KEY = "bench-site"
ORIGIN = "https://news.example"
SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
TARGET_P95 = 1.0
GROUP_LINK = re.compile(rb"/dashboard/groups/(\d+)")


class Arrivals:
    """What reached each receiver and when (monotonic seconds); parsed after the run.

    The receivers only append, so that their own cost stays out of the figures.
    """

    def __init__(self) -> None:
        self.smtp: list[tuple[float, bytes]] = []
        self.webhook: list[tuple[float, bytes]] = []

    def reset(self) -> None:
        """Forget everything (between runs)."""
        self.smtp.clear()
        self.webhook.clear()


def by_group(raw: list[tuple[float, bytes]]) -> tuple[dict[int, float], int]:
    """Group id → first arrival, and how many messages repeated a group (duplicates)."""
    first: dict[int, float] = {}
    repeats = 0
    for when, content in list(raw):
        # Undo quoted-printable soft line breaks, which may split the link in an e-mail.
        found = GROUP_LINK.search(content.replace(b"=\r\n", b"").replace(b"=\n", b""))
        if found is None:
            continue
        group = int(found.group(1))
        if group in first:
            repeats += 1
        else:
            first[group] = when
    return first, repeats


class SmtpHandler:
    """aiosmtpd handler: keeps each message with its arrival time."""

    def __init__(self, arrivals: Arrivals) -> None:
        self.arrivals = arrivals

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        """Note the message."""
        self.arrivals.smtp.append((time.monotonic(), envelope.content))
        return "250 OK"


def webhook_app(arrivals: Arrivals) -> Starlette:
    """A receiver that keeps each event with its arrival time and answers 200."""

    async def receive(request: Request) -> Response:
        arrivals.webhook.append((time.monotonic(), await request.body()))
        return Response(b"ok")

    return Starlette(routes=[Route("/hook", receive, methods=["POST"])])


@contextlib.contextmanager
def receivers(arrivals: Arrivals) -> Iterator[tuple[int, int]]:
    """Run the SMTP server and the webhook receiver; yield their ports."""
    smtp_port, http_port = free_port(), free_port()
    controller = Controller(SmtpHandler(arrivals), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    config = uvicorn.Config(
        webhook_app(arrivals), host="127.0.0.1", port=http_port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield smtp_port, http_port
    finally:
        server.should_exit = True
        thread.join(10)
        controller.stop()


def prepare_store(url: str, http_port: int) -> None:
    """Migrate, create the site and its two immediate channels."""
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        create_site(session, "Bench News", [ORIGIN], "en", public_key=SITE_KEY)
        create_channel(session, SITE_KEY, "email", "desk@news.example")
        create_channel(
            session,
            SITE_KEY,
            "webhook",
            f"http://127.0.0.1:{http_port}/hook",
            secret="bench-webhook-secret-0123",
        )
        session.commit()
    engine.dispose()


def corrigo(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start a `corrigo` command in its own process, output to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "corrigo.cli", *args],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@contextlib.contextmanager
def corrigo_server(env: dict[str, str], log: Path, workers: int) -> Iterator[str]:
    """`corrigo serve` (and `workers` × `corrigo worker`); yield its URL once healthy.

    With no separate workers the notifier runs inside the server, the default.
    """
    port = free_port()
    if workers:
        env = {**env, "CORRIGO_WORKERS_IN_PROCESS": "false"}
    proc = corrigo(["serve", "--port", str(port)], env, log)
    helpers = [corrigo(["worker"], env, log) for _ in range(workers)]
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        with contextlib.suppress(httpx.TransportError):
            return httpx.get(url + "/healthz", timeout=1).status_code == 200
        return False

    try:
        wait_until_ready(proc, healthy, log, 60, "the server")
        yield url
    finally:
        for process in [proc, *helpers]:
            stop(process)


def body(index: int, run: str) -> dict[str, Any]:
    """A report of a new misprint (its own quote, so its own group)."""
    word = f"wrod{run}{index}"
    return {
        "site": SITE_KEY,
        "url": f"{ORIGIN}/2026/11/27/article-{index % 50}",
        "title": f"Article {index % 50}",
        "lang": "en",
        "client_id": uuid.uuid4().hex,
        "quote": {"exact": word, "prefix": "The budget was approved with ", "suffix": " in it."},
        "comment": "Spotted while reading.",
    }


async def send_reports(
    base: str, count: int, rate: float, run: str
) -> tuple[dict[int, float], int]:
    """POST `count` reports at `rate` per second; group id → monotonic time of the 202."""
    accepted: dict[int, float] = {}
    failures = 0
    headers = {"origin": ORIGIN}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

        async def one(index: int) -> None:
            nonlocal failures
            answer = await client.post("/api/v1/reports", json=body(index, run), headers=headers)
            if answer.status_code != 202 or answer.json()["duplicate"]:
                failures += 1
                return
            accepted[answer.json()["group_id"]] = time.monotonic()

        start = time.monotonic()
        tasks = []
        for index in range(count):
            delay = start + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(index)))
        await asyncio.gather(*tasks)
    return accepted, failures


def wait_for(arrivals: Arrivals, count: int, timeout: float) -> None:
    """Wait until both receivers have `count` messages (or the timeout passes), then a bit."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(arrivals.smtp) >= count and len(arrivals.webhook) >= count:
            break
        time.sleep(0.05)
    time.sleep(1)  # anything arriving now would be a duplicate


@dataclass(frozen=True)
class Figures:
    """Latency percentiles in milliseconds; messages missing and messages sent twice."""

    count: int
    p50: float
    p95: float
    p99: float
    worst: float
    missing: int = 0
    duplicates: int = 0

    @property
    def met(self) -> bool:
        """Whether this path meets the budget."""
        return self.p95 < TARGET_P95 * 1000 and not self.missing and not self.duplicates


def figures(samples: list[float], missing: int = 0, duplicates: int = 0) -> Figures:
    """Percentiles of latencies given in seconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return Figures(
        len(samples),
        statistics.median(samples) * 1000,
        cuts[94] * 1000,
        cuts[98] * 1000,
        max(samples) * 1000,
        missing,
        duplicates,
    )


def latencies(accepted: dict[int, float], raw: list[tuple[float, bytes]]) -> Figures:
    """202 → arrival for every accepted report; missing messages and duplicates are counted."""
    arrived, repeats = by_group(raw)
    samples = [arrived[group] - t for group, t in accepted.items() if group in arrived]
    return figures(samples, len(accepted) - len(samples), repeats)


async def direct_sends(smtp_port: int, http_port: int, count: int) -> tuple[Figures, Figures]:
    """The baseline: the same kind of message sent straight from here, one at a time."""
    message = email.message.EmailMessage()
    message["From"], message["To"], message["Subject"] = "b@news.example", "d@news.example", "x"
    message.set_content("Dashboard: https://corrigo.example/dashboard/groups/0\n" + "x" * 800)
    message.add_alternative("<p>" + "x" * 1500 + "</p>", subtype="html")
    mail, hook = [], []
    payload = b'{"id":"baseline","group":{"id":"baseline"},"pad":"' + b"x" * 700 + b'"}'
    async with httpx.AsyncClient() as client:
        for _ in range(count):
            start = time.monotonic()
            await aiosmtplib.send(message, hostname="127.0.0.1", port=smtp_port, start_tls=False)
            mail.append(time.monotonic() - start)
            start = time.monotonic()
            await client.post(f"http://127.0.0.1:{http_port}/hook", content=payload)
            hook.append(time.monotonic() - start)
    return figures(mail), figures(hook)


def row(name: str, value: Figures, baseline: Figures) -> str:
    """One Markdown table row."""
    return (
        f"| {name} | {value.count:,} | {value.p50:.0f} | {value.p95:.0f} | {value.p99:.0f} "
        f"| {value.worst:.0f} | {value.p95 / baseline.p95:.0f}× | {value.missing} "
        f"| {value.duplicates} |"
    )


@dataclass(frozen=True)
class Setup:
    """A run's folder, receivers and one prepared database per store kind."""

    work: Path
    smtp_port: int
    http_port: int
    urls: dict[str, str]

    def environment(self, name: str) -> dict[str, str]:
        """The server's and workers' settings for one store."""
        return {
            "CORRIGO_DATABASE_URL": self.urls[name],
            "CORRIGO_DATA_DIR": str(self.work),
            "CORRIGO_SECRET_KEY": SECRET,
            "CORRIGO_RATE_LIMIT_READER": "off",
            "CORRIGO_RATE_LIMIT_SITE": "off",
            "CORRIGO_SMTP_HOST": "127.0.0.1",
            "CORRIGO_SMTP_PORT": str(self.smtp_port),
            "CORRIGO_BASE_URL": "https://corrigo.example",
        }


@contextlib.contextmanager
def setup(arrivals: Arrivals, postgresql: bool) -> Iterator[Setup]:
    """Receivers, a temporary folder, SQLite (and PostgreSQL) with the site and channels."""
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="corrigo-bench-")))
        smtp_port, http_port = stack.enter_context(receivers(arrivals))
        urls = {"sqlite": f"sqlite:///{work / 'bench.db'}"}
        if postgresql:
            urls["postgresql"] = stack.enter_context(postgres_database())
        for url in urls.values():
            prepare_store(url, http_port)
        yield Setup(work, smtp_port, http_port, urls)


def capacity(args: argparse.Namespace) -> None:
    """How many deliveries per second one `corrigo worker` sends from a full queue."""
    arrivals = Arrivals()
    with setup(arrivals, not args.no_postgresql) as run:
        for name in run.urls:
            env = run.environment(name)
            arrivals.reset()
            log = run.work / f"{name}.log"
            quiet = {**env, "CORRIGO_WORKERS_IN_PROCESS": "false"}
            with corrigo_server(quiet, log, 0) as base:
                accepted, _ = asyncio.run(send_reports(base, args.reports, 1000, name))
            worker = corrigo(["worker"], env, log)
            wait_for(arrivals, len(accepted), timeout=120)
            stop(worker)
            times = sorted(when for when, _ in arrivals.smtp + arrivals.webhook)
            rate = (len(times) - 1) / (times[-1] - times[0])
            print(
                f"{name}: one worker sent {len(times):,} queued messages "
                f"(e-mail + webhook) at {rate:,.0f}/s",
                flush=True,
            )


def main() -> None:
    """Run the benchmark on SQLite (and PostgreSQL); exit non-zero if the budget is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20, help="reports per second")
    parser.add_argument("--baseline", type=int, default=200, help="direct sends measured")
    parser.add_argument("--no-postgresql", action="store_true", help="measure SQLite only")
    parser.add_argument(
        "--workers", type=int, default=0, help="separate `corrigo worker` processes (0: in-process)"
    )
    parser.add_argument(
        "--capacity",
        action="store_true",
        help="instead: queue the reports with no notifier running, then time one worker's drain",
    )
    args = parser.parse_args()
    if args.capacity:
        capacity(args)
        return
    arrivals = Arrivals()
    results: dict[str, tuple[Figures, Figures, int]] = {}
    with setup(arrivals, not args.no_postgresql) as run:
        mail_base, hook_base = asyncio.run(
            direct_sends(run.smtp_port, run.http_port, args.baseline)
        )
        print(f"direct send p95: e-mail {mail_base.p95:.1f} ms, webhook {hook_base.p95:.1f} ms")
        for name in run.urls:
            env = run.environment(name)
            arrivals.reset()
            with corrigo_server(env, run.work / f"{name}.log", args.workers) as base:
                accepted, failed = asyncio.run(send_reports(base, args.reports, args.rate, name))
                wait_for(arrivals, len(accepted), timeout=60)
            mail = latencies(accepted, arrivals.smtp)
            hook = latencies(accepted, arrivals.webhook)
            results[name] = (mail, hook, failed)
            print(
                f"{name}: {len(accepted):,} accepted ({failed} refused); p95 e-mail "
                f"{mail.p95:.0f} ms, webhook {hook.p95:.0f} ms",
                flush=True,
            )
    where = f"{args.workers} separate worker(s)" if args.workers else "the in-process notifier"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\n{args.reports:,} reports at {args.rate:g}/s, each a new misprint, sent by {where}; "
        f"baseline: {args.baseline} direct sends, one at a time; {os.cpu_count()} CPUs, "
        f"load average {load}\n"
    )
    print(
        "| path | messages | p50 ms | p95 ms | p99 ms | max ms | p95 ÷ direct p95 "
        "| missing | twice |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(row("direct send, e-mail (baseline)", mail_base, mail_base))
    print(row("direct send, webhook (baseline)", hook_base, hook_base))
    met = True
    for name, (mail, hook, failed) in results.items():
        print(row(f"{name}: 202 → SMTP server", mail, mail_base))
        print(row(f"{name}: 202 → webhook receiver", hook, hook_base))
        met = met and not failed and mail.met and hook.met
    verdict = "met" if met else "MISSED"
    print(f"\ntarget (p95 < {TARGET_P95:g} s, none missing or sent twice): {verdict}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
