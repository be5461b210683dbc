"""Field rules of a model, checked on plain values without building an instance.

`fields_check` runs what `Model.full_clean()` runs per field (`Field.clean`: conversion,
blank, choices, max length, validators), with the same messages, so a batch of imported rows is
refused for exactly the reasons a form or `full_clean` would refuse a single record.
"""

import functools
import re
from collections.abc import Callable
from typing import Any

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models


def fields_check(model: type[models.Model], values: dict[str, Any]) -> dict[str, list[str]]:
    """{field: [messages]} for the values the model's fields refuse (only the keys given)."""
    errors: dict[str, list[str]] = {}
    fields = _fields(model)
    for name, value in values.items():
        known = fields.get(name)
        if known is None:
            continue
        model_field, plain_limit, direct = known
        if model_field.blank and value in model_field.empty_values:
            continue  # an empty value of a field that may be blank passes every check
        if (
            plain_limit is not None
            and type(value) is str
            and 0 < len(value) <= plain_limit
            and "\x00" not in value
        ):
            continue  # what a plain CharField or TextField takes as it is
        if direct is not None and type(value) is str and value and all(p(value) for p in direct):
            continue  # a text its field's validators take (all Field.clean would run)
        try:
            model_field.clean(value, None)
        except ValidationError as exc:
            # The first broken rule is enough to put it right ("use 2–10 letters" makes
            # "at most 10 characters" redundant).
            errors[name] = [exc.messages[0]]
    return errors


_BUILT_IN = (validators.MaxLengthValidator, validators.ProhibitNullCharactersValidator)
_cache: dict[type, dict[str, tuple[models.Field, int | None, tuple | None]]] = {}
_UNLIMITED = 1 << 62


def _plain_limit(model_field: models.Field) -> int | None:
    """The length a text must stay within when a field has no other rule (CharField and
    TextField without choices or validators of their own), else None: Field.clean decides,
    with its message."""
    if type(model_field) not in (models.CharField, models.TextField) or model_field.choices:
        return None
    if any(not isinstance(v, _BUILT_IN) for v in model_field.validators):
        return None
    return model_field.max_length or _UNLIMITED


def _raises(check: Callable[[str], None]) -> Callable[[str], bool]:
    def passes(value: str) -> bool:
        try:
            check(value)
        except ValidationError:
            return False  # Field.clean then says why, in its words
        return True

    return passes


def _passer(check: Callable[[str], None]) -> Callable[[str], bool]:
    """Whether a text passes a validator, answered without raising, and for Django's own
    validators without their lazy regular expressions (each use went through a proxy: an
    import's emails and prefixes spent more there than in matching). Exactly the validator's
    rule; anything else, or a subclass, is asked itself."""
    kind = type(check)
    if kind is validators.EmailValidator:
        user = re.compile(check.user_regex.pattern, check.user_regex.flags)
        allowed = frozenset(check.domain_allowlist)
        # A file's emails share a few domains.
        domain_ok = functools.lru_cache(maxsize=4096)(check.validate_domain_part)

        def email(value: str) -> bool:
            if not value or "@" not in value or len(value) > 320:
                return False
            user_part, domain_part = value.rsplit("@", 1)
            return bool(user.match(user_part)) and (
                domain_part in allowed or domain_ok(domain_part)
            )

        return email
    if kind is validators.RegexValidator:
        pattern = re.compile(check.regex.pattern, check.regex.flags)
        inverse = check.inverse_match
        return lambda value: (pattern.search(value) is None) is inverse
    if kind is validators.MaxLengthValidator and type(check.limit_value) is int:
        limit = check.limit_value
        return lambda value: len(value) <= limit
    if kind is validators.ProhibitNullCharactersValidator:
        return lambda value: "\x00" not in value
    return _raises(check)


def _direct(model_field: models.Field) -> tuple | None:
    """The validators alone, for a text field whose `clean` of a non-empty text is just them:
    a CharField (EmailField, …) without choices takes a text as it is (to_python) and
    `validate` refuses only an empty one. Else None: Field.clean decides."""
    if type(model_field) not in (models.CharField, models.EmailField) or model_field.choices:
        return None
    return tuple(_passer(v) for v in model_field.validators)


def _fields(
    model: type[models.Model],
) -> dict[str, tuple[models.Field, int | None, tuple | None]]:
    if model not in _cache:
        _cache[model] = {
            f.name: (f, _plain_limit(f), _direct(f))
            for f in model._meta.concrete_fields
            if not f.is_relation and not f.primary_key
        }
    return _cache[model]
