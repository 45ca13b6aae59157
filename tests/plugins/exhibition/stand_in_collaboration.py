"""Stand-in publisher of ``sinergi.collaboration.formed`` (see stand_ins.py)."""

from __future__ import annotations

from marshmallow import Schema, fields

from core.plugin import EventType, hookimpl

SINERGI_API_VERSION = "1"


class CollaborationFormed(Schema):
    collaboration_id = fields.Integer()
    interest_id = fields.Integer()
    need_id = fields.Integer()
    organisation_id = fields.Integer(required=True)
    region_code = fields.String(required=True)
    need_title = fields.String()
    stage = fields.String()


@hookimpl
def register_event_types() -> list[EventType]:
    return [EventType("sinergi.collaboration.formed", CollaborationFormed,
                      "Stand-in for the matchmaking plugin (tests).", owner="matchmaking")]
