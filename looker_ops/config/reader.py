"""The one reader of the YAML files a user writes: ``looker-ops.yaml`` and ``schedules.yaml``.

What every such file gets from it:

- the text read as UTF-8 (a bad byte is named by file, line and offset) and composed into
  PyYAML nodes, so each value keeps its line;
- ``${ENV_VAR}`` and ``${ENV_VAR:-default}`` replaced in string values (:data:`ENV_RE`); an
  unclosed ``${`` and an unset variable are problems of the key that holds them;
- secrets written only as ``${ENV_VAR}`` and wrapped in :class:`Secret`;
- a value that came from the environment never echoed in a message: a problem of a key whose
  value holds a ``${ENV_VAR}`` names the key and the variable, says what was expected, and
  shows ``the value`` where the message would have shown it (:meth:`Reader.error`);
- unknown keys refused with a did-you-mean suggestion, a key given twice refused;
- every problem of the file collected (:class:`Reader`), then reported at once, in file
  order, each as ``FILE:LINE: KEY: what is wrong``;
- typed sections: a dataclass whose fields' types drive the parsing (:meth:`Reader.section`).

A file format subclasses :class:`Reader` where it differs: :meth:`Reader.label` (how a key is
named in messages) and :meth:`Reader.needs_env` (whether an unset variable is a problem).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

from looker_ops.errors import BadInput
from looker_ops.textfile import decode_utf8
from looker_ops.yamlutil import error_line, not_valid_yaml

__all__ = [
    "ENV_RE",
    "Reader",
    "Secret",
    "Stop",
    "compose",
    "kind",
    "read_day",
    "read_file",
    "suggest",
]

ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
"""``${NAME}`` or ``${NAME:-default}``: the one form of an environment reference."""
_ONLY_ENV_RE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
NULL_TAG = "tag:yaml.org,2002:null"
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")

T = TypeVar("T")


class Secret:
    """A secret value. Never printed; ``reveal()`` to use it."""

    __slots__ = ("_source", "_value")

    def __init__(self, value: str, source: str = "") -> None:
        self._value = value
        self._source = source

    def reveal(self) -> str:
        return self._value

    @property
    def source(self) -> str:
        """Where it came from, e.g. ``env:AWS_SECRET_ACCESS_KEY`` (safe to print)."""
        return self._source

    def __repr__(self) -> str:
        return f"Secret({self._source or '***'})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


# --------------------------------------------------------------------------- files


def read_file(path: Path, missing: str, what: str) -> str:
    """The file's text. ``missing`` is the whole message for a file that is not there;
    ``what`` names the file in other messages (``config file``, ``schedules file``)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"{path}: {missing}") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a folder, not a {what}") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    return decode_utf8(data, path)


def compose(
    text: str, file: object, hint: typing.Callable[[int | None], str] | None = None
) -> yaml.Node | None:
    """The YAML node tree of ``text`` (None for an empty document); BadInput for YAML that is
    not valid, at its line. ``hint(line)`` may add advice for that line (0-based)."""
    _check_nesting(text, file)
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise not_valid_yaml(file, exc, hint(error_line(exc)) if hint else "") from None
    except RecursionError:
        raise BadInput(f"{file}: nested too deeply to read") from None


_DAY_RE = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})$")


def read_day(text: str) -> dt.date | None:
    """The day ``YYYY-MM-DD`` (or ``YYYY/MM/DD``) names, or None when it names none."""
    m = _DAY_RE.match(text.strip())
    if m is None or m.group(0)[4] != m.group(0)[7]:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# Deeper than any file of looker-ops needs, far below where the YAML parser's recursion (slow,
# then RecursionError) starts.
MAX_NESTING = 64


def _check_nesting(text: str, file: object) -> None:
    """BadInput when ``[`` / ``{`` nest deeper than :data:`MAX_NESTING` (counted roughly:
    brackets inside quotes count too, which no real file comes near)."""
    depth = 0
    line = 1
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise BadInput(f"{file}:{line}: lists or mappings nested more than {MAX_NESTING} deep")
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == "\n":
            line += 1


def kind(node: yaml.Node) -> str:
    """What a node is, for messages: ``a mapping``, ``a list`` or ``the value 'x'``."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    text = str(node.value)
    return f"the value {text if len(text) <= 60 else text[:57] + '...'!r}"


def suggest(name: str, known: Collection[str]) -> str:
    """``did you mean 'x'? `` for the closest known name, else nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}? " if close else ""


# --------------------------------------------------------------------------- reader


class Stop(Exception):
    """Stops reading one value; its problem is already recorded in the :class:`Reader`."""


class Reader:
    """Reads values out of one file's nodes, recording each problem with its line."""

    def __init__(self, file: str, env: Mapping[str, str]) -> None:
        self.file = file
        self.env = env
        self.problems: list[tuple[int, str]] = []
        self.lines: dict[str, int] = {}  # key path -> 1-based line of its value
        # key path -> (variable, its value) of each ${ENV_VAR} substituted in that key's value
        self.from_env: dict[str, list[tuple[str, str]]] = {}

    # -- hooks for a file format

    def label(self, key: str) -> str:
        """How ``key`` is named in a message (``connection.region: ``)."""
        return f"{key}: " if key else ""

    def needs_env(self, key: str, secret: bool) -> bool:
        """Whether an unset variable in ``key`` is a problem (default: always)."""
        return True

    # -- reporting

    def error(self, at: yaml.Node | int | None, key: str, msg: str) -> None:
        """Record a problem at a node's line (or a 1-based line number, or none)."""
        line = at if isinstance(at, int) else at.start_mark.line + 1 if at is not None else 0
        where = self.file + (f":{line}" if line else "")
        msg = self._without_env_values(key, msg)
        self.problems.append((line, f"{where}: {self.label(key)}{msg}"))

    def _without_env_values(self, key: str, msg: str) -> str:
        """``msg`` with every value that came from an environment variable left out.

        The key's own variables: each place its value (or a shortened start of it) appears
        becomes ``the value``, ``, got <value>`` is dropped, and the variables are named
        (``; the value comes from ${NAME} (not shown)``). A value from another key's variable
        (a message comparing two keys) is replaced by its ``${NAME}``."""
        own = [(n, v) for n, v in self.from_env.get(key, []) if v.strip()]
        for k, pairs in self.from_env.items():
            if k == key:
                continue
            for name, value in pairs:
                if len(value.strip()) >= 4:
                    msg = _replace_value(msg, value.strip(), "${" + name + "}")
        if not own:
            return msg
        for _, value in sorted(own, key=lambda p: -len(p[1].strip())):
            msg = _replace_value(msg, value.strip(), "\x00")
        msg = re.sub(r",? got [^\s,;]*\x00[^\s,;]*", "", msg)
        msg = re.sub(r"[^\s,;]*\x00[^\s,;]*?(?=:?(\s|$|[,;]))", "the value", msg)
        msg = msg.replace("\x00", "")
        names = ", ".join(dict.fromkeys("${" + n + "}" for n, _ in own))
        return f"{msg}; the value comes from {names} (not shown)"

    def fail(self, at: yaml.Node | int | None, key: str, msg: str) -> Stop:
        """Record a problem and return the :class:`Stop` to raise."""
        self.error(at, key, msg)
        return Stop()

    def report(self, key: str, msg: str) -> None:
        """A problem found after reading (a value checked against others), at its key's line."""
        self.error(self.lines.get(key), key, msg)

    @property
    def messages(self) -> list[str]:
        """The problems in file order."""
        return [m for _, m in sorted(self.problems, key=lambda p: p[0])]

    def raise_problems(self, what: str = "problems") -> None:
        """BadInput with every problem (one alone is the whole message); nothing if none."""
        msgs = self.messages
        if len(msgs) == 1:
            raise BadInput(msgs[0])
        if msgs:
            raise BadInput(f"{self.file}: {len(msgs)} {what}:\n  " + "\n  ".join(msgs))

    # -- values

    def mapping(
        self, node: yaml.Node, key: str, known: Collection[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """name -> (key node, value node) of a mapping; unknown and repeated keys are problems
        (and left out)."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, f"expected a mapping, got {kind(node)}")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for knode, vnode in node.value:
            name = str(knode.value) if isinstance(knode, yaml.ScalarNode) else kind(knode)
            path = f"{key}.{name}" if key else name
            if name not in known:
                self.error(knode, path, f"unknown key ({suggest(name, known)}known keys: {', '.join(known)})")
                continue
            if name in out:
                self.error(knode, path, "key given twice")
                continue
            out[name] = (knode, vnode)
        return out

    def text(self, node: yaml.Node, key: str, *, secret: bool = False) -> str:
        """A single value with its ``${ENV_VAR}``s replaced."""
        return self._interpolate(node, key, secret)[0]

    def _interpolate(self, node: yaml.Node, key: str, secret: bool) -> tuple[str, list[str]]:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, key, f"expected a single value, got {kind(node)}")
        if node.tag == NULL_TAG:
            raise self.fail(node, key, "a value is required here")
        value = str(node.value)
        if "${" in ENV_RE.sub("", value):
            raise self.fail(node, key, "unclosed ${...}: write ${ENV_VAR} (or ${ENV_VAR:-default})")
        names: list[str] = []
        unset: list[str] = []

        def sub(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            names.append(name)
            if self.env.get(name):
                return self.env[name]
            if default is not None:
                return default
            unset.append(name)
            return ""

        out = ENV_RE.sub(sub, value)
        if names:
            self.from_env[key] = [(n, self.env.get(n) or "") for n in names]
        if unset and self.needs_env(key, secret):
            raise self.fail(node, key, f"environment variable {unset[0]} is not set")
        return out, names

    def secret(self, node: yaml.Node, key: str) -> Secret:
        """A secret: the value must be one ``${ENV_VAR}``, never the secret itself."""
        if not (isinstance(node, yaml.ScalarNode) and _ONLY_ENV_RE.match(str(node.value).strip())):
            raise self.fail(
                node, key, "secrets must come from the environment: write ${ENV_VAR}, not the value itself"
            )
        name = str(node.value).strip()[2:-1]
        value = self.env.get(name) or ""
        if not value and self.needs_env(key, True):
            raise self.fail(node, key, f"environment variable {name} is not set")
        return Secret(value, f"env:{name}")

    def boolean(self, node: yaml.Node, key: str) -> bool:
        text = self.text(node, key).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise self.fail(node, key, f"expected true or false, got {text!r}")

    def integer(self, node: yaml.Node, key: str) -> int:
        text = self.text(node, key).strip()
        if re.fullmatch(r"[+-]?\d{1,30}", text):
            return int(text)
        raise self.fail(
            node, key, f"expected a whole number, got {text if len(text) <= 40 else text[:37] + '...'!r}"
        )

    def day(self, node: yaml.Node, key: str) -> dt.date:
        """A calendar day written ``YYYY-MM-DD`` (``YYYY/MM/DD`` is read too)."""
        text = self.text(node, key).strip()
        day = read_day(text)
        if day is None:
            raise self.fail(node, key, f"{text[:40]!r} is not a date (YYYY-MM-DD)")
        return day

    def texts(self, node: yaml.Node, key: str) -> list[tuple[yaml.Node, str]]:
        """A list of values, or one value standing for a list of one."""
        if isinstance(node, yaml.ScalarNode):
            return [(node, self.text(node, key))]
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, key, f"expected a list, got {kind(node)}")
        out = []
        for i, item in enumerate(node.value):
            try:
                out.append((item, self.text(item, f"{key}[{i}]")))
            except Stop:
                continue
        return out

    # -- typed sections

    def section(self, node: yaml.Node, prefix: str, cls: type[T]) -> T:
        """The dataclass ``cls`` read from a mapping: each field's type drives its parsing; a
        field whose metadata says ``internal`` is not a key of the file. A bad key is recorded
        and left at its default, so one bad key does not hide the next."""
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}  # type: ignore[arg-type]
        values: dict[str, Any] = {}
        for name, (knode, vnode) in self.mapping(node, prefix, fields).items():
            key = f"{prefix}.{name}" if prefix else name
            self.lines[key] = knode.start_mark.line + 1  # a section is named at its key's line
            secret = bool(fields[name].metadata.get("secret"))
            try:
                values[name] = self.value(vnode, key, hints[name], secret)
            except Stop:
                continue
        return cls(**values)

    def value(self, node: yaml.Node, key: str, typ: Any, secret: bool = False) -> Any:
        """One value of type ``typ``: str, int, bool, :class:`Secret`, ``X | None``,
        ``list[X]``, ``tuple[X, ...]``, ``dict[str, X]`` or a dataclass."""
        self.lines.setdefault(key, node.start_mark.line + 1)
        origin = typing.get_origin(typ)
        if origin in (typing.Union, types.UnionType):
            if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
                return None
            (inner,) = [a for a in typing.get_args(typ) if a is not type(None)]
            return self.value(node, key, inner, secret)
        if origin in (list, tuple):
            item = typing.get_args(typ)[0]
            if not isinstance(node, yaml.SequenceNode):
                raise self.fail(node, key, f"expected a list, got {kind(node)}")
            items = []
            for i, n in enumerate(node.value):
                try:
                    items.append(self.value(n, f"{key}[{i}]", item, secret))
                except Stop:
                    continue
            return items if origin is list else tuple(items)
        if origin is dict:
            value_type = typing.get_args(typ)[1]
            out: dict[str, Any] = {}
            for name, (_, vnode) in self.mapping(node, key, _AnyKey()).items():
                try:
                    out[name] = self.value(vnode, f"{key}.{name}", value_type, secret)
                except Stop:
                    continue
            return out
        if origin is typing.Literal:
            choices = [str(a) for a in typing.get_args(typ)]
            text = self.text(node, key).strip()
            if text not in choices:
                raise self.fail(node, key, f"{text!r}: expected one of {', '.join(choices)}")
            return text
        if isinstance(typ, type) and dataclasses.is_dataclass(typ):
            return self.section(node, key, typ)
        if typ is dt.date:
            return self.day(node, key)
        if typ is Secret:
            return self.secret(node, key)
        if typ is bool:
            return self.boolean(node, key)
        if typ is int:
            return self.integer(node, key)
        if typ is str:
            return self.text(node, key, secret=secret)
        raise TypeError(f"{key}: unsupported type {typ}")  # a programming error, not bad input


def _replace_value(msg: str, value: str, by: str) -> str:
    """``msg`` with ``value`` replaced by ``by`` wherever it appears whole, quoted or not, and
    wherever a message shortened it (a start of 6 characters or more followed by ``...``)."""
    if not value:
        return msg
    msg = msg.replace(repr(value), by)
    if len(value) >= 4:  # a shorter one bare could be a word of the message itself
        msg = msg.replace(value, by)
    for n in range(len(value) - 1, 5, -1):
        if value[:n] in msg:
            msg = re.sub(re.escape(value[:n]) + r"[^\s,;]*", by, msg)
            break
    return msg


class _AnyKey(Collection[str]):
    """The known keys of a free mapping (``constants:``): every name."""

    def __contains__(self, item: object) -> bool:
        return True

    def __iter__(self) -> typing.Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
