"""Field rules of a model, checked on plain values without building an instance.

`fields_check` runs what `Model.full_clean()` runs per field (`Field.clean`: conversion,
blank, choices, max length, validators), with the same messages, so a batch of imported rows is
refused for exactly the reasons a form or `full_clean` would refuse a single record.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def fields_check(model: type[models.Model], values: dict[str, Any]) -> dict[str, list[str]]:
    """{field: [messages]} for the values the model's fields refuse (only the keys given)."""
    errors: dict[str, list[str]] = {}
    fields = _fields(model)
    for name, value in values.items():
        model_field = fields.get(name)
        if model_field is None:
            continue
        try:
            model_field.clean(value, None)
        except ValidationError as exc:
            errors[name] = list(exc.messages)
    return errors


_cache: dict[type, dict[str, models.Field]] = {}


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    if model not in _cache:
        _cache[model] = {
            f.name: f
            for f in model._meta.concrete_fields
            if not f.is_relation and not f.primary_key
        }
    return _cache[model]
