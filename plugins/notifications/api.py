"""The notification centre's API: list, mark read, preferences."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from core.plugin import (
    PageArgs,
    db_session,
    page_body,
    page_options,
    page_schema,
    require_principal,
)
from plugins.notifications import services
from plugins.notifications.models import EMAIL_MODES, KINDS

blp = Blueprint("notifications_api", __name__, description="In-app notifications")


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    event_type = fields.String()
    title = fields.String()
    body = fields.String()
    link = fields.String()
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


NotificationPage = page_schema(NotificationSchema, "NotificationPage")


class NotificationArgs(PageArgs):
    unread = fields.Boolean(load_default=False)


class PreferencesSchema(Schema):
    kinds = fields.List(fields.String(validate=validate.OneOf(KINDS)), required=True)
    email_mode = fields.String(required=True, validate=validate.OneOf(EMAIL_MODES))


@blp.route("/notifications")
class Notifications(MethodView):
    @blp.arguments(NotificationArgs(), location="query")
    @blp.response(200, NotificationPage)
    def get(self, args: dict[str, Any]):
        """Your notifications, newest first (``unread=true`` for unread ones only)."""
        opts = page_options(args, "-created")
        return page_body(services.list_notifications(
            db_session(), require_principal(), unread=args["unread"], page=opts["page"],
            per_page=opts["per_page"]))


@blp.route("/notifications/<int:notification_id>/read")
class NotificationRead(MethodView):
    @blp.response(200, NotificationSchema)
    def post(self, notification_id: int):
        """Mark one of your notifications read."""
        db = db_session()
        item = services.mark_read(db, require_principal(), notification_id)
        db.commit()
        return item


@blp.route("/notifications/read-all")
class NotificationsReadAll(MethodView):
    @blp.response(200, Schema.from_dict({"marked": fields.Integer()}))
    def post(self):
        """Mark all your notifications read."""
        db = db_session()
        marked = services.mark_all_read(db, require_principal())
        db.commit()
        return {"marked": marked}


@blp.route("/notifications/preferences")
class NotificationPreferences(MethodView):
    @blp.response(200, PreferencesSchema)
    def get(self):
        """Which kinds you receive and how e-mail arrives (immediate, daily, off)."""
        return services.get_preferences(db_session(), require_principal())

    @blp.arguments(PreferencesSchema)
    @blp.response(200, PreferencesSchema)
    def put(self, data: dict[str, Any]):
        """Replace your preferences."""
        db = db_session()
        prefs = services.set_preferences(db, require_principal(), data["kinds"],
                                         data["email_mode"])
        db.commit()
        return prefs
