"""Import every core model so that ``Base.metadata`` knows all core tables."""

from core.accounts.models import ApiToken, User, WebSession
from core.audit import AuditEvent
from core.events.ledger import EventDelivery, HandledEvent
from core.events.outbox import OutboxEvent
from core.orgs.models import Membership, Organisation
from core.plans.models import MasterPlan, PlanTransition, Programme
from core.regions.models import Participation, Province, Region

__all__ = [
    "ApiToken", "AuditEvent", "EventDelivery", "HandledEvent", "MasterPlan", "Membership",
    "Organisation", "OutboxEvent", "Participation", "PlanTransition", "Programme", "Province",
    "Region", "User", "WebSession",
]
