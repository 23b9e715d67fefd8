"""A dashboard file's YAML, read into the few structures the dashboard reader needs.

The dashboard reader (:mod:`looker_ops.lookml.dashboards`) needs line numbers only at the top of
a file: each dashboard, the dashboard's keys, the entries of its ``elements`` and ``filters``
lists, and each key of those entries. Everything below (an element's ``fields``, its
visualization settings...) is needed only as a plain Python value. The readers give:

- the file's dashboards as a :class:`YSeq` (a file holding one mapping gives a one-entry list);
- a dashboard as a :class:`YMap` (its keys, their lines, the raw text of scalar values); its
  ``elements`` and ``filters`` values as a :class:`YSeq` of :class:`YMap` (or of values, for an
  entry that is not a mapping) when they are lists;
- every other value as what PyYAML's safe constructor makes of it (dict, list, str, int,
  float, bool, None, date...).

Two readers give that result: the line reader of :mod:`looker_ops.lookml.dashboard_lines`
(``fast_read``, for the block YAML Looker writes and people edit), and :func:`node_read` here,
which composes the whole file with PyYAML (libyaml's composer when present) and converts its
nodes; it raises ``yaml.YAMLError`` for text that is not YAML. The line reader resolves each
distinct scalar with the functions here (PyYAML's own resolver and constructor, memoised by
text), so its values are those of PyYAML; the tests compare the two readers on every dashboard
they read. ``dashboard_lines.read`` takes the line reader's result, or PyYAML's when it declines.

Lines are 1-based, as findings give them; a mapping's ``end`` is PyYAML's end mark (the 0-based
line and the column of the next token after it, or the end of the stream).
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["MEMO_MAX", "Decline", "YMap", "YSeq", "inline_value", "node_read", "plain_scalar", "to_py"]


@dataclass(slots=True)
class YMap:
    """A mapping whose keys need lines: ``items`` are (key, value, scalar text of the value or
    None when the value is a collection), ``lines`` the line of each key; ``line`` is the line
    of its first key, ``end`` PyYAML's end mark (0-based line, column)."""

    line: int
    end: tuple[int, int]
    items: list[tuple[Any, Any, str | None]]
    lines: list[int]


@dataclass(slots=True)
class YSeq:
    """A list whose entries need lines: ``items`` (YMap or plain values), ``lines``."""

    items: list[Any]
    lines: list[int]


class Decline(Exception):
    """The fast reader does not read this text (the node reader will)."""


def to_py(v: Any) -> Any:
    """The plain Python value of a read value (YMap -> dict, YSeq -> list)."""
    if isinstance(v, YMap):
        return {k: to_py(x) for k, x, _ in v.items}
    if isinstance(v, YSeq):
        return [to_py(x) for x in v.items]
    return v


# --------------------------------------------------------------------------- scalars

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Constructor(yaml.SafeLoader):
    def __init__(self) -> None:
        super().__init__("")


_CONSTRUCTOR = _Constructor()
MEMO_MAX = 200_000
_MISSING = object()
# plain scalar text -> value; one-line quoted or flow text -> (value, scalar text, kind)
_PLAIN: dict[str, Any] = {}
_INLINE: dict[str, tuple[Any, str | None, str] | None] = {}
# scalar (tag, text) -> value, for the node reader
_VALUES: dict[tuple[str, str], Any] = {}
# implicit tags by (text, implicit), for the node reader's composer
_TAGS: dict[tuple[str, Any], str] = {}


def _construct(node: yaml.ScalarNode) -> Any:
    value = _CONSTRUCTOR.construct_object(node, deep=True)
    _CONSTRUCTOR.constructed_objects.pop(node, None)
    return value


def _scalar(node: yaml.ScalarNode) -> Any:
    key = (node.tag, node.value)
    try:
        return _VALUES[key]
    except KeyError:
        pass
    value = _construct(node)
    if len(_VALUES) > MEMO_MAX:
        _VALUES.clear()
    _VALUES[key] = value
    return value


def plain_scalar(text: str) -> Any:
    """The value of a one-line plain scalar (what PyYAML resolves and constructs)."""
    v = _PLAIN.get(text, _MISSING)
    if v is _MISSING:
        tag = _CONSTRUCTOR.resolve(yaml.ScalarNode, text, (True, False))
        try:
            v = _scalar(yaml.ScalarNode(tag, text))
        except Exception as exc:  # a tag the safe constructor refuses (`<<`, `=`): the node reader decides
            raise Decline from exc
        if len(_PLAIN) > MEMO_MAX:
            _PLAIN.clear()
        _PLAIN[text] = v
    return v


_KINDS = {'"': "scalar", "'": "scalar", "[": "seq", "{": "map"}
_FLOW_NODES: dict[str, type] = {"seq": yaml.SequenceNode, "map": yaml.MappingNode}


def inline_value(text: str) -> tuple[Any, str | None, str]:
    """The value, scalar text and kind of a one-line quoted scalar or flow collection
    (composed on its own: the same nodes as in place). A fresh copy of collections."""
    q = text[0]
    if q in "\"'" and len(text) > 1 and text[-1] == q and "\n" not in text:
        inner = text[1:-1]
        if q not in inner and (q == "'" or "\\" not in inner):
            return inner, inner, "scalar"  # no escape, no quote inside: the text itself
    try:
        got = _INLINE[text]
    except KeyError:
        hit: tuple[Any, str | None, str] | None = None
        kind = _KINDS[text[0]]
        if kind == "scalar" or not any(c in text for c in "&*!"):  # no anchor, alias or tag
            try:
                node = yaml.compose(text, Loader=_Composer)
                if isinstance(node, yaml.ScalarNode) and kind == "scalar" and node.style in ('"', "'"):
                    hit = (_node_py(node), node.value, kind)
                elif (
                    node is not None
                    and getattr(node, "flow_style", False)
                    and _FLOW_NODES.get(kind) is type(node)
                ):
                    hit = (_packed(_node_py(node)), None, kind)
            except Exception:  # not YAML on its own, or a value PyYAML refuses: the node reader decides
                hit = None
        if len(_INLINE) > MEMO_MAX:
            _INLINE.clear()
        _INLINE[text] = got = hit
    if got is None:
        raise Decline
    value, raw, kind = got
    if kind == "scalar":
        return value, raw, kind
    return (marshal.loads(value) if value.__class__ is bytes else _fresh(value)), raw, kind


def _fresh(v: Any) -> Any:
    if isinstance(v, list):
        return [_fresh(x) for x in v]
    if isinstance(v, dict):
        return {k: _fresh(x) for k, x in v.items()}
    return v


_MARSHALLED = frozenset({str, int, float, bool, type(None)})


def _marshallable(v: Any) -> bool:
    """Whether ``v`` holds only lists, dicts, strings, numbers, booleans and None (what marshal
    writes and reads back as the same types); dates and the like are copied by :func:`_fresh`."""
    if v.__class__ is list:
        return all(_marshallable(x) for x in v)
    if v.__class__ is dict:
        return all(k.__class__ in _MARSHALLED and _marshallable(x) for k, x in v.items())
    return v.__class__ in _MARSHALLED


def _packed(v: Any) -> Any:
    """A collection kept for copying: marshal's bytes of it (each read builds a fresh copy in
    C), or the collection itself when marshal cannot hold it (copied by :func:`_fresh`)."""
    return marshal.dumps(v) if _marshallable(v) else v


# --------------------------------------------------------------------------- node reader


class _Composer(_LOADER):
    """The safe loader (libyaml's when PyYAML has it), with scalar tags resolved once per text."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _TAGS.get(key)
        if tag is None:
            if len(_TAGS) > MEMO_MAX:
                _TAGS.clear()
            tag = _TAGS[key] = super().resolve(kind, value, implicit)
        return tag


def _node_py(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return {_node_py(k): _node_py(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_node_py(v) for v in node.value]
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    return None


def _node_map(node: yaml.MappingNode, leaf: bool) -> YMap:
    items: list[tuple[Any, Any, str | None]] = []
    lines: list[int] = []
    for k, v in node.value:
        key = _node_py(k)
        if not leaf and str(key) in ("elements", "filters") and isinstance(v, yaml.SequenceNode):
            value: Any = _node_seq(v, leaf=True)
        else:
            value = _node_py(v)
        items.append((key, value, v.value if isinstance(v, yaml.ScalarNode) else None))
        lines.append(k.start_mark.line + 1)
    return YMap(node.start_mark.line + 1, (node.end_mark.line, node.end_mark.column), items, lines)


def _node_seq(node: yaml.SequenceNode, leaf: bool) -> YSeq:
    out = YSeq([], [])
    for child in node.value:
        out.items.append(_node_map(child, leaf) if isinstance(child, yaml.MappingNode) else _node_py(child))
        out.lines.append(child.start_mark.line + 1)
    return out


def node_read(text: str) -> YSeq | None:
    """The file's dashboards, read by PyYAML (any YAML); None for an empty document.
    Raises yaml.YAMLError when the text is not YAML."""
    root = yaml.compose(text, Loader=_Composer)
    if root is None:
        return None
    if isinstance(root, yaml.SequenceNode):
        return _node_seq(root, leaf=False)
    value = _node_map(root, leaf=False) if isinstance(root, yaml.MappingNode) else _node_py(root)
    return YSeq([value], [root.start_mark.line + 1])
