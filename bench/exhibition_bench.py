#!/usr/bin/env python3
"""Exhibition benchmark: the national hall and a region booth next to a bare Flask app.

Same method as ``bench/http_bench.py`` (whose machinery it reuses): a fresh SQLite database
with the demo data, Sinergi and the bare app of ``bench/bare_app.py`` under gunicorn with the
same settings, each target loaded in turn with ``wrk`` (or the Python client), and each page's
cost given as "× the bare cost" (server CPU time per request ÷ the bare app's). Targets:

- ``GET /pameran`` — the national hall (HTML, anonymous);
- ``GET /pameran/32.73`` — Kota Bandung's booth (HTML, anonymous);
- the same two with ``If-None-Match``: a browser revalidating its copy (304);
- the same two with a cookie: a full rendering, bypassing the page cache.

    .venv/bin/python bench/exhibition_bench.py            # full run
    .venv/bin/python bench/exhibition_bench.py --quick    # a few seconds
    .venv/bin/python bench/exhibition_bench.py --record   # and update docs/benchmarks.md
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import http_bench as hb  # noqa: E402

SECTION_BEGIN = "<!-- exhibition-bench:begin (written by bench/exhibition_bench.py --record) -->"
SECTION_END = "<!-- exhibition-bench:end -->"
BOOTH = "32.73"


def etag_of(server: hb.Server, path: str) -> str:
    conn = http.client.HTTPConnection(hb.HOST, server.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        tag = response.getheader("ETag")
        if not tag:
            raise RuntimeError(f"GET {path} sent no ETag")
        return tag
    finally:
        conn.close()


def with_header(name: str, value: str):
    """A wrk load that sends one extra header with every request: ``If-None-Match`` (a
    browser revalidating its copy; wrk counts only statuses above 399 as errors) or a
    ``Cookie`` (a visitor with cookies is never served from the page cache: a full render)."""

    def load(url: str, *, seconds: float, connections: int, max_requests: int) -> hb.Measurement:
        original = hb.WRK_SCRIPT
        hb.WRK_SCRIPT = original.replace(
            "local count = 0", f"local count = 0\nwrk.headers[\"{name}\"] = '{value}'")
        try:
            return hb.run_wrk(url, seconds=seconds, connections=connections,
                              max_requests=max_requests)
        finally:
            hb.WRK_SCRIPT = original

    return load


def record(results: list[hb.TargetResult], args, info: dict[str, str]) -> None:
    section = "\n".join([
        SECTION_BEGIN,
        "## Exhibition",
        "",
        f"Measured on {dt.date.today().isoformat()} with `bench/exhibition_bench.py"
        f"{' --quick' if args.quick else ''}`.",
        "",
        f"- Machine: {info['cpu']}, {info['os']}; Python {info['python']}, "
        f"SQLite {info['sqlite']}.",
        f"- Setup: {hb.settings_text(args, info)}.",
        "- Data: a fresh SQLite database with the demo data of `sinergi demo` (241 participating "
        "regions, the exhibition's demo booths and three evaluation cycles); pages requested "
        "anonymously, in Indonesian. Plain rows: a visitor without cookies, served from the "
        "page cache keyed by the exhibition's revision; \"304\" rows send the page's ETag "
        "back (`If-None-Match`); \"full render\" rows send a cookie, which bypasses the "
        "cache (what every request would cost without it, and what logged-in users pay).",
        "- \"× the bare cost\": server CPU time per request ÷ the bare Flask app's "
        "(`bench/bare_app.py`), measured in the same run.",
        "",
        hb.table(results),
        SECTION_END,
    ])
    text = hb.DOC_FILE.read_text(encoding="utf-8") if hb.DOC_FILE.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(SECTION_BEGIN) + r".*?" + re.escape(SECTION_END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    hb.DOC_FILE.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = hb.parse_args(argv)
    hb.TARGETS.clear()
    hb.TARGETS.update({"hall": 5.0, "booth": 5.0, "hall-304": 3.5, "booth-304": 3.5,
                       "hall-render": 60.0, "booth-render": 30.0})

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    plain = hb.run_wrk if args.client == "wrk" else hb.run_python_client
    info = hb.machine_info(args.client)
    with hb.servers(args, log) as (app, bare, _workdir):
        hall_tag = etag_of(app, "/pameran")
        booth_tag = etag_of(app, f"/pameran/{BOOTH}")
        targets = [
            (hb.TargetResult("bare-json", "/json"), bare, plain),
            (hb.TargetResult("hall", "/pameran"), app, plain),
            (hb.TargetResult("booth", f"/pameran/{BOOTH}"), app, plain),
        ]
        if args.client == "wrk":  # the Python client counts a 304 as an error
            targets += [
                (hb.TargetResult("hall-304", "/pameran"), app,
                 with_header("If-None-Match", hall_tag)),
                (hb.TargetResult("booth-304", f"/pameran/{BOOTH}"), app,
                 with_header("If-None-Match", booth_tag)),
                (hb.TargetResult("hall-render", "/pameran"), app,
                 with_header("Cookie", "bench=1")),
                (hb.TargetResult("booth-render", f"/pameran/{BOOTH}"), app,
                 with_header("Cookie", "bench=1")),
            ]
        for result, server, load in targets:
            if args.warmup > 0:
                log(f"  warm-up {result.name}")
                load(server.url(result.path), seconds=args.warmup,
                     connections=args.connections, max_requests=args.max_requests)
        for round_no in range(1, args.rounds + 1):
            for result, server, load in targets:
                log(f"  round {round_no}/{args.rounds}: {result.name}")
                attempts = []
                for _attempt in range(1 + args.retries):
                    attempts.append(hb.measure(server, server.url(result.path), load, args))
                    if attempts[-1].background_pct <= args.max_background:
                        break
                result.rounds.append(min(attempts, key=lambda m: m.background_pct))
    results = [result for result, _s, _l in targets]
    bare_result = results[0]
    for result in results[1:]:
        result.ratio = (result.cpu_us / bare_result.cpu_us if bare_result.cpu_us > 0
                        else float("inf"))
        result.throughput_ratio = bare_result.rps / result.rps if result.rps else float("inf")
        if result.name.endswith("-304"):
            result.path = f"{result.path} (304)"
        elif result.name.endswith("-render"):
            result.path = f"{result.path} (full render)"
    print(f"Sinergi exhibition benchmark — {info['cpu']}, Python {info['python']}")
    print(hb.settings_text(args, info))
    print()
    print(hb.table(results))
    if args.record:
        record(results, args, info)
        log(f"Recorded in {hb.DOC_FILE.relative_to(hb.PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
