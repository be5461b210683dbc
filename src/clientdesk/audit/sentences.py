"""Activity entries in words, as a person reads them: "Ana moved Acme Builders from Active to
At risk: quiet for months".

A page of entries costs a fixed number of queries whatever its length: the ids its entries name
are gathered first and named in one query per kind (audit.verbs.names_declare), for the reader.
"""

import copy
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Model
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clientdesk.audit.models import Activity
from clientdesk.audit.verbs import (
    Field,
    Name,
    Reading,
    UnknownVerb,
    Verb,
    names_resolver,
    verb_of,
)
from clientdesk.core.roles import can


@dataclass
class Said:
    """One entry in words: the sentence, and for an edit of several fields one line each."""

    at: datetime
    verb: str
    text: SafeString
    details: list[SafeString] = field(default_factory=list)


class _Parts(dict):
    # An older entry may lack a field its sentence names: it reads "none", never a KeyError.
    def __missing__(self, key: str) -> str:
        return escape(_("none"))


def _fill(template, parts: Mapping[str, Any]) -> SafeString:
    # The template is ours (translated); the parts are escaped HTML.
    return mark_safe(escape(str(template)) % parts)  # noqa: S308


def possessive(html: SafeString, plain: str) -> SafeString:
    """ "Acme Builders'" and "Bea's": English drops the s after a name ending in s."""
    if plain.endswith(("s", "S")):
        template = pgettext("possessive of a name ending in s", "%(name)s'")
    else:
        template = pgettext("possessive of a name", "%(name)s's")
    return _fill(template, {"name": html})


def _verb(name: str) -> Verb | None:
    try:
        return verb_of(name)
    except UnknownVerb:
        return None


def _pairs(changes: Any) -> dict[str, tuple[Any, Any]]:
    if not isinstance(changes, dict):
        return {}
    return {
        k: (v[0], v[1]) for k, v in changes.items() if isinstance(v, list | tuple) and len(v) == 2
    }


def _field(verb: Verb, name: str) -> Field:
    # A field an older entry logged that its verb no longer declares: its name, its text.
    return verb.fields.get(name) or Field(name.replace("_", " "))


def _may_see(reader, f: Field) -> bool:
    return f.requires is None or can(reader, f.requires)


def sentences(rows: list[Activity], *, reader, about: Model | None = None) -> list[Said]:
    """The entries in words for `reader` (a membership), in the order given. `about`: the
    object whose timeline they are; an entry about many objects at once reads as its verb's
    `each`, about that object ("Ana imported Acme from clients.csv")."""
    if about is not None:
        rows = [_about(row, about) for row in rows]
    verbs = [_verb(row.verb) for row in rows]
    reading = _names(rows, verbs, reader)
    return [_said(row, verb, reader, reading) for row, verb in zip(rows, verbs, strict=True)]


def _about(row: Activity, about: Model) -> Activity:
    verb = _verb(row.verb)
    label = about._meta.label_lower
    if verb is None or verb.each is None or verb.each.target != label:
        return row
    seen = copy.copy(row)  # the entry itself stays as it is, for the other timelines
    seen.verb, seen.target_type = verb.each.name, label
    seen.target_id, seen.target_repr = str(about.pk), str(about)[:200]
    return seen


def _names(rows: list[Activity], verbs: list[Verb | None], reader) -> Reading:
    wanted: dict[str, set[str]] = defaultdict(set)
    for row, verb in zip(rows, verbs, strict=True):
        if verb is None:
            continue
        wanted[verb.target].add(row.target_id)
        for name, pair in _pairs(row.changes).items():
            f = _field(verb, name)
            if f.shape.refers_to and _may_see(reader, f):
                for value in pair:
                    wanted[f.shape.refers_to].update(f.shape.ids(value))
    reading = Reading(names={}, zone=ZoneInfo(reader.account.time_zone))
    for model, ids in wanted.items():
        found = names_resolver(model)
        if found is None:
            continue
        resolve, missing = found
        reading.names[model] = resolve(reader, ids) if ids else {}
        reading.missing[model] = missing
    return reading


def _actor(row: Activity) -> str:
    if row.actor is not None:
        return getattr(row.actor, "display_name", row.actor_label)
    if row.actor_label and row.actor_label != "system":
        return row.actor_label  # the person has gone: the address they had
    return _("Clientdesk")


def _said(row: Activity, verb: Verb | None, reader, reading: Reading) -> Said:
    actor = escape(_actor(row))
    if verb is None:  # an entry of a verb since removed: still a sentence
        text = _fill(
            _("%(actor)s changed %(target)s"), {"actor": actor, "target": escape(row.target_repr)}
        )
        return Said(at=row.at, verb=row.verb, text=text)
    target = reading.names.get(verb.target, {}).get(row.target_id) or Name(row.target_repr)
    within = target.within or Name(_("its client"))
    parts = _Parts(
        actor=actor,
        target=target.html(),
        target_s=possessive(target.html(), target.label),
        within=within.html(),
        within_s=possessive(within.html(), within.label),
    )
    pairs = _pairs(row.changes)
    # In the order the verb declares its fields: PostgreSQL's jsonb keeps no order of its own.
    order = {name: i for i, name in enumerate(verb.fields)}
    pairs = dict(sorted(pairs.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    # (label, old, new), old and new None when the reader may not see them
    changed: list[tuple[str, SafeString | None, SafeString | None]] = []
    for name, (old, new) in pairs.items():
        f = _field(verb, name)
        if f.shape.shown and _may_see(reader, f):
            shown = (f.shape.show(old, reading), f.shape.show(new, reading))
            parts[f"{name}_old"], parts[f"{name}_new"] = shown
            changed.append((str(f.label), *shown))
        else:
            changed.append((str(f.label), None, None))
    details: list[SafeString] = []
    if verb.edit:
        parts["change"], details = _change(changed)
    actor_is_target = target.person_id is not None and target.person_id == row.actor_id
    template = verb.template(row.changes or {}, actor_is_target)
    return Said(at=row.at, verb=row.verb, text=_fill(template, parts), details=details)


def _change(
    changed: list[tuple[str, SafeString | None, SafeString | None]],
) -> tuple[SafeString, list[SafeString]]:
    """What an edit changed, in words: one field with its values, or the fields' names and a
    line for each."""

    def one(label: str, old, new) -> SafeString:
        if old is None:  # values the reader may not see: only that it changed
            return escape(label)
        return _fill(
            _("%(field)s from %(old)s to %(new)s"),
            {"field": escape(label), "old": old, "new": new},
        )

    if not changed:
        return escape(_("details")), []
    if len(changed) == 1:
        return one(*changed[0]), []
    names = escape(get_text_list([label for label, _old, _new in changed], _("and")))
    return names, [mark_safe(capfirst(one(*c))) for c in changed if c[1] is not None]  # noqa: S308
