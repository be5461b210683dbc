"""Every index of a tenant table starts with account_id (DESIGN §6, issue 3 point 9), so that
each list reads one account's slice and the schema can later be distributed by account.

The exceptions are named here, each with its reason; a new index that is neither led by
account_id nor listed fails this test and asks for a decision."""

import pytest
from django.apps import apps
from django.db import connection

# A foreign key's own single-column index, kept because PostgreSQL's foreign-key check looks up
# `column = $1` in this table for every referenced row deleted: clients, contacts, memberships,
# jobs and outbox messages can go in numbers (an account deleted, a purge), and without the
# index each of them would scan the table.
KEPT_FOR_DELETES = {
    ("clients_client", "parent_id"),
    ("clients_clienttag", "client_id"),
    ("clients_statuschange", "client_id"),
    ("clients_serviceperiod", "client_id"),
    ("clients_statusinterval", "client_id"),
    ("contacts_contact", "client_id"),
    ("core_membershipclient", "membership_id"),
    ("core_membershipclient", "client_id"),
    ("portal_portalinvitation", "client_id"),
    ("portal_portalinvitation", "contact_id"),
    ("portal_portalinvitation", "message_id"),
    ("portal_portalaccess", "client_id"),
    ("portal_portalaccess", "contact_id"),
    ("transfer_importrowerror", "job_id"),
    ("transfer_importjob", "client_id"),
    ("tickets_ticket", "client_id"),
    ("tickets_reply", "client_id"),
    ("tickets_reply", "ticket_id"),
    ("tickets_clientsla", "client_id"),
    ("tickets_ticketcounter", "client_id"),
    ("tickets_mailcopy", "client_id"),
    ("tickets_mailcopy", "contact_id"),
    ("tickets_ticketattachment", "client_id"),
    ("tickets_ticketattachment", "ticket_id"),
    ("documents_document", "client_id"),
    ("agreements_agreement", "client_id"),
    ("agreements_agreementcontact", "client_id"),
    ("agreements_agreementcontact", "agreement_id"),
    ("agreements_agreementcontact", "contact_id"),
    ("devices_device", "client_id"),
    ("offboarding_offboarding", "client_id"),
    ("offboarding_offboardingitem", "client_id"),
    ("software_clientapp", "client_id"),
    ("software_clientapp", "application_id"),  # removing an app from the catalog
}
# Looked up before the account is known: a token or link by its hash, a person's memberships
# and portal access at sign-in, and, on tables of a few rows per person (invitations sent,
# tokens, import jobs), the person's foreign key.
LOOKUPS_ACROSS_ACCOUNTS = {
    ("core_staffinvitation", ("token_hash",)),
    ("portal_portalinvitation", ("token_hash",)),
    ("integrations_apitoken", ("token_hash",)),
    ("integrations_inboundsecret", ("token_hash",)),
    ("core_membership", ("user_id", "account_id")),
    ("core_membership", ("user_id",)),
    ("portal_portalaccess", ("user_id", "active")),
    ("portal_portalaccess", ("user_id",)),
    ("integrations_apitoken", ("user_id",)),
    ("integrations_apitoken", ("created_by_id",)),
    ("core_staffinvitation", ("invited_by_id",)),
    ("portal_portalinvitation", ("invited_by_id",)),
    ("transfer_importjob", ("created_by_id",)),
    ("transfer_importjob", ("started_by_id",)),
    ("clients_listpreference", ("user_id",)),
    ("clients_navigatorpreference", ("user_id",)),
}
# The tables a client row of an import writes, where every index costs on each of its rows:
# here only the client_id / parent_id indexes above may be outside the rule.
REGISTRY = {
    "clients_client", "clients_clienttag", "clients_statuschange", "clients_serviceperiod",
    "clients_statusinterval", "clients_statusdaydelta", "contacts_contact", "audit_activity",
}  # fmt: skip


def tenant_tables() -> list[str]:
    tables = set()
    for model in apps.get_models():
        if any(f.column == "account_id" for f in model._meta.local_fields):
            tables.add(model._meta.db_table)
    return sorted(tables)


def indexes(table: str) -> dict[str, tuple]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        name: tuple(info["columns"])
        for name, info in found.items()
        if (info["index"] or info["unique"]) and not info["primary_key"]
    }


@pytest.mark.django_db
def test_every_index_of_a_tenant_table_starts_with_account_id():
    tables = tenant_tables()
    assert set(tables) >= REGISTRY
    outside = []
    for table in tables:
        for name, columns in indexes(table).items():
            if columns[:1] == ("account_id",):
                continue
            if len(columns) == 1 and (table, columns[0]) in KEPT_FOR_DELETES:
                continue
            if (table, columns) in LOOKUPS_ACROSS_ACCOUNTS and table not in REGISTRY:
                continue
            outside.append(f"{table}.{name} {columns}")
    assert outside == []


@pytest.mark.django_db
def test_the_registry_keeps_no_foreign_key_index_a_composite_one_covers():
    """The single-column indexes Django makes for account, manager, industry, tag, actor and
    the like are gone from the tables an import writes (each cost every imported row). The
    clients keep theirs on account_id: on SQLite it serves `account_id = ? AND id IN (…)`."""
    for table in REGISTRY:
        singles = {c[0] for c in indexes(table).values() if len(c) == 1}
        kept = {column for t, column in KEPT_FOR_DELETES if t == table}
        if table == "clients_client":
            kept.add("account_id")
        assert singles <= kept, table


@pytest.mark.django_db
def test_the_exceptions_still_exist():
    """A listed exception that no longer exists is taken off the list, so the list stays true."""
    present = {(t, c) for t in tenant_tables() for c in indexes(t).values()}
    assert {(t, (c,)) for t, c in KEPT_FOR_DELETES} <= present
    assert present >= LOOKUPS_ACROSS_ACCOUNTS
