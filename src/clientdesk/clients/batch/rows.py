"""The shapes a batch of client rows goes through: a row in, a plan, an outcome out."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from clientdesk.clients.models import Client, Industry, Tag
from clientdesk.core.models import Account, Membership
from clientdesk.core.seenkeys import SeenKeys

# The columns that are plain fields of the client, written as they are.
PLAIN = (
    "name",
    "description",
    "license",
    "billing_email",
    "billing_address",
    "tax_id",
    "payment_terms",
    "currency",
)
CONTACT = ("contact_first_name", "contact_last_name", "contact_email", "contact_phone")
CREATE, UPDATE, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"


@dataclass
class Row:
    number: int  # as the person sees it in the file
    data: dict[str, Any]  # parsed values of the mapped columns only


@dataclass
class Outcome:
    action: str = UNCHANGED
    errors: list[tuple[str, str]] = field(default_factory=list)
    # Refused for now only: the row names a record a later row of the file may create (a
    # parent listed after its sub-client). The engine offers it again at the end.
    retry: bool = False


@dataclass
class Context:
    """What one import run knows across its batches (loaded once, grown as rows are written)."""

    account: Account
    membership: Membership
    actor: Any
    mode: str
    dry_run: bool
    members: dict[str, int] = field(default_factory=dict)  # email → user id
    industries: dict[str, Industry] = field(default_factory=dict)  # lower name → industry
    tags: dict[str, int] = field(default_factory=dict)  # lower name → tag id
    # Prefixes that earlier batches of a dry run would have created (they can be parents; in a
    # real run those are in the database).
    planned: SeenKeys = field(default_factory=SeenKeys)
    # In an import job (transfer.engine): the job, and its one activity entry, which stands for
    # the records the job creates (each new client keeps the job: Client.imported_by_job). The
    # writers tell subscribers of each record (audit.events.events_tell) instead of writing an
    # entry per record. `job_entry_make()` writes that entry with the first records created
    # and answers its id. job_id None: an entry per record, as the one-by-one services write.
    job_id: int | None = None
    job_entry: int | None = None
    job_entry_make: Callable[[], int] | None = None
    # Prefixes the batch being written creates while the next one is checked (the engine's
    # pipeline, create mode): they can be parents, found in the database when written.
    in_flight: frozenset[str] = frozenset()

    @classmethod
    def load(cls, *, account: Account, membership: Membership, actor, mode: str, dry_run: bool):
        ctx = cls(account=account, membership=membership, actor=actor, mode=mode, dry_run=dry_run)
        ctx.members = {
            email.lower(): user_id
            for email, user_id in Membership.objects.for_account(account).values_list(
                "user__email", "user_id"
            )
        }
        ctx.industries = {i.name.lower(): i for i in Industry.objects.for_account(account)}
        ctx.tags = {
            name.lower(): pk
            for pk, name in Tag.objects.for_account(account).values_list("pk", "name")
        }
        return ctx


@dataclass
class Plan:
    row: Row
    outcome: Outcome
    client: Client | None = None  # the existing one (updates)
    client_id: int | None = None  # the existing one's or the new one's
    label: str = ""  # as the activity log names the client
    fields: dict[str, Any] = field(default_factory=dict)  # values to set
    parent_prefix: str | None = None  # to resolve after this batch's creates
    status_from: str | None = None
    status_to: str | None = None
    status_at: datetime | None = None
    # A new client's history before status_to, oldest first, as (status, at): a former client
    # imported with its *Client since* was active from that day.
    earlier: list[tuple[str, datetime]] = field(default_factory=list)
    tags: list[str] | None = None
    contact: dict[str, str] | None = None
    invite: bool = False
    changes: dict[str, list] = field(default_factory=dict)


@dataclass(frozen=True)
class Steps:
    """What other domains check and write for the same rows, in the same transaction:
    `check(plans)` may reject rows, `write(ctx, plans, now, activities)` writes for the rows
    that carry `contact`, `after(ctx, plans)` runs for the rows to `invite`."""

    check: Callable[[list[Plan]], None] | None = None
    write: Callable[[Context, list[Plan], datetime, list], None] | None = None
    after: Callable[[Context, list[Plan]], None] | None = None


NO_STEPS = Steps()
