"""The evaluation plugin: yearly evaluation cycles of the regions' smart city master plans —
self-assessment, assessors with conflict-of-interest checks and blind scoring, reconciliation,
citizen impact surveys, external indicators, indices, ranking, awards and exports.

Each hook below points at the module that does the work.
"""

from __future__ import annotations

from pathlib import Path

SINERGI_API_VERSION = "1"

from core.plugin import hookimpl  # noqa: E402

HERE = Path(__file__).parent


@hookimpl
def register_blueprints():
    from plugins.evaluation.api import blp
    from plugins.evaluation.pages import pages

    return [pages, blp]


@hookimpl
def register_migrations():
    return str(HERE / "migrations" / "versions")


@hookimpl
def register_event_types():
    from plugins.evaluation.events import event_types

    return event_types()


@hookimpl
def config_schema():
    from plugins.evaluation.config import EvaluationConfig

    return EvaluationConfig


@hookimpl
def register_commands(cli):
    from plugins.evaluation.commands import register

    register(cli)


@hookimpl
def startup(app):
    from plugins.evaluation.commands import APP

    APP["app"] = app


@hookimpl
def nav_items(principal):
    from plugins.evaluation.pages import nav

    return nav(principal)


@hookimpl
def page_slot(slot, context):
    from plugins.evaluation.pages import slot as render_slot

    return render_slot(slot, context)


@hookimpl
def load_demo_data(session, context):
    from plugins.evaluation.demo import load

    load(session, context)
