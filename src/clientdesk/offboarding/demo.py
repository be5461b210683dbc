"""The demo account's off-boardings (`clientdesk demo`, after the clients and the portal): each
client the clients' story left in `offboarding` gets its checklist, part ticked, one of them past
its date with items open (flagged); each client that left through off-boarding gets its
completed run, every item ticked, dated on the days its history says."""

import random
from datetime import timedelta

from django.utils import timezone

from clientdesk.clients.models import Client, Status, StatusChange
from clientdesk.core.demo import dated
from clientdesk.core.models import Account
from clientdesk.offboarding.models import Offboarding, OffboardingItem, Reason, State
from clientdesk.offboarding.queries import template_titles, today_for
from clientdesk.offboarding.services import offboarding_item_set, offboarding_start

REASONS = {
    "Moved to another provider": Reason.MOVED_PROVIDER,
    "Business closing": Reason.BUSINESS_CLOSED,
    "Price": Reason.PRICE,
}


def _reason(rng: random.Random, text: str) -> str:
    return REASONS.get(text) or rng.choice(Reason.values)


def demo_offboardings_create(*, account: Account, seed: int) -> int:
    """Runs for the demo clients off-boarding or gone through it, unless the account has some;
    answers how many."""
    if Offboarding.objects.for_account(account).exists():
        return 0
    rng = random.Random(seed)
    today = today_for(account)
    live = Client.objects.for_account(account).filter(deleted_at=None).select_related("account")
    made = 0
    entered = {
        c.client_id: c
        for c in StatusChange.objects.for_account(account)
        .filter(to_status=Status.OFFBOARDING)
        .order_by("at", "id")
    }
    for i, client in enumerate(live.filter(status=Status.OFFBOARDING).order_by("pk")):
        change = entered.get(client.pk)
        since = change.at if change else client.status_changed_at or timezone.now()
        # The first one is overdue: its date passed with items open.
        on = today - timedelta(days=3) if i == 0 else today + timedelta(days=rng.randint(5, 40))
        with dated(account, since):
            run = offboarding_start(
                client=client,
                actor=None,
                on=on,
                reason=_reason(rng, change.reason if change else ""),
                note="Demo: agreed on the phone.",
            )
        items = list(OffboardingItem.objects.for_account(account).filter(offboarding=run))
        for item in items[: rng.randint(1, len(items) - 1)]:
            with dated(account, since + timedelta(days=1)):
                offboarding_item_set(item=item, actor=None, done=True)
        OffboardingItem.objects.for_account(account).filter(offboarding=run, done=True).update(
            done_at=since + timedelta(days=1)
        )
        Offboarding.objects.for_account(account).filter(pk=run.pk).update(started_at=since)
        made += 1
    titles = template_titles(account)
    for client in live.filter(status=Status.INACTIVE).order_by("pk"):
        start = entered.get(client.pk)
        if start is None:
            continue  # a lost lead, never in service
        end = (
            StatusChange.objects.for_client(client)
            .filter(to_status=Status.INACTIVE, at__gte=start.at)
            .order_by("at")
            .first()
        )
        if end is None:
            continue
        run = Offboarding.objects.create(
            account=account,
            client=client,
            on=end.at.date(),
            reason=_reason(rng, start.reason),
            state=State.COMPLETED,
            started_at=start.at,
            ended_at=end.at,
            done_count=len(titles),
            total_count=len(titles),
        )
        OffboardingItem.objects.bulk_create(
            OffboardingItem(
                account=account,
                client=client,
                offboarding=run,
                title=title,
                order=n,
                done=True,
                done_at=start.at + (end.at - start.at) * n / (len(titles) + 1),
            )
            for n, title in enumerate(titles, start=1)
        )
        made += 1
    return made
