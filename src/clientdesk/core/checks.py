"""Field rules of a model, checked on plain values without building an instance.

`fields_check` runs what `Model.full_clean()` runs per field (`Field.clean`: conversion,
blank, choices, max length, validators), with the same messages, so a batch of imported rows is
refused for exactly the reasons a form or `full_clean` would refuse a single record.
"""

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
        if direct is not None and type(value) is str and value and _passes(direct, value):
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


def _passes(checks: tuple, value: str) -> bool:
    try:
        for check in checks:
            check(value)
    except ValidationError:
        return False  # Field.clean then says why, in its words
    return True


def _direct(model_field: models.Field) -> tuple | None:
    """The validators alone, for a text field whose `clean` of a non-empty text is just them:
    a CharField (EmailField, …) without choices takes a text as it is (to_python) and
    `validate` refuses only an empty one. Else None: Field.clean decides."""
    if type(model_field) not in (models.CharField, models.EmailField) or model_field.choices:
        return None
    return tuple(model_field.validators)


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
