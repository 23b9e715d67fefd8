"""Value formats of a tile's columns, as Looker chooses them, and the text of each cell.

For each column, the first that applies:

1. the element's ``series_value_format`` entry for the column's field (a format string, or
   ``{format_string: ..., name: ...}``: the string, else the name); a pivot column
   ``measure | value`` takes its measure's entry;
2. on a ``single_value`` element, the element's ``value_format`` for the value it shows (the
   first column);
3. the field's ``value_format``, then its ``value_format_name`` (the model's
   ``named_value_format`` of that name, else a built-in: decimal_0..4, percent_0..4, usd,
   usd_0, gbp, gbp_0, eur, eur_0, id).

A dimension is formatted only when it is ``type: number`` (Looker ignores a format on other
dimensions); only numbers are formatted (NULL, text and yes/no are shown as they are). A
format that :mod:`looker_ops.lookml.value_format` does not read, or a name that is not
defined, leaves the column's values unformatted and gives one note.

A numeric column (a field that could take a format, see above) with no format is shown in
Looker's default number format (:func:`~looker_ops.lookml.value_format.default_number`:
``1,077``, ``1,234.5678``); other columns without a format are shown as they are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from looker_ops.lookml.model import Explore, Field, Project
from looker_ops.lookml.value_format import (
    UnsupportedFormat,
    default_number,
    field_format,
    format_by_name,
    named_value_formats,
    parse_value_format,
)

SINGLE_VALUE_TYPES = ("single_value", "looker_single_value")
# Measure types whose values are not numbers: a format never applies to them.
_NOT_NUMERIC = {"string", "date", "time", "datetime", "date_time", "yesno", "list", "location", "zipcode"}


def find_explore(project: Project, model: str, name: str) -> Explore | None:
    """The explore ``model::name``; without a model, the one explore of that name."""
    explore = project.explore(model, name)
    if explore is None and not model:
        named = project.explores_named(name)
        explore = named[0] if len(named) == 1 else None
    return explore


def _field(project: Project, explore: Explore, ref: str) -> Field | None:
    alias, _, name = ref.partition(".")
    view_name = explore.aliases().get(alias)
    view = project.view_for(explore.model, view_name) if view_name else None
    return view.field(name) if view is not None else None


def _formattable(f: Field) -> bool:
    if f.is_measure:
        return f.type not in _NOT_NUMERIC
    return f.kind == "dimension" and f.type == "number"


def _series_format(entry: Any, named: Mapping[str, str]) -> tuple[str | None, str | None]:
    """An element's ``series_value_format`` entry: a format string, or a mapping with
    ``format_string`` (else ``name``)."""
    if isinstance(entry, str):
        return (entry, None) if entry.strip() else (None, None)
    if isinstance(entry, Mapping):
        text = entry.get("format_string")
        if isinstance(text, str) and text.strip():
            return text, None
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            return format_by_name(name.strip(), named)
    return None, None


def column_formats(
    project: Project,
    explore: Explore | None,
    columns: Sequence[str],
    element_props: Mapping[str, Any],
    element_type: str | None,
) -> tuple[list[str | None], list[str]]:
    """The format string of each column (None: unformatted) and the notes on formats that
    could not be used (see the module doc)."""
    model = project.models.get(explore.model) if explore is not None else None
    named = named_value_formats(model.props) if model is not None else {}
    series = element_props.get("series_value_format")
    series = series if isinstance(series, Mapping) else {}
    own = element_props.get("value_format")
    formats: list[str | None] = []
    notes: list[str] = []
    for i, column in enumerate(columns):
        ref = column.split(" | ", 1)[0]
        text, reason = _series_format(series.get(ref), named)
        where = f"series_value_format of {ref}"
        single = i == 0 and (element_type or "") in SINGLE_VALUE_TYPES
        if text is None and reason is None and single and isinstance(own, str) and own.strip():
            text, where = own, "the tile's value_format"
        if text is None and reason is None and explore is not None:
            f = _field(project, explore, ref)
            if f is not None and _formattable(f):
                text, reason = field_format(f.props, named)
                where = ref
        if reason is not None:
            notes.append(f"{where}: {reason}; its values are shown unformatted")
            formats.append(None)
            continue
        if text is not None:
            try:
                parse_value_format(text)
            except UnsupportedFormat as exc:
                notes.append(f"{where}: value format {text!r} is not supported ({exc}); shown unformatted")
                text = None
        formats.append(text)
    return formats, notes


def numeric_columns(project: Project, explore: Explore | None, columns: Sequence[str]) -> list[bool]:
    """Whether each column is a field that shows numbers (a measure of a numeric type, a
    ``type: number`` dimension; a pivot column ``measure | value`` as its measure): such a
    column without a value format is shown in Looker's default number format."""
    out: list[bool] = []
    for column in columns:
        f = _field(project, explore, column.split(" | ", 1)[0]) if explore is not None else None
        out.append(f is not None and _formattable(f))
    return out


def rendered_rows(
    rows: Sequence[Sequence[Any]], formats: Sequence[str | None], numeric: Sequence[bool] = ()
) -> list[list[str | None]]:
    """Each cell's formatted text: in its column's format, else (a numeric column, see
    :func:`numeric_columns`) in Looker's default number format; None where neither applies
    (NULL, a value that is not a number, a column that is not numeric)."""
    parsed = [parse_value_format(f) if f is not None else None for f in formats]
    plain = [i < len(numeric) and numeric[i] for i in range(len(parsed))]
    return [
        [
            p.render(v) if p is not None else default_number(v) if n else None
            for p, n, v in zip(parsed, plain, row, strict=False)
        ]
        for row in rows
    ]
