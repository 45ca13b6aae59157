#!/usr/bin/env python3
"""Journey load test: visitors, partners and officers on gunicorn, with the event pipeline.

One invocation does everything and cleans up after itself:

1. creates a fresh database — on PostgreSQL (``--stack postgres``, the default) a new database
   ``sinergi_load_<random>`` beside the admin URL's, with RabbitMQ as the bus under a unique
   namespace ``load-<random>``; on SQLite (``--stack sqlite``) a file in a temporary folder with
   the filesystem bus — and loads the regions and the demo data with the ``sinergi`` CLI;
2. starts gunicorn with 2 web processes (``core:create_app()``), one ``sinergi relay`` and two
   ``sinergi worker`` processes, and the bare Flask app of ``bench/bare_app.py``; waits until
   the demo's events are handled (the partners' opportunity feeds come from them);
3. runs locust as a library (headless ``LocalRunner``) with weighted users:
   anonymous **visitors** (home page, exhibition hall, a booth, regions list API, plan detail
   API, needs page), **partners** in a browser (page login once; dashboard, opportunity feed,
   a need, sometimes an interest through the need's form) and through the API (token from
   ``POST /api/v1/auth/token`` once; feed, needs, a need, sometimes an interest), and region
   **officers** (page login; dashboard, their needs, a need, sometimes a new need through the
   form). Writes go through the outbox → relay → workers while the load runs;
4. waits for the event backlog to drain and reads ``sinergi events status --json``;
5. measures the **bare-endpoint ratios** of the main pages and API lists, as
   ``bench/http_bench.py`` does (whose helpers it imports): server CPU time per request ÷ the
   bare app's ``/json``, each target loaded alone by wrk (or the Python client);
6. prints requests/s, p50/p99 per request name and overall, errors, the peak memory (RSS) of
   each process (sampled with psutil), the backlog and the ratios; exits non-zero on any
   error, on an event backlog that did not drain, or on a dead delivery.

Rate limits (logins, interests) are raised through ``SINERGI_*`` variables for the servers
so that they never fire for the load users. Traffic goes to 127.0.0.1 only; every phase is
bounded in time; processes are stopped by their pid; the database and the bus namespace are
removed at the end.

    .venv/bin/python bench/load_journey.py                  # PostgreSQL + RabbitMQ, ~5 min
    .venv/bin/python bench/load_journey.py --stack sqlite   # the embedded default
    .venv/bin/python bench/load_journey.py --quick          # bounded ~30 s of load, for CI
    .venv/bin/python bench/load_journey.py --record         # and update docs/benchmarks.md
"""

# ruff: noqa: E402 - gevent must patch the standard library before anything else imports it.
from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
for _path in (str(BENCH_DIR), str(PROJECT_ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import http_bench as hb  # the HTTP benchmark's helpers: servers, CPU accounting, wrk

DOC_FILE = PROJECT_ROOT / "docs" / "benchmarks.md"
SECTION_BEGIN = "<!-- load-journey:begin (written by bench/load_journey.py --record) -->"
SECTION_END = "<!-- load-journey:end -->"
HOST = hb.HOST
DEFAULT_PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "pyamqp://guest:guest@127.0.0.1:5672//"
DEMO_PASSWORD = "sinergi-demo-2026"  # core.demo.DEMO_PASSWORD (demo data only)
PARTNERS = ("partner@demo.sinergi.id", "community@demo.sinergi.id", "academia@demo.sinergi.id")
OFFICERS = ("officer.bandung@demo.sinergi.id", "officer.surabaya@demo.sinergi.id")
DIMENSIONS = ("governance", "branding", "economy", "living", "society", "environment")
#: Rate limits set high for the servers of the run (never reached by the load users).
UNLIMITED = "1000000 per minute"
RATE_LIMIT_ENV = {
    "SINERGI_LOGIN_RATE_LIMIT": UNLIMITED,
    "SINERGI_LOGIN_ACCOUNT_RATE_LIMIT": UNLIMITED,
    "SINERGI_LOGIN_EMAIL_RATE_LIMIT": UNLIMITED,
    "SINERGI_PLUGINS__MATCHMAKING__INTEREST_RATE_LIMIT": UNLIMITED,
}
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
NEED_LINK_RE = re.compile(r'href="/needs/(\d+)"')


# ---------------------------------------------------------------- shared journey state


@dataclass
class World:
    """What the users pick from, found before the load; and the interests claimed so far."""

    base_url: str = ""
    plan_ids: list[int] = field(default_factory=list)
    booth_codes: list[str] = field(default_factory=list)
    need_ids: list[int] = field(default_factory=list)
    #: Needs each partner account (one organisation each) has an open interest in, or is
    #: sending one for: a second open interest would be a 409, so the users never try it.
    claimed: dict[str, set[int]] = field(default_factory=dict)
    interests_sent: int = 0
    needs_posted: int = 0
    skipped_interests: int = 0

    def claim(self, account: str, candidates: list[int]) -> int | None:
        taken = self.claimed.setdefault(account, set())
        free = [n for n in candidates if n not in taken]
        if not free:
            self.skipped_interests += 1
            return None
        need_id = rng().choice(free)
        taken.add(need_id)
        return need_id


WORLD = World()
_rng = None


def rng():
    """One seeded random generator for the whole run (repeatable journeys)."""
    global _rng
    if _rng is None:
        import random

        _rng = random.Random(20261129)
    return _rng


def build_users(args: argparse.Namespace) -> list[type]:
    """The locust user classes (imported here: locust is a dev dependency)."""
    from locust import between, task
    from locust.contrib.fasthttp import FastHttpUser

    think = between(args.think_min, args.think_max)

    class Browser(FastHttpUser):
        """Shared page-login helpers."""

        abstract = True
        accounts: tuple[str, ...] = ()
        _next_account = 0
        network_timeout = 30.0
        connection_timeout = 10.0

        def on_start(self) -> None:
            cls = type(self)
            self.account = cls.accounts[cls._next_account % len(cls.accounts)]
            cls._next_account += 1
            self.needs: list[int] = []  # the feed's needs (partners), their own (officers)
            self.page_login(self.account)

        @task(3)
        def dashboard(self) -> None:
            self.page("/dashboard", "GET /dashboard")

        def page_login(self, email: str) -> None:
            with self.client.get("/login", name="GET /login", catch_response=True) as r:
                match = CSRF_RE.search(r.text or "")
                if r.status_code != 200 or not match:
                    r.failure(f"login form: {r.status_code}")
                    return
            with self.client.post(
                "/login", name="POST /login (page)", allow_redirects=False, catch_response=True,
                data={"email": email, "password": DEMO_PASSWORD, "csrf_token": match.group(1)},
            ) as r:
                if r.status_code != 303:
                    r.failure(f"page login answered {r.status_code}")
            self.csrf = ""
            # The session's CSRF token changes at login: read it from a page.
            with self.client.get("/dashboard", name="GET /dashboard", catch_response=True) as r:
                match = CSRF_RE.search(r.text or "")
                if r.status_code != 200:
                    r.failure(f"dashboard {r.status_code}")
                self.csrf = match.group(1) if match else ""

        def page(self, path: str, name: str) -> str:
            with self.client.get(path, name=name, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}")
                return r.text or ""

    class Visitor(FastHttpUser):
        """Anonymous: the public pages and the open API."""

        weight = args.visitors
        wait_time = think

        @task(3)
        def home(self) -> None:
            self.client.get("/", name="GET /")

        @task(4)
        def hall(self) -> None:
            self.client.get("/pameran", name="GET /pameran")

        @task(4)
        def booth(self) -> None:
            code = rng().choice(WORLD.booth_codes)
            self.client.get(f"/pameran/{code}", name="GET /pameran/<code>")

        @task(2)
        def regions(self) -> None:
            page = rng().randint(1, 25)
            self.client.get(f"/api/v1/regions?per_page=20&page={page}",
                            name="GET /api/v1/regions")

        @task(2)
        def plan(self) -> None:
            plan_id = rng().choice(WORLD.plan_ids)
            self.client.get(f"/api/v1/plans/{plan_id}", name="GET /api/v1/plans/<id>")

        @task(1)
        def needs_page(self) -> None:
            self.client.get("/needs", name="GET /needs")

    class PartnerBrowser(Browser):
        """A partner organisation's member in the browser (session cookie, CSRF)."""

        weight = args.partner_browsers
        wait_time = think
        accounts = PARTNERS

        @task(4)
        def feed(self) -> None:
            html = self.page("/opportunities", "GET /opportunities")
            self.needs = sorted({int(n) for n in NEED_LINK_RE.findall(html)})

        @task(3)
        def need(self) -> None:
            need_id = rng().choice(self.needs or WORLD.need_ids)
            self.page(f"/needs/{need_id}", "GET /needs/<id>")

        @task(1)
        def interest(self) -> None:
            need_id = WORLD.claim(self.account, self.needs)
            if need_id is None:
                return
            with self.client.post(
                f"/needs/{need_id}/interest", name="POST /needs/<id>/interest (form)",
                allow_redirects=False, catch_response=True,
                data={"message": "Kami dapat membantu: tim kami berpengalaman di bidang ini.",
                      "offer_id": "", "organisation_id": "", "csrf_token": self.csrf},
            ) as r:
                if r.status_code != 303:
                    r.failure(f"interest form answered {r.status_code}")
                else:
                    WORLD.interests_sent += 1

    class PartnerApi(FastHttpUser):
        """A partner's integration on the API (bearer token from POST /api/v1/auth/token)."""

        weight = args.partner_apis
        wait_time = think
        _next_account = 1

        def on_start(self) -> None:
            cls = type(self)
            self.account = PARTNERS[cls._next_account % len(PARTNERS)]
            cls._next_account += 1
            self.headers = {}
            self.feed_needs: list[int] = []
            with self.client.post(
                "/api/v1/auth/token", name="POST /api/v1/auth/token", catch_response=True,
                json={"email": self.account, "password": DEMO_PASSWORD, "name": "load test"},
            ) as r:
                if r.status_code != 201:
                    r.failure(f"token: {r.status_code}")
                    return
                self.headers = {"Authorization": f"Bearer {r.json()['token']}"}

        def api(self, path: str, name: str) -> Any:
            with self.client.get(path, name=name, headers=self.headers,
                                 catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}")
                    return None
                return r.json()

        @task(4)
        def feed(self) -> None:
            body = self.api("/api/v1/opportunities?per_page=20", "GET /api/v1/opportunities")
            if body is not None:
                self.feed_needs = sorted({item["need"]["id"] for item in body["items"]})

        @task(2)
        def needs(self) -> None:
            self.api("/api/v1/needs?per_page=20", "GET /api/v1/needs")

        @task(3)
        def need(self) -> None:
            need_id = rng().choice(self.feed_needs or WORLD.need_ids)
            self.api(f"/api/v1/needs/{need_id}", "GET /api/v1/needs/<id>")

        @task(1)
        def interest(self) -> None:
            need_id = WORLD.claim(self.account, self.feed_needs)
            if need_id is None:
                return
            with self.client.post(
                f"/api/v1/needs/{need_id}/interests", name="POST /api/v1/needs/<id>/interests",
                headers=self.headers, catch_response=True,
                json={"message": "We can help: our team has done this before."},
            ) as r:
                if r.status_code != 201:
                    r.failure(f"interest answered {r.status_code}: {(r.text or '')[:200]}")
                else:
                    WORLD.interests_sent += 1

    class Officer(Browser):
        """A region officer in the browser: dashboard, their needs, sometimes a new need."""

        weight = args.officers
        wait_time = think
        accounts = OFFICERS

        @task(2)
        def mine(self) -> None:
            html = self.page("/needs/mine", "GET /needs/mine")
            self.needs = sorted({int(n) for n in NEED_LINK_RE.findall(html)})

        @task(2)
        def need(self) -> None:
            if self.needs:
                self.page(f"/needs/{rng().choice(self.needs)}", "GET /needs/<id>")

        @task(1)
        def post_need(self) -> None:
            html = self.page("/needs/new", "GET /needs/new")
            match = CSRF_RE.search(html)
            gen = rng()
            subject = gen.choice(("penerangan jalan umum", "pengelolaan sampah",
                                  "sistem informasi banjir", "layanan perizinan daring",
                                  "pelatihan UMKM digital", "transportasi publik"))
            with self.client.post(
                "/needs/new", name="POST /needs/new (form)", allow_redirects=False,
                catch_response=True,
                data={"title": f"Kebutuhan {subject} {gen.randint(1, 10**6)}",
                      "description": f"Pemerintah daerah mencari mitra untuk {subject}.",
                      "dimension": gen.choice(DIMENSIONS), "budget_min": "500.000.000",
                      "budget_max": "2.000.000.000",
                      "deadline": (dt.date.today() + dt.timedelta(days=60)).isoformat(),
                      "csrf_token": match.group(1) if match else ""},
            ) as r:
                if r.status_code != 303:
                    r.failure(f"need form answered {r.status_code}")
                else:
                    WORLD.needs_posted += 1
                    found = re.search(r"/needs/(\d+)", r.headers.get("Location", ""))
                    if found:
                        self.needs.append(int(found.group(1)))

    return [Visitor, PartnerBrowser, PartnerApi, Officer]


# ---------------------------------------------------------------- processes and memory


@dataclass
class Proc:
    """A process of the deployment whose memory is sampled."""

    role: str
    pid: int
    peak_rss: int = 0
    last_rss: int = 0


class MemorySampler:
    """Samples the RSS of the deployment's processes (gunicorn master and workers, relay,
    workers) every ``interval`` seconds in a greenlet; keeps each one's peak."""

    def __init__(self, server: hb.Server, relay: subprocess.Popen[bytes],
                 workers: list[subprocess.Popen[bytes]], interval: float = 0.5):
        self.server, self.relay, self.workers = server, relay, workers
        self.interval = interval
        self.procs: dict[int, Proc] = {}
        self._greenlet = None

    def _current(self) -> list[tuple[str, int]]:
        found = [("gunicorn master", self.server.process.pid)]
        for index, pid in enumerate(sorted(hb._children(self.server.process.pid)), 1):
            found.append((f"gunicorn worker {index}", pid))
        found.append(("sinergi relay", self.relay.pid))
        found += [(f"sinergi worker {i}", w.pid) for i, w in enumerate(self.workers, 1)]
        return found

    def sample(self) -> None:
        import psutil

        for role, pid in self._current():
            with contextlib.suppress(psutil.Error):
                rss = psutil.Process(pid).memory_info().rss
                proc = self.procs.setdefault(pid, Proc(role, pid))
                proc.last_rss = rss
                proc.peak_rss = max(proc.peak_rss, rss)

    def _loop(self) -> None:
        import gevent

        while True:
            self.sample()
            gevent.sleep(self.interval)

    def start(self) -> None:
        import gevent

        self._greenlet = gevent.spawn(self._loop)

    def stop(self) -> None:
        if self._greenlet is not None:
            self._greenlet.kill()
        self.sample()


def start_bus_process(kind: str, env: dict[str, str], workdir: Path, max_seconds: float,
                      index: int = 0) -> subprocess.Popen[bytes]:
    """``sinergi relay`` or ``sinergi worker``, bounded by ``--max-seconds``."""
    log = open(workdir / f"{kind}-{index}.log", "wb")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "core.cli", kind, "--max-seconds", f"{max_seconds:.0f}"],
        env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )


def bus_logs(workdir: Path, lines: int = 25) -> str:
    """The last lines of the relay's and the workers' logs (shown when events are stuck)."""
    parts = []
    for path in sorted(workdir.glob("*.log")):
        tail = path.read_text(errors="replace").splitlines()[-lines:]
        parts.append(f"--- {path.name}\n" + "\n".join(tail))
    return "\n".join(parts)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# ---------------------------------------------------------------- database and bus


def pg_admin_url(url: str) -> str:
    """The admin URL as psycopg takes it (no SQLAlchemy driver suffix)."""
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


def create_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(pg_admin_url(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_pg_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(pg_admin_url(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def delete_topology(env: dict[str, str]) -> str:
    """Delete the run's queues and exchanges on the broker (a subprocess without gevent)."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--delete-topology"],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    return proc.stdout + proc.stderr


def _delete_topology_here() -> int:
    """Runs in the subprocess started by :func:`delete_topology` (the chaos tests' helper)."""
    from core.app import create_app
    from tests.chaos.harness import delete_topology as delete_namespace

    app = create_app()
    delete_namespace(app, extra_queues=())
    print(f"deleted the queues and exchanges of namespace {app.config['BUS_NAMESPACE']}")
    return 0


class Ledger:
    """Reads the bus tables of the run's database directly (no app in this process)."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(url)

    def snapshot(self) -> dict[str, int]:
        from sqlalchemy import text

        with self.engine.connect() as conn:
            row = conn.execute(text(
                "SELECT count(*), coalesce(max(position), 0), "
                "sum(CASE WHEN published_at IS NULL THEN 1 ELSE 0 END) FROM outbox")).one()
            states = dict(conn.execute(text(
                "SELECT status, count(*) FROM event_deliveries GROUP BY status")).all())
        return {"events": row[0], "last_position": row[1], "unpublished": row[2] or 0,
                **{s: int(states.get(s, 0)) for s in ("pending", "retrying", "done", "dead")}}

    @staticmethod
    def drained(snap: dict[str, int]) -> bool:
        return snap["unpublished"] == 0 and snap["pending"] == 0 and snap["retrying"] == 0

    def wait_drained(self, timeout: float, settle: float = 1.5) -> tuple[bool, float,
                                                                         dict[str, int]]:
        """Wait until nothing is unpublished, pending or retrying (twice, ``settle`` apart:
        a handler may record new events)."""
        start = time.monotonic()
        snap = self.snapshot()
        while time.monotonic() - start < timeout:
            if self.drained(snap):
                time.sleep(settle)
                again = self.snapshot()
                if self.drained(again) and again["events"] == snap["events"]:
                    return True, time.monotonic() - start, again
                snap = again
                continue
            time.sleep(0.5)
            snap = self.snapshot()
        return False, time.monotonic() - start, snap

    def close(self) -> None:
        self.engine.dispose()


# ---------------------------------------------------------------- the run


@dataclass
class Stack:
    name: str
    env: dict[str, str]
    database_url: str
    cleanup: list[Any] = field(default_factory=list)


def make_stack(args: argparse.Namespace, workdir: Path, log) -> Stack:
    env = hb.clean_env(workdir)
    env.update(RATE_LIMIT_ENV)
    if args.quick:
        # The test suite's password hashing cost (config/test.toml): the demo's accounts and
        # the logins cost milliseconds instead of a second each on a busy CI machine.
        env.update(SINERGI_ARGON2_TIME_COST="1", SINERGI_ARGON2_MEMORY_KIB="8",
                   SINERGI_ARGON2_PARALLELISM="1")
    env["SINERGI_PLUGINS__NOTIFICATIONS__MAIL_FOLDER"] = str(workdir / "mail")
    if args.stack == "sqlite":
        return Stack("SQLite + filesystem bus", env, env["SINERGI_DATABASE_URL"])
    suffix = secrets.token_hex(4)
    name = f"sinergi_load_{suffix}"
    log(f"Creating PostgreSQL database {name}; bus namespace load-{suffix} on RabbitMQ")
    create_pg_database(args.database_url, name)
    url = with_database(args.database_url, name)
    env.update(SINERGI_DATABASE_URL=url, SINERGI_BROKER_URL=args.broker_url,
               SINERGI_BUS_NAMESPACE=f"load-{suffix}")
    stack = Stack("PostgreSQL + RabbitMQ", env, url)
    stack.cleanup.append(lambda: log("  " + delete_topology(env).strip()))
    stack.cleanup.append(lambda: drop_pg_database(args.database_url, name))
    return stack


def discover(port: int) -> None:
    """Fill WORLD with plans, booths, needs and the partners' open interests."""
    def get(path: str, headers: dict[str, str] | None = None) -> Any:
        import http.client

        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}: {body[:300]!r}")
        return json.loads(body)

    WORLD.plan_ids = [p["id"] for p in get("/api/v1/plans?status=approved&per_page=50")["items"]]
    WORLD.booth_codes = [b["region_code"] for b in
                         get("/api/v1/exhibition/booths?per_page=50")["items"]]
    WORLD.need_ids = [n["id"] for n in get("/api/v1/needs?per_page=50")["items"]]
    if not (WORLD.plan_ids and WORLD.booth_codes and WORLD.need_ids):
        raise RuntimeError("the demo data lacks approved plans, booths or open needs")
    for account in PARTNERS:
        token = token_for(port, account)
        claimed = WORLD.claimed.setdefault(account, set())
        page = 1
        while True:
            body = get(f"/api/v1/interests?status=open&per_page=100&page={page}",
                       {"Authorization": f"Bearer {token}"})
            claimed.update(i["need_id"] for i in body["items"])
            if page * 100 >= body["total"]:
                break
            page += 1


def token_for(port: int, email: str) -> str:
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("POST", "/api/v1/auth/token",
                     body=json.dumps({"email": email, "password": DEMO_PASSWORD,
                                      "name": "load test setup"}),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 201:
        raise RuntimeError(f"token for {email}: {response.status} {body[:200]!r}")
    return json.loads(body)["token"]


def session_cookie(port: int, email: str) -> str:
    """Log in through the page; the ``Cookie`` header value of the new session."""
    import http.client

    def request(method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, str, Any]:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read().decode(), response.headers
        finally:
            conn.close()

    def cookies(headers: Any) -> str:
        return "; ".join(v.split(";", 1)[0] for k, v in headers.items()
                         if k.lower() == "set-cookie")

    status, html, headers = request("GET", "/login")
    jar = cookies(headers)
    match = CSRF_RE.search(html)
    if status != 200 or not match:
        raise RuntimeError(f"login form: {status}")
    from urllib.parse import urlencode

    status, _html, headers = request(
        "POST", "/login",
        urlencode({"email": email, "password": DEMO_PASSWORD, "csrf_token": match.group(1)}),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": jar})
    if status != 303:
        raise RuntimeError(f"page login of {email}: {status}")
    return cookies(headers)


def run_locust(args: argparse.Namespace, base_url: str,
               log) -> tuple[Any, float, dict[str, Any]]:
    """The journeys: ``args.users`` users for ``args.duration`` seconds of steady state.

    The users start at ``spawn_rate`` per second and log in (argon2 hashing, the costliest
    request); once every login is done the statistics are taken as the ramp-up's and reset, so
    the journey figures are the steady state's."""
    import gevent
    from locust.env import Environment

    users = build_users(args)
    environment = Environment(user_classes=users, host=base_url)
    runner = environment.create_local_runner()
    log(f"  {args.users} users ({', '.join(f'{u.__name__} ×{u.weight}' for u in users)}), "
        f"ramp-up, then {args.duration:g} s")
    ramp_start = time.monotonic()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    stats = environment.stats
    deadline = ramp_start + args.users / args.spawn_rate + 120
    while time.monotonic() < deadline:
        gevent.sleep(0.5)
        counts = runner.user_classes_count
        expected = sum(counts.get(name, 0) for name in ("PartnerBrowser", "Officer", "PartnerApi"))
        logins = sum(stats.get(name, "POST").num_requests + stats.get(name, "POST").num_failures
                     for name in ("POST /login (page)", "POST /api/v1/auth/token"))
        if runner.user_count >= args.users and logins >= expected:
            break
    gevent.sleep(1.0)
    rows, total, errors = stats_rows(environment)
    ramp = {"seconds": round(time.monotonic() - ramp_start, 1), "rows": rows, "total": total,
            "error_list": errors}
    stats.reset_all()
    start = time.monotonic()
    gevent.spawn_later(args.duration, runner.quit)
    runner.greenlet.join(timeout=args.duration + 120)
    elapsed = time.monotonic() - start
    if runner.state not in ("stopped",):
        runner.quit()
    return environment, elapsed, ramp


def stats_rows(environment: Any) -> tuple[list[dict[str, Any]], dict[str, Any], list[str]]:
    """Per request name and overall: requests, requests/s, p50, p99, errors."""
    stats = environment.stats

    def row(entry: Any, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "rps": round(entry.total_rps, 2),
            "p50_ms": entry.get_response_time_percentile(0.5) if entry.num_requests else 0,
            "p99_ms": entry.get_response_time_percentile(0.99) if entry.num_requests else 0,
        }

    rows = [row(entry, entry.name) for entry in
            sorted(stats.entries.values(), key=lambda e: -e.num_requests)
            if entry.num_requests or entry.num_failures]
    errors = [f"{e.method} {e.name}: {e.error} (×{e.occurrences})"
              for e in stats.errors.values()]
    return rows, row(stats.total, "All requests"), errors


@dataclass
class RatioTarget:
    name: str
    path: str
    auth: str  # "", "partner-cookie", "officer-cookie", "partner-token"
    result: hb.TargetResult | None = None


RATIO_TARGETS = [
    RatioTarget("bare-json", "/json", ""),
    RatioTarget("home", "/", ""),
    RatioTarget("dashboard (officer)", "/dashboard", "officer-cookie"),
    RatioTarget("dashboard (partner)", "/dashboard", "partner-cookie"),
    RatioTarget("exhibition hall", "/pameran", ""),
    RatioTarget("opportunity feed page", "/opportunities", "partner-cookie"),
    RatioTarget("needs page", "/needs", ""),
    RatioTarget("regions API", "/api/v1/regions?per_page=20", ""),
    RatioTarget("needs API", "/api/v1/needs?per_page=20", ""),
    RatioTarget("plans API", "/api/v1/plans?per_page=20", ""),
    RatioTarget("opportunities API", "/api/v1/opportunities?per_page=20", "partner-token"),
]


def measure_ratios(args: argparse.Namespace, app: hb.Server, bare: hb.Server,
                   log) -> list[RatioTarget]:
    """Each target alone, as http_bench does: server CPU per request ÷ the bare app's."""
    auth = {
        "": {},
        "officer-cookie": {"Cookie": session_cookie(app.port, OFFICERS[0])},
        "partner-cookie": {"Cookie": session_cookie(app.port, PARTNERS[0])},
        "partner-token": {"Authorization": f"Bearer {token_for(app.port, PARTNERS[0])}"},
    }
    load = hb.run_wrk if args.client == "wrk" else hb.run_python_client
    ratio_args = argparse.Namespace(duration=args.ratio_duration, connections=args.connections,
                                    max_requests=args.max_requests)
    targets = [RatioTarget(t.name, t.path, t.auth) for t in RATIO_TARGETS]
    for target in targets:
        server = bare if target.name == "bare-json" else app
        status, body = hb.http_get(server.port, target.path) if not auth[target.auth] else \
            _get_with(server.port, target.path, auth[target.auth])
        if status != 200:
            raise RuntimeError(f"GET {target.path} ({target.auth or 'anonymous'}) answered "
                               f"{status}: {body[:300]!r}")
        target.result = hb.TargetResult(target.name, target.path)
        if args.ratio_warmup > 0:
            load(server.url(target.path), seconds=args.ratio_warmup,
                 connections=args.connections, max_requests=args.max_requests,
                 headers=auth[target.auth])
    for round_no in range(1, args.ratio_rounds + 1):
        for target in targets:
            server = bare if target.name == "bare-json" else app
            log(f"  round {round_no}/{args.ratio_rounds}: GET {target.path}")
            loader = functools.partial(load, headers=auth[target.auth])
            attempts = []
            for attempt in range(1 + args.retries):
                attempts.append(hb.measure(server, server.url(target.path), loader, ratio_args))
                if attempts[-1].background_pct <= args.max_background or attempt == args.retries:
                    break
                log(f"    {attempts[-1].background_pct:.0f}% of the machine busy with other "
                    "work: measuring again")
            target.result.rounds.append(min(attempts, key=lambda m: m.background_pct))
    bare_cpu = targets[0].result.cpu_us
    for target in targets[1:]:
        target.result.ratio = target.result.cpu_us / bare_cpu if bare_cpu > 0 else None
    return targets


def _get_with(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def events_status_cli(env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "core.cli", "events", "status", "--json"],
                          env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"sinergi events status failed: {proc.stdout}{proc.stderr}")
    return json.loads(proc.stdout)


class OtherLoad:
    """The share of the machine that processes outside this run used during a phase."""

    def __init__(self, pids_of) -> None:
        self.pids_of = pids_of
        self.busy0 = hb.machine_busy_seconds()
        self.ours0 = self._ours()
        self.t0 = time.monotonic()

    def _ours(self) -> float:
        return sum(hb._process_cpu(pid) for pid in self.pids_of()) + hb.own_cpu_seconds()

    def percent(self) -> float:
        elapsed = time.monotonic() - self.t0
        other = (hb.machine_busy_seconds() - self.busy0) - (self._ours() - self.ours0)
        capacity = (os.cpu_count() or 1) * elapsed
        return max(0.0, 100 * other / capacity) if capacity else 0.0


def run(args: argparse.Namespace, log) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="sinergi-load-"))
    started: list[Any] = []
    stack: Stack | None = None
    ledger: Ledger | None = None
    try:
        stack = make_stack(args, workdir, log)
        env = stack.env
        log(f"Preparing the database ({stack.name}) in {workdir}")
        hb.prepare_database(env, log)
        bound = args.duration + args.drain_timeout + 600
        relay = start_bus_process("relay", env, workdir, bound)
        started.append(relay)
        workers = [start_bus_process("worker", env, workdir, bound, i) for i in (1, 2)]
        started.extend(workers)
        server_args = argparse.Namespace(workers=2, threads=args.threads,
                                         worker_class="gthread")
        app = hb.start_server("sinergi", "core:create_app()", env=env, workdir=workdir,
                              args=server_args, pythonpath=PROJECT_ROOT)
        started.append(app)
        bare = hb.start_server("bare", "bare_app:app", env=env, workdir=workdir,
                               args=server_args, pythonpath=BENCH_DIR)
        started.append(bare)
        hb.wait_ready(app, "/api/v1/regions?per_page=1")
        hb.wait_ready(bare, "/json")
        ledger = Ledger(stack.database_url)
        log("Waiting for the demo's events to be handled")
        ok, waited, before = ledger.wait_drained(args.drain_timeout)
        if not ok:
            log(bus_logs(workdir))
            raise RuntimeError(f"the demo's events did not drain in {waited:.0f} s: {before}")
        log(f"  drained in {waited:.1f} s ({before['events']} events)")
        discover(app.port)

        sampler = MemorySampler(app, relay, workers)
        sampler.start()

        def our_pids() -> list[int]:
            return [app.process.pid, *hb._children(app.process.pid), relay.pid,
                    *(w.pid for w in workers), bare.process.pid]

        meter = OtherLoad(our_pids)
        log("Journeys")
        environment, elapsed, ramp = run_locust(args, app.url(""), log)
        other_load = meter.percent()
        log("Waiting for the event backlog to drain")
        at_end = ledger.snapshot()
        drained, drain_s, after = ledger.wait_drained(args.drain_timeout)
        if not drained:
            log(bus_logs(workdir))
        sampler.stop()
        status = events_status_cli(env)
        rows, total, error_list = stats_rows(environment)
        ratios: list[RatioTarget] = []
        if not args.no_ratios:
            log("Bare-endpoint ratios")
            ratios = measure_ratios(args, app, bare, log)
        return {
            "stack": stack.name,
            "users": args.users,
            "mix": {"visitors": args.visitors, "partner_browsers": args.partner_browsers,
                    "partner_apis": args.partner_apis, "officers": args.officers},
            "duration_s": round(elapsed, 1),
            "rows": rows,
            "total": total,
            "error_list": ramp["error_list"] + error_list,
            "ramp_up": ramp,
            "other_load_pct": round(other_load, 1),
            "interests_sent": WORLD.interests_sent,
            "needs_posted": WORLD.needs_posted,
            "interests_skipped": WORLD.skipped_interests,
            "events": {
                "demo_events": before["events"], "demo_drain_seconds": round(waited, 1),
                "before": before, "at_end_of_load": at_end, "after": after,
                "recorded_during_run": after["events"] - before["events"],
                "deliveries_done_during_run": after["done"] - before["done"],
                "backlog_at_end_of_load": at_end["unpublished"] + at_end["pending"]
                + at_end["retrying"],
                "drained": drained, "drain_seconds": round(drain_s, 1),
                "status": status,
            },
            "memory": [{"role": p.role, "pid": p.pid, "peak_mib": round(p.peak_rss / 2**20, 1),
                        "last_mib": round(p.last_rss / 2**20, 1)}
                       for p in sorted(sampler.procs.values(), key=lambda p: p.role)],
            "ratios": [{"name": t.name, "path": t.path, "auth": t.auth,
                        **t.result.as_dict()} for t in ratios],
        }
    finally:
        if ledger is not None:
            ledger.close()
        for item in reversed(started):
            if isinstance(item, hb.Server):
                item.stop()
            else:
                stop_process(item)
        if stack is not None:
            for step in stack.cleanup:
                try:
                    step()
                except Exception as error:  # noqa: BLE001 - report, go on cleaning up
                    log(f"  cleanup step failed: {error}")
        if args.keep:
            log(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


# ---------------------------------------------------------------- reporting


def failures(result: dict[str, Any]) -> list[str]:
    problems = []
    if result["total"]["errors"]:
        problems.append(f"{result['total']['errors']} request errors")
    if result["ramp_up"]["total"]["errors"]:
        problems.append(f"{result['ramp_up']['total']['errors']} request errors in the ramp-up")
    if not result["events"]["drained"]:
        problems.append("the event backlog did not drain")
    if result["events"]["after"]["dead"]:
        problems.append(f"{result['events']['after']['dead']} dead deliveries")
    if result["events"]["deliveries_done_during_run"] <= 0:
        problems.append("no event was handled during the run")
    for ratio in result["ratios"]:
        if ratio["errors"]:
            problems.append(f"{ratio['errors']} errors loading {ratio['path']}")
    return problems


def journey_table(result: dict[str, Any]) -> str:
    lines = ["| Request | Requests | Requests/s | p50 (ms) | p99 (ms) | Errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in [*result["rows"], result["total"]]:
        name = f"**{row['name']}**" if row["name"] == "All requests" else f"`{row['name']}`"
        lines.append(f"| {name} | {row['requests']:,} | {row['rps']:.1f} | {row['p50_ms']:.0f} "
                     f"| {row['p99_ms']:.0f} | {row['errors']} |")
    return "\n".join(lines)


def ramp_text(result: dict[str, Any]) -> str:
    ramp = result["ramp_up"]
    logins = [r for r in ramp["rows"] if "login" in r["name"] or "auth/token" in r["name"]]
    parts = [f"`{r['name']}` ×{r['requests']} (p50 {r['p50_ms']:.0f} ms, p99 "
             f"{r['p99_ms']:.0f} ms, {r['errors']} errors)" for r in logins]
    total = ramp["total"]
    return (f"Ramp-up before the measured period ({ramp['seconds']:g} s: users starting at "
            f"the spawn rate and logging in once, with argon2id at the default cost): "
            f"{', '.join(parts)}; {total['requests']} requests in all, {total['errors']} errors. "
            "The table above is the steady state after it.")


def memory_table(result: dict[str, Any]) -> str:
    lines = ["| Process | Peak RSS (MiB) | At the end (MiB) |", "| --- | ---: | ---: |"]
    lines += [f"| {m['role']} | {m['peak_mib']:.0f} | {m['last_mib']:.0f} |"
              for m in result["memory"]]
    return "\n".join(lines)


def ratio_table(result: dict[str, Any]) -> str:
    lines = ["| Target | As | Requests/s | p50 (ms) | p99 (ms) | Errors | Server CPU per request "
             "(µs) | × the bare cost | Other load |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    who = {"": "anonymous", "officer-cookie": "officer (session)",
           "partner-cookie": "partner (session)", "partner-token": "partner (token)"}
    for r in result["ratios"]:
        ratio = "1.00 (baseline)" if r["ratio"] is None else f"{r['ratio']:.2f}×"
        lines.append(f"| `GET {r['path']}` | {who[r['auth']]} | {r['rps']:,.0f} "
                     f"| {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} "
                     f"| {r['cpu_us_per_request']:,.0f} | {ratio} | {r['background_pct']:.0f}% |")
    return "\n".join(lines)


def events_text(result: dict[str, Any]) -> str:
    ev = result["events"]
    status = ev["status"]
    return (
        f"{ev['recorded_during_run']} events recorded during the run "
        f"({result['needs_posted']} needs posted, {result['interests_sent']} interests "
        f"expressed, and what the handlers recorded in turn); "
        f"{ev['deliveries_done_during_run']} handler deliveries done. Backlog when the load "
        f"stopped: {ev['backlog_at_end_of_load']} (unpublished + pending + retrying); "
        f"{'drained' if ev['drained'] else 'NOT drained'} {ev['drain_seconds']:.1f} s later. "
        f"`sinergi events status --json` afterwards: {status['unpublished']} unpublished, "
        f"{status['dead']} dead, oldest pending delivery "
        f"{status['oldest_pending_delivery_age_seconds'] or 0} s. Before the load, the demo "
        f"data's {ev['demo_events']} events took {ev['demo_drain_seconds']:.1f} s to be handled."
    )


def settings_text(args: argparse.Namespace, result: dict[str, Any], client: str) -> str:
    mix = result["mix"]
    return (
        f"{result['stack']}; gunicorn 2 web processes × {args.threads} threads (gthread), "
        f"1 `sinergi relay`, 2 `sinergi worker`; locust {_locust_version()} in one process "
        f"(FastHttpUser), {args.users} users (weights: visitors {mix['visitors']}, partners in "
        f"the browser {mix['partner_browsers']}, partners on the API {mix['partner_apis']}, "
        f"officers {mix['officers']}), think time {args.think_min:g}–{args.think_max:g} s, "
        f"{result['duration_s']:g} s; bare-endpoint ratios by {client} with "
        f"{args.connections} connections, {args.ratio_rounds} round(s) of "
        f"{args.ratio_duration:g} s per target"
    )


def _locust_version() -> str:
    import locust

    return locust.__version__


def report(result: dict[str, Any], args: argparse.Namespace, client: str) -> str:
    return "\n\n".join([
        settings_text(args, result, client),
        journey_table(result),
        ramp_text(result),
        f"Other load during the journeys: {result['other_load_pct']:.0f}% of the machine.",
        memory_table(result),
        events_text(result),
        ratio_table(result) if result["ratios"] else "(ratios not measured)",
    ])


def record(result: dict[str, Any], args: argparse.Namespace, info: dict[str, str]) -> None:
    """Replace the "Load (journeys)" section of docs/benchmarks.md."""
    total = result["total"]
    section = "\n".join([
        SECTION_BEGIN,
        "### Recorded run",
        "",
        f"Measured on {dt.date.today().isoformat()} with `bench/load_journey.py"
        f"{' --quick' if args.quick else ''}{' --stack sqlite' if args.stack == 'sqlite' else ''}"
        "`.",
        "",
        f"- Machine: {info['cpu']}, {info['os']}; Python {info['python']}. Other load (other "
        f"people's processes) during the journeys: {result['other_load_pct']:.0f}% of the "
        "machine.",
        f"- Setup: {settings_text(args, result, info['client'])}.",
        "- Journeys: visitors open the home page, the exhibition hall, a booth, the needs page, "
        "the regions list and a plan through the API; partners log in once (on the page, or for "
        "API clients with `POST /api/v1/auth/token`), open their dashboard and opportunity feed, "
        "view a need and sometimes express interest (a write: outbox → relay → workers); "
        "officers open their dashboard and needs and sometimes post a need through the form. "
        "Data: a fresh database with the regions and `sinergi demo`; the demo's events are "
        "handled before the load starts.",
        "- Rate limits are raised for the servers of this run (`SINERGI_LOGIN_RATE_LIMIT`, "
        "`SINERGI_LOGIN_ACCOUNT_RATE_LIMIT`, `SINERGI_LOGIN_EMAIL_RATE_LIMIT`, "
        "`SINERGI_PLUGINS__MATCHMAKING__INTEREST_RATE_LIMIT`), so that a few accounts can "
        "carry the load; the limiter itself still runs on every login and interest.",
        f"- Overall: **{total['rps']:.1f} requests/s**, p50 {total['p50_ms']:.0f} ms, p99 "
        f"{total['p99_ms']:.0f} ms, {total['errors']} errors (locust's percentiles are "
        "rounded to two significant digits).",
        "",
        journey_table(result),
        "",
        ramp_text(result),
        "",
        "**Events.** " + events_text(result),
        "",
        "**Memory** (RSS, sampled every 0.5 s with psutil during the journeys and the drain):",
        "",
        memory_table(result),
        "",
        "**Bare-endpoint ratios** (after the journeys, same servers and data; as in the HTTP "
        "section: server CPU time per request ÷ the bare Flask `/json`'s; pages as a logged-in "
        "user carry the session cookie, the feed API a bearer token):",
        "",
        ratio_table(result),
        SECTION_END,
    ])
    text = DOC_FILE.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(SECTION_BEGIN) + r".*?" + re.escape(SECTION_END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n## Load (journeys)\n\n" + section + "\n"
    DOC_FILE.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stack", choices=("postgres", "sqlite"), default="postgres",
                        help="PostgreSQL + RabbitMQ (default) or SQLite + filesystem bus")
    parser.add_argument("--database-url", default=DEFAULT_PG_ADMIN,
                        help="PostgreSQL URL whose server gets the run's fresh database")
    parser.add_argument("--broker-url", default=DEFAULT_AMQP, help="RabbitMQ URL")
    parser.add_argument("--users", type=int, default=40, help="locust users (default 40)")
    parser.add_argument("--visitors", type=int, default=10, help="weight of visitors")
    parser.add_argument("--partner-browsers", type=int, default=4,
                        help="weight of partners in the browser")
    parser.add_argument("--partner-apis", type=int, default=3,
                        help="weight of partners on the API")
    parser.add_argument("--officers", type=int, default=3, help="weight of officers")
    parser.add_argument("--think-min", type=float, default=0.25,
                        help="shortest pause of a user between two tasks, s (default 0.25)")
    parser.add_argument("--think-max", type=float, default=1.5,
                        help="longest pause, s (default 1.5)")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per s")
    parser.add_argument("--duration", type=float, default=120.0,
                        help="seconds of journeys (default 120)")
    parser.add_argument("--threads", type=int, default=4, help="threads per web process")
    parser.add_argument("--drain-timeout", type=float, default=180.0,
                        help="seconds to wait for the event backlog (default 180)")
    parser.add_argument("--no-ratios", action="store_true", help="skip the bare ratios")
    parser.add_argument("--ratio-duration", type=float, default=5.0,
                        help="seconds per ratio target and round (default 5)")
    parser.add_argument("--ratio-rounds", type=int, default=2)
    parser.add_argument("--ratio-warmup", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--client", default="auto", choices=("auto", "wrk", "python"))
    parser.add_argument("--max-background", type=float, default=15.0,
                        help="repeat a ratio run when other processes used more than this "
                             "share of the machine, in percent (default 15)")
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--quick", action="store_true",
                        help="bounded CI variant: 20 s of journeys with 12 users, 1 s per "
                             "ratio target")
    parser.add_argument("--record", action="store_true",
                        help="write the results into docs/benchmarks.md")
    parser.add_argument("--json", dest="json_path", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--delete-topology", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 20.0)
        args.users = min(args.users, 12)
        args.ratio_duration, args.ratio_rounds, args.ratio_warmup = 1.0, 1, 0.0
        args.retries = 0
        # Long enough for the sweeper's redelivery (bus_redeliver_after_seconds, 120 s).
        args.drain_timeout = min(args.drain_timeout, 180.0)
    if not 0 < args.duration <= 1800 or not 1 <= args.users <= 500:
        parser.error("--duration must be in (0, 1800] and --users in [1, 500]")
    if args.client == "auto":
        args.client = "wrk" if shutil.which("wrk") else "python"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.delete_topology:
        return _delete_topology_here()

    started = time.monotonic()

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[{time.monotonic() - started:6.1f} s] {message}", file=sys.stderr,
                  flush=True)

    info = hb.machine_info(args.client)
    result = run(args, log)
    result["date"] = dt.date.today().isoformat()
    result["machine"] = info
    problems = failures(result)
    result["problems"] = problems
    print(f"Sinergi journey load test — {info['cpu']}, Python {info['python']}")
    print(report(result, args, info["client"]))
    for line in result["error_list"][:20]:
        print(f"  error: {line}")
    print()
    print("OK: no errors, events handled, backlog drained." if not problems
          else "FAILED: " + "; ".join(problems))
    if args.json_path is not None:
        args.json_path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    if args.record:
        record(result, args, info)
        log(f"Recorded in {DOC_FILE.relative_to(PROJECT_ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
