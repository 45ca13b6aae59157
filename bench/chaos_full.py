#!/usr/bin/env python3
"""The full relay-kill chaos run: 5,000 events flow while the ``sinergi relay`` process is
SIGKILLed at a random moment after each restart became active, at least 16 times; one
``sinergi worker`` process runs throughout. The end state must be every event published and
exactly one recorder row per event (0 lost, 0 applied twice); the duplicates the worker's
idempotency absorbed are reported.

The CI variant (800 events) is ``tests/chaos/test_bus_processes.py``; both use
``tests/chaos/harness.py``. Stacks: the embedded default (SQLite + kombu filesystem) and
PostgreSQL + RabbitMQ (``SINERGI_BENCH_DATABASE_URL``, emptied first, and
``SINERGI_BENCH_BROKER_URL``), with the default configuration. Only 127.0.0.1; every process
is bounded by ``--max-seconds`` and stopped by its pid.

    .venv/bin/python bench/chaos_full.py              # both stacks, a few minutes
    .venv/bin/python bench/chaos_full.py --record     # and update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
for folder in (ROOT, BENCH_DIR):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import bus_bench  # noqa: E402

BEGIN = "<!-- bus-chaos:begin (written by bench/chaos_full.py --record) -->"
END = "<!-- bus-chaos:end -->"


def run(label: str, events: int, flow_seconds: float, min_kills: int, timeout: float,
        workdir: Path, **urls: str) -> dict[str, Any]:
    from tests.chaos.harness import BusStack, relay_kill_chaos

    stack = BusStack(instance=workdir / label.split()[0].lower(), env="development", **urls)
    try:
        bus_bench.reset(stack)
        began = time.monotonic()
        figures = relay_kill_chaos(stack, events, flow_seconds=flow_seconds,
                                   min_kills=min_kills, timeout=timeout)
        figures["wall_seconds"] = round(time.monotonic() - began, 1)
    finally:
        stack.close()
    counts = figures.pop("kill_timeline")
    return {"stack": label, **figures, "lost": 0, "applied_twice": 0,
            "published_at_kills": [n for _, n in counts]}


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| Stack | Events | Relay SIGKILLs | Lost | Applied twice | Deliveries handled | "
             "Duplicates absorbed | Wall time (s) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r['stack']} | {r['events']:,} | {r['relay_kills']} | {r['lost']} | "
                     f"{r['applied_twice']} | {r['deliveries_handled']:,} | "
                     f"{r['duplicates_absorbed']:,} | {r['wall_seconds']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--flow-seconds", type=float, default=30.0,
                        help="the events are committed evenly over this long")
    parser.add_argument("--min-kills", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=400.0, help="per stack")
    parser.add_argument("--stacks", default="embedded,amqp")
    parser.add_argument("--database-url", default=bus_bench.os.environ.get(
        "SINERGI_BENCH_DATABASE_URL", bus_bench.DEFAULT_PG))
    parser.add_argument("--broker-url", default=bus_bench.os.environ.get(
        "SINERGI_BENCH_BROKER_URL", bus_bench.DEFAULT_AMQP))
    parser.add_argument("--record", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    stacks = {s.strip() for s in args.stacks.split(",") if s.strip()}
    results: list[dict[str, Any]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sinergi-chaos-") as tmp:
        common = (args.events, args.flow_seconds, args.min_kills, args.timeout, Path(tmp))
        if "embedded" in stacks:
            results.append(run("SQLite + filesystem", *common))
            print(table(results[-1:]), flush=True)
        if "amqp" in stacks:
            if bus_bench.reachable(args.broker_url) and bus_bench.pg_reachable(args.database_url):
                results.append(run("PostgreSQL + RabbitMQ", *common,
                                   database_url=args.database_url, broker_url=args.broker_url))
                print(table(results[-1:]), flush=True)
            else:
                notes.append("PostgreSQL + RabbitMQ skipped: not reachable.")
    print()
    print(table(results))
    for note in notes:
        print("-", note)
    if args.json:
        args.json.write_text(json.dumps({"results": results, "notes": notes}, indent=2))
    if args.record:
        block = "\n".join([
            BEGIN,
            "### Relay SIGKILL chaos, 5,000 events",
            "",
            f"Measured on {dt.date.today().isoformat()} with `bench/chaos_full.py` "
            f"({args.events:,} events committed evenly over {args.flow_seconds:g} s, then rounds "
            f"of 50 more while fewer than {args.min_kills} kills were done; the relay SIGKILLed "
            "at a random moment within a second after each restart had published, then one "
            "relay finishing; one worker process throughout; default configuration, relay "
            "batches of 200).",
            "",
            f"- Machine: {bus_bench.machine_info()}.",
            "- Lost = events without a recorder row; applied twice = events with more than "
            "one. Duplicates absorbed = deliveries the worker found already handled "
            "(`handled_events`) and acknowledged without running the handler: the events a "
            "killed relay had published but not yet marked.",
            "",
            table(results),
            *(["", *[f"- {n}" for n in notes]] if notes else []),
            END,
        ])
        bus_bench.update_doc(BEGIN, END, block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
