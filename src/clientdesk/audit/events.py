"""Writing activity, and telling subscribers once it is committed.

Every service records what it did with `event_record(...)` inside its own transaction, naming a
verb its domain declared (audit.verbs); bulk writers hand a batch to `events_record`. An
import job writes one entry for all the records it creates, and its writers `events_tell` the
watchers and subscribers of each record as if it had its own entry.
After the transaction commits, each subscriber gets an `Event` per entry; a rolled-back write
tells nobody. A watcher (`watch(fn)`) hears of the entries inside the transaction instead, for
what must change with the write itself. Notifications and webhooks are meant to be subscribers: `subscribe(fn)` at start-up
(an AppConfig.ready), and `fn(event)` queues a task for anything slow, since it runs in the
request (or the import) that made the change.
"""

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from clientdesk.audit.models import Activity
from clientdesk.audit.verbs import UnknownVerb, Verb, verb_of
from clientdesk.core.actors import actor_user
from clientdesk.core.bulkinsert import ids_reserve, insert

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One committed activity entry, as subscribers receive it (plain values: a task may
    carry it)."""

    verb: str
    account_id: int
    actor_id: int | None
    actor_label: str
    target_type: str
    target_id: str
    target_label: str
    changes: dict[str, list]
    activity_id: int
    at: datetime


Subscriber = Callable[[Event], None]
_subscribers: list[Subscriber] = []


def subscribe(fn: Subscriber) -> Subscriber:
    """Call `fn(event)` after every committed entry; answers `fn`, so it can be a decorator."""
    if fn not in _subscribers:
        _subscribers.append(fn)
    return fn


def unsubscribe(fn: Subscriber) -> None:
    if fn in _subscribers:
        _subscribers.remove(fn)


def _deliver(events: list[Event]) -> None:
    for event in events:
        for fn in list(_subscribers):
            try:
                fn(event)
            except Exception:
                # The change is committed: a failing subscriber must not undo the page that
                # made it, nor keep the others from hearing of it.
                logger.exception("activity subscriber %r failed on %s", fn, event.verb)


_muted: ContextVar[bool] = ContextVar("activity_subscribers_muted", default=False)


@contextmanager
def subscribers_muted() -> Iterator[None]:
    """Nobody hears of the entries written inside (the demo's made-up history must mail no
    one); the entries themselves are written as always."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


Watcher = Callable[[list[Event]], None]
_watchers: list[Watcher] = []


def watch(fn: Watcher) -> Watcher:
    """Call `fn(events)` inside the writer's transaction, right after the entries are written
    (all of a batch at once): for what must change with the write itself — a figure another
    domain keeps from these rows (software's opportunities). An error there undoes the write.
    Keep it to a few queries per call: it runs in every write that records these verbs."""
    if fn not in _watchers:
        _watchers.append(fn)
    return fn


def unwatch(fn: Watcher) -> None:
    if fn in _watchers:
        _watchers.remove(fn)


def _publish(events: list[Event]) -> None:
    if not events:
        return
    for fn in list(_watchers):  # in the transaction, muted or not: kept figures stay right
        fn(events)
    if _subscribers and not _muted.get():
        transaction.on_commit(lambda: _deliver(events))


def _checked(verb: "Verb | str", target_type: str, changes: dict | None) -> Verb:
    declared = verb_of(verb)
    if declared.target != target_type:
        raise UnknownVerb(
            f"activity verb {declared.name!r} is about {declared.target}, not {target_type}"
        )
    unknown = set(changes or ()) - set(declared.fields)
    if unknown:
        raise UnknownVerb(f"activity verb {declared.name!r} declares no field {sorted(unknown)}")
    return declared


def _actor_parts(actor) -> tuple[int | None, str]:
    user = actor_user(actor)  # a member or a person (core.actors)
    return getattr(user, "pk", None), (getattr(user, "email", "") or "system")


def event_record(
    *,
    account,
    actor,
    verb: "Verb | str",
    target: models.Model,
    changes: dict[str, list] | None = None,
    target_label: str | None = None,
) -> Activity:
    """Record one entry (inside the caller's transaction); subscribers hear of it on commit."""
    declared = _checked(verb, target._meta.label_lower, changes)
    actor_id, actor_label = _actor_parts(actor)
    activity = Activity.objects.create(
        account=account,
        actor_id=actor_id,
        actor_label=actor_label,
        verb=declared.name,
        target_type=declared.target,
        target_id=str(target.pk),
        target_repr=(target_label or str(target))[:200],
        changes=changes or {},
    )
    _publish([_event(activity)])
    return activity


def _event(a: Activity) -> Event:
    return Event(
        verb=a.verb,
        account_id=a.account_id,
        actor_id=a.actor_id,
        actor_label=a.actor_label,
        target_type=a.target_type,
        target_id=a.target_id,
        target_label=a.target_repr,
        changes=a.changes,
        activity_id=a.pk,
        at=a.at,
    )


@dataclass(frozen=True)
class Pending:
    """One entry of a batch: what `event_record` takes, with the target as its id and label."""

    verb: Verb
    target_id: Any
    target_label: str
    changes: dict[str, list] = field(default_factory=dict)


COLUMNS = (
    "id",
    "account",
    "actor",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
    "at",
)


def _check_all(entries: Sequence[Pending]) -> None:
    checked: set[tuple] = set()  # a batch repeats a few shapes of entry: each checked once
    for entry in entries:
        shape = (id(entry.verb), *(entry.changes or ()))
        if shape not in checked:
            _checked(entry.verb, entry.verb.target, entry.changes)
            checked.add(shape)


def events_record(*, account, actor, entries: Sequence[Pending], at: datetime | None = None) -> int:
    """Record a batch of entries as plain rows (core.bulkinsert), all at `at`; subscribers hear
    of each on commit. Answers the count."""
    _check_all(entries)
    if not entries:
        return 0
    at = at or timezone.now()
    actor_id, actor_label = _actor_parts(actor)
    ids = ids_reserve(Activity, len(entries))
    rows = [
        (
            pk,
            account.pk,
            actor_id,
            actor_label,
            e.verb.name,
            e.verb.target,
            str(e.target_id),
            e.target_label[:200],
            e.changes,
            at,
        )
        for pk, e in zip(ids, entries, strict=True)
    ]
    insert(Activity, COLUMNS, rows)
    if _subscribers or _watchers:
        _publish(
            [
                Event(
                    verb=verb,
                    account_id=account_id,
                    actor_id=actor,
                    actor_label=label,
                    target_type=target_type,
                    target_id=target_id,
                    target_label=target_label,
                    changes=changes,
                    activity_id=pk,
                    at=when,
                )
                for (
                    pk,
                    account_id,
                    actor,
                    label,
                    verb,
                    target_type,
                    target_id,
                    target_label,
                    changes,
                    when,
                ) in rows
            ]
        )
    return len(rows)


def events_tell(
    *, account, actor, entries: Sequence[Pending], entry_id: int, at: datetime | None = None
) -> int:
    """Tell watchers and subscribers of a batch of entries as `events_record` would, without
    writing them one by one: they are summed up in one written entry (`entry_id`, an import
    job's, which each object's timeline shows: audit.queries.activity_about). Each event
    carries that entry's id. Answers the count."""
    _check_all(entries)
    if not entries or not (_subscribers or _watchers):
        return len(entries)
    at = at or timezone.now()
    actor_id, actor_label = _actor_parts(actor)
    _publish(
        [
            Event(
                verb=e.verb.name,
                account_id=account.pk,
                actor_id=actor_id,
                actor_label=actor_label,
                target_type=e.verb.target,
                target_id=str(e.target_id),
                target_label=e.target_label[:200],
                changes=e.changes,
                activity_id=entry_id,
                at=at,
            )
            for e in entries
        ]
    )
    return len(entries)


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose values differ."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
