"""``sinergi webhooks prune``: keep the delivery log to its retention."""

from __future__ import annotations

import click

from core.plugin import db_session, plugin_config
from plugins.webhooks.services import prune_delivery_log


def register(cli: click.Group) -> None:
    """Add the ``webhooks`` command group (its commands run in the app context)."""

    @cli.group("webhooks")
    def webhooks() -> None:
        """Webhooks: outgoing event deliveries."""

    @webhooks.command("prune")
    @click.option("--days", type=click.IntRange(min=1), default=None,
                  help="Keep finished deliveries of this many days (default: "
                       "delivery_log_retention_days).")
    def prune_command(days: int | None) -> None:
        """Delete finished deliveries and their attempts older than the retention (run
        daily, e.g. from cron); pending and retrying deliveries stay."""
        keep = days or int(plugin_config("webhooks")["delivery_log_retention_days"])
        session = db_session()
        deliveries, events = prune_delivery_log(session, keep)
        session.commit()
        click.echo(f"{deliveries} deliveries and {events} event copies older than {keep} days "
                   "deleted")
