"""The batch entry point of the catalog services: imported applications, checked and written
at once (the `applications` import kind, transfer/kinds.py).

A row matches the catalog's application of that name, ignoring case. Each row is checked by
the rules of `application_create` / `application_update` (name, category, amounts, industries)
and written through them; the opportunities are recomputed once for the batch, not per row.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from clientdesk.clients.batch import CREATE, REJECTED, UNCHANGED, UPDATE, Context, Outcome, Row
from clientdesk.software.models import Application, Category
from clientdesk.software.opportunity import catalog_changed
from clientdesk.software.services import _industries, application_create, application_update

__all__ = ["Context", "applications_import_batch"]

CATEGORIES = {str(label).lower(): value for value, label in Category.choices} | {
    v: v for v in Category.values
}


def _amount(text) -> Decimal:
    try:
        amount = Decimal(str(text or "0").replace(",", "").strip() or "0")
    except InvalidOperation:
        raise ValueError from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("999999999999.99"):
        raise ValueError
    return amount.quantize(Decimal("0.01"))


def _values(ctx: Context, data: dict) -> tuple[dict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    values: dict = {"name": (data.get("name") or "").strip()}
    if not values["name"]:
        errors["name"] = [_("Give the application's name.")]
    if data.get("category"):
        category = CATEGORIES.get(str(data["category"]).strip().lower())
        if category is None:
            errors["category"] = [_("Unknown category.")]
        values["category"] = category
    if "vendor" in data:
        values["vendor"] = (data.get("vendor") or "").strip()
    for name in ("project_value", "monthly_price_per_user"):
        if data.get(name) not in (None, ""):
            try:
                values[name] = _amount(data[name])
            except ValueError:
                errors[name] = [_("Give an amount, such as 1200.00.")]
    if data.get("baseline") is not None:
        values["baseline"] = bool(data["baseline"])
    if "baseline_industries" in data:
        names = data.get("baseline_industries") or []
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        try:
            values["baseline_industries"] = _industries(ctx.account, names)
        except ValidationError as exc:
            errors["baseline_industries"] = exc.messages
    return values, errors


def applications_import_batch(*, ctx: Context, rows: list[Row]) -> list[Outcome]:
    known = {a.name.lower(): a for a in Application.objects.for_account(ctx.account)}
    outcomes = []
    changed = False
    with transaction.atomic():
        for row in rows:
            outcome = Outcome()
            values, errors = _values(ctx, row.data)
            current = known.get(values["name"].lower()) if values["name"] else None
            if current is not None and ctx.mode == "create":
                errors.setdefault("name", []).append(_("The catalog already has this application."))
            if errors:
                outcome.action = REJECTED
                outcome.errors = [(n, m) for n, msgs in errors.items() for m in msgs]
                outcomes.append(outcome)
                continue
            industries = values.pop("baseline_industries", "unchanged")
            try:
                with transaction.atomic():
                    if current is None:
                        outcome.action = CREATE
                        if not ctx.dry_run:
                            app = application_create(
                                account=ctx.account,
                                actor=ctx.actor,
                                baseline_industries=None
                                if industries == "unchanged"
                                else industries,
                                recompute=False,
                                **values,
                            )
                            known[app.name.lower()] = app
                    else:
                        fields = {k: v for k, v in values.items() if getattr(current, k) != v}
                        same_industries = industries == "unchanged" or {
                            i.pk for i in industries
                        } == set(current.baseline_industries.values_list("pk", flat=True))
                        outcome.action = UNCHANGED if not fields and same_industries else UPDATE
                        if outcome.action == UPDATE and not ctx.dry_run:
                            _update_quietly(ctx, current, fields, industries)
            except ValidationError as exc:
                outcome.action = REJECTED
                outcome.errors = [
                    (n, m)
                    for n, msgs in getattr(exc, "message_dict", {"name": exc.messages}).items()
                    for m in msgs
                ]
            changed = changed or outcome.action in (CREATE, UPDATE)
            outcomes.append(outcome)
        if changed and not ctx.dry_run:
            catalog_changed(ctx.account.pk)
    return outcomes


def _update_quietly(ctx: Context, app: Application, fields: dict, industries) -> None:
    """application_update, whose recompute of every client waits for the batch's one."""
    application_update(
        application=app, actor=ctx.actor, baseline_industries=industries, recompute=False, **fields
    )
