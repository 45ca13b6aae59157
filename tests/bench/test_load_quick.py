"""The journey load test's quick mode runs end to end on the suite's stack (SQLite + filesystem
bus; PostgreSQL + RabbitMQ when ``SINERGI_TEST_DATABASE_URL`` and ``SINERGI_TEST_BROKER_URL``
are set): every kind of user gets through its journey with no error, the writes' events are
handled and the backlog drains. Deliberately no timing assertion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_load_has_no_errors_and_drains_the_events(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    database = os.environ.get("SINERGI_TEST_DATABASE_URL", "")
    broker = os.environ.get("SINERGI_TEST_BROKER_URL", "")
    amqp = database.startswith("postgresql") and broker.startswith(("amqp", "pyamqp"))
    command = [sys.executable, str(ROOT / "bench" / "load_journey.py"), "--quick",
               "--json", str(out)]
    # PostgreSQL: the script creates (and drops) its own database on that server and uses a
    # bus namespace of its own, so the suite's database and queues are untouched.
    command += ["--stack", "postgres", "--database-url", database, "--broker-url", broker] \
        if amqp else ["--stack", "sqlite"]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    result = json.loads(out.read_text())
    assert result["stack"] == ("PostgreSQL + RabbitMQ" if amqp else "SQLite + filesystem bus")
    assert result["problems"] == []

    total = result["total"]
    assert total["requests"] > 0 and total["errors"] == 0, total
    ramp = result["ramp_up"]
    assert ramp["total"]["errors"] == 0, ramp
    names = {row["name"] for row in result["rows"] + ramp["rows"] if row["requests"] > 0}
    # Each kind of user got past its login and through its journey.
    for name in ("GET /pameran", "POST /login (page)", "POST /api/v1/auth/token",
                 "GET /opportunities", "GET /api/v1/opportunities", "GET /dashboard"):
        assert name in names, (name, sorted(names))
    assert all(row["errors"] == 0 for row in result["rows"]), result["rows"]

    # Writes went through the outbox, the relay and the workers, and nothing was left over.
    events = result["events"]
    assert result["needs_posted"] > 0, result
    assert events["recorded_during_run"] >= result["needs_posted"] + result["interests_sent"]
    assert events["deliveries_done_during_run"] > 0, events
    assert events["drained"] is True, events
    status = events["status"]
    assert status["unpublished"] == 0 and status["dead"] == 0, status
    assert all(not states.get("pending") and not states.get("retrying")
               for states in status["deliveries"].values()), status

    roles = {m["role"] for m in result["memory"]}
    assert {"gunicorn master", "gunicorn worker 1", "gunicorn worker 2", "sinergi relay",
            "sinergi worker 1", "sinergi worker 2"} <= roles, roles
    assert all(m["peak_mib"] > 0 for m in result["memory"]), result["memory"]

    ratios = {r["name"]: r for r in result["ratios"]}
    assert "bare-json" in ratios and len(ratios) >= 5, sorted(ratios)
    for name, ratio in ratios.items():
        assert ratio["errors"] == 0 and ratio["requests"] > 0, (name, ratio)
        if name != "bare-json":
            assert ratio["ratio"] is not None and ratio["ratio"] > 0, (name, ratio)
