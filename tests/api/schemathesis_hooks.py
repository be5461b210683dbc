"""A check schemathesis runs beside its own (tests/api/schemathesis.toml loads this file).

schemathesis's `positive_data_acceptance` is told (in the .toml) that a request the document
allows may still be refused with 422 or 400: a business rule no schema can state refuses it
(a status change DESIGN §2 does not allow, a duplicate prefix, a parent or manager that does
not exist, a cursor this server never gave). Those refusals come from the services and say
"Some fields are not valid." (or "Invalid cursor."). This check keeps the promise of the
document for everything else: a request it allows is never refused by the API's own schema
layer ("The request is not valid.") nor as a body that cannot be parsed, because then the
document failed to state a rule the server enforces.
"""

import ast
import functools
import threading

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

# Python 3.11 counts the AST constructor's recursion depth per interpreter, not per thread
# (CPython gh-106905): two threads in `ast.parse` at once can fail with "SystemError: AST
# constructor recursion depth mismatch". Hypothesis parses a lambda's source to describe a
# filtered strategy, and schemathesis's workers are threads: it failed a CI run that way on
# 5 December 2026. So this process parses one source at a time.
_parsing = threading.Lock()
_parse = ast.parse


@functools.wraps(_parse)
def _parse_alone(*args, **kwargs):
    with _parsing:
        return _parse(*args, **kwargs)


ast.parse = _parse_alone

SCHEMA_LAYER = {
    422: "The request is not valid.",
    400: "Cannot parse request body",
}


@schemathesis.check
def document_states_every_rule(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return None
    if is_unexpected_http_status_case(case) or response.status_code not in SCHEMA_LAYER:
        return None
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    if detail == SCHEMA_LAYER[response.status_code]:
        raise AssertionError(
            "The document allows this request, but the API's schema refused it: the document "
            f"does not state a rule the server enforces.\n{response.text[:500]}"
        )
    return None


@schemathesis.serializer("message/rfc822")
def raw_email(ctx, value):
    """POST /api/v1/inbound-email takes a raw email: send what was generated as its bytes (the
    route answers 401 without the account's inbound secret, whatever the body)."""
    if isinstance(value, bytes):
        return value
    return str(value if value is not None else "").encode("utf-8", "surrogatepass")
