"""django-import-export's resource for the clients template, as its documentation writes one.

Two variants, the same fields:

- `ClientResource`: import-export's defaults. Each row looks up an existing client by prefix
  (the import id field: create or update, one SELECT), resolves industry and manager with
  ForeignKeyWidget (one SELECT each), computes the row's diff, and saves the instance with
  `save()` inside a savepoint, all in one transaction (IMPORT_EXPORT_USE_TRANSACTIONS).
- `FastClientResource`: the "Performance tuning" section of its documentation (bulk_import.rst),
  all of it that applies to a create-only import: `use_bulk` (bulk_create per `batch_size`,
  left at its default 1,000: the docs found other values no better), `force_init_instance`
  (no lookup of an existing row), `skip_diff` (and so `skip_html_diff`), `report_skipped` off,
  and foreign keys read once and cached instead of one query per row, as the docs advise for
  ForeignKeyWidget. Model validation (`clean_model_instances`) is off in both, as by default.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from import_export import fields, resources, widgets

from bench.ie_app.models import ImportedClient
from clientdesk.clients.models import Industry


class AccountForeignKeyWidget(widgets.ForeignKeyWidget):
    """ForeignKeyWidget within one account (the default: a query per row)."""

    def __init__(self, model, field, *, account, scope: str | None = "account", **kwargs):
        super().__init__(model, field, **kwargs)
        self.account, self.scope = account, scope

    def get_queryset(self, value, row, *args, **kwargs):
        qs = self.model.objects.all()
        return qs.filter(**{self.scope: self.account}) if self.scope else qs

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {f"{self.field}__iexact": value}


class CachedForeignKeyWidget(AccountForeignKeyWidget):
    """The same lookups answered from a dict read once (bulk_import.rst's advice)."""

    def get_instance_by_lookup_fields(self, value, row, **kwargs):
        if not hasattr(self, "_cache"):
            self._cache = {
                str(getattr(obj, self.field)).lower(): obj for obj in self.get_queryset(value, row)
            }
        try:
            return self._cache[str(value).lower()]
        except KeyError:
            raise ObjectDoesNotExist(f"{self.model.__name__} {value!r} not found") from None


def _text(attribute: str, column: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=column, widget=widgets.CharWidget())


class ClientResource(resources.ModelResource):
    prefix = _text("prefix", "Prefix")
    name = _text("name", "Name")
    description = _text("description", "Description")
    status = _text("status", "Status")
    status_since = fields.Field(
        attribute="status_since", column_name="Status since", widget=widgets.DateWidget()
    )
    engagement = _text("engagement", "Engagement")
    parent_prefix = _text("parent_prefix", "Parent prefix")
    license = _text("license", "License")
    billing_email = _text("billing_email", "Billing email")
    billing_address = _text("billing_address", "Billing address")
    tax_id = _text("tax_id", "Tax ID")
    payment_terms = _text("payment_terms", "Payment terms")
    currency = _text("currency", "Currency")
    tags = _text("tags", "Tags")
    contact_first_name = _text("contact_first_name", "Primary contact first name")
    contact_last_name = _text("contact_last_name", "Primary contact last name")
    contact_email = _text("contact_email", "Primary contact email")
    contact_phone = _text("contact_phone", "Primary contact phone")

    fk_widget = AccountForeignKeyWidget

    class Meta:
        model = ImportedClient
        import_id_fields = ("prefix",)
        fields = (
            "prefix", "name", "description", "status", "status_since", "engagement",
            "industry", "manager", "parent_prefix", "license", "billing_email",
            "billing_address", "tax_id", "payment_terms", "currency", "tags",
            "contact_first_name", "contact_last_name", "contact_email", "contact_phone",
        )  # fmt: skip

    def __init__(self, *, account, **kwargs):
        super().__init__(**kwargs)
        self.account = account
        self.fields["industry"] = fields.Field(
            attribute="industry",
            column_name="Industry",
            widget=self.fk_widget(Industry, "name", account=account),
        )
        self.fields["manager"] = fields.Field(
            attribute="manager",
            column_name="Manager email",
            widget=self.fk_widget(
                get_user_model(), "email", account=account, scope="memberships__account"
            ),
        )

    def get_queryset(self):
        # Instances are looked up by prefix within the account only.
        return super().get_queryset().filter(account=self.account)

    def init_instance(self, row=None):
        return ImportedClient(account=self.account)


class FastClientResource(ClientResource):
    fk_widget = CachedForeignKeyWidget

    class Meta(ClientResource.Meta):
        use_bulk = True
        batch_size = 1000
        force_init_instance = True
        skip_diff = True
        skip_html_diff = True
        skip_unchanged = False
        report_skipped = False
