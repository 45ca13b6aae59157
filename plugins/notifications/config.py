"""The ``[plugins.notifications]`` configuration section."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class NotificationsConfig(Schema):
    #: Empty: write each mail as an .eml file into ``mail_folder`` (development default).
    smtp_host = fields.String(load_default="")
    smtp_port = fields.Integer(load_default=25, validate=validate.Range(min=1, max=65535))
    smtp_from = fields.String(load_default="Sinergi <noreply@sinergi.local>")
    smtp_starttls = fields.Boolean(load_default=False)
    smtp_username = fields.String(load_default="")
    smtp_password = fields.String(load_default="")
    smtp_timeout_seconds = fields.Float(load_default=10.0)
    #: Folder for .eml files when no SMTP host is set; relative to the instance folder.
    mail_folder = fields.String(load_default="mail")
    #: A match must score at least this (0–1) for the partner to hear of the need.
    match_threshold = fields.Float(load_default=0.55, validate=validate.Range(min=0, max=1))
    #: Links in mails start with this.
    base_url = fields.String(load_default="http://127.0.0.1:5000")
