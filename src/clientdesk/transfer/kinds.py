"""What can be imported and exported, declared once per kind: its columns, its matching key,
and the client services that check and write its rows.

A new kind (devices, applications, tickets) is another `Kind` here: the readers, the header
mapping, the templates, the preview, the jobs and the exports work from these declarations.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

from clientdesk.clients.models import Engagement, Industry, Status
from clientdesk.core.models import Account

TEXT, DATE, EMAIL, BOOL, LIST, CHOICE = "text", "date", "email", "bool", "list", "choice"
# Money or hours: read with a decimal point or a decimal comma (transfer.dates.read_decimal).
DECIMAL = "decimal"


@dataclass(frozen=True)
class Column:
    name: str  # the field name, also accepted as a header ("status_since")
    label: str  # the header of templates and exports ("Status since")
    type: str = TEXT
    required: bool = False
    synonyms: tuple[str, ...] = ()  # other headers people use ("Stage")
    # Fixed values for a drop-down: (value, label) pairs, given the account.
    choices: Callable[[Account], list[tuple[str, str]]] | None = None
    help: str = ""
    example: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # the columns an existing record is matched on (upsert)
    # The batch entry point of the services: dotted path of a callable (see transfer.engine).
    writer: str
    # The writer's two halves, when it has them (dotted paths): `check(ctx=, rows=)`, which
    # reads only, and `write(ctx=, checked=)`. A job that only creates checks the next batch
    # with the first while the second writes the previous one (transfer.engine's pipeline).
    halves: tuple[str, str] | None = None
    # What a check of this kind reads, as the activity log names it (Activity.target_type): a
    # change recorded there after a check began outdates the check (queries.check_outdated).
    reads: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)
    # The account's own columns after these (e.g. its custom device fields): kind_for() adds them.
    account_columns: Callable[[Account], tuple[Column, ...]] | None = None

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


def _statuses(account: Account) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Status.choices]


def _engagements(account: Account) -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Engagement.choices]


def _industries(account: Account) -> list[tuple[str, str]]:
    names = Industry.objects.for_account(account).order_by("name").values_list("name", flat=True)
    return [(name, name) for name in names]


def _yes_no(account: Account) -> list[tuple[str, str]]:
    return [("yes", str(_("yes"))), ("no", str(_("no")))]


CLIENTS = Kind(
    name="clients",
    label=_("Clients"),
    key=("prefix",),
    writer="clientdesk.onboarding.batch.clients_onboard_batch",
    halves=(
        "clientdesk.onboarding.batch.clients_onboard_check",
        "clientdesk.onboarding.batch.clients_onboard_write",
    ),
    # The clients and their primary contacts, the industries and the team (managers, and the
    # client limits of the member who runs it).
    reads=("clients.client", "contacts.contact", "clients.industry", "core.membership"),
    columns=(
        Column(
            "prefix",
            _("Prefix"),
            required=True,
            synonyms=("code", "client code", "short code", "client prefix", "ticket prefix"),
            help=_("2–10 letters A–Z and digits; tickets are numbered from it. Unique."),
            example="ACME",
        ),
        Column(
            "name",
            _("Name"),
            required=True,
            synonyms=(
                "client name",
                "client",
                "company",
                "company name",
                "organisation",
                "organization",
                "business name",
                "account name",
            ),
            help=_("The client's name as your team knows it."),
            example="Acme Dental Group",
        ),
        Column(
            "description",
            _("Description"),
            synonyms=("notes", "about", "comments"),
            help=_("Free text."),
            example="Three practices, 40 seats",
        ),
        Column(
            "status",
            _("Status"),
            type=CHOICE,
            synonyms=("stage", "lifecycle", "lifecycle status", "client status"),
            choices=_statuses,
            help=_(
                "A new client starts as lead, prospect, invited, waiting or active (the default),"
                " or, brought over with its Status since, as at risk, off-boarding or inactive;"
                " an existing one moves only along the allowed changes."
            ),
            example="Active",
        ),
        Column(
            "status_since",
            _("Status since"),
            type=DATE,
            synonyms=("since", "status date", "status changed", "date of status"),
            help=_(
                "The day the client entered that status (2024-03-01, 01/03/2024, 1 Mar 2024…),"
                " for history brought over: not in the future, not before its previous change."
                " Empty: today; required for at risk, off-boarding and inactive."
            ),
            example="2024-03-01",
        ),
        Column(
            "client_since",
            _("Client since"),
            type=DATE,
            synonyms=(
                "customer since",
                "start date",
                "service start",
                "service started",
                "first day",
                "onboarded",
            ),
            help=_(
                "For a new client at risk, off-boarding or inactive: the day its service"
                " started (active from then until Status since). Ignored for existing clients."
            ),
            example="2021-09-01",
        ),
        Column(
            "engagement",
            _("Engagement"),
            type=CHOICE,
            synonyms=("client type", "type", "portal"),
            choices=_engagements,
            help=_(
                "Silent or engaged for a new client; engaged invites the primary contact to the"
                " portal. The portal keeps it up to date afterwards."
            ),
            example="Silent",
        ),
        Column(
            "industry",
            _("Industry"),
            type=CHOICE,
            synonyms=("sector", "vertical", "market"),
            choices=_industries,
            help=_("One of the account's industries (Settings)."),
            example="Healthcare",
        ),
        Column(
            "manager_email",
            _("Manager email"),
            type=EMAIL,
            synonyms=("manager", "account manager", "owner", "client manager"),
            help=_("The email of a member of your team who manages the client."),
            example="manager@example.com",
        ),
        Column(
            "parent_prefix",
            _("Parent prefix"),
            synonyms=("parent", "parent code", "parent client", "parent client prefix"),
            help=_("The prefix of the client this one sits under, in the account or in the file."),
            example="ACMEHQ",
        ),
        Column(
            "license",
            _("License"),
            synonyms=("licence", "license type", "plan"),
            example="Premium",
        ),
        Column(
            "billing_email",
            _("Billing email"),
            type=EMAIL,
            synonyms=("invoice email", "accounts email", "billing e-mail"),
            example="accounts@acme.example",
        ),
        Column(
            "billing_address",
            _("Billing address"),
            synonyms=("address", "invoice address"),
            example="1 Main Street, Springfield",
        ),
        Column(
            "tax_id", _("Tax ID"), synonyms=("vat", "vat number", "tax number"), example="GB123"
        ),
        Column(
            "payment_terms",
            _("Payment terms"),
            synonyms=("terms",),
            example="30 days",
        ),
        Column(
            "currency",
            _("Currency"),
            help=_("Three letters (EUR, USD); empty: the account's currency."),
            example="EUR",
        ),
        Column(
            "tags",
            _("Tags"),
            type=LIST,
            synonyms=("labels", "tag"),
            help=_("Separated by commas; new tags are created."),
            example="vip, dental",
        ),
        Column(
            "contact_first_name",
            _("Primary contact first name"),
            synonyms=("first name", "contact first name", "given name"),
            help=_("With an email, creates or updates the client's primary contact."),
            example="Ada",
        ),
        Column(
            "contact_last_name",
            _("Primary contact last name"),
            synonyms=("last name", "surname", "contact last name", "family name"),
            example="Lovelace",
        ),
        Column(
            "contact_email",
            _("Primary contact email"),
            type=EMAIL,
            synonyms=("email", "e-mail", "email address", "contact email", "contact e-mail"),
            example="ada@acme.example",
        ),
        Column(
            "contact_phone",
            _("Primary contact phone"),
            synonyms=("phone", "telephone", "phone number", "contact phone", "tel"),
            example="+44 20 7946 0000",
        ),
    ),
)

CONTACTS = Kind(
    name="contacts",
    label=_("Contacts"),
    key=("client_prefix", "email"),
    writer="clientdesk.contacts.batch.contacts_import_batch",
    reads=("clients.client", "contacts.contact", "core.membership"),
    columns=(
        Column(
            "client_prefix",
            _("Client prefix"),
            required=True,
            synonyms=("prefix", "client", "client code", "code"),
            help=_("The prefix of a client of this account."),
            example="ACME",
        ),
        Column(
            "first_name",
            _("First name"),
            required=True,
            synonyms=("given name", "forename"),
            example="Ada",
        ),
        Column(
            "last_name", _("Last name"), synonyms=("surname", "family name"), example="Lovelace"
        ),
        Column(
            "email",
            _("Email"),
            type=EMAIL,
            required=True,
            synonyms=("e-mail", "email address", "mail"),
            help=_("Matches the contact within its client; unique per client."),
            example="ada@acme.example",
        ),
        Column(
            "phone",
            _("Phone"),
            synonyms=("telephone", "phone number", "tel"),
            example="+44 20 7946 0000",
        ),
        Column(
            "mobile",
            _("Mobile"),
            synonyms=("cell", "mobile phone", "cell phone"),
            example="+44 7700 900000",
        ),
        Column(
            "title",
            _("Job title"),
            synonyms=("title", "position", "role"),
            example="Office manager",
        ),
        Column(
            "street", _("Street"), synonyms=("address", "street address"), example="1 Main Street"
        ),
        Column("city", _("City"), synonyms=("town",), example="Springfield"),
        Column("region", _("Region"), synonyms=("state", "county", "province"), example="Kent"),
        Column(
            "postcode",
            _("Postcode"),
            synonyms=("zip", "zip code", "postal code"),
            example="CT1 1AA",
        ),
        Column("country", _("Country"), example="United Kingdom"),
        Column(
            "is_primary",
            _("Primary"),
            type=BOOL,
            choices=_yes_no,
            synonyms=("primary contact", "is primary"),
            help=_("yes makes this the client's one primary contact."),
            example="no",
        ),
        Column(
            "is_secondary",
            _("Secondary"),
            type=BOOL,
            choices=_yes_no,
            synonyms=("secondary contact", "is secondary"),
            example="no",
        ),
        Column("active", _("Active"), type=BOOL, choices=_yes_no, example="yes"),
        Column("notes", _("Notes"), synonyms=("comments",), example=""),
    ),
)


def _device_types(account: Account) -> list[tuple[str, str]]:
    from clientdesk.devices.queries import settings_of, type_labels

    return list(type_labels(settings_of(account)).items())


def _device_custom_columns(account: Account) -> tuple[Column, ...]:
    """A column per custom device field of the account (Settings › Devices), headed by its
    label: cf_<its key>."""
    from clientdesk.devices.queries import custom_fields, settings_of

    return tuple(
        Column(
            f"cf_{f['key']}",
            f["label"],
            synonyms=(f["key"],),
            help=_("One of your own device fields (Settings › Devices)."),
        )
        for f in custom_fields(settings_of(account))
    )


DEVICES = Kind(
    name="devices",
    label=_("Devices"),
    # Matched on the serial; a row without one matches its client's device of that name.
    key=("client_prefix", "serial"),
    writer="clientdesk.devices.batch.devices_import_batch",
    reads=("clients.client", "devices.device", "core.membership"),
    account_columns=_device_custom_columns,
    columns=(
        Column(
            "client_prefix",
            _("Client prefix"),
            required=True,
            synonyms=("prefix", "client", "client code", "code", "customer"),
            help=_("The prefix of a client of this account."),
            example="ACME",
        ),
        Column(
            "name",
            _("Name"),
            required=True,
            synonyms=("device", "device name", "hostname", "host name", "computer name"),
            help=_("Without a serial, matches the client's device of this name."),
            example="ACME-PC-01",
        ),
        Column(
            "type",
            _("Type"),
            type=CHOICE,
            choices=_device_types,
            synonyms=("tier", "device type", "class"),
            help=_("Your RMM tier; empty: standard for a new device."),
            example="Standard",
        ),
        Column(
            "os",
            _("Operating system"),
            synonyms=("os", "operating system", "platform"),
            example="Windows 11 Pro",
        ),
        Column("manufacturer", _("Manufacturer"), synonyms=("make", "vendor"), example="Dell"),
        Column("model", _("Model"), synonyms=("device model",), example="OptiPlex 7010"),
        Column(
            "serial",
            _("Serial number"),
            synonyms=("serial", "serial no", "sn", "service tag"),
            help=_("Matches the device within its client; unique per client."),
            example="5CD1234XYZ",
        ),
        Column("ip", _("IP address"), synonyms=("ip", "ip address", "ipv4"), example="10.0.0.20"),
        Column(
            "mac",
            _("MAC address"),
            synonyms=("mac", "mac address"),
            help=_("Six pairs of hex digits."),
            example="00:1A:2B:3C:4D:5E",
        ),
        Column("location", _("Location"), synonyms=("site", "room"), example="Reception"),
        Column("online", _("Online"), type=BOOL, choices=_yes_no, example="yes"),
        Column("notes", _("Notes"), synonyms=("comments",), example=""),
    ),
)


def _categories(account: Account) -> list[tuple[str, str]]:
    from clientdesk.software.models import Category

    return [(value, str(label)) for value, label in Category.choices]


APPLICATIONS = Kind(
    name="applications",
    label=_("Applications"),
    # The account's catalog (software): matched on the name, ignoring case.
    key=("name",),
    writer="clientdesk.software.batch.applications_import_batch",
    reads=("software.application", "clients.industry"),
    columns=(
        Column(
            "name",
            _("Name"),
            required=True,
            synonyms=("application", "app"),
            example="Microsoft 365",
        ),
        Column("category", _("Category"), type=CHOICE, choices=_categories, example="Productivity"),
        Column("vendor", _("Vendor"), synonyms=("publisher", "maker"), example="Microsoft"),
        Column(
            "project_value",
            _("Project value"),
            type=DECIMAL,
            synonyms=("project", "one-off", "setup"),
            help=_("One-off, in the account's currency."),
            example="1500.00",
        ),
        Column(
            "monthly_price_per_user",
            _("Monthly price per user"),
            type=DECIMAL,
            synonyms=("price per user", "monthly", "per user"),
            example="12.50",
        ),
        Column("baseline", _("Baseline"), type=BOOL, choices=_yes_no, example="yes"),
        Column(
            "baseline_industries",
            _("Baseline industries"),
            type=LIST,
            synonyms=("industries",),
            help=_("Industry names, separated by commas; empty: every industry."),
            example="Legal, Healthcare",
        ),
    ),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in (CLIENTS, CONTACTS, DEVICES, APPLICATIONS)}


def kind_for(name: str, account: Account | int) -> Kind:
    """The kind called `name` with the account's own columns, if it has any (KeyError when
    there is no such kind)."""
    kind = KINDS[name]
    if kind.account_columns is None:
        return kind
    if not isinstance(account, Account):
        account = Account.objects.get(pk=account)
    return replace(kind, columns=kind.columns + kind.account_columns(account))
