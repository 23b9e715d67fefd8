"""Contract checks for the fake: requests and responses against the Looker API 4.0, and
responses against looker-sdk's own models.

Two sources describe the API, and both feed the same small OpenAPI 3 validator (``$ref``
resolution, types string/integer/number/boolean/array/object, ``nullable``, ``required``
(request side: not for readOnly fields), enums, unknown fields, readOnly fields sent in a
request, writeOnly fields returned in a response, and query parameter names):

- **looker-sdk**, always present (the test extra installs it): :func:`sdk_document` reads every
  method of ``Looker40SDK`` (its verb, path, query parameters and body type, from the method's
  source and signature) and every model class (fields, types, required fields, enums; a field of
  ``Foo`` missing from ``WriteFoo`` is read-only), and writes them as an OpenAPI document. The
  SDK is generated from the spec, so this is the spec as the SDK sees it, in any clone.
- **the official spec** file, an extra where it is present (``LOOKER_OAS_SPEC``, or
  ../shared/looker-api/Looker.4.0.oas.json next to the repository): it adds what the SDK does not
  carry: documented status codes, nullability of every field, writeOnly fields.

:func:`load_spec` returns the spec file when present, else the SDK's document.
"""

from __future__ import annotations

import ast
import collections.abc
import datetime
import enum
import inspect
import json
import os
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import attr
from looker_sdk.sdk.api40 import models as models40

from looker_ops.looker.client import deserialize40

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SPEC_PATHS = (
    REPO.parent / "shared" / "looker-api" / "Looker.4.0.oas.json",
    REPO / "shared" / "looker-api" / "Looker.4.0.oas.json",
)
SPEC_MISSING_REASON = (
    "Looker API 4.0 spec file not found (set LOOKER_OAS_SPEC or put Looker.4.0.oas.json in "
    "../shared/looker-api/): checks only the spec carries (status codes, nullability, writeOnly) "
    "are skipped; the contract is checked against looker-sdk's methods and models"
)
SOURCE_SPEC = "spec"
SOURCE_SDK = "looker-sdk"


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
        # Where the document comes from: the spec file, or looker-sdk (see sdk_document).
        self.source: str = doc.get("x-source", SOURCE_SPEC)
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
        # looker-sdk's document marks an optional model field as a nullable $ref.
        nullable = schema.get("nullable")
        schema = self.resolve(schema)
        if value is None:
            if not (nullable or schema.get("nullable")):
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
def load_spec_file() -> Spec | None:
    """The official spec, when its file is present (else None)."""
    path = spec_path()
    if path is None:
        return None
    with path.open(encoding="utf-8") as fh:
        return Spec(json.load(fh))


@cache
def load_sdk_spec() -> Spec:
    """The API as looker-sdk describes it (always available)."""
    return Spec(sdk_document())


def load_spec() -> Spec:
    """The best description at hand: the spec file when present, else looker-sdk's."""
    return load_spec_file() or load_sdk_spec()


# --- the API as looker-sdk describes it --------------------------------------------------------

_VERBS = ("get", "post", "put", "patch", "delete")
_SCALARS: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    datetime.datetime: {"type": "string", "format": "date-time"},
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def type_schema(tp: Any) -> dict[str, Any]:
    """The OpenAPI schema of a looker-sdk type annotation (``{}`` accepts anything)."""
    if isinstance(tp, typing.ForwardRef):
        tp = getattr(models40, tp.__forward_arg__, Any)
    elif isinstance(tp, str):
        tp = getattr(models40, tp, Any)
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _ref(tp.__name__)
    if isinstance(tp, type) and issubclass(tp, models40.model.Model):
        return _ref(tp.__name__)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:
        inner = [a for a in args if a is not type(None)]
        schema = type_schema(inner[0]) if len(inner) == 1 else {}
        if type(None) in args and schema:
            schema = {**schema, "nullable": True}
        return schema
    if origin is not None and isinstance(origin, type):
        if issubclass(origin, collections.abc.Mapping):
            value = type_schema(args[1]) if len(args) == 2 else {}
            return {"type": "object", "additionalProperties": value or True}
        if issubclass(origin, collections.abc.Sequence) and origin is not str:
            return {"type": "array", "items": type_schema(args[0]) if args else {}}
    return {}


def _model_schemas() -> dict[str, dict[str, Any]]:
    """Every looker-sdk model and enum as an OpenAPI schema."""
    schemas: dict[str, dict[str, Any]] = {}
    for name, obj in vars(models40).items():
        if not isinstance(obj, type) or obj.__module__ != models40.__name__:
            continue
        if issubclass(obj, enum.Enum):
            values = [m.value for m in obj if m.name != "invalid_api_enum_value"]
            schemas[name] = {"type": "string", "enum": values}
        elif issubclass(obj, models40.model.Model) and attr.has(obj):
            hints = typing.get_type_hints(obj, vars(models40))
            props: dict[str, Any] = {}
            required: list[str] = []
            for field in attr.fields(obj):
                props[field.name] = type_schema(hints.get(field.name, Any))
                if field.default is attr.NOTHING:
                    required.append(field.name)
            schemas[name] = {"type": "object", "properties": props, "required": required}
    # Looker's Write* types are the full type without its read-only fields: mark those.
    for name, schema in schemas.items():
        full = schemas.get(name[len("Write") :]) if name.startswith("Write") else None
        if full is None or "properties" not in full:
            continue
        for key, prop in full["properties"].items():
            if key not in schema["properties"]:
                schema["properties"][key] = {**prop, "readOnly": True}
    return schemas


def _path_template(node: ast.expr) -> str | None:
    """``"/folders"`` or ``f"/folders/{folder_id}"`` as an OpenAPI path template."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name):
                parts.append("{" + v.value.id + "}")
            else:
                return None
        return "".join(parts)
    return None


def sdk_operations() -> list[dict[str, Any]]:
    """Each method of Looker40SDK: operation id, verb, path, query parameters, body, return type.

    Read from the method's source (the ``self.<verb>(path=..., query_params={...}, body=...)``
    call every generated method makes) and its signature (the body's and the result's types).
    """
    from looker_sdk.sdk.api40 import methods as methods40

    tree = ast.parse(inspect.getsource(methods40))
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Looker40SDK")
    ops = []
    for fn in cls.body:
        if not isinstance(fn, ast.FunctionDef) or fn.name.startswith("_"):
            continue
        for call in ast.walk(fn):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "self"
                and call.func.attr in _VERBS
            ):
                continue
            kw = {k.arg: k.value for k in call.keywords if k.arg}
            template = _path_template(kw["path"]) if "path" in kw else None
            if template is None:
                continue
            query = kw.get("query_params")
            query_names = (
                [k.value for k in query.keys if isinstance(k, ast.Constant)]
                if isinstance(query, ast.Dict)
                else []
            )
            body = kw.get("body")
            form_fields: list[str] | None = None
            if isinstance(body, ast.Call) and body.args and isinstance(body.args[0], ast.Dict):
                form_fields = [k.value for k in body.args[0].keys if isinstance(k, ast.Constant)]
            sig = inspect.signature(getattr(methods40.Looker40SDK, fn.name))
            body_param = sig.parameters.get("body") if isinstance(body, ast.Name) else None
            ops.append(
                {
                    "operation_id": fn.name,
                    "method": call.func.attr,
                    "template": template,
                    "query": query_names,
                    "form": form_fields,
                    "body": None if body_param is None else body_param.annotation,
                    "body_required": body_param is not None and body_param.default is inspect.Parameter.empty,
                    "returns": sig.return_annotation,
                }
            )
            break
    return ops


def sdk_document() -> dict[str, Any]:
    """looker-sdk's view of the API as an OpenAPI document (``x-source: looker-sdk``).

    The SDK does not say which 2xx status an operation answers, so 200, 201 and 204 are all
    documented: the answer's body is checked against the method's return type, a 204 must be
    empty. Errors are checked against the SDK's Error and ValidationError models.
    """
    paths: dict[str, dict[str, Any]] = {}
    for op in sdk_operations():
        params = [{"name": n, "in": "query"} for n in op["query"]]
        params += [{"name": n, "in": "path"} for n in re.findall(r"\{([^}]+)\}", op["template"])]
        spec_op: dict[str, Any] = {"operationId": op["operation_id"], "parameters": params}
        if op["form"] is not None:
            form = {"type": "object", "properties": {f: {"type": "string"} for f in op["form"]}}
            spec_op["requestBody"] = {"content": {"application/x-www-form-urlencoded": {"schema": form}}}
        elif op["body"] is not None:
            spec_op["requestBody"] = {
                "content": {"application/json": {"schema": type_schema(op["body"])}},
                "required": op["body_required"],
            }
        returns = op["returns"]
        result = type_schema(returns) if returns not in (None, type(None), inspect.Signature.empty) else None
        answer = {"content": {"application/json": {"schema": result}}} if result else {}
        spec_op["responses"] = {"200": answer, "201": answer, "204": {}}
        paths.setdefault(op["template"], {})[op["method"]] = spec_op
    return {"x-source": SOURCE_SDK, "paths": paths, "components": {"schemas": _model_schemas()}}


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
