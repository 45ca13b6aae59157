"""The baseline for the HTTP benchmark: a bare Flask app with one small JSON endpoint.

Served by gunicorn with the same settings as Sinergi, it measures what the server, WSGI and
Flask cost on this machine, so that an endpoint's cost can be given as "× the bare cost".
"""

from __future__ import annotations

from typing import Any

from flask import Flask

app = Flask(__name__)


@app.get("/json")
def json_endpoint() -> dict[str, Any]:
    """A small JSON document, comparable in spirit to TechEmpower's JSON test."""
    return {"message": "Hello, World!"}
