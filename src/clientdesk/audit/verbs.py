"""Activity verbs: each domain declares once what it records and how people read it.

A verb names what happened (`client.status_changed`, stored as it is in `Activity.verb`), the
model it is about, the sentence people read, and the changed fields it may carry: each field's
label, the shape of its values (a status label, yes/no, a person's name for an id, …) and the
capability a reader needs to see the values. Writing an undeclared verb or field raises, so the
log cannot hold what the pages could not say.

Ids in the log are named when read, one query per kind of thing for a whole page: each domain
declares how to name its ids (`names_declare`), scoped to the person reading.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from clientdesk.core.html import cut

Text = str | Promise


class UnknownVerb(LookupError):
    """A verb nobody declared, or a field its verb does not declare."""


@dataclass(frozen=True)
class Name:
    """What an id reads as for one reader: a label, a link when the reader may open it."""

    label: str
    url: str | None = None
    within: "Name | None" = None  # what it belongs to (a contact's client)
    person_id: int | None = None  # the user it is, to say "joined" rather than "added themselves"

    def html(self) -> SafeString:
        return cut(self.label, self.url)  # a long name cut on one line, whole on hover


@dataclass
class Reading:
    """What shapes need to show values for one reader: the names found and the account's zone."""

    names: dict[str, dict[str, Name]]
    zone: ZoneInfo
    missing: dict[str, Text] = field(default_factory=dict)


def _none() -> SafeString:
    return escape(_("none"))


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


class Shape:
    """How the values of one field read. `refers_to`: the model whose ids they are."""

    refers_to: str | None = None
    shown = True  # False: the value is never shown, only that the field changed

    def ids(self, value: Any) -> Iterable[str]:
        return ()

    def show(self, value: Any, reading: Reading) -> SafeString:
        if _empty(value):
            return _none()
        return self.html(value, reading)

    def html(self, value: Any, reading: Reading) -> SafeString:
        raise NotImplementedError


class Plain(Shape):
    """Free text, cut short: a description in a sentence is a glimpse, not the record."""

    def __init__(self, limit: int = 80):
        self.limit = limit

    def html(self, value: Any, reading: Reading) -> SafeString:
        if isinstance(value, list):  # a list logged under a field declared as text
            value = ", ".join(str(v) for v in value)
        return escape(Truncator(str(value)).chars(self.limit))


class Choice(Shape):
    """A stored code read as its label; `badge` draws it as the pages draw that code."""

    def __init__(self, choices, badge: str | None = None):
        self.labels = dict(choices.choices)
        self.badge = badge

    def html(self, value: Any, reading: Reading) -> SafeString:
        label = self.labels.get(value, value)
        if self.badge:
            return format_html(
                '<span class="badge {0} {0}-{1}">{2}</span>', self.badge, value, label
            )
        return escape(label)


class YesNo(Shape):
    def show(self, value: Any, reading: Reading) -> SafeString:
        if value is None:
            return _none()
        return escape(_("yes") if value else _("no"))


class Items(Shape):
    """A list of words (tags): "a, b"."""

    def html(self, value: Any, reading: Reading) -> SafeString:
        items = value if isinstance(value, list) else [value]
        return escape(", ".join(str(v) for v in items))


class Pairs(Shape):
    """A small mapping of names to text (a device's own fields): "asset_tag: A-1, …", cut."""

    def html(self, value: Any, reading: Reading) -> SafeString:
        if not isinstance(value, dict):
            return escape(str(value))
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
        return escape(Truncator(text).chars(80))


class When(Shape):
    """An instant (stored as ISO text), shown in the account's time zone."""

    def html(self, value: Any, reading: Reading) -> SafeString:
        moment = value if isinstance(value, datetime) else parse_datetime(str(value))
        if moment is None:
            return escape(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, ZoneInfo("UTC"))
        return escape(date_format(timezone.localtime(moment, reading.zone), "j M Y, H:i"))


class Ref(Shape):
    """The id of another object, read as its name (a link when the reader may open it)."""

    def __init__(self, model: str):
        self.refers_to = model

    def ids(self, value: Any) -> Iterable[str]:
        return [str(value)] if not _empty(value) else []

    def html(self, value: Any, reading: Reading) -> SafeString:
        return self._one(value, reading)

    def _one(self, value: Any, reading: Reading) -> SafeString:
        assert self.refers_to is not None
        found = reading.names.get(self.refers_to, {}).get(str(value))
        if found is not None:
            return found.html()
        if isinstance(value, str) and not value.isdigit():
            return escape(value)  # older entries logged a prefix or an email, not an id
        return escape(reading.missing.get(self.refers_to) or _("something since removed"))


class Refs(Ref):
    """A list of ids of one kind: "Acme Builders, Globex"."""

    def ids(self, value: Any) -> Iterable[str]:
        return [str(v) for v in value or [] if not _empty(v)]

    def html(self, value: Any, reading: Reading) -> SafeString:
        return mark_safe(", ".join(self._one(v, reading) for v in value))  # noqa: S308 - escaped parts


class Unshown(Shape):
    """Values too large or too technical for a sentence: only that the field changed."""

    shown = False

    def html(self, value: Any, reading: Reading) -> SafeString:
        return _none()


PLAIN = Plain()


def label_of(model, name: str) -> Text:
    """A model field's own verbose name, so that the log and the forms say the same."""
    return getattr(model._meta.get_field(name), "verbose_name", name)


@dataclass(frozen=True)
class Field:
    label: Text
    shape: Shape = PLAIN
    requires: str | None = None  # the capability needed to see the values (e.g. money.read)


@dataclass(frozen=True, eq=False)
class Verb:
    """One thing that can happen. `sentence` is a gettext template with these placeholders:
    `actor`, `target`, `target_s` (its possessive), `within`, `within_s` (what the target belongs
    to), `change` (for edits: what changed, in words) and `<field>_old` / `<field>_new`.
    `variants` are (fields, template) pairs, the first whose fields all have a new value wins;
    `by_self` is said when the actor is the person the entry is about."""

    name: str
    target: str  # the model label of what it is about, e.g. "clients.client"
    sentence: Text
    fields: Mapping[str, Field] = field(default_factory=dict)
    variants: tuple[tuple[tuple[str, ...], Text], ...] = ()
    by_self: Text | None = None
    edit: bool = False  # an edit of fields: the sentence says which (`change`) and lists them
    # An entry about many objects at once (an import job's): how it reads in the timeline of
    # each of them (a verb about that object, with the same fields); audit.sentences `about`.
    each: "Verb | None" = None

    def template(self, changes: Mapping[str, Any], actor_is_target: bool) -> Text:
        if actor_is_target and self.by_self is not None:
            return self.by_self
        for names, template in self.variants:
            if all(_new_value(changes, n) not in (None, "", []) for n in names):
                return template
        return self.sentence


def _new_value(changes: Mapping[str, Any], name: str) -> Any:
    pair = changes.get(name)
    return pair[1] if isinstance(pair, list | tuple) and len(pair) == 2 else None


_verbs: dict[str, Verb] = {}
Resolver = Callable[[Any, set[str]], dict[str, Name]]
_names: dict[str, tuple[Resolver, Text]] = {}


def verbs_declare(*verbs: Verb) -> None:
    for verb in verbs:
        known = _verbs.get(verb.name)
        if known is not None and known is not verb:
            raise ImproperlyConfigured(f"activity verb {verb.name!r} is declared twice")
        _verbs[verb.name] = verb


def verb_of(verb: "Verb | str") -> Verb:
    """The declared verb (by itself or its name); an undeclared one raises UnknownVerb."""
    name = verb.name if isinstance(verb, Verb) else verb
    declared = _verbs.get(name)
    if declared is None or (isinstance(verb, Verb) and declared is not verb):
        raise UnknownVerb(f"activity verb {name!r} is not declared")
    return declared


def verbs_declared() -> list[Verb]:
    return sorted(_verbs.values(), key=lambda v: v.name)


def names_declare(model: str, resolve: Resolver, *, missing: Text) -> None:
    """How ids of `model` read: `resolve(reader_membership, ids)` answers {id: Name} in a fixed
    number of queries, naming what the reader may not see as such (never by its name); ids it
    does not answer read as `missing` (a value) or as the label stored with the entry (a
    target)."""
    _names[model] = (resolve, missing)


def names_resolver(model: str) -> tuple[Resolver, Text] | None:
    return _names.get(model)
