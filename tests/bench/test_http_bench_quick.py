"""The HTTP benchmark's quick mode runs end to end: both servers come up on loopback, every
target answers, and numbers come out with no errors. Deliberately no timing assertion."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("client", ["auto", "python"])
def test_quick_bench_produces_numbers_without_errors(tmp_path: Path, client: str) -> None:
    if client == "python" and not shutil.which("wrk"):
        pytest.skip("without wrk, 'auto' already uses the Python client")
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "http_bench.py"), "--quick", "--quiet",
         "--client", client, "--duration", "1", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = {r["name"]: r for r in json.loads(out.read_text())["results"]}
    assert set(results) == {"bare-json", "regions-list", "plan-detail"}
    for name, result in results.items():
        assert result["errors"] == 0, (name, result)
        assert result["requests"] > 0 and result["rps"] > 0, (name, result)
        assert result["p50_ms"] > 0 and result["p99_ms"] >= result["p50_ms"], (name, result)
    for name in ("regions-list", "plan-detail"):
        assert results[name]["ratio"] is not None and results[name]["ratio"] > 0
    assert "× the bare cost" in proc.stdout
