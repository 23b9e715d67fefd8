"""Looker's value formats: the built-in names, a model's ``named_value_format`` and the
Excel-style format strings of ``value_format``, applied to a number as Looker displays it.

:func:`parse_value_format` reads a format string into a :class:`ValueFormat`, whose
:meth:`~ValueFormat.render` turns a number into its text. The subset read (what Looker's
documentation uses):

- digit placeholders ``0`` (a digit or a zero), ``#`` (a digit, nothing when not significant),
  ``?`` (a digit or a space); one ``.`` decimal point;
- ``,`` between digit placeholders groups thousands (``#,##0``); commas right after the last
  digit placeholder divide by 1,000 each (``0.0,,"M"`` shows millions);
- ``%`` multiplies by 100 and shows ``%``;
- literals: ``"quoted text"``, ``\\x`` (one character), ``_x`` (a space), ``$ - + ( ) : / space``
  and any non-letter character (``£``, ``€``), ``[$€-407]`` (a currency symbol); ``*``
  makes every integer placeholder a zero, as Looker documents ``*00#`` (``001``);
- up to four ``;``-separated sections: positive, negative (shown without its minus sign, the
  section writes its own, e.g. ``(0.00)``), zero, text; conditions ``[>=1000000]`` /
  ``[<0]``... choose a section (the first whose condition holds, else the first without one;
  the minus sign is then shown);
- ``General``: the number as it is.

Rounding is half away from zero on the decimal value (``0.125`` -> ``0.13``, ``2.675`` ->
``2.68``), as Excel and Looker show it; a value that rounds to zero shows no minus sign.
What Looker does not support (dates, colours) and what is not read here (scientific ``E+``,
placeholders split by literals) raise :class:`UnsupportedFormat` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

# Looker's built-in names (the value_format_name page) as the Excel-style strings they show.
BUILTIN_FORMATS: dict[str, str] = {
    **{f"decimal_{n}": "#,##0" + ("." + "0" * n if n else "") for n in range(5)},
    **{f"percent_{n}": "#,##0" + ("." + "0" * n if n else "") + "%" for n in range(5)},
    "usd": "$#,##0.00",
    "usd_0": "$#,##0",
    "gbp": "£#,##0.00",
    "gbp_0": "£#,##0",
    "eur": "€#,##0.00",
    "eur_0": "€#,##0",
    "id": "0",
}

_CONDITION = re.compile(r"^(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d+)?)$")
_CURRENCY = re.compile(r"^\$([^-\]]*)(?:-[0-9A-Fa-f]+)?$")
_DIGITS = "0#?"


class UnsupportedFormat(ValueError):
    """A format string this module does not read; the message says why."""


@dataclass(frozen=True)
class _Section:
    prefix: str
    suffix: str
    int_places: str  # the integer part's placeholders, e.g. "#0" (commas removed)
    frac_places: str  # the decimal part's placeholders, e.g. "00#"
    point: bool  # the pattern has a decimal point
    grouping: bool  # a comma between integer placeholders
    scale: int  # trailing commas: divide by 1000 per comma
    percents: int  # each % multiplies by 100
    condition: tuple[str, Decimal] | None = None
    general: bool = False
    text_only: bool = False  # no digit placeholder: the section is its literal text
    pad: bool = False  # a "*": every integer placeholder shows a zero ("*00#" -> 001)

    def holds(self, x: Decimal) -> bool:
        if self.condition is None:
            return True
        op, bound = self.condition
        return {
            "<": x < bound,
            "<=": x <= bound,
            ">": x > bound,
            ">=": x >= bound,
            "=": x == bound,
            "<>": x != bound,
        }[op]


@dataclass(frozen=True)
class ValueFormat:
    """A parsed format string (``text``) and its numeric sections."""

    text: str
    sections: tuple[_Section, ...]

    def render(self, value: Any) -> str | None:
        """``value`` shown in this format; None when it is not a number (NULL, text, a
        yes/no): the caller shows it as it is."""
        x = _decimal(value)
        if x is None:
            return None
        chosen = self._choose(x)
        if chosen is None:
            return None
        section, signed = chosen
        return _render(section, x if signed else abs(x))

    def _choose(self, x: Decimal) -> tuple[_Section, bool] | None:
        """The section for ``x`` and whether it shows the minus sign itself."""
        secs = self.sections
        if any(s.condition is not None for s in secs):
            for s in secs:
                if s.condition is not None and s.holds(x):
                    return s, True
            rest = [s for s in secs if s.condition is None]
            return (rest[0], True) if rest else None
        if len(secs) == 1 or x > 0 or (x == 0 and len(secs) == 2):
            return secs[0], True
        if x < 0:
            return secs[1], False
        return secs[2], True  # zero, with a zero section


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            d = Decimal(repr(value))  # the shortest decimal that reads back as this float
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _render(s: _Section, x: Decimal) -> str:
    if s.text_only:
        return s.prefix + s.suffix
    if s.general:
        return s.prefix + _general(x) + s.suffix
    negative = x < 0
    x = abs(x) * Decimal(100) ** s.percents / Decimal(1000) ** s.scale
    places = len(s.frac_places)
    q = x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _, frac = f"{q:f}".partition(".")
    whole = _integer(whole, s)
    frac = _fraction(frac, s.frac_places)
    number = whole + ("." if s.point else "") + frac
    sign = "-" if negative and q != 0 else ""
    return sign + s.prefix + number + s.suffix


def _integer(whole: str, s: _Section) -> str:
    zeros = len(s.int_places) if s.pad else s.int_places.count("0")
    spaces = 0 if s.pad else s.int_places.count("?")
    if whole == "0" and zeros == 0:
        whole = ""
    whole = whole.rjust(zeros, "0")
    if s.grouping and whole:
        whole = f"{int(whole):,}".rjust(len(whole) + (len(whole) - 1) // 3, "0")
    return whole.rjust(len(whole) + max(zeros + spaces - len(whole.replace(",", "")), 0))


def _fraction(frac: str, places: str) -> str:
    digits = list(frac)
    for i in range(len(places) - 1, -1, -1):
        if digits[i] != "0" or places[i] == "0":
            break
        digits[i] = " " if places[i] == "?" else ""
    return "".join(digits)


def _general(x: Decimal) -> str:
    if x == x.to_integral_value():
        return f"{x:f}".split(".")[0]
    return f"{float(x):.10g}"


def _tokens(text: str) -> list[tuple[str, str]]:
    """The tokens of one section: ("lit", text), ("digit", c), (".", "."), (",", ","),
    ("%", "%"), ("cond", "[...]"), ("general", "")."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise UnsupportedFormat("a quoted text is not closed")
            out.append(("lit", text[i + 1 : end]))
            i = end + 1
            continue
        if c == "\\" and i + 1 < len(text):
            out.append(("lit", text[i + 1]))
            i += 2
            continue
        if c == "_" and i + 1 < len(text):
            out.append(("lit", " "))
            i += 2
            continue
        if c == "[":
            end = text.find("]", i)
            if end < 0:
                raise UnsupportedFormat("a [ is not closed")
            out.append(_bracket(text[i + 1 : end]))
            i = end + 1
            continue
        if text[i : i + 7].lower() == "general":
            out.append(("general", ""))
            i += 7
            continue
        if c in _DIGITS:
            out.append(("digit", c))
        elif c in ".,%":
            out.append((c, c))
        elif c == "*":
            out.append(("*", "*"))  # Looker's "*00#": zero-padded to three digits
        elif c in "Ee" and text[i + 1 : i + 2] in ("+", "-"):
            raise UnsupportedFormat("scientific notation (E+) is not supported")
        elif c == "@":
            raise UnsupportedFormat("a text placeholder (@) is not supported")
        elif c.isascii() and c.isalpha():
            raise UnsupportedFormat(
                f"{c!r} outside quotes (dates and other codes are not supported; quote literal text)"
            )
        else:
            out.append(("lit", c))
        i += 1
    return out


def _bracket(inner: str) -> tuple[str, str]:
    if _CONDITION.match(inner.strip()):
        return ("cond", inner.strip())
    currency = _CURRENCY.match(inner)
    if currency:
        return ("lit", currency.group(1))
    raise UnsupportedFormat(f"[{inner}] is not supported (colours and elapsed times are not)")


def _section(text: str) -> _Section:
    tokens = _tokens(text)
    condition = None
    conds = [v for k, v in tokens if k == "cond"]
    if conds:
        m = _CONDITION.match(conds[0])
        assert m is not None
        condition = (m.group(1), Decimal(m.group(2)))
    pad = any(k == "*" for k, _ in tokens)
    tokens = [t for t in tokens if t[0] not in ("cond", "*")]
    percents = sum(1 for k, _ in tokens if k == "%")
    general = any(k == "general" for k, _ in tokens)
    number_at = [i for i, (k, _) in enumerate(tokens) if k in ("digit", ".", "general")]
    if not number_at:
        literal = "".join(v if k != "," else "," for k, v in tokens)
        return _Section(literal, "", "", "", False, False, 0, percents, condition, text_only=True)
    first, last = number_at[0], number_at[-1]
    # commas right after the pattern belong to it (grouping or scaling)
    while last + 1 < len(tokens) and tokens[last + 1][0] == ",":
        last += 1
    middle = tokens[first : last + 1]
    if any(k in ("lit", "%") for k, _ in middle):
        raise UnsupportedFormat("text between digit placeholders is not supported")
    prefix = "".join(v for k, v in tokens[:first])
    suffix = "".join(v for k, v in tokens[last + 1 :])
    kinds = [k for k, _ in middle]
    point = "." in kinds
    if kinds.count(".") > 1:
        raise UnsupportedFormat("more than one decimal point")
    split = kinds.index(".") if point else len(kinds)
    int_part, frac_part = middle[:split], middle[split + 1 :]
    last_digit = max((i for i, (k, _) in enumerate(middle) if k == "digit"), default=-1)
    scale = sum(1 for i, (k, _) in enumerate(middle) if k == "," and i > last_digit)
    grouping = any(
        k == "," and 0 < i < len(int_part) - 1 and i < last_digit for i, (k, _) in enumerate(int_part)
    )
    return _Section(
        prefix=prefix,
        suffix=suffix,
        int_places="".join(v for k, v in int_part if k == "digit"),
        frac_places="".join(v for k, v in frac_part if k == "digit"),
        point=point,
        grouping=grouping,
        scale=scale,
        percents=percents,
        condition=condition,
        general=general,
        pad=pad,
    )


def _split_sections(text: str) -> list[str]:
    """``text`` split at the ``;`` outside quotes and brackets."""
    parts, cur, quoted, bracket, i = [], [], False, False, 0
    while i < len(text):
        c = text[i]
        if c == "\\" and not quoted and i + 1 < len(text):
            cur.append(text[i : i + 2])
            i += 2
            continue
        if c == '"' and not bracket:
            quoted = not quoted
        elif c == "[" and not quoted:
            bracket = True
        elif c == "]" and not quoted:
            bracket = False
        if c == ";" and not quoted and not bracket:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


@lru_cache(maxsize=256)
def parse_value_format(text: str) -> ValueFormat:
    """``text`` (an Excel-style format string, as Looker reads it) parsed; raises
    :class:`UnsupportedFormat` for what is not read (see the module doc)."""
    if not text.strip():
        raise UnsupportedFormat("the format is empty")
    parts = _split_sections(text)
    if len(parts) > 4:
        raise UnsupportedFormat("more than four ;-separated sections")
    if len(parts) == 4:
        parts = parts[:3]  # the fourth section formats text; numbers never use it
    sections = tuple(_section(p) for p in parts)
    return ValueFormat(text=text, sections=sections)


def lookml_string(text: str) -> str:
    """A LookML string value as Looker reads it: ``\\"`` is ``"`` and ``\\\\`` is ``\\``
    (the parser keeps the escapes: ``value_format: "0.0,,\\"M\\""`` is ``0.0,,"M"``)."""
    return re.sub(r'\\(["\\])', r"\1", text)


def named_value_formats(model_props: Mapping[str, Any]) -> dict[str, str]:
    """A model's ``named_value_format`` blocks: name -> its format string (``value_format``).
    ``strict_value_format`` only stops localization, which nothing here does."""
    out: dict[str, str] = {}
    for block in model_props.get("named_value_formats") or []:
        if not isinstance(block, dict):
            continue
        name = block.get("name") or block.get("_name")  # lkml's key, the project loader's key
        if name and isinstance(block.get("value_format"), str):
            out[str(name)] = lookml_string(block["value_format"])
    return out


def field_format(props: Mapping[str, Any], named: Mapping[str, str]) -> tuple[str | None, str | None]:
    """A field's format string from its LookML ``props`` and its model's named formats:
    ``value_format`` beats ``value_format_name`` (a model's named format, else a built-in
    name). Returns (format, None), (None, None) without one, or (None, reason) for a name
    that is neither a named format nor a built-in."""
    own = props.get("value_format")
    if isinstance(own, str) and own.strip():
        return lookml_string(own), None
    name = props.get("value_format_name")
    if not isinstance(name, str) or not name.strip():
        return None, None
    return format_by_name(name.strip(), named)


def format_by_name(name: str, named: Mapping[str, str]) -> tuple[str | None, str | None]:
    """The format string a ``value_format_name`` stands for (a model's named format first,
    then a built-in), or (None, reason)."""
    if name in named:
        return named[name], None
    if name in BUILTIN_FORMATS:
        return BUILTIN_FORMATS[name], None
    return None, f"value_format_name {name!r} is neither a named_value_format of the model nor a built-in"


def default_number(value: Any) -> str | None:
    """``value`` as Looker shows a number that has no value format (its default number
    format, 1,234.56): thousands grouped with commas, the decimals as the database returned
    them (Looker neither rounds nor pads a number without a format), no ``-`` on zero.
    None when it is not a number (NULL, text, a yes/no)."""
    x = _decimal(value)
    if x is None:
        return None
    sign = "-" if x < 0 else ""
    whole, _, frac = f"{abs(x):f}".partition(".")
    frac = frac.rstrip("0")
    return sign + f"{int(whole):,}" + ("." + frac if frac else "")
