"""Writes on the account's ticket settings: the SLA clock's hours (or 24×7), its holidays, and
the pipeline's names (Settings › Tickets)."""

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clientdesk.audit.events import event_record
from clientdesk.tickets.events import CLIENT_SLA_CHANGED, TICKET_SETTINGS_UPDATED
from clientdesk.tickets.models import Holiday, Status
from clientdesk.tickets.sla import hours_as_json, settings_of

WeekHours = dict[int, list[tuple[time, time]]]


@transaction.atomic
def ticket_settings_update(
    *, account, actor, always_open: bool, hours: WeekHours, status_labels: dict[str, str]
) -> None:
    """Save the clock and the pipeline's names. A day's hours end after they start; an
    account that is not 24×7 opens on at least one day. Tickets already open keep their due
    times (they are set at creation and after a priority change)."""
    errors = {}
    for day, spans in hours.items():
        for start, end in spans:
            if end != time(0) and end <= start:
                errors[f"day_{day}_end"] = [_("The day must end after it starts.")]
    if not always_open and not any(hours.values()):
        errors["always_open"] = [_("Open on at least one day, or choose 24×7.")]
    names = {}
    for key, label in status_labels.items():
        if key not in Status.values:
            raise ValueError(f"unknown status {key!r}")
        label = (label or "").strip()
        if len(label) > 40:
            errors[f"label_{key}"] = [_("At most 40 characters.")]
        if label and label != Status(key).label:
            names[key] = label
    shown = [names.get(k) or str(Status(k).label) for k in Status.values]
    if len({n.casefold() for n in shown}) != len(shown):
        errors["__all__"] = [_("Two steps of the pipeline cannot have the same name.")]
    if errors:
        raise ValidationError(errors)
    found = settings_of(account)
    found.always_open = always_open
    found.hours = hours_as_json(hours)
    found.status_labels = names
    found.save()
    event_record(account=account, actor=actor, verb=TICKET_SETTINGS_UPDATED, target=account)


@transaction.atomic
def holiday_add(*, account, actor, day: date, name: str = "") -> Holiday:
    try:
        with transaction.atomic():
            holiday = Holiday.objects.create(account=account, day=day, name=name.strip()[:80])
    except IntegrityError:
        raise ValidationError({"day": _("%(day)s is already a holiday.") % {"day": day}}) from None
    event_record(account=account, actor=actor, verb=TICKET_SETTINGS_UPDATED, target=account)
    return holiday


@transaction.atomic
def holiday_remove(*, holiday: Holiday, actor) -> None:
    account = holiday.account
    holiday.delete()
    event_record(account=account, actor=actor, verb=TICKET_SETTINGS_UPDATED, target=account)


@transaction.atomic
def client_sla_set(*, client, actor, rows: list[dict]) -> None:
    """Set some of a client's SLA times, each {kind, priority, response_minutes,
    resolution_minutes}; the rest keep theirs. Open tickets keep their due times."""
    from clientdesk.core.models import PRIORITIES
    from clientdesk.tickets.models import ClientSla, SlaKind

    errors = {}
    for row in rows:
        if row["kind"] not in SlaKind.values or row["priority"] not in PRIORITIES:
            errors["sla"] = [_("Unknown kind or priority.")]
        elif not 0 < row["response_minutes"] <= row["resolution_minutes"]:
            errors["sla"] = [
                _("The first response must come before the resolution (%(kind)s, %(p)s).")
                % {"kind": row["kind"], "p": row["priority"]}
            ]
    if errors:
        raise ValidationError(errors)
    for row in rows:
        ClientSla.objects.for_client(client).update_or_create(
            account_id=client.account_id,
            client=client,
            kind=row["kind"],
            priority=row["priority"],
            defaults={
                "response_minutes": row["response_minutes"],
                "resolution_minutes": row["resolution_minutes"],
            },
        )
    event_record(
        account=client.account,
        actor=actor,
        verb=CLIENT_SLA_CHANGED,
        target=client,
    )


def api_sla_write(membership, client, rows) -> None:
    client_sla_set(client=client, actor=membership, rows=[row.model_dump() for row in rows])
