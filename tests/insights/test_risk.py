"""The risk rules (issue 16, item 4) on worked data: each domain's rule with its threshold,
only active clients move, dismissals hold, the reasons are the change's reason and show on
the client page, the daily task and *Run now*, and the settings page."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from clientdesk.agreements.services import agreement_create
from clientdesk.audit.models import Activity
from clientdesk.clients.models import Client, StatusChange
from clientdesk.clients.services import client_change_status
from clientdesk.core import registry
from clientdesk.insights import risk, services
from clientdesk.insights.models import RiskDismissal, RiskRuleSetting, RiskRun
from clientdesk.tickets.services import ticket_create
from tests.clients.factories import make_client
from tests.factories import make_portal_user

LONG_AGO = timezone.now() - timedelta(days=400)


def turn_on(cast, **thresholds):
    services.risk_rules_save(
        account=cast.account,
        actor=cast.owner,
        rules={key: (True, n) for key, n in thresholds.items()},
    )


def breaches(client, n, days_ago=5):
    """`n` tickets opened `days_ago` and never answered: each missed its first response."""
    when = timezone.now() - timedelta(days=days_ago)
    for i in range(n):
        ticket_create(client=client, actor=None, title=f"Down {i}", priority="urgent", now=when)


def status_of(client):
    return Client.objects.get(pk=client.pk).status


def last_reason(client):
    return StatusChange.objects.filter(client=client).order_by("-at", "-id").first().reason


def test_every_domain_contributes_its_rule_through_the_registry():
    keys = [r.key for r in registry.risk_rules.all()]
    assert keys == ["sla_breaches", "agreement_ending", "quiet", "problematic_apps"]


def test_no_rule_runs_until_the_account_turns_it_on(cast):
    loud = make_client(cast, prefix="LOUD", status_since=LONG_AGO)
    breaches(loud, 5)
    run = services.risk_evaluate(account=cast.account)
    assert (run.matched, run.flagged) == (0, 0)
    assert status_of(loud) == "active"


def test_sla_breaches_at_or_above_the_threshold_move_an_active_client_with_the_reason(cast):
    three = make_client(cast, prefix="THREE", status_since=LONG_AGO)
    two = make_client(cast, prefix="TWO", status_since=LONG_AGO)
    old = make_client(cast, prefix="OLD", status_since=LONG_AGO)
    breaches(three, 3)
    breaches(two, 2)
    breaches(old, 4, days_ago=45)  # outside the last 30 days
    turn_on(cast, sla_breaches=3)
    run = services.risk_evaluate(account=cast.account, actor=cast.admin)
    assert (run.matched, run.flagged) == (1, 1)
    assert [status_of(c) for c in (three, two, old)] == ["at_risk", "active", "active"]
    change = StatusChange.objects.filter(client=three).order_by("-at", "-id").first()
    assert (change.from_status, change.to_status) == ("active", "at_risk")
    assert change.reason == "3 SLA breaches in the last 30 days"
    assert change.by == cast.admin.user
    entry = Activity.objects.filter(verb="client.status_changed", target_id=str(three.pk)).last()
    assert entry.changes["reason"] == [None, "3 SLA breaches in the last 30 days"]


def test_only_active_clients_move(cast):
    clients = {
        status: make_client(cast, prefix=status[:8].upper(), status=status)
        for status in ("lead", "invited", "waiting", "active")
    }
    for status, path in (
        ("offboarding", ["offboarding"]),
        ("inactive", ["offboarding", "inactive"]),
    ):
        clients[status] = make_client(cast, prefix=status[:8].upper())
        for step in path:
            client_change_status(client=clients[status], actor=None, to_status=step)
    for client in clients.values():
        breaches(client, 2)
    turn_on(cast, sla_breaches=1)
    run = services.risk_evaluate(account=cast.account)
    assert run.matched == 6 and run.flagged == 1
    assert {s: status_of(c) for s, c in clients.items()} == {
        "lead": "lead",
        "invited": "invited",
        "waiting": "waiting",
        "active": "at_risk",
        "offboarding": "offboarding",
        "inactive": "inactive",
    }
    # Run again: an at-risk client is not moved twice.
    again = services.risk_evaluate(account=cast.account)
    assert again.flagged == 0
    assert StatusChange.objects.filter(client=clients["active"], to_status="at_risk").count() == 1


def test_archived_and_deleted_clients_are_left_out(cast):
    from clientdesk.clients.services import client_delete, client_set_archived

    shelved = make_client(cast, prefix="SHELF")
    gone = make_client(cast, prefix="GONE")
    for client in (shelved, gone):
        breaches(client, 2)
    client_set_archived(client=shelved, actor=None, archived=True)
    client_delete(client=gone, actor=cast.owner)
    turn_on(cast, sla_breaches=1)
    assert services.risk_evaluate(account=cast.account).flagged == 0
    assert status_of(shelved) == "active" and status_of(gone) == "active"


def test_agreements_expired_or_ending_within_the_threshold(cast):
    today = risk.today_of(cast.account)
    ended = make_client(cast, prefix="ENDED")
    ending = make_client(cast, prefix="ENDING")
    renewed = make_client(cast, prefix="RENEWED")
    none = make_client(cast, prefix="NONE")

    def agreement(client, name, ends_in):
        agreement_create(
            client=client,
            actor=None,
            name=name,
            kind="fixed_fee",
            starts_on=today - timedelta(days=700),
            ends_on=today + timedelta(days=ends_in),
        )

    agreement(ended, "Support 2024", -3)
    agreement(ending, "Care plan", 20)
    agreement(renewed, "Old plan", 10)
    agreement(renewed, "New plan", 200)  # the latest end counts
    turn_on(cast, agreement_ending=30)
    services.risk_evaluate(account=cast.account)
    assert [status_of(c) for c in (ended, ending, renewed, none)] == [
        "at_risk",
        "at_risk",
        "active",
        "active",
    ]
    ended_on = (today - timedelta(days=3)).isoformat()
    assert last_reason(ended) == f"Agreement “Support 2024” ended on {ended_on}"
    ends_on = (today + timedelta(days=20)).isoformat()
    assert last_reason(ending) == f"Agreement “Care plan” ends on {ends_on} (in 20 days)"


def test_a_threshold_below_the_days_left_leaves_the_client_alone(cast):
    today = risk.today_of(cast.account)
    ending = make_client(cast, prefix="ENDING")
    agreement_create(
        client=ending, actor=None, name="Care", kind="fixed_fee",
        starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=20),
    )  # fmt: skip
    turn_on(cast, agreement_ending=10)
    assert services.risk_evaluate(account=cast.account).flagged == 0


def test_gone_quiet_no_portal_sign_in_and_no_ticket_for_n_days(cast):
    silent = make_client(cast, prefix="SILENT", status_since=LONG_AGO)
    calling = make_client(cast, prefix="CALLING", status_since=LONG_AGO)
    signing = make_client(cast, prefix="SIGNING", status_since=LONG_AGO)
    stale = make_client(cast, prefix="STALE", status_since=LONG_AGO)
    newcomer = make_client(cast, prefix="NEW")  # active since today: not quiet yet
    ticket_create(
        client=calling, actor=None, title="Printer", now=timezone.now() - timedelta(days=10)
    )
    ticket_create(client=stale, actor=None, title="Old", now=timezone.now() - timedelta(days=90))
    access = make_portal_user(cast, signing, first_name="Sig", email="sig@signing.example")
    access.user.last_login = timezone.now() - timedelta(days=3)
    access.user.save(update_fields=["last_login"])
    old_access = make_portal_user(cast, stale, first_name="Sta", email="sta@stale.example")
    old_access.user.last_login = timezone.now() - timedelta(days=80)
    old_access.user.save(update_fields=["last_login"])
    turn_on(cast, quiet=60)
    services.risk_evaluate(account=cast.account)
    assert {c.prefix: status_of(c) for c in (silent, calling, signing, stale, newcomer)} == {
        "SILENT": "at_risk",
        "CALLING": "active",
        "SIGNING": "active",
        "STALE": "at_risk",
        "NEW": "active",
    }
    assert last_reason(silent) == "No portal sign-in and no ticket for 60 days"


def test_the_reasons_of_several_rules_are_joined(cast):
    today = risk.today_of(cast.account)
    both = make_client(cast, prefix="BOTH", status_since=LONG_AGO)
    breaches(both, 2)
    agreement_create(
        client=both, actor=None, name="Plan", kind="fixed_fee",
        starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=1),
    )  # fmt: skip
    turn_on(cast, sla_breaches=2, agreement_ending=30)
    services.risk_evaluate(account=cast.account)
    yesterday = (today - timedelta(days=1)).isoformat()
    assert last_reason(both) == (
        f"2 SLA breaches in the last 30 days; Agreement “Plan” ended on {yesterday}"
    )


def test_a_dismissed_client_is_not_flagged_again_until_the_period_ends(cast):
    today = risk.today_of(cast.account)
    loud = make_client(cast, prefix="LOUD")
    agreement_create(
        client=loud, actor=None, name="Plan", kind="fixed_fee",
        starts_on=today - timedelta(days=400), ends_on=today - timedelta(days=1),
    )  # fmt: skip
    turn_on(cast, agreement_ending=30)
    services.risk_evaluate(account=cast.account)
    assert status_of(loud) == "at_risk"
    loud.refresh_from_db()
    dismissal = services.risk_dismiss(
        client=loud, actor=cast.manager, days=30, note="Spoke to them"
    )
    # Dismissing moves it back to active, with the note as the reason.
    assert status_of(loud) == "active"
    assert last_reason(loud) == "Spoke to them"
    assert dismissal.until == today + timedelta(days=30)
    assert services.risk_evaluate(account=cast.account).flagged == 0
    assert (
        services.risk_evaluate(account=cast.account, today=today + timedelta(days=30)).flagged == 0
    )
    # The day after the period ends, the rules see it again.
    run = services.risk_evaluate(account=cast.account, today=today + timedelta(days=31))
    assert run.flagged == 1 and status_of(loud) == "at_risk"
    entry = Activity.objects.get(verb="client.risk_dismissed")
    assert entry.changes == {
        "until": [None, (today + timedelta(days=30)).isoformat()],
        "note": [None, "Spoke to them"],
    }


def test_a_dismissal_out_of_range_is_refused(cast):
    from django.core.exceptions import ValidationError

    loud = make_client(cast, prefix="LOUD")
    with pytest.raises(ValidationError):
        services.risk_dismiss(client=loud, actor=cast.manager, days=0)
    assert not RiskDismissal.objects.exists()


def test_thresholds_are_checked(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        services.risk_rules_save(
            account=cast.account, actor=cast.owner, rules={"sla_breaches": (True, 0)}
        )
    assert "sla_breaches" in raised.value.error_dict
    with pytest.raises(ValidationError):
        services.risk_rules_save(account=cast.account, actor=cast.owner, rules={"nope": (True, 3)})
    assert not RiskRuleSetting.objects.exists()


def test_the_daily_task_runs_every_accounts_rules(cast, run_tasks):
    loud = make_client(cast, prefix="LOUD")
    theirs = make_client(cast.other_account, prefix="THEIRS")
    breaches(loud, 2)
    breaches(theirs, 2)
    turn_on(cast, sla_breaches=2)  # globex has no rule on
    out = StringIO()
    call_command("daily", stdout=out)  # cron's daily run queues every daily job, this one too
    assert "queued: clients moved to at risk by the risk rules" in out.getvalue()
    run_tasks()
    assert status_of(loud) == "at_risk" and status_of(theirs) == "active"
    assert RiskRun.objects.filter(account=cast.account, flagged=1).count() == 1
    assert RiskRun.objects.filter(account=cast.other_account, flagged=0).count() == 1
    # `clientdesk risk_evaluate --now` runs it alone, in place.
    call_command("risk_evaluate", "--now", stdout=out)
    assert "moved 0 clients to at risk" in out.getvalue()
    assert RiskRun.objects.filter(account=cast.account).count() == 2


def test_the_settings_page_turns_rules_on_and_runs_them(cast, client):
    loud = make_client(cast, prefix="LOUD")
    breaches(loud, 4)
    client.force_login(cast.admin.user)
    page = client.get("/a/acme/settings/risk/")
    assert page.status_code == 200
    html = page.text
    assert "SLA breaches" in html and "3 or more tickets opened in the last 30 days" in html
    assert "Agreement ending" in html and "Gone quiet" in html
    answer = client.post(
        "/a/acme/settings/risk/",
        {
            "on_sla_breaches": "on",
            "n_sla_breaches": "4",
            "n_agreement_ending": "30",
            "n_quiet": "60",
            "n_problematic_apps": "2",
        },
    )
    assert answer.status_code == 302
    states = {s.key: (s.enabled, s.threshold) for s in risk.rule_states(cast.account)}
    assert states == {
        "sla_breaches": (True, 4),
        "agreement_ending": (False, 30),
        "quiet": (False, 60),
        "problematic_apps": (False, 2),
    }
    assert "4 or more tickets" in client.get("/a/acme/settings/risk/").text
    bad = client.post(
        "/a/acme/settings/risk/",
        {"n_sla_breaches": "0", "n_agreement_ending": "30", "n_quiet": "60"},
    )
    assert bad.status_code == 400
    ran = client.post("/a/acme/settings/risk/run/", follow=True)
    assert "1 client moved to at risk" in ran.text
    assert status_of(loud) == "at_risk"
    assert "Last run" in ran.text


def test_a_manager_may_not_set_the_rules_but_may_dismiss(cast, client):
    loud = make_client(cast, prefix="LOUD")
    client_change_status(
        client=loud, actor=cast.manager, to_status="at_risk", reason="Unhappy with response times"
    )
    client.force_login(cast.manager.user)
    assert client.get("/a/acme/settings/risk/").status_code == 403
    assert client.post("/a/acme/settings/risk/run/").status_code == 403
    page = client.get(f"/a/acme/clients/{loud.pk}/").text
    # The manager's note is the reason shown on the client page.
    assert "Why this client is at risk" in page and "Unhappy with response times" in page
    answer = client.post(
        f"/a/acme/clients/{loud.pk}/risk/dismiss/", {"days": "60", "note": "Fixed"}, follow=True
    )
    assert answer.status_code == 200
    assert status_of(loud) == "active"
    assert "The risk rules leave this client alone until" in answer.text


def test_a_technician_may_not_dismiss_and_others_clients_are_404(cast, client):
    loud = make_client(cast, prefix="LOUD", status="active")
    theirs = make_client(cast.other_account, prefix="THEIRS")
    client.force_login(cast.technician.user)
    assert (
        client.post(f"/a/acme/clients/{loud.pk}/risk/dismiss/", {"days": "30"}).status_code == 403
    )
    client.force_login(cast.manager.user)
    assert (
        client.post(f"/a/acme/clients/{theirs.pk}/risk/dismiss/", {"days": "30"}).status_code == 404
    )


def test_rule_evaluation_costs_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    today = risk.today_of(cast.account)
    for n in range(12):
        c = make_client(cast, prefix=f"Q{n:02d}", status_since=LONG_AGO)
        breaches(c, 1)
        agreement_create(
            client=c, actor=None, name="P", kind="fixed_fee",
            starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=5),
        )  # fmt: skip
    turn_on(cast, sla_breaches=1, agreement_ending=30, quiet=1)
    with django_assert_max_num_queries(8):
        found = risk.findings(cast.account, today)
    assert len(found) == 12


def test_days_are_the_accounts_own(cast):
    """The 30 days are the account's calendar days: a breach at 20:00 UTC on 31 December is
    on 1 January in Auckland, inside a window that starts that day, and outside it in UTC."""
    late = make_client(cast, prefix="LATE")
    ticket_create(
        client=late, actor=None, title="x", priority="urgent",
        now=datetime(2025, 12, 31, 20, 0, tzinfo=UTC),
    )  # fmt: skip
    rule = registry.risk_rules.all()[0]
    today = date(2026, 1, 31)  # the window: 1–31 January
    cast.account.time_zone = "Pacific/Auckland"
    assert late.pk in rule.evaluate(cast.account, 1, today)
    cast.account.time_zone = "UTC"
    assert late.pk not in rule.evaluate(cast.account, 1, today)


def test_many_findings_are_read_in_chunks(cast, monkeypatch):
    monkeypatch.setattr(risk, "CHUNK", 3)
    made = [make_client(cast, prefix=f"K{n}") for n in range(7)]
    make_client(cast, prefix="LEADK", status="lead")
    ids = {c.pk for c in made} | {Client.objects.get(prefix="LEADK").pk}
    assert [c.pk for c in risk.candidates(cast.account, ids)] == sorted(c.pk for c in made)


def test_problematic_apps_at_or_above_the_threshold_name_them(cast):
    from clientdesk.software.models import Application
    from clientdesk.software.services import client_app_add

    apps = {a.name: a for a in Application.objects.for_account(cast.account).order_by("name")[:5]}
    names = sorted(apps)
    shaky = make_client(cast, prefix="SHKY", status_since=LONG_AGO)
    calm = make_client(cast, prefix="CALM", status_since=LONG_AGO)
    for name in names[:4]:
        client_app_add(client=shaky, actor=None, application=apps[name], problematic=True)
    client_app_add(client=calm, actor=None, application=apps[names[0]], problematic=True)
    client_app_add(client=calm, actor=None, application=apps[names[1]])  # not flagged
    turn_on(cast, problematic_apps=2)
    services.risk_evaluate(account=cast.account)
    assert (status_of(shaky), status_of(calm)) == ("at_risk", "active")
    reason = last_reason(shaky)
    assert reason.startswith(f"4 problematic applications: {', '.join(names[:3])}")
    assert reason.endswith("and 1 more")
