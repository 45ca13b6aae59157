#!/usr/bin/env python3
"""HTTP benchmark: Sinergi API endpoints next to a bare Flask app, both under gunicorn.

One invocation does everything and cleans up after itself:

1. creates a fresh SQLite database in a temporary folder and loads the regions and the demo
   data with the ``sinergi`` command line (``db upgrade``, ``regions load``, ``demo``);
2. starts two gunicorn servers with the same settings on free loopback ports: Sinergi
   (``core:create_app()``) and the bare Flask app of ``bench/bare_app.py``;
3. loads each target in turn — the bare ``/json``, ``GET /api/v1/regions?per_page=20`` and
   ``GET /api/v1/plans/<id>`` of the demo's approved plan (anonymous) — with ``wrk`` when it
   is installed, else with a Python client (``http.client`` keep-alive connections in threads);
4. prints requests/s, p50/p99 latency, errors and each endpoint's cost as "× the bare cost"
   (the servers' CPU time per request divided by the bare app's).

The load generator sends no ``If-None-Match``: every request gets a full 200 body. The plan
detail's body comes from the per-process cache of approved plans after the first request.

Traffic goes to 127.0.0.1 only; every run is bounded in time and in requests. ``--record``
rewrites the HTTP section of ``docs/benchmarks.md``; ``--quick`` is a few-second variant for CI;
``--json PATH`` writes the results for programs.

    .venv/bin/python bench/http_bench.py                # full run (about a minute)
    .venv/bin/python bench/http_bench.py --quick        # a few seconds, for CI
    .venv/bin/python bench/http_bench.py --record       # and update docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import re
import resource
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
DOC_FILE = PROJECT_ROOT / "docs" / "benchmarks.md"
HOST = "127.0.0.1"  # loopback only, never anything else
SECTION_BEGIN = "<!-- http-bench:begin (written by bench/http_bench.py --record) -->"
SECTION_END = "<!-- http-bench:end -->"

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

#: Targets: "× the bare cost" must stay at or below these.
TARGETS = {"regions-list": 6.0, "plan-detail": 3.5}

WRK_SCRIPT = r"""
-- Stops a thread after max_requests responses; prints one JSON line with the summary.
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
local count = 0

function response(status, headers, body)
  count = count + 1
  if max_requests > 0 and count >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


# ---------------------------------------------------------------- results


@dataclass
class Measurement:
    """One load run against one URL."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    #: CPU time (user + system) the server's processes spent during the run.
    server_cpu_s: float = 0.0
    #: CPU time other processes (neither the server nor the load generator) spent meanwhile,
    #: as a share of the machine: other work on a shared machine skews the figures.
    background_pct: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_us(self) -> float:
        """Server CPU time per request, in microseconds."""
        return self.server_cpu_s / self.requests * 1e6 if self.requests else 0.0


@dataclass
class TargetResult:
    """All rounds of one target: the median of each figure, except CPU per request (the
    lowest)."""

    name: str
    path: str
    rounds: list[Measurement] = field(default_factory=list)
    #: Server CPU time per request ÷ the bare app's ("× the bare cost").
    ratio: float | None = None
    #: Bare requests/s ÷ this target's requests/s (wall clock, client included).
    throughput_ratio: float | None = None

    def _median(self, attribute: str) -> float:
        return statistics.median(getattr(m, attribute) for m in self.rounds)

    @property
    def rps(self) -> float:
        return self._median("rps")

    @property
    def cpu_us(self) -> float:
        """The lowest CPU time per request of the rounds: other work on the machine only ever
        adds to it (cache and core sharing), so the least disturbed round is the best
        estimate of the server's own cost."""
        return min(m.cpu_us for m in self.rounds)

    @property
    def p50_ms(self) -> float:
        return self._median("p50_ms")

    @property
    def p99_ms(self) -> float:
        return self._median("p99_ms")

    @property
    def background_pct(self) -> float:
        return self._median("background_pct")

    @property
    def errors(self) -> int:
        return sum(m.errors for m in self.rounds)

    def as_dict(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "name": self.name,
            "path": self.path,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "cpu_us_per_request": round(self.cpu_us, 1),
            "background_pct": round(self.background_pct, 1),
            "requests": sum(m.requests for m in self.rounds),
            "errors": self.errors,
            "ratio": rounded(self.ratio),
            "throughput_ratio": rounded(self.throughput_ratio),
            "target": TARGETS.get(self.name),
            "rounds": [
                asdict(m) | {"rps": round(m.rps, 1), "cpu_us": round(m.cpu_us, 1)}
                for m in self.rounds
            ],
        }


# ---------------------------------------------------------------- load generators


def run_wrk(url: str, *, seconds: float, connections: int, max_requests: int,
            headers: dict[str, str] | None = None) -> Measurement:
    """Load ``url`` with wrk (one thread, ``connections`` keep-alive connections; ``headers``
    are added to every request, e.g. a session cookie)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(WRK_SCRIPT)
        script = fh.name
    try:
        env = dict(os.environ, BENCH_MAX_REQUESTS=str(max_requests))
        duration = max(1, round(seconds))
        header_args = [arg for name, value in (headers or {}).items()
                       for arg in ("-H", f"{name}: {value}")]
        proc = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
             *header_args, "-s", script, url],
            capture_output=True, text=True, env=env, timeout=duration + 30, check=False,
        )
    finally:
        os.unlink(script)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors",
                                   "status_errors", "timeouts"))
    return Measurement(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )


def run_python_client(
    url: str, *, seconds: float, connections: int, max_requests: int,
    headers: dict[str, str] | None = None,
) -> Measurement:
    """Load ``url`` from ``connections`` threads, each with one keep-alive connection
    (``headers`` added to every request)."""
    parsed = re.match(r"^http://([^/:]+):(\d+)(/.*)$", url)
    if parsed is None:
        raise ValueError(f"not a loopback http URL: {url}")
    host, port, path = parsed.group(1), int(parsed.group(2)), parsed.group(3)
    if host != HOST:
        raise ValueError("the benchmark only targets 127.0.0.1")
    lock = threading.Lock()
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0}
    start = time.perf_counter()
    deadline = start + seconds

    def worker() -> None:
        local: list[float] = []
        errors = 0
        conn = http.client.HTTPConnection(host, port, timeout=5)
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if counts["requests"] >= max_requests:
                        break
                    counts["requests"] += 1
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path,
                                 headers={"Accept": "application/json", **(headers or {})})
                    response = conn.getresponse()
                    response.read()
                    if response.status != 200:
                        errors += 1
                    if response.will_close:
                        conn.close()
                        conn = http.client.HTTPConnection(host, port, timeout=5)
                except (OSError, http.client.HTTPException):
                    errors += 1
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=5)
                local.append(time.perf_counter() - t0)
        finally:
            conn.close()
            with lock:
                latencies.extend(local)
                counts["errors"] += errors

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return Measurement(
        requests=len(latencies),
        seconds=elapsed,
        errors=counts["errors"],
        p50_ms=_percentile(latencies, 50) * 1000,
        p99_ms=_percentile(latencies, 99) * 1000,
    )


def _percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _CLOCK_TICKS


def own_cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (the load generator)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def measure(server: Server, url: str, load, args: argparse.Namespace) -> Measurement:
    """One run, with the server's CPU time and the other processes' share of the machine."""
    cpu0, busy0, own0 = server.cpu_seconds(), machine_busy_seconds(), own_cpu_seconds()
    measurement = load(url, seconds=args.duration, connections=args.connections,
                       max_requests=args.max_requests)
    server_cpu = server.cpu_seconds() - cpu0
    other = machine_busy_seconds() - busy0 - server_cpu - (own_cpu_seconds() - own0)
    capacity = (os.cpu_count() or 1) * measurement.seconds
    measurement.server_cpu_s = server_cpu
    measurement.background_pct = max(0.0, 100 * other / capacity) if capacity else 0.0
    return measurement


# ---------------------------------------------------------------- servers and data


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def clean_env(workdir: Path) -> dict[str, str]:
    """The environment for the CLI and the servers: no inherited SINERGI_* settings, a fresh
    SQLite database and instance folder in ``workdir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINERGI_")}
    env.update(
        SINERGI_ENV="development",
        SINERGI_INSTANCE_PATH=str(workdir / "instance"),
        SINERGI_DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
        SINERGI_SECRET_KEY=secrets.token_urlsafe(48),
        # Measure the tree this script lives in, whatever is installed in the environment.
        PYTHONPATH=os.pathsep.join(
            p for p in (str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")) if p
        ),
    )
    return env


def prepare_database(env: dict[str, str], log) -> None:
    """Migrate, load the reference data and the demo data through the ``sinergi`` CLI."""
    for args in (["db", "upgrade"], ["regions", "load"], ["demo"]):
        log(f"  sinergi {' '.join(args)}")
        proc = subprocess.run(
            [sys.executable, "-m", "core.cli", *args], env=env, cwd=PROJECT_ROOT,
            capture_output=True, text=True, timeout=600, check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"sinergi {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")


@dataclass
class Server:
    """A gunicorn process serving one WSGI app on the loopback interface."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def url(self, path: str) -> str:
        return f"http://{HOST}:{self.port}{path}"

    def cpu_seconds(self) -> float:
        """User + system CPU time of the gunicorn master and its workers so far."""
        return sum(_process_cpu(pid) for pid in (self.process.pid, *_children(self.process.pid)))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _stat_fields(pid: int) -> list[str]:
    """Fields of /proc/<pid>/stat after the command name (field 3 onwards)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return raw[raw.rindex(")") + 2:].split()


def _process_cpu(pid: int) -> float:
    fields = _stat_fields(pid)
    # utime and stime are fields 14 and 15 of stat(5), i.e. 11 and 12 after the name.
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS if fields else 0.0


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def start_server(
    name: str, app_spec: str, *, env: dict[str, str], workdir: Path, args: argparse.Namespace,
    pythonpath: Path | None = None,
) -> Server:
    """Start gunicorn with the benchmark's settings (same for every app)."""
    port = free_port()
    log_path = workdir / f"gunicorn-{name}.log"
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{HOST}:{port}",
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        "--threads", str(args.threads),
        "--keep-alive", "30",
        "--log-level", "warning",
        "--error-logfile", str(log_path),
    ]
    if pythonpath is not None:
        command += ["--pythonpath", str(pythonpath)]
    command.append(app_spec)
    with open(os.devnull, "wb") as devnull:
        process = subprocess.Popen(
            command, env=env, cwd=workdir, stdout=devnull, stderr=subprocess.STDOUT
        )
    return Server(name=name, port=port, process=process, log_path=log_path)


def http_get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(server: Server, path: str, timeout: float = 60) -> None:
    """Wait until ``path`` answers 200 (or fail with the server's log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with contextlib.suppress(OSError, http.client.HTTPException):
            if http_get(server.port, path, timeout=2)[0] == 200:
                return
        time.sleep(0.2)
    log = server.log_path.read_text() if server.log_path.exists() else ""
    raise RuntimeError(f"{server.name} did not become ready on port {server.port}:\n{log}")


@contextlib.contextmanager
def servers(args: argparse.Namespace, log) -> Iterator[tuple[Server, Server, Path]]:
    """Prepare the database, start both servers, and always clean up."""
    workdir = Path(tempfile.mkdtemp(prefix="sinergi-bench-"))
    started: list[Server] = []
    try:
        env = clean_env(workdir)
        log(f"Preparing a fresh SQLite database in {workdir}")
        prepare_database(env, log)
        app = start_server("sinergi", "core:create_app()", env=env, workdir=workdir, args=args,
                           pythonpath=PROJECT_ROOT)
        started.append(app)
        bare = start_server("bare", "bare_app:app", env=env, workdir=workdir, args=args,
                            pythonpath=BENCH_DIR)
        started.append(bare)
        wait_ready(app, "/api/v1/regions?per_page=1")
        wait_ready(bare, "/json")
        yield app, bare, workdir
    finally:
        for server in started:
            server.stop()
        if args.keep:
            log(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def approved_plan_id(app: Server) -> int:
    """The id of the demo's approved plan, found anonymously through the API."""
    status, body = http_get(app.port, "/api/v1/plans?status=approved&per_page=1")
    items = json.loads(body)["items"] if status == 200 else []
    if not items:
        raise RuntimeError("the demo data has no approved plan")
    return int(items[0]["id"])


def check_target(server: Server, path: str) -> None:
    """One request before loading: the target must answer 200 with JSON."""
    status, body = http_get(server.port, path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}: {body[:300]!r}")
    json.loads(body)


# ---------------------------------------------------------------- reporting


def machine_info(client: str) -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import gunicorn

    info = {
        "cpu": f"{os.cpu_count()} cores ({cpu})",
        "python": platform.python_version(),
        "gunicorn": gunicorn.__version__,
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(terse=True),
        "client": client,
    }
    if client == "wrk":
        proc = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        match = re.search(r"wrk (\S+)", proc.stdout + proc.stderr)
        version = match.group(1).rsplit("/", 1)[-1] if match else ""
        info["client"] = f"wrk {version}".strip()
    return info


def table(results: list[TargetResult]) -> str:
    lines = [
        "| Target | Requests/s | p50 (ms) | p99 (ms) | Errors | Server CPU per request (µs) "
        "| × the bare cost | Goal | Other load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        ratio = "1.00 (baseline)" if result.ratio is None else f"{result.ratio:.2f}×"
        goal = TARGETS.get(result.name)
        goal_text = "—" if goal is None else (
            f"≤ {goal}× {'met' if result.ratio is not None and result.ratio <= goal else 'MISSED'}"
        )
        lines.append(
            f"| `GET {result.path}` | {result.rps:,.0f} | {result.p50_ms:.2f} "
            f"| {result.p99_ms:.2f} | {result.errors} | {result.cpu_us:,.0f} | {ratio} "
            f"| {goal_text} | {result.background_pct:.0f}% |"
        )
    return "\n".join(lines)


def settings_text(args: argparse.Namespace, info: dict[str, str]) -> str:
    return (
        f"gunicorn {info['gunicorn']}, {args.workers} workers × {args.threads} threads "
        f"({args.worker_class}), both apps on 127.0.0.1 at the same time; load by "
        f"{info['client']} with {args.connections} keep-alive connections, "
        f"{args.rounds} round{'s' if args.rounds > 1 else ''} of {args.duration:g} s per target "
        f"after a {args.warmup:g} s warm-up; requests/s, latencies and other load are medians "
        "over the rounds, CPU per request the lowest round"
    )


def record(results: list[TargetResult], args: argparse.Namespace, info: dict[str, str],
           plan_id: int) -> None:
    """Replace the HTTP section of docs/benchmarks.md with these results."""
    section = "\n".join([
        SECTION_BEGIN,
        "## HTTP: API endpoints against a bare Flask app",
        "",
        f"Measured on {dt.date.today().isoformat()} with `bench/http_bench.py"
        f"{' --quick' if args.quick else ''}`.",
        "",
        f"- Machine: {info['cpu']}, {info['os']}; Python {info['python']}, "
        f"SQLite {info['sqlite']}.",
        f"- Setup: {settings_text(args, info)}.",
        "- Data: a fresh SQLite database (WAL) with the 38 provinces, 514 regions and the demo "
        f"data of `sinergi demo`; the plan is the demo's approved plan (id {plan_id}, "
        "18 programmes), requested anonymously. No request sends `If-None-Match` (every "
        "answer is a full 200); after the first request the plan's body comes from the "
        "per-process cache of approved plans (one light query per request), while the region "
        "list is queried and serialised every time.",
        "- The bare app is `bench/bare_app.py`: Flask returning `{\"message\": \"Hello, World!\"}`."
        " \"× the bare cost\" is the server's CPU time per request (gunicorn master and "
        "workers, user + system) divided by the bare app's. \"Other load\" is the share of "
        "the machine that other processes used meanwhile.",
        "- Wall-clock throughput ratios (bare requests/s ÷ endpoint requests/s, load generator "
        "on the same cores): "
        + ", ".join(f"`{r.path}` {r.throughput_ratio:.2f}×" for r in results
                    if r.throughput_ratio is not None) + ".",
        "",
        table(results),
        SECTION_END,
    ])
    if DOC_FILE.exists():
        text = DOC_FILE.read_text(encoding="utf-8")
    else:
        text = "# Benchmarks\n\nMeasured speed of Sinergi on the project's machines.\n"
    pattern = re.compile(re.escape(SECTION_BEGIN) + r".*?" + re.escape(SECTION_END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC_FILE.parent.mkdir(parents=True, exist_ok=True)
    DOC_FILE.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=10.0,
                        help="seconds of load per target and round (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0,
                        help="seconds of unmeasured load per target first (default 2)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measured rounds per target, interleaved; the median is shown")
    parser.add_argument("--quick", action="store_true",
                        help="short bounded variant for CI: 1 round of at most 2 s, 0.5 s warm-up")
    parser.add_argument("--connections", type=int, default=8,
                        help="concurrent keep-alive connections (default 8)")
    parser.add_argument("--max-requests", type=int, default=500_000,
                        help="upper bound on requests per run (default 500000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per gunicorn worker (default 4)")
    parser.add_argument("--worker-class", default="gthread", choices=("gthread", "sync"))
    parser.add_argument("--client", default="auto", choices=("auto", "wrk", "python"),
                        help="load generator: wrk if installed (auto), or the Python client")
    parser.add_argument("--max-background", type=float, default=10.0,
                        help="repeat a run when other processes used more than this share "
                             "of the machine, in percent (default 10)")
    parser.add_argument("--retries", type=int, default=2,
                        help="at most this many repeats of a disturbed run (default 2)")
    parser.add_argument("--record", action="store_true",
                        help="write the results into docs/benchmarks.md")
    parser.add_argument("--json", dest="json_path", type=Path, default=None,
                        help="also write the results as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--quiet", action="store_true", help="print only the results")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = min(args.duration, 2.0), min(args.warmup, 0.5)
        args.rounds, args.retries = 1, 0
        args.max_requests = min(args.max_requests, 50_000)
    if args.duration <= 0 or args.duration > 600 or args.rounds < 1 or args.rounds > 20:
        parser.error("--duration must be in (0, 600] and --rounds in [1, 20]")
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    elif args.client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk), use --client python")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    load = run_wrk if args.client == "wrk" else run_python_client
    info = machine_info(args.client)
    with servers(args, log) as (app, bare, _workdir):
        plan_id = approved_plan_id(app)
        targets = [
            (TargetResult("bare-json", "/json"), bare),
            (TargetResult("regions-list", "/api/v1/regions?per_page=20"), app),
            (TargetResult("plan-detail", f"/api/v1/plans/{plan_id}"), app),
        ]
        for result, server in targets:
            check_target(server, result.path)
            if args.warmup > 0:
                log(f"  warm-up {result.path}")
                load(server.url(result.path), seconds=args.warmup,
                     connections=args.connections, max_requests=args.max_requests)
        for round_no in range(1, args.rounds + 1):
            for result, server in targets:
                log(f"  round {round_no}/{args.rounds}: GET {result.path}")
                # On a shared machine, repeat a run that other processes disturbed (bounded).
                attempts = []
                for _attempt in range(1 + args.retries):
                    attempts.append(measure(server, server.url(result.path), load, args))
                    if attempts[-1].background_pct <= args.max_background:
                        break
                    log(f"    {attempts[-1].background_pct:.0f}% of the machine busy with "
                        "other work: measuring again")
                result.rounds.append(min(attempts, key=lambda m: m.background_pct))
    results = [result for result, _server in targets]
    bare = results[0]
    for result in results[1:]:
        result.ratio = result.cpu_us / bare.cpu_us if bare.cpu_us > 0 else float("inf")
        result.throughput_ratio = bare.rps / result.rps if result.rps > 0 else float("inf")

    print(f"Sinergi HTTP benchmark — {info['cpu']}, Python {info['python']}")
    print(settings_text(args, info))
    print()
    print(table(results))
    missed = [r.name for r in results
              if r.name in TARGETS and (r.ratio is None or r.ratio > TARGETS[r.name])]
    print()
    print("All targets met." if not missed else f"Targets missed: {', '.join(missed)}")

    if args.json_path is not None:
        payload = {
            "date": dt.date.today().isoformat(),
            "machine": info,
            "settings": {k: getattr(args, k) for k in (
                "duration", "warmup", "rounds", "connections", "workers", "threads",
                "worker_class", "client", "quick")},
            "plan_id": plan_id,
            "results": [r.as_dict() for r in results],
        }
        args.json_path.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    if args.record:
        record(results, args, info, plan_id)
        log(f"Recorded in {DOC_FILE.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
