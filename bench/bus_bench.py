#!/usr/bin/env python3
"""Event bus benchmark: Sinergi's outbox → relay → broker → worker pipeline next to bare kombu.

For each stack it starts real ``sinergi relay`` and ``sinergi worker`` processes (the recorder
test plugin is the handler: one row per event) and measures

- **max rate**: a backlog of N events is committed in one transaction while the relay and the
  workers run (warmed up); the rate is N ÷ (last ``handled_events.handled_at`` − first
  ``outbox.published_at``);
- **half load**: events are committed at half that rate for a few seconds; the latency of each
  event is ``handled_events.handled_at`` − ``outbox.time`` (commit to handled): p50 and p99;
- **exactly once**: every event has exactly one recorder row (0 lost, 0 applied twice), and the
  duplicates the workers absorbed.

Stacks: (i) the embedded default, SQLite + kombu filesystem, 1 worker; (ii) PostgreSQL +
RabbitMQ with 1 and with 2 worker processes; (iii) the bare baseline on the same RabbitMQ in the
same run: one process publishing N persistent messages with publisher confirms (one at a time,
like the relay) into a quorum queue (like a handler's), another consuming and acking them
(prefetch as the worker's). The runs take turns in rounds (raw, 1 worker, 2 workers; three
rounds by default) because the machine may be shared: each ratio is a Sinergi rate ÷ the raw
rate of the same round, and the figures shown are medians over the rounds.

Only 127.0.0.1; every process is started with ``--max-seconds`` and stopped by its pid.

    .venv/bin/python bench/bus_bench.py              # about 2–4 minutes
    .venv/bin/python bench/bus_bench.py --quick      # bounded CI variant (~1 minute)
    .venv/bin/python bench/bus_bench.py --record     # and update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOC_FILE = ROOT / "docs" / "benchmarks.md"
SECTION_TITLE = "## Event bus"
BEGIN = "<!-- bus-bench:begin (written by bench/bus_bench.py --record) -->"
END = "<!-- bus-bench:end -->"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/bus_bench"
DEFAULT_AMQP = "pyamqp://guest:guest@127.0.0.1:5672//"
HANDLER = "recorder.record"
DEFAULTS = tomllib.loads((ROOT / "config" / "default.toml").read_text())
TARGET_EMBEDDED = 200.0
TARGET_RATIO = 0.5
TARGET_P99_MS = 500.0


# ---------------------------------------------------------------- machine load


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _pid_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(parts[11]) + int(parts[12])
    return total


class LoadMeter:
    """CPU of the measured processes, and the share of the machine used by other processes
    (neither those nor this script) meanwhile."""

    def __init__(self, pids: list[int]):
        self.pids = list(pids)
        self.busy0, self.total0 = _cpu_ticks()
        self.ours0 = _pid_ticks(self.pids)
        self.self0 = _pid_ticks([os.getpid()])

    def ours_seconds(self) -> float:
        """CPU seconds of the measured processes since the start."""
        return (_pid_ticks(self.pids) - self.ours0) / os.sysconf("SC_CLK_TCK")

    def other_pct(self, extra_seconds: float = 0.0) -> float:
        """Busy share of the machine minus ours (``extra_seconds``: CPU of our processes that
        already exited)."""
        busy, total = _cpu_ticks()
        ours = (_pid_ticks(self.pids) - self.ours0 + _pid_ticks([os.getpid()]) - self.self0
                + extra_seconds * os.sysconf("SC_CLK_TCK"))
        span = max(1, total - self.total0)
        return round(100.0 * max(0, (busy - self.busy0) - ours) / span, 1)


# ---------------------------------------------------------------- results


@dataclass
class Result:
    name: str
    stack: str
    workers: int
    events: int
    rate: float  # events/s at max rate
    relay_rate: float | None = None  # outbox rows published/s during the drain
    cpu_ms_per_event: float | None = None  # relay + workers (+ publisher/consumer for raw)
    half_offered: float | None = None
    half_achieved: float | None = None
    half_events: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    lost: int = 0
    applied_twice: int = 0
    duplicates_absorbed: int = 0
    other_load_pct: float | None = None
    ratio: float | None = None
    rounds: int = 1
    rates: list[float] = field(default_factory=list)  # max rate of each round
    ratios: list[float] = field(default_factory=list)  # × raw of each round


def combine(runs: list[Result], ratios: list[float] | None = None) -> Result:
    """One line for several rounds of the same run: medians; losses and duplicates summed."""
    def median(attr: str) -> float | None:
        values = [getattr(r, attr) for r in runs if getattr(r, attr) is not None]
        return round(statistics.median(values), 2) if values else None

    first = runs[0]
    return Result(
        name=first.name, stack=first.stack, workers=first.workers, events=first.events,
        rate=median("rate") or 0.0, relay_rate=median("relay_rate"),
        cpu_ms_per_event=median("cpu_ms_per_event"), half_offered=median("half_offered"),
        half_achieved=median("half_achieved"), half_events=sum(r.half_events for r in runs),
        p50_ms=median("p50_ms"), p99_ms=median("p99_ms"), max_ms=max(
            (r.max_ms for r in runs if r.max_ms is not None), default=None),
        lost=sum(r.lost for r in runs), applied_twice=sum(r.applied_twice for r in runs),
        duplicates_absorbed=sum(r.duplicates_absorbed for r in runs),
        other_load_pct=median("other_load_pct"),
        ratio=round(statistics.median(ratios), 2) if ratios else None, rounds=len(runs),
        rates=[r.rate for r in runs], ratios=list(ratios or []),
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# ---------------------------------------------------------------- Sinergi pipeline


def reset(stack: Any) -> None:
    """Empty the bus tables and the recorder's (the bench's database only holds bench data)."""
    from sqlalchemy import delete

    from core.events.ledger import EventDelivery, HandledEvent
    from core.events.outbox import OutboxEvent
    from tests.fixtures.recorder_plugin.models import RecorderEffect

    with stack.db.begin() as session:
        for model in (RecorderEffect, HandledEvent, EventDelivery, OutboxEvent):
            session.execute(delete(model))


def _timings(stack: Any, first: int, last: int) -> list[tuple[float, float | None, float | None]]:
    """(committed, published, handled) epoch seconds of outbox positions first..last."""
    from sqlalchemy import select

    from core.events.ledger import HandledEvent
    from core.events.outbox import OutboxEvent

    with stack.reading() as session:
        rows = session.execute(
            select(OutboxEvent.time, OutboxEvent.published_at, HandledEvent.handled_at)
            .outerjoin(HandledEvent, (HandledEvent.event_id == OutboxEvent.id)
                       & (HandledEvent.handler == HANDLER))
            .where(OutboxEvent.position.between(first, last))
        ).all()
    return [(t.timestamp(), p.timestamp() if p else None, h.timestamp() if h else None)
            for t, p, h in rows]


def _positions(stack: Any) -> int:
    from sqlalchemy import func, select

    from core.events.outbox import OutboxEvent

    with stack.reading() as session:
        return session.scalar(select(func.max(OutboxEvent.position))) or 0


def _wait_handled(stack: Any, total: int, timeout: float) -> bool:
    from tests.chaos.harness import wait_for

    return wait_for(lambda: stack.counts()["handled"] >= total, timeout=timeout, interval=0.1)


def run_sinergi(stack: Any, name: str, label: str, workers: int, events: int,
                half_seconds: float, timeout: float) -> Result:
    """Max rate (backlog drained) and latency at half that rate, for one stack."""
    reset(stack)
    procs = [stack.spawn("worker", name=f"worker-{i}", max_seconds=timeout) for i in range(workers)]
    relay = stack.spawn("relay", max_seconds=timeout)
    stack.insert_events(50, title="warm-up")
    if not _wait_handled(stack, 50, timeout=60):
        raise RuntimeError(f"{name}: warm-up not handled: {stack.counts()}\n"
                           + relay.output()[-2000:] + procs[0].output()[-2000:])
    done_before = stack.counts()["handled"]

    # Max rate: a backlog committed at once (one transaction), drained by the running (warm)
    # relay and workers.
    first = _positions(stack) + 1
    meter = LoadMeter([relay.pid, *[p.pid for p in procs]])
    stack.insert_events(events, title="bench", batch=events)
    last = _positions(stack)
    if not _wait_handled(stack, done_before + events, timeout=timeout):
        raise RuntimeError(f"{name}: backlog not drained: {stack.counts()}")
    cpu = meter.ours_seconds()
    other = meter.other_pct()
    rows = _timings(stack, first, last)
    start = min(p for _, p, _ in rows if p is not None)
    rate = events / max(1e-6, max(h for *_, h in rows if h is not None) - start)
    relay_rate = events / max(1e-6, max(p for _, p, _ in rows if p is not None) - start)

    # Half load: paced commits at half the measured rate.
    offered = rate / 2
    half_first = _positions(stack) + 1
    inserted = 0
    began = time.monotonic()
    while (elapsed := time.monotonic() - began) < half_seconds:
        due = int(offered * elapsed) - inserted
        if due > 0:
            stack.insert_events(due, title="half", batch=due, start=inserted)
            inserted += due
        time.sleep(0.02)
    total = done_before + events + inserted
    if not _wait_handled(stack, total, timeout=max(30.0, half_seconds * 4)):
        raise RuntimeError(f"{name}: half-load events not handled: {stack.counts()}")
    half_rows = _timings(stack, half_first, _positions(stack))
    latencies = [(h - t) * 1000 for t, _, h in half_rows if h is not None]
    span = max(h for *_, h in half_rows) - min(t for t, *_ in half_rows)

    time.sleep(0.3)
    for proc in [*procs, relay]:
        proc.stop()
    effects = stack.effects()
    counts = stack.counts()
    duplicates = sum((p.stats() or {}).get("duplicate", 0) for p in procs)
    return Result(
        name=name, stack=label, workers=workers, events=events, rate=round(rate, 1),
        relay_rate=round(relay_rate, 1), cpu_ms_per_event=round(cpu / events * 1000, 2),
        half_offered=round(offered, 1), half_achieved=round(inserted / span, 1),
        half_events=inserted, p50_ms=round(percentile(latencies, 50), 1),
        p99_ms=round(percentile(latencies, 99), 1), max_ms=round(max(latencies), 1),
        lost=counts["events"] - len(effects),
        applied_twice=sum(1 for n in effects.values() if n != 1),
        duplicates_absorbed=duplicates, other_load_pct=other,
    )


# ---------------------------------------------------------------- bare kombu


def raw_role(args: argparse.Namespace) -> None:
    """Child process: ``publish`` or ``consume`` for the raw baseline."""
    from kombu import Connection, Consumer, Exchange, Producer, Queue

    exchange = Exchange(f"{args.raw_queue}.x", type="topic", durable=True)
    queue = Queue(args.raw_queue, exchange=exchange, routing_key="#", durable=True,
                  queue_arguments={"x-queue-type": "quorum"})
    deadline = time.monotonic() + args.raw_timeout
    if args.raw_role == "publish":
        padding = "x" * 600  # about the size of a plan CloudEvent
        with Connection(args.broker_url, transport_options={"confirm_publish": True}) as conn:
            producer = Producer(conn.default_channel)
            conn.ensure_connection(max_retries=3)
            cpu = time.process_time()
            began = time.monotonic()
            for n in range(args.raw_count):
                if args.raw_rate:
                    delay = began + n / args.raw_rate - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                if time.monotonic() > deadline:
                    break
                body = json.dumps({"n": n, "sent": time.time(), "padding": padding}).encode()
                producer.publish(body, exchange=exchange, routing_key="sinergi.plan.created",
                                 delivery_mode=2, content_type="application/json", retry=False)
        Path(args.raw_out + ".pub").write_text(json.dumps({"cpu": time.process_time() - cpu}))
        return
    received: list[tuple[float, float]] = []
    with Connection(args.broker_url) as conn:
        queue(conn.default_channel).declare()
        cpu = time.process_time()
        Path(args.raw_out + ".ready").write_text("ready")

        def on_message(message: Any) -> None:
            sent = json.loads(message.body)["sent"]
            message.ack()
            received.append((sent, time.time()))

        with Consumer(conn, queues=[queue], on_message=on_message, accept=[],
                      prefetch_count=args.raw_prefetch):
            while len(received) < args.raw_count and time.monotonic() < deadline:
                with contextlib.suppress(TimeoutError):
                    conn.drain_events(timeout=0.2)
    Path(args.raw_out).write_text(json.dumps({"received": received,
                                              "cpu": time.process_time() - cpu}))


def run_raw(broker_url: str, count: int, *, rate: float | None, timeout: float,
            prefetch: int, workdir: Path, attempts: int = 3
            ) -> tuple[float, list[float], int, float, float]:
    """One raw run: (messages/s, latencies ms, received, cpu seconds, other load %). A run
    that failed (a process crashed, e.g. the broker was restarted meanwhile by someone else's
    test) is repeated, at most ``attempts`` times in all."""
    for attempt in range(1, attempts + 1):
        result = _run_raw_once(broker_url, count, rate=rate, timeout=timeout,
                               prefetch=prefetch, workdir=workdir)
        if result[2] == count or attempt == attempts:
            return result
        print(f"  raw run got {result[2]} of {count} messages (disturbed?): again",
              flush=True)
        RAW_RETRIES.append(count - result[2])
    raise AssertionError("unreachable")


RAW_RETRIES: list[int] = []


def _run_raw_once(broker_url: str, count: int, *, rate: float | None, timeout: float,
                  prefetch: int, workdir: Path) -> tuple[float, list[float], int, float, float]:
    from kombu import Connection

    queue = f"bench-raw-{uuid.uuid4().hex[:8]}"
    out = workdir / f"{queue}.json"
    common = [sys.executable, str(Path(__file__).resolve()), "--broker-url", broker_url,
              "--raw-queue", queue, "--raw-count", str(count), "--raw-timeout", str(timeout),
              "--raw-out", str(out), "--raw-prefetch", str(prefetch)]
    consumer = subprocess.Popen([*common, "--raw-role", "consume"], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not Path(str(out) + ".ready").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        meter = LoadMeter([])
        publisher = subprocess.Popen(
            [*common, "--raw-role", "publish", *(["--raw-rate", str(rate)] if rate else [])],
            cwd=ROOT)
        publisher.wait(timeout=timeout + 30)
        try:  # a publisher that crashed (broker restarted by someone) sends nothing more
            consumer.wait(timeout=10 if publisher.returncode else timeout + 30)
        except subprocess.TimeoutExpired:
            consumer.kill()
            consumer.wait(timeout=10)
        data = json.loads(out.read_text()) if out.exists() else {"received": [], "cpu": 0.0}
        pub = Path(str(out) + ".pub")
        cpu = data["cpu"] + (json.loads(pub.read_text())["cpu"] if pub.exists() else 0.0)
        other = meter.other_pct(extra_seconds=cpu)
    finally:
        for proc in (consumer, locals().get("publisher")):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=10)
        with contextlib.suppress(Exception), Connection(broker_url) as conn:
            channel = conn.channel()
            channel.queue_delete(queue)
            channel.exchange_delete(f"{queue}.x")
    received = [tuple(x) for x in data["received"]]
    if not received:
        return 0.0, [], 0, cpu, other
    span = max(r for _, r in received) - min(s for s, _ in received)
    latencies = [(r - s) * 1000 for s, r in received]
    return len(received) / max(span, 1e-6), latencies, len(received), cpu, other


def raw_results(broker_url: str, count: int, half_seconds: float, timeout: float,
                workdir: Path) -> Result:
    rate, _, got, cpu, other = run_raw(broker_url, count, rate=None, timeout=timeout,
                                       prefetch=10, workdir=workdir)
    half = rate / 2
    half_count = max(20, int(half * half_seconds))
    half_rate, latencies, half_got, _, _ = run_raw(broker_url, half_count, rate=half,
                                                  timeout=timeout, prefetch=10, workdir=workdir)
    result = Result(
        name="raw kombu", stack="RabbitMQ (quorum queue)", workers=1, events=count,
        rate=round(rate, 1), cpu_ms_per_event=round(cpu / max(1, got) * 1000, 2),
        half_offered=round(half, 1), half_achieved=round(half_rate, 1), half_events=half_got,
        p50_ms=round(percentile(latencies, 50), 1) if latencies else None,
        p99_ms=round(percentile(latencies, 99), 1) if latencies else None,
        max_ms=round(max(latencies), 1) if latencies else None,
        lost=count - got + half_count - half_got, other_load_pct=other,
    )
    return result


# ---------------------------------------------------------------- report


def table(results: list[Result]) -> str:
    head = ("| Run | Workers | Events | Max rate (events/s) | Relay (rows/s) | "
            "CPU per event (ms) | × raw | Half load (events/s) | p50 (ms) | p99 (ms) | "
            "Lost / twice | Duplicates absorbed | Other load |")
    lines = [head, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
                   "---: | ---: | ---: |"]

    def num(value: float | None, digits: int = 0) -> str:
        return "—" if value is None else f"{value:,.{digits}f}"

    for r in results:
        lines.append(
            f"| {r.name} ({r.stack}) | {r.workers} | {r.events:,} | {num(r.rate)} | "
            f"{num(r.relay_rate)} | {num(r.cpu_ms_per_event, 2)} | "
            f"{'—' if r.ratio is None else f'{r.ratio:.2f}'} | {num(r.half_achieved)} | "
            f"{num(r.p50_ms, 1)} | {num(r.p99_ms, 1)} | {r.lost} / {r.applied_twice} | "
            f"{r.duplicates_absorbed} | {num(r.other_load_pct)}% |")
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    out = []
    for r in results:
        if r.stack.startswith("SQLite"):
            ok = r.rate >= TARGET_EMBEDDED
            out.append(f"Embedded default: {r.rate:,.0f} events/s (target ≥ "
                       f"{TARGET_EMBEDDED:.0f}): {'met' if ok else 'MISSED'}.")
        elif r.ratio is not None and r.name == "Sinergi":
            ok = r.ratio >= TARGET_RATIO
            p99 = r.p99_ms is not None and r.p99_ms < TARGET_P99_MS
            out.append(f"PostgreSQL + RabbitMQ, {r.workers} worker(s): {r.ratio:.0%} of the raw "
                       f"rate (target ≥ {TARGET_RATIO:.0%}): {'met' if ok else 'MISSED'}; p99 at "
                       f"half load {r.p99_ms:,.0f} ms (target < {TARGET_P99_MS:.0f} ms): "
                       f"{'met' if p99 else 'MISSED'}.")
        elif r.ratio is not None:
            out.append(f"For comparison, {r.name.split(', ', 1)[1]} with {r.workers} worker(s): "
                       f"{r.ratio:.0%} of the raw rate, p99 at half load {r.p99_ms:,.0f} ms.")
    return out


def machine_info() -> str:
    cpus = os.cpu_count() or 0
    model = ""
    with contextlib.suppress(OSError):
        match = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = match.group(1).strip() if match else ""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpus} cores ({model}), {platform.platform()}; Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}; load average at the end {load}")


def record(results: list[Result], notes: list[str], args: argparse.Namespace) -> None:
    """Rewrite this benchmark's block of the "Event bus" section of docs/benchmarks.md."""
    block = "\n".join([
        BEGIN,
        "### Throughput and latency",
        "",
        f"Measured on {dt.date.today().isoformat()} with `bench/bus_bench.py"
        f"{' --quick' if args.quick else ''}` ({args.events:,} events per max-rate run, "
        f"{args.half_seconds:g} s at half load).",
        "",
        f"- Machine: {machine_info()}.",
        "- Max rate: N events committed in one transaction while a relay and the workers run; "
        "rate = N ÷ (last handled − first published). Half load: events committed at half that "
        "rate; latency = `handled_events.handled_at` − `outbox.time` (commit to handled).",
        "- Raw kombu: one process publishing persistent messages with publisher confirms one at "
        "a time into a quorum queue, one consuming and acking (prefetch 10); × raw = the run's "
        "rate ÷ the raw rate of the same round.",
        "- Sinergi runs with the default configuration (`config/default.toml`: relay polling "
        f"every {DEFAULTS['bus_relay_idle_seconds']:g} s when idle, relay batches of "
        f"{DEFAULTS['bus_relay_batch_size']}, bus_prefetch {DEFAULTS['bus_prefetch']}), the "
        "recorder test plugin as the only handler, relay and workers as separate processes.",
        "- CPU per event: user + system time of the relay and worker processes (raw: publisher "
        "and consumer) during the max-rate run; the database's and the broker's are not "
        "counted. Other load: the share of the machine used meanwhile by every process but "
        "these and the script (the database and the broker included: they are shared).",
        "",
        table(results),
        "",
        *[f"- {line}" for line in [*verdicts(results), *notes]],
        END,
    ])
    update_doc(BEGIN, END, block)


def update_doc(begin: str, end: str, block: str) -> None:
    """Replace the block between ``begin`` and ``end`` in docs/benchmarks.md, or add it at the
    end of the "Event bus" section (created at the end of the file when missing). Nothing
    else in the file changes."""
    text = DOC_FILE.read_text() if DOC_FILE.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        if SECTION_TITLE not in text:
            text = text.rstrip() + f"\n\n{SECTION_TITLE}\n\n" + EVENT_BUS_INTRO
        start = text.index(SECTION_TITLE)
        # The next section (or the begin marker of a generated block that opens with it).
        following = re.search(r"^(<!-- [\w-]+:begin[^\n]*-->\n)?## ",
                              text[start + len(SECTION_TITLE):], re.M)
        cut = start + len(SECTION_TITLE) + following.start() if following else len(text)
        text = text[:cut].rstrip() + "\n\n" + block + "\n" + (
            "\n" + text[cut:] if following else "")
    DOC_FILE.write_text(text)


EVENT_BUS_INTRO = """\
Maintained by `bench/bus_bench.py --record` (throughput and latency) and
`bench/chaos_full.py --record` (the 5,000-event relay-kill run); the process-level chaos tests
are in `tests/chaos/`.

```sh
.venv/bin/python bench/bus_bench.py            # embedded + PostgreSQL/RabbitMQ, 2–4 minutes
.venv/bin/python bench/bus_bench.py --quick    # bounded CI variant (tests/bench/)
.venv/bin/python bench/chaos_full.py --record  # 5,000 events, the relay SIGKILLed repeatedly
```

Both use `SINERGI_BENCH_DATABASE_URL` (default `postgresql+psycopg://postgres@127.0.0.1:5432/
bus_bench`, which they empty) and `SINERGI_BENCH_BROKER_URL` (default the local RabbitMQ).
"""


# ---------------------------------------------------------------- main


def reachable(url: str) -> bool:
    from tests.chaos.harness import broker_answers

    return broker_answers(url)


def pg_reachable(url: str) -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short bounded run (CI)")
    parser.add_argument("--record", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--events", type=int, help="events per max-rate run")
    parser.add_argument("--half-seconds", type=float, help="duration of the half-load run")
    parser.add_argument("--rounds", type=int, help="rounds of every run (default 3, quick 1)")
    parser.add_argument("--prefetch-variant", type=int, default=None,
                        help="also run 1 worker with this bus_prefetch (e.g. 10 to compare)")
    parser.add_argument("--stacks", default="embedded,amqp",
                        help="comma list: embedded, amqp (default both; amqp skipped if absent)")
    parser.add_argument("--database-url", default=os.environ.get(
        "SINERGI_BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--broker-url", default=os.environ.get(
        "SINERGI_BENCH_BROKER_URL", DEFAULT_AMQP))
    parser.add_argument("--raw-role", choices=["publish", "consume"], help=argparse.SUPPRESS)
    parser.add_argument("--raw-queue", help=argparse.SUPPRESS)
    parser.add_argument("--raw-count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--raw-rate", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--raw-timeout", type=float, default=120, help=argparse.SUPPRESS)
    parser.add_argument("--raw-out", help=argparse.SUPPRESS)
    parser.add_argument("--raw-prefetch", type=int, default=10, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.raw_role:
        raw_role(args)
        return 0
    args.events = args.events or (300 if args.quick else 3000)
    args.half_seconds = args.half_seconds or (3.0 if args.quick else 8.0)
    args.rounds = args.rounds or (1 if args.quick else 3)
    timeout = 90.0 if args.quick else 300.0
    stacks = {s.strip() for s in args.stacks.split(",") if s.strip()}

    from tests.chaos.harness import BusStack

    results: list[Result] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sinergi-bus-bench-") as tmp:
        workdir = Path(tmp)

        def sinergi(label: str, workers: int, n: int, name: str = "Sinergi",
                    extra: dict[str, Any] | None = None, **urls: str) -> Result:
            stack = BusStack(instance=workdir / f"stack-{uuid.uuid4().hex[:6]}",
                             env="development", extra=dict(extra or {}), **urls)
            try:
                result = run_sinergi(stack, name, label, workers, args.events,
                                     args.half_seconds, timeout)
            finally:
                stack.close()
            print(f"  round {n}: {name}, {label}, {workers} worker(s): {result.rate:,.0f} "
                  f"events/s, p99 {result.p99_ms} ms at half load", flush=True)
            return result

        if "embedded" in stacks:
            runs = [sinergi("SQLite + filesystem", 1, n) for n in range(1, args.rounds + 1)]
            results.append(combine(runs))
        if "amqp" in stacks:
            if not reachable(args.broker_url) or not pg_reachable(args.database_url):
                notes.append("PostgreSQL + RabbitMQ skipped: not reachable.")
            else:
                urls = {"database_url": args.database_url, "broker_url": args.broker_url}
                raw_runs: list[Result] = []
                # (name, workers, extra settings): the default configuration with 1 and 2
                # workers; optionally 1 worker with a larger prefetch (= larger batches).
                variants: list[tuple[str, int, dict[str, Any]]] = [
                    ("Sinergi", 1, {}), ("Sinergi", 2, {})]
                if args.prefetch_variant:
                    variants.append((f"Sinergi, bus_prefetch={args.prefetch_variant}", 1,
                                     {"bus_prefetch": args.prefetch_variant}))
                runs_of: dict[int, list[Result]] = {i: [] for i in range(len(variants))}
                ratios: dict[int, list[float]] = {i: [] for i in range(len(variants))}
                for n in range(1, args.rounds + 1):
                    raw = raw_results(args.broker_url, args.events, args.half_seconds, timeout,
                                      workdir)
                    raw_runs.append(raw)
                    print(f"  round {n}: raw kombu: {raw.rate:,.0f} messages/s", flush=True)
                    for i, (name, workers, extra) in enumerate(variants):
                        run = sinergi("PostgreSQL + RabbitMQ", workers, n, name, extra, **urls)
                        runs_of[i].append(run)
                        if raw.rate:
                            ratios[i].append(round(run.rate / raw.rate, 2))
                results.append(combine(raw_runs))
                for i in range(len(variants)):
                    results.append(combine(runs_of[i], ratios[i]))
                notes.append("× raw is the median over the rounds of each round's Sinergi rate ÷ "
                             "the raw rate measured just before it in the same round.")
        if RAW_RETRIES:
            notes.append(f"{len(RAW_RETRIES)} raw run(s) were disturbed (a publisher or consumer "
                         "failed, e.g. the broker restarted by another test) and repeated.")
        if args.rounds > 1:
            notes.append(f"Each line is the median of {args.rounds} rounds (losses and "
                         "duplicates are summed); rates per round: " + "; ".join(
                             f"{r.name} {r.stack} {r.workers}w: "
                             + ", ".join(f"{x:,.0f}" for x in r.rates) for r in results) + ".")
    print()
    print(table(results))
    for line in [*verdicts(results), *notes]:
        print("-", line)
    if args.json:
        args.json.write_text(json.dumps({"results": [asdict(r) for r in results],
                                         "notes": notes}, indent=2))
    if args.record:
        record(results, notes, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
