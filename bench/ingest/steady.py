"""Ingest benchmark at a constant rate, open-loop, with the latency over time.

wrk (run.py) loads the ingest closed-loop: each of its connections waits for an answer
before it sends again, so a slow answer lowers the offered load and hides the stall it
comes from, and wrk gives one latency histogram for the whole run. This generator:

- **constant rate** (the default): request i is due at t0 + i/rate and goes out then on
  an idle keep-alive connection, or on a new one if none is idle (at most --max-connections;
  a request that finds the pool full is counted as an error, never delayed). Latency runs
  from the request's *scheduled* time to the end of its answer, so a stall shows in full
  (no coordinated omission), and how late the generator itself sent is reported beside it.
  Reports: the "headline" scenario of issue 13, a misprint in a front-page headline of a
  large site: every report on the same page and the same selection, each from a new
  reader (a new client_id), a few with a comment or a suggestion.
- **closed loop** (--connections N): N connections, each sending its next report when the
  previous answer arrived, with reports.lua's mix (ported below), to see wrk's load over time.

Both print a timeline (per --slice, default 1 s: requests due, errors, p50, p99, max, the
generator's worst lateness, and the server's share of its CPU beside other work's on that CPU,
to tell a slow server from a busy machine), the run's p50/p99/p99.9/max, and its spikes:
the runs of 100 ms slices whose slowest answer took 3 times the usual slice's and at least
the goal's 10 ms (when they came, how long they lasted, how far apart). In a closed loop a request
is due when its connection is free, so the lateness is the generator's own time between an
answer and the next send. Targets, each in its own fresh server process from run.py's
helpers, pinned to CPU 0 with this generator on CPU 1, environment as run.py (rate limits
off, workers in process): ``starlette`` (the baseline: run.py's plain Starlette route under
the same load), ``sqlite``, ``postgresql``.
Goal of issue 13 at 1,000 reports/s: p99 < 10 ms and no errors on both databases (exit 1
if missed).

    uv run python bench/ingest/steady.py [--rate 1000] [--duration 60] [--warmup 3]
        [--slice 1000] [--connections N] [--scenario headline|mix] [--json FILE]
        [--no-postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import math
import os
import random
import re
import resource
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import httptools
import uvloop

# The ingest benchmark's helpers live beside this script (its folder is on sys.path).
from run import (
    BASELINE,
    HERE,
    SECRET,
    SERVER_CPU,
    WRK_CPU,
    free_port,
    pinned,
    postgres_database,
    prepare_store,
    started,
)

GOAL_P99_MS = 10.0
# The slices of SPIKE_SLICE_S whose slowest answer took SPIKE_FACTOR times the usual
# slice's (the median slice's slowest), and at least the goal, are listed as spikes.
SPIKE_SLICE_S = 0.1
SPIKE_FACTOR = 3
# uvicorn closes a keep-alive connection after 5 s without a request; an idle connection
# older than this is closed here rather than reused, so no request races the server's close.
IDLE_REUSE_S = 4.0
# The shortest sleep between sends. uvloop's timers count whole milliseconds and run a
# shorter delay at once, so waiting for each request at 5,000/s would spin the loop (77% of
# a core); waking once a millisecond and sending what is due costs 4% (sends up to ~1 ms
# late, which the lateness figures show and the latencies include).
TICK_S = 0.001
# How long the run waits for answers still outstanding after the last request went out.
DRAIN_S = 10.0
# How often the server's CPU is sampled from /proc (whose counters tick every 10 ms).
SAMPLE_S = 0.1
NOT_SENT = -1  # status of a request that found the pool full
NO_ANSWER = 0  # status of a request whose connection failed or whose answer never came

TEXT = (
    "The city council agreed on Tuesday to extend the tram line across the river, "
    "ending a debate that has lasted for most of the decade. The intergration of the "
    "two networks will cost more than expected, according to the the transport office, "
    "because the old bridge needs new foundations before it can carry the extra weight. "
    "Engineers recieved the final survey in the spring and said the work was absolutly "
    "necessary. Residents of the embankment, who have complained for years about noise, "
    "asked for a goverment guarantee that trams would not run after midnight. The mayor "
    "promised a public hearing in Novmber and said the line would open in two years if "
    "the contractors keep to the timetable and the wether allows work through the winter. "
    "Shop owners said they welcome the tram but fear the construction will keep customers "
    "away for months, and asked the council for a temporary cut in local taxes."
)
MISPRINTS = (
    "intergration",
    "the the",
    "recieved",
    "absolutly",
    "goverment",
    "Novmber",
    "contractors keep",
    "wether",
)
COMMENTS = (
    "",
    "",
    "",
    "",
    "Please fix",
    "Typo in the second paragraph",
    "",
    "Should be spelled differently, see the dictionary",
)
_NEXT_WORD = re.compile(r" \S+")


def http_request(port: int, body: str, reader: str) -> bytes:
    """One POST /api/v1/reports with the headers reports.lua sends, as bytes on the wire."""
    payload = body.encode()
    return (
        f"POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: text/plain;charset=UTF-8\r\nOrigin: https://news.example\r\n"
        f"X-Forwarded-For: {reader}\r\nContent-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload


def report_json(
    page_url: str, title: str, start: int, end: int, comment: str, suggestion: str, client: str
) -> str:
    """A report's JSON on TEXT's selection [start, end), as the widget would send it."""
    return json.dumps(
        {
            "site": "bench-site",
            "url": page_url,
            "title": title,
            "lang": "en",
            "author": "Bench Reporter",
            "quote": {
                "exact": TEXT[start:end],
                "prefix": TEXT[max(0, start - 32) : start],
                "suffix": TEXT[end : end + 32],
            },
            "position": {"start": start, "end": end},
            "comment": comment,
            "suggestion": suggestion,
            "client_id": client,
            "widget_version": "1",
        },
        separators=(",", ":"),
    )


class Reports:
    """A source of request bytes for one server port; subclasses choose the reports."""

    def __init__(self, port: int, seed: int) -> None:
        self.port = port
        self.rng = random.Random(seed)

    def client_id(self) -> str:
        """A new reader's client_id: 24 hex digits, as reports.lua draws them."""
        draw = self.rng.randint
        return f"{draw(0, 0x7FFFFFFF):08x}{draw(0, 0x7FFFFFFF):08x}{draw(0, 0x7FFFFFFF):08x}"

    def reader(self) -> str:
        """A reader's address for X-Forwarded-For (ignored: the servers trust no proxy)."""
        draw = self.rng.randint
        return f"10.{draw(0, 255)}.{draw(0, 255)}.{draw(0, 255)}"

    def __call__(self) -> bytes:
        """The next request."""
        raise NotImplementedError


class MixReports(Reports):
    """reports.lua in Python: popular pages skewed, one in ten on a rare page, eight
    misprints, one selection in five widened by a word, 3% retries of the previous report
    (same client_id and reader), comments and suggestions on some."""

    def __init__(self, port: int, seed: int) -> None:
        super().__init__(port, seed)
        self.spans = [(TEXT.index(word), TEXT.index(word) + len(word)) for word in MISPRINTS]
        self.last: bytes | None = None

    def body(self) -> str:
        """A new report (reports.lua's report_body, with 0-based, end-exclusive offsets)."""
        rng = self.rng
        if rng.random() < 0.1:
            page = 1000 + rng.randint(1, 100_000)
        else:
            page = 1 + math.floor(300 * rng.random() ** 3)
        start, end = rng.choice(self.spans)
        variant = rng.random()
        if variant < 0.1:  # with the next word
            match = _NEXT_WORD.match(TEXT, end)
            end = match.end() if match else end
        elif variant < 0.2:  # with the previous word
            start -= 2
            while start > 0 and TEXT[start - 1] != " ":
                start -= 1
        comment = rng.choice(COMMENTS)
        suggestion = TEXT[start:end].replace("ie", "ei") if rng.random() < 0.3 else ""
        return report_json(
            f"https://news.example/2024/10/{page % 28 + 1:02d}/story-{page}?utm_source=bench",
            f"Council extends the tram line across the river, story {page}",
            start,
            end,
            comment,
            suggestion,
            self.client_id(),
        )

    def __call__(self) -> bytes:
        if self.last is None or self.rng.random() >= 0.03:
            self.last = http_request(self.port, self.body(), self.reader())
        return self.last


class HeadlineReports(Reports):
    """Issue 13's constant-rate load: a misprint in a front-page headline of a large site.

    Every report is on the same page with the same selection, each from a new reader;
    5% carry a comment and 5% a suggestion."""

    WORD = "goverment"
    START = TEXT.index(WORD)

    def __call__(self) -> bytes:
        start = self.START
        draw = self.rng.random()
        return http_request(
            self.port,
            report_json(
                "https://news.example/",
                "Bench News: the council extends the tram line across the river",
                start,
                start + len(self.WORD),
                "In the front page's headline" if draw < 0.05 else "",
                "government" if 0.05 <= draw < 0.1 else "",
                self.client_id(),
            ),
            self.reader(),
        )


SCENARIOS: dict[str, type[Reports]] = {"headline": HeadlineReports, "mix": MixReports}


class Rows:
    """One row per request: when it was due, when it went out, when its answer ended (all
    perf_counter seconds) and its status (HTTP status, NO_ANSWER or NOT_SENT)."""

    def __init__(self) -> None:
        self.scheduled = array("d")
        self.sent = array("d")
        self.done = array("d")
        self.status = array("i")

    def add(self, scheduled: float, sent: float, status: int = NO_ANSWER) -> int:
        """Append a request; its index."""
        self.scheduled.append(scheduled)
        self.sent.append(sent)
        self.done.append(math.nan)
        self.status.append(status)
        return len(self.status) - 1


class CpuSampler:
    """How busy the server's CPU was, and how much of it the server itself used.

    Every SAMPLE_S, the CPU's busy and total clock ticks (/proc/stat; time stolen by a
    hypervisor counts as busy) and the server process's (/proc/PID/stat, all its threads),
    so that a slow slice can be told apart: the server working, or other work on its CPU.
    """

    def __init__(self, pid: int, cpu: int) -> None:
        self.stat = Path(f"/proc/{pid}/stat")
        self.prefix = f"cpu{cpu} "
        self.samples: list[tuple[float, int, int, int]] = []  # time, busy, total, server

    def sample(self) -> None:
        """Record the counters now (nothing once the process or /proc is gone)."""
        try:
            lines = Path("/proc/stat").read_text().splitlines()
            cpu = next(line for line in lines if line.startswith(self.prefix))
            fields = self.stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, StopIteration):
            return
        ticks = [int(value) for value in cpu.split()[1:9]]
        total = sum(ticks)
        busy = total - ticks[3] - ticks[4]  # less idle and iowait
        self.samples.append((time.perf_counter(), busy, total, int(fields[11]) + int(fields[12])))

    def shares(self, start: float, end: float) -> tuple[float, float]:
        """The server's share of its CPU between two perf_counter times, and the other
        work's (nan when fewer than two samples fall in between)."""
        inside = [one for one in self.samples if start <= one[0] <= end]
        if len(inside) < 2 or inside[-1][2] == inside[0][2]:
            return math.nan, math.nan
        first, last = inside[0], inside[-1]
        total = last[2] - first[2]
        server = (last[3] - first[3]) / total
        return server, max(0.0, (last[1] - first[1]) / total - server)


class Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection carrying one request at a time."""

    def __init__(self, load: Load) -> None:
        self.load = load
        self.parser = httptools.HttpResponseParser(self)
        self.transport: asyncio.Transport | None = None
        self.waiting: bytes | None = None  # a request handed over before the connection opened
        self.index = -1  # the row of the request in flight, -1 when idle
        self.idle_since = 0.0

    def send(self, index: int, request: bytes) -> None:
        """Send one request (once connected); its answer goes to the load."""
        self.index = index
        if self.transport is None:
            self.waiting = request
        else:
            self.transport.write(request)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Send the request that waited for the connection, if any."""
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods.
        self.transport = cast(asyncio.Transport, transport)
        if self.waiting is not None:
            self.transport.write(self.waiting)
            self.waiting = None

    def data_received(self, data: bytes) -> None:
        """Feed the answer's bytes to the parser; a malformed answer fails the request."""
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.close()

    def on_message_complete(self) -> None:
        """httptools: an answer ended."""
        index, self.index = self.index, -1
        self.idle_since = time.perf_counter()
        self.load.answered(self, index, self.parser.get_status_code(), self.idle_since)

    def connection_lost(self, exc: Exception | None) -> None:
        """The request in flight, if any, failed."""
        self.load.lost(self)

    def close(self) -> None:
        """Close the connection (the load hears of it through connection_lost)."""
        if self.transport is not None:
            self.transport.close()


class Load:
    """What both modes share: the rows, the connections, the end of the run."""

    def __init__(self, port: int, reports: Reports, seconds: float, sampler: CpuSampler) -> None:
        self.port = port
        self.reports = reports
        self.seconds = seconds
        self.sampler = sampler
        self.rows = Rows()
        self.loop = asyncio.get_running_loop()
        self.pool: set[Connection] = set()
        self.most_connections = 0
        self.connections_opened = 0
        self.in_flight = 0
        self.sending = True
        self.drained = self.loop.create_future()
        self.t0 = 0.0
        self.cpu = 0.0  # share of one core this process used while it sent and read

    def open(self) -> Connection:
        """A new connection in the pool; requests handed to it go out once it is open."""
        connection = Connection(self)
        self.pool.add(connection)
        self.connections_opened += 1
        self.most_connections = max(self.most_connections, len(self.pool))
        opening = self.loop.create_task(
            self.loop.create_connection(lambda: connection, "127.0.0.1", self.port)
        )
        opening.add_done_callback(lambda task: self.opened(connection, task))
        return connection

    def opened(self, connection: Connection, task: asyncio.Task[object]) -> None:
        """A connection that could not be opened is lost, with its request."""
        if not task.cancelled() and task.exception() is not None:
            self.lost(connection)

    def send(self, connection: Connection, scheduled: float, request: bytes) -> None:
        """Hand a request due at `scheduled` to `connection`, recording when it went out."""
        self.in_flight += 1
        connection.send(self.rows.add(scheduled, time.perf_counter()), request)

    def answered(self, connection: Connection, index: int, status: int, now: float) -> None:
        """A request got its answer; the connection is free again."""
        self.rows.done[index] = now
        self.rows.status[index] = status
        self.in_flight -= 1
        self.connection_free(connection, now)
        self.check_drained()

    def lost(self, connection: Connection) -> None:
        """A connection closed or failed to open; its request in flight, if any, failed."""
        if connection not in self.pool:
            return
        self.pool.discard(connection)
        self.connection_gone(connection)
        if connection.index >= 0:
            self.rows.done[connection.index] = time.perf_counter()
            self.in_flight -= 1
            connection.index = -1
            self.check_drained()

    def connection_free(self, connection: Connection, now: float) -> None:
        """What a mode does with a connection whose answer arrived."""
        raise NotImplementedError

    def connection_gone(self, connection: Connection) -> None:
        """What a mode does when a connection closed."""
        raise NotImplementedError

    def check_drained(self) -> None:
        """End the run once nothing more will be sent and every answer is in."""
        if not self.sending and self.in_flight == 0 and not self.drained.done():
            self.drained.set_result(None)

    async def run(self) -> Rows:
        """Start the load, wait for its end (or DRAIN_S more for late answers), close all."""
        self.t0 = time.perf_counter() + 0.05
        cpu = time.process_time()
        self.start()
        self.sample()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.drained), self.seconds + DRAIN_S)
        self.cpu = (time.process_time() - cpu) / (time.perf_counter() - self.t0)
        for connection in list(self.pool):
            connection.close()
        await asyncio.sleep(0)  # let the transports close before the loop ends
        return self.rows

    def start(self) -> None:
        """Begin sending at self.t0."""
        raise NotImplementedError

    def sample(self) -> None:
        """Sample the server's CPU every SAMPLE_S until the run ends."""
        self.sampler.sample()
        if not self.drained.done():
            self.loop.call_later(SAMPLE_S, self.sample)


class OpenLoop(Load):
    """Request i due at t0 + i/rate, sent on an idle connection or a new one."""

    def __init__(
        self,
        port: int,
        reports: Reports,
        seconds: float,
        sampler: CpuSampler,
        rate: float,
        most: int,
    ) -> None:
        super().__init__(port, reports, seconds, sampler)
        self.interval = 1 / rate
        # Built before the clock starts, so that the run spends nothing on them.
        self.requests = [reports() for _ in range(round(seconds * rate))]
        self.next = 0
        self.most = most
        self.idle: list[Connection] = []  # a stack: the connection used last goes out first

    def start(self) -> None:
        self.loop.call_later(self.t0 - time.perf_counter(), self.tick)

    def tick(self) -> None:
        """Send every request that is due, then sleep until the next one is."""
        now = time.perf_counter()
        total = len(self.requests)
        while self.next < total:
            due = self.t0 + self.next * self.interval
            if due > now:
                break
            connection = self.idle_connection(now)
            if connection is None:
                self.rows.add(due, now, NOT_SENT)
            else:
                self.send(connection, due, self.requests[self.next])
            self.next += 1
        if self.next < total:
            delay = self.t0 + self.next * self.interval - time.perf_counter()
            self.loop.call_later(max(TICK_S, delay), self.tick)
        else:
            self.sending = False
            self.check_drained()

    def idle_connection(self, now: float) -> Connection | None:
        """The connection used last, a new one if none is idle, None if the pool is full."""
        while self.idle:
            connection = self.idle.pop()
            if now - connection.idle_since < IDLE_REUSE_S:
                return connection
            connection.close()
        return self.open() if len(self.pool) < self.most else None

    def connection_free(self, connection: Connection, now: float) -> None:
        self.idle.append(connection)

    def connection_gone(self, connection: Connection) -> None:
        if connection in self.idle:
            self.idle.remove(connection)


class ClosedLoop(Load):
    """N connections, each sending its next report as soon as its answer arrived."""

    def __init__(
        self, port: int, reports: Reports, seconds: float, sampler: CpuSampler, connections: int
    ) -> None:
        super().__init__(port, reports, seconds, sampler)
        self.connections = connections

    def start(self) -> None:
        self.loop.call_later(self.t0 - time.perf_counter(), self.begin)

    def begin(self) -> None:
        """Open the connections, each with its first report."""
        for _ in range(self.connections):
            self.next_report(self.open(), time.perf_counter())

    def next_report(self, connection: Connection, now: float) -> None:
        """Send the next report on `connection` unless the run is over."""
        if now < self.t0 + self.seconds:
            self.send(connection, now, self.reports())
        else:
            self.sending = False
            connection.close()

    def connection_free(self, connection: Connection, now: float) -> None:
        self.next_report(connection, now)

    def connection_gone(self, connection: Connection) -> None:
        if self.sending:  # keep N connections: the next report goes on a new one
            self.next_report(self.open(), time.perf_counter())


@dataclass(frozen=True)
class Slice:
    """The requests due within one slice of the run."""

    start: float
    due: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    late_ms: float
    server_cpu: float
    other_cpu: float


@dataclass(frozen=True)
class Summary:
    """One target's run: the overall figures, its timeline and its raw rows."""

    target: str
    seconds: float
    due: int
    sent_rate: float
    errors: int
    not_sent: int
    p50_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    late_p50_ms: float
    late_p99_ms: float
    late_max_ms: float
    connections: int
    opened: int
    cpu: float
    server_cpu: float
    other_cpu: float
    timeline: list[Slice]
    spikes: list[tuple[float, float]]
    spike_ms: float
    raw: list[tuple[float, float, float | None, int]]


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list (nan when empty)."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def failed(status: int) -> bool:
    """Whether a request counts as an error: not sent, not answered, or not 2xx."""
    return not 200 <= status < 300


def slices(
    raw: list[tuple[float, float, float | None, int]],
    width: float,
    seconds: float,
    shares: Callable[[float, float], tuple[float, float]],
) -> list[Slice]:
    """The timeline: requests grouped by the slice of the run in which they were due, with
    the CPU shares that `shares` gives for the slice's start and end (seconds of the run)."""
    count = max(1, math.ceil(seconds / width - 1e-9))
    groups: list[list[tuple[float, float, float | None, int]]] = [[] for _ in range(count)]
    for row in raw:
        groups[min(count - 1, int(row[0] / width))].append(row)
    timeline = []
    for number, group in enumerate(groups):
        latencies = sorted(row[2] for row in group if row[2] is not None)
        timeline.append(
            Slice(
                start=number * width,
                due=len(group),
                errors=sum(failed(row[3]) for row in group),
                p50_ms=percentile(latencies, 0.5),
                p99_ms=percentile(latencies, 0.99),
                max_ms=latencies[-1] if latencies else math.nan,
                late_ms=max((row[1] for row in group), default=math.nan),
                server_cpu=(cpu := shares(number * width, (number + 1) * width))[0],
                other_cpu=cpu[1],
            )
        )
    return timeline


def summarize(
    target: str, load: Load, rows: Rows, warmup: float, seconds: float, width: float
) -> Summary:
    """The figures of the measured part of a run (the warm-up's requests left out)."""
    start = load.t0 + warmup
    raw: list[tuple[float, float, float | None, int]] = []
    for scheduled, sent, done, status in zip(
        rows.scheduled, rows.sent, rows.done, rows.status, strict=True
    ):
        if scheduled < start:
            continue
        answered = status > 0
        raw.append(
            (
                scheduled - start,
                (sent - scheduled) * 1000,
                (done - scheduled) * 1000 if answered else None,
                status,
            )
        )
    latencies = sorted(row[2] for row in raw if row[2] is not None)
    lateness = sorted(row[1] for row in raw if row[3] != NOT_SENT)
    sent_times = [row[0] + row[1] / 1000 for row in raw if row[3] != NOT_SENT]
    span = max(sent_times) - min(sent_times) if len(sent_times) > 1 else math.nan

    def shares(begin: float, end: float) -> tuple[float, float]:
        return load.sampler.shares(start + begin, start + end)

    fine = slices(raw, SPIKE_SLICE_S, seconds, shares)
    usual = percentile(sorted(one.max_ms for one in fine if one.due), 0.5)
    spike_ms = max(GOAL_P99_MS, SPIKE_FACTOR * usual)
    spikes: list[tuple[float, float]] = []  # (start, length) of runs of slow slices
    for one in fine:
        if one.max_ms < spike_ms:
            continue
        if spikes and math.isclose(sum(spikes[-1]), one.start, abs_tol=1e-6):
            spikes[-1] = (spikes[-1][0], spikes[-1][1] + SPIKE_SLICE_S)
        else:
            spikes.append((one.start, SPIKE_SLICE_S))
    return Summary(
        target=target,
        seconds=seconds,
        due=len(raw),
        sent_rate=(len(sent_times) - 1) / span if span > 0 else math.nan,
        errors=sum(failed(row[3]) for row in raw),
        not_sent=sum(row[3] == NOT_SENT for row in raw),
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
        p999_ms=percentile(latencies, 0.999),
        max_ms=latencies[-1] if latencies else math.nan,
        late_p50_ms=percentile(lateness, 0.5),
        late_p99_ms=percentile(lateness, 0.99),
        late_max_ms=lateness[-1] if lateness else math.nan,
        connections=load.most_connections,
        opened=load.connections_opened,
        cpu=load.cpu,
        server_cpu=(run_cpu := shares(0, seconds))[0],
        other_cpu=run_cpu[1],
        timeline=slices(raw, width, seconds, shares),
        spikes=spikes,
        spike_ms=spike_ms,
        raw=raw,
    )


def print_summary(summary: Summary, width: float) -> None:
    """The timeline table, the run's figures and the slow 100 ms slices."""
    print(f"\n{summary.target}: one row per {width * 1000:g} ms, by the time requests were due")
    print(
        "|    t s |   due | err | p50 ms | p99 ms | max ms | late max ms | server CPU "
        "| others on it |"
    )
    print("| -----: | ----: | --: | -----: | -----: | -----: | ----------: | ---------: | ---: |")
    for one in summary.timeline:
        print(
            f"| {one.start:6.1f} | {one.due:5d} | {one.errors:3d} | {one.p50_ms:6.1f} "
            f"| {one.p99_ms:6.1f} | {one.max_ms:6.1f} | {one.late_ms:11.1f} "
            f"| {one.server_cpu:10.0%} | {one.other_cpu:12.0%} |"
        )
    print(
        f"{summary.target}: {summary.due:,} requests, sent at {summary.sent_rate:,.1f}/s, "
        f"p50 {summary.p50_ms:.1f} ms, p99 {summary.p99_ms:.1f} ms, "
        f"p99.9 {summary.p999_ms:.1f} ms, max {summary.max_ms:.1f} ms, errors {summary.errors} "
        f"(not sent: {summary.not_sent}); generator late p50 {summary.late_p50_ms:.2f} ms, "
        f"p99 {summary.late_p99_ms:.2f} ms, max {summary.late_max_ms:.1f} ms, "
        f"CPU {summary.cpu:.0%} of a core; {summary.opened} connections opened, "
        f"{summary.connections} at most at once; the server used {summary.server_cpu:.0%} "
        f"of its CPU, other work {summary.other_cpu:.0%}"
    )
    spikes = summary.spikes
    what = f"spikes (runs of 100 ms slices with an answer ≥ {summary.spike_ms:.1f} ms)"
    if not spikes:
        print(f"{what}: none")
        return
    gaps = sorted(b[0] - a[0] for a, b in itertools.pairwise(spikes))
    shown = ", ".join(
        f"{start:.1f}" + (f" ({length:.1f} s)" if length > 0.15 else "")
        for start, length in spikes[:30]
    )
    more = f" (+{len(spikes) - 30} more)" if len(spikes) > 30 else ""
    gap = f"; median gap between starts {percentile(gaps, 0.5):.1f} s" if gaps else ""
    print(f"{what}: {len(spikes)}, at s {shown}{more}{gap}")


def measure(
    target: str, port: int, pid: int, args: argparse.Namespace, scenario: type[Reports]
) -> Summary:
    """Load one server (warm-up, then the measured part, without a gap) and sum it up."""
    seconds = args.warmup + args.duration
    reports = scenario(port, random.SystemRandom().getrandbits(64))
    sampler = CpuSampler(pid, SERVER_CPU)

    async def go() -> tuple[Load, Rows]:
        load: Load
        if args.connections:
            load = ClosedLoop(port, reports, seconds, sampler, args.connections)
        else:
            load = OpenLoop(port, reports, seconds, sampler, args.rate, args.max_connections)
        return load, await load.run()

    # No garbage collection in the generator while it measures: its pauses would count.
    gc.collect()
    gc.disable()
    try:
        load, rows = uvloop.run(go())
    finally:
        gc.enable()
    return summarize(target, load, rows, args.warmup, args.duration, args.slice / 1000)


def report(summaries: list[Summary], args: argparse.Namespace) -> bool:
    """The comparison table; whether the goal is met on the databases."""
    baseline = next((one for one in summaries if one.target == BASELINE), None)
    print(
        f"\n| target | sent/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | late p99 ms "
        f"| p99 ÷ {BASELINE} |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for one in summaries:
        ratio = one.p99_ms / baseline.p99_ms if baseline else math.nan
        print(
            f"| {one.target} | {one.sent_rate:,.0f} | {one.p50_ms:.1f} | {one.p99_ms:.1f} "
            f"| {one.p999_ms:.1f} | {one.max_ms:.1f} | {one.errors} | {one.late_p99_ms:.2f} "
            f"| {ratio:.1f} |"
        )
    databases = [one for one in summaries if one.target != BASELINE]
    if args.connections:
        return not any(one.errors for one in summaries)
    met = all(one.p99_ms < GOAL_P99_MS and not one.errors for one in databases)
    print(
        f"\ngoal at {args.rate:,.0f} reports/s (p99 < {GOAL_P99_MS:g} ms, no errors, "
        f"{' and '.join(one.target for one in databases)}): {'met' if met else 'MISSED'}"
    )
    return met


def dump(path: Path, summaries: list[Summary], args: argparse.Namespace) -> None:
    """Write the raw rows: per target, [due s, generator lateness ms, latency ms, status]."""
    data = {
        "mode": f"closed loop, {args.connections} connections"
        if args.connections
        else f"open loop, {args.rate:g} requests/s",
        "scenario": args.scenario,
        "warmup_s": args.warmup,
        "duration_s": args.duration,
        "columns": ["due_s", "late_ms", "latency_ms", "status"],
        "status": {str(NOT_SENT): "not sent: pool full", str(NO_ANSWER): "no answer"},
        "targets": {one.target: [list(row) for row in one.raw] for one in summaries},
    }
    path.write_text(json.dumps(data))
    print(f"raw rows written to {path}")


def load_average() -> str:
    """The machine's load average over the last minute, for the record."""
    return f"{os.getloadavg()[0]:.1f}"


def pin_generator() -> None:
    """Keep this process on the load generator's CPU, as run.py does with wrk."""
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {WRK_CPU})


def raise_file_limit() -> None:
    """Up to --max-connections sockets here and in the server (which inherits the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def arguments() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="The servers are those of run.py; see bench/README.md, "
        "'Constant rate and the latency over time'.",
    )
    parser.add_argument("--rate", type=float, default=1000, help="requests/s (open loop)")
    parser.add_argument("--duration", type=float, default=60, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before, not counted")
    parser.add_argument("--slice", type=float, default=1000, help="timeline slice in ms")
    parser.add_argument(
        "--connections",
        type=int,
        default=0,
        help="closed loop on N connections instead of a constant rate",
    )
    parser.add_argument(
        "--max-connections", type=int, default=1024, help="open loop: size of the pool at most"
    )
    parser.add_argument(
        "--scenario",
        choices=sorted(SCENARIOS),
        help="reports sent (default: headline at a constant rate, mix in a closed loop)",
    )
    parser.add_argument("--json", type=Path, help="write the raw rows to this file")
    parser.add_argument("--no-postgresql", action="store_true", help="skip PostgreSQL")
    args = parser.parse_args()
    args.scenario = args.scenario or ("mix" if args.connections else "headline")
    return args


@contextlib.contextmanager
def server(kind: str, env: dict[str, str], log: Path) -> Iterator[tuple[int, int]]:
    """run.py's server(), also yielding the process id (for the CPU samples)."""
    port = free_port()
    command = [*pinned(SERVER_CPU), sys.executable, str(HERE / "server.py"), kind, str(port)]
    with started(command, env, log, port, f"the {kind} server") as proc:
        yield port, proc.pid


@contextlib.contextmanager
def stores(work: Path, postgresql: bool) -> Iterator[dict[str, str]]:
    """A fresh SQLite file and, unless skipped, a fresh PostgreSQL database, prepared."""
    with contextlib.ExitStack() as stack:
        urls = {"sqlite": f"sqlite:///{work / 'bench.db'}"}
        if postgresql:
            urls["postgresql"] = stack.enter_context(postgres_database())
        for url in urls.values():
            prepare_store(url)
        yield urls


def main() -> None:
    """Measure the baseline and the databases; exit 1 if the goal is missed."""
    args = arguments()
    pin_generator()
    raise_file_limit()
    scenario = SCENARIOS[args.scenario]
    mode = (
        f"closed loop on {args.connections} connections"
        if args.connections
        else f"open loop at {args.rate:,.0f} requests/s"
    )
    print(
        f"{mode}, {args.scenario} reports, {args.warmup:g} s warm-up + {args.duration:g} s "
        f"measured per target; {os.cpu_count()} CPUs, load average {load_average()}"
    )
    with tempfile.TemporaryDirectory(prefix="corrigo-steady-") as tmp:
        work = Path(tmp)
        with stores(work, not args.no_postgresql) as urls:
            common = {
                "CORRIGO_DATA_DIR": str(work),
                "CORRIGO_SECRET_KEY": SECRET,
                "CORRIGO_RATE_LIMIT_READER": "off",
                "CORRIGO_RATE_LIMIT_SITE": "off",
            }
            summaries = []
            for target in [BASELINE, *urls]:
                kind = BASELINE if target == BASELINE else "corrigo"
                env = {**common, "CORRIGO_DATABASE_URL": urls[target]} if target in urls else common
                with server(kind, env, work / f"{target}.log") as (port, pid):
                    summary = measure(target, port, pid, args, scenario)
                print_summary(summary, args.slice / 1000)
                summaries.append(summary)
    met = report(summaries, args)
    if args.json:
        dump(args.json, summaries, args)
    print(f"load average at the end: {load_average()}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
