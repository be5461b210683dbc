"""Every write of the application catalog and of the clients' app stacks (DESIGN §4).

Each is one transaction: it checks its values, writes, records activity and recomputes the
opportunities it changes (`software.opportunity`): a stack change the client and its family, a
catalog change every client of the account.
"""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from clientdesk.audit.events import diff_fields, event_record
from clientdesk.clients.models import Client, Industry
from clientdesk.software.events import (
    APPLICATION_CREATED,
    APPLICATION_DELETED,
    APPLICATION_UPDATED,
    CLIENT_APP_ADDED,
    CLIENT_APP_REMOVED,
    CLIENT_APP_UPDATED,
)
from clientdesk.software.models import Application, Category, ClientApp
from clientdesk.software.opportunity import catalog_changed, opportunities_recompute

EDITABLE = ("name", "category", "vendor", "project_value", "monthly_price_per_user", "baseline")
MAX_MONEY = Decimal("999999999999.99")
CENT = Decimal("0.01")
NOTE_MAX = 500

# The catalog a new account starts with: (name, category, vendor, project value, monthly
# price per user, baseline, baseline industries by name (empty: every industry)).
STARTER_CATALOG: tuple[tuple[str, str, str, str, str, bool, tuple[str, ...]], ...] = (
    ("Microsoft 365", "productivity", "Microsoft", "1500.00", "12.50", True, ()),
    ("Cloud backup", "backup", "Acronis", "800.00", "4.00", True, ()),
    ("Endpoint protection", "security", "SentinelOne", "600.00", "5.00", True, ()),
    ("Password manager", "security", "Bitwarden", "300.00", "3.00", True, ()),
    ("Email security", "email", "Proofpoint", "400.00", "2.50", True, ()),
    ("Security awareness training", "security", "KnowBe4", "500.00", "1.50", False, ()),
    ("Teams telephony", "communication", "Microsoft", "1200.00", "8.00", False, ()),
    ("Practice management", "line_of_business", "Clio", "2500.00", "39.00", True, ("Legal",)),
    (
        "Patient records (EHR)",
        "line_of_business",
        "Epic",
        "5000.00",
        "45.00",
        True,
        ("Healthcare",),
    ),
    ("Point of sale", "line_of_business", "Lightspeed", "1800.00", "25.00", True, ("Retail",)),
    ("Accounting", "line_of_business", "Xero", "900.00", "15.00", False, ()),
)


def _money(value: Any, field: str, errors: dict) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        errors[field] = _("Give an amount, such as 1200.00.")
        return Decimal("0")
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        errors[field] = _("Give an amount from 0 to 999999999999.99.")
        return Decimal("0")
    return amount.quantize(CENT)


def _clean(app: Application) -> None:
    errors: dict[str, str] = {}
    app.name = (app.name or "").strip()
    app.vendor = (app.vendor or "").strip()
    if not app.name:
        errors["name"] = _("Give the application a name.")
    elif len(app.name) > 120:
        errors["name"] = _("The name is 120 characters at most.")
    if len(app.vendor) > 120:
        errors["vendor"] = _("The vendor is 120 characters at most.")
    if app.category not in Category.values:
        errors["category"] = _("Choose one of the categories: %(values)s.") % {
            "values": ", ".join(Category.values)
        }
    app.project_value = _money(app.project_value, "project_value", errors)
    app.monthly_price_per_user = _money(
        app.monthly_price_per_user, "monthly_price_per_user", errors
    )
    if (
        app.name
        and Application.objects.for_account(app.account_id)
        .filter(name__iexact=app.name)
        .exclude(pk=app.pk)
        .exists()
    ):
        errors["name"] = _("The catalog already has an application with this name.")
    if errors:
        raise ValidationError(errors)


def _industries(account, industries: Iterable | None) -> list[Industry]:
    """The account's industries, given as objects, ids or names."""
    found = []
    for value in industries or []:
        if isinstance(value, Industry):
            if value.account_id != account.pk:
                raise ValidationError({"baseline_industries": _("No such industry.")})
            found.append(value)
            continue
        rows = Industry.objects.for_account(account)
        text = str(value).strip()
        one = rows.filter(pk=int(text)) if text.isdigit() else rows.filter(name__iexact=text)
        industry = one.first()
        if industry is None:
            raise ValidationError(
                {
                    "baseline_industries": _("No industry %(value)s in this account.")
                    % {"value": value}
                }
            )
        found.append(industry)
    return sorted(set(found), key=lambda i: i.name.lower())


def _names(industries: list[Industry]) -> str:
    return ", ".join(i.name for i in industries)


@transaction.atomic
def application_create(
    *,
    account,
    actor,
    name: str,
    category: str = Category.OTHER,
    vendor: str = "",
    project_value: Any = 0,
    monthly_price_per_user: Any = 0,
    baseline: bool = False,
    baseline_industries: Iterable | None = None,
    recompute: bool = True,  # False: the caller recomputes once for many (an import batch)
) -> Application:
    app = Application(
        account=account,
        name=name,
        category=category,
        vendor=vendor,
        project_value=project_value,
        monthly_price_per_user=monthly_price_per_user,
        baseline=bool(baseline),
    )
    _clean(app)
    industries = _industries(account, baseline_industries)
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("The catalog already has an application with this name.")}
        ) from None
    app.baseline_industries.set(industries)
    event_record(
        account=account,
        actor=actor,
        verb=APPLICATION_CREATED,
        target=app,
        changes={"category": [None, app.category]},
    )
    if recompute and app.baseline:
        catalog_changed(account.pk)
    return app


@transaction.atomic
def application_update(
    *,
    application: Application,
    actor,
    version: int | None = None,
    baseline_industries: Iterable | str | None = "unchanged",
    recompute: bool = True,  # False: the caller recomputes once for many (an import batch)
    **fields,
) -> Application:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not application fields: {sorted(unknown)}")
    app = (
        Application.objects.for_account(application.account_id)
        .select_for_update()
        .get(pk=application.pk)
    )
    if version is not None and app.version != version:
        raise ValidationError({"version": _("Someone changed this application since you read it.")})
    before = {name: getattr(app, name) for name in fields}
    old_industries = list(app.baseline_industries.order_by(Lower("name")))
    for name, value in fields.items():
        setattr(app, name, bool(value) if name == "baseline" else value)
    _clean(app)
    after = {name: getattr(app, name) for name in fields}
    changes = diff_fields(
        {k: str(v) if isinstance(v, Decimal) else v for k, v in before.items()},
        {k: str(v) if isinstance(v, Decimal) else v for k, v in after.items()},
    )
    if baseline_industries != "unchanged":
        industries = _industries(app.account, baseline_industries)
        if {i.pk for i in industries} != {i.pk for i in old_industries}:
            app.baseline_industries.set(industries)
            changes["baseline_industries"] = [_names(old_industries), _names(industries)]
    if not changes:
        return app
    app.version += 1
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("The catalog already has an application with this name.")}
        ) from None
    event_record(
        account=app.account, actor=actor, verb=APPLICATION_UPDATED, target=app, changes=changes
    )
    if recompute and {
        "project_value",
        "monthly_price_per_user",
        "baseline",
        "baseline_industries",
    } & set(changes):
        catalog_changed(app.account_id)
    return app


@transaction.atomic
def application_delete(*, application: Application, actor) -> None:
    """Out of the catalog and out of every client's stack."""
    app = Application.objects.for_account(application.account_id).get(pk=application.pk)
    event_record(account=app.account, actor=actor, verb=APPLICATION_DELETED, target=app)
    ClientApp.objects.for_account(app.account_id).filter(application=app).delete()
    app.delete()
    catalog_changed(application.account_id)


@transaction.atomic
def catalog_seed(*, account, actor=None) -> int:
    """The starter catalog, for a new account (apps it already has by name are kept)."""
    have = {
        n.lower() for n in Application.objects.for_account(account).values_list("name", flat=True)
    }
    made = 0
    for name, category, vendor, project, monthly, baseline, industries in STARTER_CATALOG:
        if name.lower() in have:
            continue
        known = list(Industry.objects.for_account(account).filter(name__in=industries))
        if industries and not known:
            continue
        app = Application.objects.create(
            account=account,
            name=name,
            category=category,
            vendor=vendor,
            project_value=Decimal(project),
            monthly_price_per_user=Decimal(monthly),
            baseline=baseline,
        )
        app.baseline_industries.set(known)
        made += 1
    if made and Client.objects.for_account(account).exists():
        catalog_changed(account.pk)
    return made


# The client's stack ---------------------------------------------------------------------------


def _note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("The note is 500 characters at most.")})
    return note


def _locked(client: Client) -> Client:
    """The client row, locked: stack writes of one client wait for each other."""
    return Client.objects.for_account(client.account_id).select_for_update().get(pk=client.pk)


@transaction.atomic
def client_app_add(
    *, client: Client, actor, application: Application, problematic: bool = False, note: str = ""
) -> ClientApp:
    if application.account_id != client.account_id:
        raise ValidationError({"application_id": _("No such application in the catalog.")})
    _locked(client)
    note = _note(note)
    if ClientApp.objects.for_client(client).filter(application=application).exists():
        raise ValidationError(
            {
                "application_id": _("%(app)s is already in this client's apps.")
                % {"app": application}
            }
        )
    row = ClientApp.objects.create(
        account_id=client.account_id,
        client=client,
        application=application,
        problematic=bool(problematic),
        note=note,
    )
    event_record(
        account=client.account,
        actor=actor,
        verb=CLIENT_APP_ADDED,
        target=client,
        changes={
            "application": [None, application.name],
            "problematic": [None, bool(problematic)],
        },
    )
    opportunities_recompute(client.account_id, [client.pk])
    return row


@transaction.atomic
def client_app_update(
    *, row: ClientApp, actor, problematic: bool | None = None, note: str | None = None
) -> ClientApp:
    _locked(row.client)
    row = (
        ClientApp.objects.for_account(row.account_id)
        .select_related("application", "client")
        .get(pk=row.pk)
    )
    before = {"problematic": row.problematic, "note": row.note}
    if problematic is not None:
        row.problematic = bool(problematic)
    if note is not None:
        row.note = _note(note)
    changes = diff_fields(before, {"problematic": row.problematic, "note": row.note})
    if not changes:
        return row
    row.save(update_fields=["problematic", "note"])
    event_record(
        account=row.client.account,
        actor=actor,
        verb=CLIENT_APP_UPDATED,
        target=row.client,
        changes={"application": [row.application.name, row.application.name], **changes},
    )
    if "problematic" in changes:
        opportunities_recompute(row.account_id, [row.client_id])
    return row


@transaction.atomic
def client_app_remove(*, row: ClientApp, actor) -> None:
    _locked(row.client)
    client, name = row.client, row.application.name
    ClientApp.objects.for_account(row.account_id).filter(pk=row.pk).delete()
    event_record(
        account=client.account,
        actor=actor,
        verb=CLIENT_APP_REMOVED,
        target=client,
        changes={"application": [name, None]},
    )
    opportunities_recompute(client.account_id, [client.pk])
