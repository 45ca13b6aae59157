"""Sending mail: SMTP when configured, else .eml files in a folder (development default)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any


def build(config: dict[str, Any], to: str, subject: str, body: str, key: str) -> EmailMessage:
    """A plain-text mail; ``key`` makes the Message-ID stable, so a resent mail is the same."""
    message = EmailMessage()
    message["From"] = config["smtp_from"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=key.replace("@", "."), domain="sinergi.local")
    message.set_content(body)
    return message


def send(config: dict[str, Any], instance_path: str, message: EmailMessage) -> None:
    """Deliver one message; raises on failure (the handler is then retried)."""
    if not config["smtp_host"]:
        folder = Path(config["mail_folder"])
        if not folder.is_absolute():
            folder = Path(instance_path) / folder
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_")
        (folder / f"{name}.eml").write_bytes(bytes(message))
        return
    with smtplib.SMTP(config["smtp_host"], config["smtp_port"],
                      timeout=config["smtp_timeout_seconds"]) as smtp:
        if config["smtp_starttls"]:
            smtp.starttls()
        if config["smtp_username"]:
            smtp.login(config["smtp_username"], config["smtp_password"])
        smtp.send_message(message)
