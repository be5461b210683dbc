"""The client's shapes in the API (DESIGN §7)."""

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from clientdesk.clients.models import PREFIX_VALIDATOR
from clientdesk.core.api_schemas import (
    MAX_ID,
    NOT_BLANK,
    PATTERN_MESSAGES,
    ErrorOut,
    Strict,
    When,
)

NewStatus = Literal["lead", "prospect", "invited", "waiting", "active"]
AnyStatus = Literal[
    "lead", "prospect", "invited", "waiting", "active", "at_risk", "offboarding", "inactive"
]
NewEngagement = Literal["silent", "engaged"]
PREFIX = r"^[A-Za-z0-9]{2,10}$"  # stored in capitals
PREFIX_HELP = "2–10 letters A–Z and digits (stored in capitals), unique in the account."
CURRENCY = r"^(?:[A-Z]{3})?$"
PATTERN_MESSAGES[PREFIX] = PREFIX_VALIDATOR.message
PATTERN_MESSAGES[CURRENCY] = _("Use a three-letter ISO 4217 code.")


class BillingIn(Strict):
    email: str = Field("", max_length=254)
    address: str = ""
    tax_id: str = Field("", max_length=40)
    payment_terms: str = Field("", max_length=40)
    currency: str = Field(
        "", pattern=CURRENCY, description="ISO 4217 code; empty: the account's currency."
    )


class ContactIn(Strict):
    first_name: str = Field(..., max_length=80, pattern=NOT_BLANK)
    last_name: str = Field("", max_length=80)
    email: str = Field(
        "", max_length=254, description="Checked like every contact's (the contacts rules)."
    )
    phone: str = Field("", max_length=40)


class ClientCreateIn(Strict):
    prefix: str = Field(..., pattern=PREFIX, description=PREFIX_HELP)
    name: str = Field(..., max_length=200, pattern=NOT_BLANK)
    description: str = ""
    status: NewStatus = "active"
    status_since: When | None = Field(
        None,
        description="A past time for the first status (history from another system); "
        "managers and above. A time without a zone is read in the account's time zone.",
    )
    engagement: NewEngagement = Field(
        "silent",
        description="engaged requires primary_contact.email: the portal invitation goes there "
        "at once, and the client answers as access_sent until someone accepts (then engaged). "
        "Needs the right to invite (managers and above).",
    )
    industry: int | str | None = Field(None, description="The industry's id or name.")
    parent_id: int | None = Field(None, ge=1, le=MAX_ID)
    manager_email: str | None = Field(None, description="A member of the account's team.")
    license: str = Field("", max_length=100)
    billing: BillingIn | None = None
    tags: list[str] = Field([], description="Tag names; unknown ones are created.")
    primary_contact: ContactIn | None = Field(
        None,
        description="Stored as the client's primary contact, in the same transaction. An "
        "engaged client needs its email (the invitation goes there).",
    )


class SlaIn(Strict):
    kind: Literal["request", "job"] = Field(description="request also covers incidents.")
    priority: Literal["low", "normal", "high", "urgent"]
    response_minutes: int = Field(..., ge=1, le=60 * 24 * 365)
    resolution_minutes: int = Field(..., ge=1, le=60 * 24 * 365)


class ClientPatchIn(Strict):
    """Only the fields given change; `version` is the one you read."""

    version: int = Field(..., ge=1)
    prefix: str = Field(None, pattern=PREFIX, description=PREFIX_HELP)  # type: ignore[assignment]
    name: str = Field(None, max_length=200, pattern=NOT_BLANK)  # type: ignore[assignment]
    description: str = None  # type: ignore[assignment]
    industry: int | str | None = Field(None, description="The industry's id or name; null clears.")
    parent_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="null makes it a top-level client."
    )
    manager_email: str | None = Field(None, description="null clears the manager.")
    license: str = Field(None, max_length=100)  # type: ignore[assignment]
    email_domains: list[str] = Field(  # type: ignore[assignment]
        None,
        max_length=20,
        description="The full list of domains whose senders' mail opens requests for this "
        "client (inbound email); a domain belongs to one client.",
    )
    billing: BillingIn = Field(None, description="Only the keys given change.")  # type: ignore[assignment]
    tags: list[str] = Field(None, description="The full list of tag names.")  # type: ignore[assignment]
    sla: list[SlaIn] = Field(  # type: ignore[assignment]
        None,
        description="SLA times to set, each for one kind and priority; the others keep theirs. "
        "Technicians and above.",
    )
    archived: bool = Field(  # type: ignore[assignment]
        None,
        description="true archives the client (it leaves every list and metric but the "
        "archived filter); false takes it out of the archive.",
    )


class StatusIn(Strict):
    status: AnyStatus
    reason: str = Field("", max_length=500)
    at: When | None = Field(
        None,
        description="When it happened (default now); a past time is for managers and above, "
        "never in the future nor before the previous change.",
    )


class BillingOut(Schema):
    email: str
    address: str
    tax_id: str
    payment_terms: str
    currency: str


class SlaOut(Schema):
    kind: Literal["request", "job"]
    priority: str
    response_minutes: int
    resolution_minutes: int


class DeviceTypesOut(Schema):
    standard: int
    advanced: int
    passive: int


class CountsOut(Schema):
    """null: nothing counts it yet."""

    devices: int | None
    devices_with_subclients: int | None
    device_types: DeviceTypesOut | None
    device_types_with_subclients: DeviceTypesOut | None
    contacts: int | None
    contacts_with_subclients: int | None
    contacts_in_agreement: int | None
    contacts_out_of_agreement: int | None


COUNTS = tuple(CountsOut.model_fields)


class OpportunityOut(Schema):
    missing_apps: list[str]
    problematic_apps: list[str]
    project: str | None = Field(
        description="One-off: the project value of the missing and problematic apps, in the "
        "account's currency, as a decimal string; null without money.read."
    )
    revenue: str | None = Field(
        description="A year: the monthly price per user of the missing apps × contacts × 12, "
        "in the account's currency, as a decimal string; null without money.read."
    )


class ClientOut(Schema):
    id: int
    prefix: str
    name: str
    description: str
    status: AnyStatus
    engagement: str
    industry: str | None
    parent_id: int | None
    manager_email: str | None
    license: str
    email_domains: list[str]
    billing: BillingOut | None = Field(description="null for roles that may not see money.")
    sla: list[SlaOut] = Field(
        description="First-response and resolution times per kind and priority: the client's "
        "own, or the account's defaults."
    )
    tags: list[str]
    created_at: datetime
    activated_at: datetime | None
    archived: bool
    version: int
    counts: CountsOut = Field(description="Counts a domain keeps; null where none does yet.")
    opportunity: OpportunityOut = Field(
        description="What the client's app stack leaves open (DESIGN §4)."
    )


class ClientPage(Schema):
    items: list[ClientOut]
    next: str | None


class ConflictOut(ErrorOut):
    current: ClientOut | None = None


class HistoryItemOut(Schema):
    from_status: AnyStatus | None
    to_status: AnyStatus
    at: datetime
    by: str | None = Field(description="The email of who made the change; null for the system.")
    reason: str


class HistoryOut(Schema):
    items: list[HistoryItemOut]
