"""Which webhooks may receive which events.

A webhook belongs to an organisation, and an event is sent to it only when that organisation
may see the event's content:

- ``sinergi.webhook.delivery_requested`` (the sender's own work item) is never sent;
- ``sinergi.webhook.ping`` goes only to the webhook it tests, whatever its patterns;
- other ``sinergi.webhook.*`` events go only to webhooks of the organisation concerned;
- master plan events (``sinergi.plan.*``) go to everyone once the plan is approved (approved
  plans are public); before that only to the government organisation of the plan's region
  (drafts and plans under review are not public);
- types matching ``withheld_event_types`` in the configuration go to nobody;
- every other event (organisations, regions, other plugins' events) goes to every webhook
  whose patterns match.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from plugins.webhooks.events import DELIVERY_REQUESTED, PING
from plugins.webhooks.patterns import matches_any


def never_sent(event_type: str, withheld: Iterable[str]) -> bool:
    """Event types no webhook receives."""
    return event_type == DELIVERY_REQUESTED or matches_any(withheld, event_type)


def needs_region(event_type: str, data: dict[str, Any]) -> bool:
    """Whether deciding needs the organisations' regions (a plan that is not public)."""
    return event_type.startswith("sinergi.plan.") and data.get("status") != "approved"


def may_receive(
    event_type: str,
    data: dict[str, Any],
    *,
    webhook_id: int,
    organisation_id: int,
    patterns: Iterable[str],
    organisation_region: str | None,
) -> bool:
    """Whether this webhook (of this organisation) gets this event."""
    if event_type == PING:
        return data.get("webhook_id") == webhook_id
    if not matches_any(patterns, event_type):
        return False
    if event_type.startswith("sinergi.webhook."):
        return data.get("organisation_id") == organisation_id
    if needs_region(event_type, data):
        return organisation_region is not None and data.get("region_code") == organisation_region
    return True
