"""The event bus benchmark's quick mode runs end to end on the suite's stack (SQLite +
filesystem; PostgreSQL + RabbitMQ too when ``SINERGI_TEST_DATABASE_URL`` and
``SINERGI_TEST_BROKER_URL`` are set) and produces figures with nothing lost and nothing applied
twice. Deliberately no timing assertion."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def own_database(url: str) -> str:
    """A sibling database ``<name>_bench`` (created when missing): the benchmark empties and
    fills its bus tables, which must not leave rows in the suite's own database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    name = f"{target.database}_bench"
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return target.set(database=name).render_as_string(hide_password=False)


def test_quick_bus_bench_produces_numbers_with_nothing_lost(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    database = os.environ.get("SINERGI_TEST_DATABASE_URL", "")
    broker = os.environ.get("SINERGI_TEST_BROKER_URL", "")
    amqp = database.startswith("postgresql") and broker.startswith(("amqp", "pyamqp"))
    command = [sys.executable, str(ROOT / "bench" / "bus_bench.py"), "--quick",
               "--json", str(out), "--stacks", "embedded,amqp" if amqp else "embedded"]
    if amqp:
        command += ["--database-url", own_database(database), "--broker-url", broker]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads(out.read_text())["results"]
    names = [(r["name"], r["stack"], r["workers"]) for r in results]
    expected = [("Sinergi", "SQLite + filesystem", 1)]
    if amqp:
        expected += [("raw kombu", "RabbitMQ (quorum queue)", 1),
                     ("Sinergi", "PostgreSQL + RabbitMQ", 1),
                     ("Sinergi", "PostgreSQL + RabbitMQ", 2)]
    assert names == expected
    for result in results:
        assert result["rate"] > 0, result
        assert result["lost"] == 0 and result["applied_twice"] == 0, result
        assert result["p50_ms"] is not None and result["p99_ms"] >= result["p50_ms"], result
        if result["name"] == "Sinergi" and amqp and result["stack"] != "SQLite + filesystem":
            assert result["ratio"] is not None and result["ratio"] > 0, result
