"""Looker's value formats (looker_ops/lookml/value_format.py): the built-in names with the
examples of Looker's value_format_name page, Excel-style strings with the examples of the
value_format and named_value_format pages, negatives, rounding, NULL, and what is refused."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from looker_ops.lookml.value_format import (
    BUILTIN_FORMATS,
    UnsupportedFormat,
    default_number,
    field_format,
    format_by_name,
    lookml_string,
    named_value_formats,
    parse_value_format,
)


def fmt(text: str, value: Any) -> str | None:
    return parse_value_format(text).render(value)


# Looker's tables: numeric names on 1234.56789, percentages on 0.123456.
BUILTIN_EXAMPLES = {
    "decimal_0": (1234.56789, "1,235"),
    "decimal_1": (1234.56789, "1,234.6"),
    "decimal_2": (1234.56789, "1,234.57"),
    "decimal_3": (1234.56789, "1,234.568"),
    "decimal_4": (1234.56789, "1,234.5679"),
    "usd_0": (1234.56789, "$1,235"),
    "usd": (1234.56789, "$1,234.57"),
    "gbp_0": (1234.56789, "£1,235"),
    "gbp": (1234.56789, "£1,234.57"),
    "eur_0": (1234.56789, "€1,235"),
    "eur": (1234.56789, "€1,234.57"),
    "id": (1234.56789, "1235"),
    "percent_0": (0.123456, "12%"),
    "percent_1": (0.123456, "12.3%"),
    "percent_2": (0.123456, "12.35%"),
    "percent_3": (0.123456, "12.346%"),
    "percent_4": (0.123456, "12.3456%"),
}


def test_every_builtin_name_has_an_example() -> None:
    assert set(BUILTIN_EXAMPLES) == set(BUILTIN_FORMATS)


@pytest.mark.parametrize("name", sorted(BUILTIN_EXAMPLES))
def test_builtin_names_as_looker_documents_them(name: str) -> None:
    value, shown = BUILTIN_EXAMPLES[name]
    text, reason = format_by_name(name, {})
    assert reason is None and text is not None
    assert fmt(text, value) == shown


@pytest.mark.parametrize(
    ("text", "value", "shown"),
    [
        # the examples of Looker's value_format page
        ("0", 123, "123"),
        ("*00#", 1, "001"),
        ('0" String"', 123, "123 String"),
        ("0.##", 1, "1."),
        ("0.##", 1.2, "1.2"),
        ("0.##", 1.234, "1.23"),
        ("0.00", 1.234, "1.23"),
        ("*00#.00", 1.234, "001.23"),
        ("#,##0", 1234, "1,234"),
        ("#,##0.00", 1234, "1,234.00"),
        ('0.000,," M"', 1234000, "1.234 M"),
        ('0.000," K"', 1234, "1.234 K"),
        ("$0", 123, "$123"),
        ('"€"0', 123, "€123"),
        ("0%", 0.5, "50%"),
        ("0.00%", 0.2201, "22.01%"),
        ("$#,##0", 1234567.891, "$1,234,568"),
        ('#,##0.00" ms"', 12.5, "12.50 ms"),
        ("[$£-809]#,##0", 99, "£99"),
        ("_(0_)", 7, " 7 "),
        ("General", 1234.5, "1234.5"),
        # conditions and scaling commas (the named_value_format page's "big number" format)
        ('[>=1000000]0.0,,"M";[>=1000]0.0,"K";0', 2_345_678, "2.3M"),
        ('[>=1000000]0.0,,"M";[>=1000]0.0,"K";0', 45_678, "45.7K"),
        ('[>=1000000]0.0,,"M";[>=1000]0.0,"K";0', 999, "999"),
        ('[>=1000000]0.0,,"M";[>=1000]0.0,"K";0', -5, "-5"),
    ],
)
def test_excel_style_formats(text: str, value: Any, shown: str) -> None:
    assert fmt(text, value) == shown


@pytest.mark.parametrize(
    ("text", "value", "shown"),
    [
        ("#,##0", -1234.5, "-1,235"),  # one section: the minus sign, then the prefix
        ("$#,##0.00", -5, "-$5.00"),
        ("$#.00;($#.00)", -5.5, "($5.50)"),  # a negative section writes its own sign
        ("$#.00;($#.00)", 5.5, "$5.50"),
        ("$#.00;($#.00)", 0.5, "$.50"),  # "#" shows no leading zero
        ('0;-0;"zero"', 0, "zero"),
        ('0;-0;"zero"', -3, "-3"),
        ("0.00;(0.00)", 0, "0.00"),  # two sections: zero takes the first
        ("0.00", -0.001, "0.00"),  # rounded to zero: no minus sign
    ],
)
def test_negatives_and_sections(text: str, value: Any, shown: str) -> None:
    assert fmt(text, value) == shown


@pytest.mark.parametrize(
    ("text", "value", "shown"),
    [
        ("0.00", 0.125, "0.13"),  # half away from zero, on the decimal value
        ("0.00", -0.125, "-0.13"),
        ("0.00", 2.675, "2.68"),  # the float is 2.67499..., the value shown is 2.675
        ("0.00", 1.005, "1.01"),
        ("0", 0.5, "1"),
        ("0", 2.5, "3"),
        ("0", -2.5, "-3"),
        ("#,##0", 999.5, "1,000"),
        ("0.0%", 0.00049, "0.0%"),
        ("0.0%", 0.0005, "0.1%"),
        ("0.00", Decimal("3.14159"), "3.14"),
    ],
)
def test_rounding_half_away_from_zero(text: str, value: Any, shown: str) -> None:
    assert fmt(text, value) == shown


@pytest.mark.parametrize("value", [None, "text", True, False, float("nan"), float("inf")])
def test_only_numbers_are_formatted(value: Any) -> None:
    assert fmt("#,##0.00", value) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("yyyy-mm-dd", "'y' outside quotes"),
        ("0.00E+00", "scientific"),
        ("[Red]0", "[Red] is not supported"),
        ('0"-"0', "text between digit placeholders"),
        ("@", "text placeholder"),
        ("", "empty"),
        ("0;0;0;0;0", "more than four"),
        ('0"open', "not closed"),
        ("0.0.0", "more than one decimal point"),
    ],
)
def test_what_is_not_read_says_why(text: str, reason: str) -> None:
    with pytest.raises(UnsupportedFormat, match=re.escape(reason)):
        parse_value_format(text)


def test_lookml_strings_and_named_formats() -> None:
    # the LookML parser keeps the escapes of  value_format: "0.0,,\"M\""
    assert lookml_string('0.0,,\\"M\\"') == '0.0,,"M"'
    props = {
        "named_value_formats": [
            {"name": "big", "value_format": '[>=1000]0.0,\\"K\\";0', "strict_value_format": "yes"},
            {"_name": "loaded", "value_format": "0.0"},  # the project loader names it _name
            {"name": "broken"},
        ]
    }
    named = named_value_formats(props)
    assert named == {"big": '[>=1000]0.0,"K";0', "loaded": "0.0"}
    assert fmt(named["big"], 2500) == "2.5K"
    assert format_by_name("big", named) == ('[>=1000]0.0,"K";0', None)
    text, reason = format_by_name("nope", named)
    assert text is None and reason is not None and "'nope'" in reason


def test_field_value_format_beats_value_format_name() -> None:
    named = {"pct": "0%"}
    both = {"value_format": '0.0\\"x\\"', "value_format_name": "pct"}
    assert field_format(both, named) == ('0.0"x"', None)
    assert field_format({"value_format_name": "pct"}, named) == ("0%", None)
    assert field_format({"value_format_name": "usd"}, named) == ("$#,##0.00", None)
    assert field_format({"value_format": "  ", "value_format_name": "id"}, named) == ("0", None)
    assert field_format({}, named) == (None, None)
    # a model's named format of a built-in's name is the model's
    assert field_format({"value_format_name": "usd"}, {"usd": "0"}) == ("0", None)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1077, "1,077"),
        (0, "0"),
        (-1234567, "-1,234,567"),
        (1234.5678, "1,234.5678"),  # the decimals as returned: no rounding, no padding
        (2.3333333333333335, "2.3333333333333335"),
        (Decimal("1234.50"), "1,234.5"),
        (-0.0, "0"),
        (1e-7, "0.0000001"),
        (None, None),
        ("1234", None),
        (True, None),
    ],
)
def test_looker_default_number_format(value: Any, shown: str | None) -> None:
    assert default_number(value) == shown
