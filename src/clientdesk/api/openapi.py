"""The OpenAPI document as a contract (issue 17): what ninja writes, completed with what
every route can answer, so that a route added later is described without anyone listing it.

- every answer the root's handlers can give (401, 400, 404, 422) is listed on the operations
  it can happen to, in the error shape of DESIGN §7, with an example;
- schemas that a handler documents itself (a body read after the lookup) bring their
  sub-schemas into `components`, so that every reference resolves;
- a create links to the reads, updates, sub-resources and delete of what it created (the
  stateful phase of schemathesis follows them, and so may a client generator).
"""

import copy
import re

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
EXAMPLES = {
    400: (
        "A body that is not JSON, or a cursor this server did not give.",
        {"detail": "Invalid cursor.", "errors": {"cursor": ["cursor is not one this server gave"]}},
    ),
    401: (
        "Missing, unknown or revoked token.",
        {"detail": "Missing, unknown or revoked API token.", "errors": {}},
    ),
    403: (
        "Your role lacks the capability.",
        {"detail": "Your role does not allow this.", "errors": {}},
    ),
    404: (
        "Missing, not yours (another account, a hidden client, a deleted one), or an id that "
        "cannot be one.",
        {"detail": "Not found.", "errors": {}},
    ),
    409: (
        "The object changed since you read it, or the rules refuse the change now.",
        {"detail": "This client changed since you read it.", "errors": {"version": ["…"]}},
    ),
    413: (
        "A body larger than the route takes (a raw email: CLIENTDESK_MAILIN_MAX_BYTES).",
        {"detail": "The message is larger than 25 MB.", "errors": {"__all__": ["…"]}},
    ),
    422: (
        "Fields that are not valid, each named with its messages.",
        {"detail": "Some fields are not valid.", "errors": {"name": ["This field is required."]}},
    ),
}
JSON = "application/json"
CURSOR = "^[A-Za-z0-9_-]*$"  # what core.pagination gives (URL-safe base64); empty: the start
PARAM = re.compile(r"\{(\w+)\}")


def complete(schema: dict) -> dict:
    schema = copy.deepcopy(schema)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    operations = [
        (path, method, operation)
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
    ]
    for _path, _method, operation in operations:
        # ninja keys answers by number; the document (JSON) by text: one key each.
        operation["responses"] = {str(k): v for k, v in operation.get("responses", {}).items()}
        for content in _contents(operation):
            if "schema" in content:
                content["schema"] = _named(_hoist(content["schema"], components), components)
        _answers(operation)
    _links(operations)
    return schema


def _contents(operation: dict) -> list[dict]:
    bodies = [operation.get("requestBody", {}), *operation.get("responses", {}).values()]
    return [c for body in bodies for c in body.get("content", {}).values()]


def _hoist(schema: dict, components: dict) -> dict:
    """`$defs` of an inline schema into components, its references rewritten to point there."""
    defs = schema.pop("$defs", {})
    if not defs:
        return schema
    for name, sub in defs.items():
        components.setdefault(name, sub)

    def rewrite(node):
        if isinstance(node, dict):
            return {
                k: (
                    v.replace("#/$defs/", "#/components/schemas/")
                    if k == "$ref" and isinstance(v, str)
                    else rewrite(v)
                )
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    for name in defs:
        components[name] = rewrite(components[name])
    return rewrite(schema)


def _named(schema: dict, components: dict) -> dict:
    """A body schema a handler documents itself joins components under its model's name (so a
    generated client calls it `StatusIn`, as the code does)."""
    name = schema.get("title")
    if not name or "properties" not in schema or components.get(name, schema) != schema:
        return schema
    components[name] = schema
    return {"$ref": f"#/components/schemas/{name}"}


def _answers(operation: dict) -> None:
    """The statuses the API's root answers for any route, on the routes they can happen to."""
    params = operation.get("parameters", [])
    body = operation.get("requestBody", {}).get("content", {})
    codes = set()
    if operation.get("security"):
        codes.add(401)
    if body or any(p["in"] != "path" for p in params):
        codes.add(422)  # a path's malformed id is a 404
    if body:  # a JSON body that is not JSON, a multipart body that cannot be read
        codes.add(400)
    for param in params:
        if param["in"] == "query" and param["name"] == "cursor":
            codes.add(400)
            for option in param["schema"].get("anyOf", [param["schema"]]):
                if option.get("type") == "string":
                    option["pattern"] = CURSOR
    if any(p["in"] == "path" for p in params):
        codes.add(404)
    responses = operation.setdefault("responses", {})
    for code in sorted(codes):
        responses.setdefault(str(code), {"content": {JSON: {"schema": ERROR_REF}}})
    for code, response in responses.items():
        if int(code) in EXAMPLES:
            description, example = EXAMPLES[int(code)]
            response["description"] = description
            content = response.setdefault("content", {}).setdefault(JSON, {"schema": ERROR_REF})
            content.setdefault("example", example)


def _links(operations: list[tuple[str, str, dict]]) -> None:
    """POST …/<things> answering 201 with an `id` links to every operation of
    /<things>/{id}… (GET, PATCH and DELETE of it, and its own sub-resources)."""
    for path, method, operation in operations:
        created = operation.get("responses", {}).get("201")
        if method != "post" or not created or "/{" in path.rsplit("/", 1)[-1]:
            continue
        things = path.rsplit("/", 1)[-1]
        root = path.split("/api/v1/", 1)[0] + "/api/v1/"
        links = {}
        for target_path, _target_method, target in operations:
            match = re.match(re.escape(f"{root}{things}/") + r"\{(\w+)\}", target_path)
            if not match:
                continue
            links[target["operationId"]] = {
                "operationId": target["operationId"],
                "parameters": {f"path.{match.group(1)}": "$response.body#/id"},
            }
        if links:
            created["links"] = links
