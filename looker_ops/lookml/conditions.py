"""Looker filter expressions and timeframes as SQL (Athena/Trino functions).

:class:`FilterCompiler` is the hook a caller (e.g. ``preview``) implements to change how a
filter expression on a field becomes SQL; :class:`LookerFilterCompiler` is the default (string,
number, yesno and date/time fields). :func:`timeframe_sql` is the SQL of one timeframe of a
time dimension group.

Two filter grammars, on purpose. :mod:`looker_ops.lookml.filters` is the strict one: it refuses
what Looker refuses (naming the filter) and computes dates from a pinned ``now`` into literal
timestamps; preview (through ``lookml.query.PinnedFilterCompiler``), alerts, schedules and the
filter-value rules of ``check`` use it. :class:`LookerFilterCompiler` is the lenient one that
``check`` compiles every field's SQL with: it never raises (a form it does not read becomes
``1=0``, and the filter-value rules judge the expression itself), and it keeps relative dates
relative to the database's clock (``current_timestamp``), as the SQL Looker sends does. Putting
``check``'s SQL through the strict grammar would turn one unread filter expression into a failed
compile of the whole field: an error where Looker has none.
"""

from __future__ import annotations

import functools
import re
from typing import Protocol

from looker_ops.lookml.field_types import NUMBER_VALUE_TIMEFRAMES, TEXT_TIMEFRAMES
from looker_ops.lookml.model import Field


class FilterCompiler(Protocol):
    """Turns a Looker filter expression on a field into SQL (the hook `preview` plugs into)."""

    def condition(self, field: Field | None, sql: str, expression: str) -> str: ...

    def date_bounds(self, expression: str) -> tuple[str | None, str | None]: ...


def quote_sql(s: str) -> str:
    """A SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


NUMBER_RE = r"-?\d+(?:\.\d+)?"
_DATE_TYPES = frozenset(["date", "date_time", "time", "datetime", "timestamp", "date_raw", "date_date"])
_UNITS = {
    "second": "second",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
}


def _split_commas(expr: str) -> list[str]:
    parts, cur, i = [], [], 0
    while i < len(expr):
        c = expr[i]
        if c == "^" and i + 1 < len(expr):
            cur.append(expr[i + 1])
            i += 2
            continue
        if c == ",":
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur).strip())
    return [p for p in parts if p != ""]


class LookerFilterCompiler:
    """Looker filter expressions -> SQL, for string, number, yesno and date/time fields."""

    def kind_of(self, f: Field | None) -> str:
        if f is None:
            return "string"
        t = f.type
        if f.timeframe is not None:
            if f.timeframe in NUMBER_VALUE_TIMEFRAMES:
                return "number"
            if f.timeframe in TEXT_TIMEFRAMES:
                return "string"
            return "date"
        if t in _DATE_TYPES or t.startswith("date"):
            return "date"
        if t in ("number", "int", "count", "count_distinct", "sum", "average", "min", "max", "median"):
            return "number"
        if t == "yesno":
            return "yesno"
        return "string"

    def condition(self, field: Field | None, sql: str, expression: str) -> str:
        kind = self.kind_of(field)
        expr = expression.strip()
        if kind == "yesno":
            low = expr.lower()
            if low in ("yes", "true"):
                return paren(sql)
            if low in ("no", "false"):
                return f"NOT COALESCE({paren(sql)}, FALSE)"
            return "1=1"
        if expr == "":
            return "1=1"
        if kind == "number":
            return self._number(sql, expr)
        if kind == "date":
            return self._date(sql, expr)
        return self._string(sql, expr)

    def _string(self, sql: str, expr: str) -> str:
        pos: list[str] = []
        neg: list[str] = []
        for part in _split_commas(expr):
            negate = part.startswith("-")
            p = part[1:] if negate else part
            if p == "NULL":
                c = f"{sql} IS NULL"
            elif p == "EMPTY":
                c = f"({sql} IS NULL OR {sql} = '')"
            elif "%" in p or ("_" in p and p.startswith(("%", "_"))):
                c = f"{sql} LIKE {quote_sql(p)}"
            else:
                c = f"{sql} = {quote_sql(p)}"
            if negate:
                neg.append(f"NOT ({c})" if p not in ("NULL",) else f"{sql} IS NOT NULL")
            else:
                pos.append(c)
        out = []
        if pos:
            out.append("(" + " OR ".join(pos) + ")")
        out.extend(neg)
        return "(" + " AND ".join(out) + ")" if out else "1=1"

    def _number(self, sql: str, expr: str) -> str:
        conds: list[str] = []
        nots: list[str] = []
        for part in _split_commas(expr):
            p = part.strip()
            m = re.fullmatch(
                r"([\[(])\s*(" + NUMBER_RE + r"|-?inf)?\s*,\s*(" + NUMBER_RE + r"|inf)?\s*([\])])", p
            )
            if p.upper() == "NULL":
                conds.append(f"{sql} IS NULL")
            elif p.upper() in ("NOT NULL", "-NULL"):
                nots.append(f"{sql} IS NOT NULL")
            elif p.upper().startswith("NOT "):
                nots.append(f"NOT ({self._number(sql, p[4:])})")
            elif m:
                lo = (
                    []
                    if m.group(2) in (None, "-inf")
                    else [f"{sql} {'>=' if m.group(1) == '[' else '>'} {m.group(2)}"]
                )
                hi = (
                    []
                    if m.group(3) in (None, "inf")
                    else [f"{sql} {'<=' if m.group(4) == ']' else '<'} {m.group(3)}"]
                )
                conds.append("(" + " AND ".join([*lo, *hi] or ["1=1"]) + ")")
            elif re.fullmatch(r"(>=|<=|!=|<>|>|<|=)\s*" + NUMBER_RE, p):
                conds.append(f"{sql} {p}")
            elif re.fullmatch(NUMBER_RE + r"\s+to\s+" + NUMBER_RE, p):
                a, b = re.split(r"\s+to\s+", p)
                conds.append(f"({sql} >= {a} AND {sql} <= {b})")
            elif re.fullmatch(NUMBER_RE, p):
                conds.append(f"{sql} = {p}")
            else:
                conds.append("1=0")
        out = []
        if conds:
            out.append("(" + " OR ".join(conds) + ")")
        out.extend(nots)
        return "(" + " AND ".join(out) + ")" if out else "1=1"

    # dates -----------------------------------------------------------------
    @staticmethod
    def _ts(s: str) -> str:
        d = s.strip().replace("/", "-")
        if re.fullmatch(r"\d{4}-\d{2}", d):
            d += "-01"
        if re.fullmatch(r"\d{4}", d):
            d += "-01-01"
        return f"TIMESTAMP {quote_sql(d if ' ' in d or ':' in d else d + ' 00:00:00')}"

    def date_bounds(self, expression: str) -> tuple[str | None, str | None]:
        e = expression.strip().lower()
        today = "date_trunc('day', current_timestamp)"
        if e in ("", "any time", "null"):
            return None, None
        m = re.fullmatch(r"(?:last\s+)?(\d+)\s+(second|minute|hour|day|week|month|quarter|year)s?", e)
        if m:
            n, unit = int(m.group(1)), _UNITS[m.group(2)]
            if unit in ("second", "minute", "hour"):
                start_of = f"date_trunc('{unit}', current_timestamp)"
            else:
                start_of = f"date_trunc('{unit}', current_timestamp)"
            return (
                f"date_add('{unit}', -{n - 1}, {start_of})",
                f"date_add('{unit}', 1, {start_of})",
            )
        m = re.fullmatch(r"(\d+)\s+(second|minute|hour|day|week|month|quarter|year)s?\s+ago", e)
        if m:
            n, unit = int(m.group(1)), _UNITS[m.group(2)]
            start_of = f"date_trunc('{unit}', current_timestamp)"
            return f"date_add('{unit}', -{n}, {start_of})", f"date_add('{unit}', -{n - 1}, {start_of})"
        if e == "today":
            return today, f"date_add('day', 1, {today})"
        if e == "yesterday":
            return f"date_add('day', -1, {today})", today
        m = re.fullmatch(r"(this|last|next)\s+(day|week|month|quarter|year)", e)
        if m:
            off = {"this": 0, "last": -1, "next": 1}[m.group(1)]
            start_of = f"date_trunc('{m.group(2)}', current_timestamp)"
            return (
                f"date_add('{m.group(2)}', {off}, {start_of})",
                f"date_add('{m.group(2)}', {off + 1}, {start_of})",
            )
        m = re.fullmatch(r"(.+?)\s+to\s+(.+)", e)
        if m and re.match(r"\d{4}", m.group(1)):
            return self._ts(m.group(1)), self._ts(m.group(2))
        m = re.fullmatch(r"(before|after|on or after)\s+(\d{4}[-/]\d{2}[-/]\d{2}.*)", e)
        if m:
            return (None, self._ts(m.group(2))) if m.group(1) == "before" else (self._ts(m.group(2)), None)
        m = re.fullmatch(r"(\d{4}[-/]\d{2}[-/]\d{2})", e)
        if m:
            return self._ts(m.group(1)), f"date_add('day', 1, {self._ts(m.group(1))})"
        m = re.fullmatch(r"(\d{4}[-/]\d{2})", e)
        if m:
            return self._ts(m.group(1)), f"date_add('month', 1, {self._ts(m.group(1))})"
        m = re.fullmatch(r"(\d{4})", e)
        if m:
            return self._ts(m.group(1)), f"date_add('year', 1, {self._ts(m.group(1))})"
        return None, None

    def _date(self, sql: str, expr: str) -> str:
        e = expr.strip()
        if e.upper() == "NULL":
            return f"{sql} IS NULL"
        if e.upper() in ("-NULL", "NOT NULL"):
            return f"{sql} IS NOT NULL"
        start, end = self.date_bounds(e)
        conds = []
        if start:
            conds.append(f"{sql} >= {start}")
        if end:
            conds.append(f"{sql} < {end}")
        return "(" + " AND ".join(conds) + ")" if conds else "1=1"


# --------------------------------------------------------------------------- timeframes


def timeframe_sql(raw: str, timeframe: str) -> str:
    """Athena SQL of one timeframe of a time dimension group, given its raw timestamp SQL."""
    x = raw
    tf = timeframe
    m = re.fullmatch(r"(hour|minute|second|millisecond)(\d+)", tf)
    if m:
        secs = {"hour": 3600, "minute": 60, "second": 1, "millisecond": 0.001}[m.group(1)] * int(m.group(2))
        bucket = f"from_unixtime(floor(to_unixtime({x}) / {secs}) * {secs})"
        fmt = {
            "hour": "%Y-%m-%d %H",
            "minute": "%Y-%m-%d %H:%i",
            "second": "%Y-%m-%d %H:%i:%s",
            "millisecond": "%Y-%m-%d %H:%i:%s.%f",
        }[m.group(1)]
        return f"date_format({bucket}, '{fmt}')"
    simple = {
        "raw": x,
        "time": f"date_format({x}, '%Y-%m-%d %H:%i:%s')",
        "second": f"date_format({x}, '%Y-%m-%d %H:%i:%s')",
        "millisecond": f"date_format({x}, '%Y-%m-%d %H:%i:%s.%f')",
        "microsecond": f"date_format({x}, '%Y-%m-%d %H:%i:%s.%f')",
        "minute": f"date_format({x}, '%Y-%m-%d %H:%i')",
        "hour": f"date_format({x}, '%Y-%m-%d %H')",
        "time_of_day": f"date_format({x}, '%H:%i')",
        "date": f"CAST({x} AS DATE)",
        "week": f"CAST(date_trunc('week', {x}) AS DATE)",
        "month": f"date_format({x}, '%Y-%m')",
        "quarter": f"concat(CAST(year({x}) AS VARCHAR), '-Q', CAST(quarter({x}) AS VARCHAR))",
        "year": f"year({x})",
        "hour_of_day": f"hour({x})",
        "day_of_week": f"date_format({x}, '%W')",
        "day_of_week_index": f"(day_of_week({x}) - 1)",
        "day_of_month": f"day({x})",
        "day_of_year": f"day_of_year({x})",
        "week_of_year": f"week_of_year({x})",
        "month_name": f"date_format({x}, '%M')",
        "month_num": f"month({x})",
        "quarter_of_year": f"quarter({x})",
        "fiscal_month_num": f"month({x})",
        "fiscal_quarter": f"concat(CAST(year({x}) AS VARCHAR), '-Q', CAST(quarter({x}) AS VARCHAR))",
        "fiscal_quarter_of_year": f"quarter({x})",
        "fiscal_year": f"year({x})",
    }
    return simple.get(tf, x)


def raw_for_datatype(sql: str, datatype: str | None) -> str:
    """The timestamp SQL of a time column stored as ``datatype`` (epoch, yyyymmdd, date...)."""
    dt = (datatype or "timestamp").lower()
    if dt == "epoch":
        return f"from_unixtime({sql})"
    if dt == "yyyymmdd":
        return f"date_parse(CAST({sql} AS VARCHAR), '%Y%m%d')"
    if dt == "date":
        return f"CAST({sql} AS TIMESTAMP)"
    return sql


_ONE_TERM_RE = re.compile(r"[A-Za-z_][\w.\"]*|'[^']*'|-?\d+(\.\d+)?")
_CALL_START_RE = re.compile(r"[A-Za-z_][\w.]*\s*\(")
_NOT_PAREN_RE = re.compile(r"[^()]+")


@functools.lru_cache(maxsize=1 << 16)
def paren(s: str) -> str:
    """``s`` in parentheses unless it is already one term (remembered: a field's SQL is put
    in parentheses once per field that references it)."""
    t = s.strip()
    if _ONE_TERM_RE.fullmatch(t):
        return t
    if t.startswith("(") and t.endswith(")") and _balanced_outer(t):
        return t
    m = _CALL_START_RE.match(t)
    if m and t.endswith(")") and _balanced_outer(t[m.end() - 1 :]):
        return t
    return f"({t})"


def _balanced_outer(t: str) -> bool:
    """The parentheses of ``t`` balance and none closes to depth 0 before its last character
    (read over the parentheses alone: the rest of the text is skipped in C)."""
    parens = _NOT_PAREN_RE.sub("", t)
    # the last parenthesis is the last character only when t ends with one
    last = len(parens) - 1 if t.endswith(")") else -1
    depth = 0
    for i, c in enumerate(parens):
        if c == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0 and i != last:
                return False
    return depth == 0


# --------------------------------------------------------------------------- compiler
