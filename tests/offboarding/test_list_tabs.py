"""The Off-boarding and Inactive tabs of the Clients page show the off-boarding's columns by
default (core.registry.client_columns), sort by them and export them."""

from datetime import date

import pytest
from django.test import Client as Browser

from clientdesk.offboarding.models import OffboardingItem
from clientdesk.offboarding.services import (
    offboarding_complete,
    offboarding_item_set,
    offboarding_start,
)
from tests.clients.factories import make_client


@pytest.fixture
def leaving(cast):
    soon = make_client(cast, prefix="SOON", name="Soon Ltd")
    late = make_client(cast, prefix="LATE", name="Late Ltd")
    gone = make_client(cast, prefix="GONE", name="Gone Ltd")
    a = offboarding_start(
        client=soon, actor=cast.manager, on=date(2030, 1, 10), reason="price", note=""
    )
    offboarding_start(client=late, actor=cast.manager, on=date(2030, 3, 1), reason="other", note="")
    first = (
        OffboardingItem.objects.for_account(cast.account).filter(offboarding=a).order_by("id")[0]
    )
    offboarding_item_set(item=first, actor=cast.manager, done=True)
    run = offboarding_start(
        client=gone, actor=cast.manager, on=date(2030, 1, 1), reason="moved_provider", note=""
    )
    offboarding_complete(offboarding=run, actor=cast.manager)
    return soon, late, gone


def test_the_tabs_show_their_columns_sort_and_export(cast, leaving):
    browser = Browser()
    browser.force_login(cast.manager.user)
    tab = browser.get("/a/acme/clients/?tab=offboarding").text
    for label in ("Off-boarding date", "Progress", "Reason"):
        assert f">{label}<" in tab or label in tab
    assert "1/6" in tab and "Price" in tab
    by_date = browser.get("/a/acme/clients/?tab=offboarding&sort=-offboarding_date").text
    assert by_date.index("Late Ltd") < by_date.index("Soon Ltd")
    inactive = browser.get("/a/acme/clients/?tab=inactive").text
    assert "Gone Ltd" in inactive and "Moved to another provider" in inactive
    assert "data-win-back-link" in inactive
    # The export of a tab as shown carries the same columns, as plain values.
    export = browser.get(
        "/a/acme/transfer/export/clients/?format=csv&columns=shown&tab=offboarding"
    )
    assert export.status_code == 200, export.content[:300]
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert "Off-boarding date" in rows[0] and "Progress" in rows[0]
    soon = next(r for r in rows if r.startswith("SOON"))
    assert "2030-01-10" in soon and "1/6" in soon
