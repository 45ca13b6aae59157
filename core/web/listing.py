"""Query-string helpers for list pages: safe parsing, sorting and page links."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from flask import request, url_for

PAGE_SIZES = (20, 50, 100)


def arg_text(name: str, limit: int = 100) -> str:
    return request.args.get(name, "").strip()[:limit]


def arg_choice(name: str, allowed: Iterable[Any]) -> str | None:
    value = request.args.get(name, "").strip()
    return value if value in {str(a) for a in allowed} else None


def arg_int(name: str, default: int, minimum: int = 1, maximum: int = 100_000) -> int:
    raw = request.args.get(name, "").strip()
    if not raw.isdigit() or len(raw) > 7:
        return default
    return min(max(int(raw), minimum), maximum)


def page_args() -> tuple[int, int]:
    """``(page, per_page)`` from the query string; unknown values fall back to defaults."""
    per_page = arg_int("per_page", PAGE_SIZES[0])
    if per_page not in PAGE_SIZES:
        per_page = PAGE_SIZES[0]
    return arg_int("page", 1), per_page


def sort_arg(allowed: Iterable[str], default: str) -> tuple[str, str, bool]:
    """``(raw, key, descending)``: ``?sort=-population`` → ``("-population", "population",
    True)``. Unknown keys fall back to ``default``."""
    raw = request.args.get("sort", "").strip()
    if raw.lstrip("-") not in set(allowed):
        raw = default
    return raw, raw.lstrip("-"), raw.startswith("-")


def url_with(**changes: Any) -> str:
    """The current page's URL with some query parameters changed (None removes one).

    ``lang`` is never carried over: the choice already lives in a cookie.
    """
    args = {k: v for k, v in request.args.items() if k != "lang"}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint or "web.index", **(request.view_args or {}), **args)


def lang_url(code: str) -> str:
    """The current page in another language (keeps the path and the other parameters).

    A page answered to a POST links to the same address when it also answers GET, else home.
    """
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = code
    rule = request.url_rule
    path = request.path
    if rule is not None and "GET" not in (rule.methods or ()):
        path = url_for("web.index")
    return f"{path}?{urlencode(args)}"
