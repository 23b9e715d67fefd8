"""Contract checks for the fake: requests and responses against the official Looker 4.0 spec,
and responses against looker-sdk's own models.

A small OpenAPI 3 validator: ``$ref`` resolution, types string/integer/number/boolean/array/
object, ``nullable``, ``required`` (request side: not for readOnly fields), unknown fields,
readOnly fields sent in a request, writeOnly fields returned in a response, and query
parameter names. The spec is found at ``LOOKER_OAS_SPEC`` or ../shared/looker-api/ next to the
repository; when it is absent :func:`load_spec` returns None and callers skip with the reason
in :data:`SPEC_MISSING_REASON`.
"""

from __future__ import annotations

import json
import os
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from looker_sdk.sdk.api40 import models as models40

from looker_ops.looker.client import deserialize40

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SPEC_PATHS = (
    REPO.parent / "shared" / "looker-api" / "Looker.4.0.oas.json",
    REPO / "shared" / "looker-api" / "Looker.4.0.oas.json",
)
SPEC_MISSING_REASON = (
    "Looker API 4.0 spec not found (set LOOKER_OAS_SPEC or put Looker.4.0.oas.json in "
    "../shared/looker-api/): contract checks against the spec are skipped"
)


class ContractViolation(AssertionError):
    """A request or response of the fake does not match the Looker API 4.0 spec or SDK models."""


def spec_path() -> Path | None:
    env = os.environ.get("LOOKER_OAS_SPEC")
    candidates = [Path(env)] if env else list(DEFAULT_SPEC_PATHS)
    for p in candidates:
        if p.is_file():
            return p
    return None


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    spec: dict[str, Any]
    regex: re.Pattern[str]
    literal_segments: int


class Spec:
    """The parsed OpenAPI document with path matching and schema checks."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.schemas: dict[str, Any] = doc.get("components", {}).get("schemas", {})
        self.request_bodies: dict[str, Any] = doc.get("components", {}).get("requestBodies", {})
        ops: list[Operation] = []
        for template, item in doc.get("paths", {}).items():
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                ops.append(
                    Operation(
                        method.upper(),
                        template,
                        op.get("operationId", ""),
                        op,
                        template_regex(template),
                        sum(1 for s in template.split("/") if s and not s.startswith("{")),
                    )
                )
        # Literal segments first: /dashboards/lookml before /dashboards/{dashboard_id}.
        self.operations = sorted(ops, key=lambda o: (-o.literal_segments, o.template))
        self.by_id = {o.operation_id: o for o in ops}

    # --- lookup --------------------------------------------------------------------------
    def match(self, method: str, path: str) -> Operation | None:
        for op in self.operations:
            if op.method == method and op.regex.fullmatch(path):
                return op
        return None

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        seen = 0
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/components/"):
                raise ContractViolation(f"unsupported $ref {ref}")
            kind, name = ref[len("#/components/") :].split("/", 1)
            schema = self.doc["components"][kind][name]
            seen += 1
            if seen > 20:
                raise ContractViolation(f"$ref loop at {ref}")
        return schema

    def request_schema(self, op: Operation) -> tuple[dict[str, Any] | None, str | None, bool]:
        """(schema, content type, required) of the operation's request body."""
        rb = op.spec.get("requestBody")
        if not rb:
            return None, None, False
        rb = self.resolve(rb)
        content = rb.get("content", {})
        for ctype in ("application/json", "application/x-www-form-urlencoded", "text/plain"):
            if ctype in content:
                return content[ctype].get("schema"), ctype, bool(rb.get("required"))
        return None, None, bool(rb.get("required"))

    def response_schema(self, op: Operation, status: int) -> tuple[bool, dict[str, Any] | None, str | None]:
        """(documented, schema, content type) for a status. Undocumented errors use Error."""
        responses = op.spec.get("responses", {})
        r = responses.get(str(status))
        if r is None:
            if status == 422:
                return False, {"$ref": "#/components/schemas/ValidationError"}, "application/json"
            if status >= 400:
                return False, {"$ref": "#/components/schemas/Error"}, "application/json"
            return False, None, None
        r = self.resolve(r)
        content = r.get("content") or {}
        for ctype, c in content.items():
            return True, c.get("schema"), ctype
        return True, None, None

    # --- schema validation -----------------------------------------------------------------
    def check(self, value: Any, schema: dict[str, Any] | None, where: str, *, direction: str) -> list[str]:
        problems: list[str] = []
        if schema is not None:
            self._check(value, schema, where, direction, problems)
        return problems

    def _check(self, value: Any, schema: dict[str, Any], where: str, direction: str, out: list[str]) -> None:
        name = schema.get("$ref", "").rsplit("/", 1)[-1] if "$ref" in schema else None
        schema = self.resolve(schema)
        if value is None:
            if not schema.get("nullable"):
                out.append(f"{where}: null where the spec does not allow null")
            return
        typ = schema.get("type")
        if typ is None and "properties" in schema:
            typ = "object"
        if typ == "string":
            if not isinstance(value, str):
                out.append(f"{where}: expected string, got {type(value).__name__} {value!r}")
            elif "enum" in schema and value not in schema["enum"]:
                out.append(f"{where}: {value!r} is not one of {schema['enum']}")
        elif typ == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                out.append(f"{where}: expected integer, got {type(value).__name__} {value!r}")
        elif typ == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                out.append(f"{where}: expected number, got {type(value).__name__} {value!r}")
        elif typ == "boolean":
            if not isinstance(value, bool):
                out.append(f"{where}: expected boolean, got {type(value).__name__} {value!r}")
        elif typ == "array":
            if not isinstance(value, list):
                out.append(f"{where}: expected array, got {type(value).__name__}")
                return
            items = schema.get("items")
            if items:
                for i, item in enumerate(value):
                    self._check(item, items, f"{where}[{i}]", direction, out)
        elif typ == "object":
            if not isinstance(value, dict):
                out.append(
                    f"{where}: expected object{f' {name}' if name else ''}, got {type(value).__name__}"
                )
                return
            props: dict[str, Any] = schema.get("properties", {})
            addl = schema.get("additionalProperties")
            label = f"{where} ({name})" if name else where
            for key, v in value.items():
                if key in props:
                    prop = props[key]
                    resolved = self.resolve(prop)
                    if direction == "request" and (prop.get("readOnly") or resolved.get("readOnly")):
                        out.append(f"{label}.{key}: read-only field sent in a request")
                    if direction == "response" and (prop.get("writeOnly") or resolved.get("writeOnly")):
                        out.append(f"{label}.{key}: write-only field returned in a response")
                    self._check(v, prop, f"{where}.{key}", direction, out)
                elif isinstance(addl, dict):
                    self._check(v, addl, f"{where}.{key}", direction, out)
                elif addl is True or (not props and addl is None):
                    continue
                else:
                    out.append(f"{label}.{key}: no such field in the spec")
            for req in schema.get("required", []):
                prop = props.get(req, {})
                if direction == "request" and (prop.get("readOnly") or self.resolve(prop).get("readOnly")):
                    continue
                if req not in value:
                    out.append(f"{label}: required field {req!r} missing")


def template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    rx = "".join(
        f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts
    )
    return re.compile(rx)


@cache
def load_spec() -> Spec | None:
    path = spec_path()
    if path is None:
        return None
    with path.open(encoding="utf-8") as fh:
        return Spec(json.load(fh))


# --- looker-sdk model check -------------------------------------------------------------------


def sdk_structure(spec: Spec | None, schema: dict[str, Any] | None) -> Any:
    """The looker-sdk type a response schema deserializes into (None if not a model)."""
    if schema is None:
        return None
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return getattr(models40, name, None)
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        inner: Any = sdk_structure(spec, schema["items"])
        return typing.Sequence[inner] if inner is not None else None
    return None


def check_sdk_model(body: Any, structure: Any, where: str) -> list[str]:
    """Deserialize like the SDK does when a call returns; report what fails."""
    if structure is None:
        return []
    try:
        result = deserialize40(data=json.dumps(body), structure=structure)
    except Exception as exc:
        return [f"{where}: does not deserialize into looker-sdk {structure}: {type(exc).__name__}: {exc}"]
    if isinstance(body, dict) and not isinstance(result, models40.model.Model):
        return [f"{where}: deserialized into {type(result).__name__}, not a looker-sdk model"]
    return []


def model_for_operation(operation_id: str) -> Any:
    """The return type looker-sdk declares for a method (used when the spec is absent)."""
    from looker_sdk.sdk.api40.methods import Looker40SDK

    fn = getattr(Looker40SDK, operation_id, None)
    if fn is None:
        return None
    try:
        hints = typing.get_type_hints(fn, vars(models40))
    except Exception:
        return None
    ret = hints.get("return")
    if ret is None:
        return None
    args = typing.get_args(ret)
    if typing.get_origin(ret) is typing.Union or args:
        # Sequence[Model] stays as is; Union[str, bytes] etc. are not models.
        if typing.get_origin(ret) in (Sequence, typing.Sequence, list):
            return ret
        return None
    if isinstance(ret, type) and issubclass(ret, models40.model.Model):
        return ret
    return None
