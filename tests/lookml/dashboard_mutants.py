"""Dashboard texts for the reader tests: a rich base dashboard and seeded mutants of it (each
a few line edits drawn from the YAML the fast reader reads, and from what it must leave to
PyYAML: anchors, tags, block scalars, tabs, multi-line values, broken YAML)."""

from __future__ import annotations

import random

BASE = """---
# a dashboard as Looker writes it, with hand edits
- dashboard: overview
  title: "Overview: CloudTrail"
  layout: newspaper
  preferred_slug: abc123
  description: ''
  refresh: 1 hour
  filters:
  - name: Date
    title: Date
    type: date_filter
    default_value: 7 days
    allow_multiple_values: true
    ui_config:
      type: relative_timeframes
      display: inline
      options: []
  - name: Account
    type: field_filter
    default_value: ''
    model: cloudtrail
    explore: events
    field: events.account_id
  elements:
  - title: Events by day
    name: events_by_day
    model: cloudtrail
    explore: events
    type: looker_line
    fields: [events.event_date, events.count]
    fill_fields: [events.event_date]
    sorts: [events.event_date desc 0, events.count]
    limit: 500
    x_axis_gridlines: false
    y_axis_gridlines: true
    show_view_names: false
    series_colors:
      events.count: "#1A73E8"
      "true": '#ff7f0e'
    series_types: {}
    y_axes: [{label: '', orientation: left, series: [{axisId: events.count, id: events.count}]}]
    hidden_fields: [events.first_field, events.second_field,
      events.third_field]
    listen:
      Date: events.event_date
      Account: events.account_id
    row: 0
    col: 0
    width: 12
    height: 6
  - name: note
    type: text
    title_text: Read me
    body_text: "Line one\\nline two"   # a comment after a value
    subtitle_text: a long plain subtitle that the emitter
      wrapped onto a second line
    note_text: "a quoted note that the emitter wrapped
      onto two lines"
    rich_content_json: |-
      # Heading
      Some **markdown**: with colons

      - a list item
    title_text: |
      kept
    row: 6
    col: 0
    width: 24
    height: 2
  - name: merged
    type: looker_grid
    merged_queries:
    - model: cloudtrail
      explore: events
      fields: [events.event_name, events.count]
      join_fields: []
    - model: cloudtrail
      explore: events
      fields: [events.event_name, events.errors]
      join_fields:
      - field_name: events.event_name
        source_field_name: events.event_name
    listen:
    - Date: events.event_date
    - Date: events.event_date
    dynamic_fields: [{table_calculation: rate, label: Rate, expression: "${events.errors}/${events.count}"}]
    conditional_formatting: [{type: along a scale..., value: '', bold: false}]
    x_axis_label_rotation: -45
    map_zoom: 1_000
    start: 2024-01-01
    ratio: 1:20
    big: 0x1F
    nothing: ~
    upper_null: NULL
    switch: on
    row: 8
"""

VALUES = [
    "yes",
    "~",
    "null",
    "Null",
    "NULL",
    '"a: b"',
    "'it''s'",
    '"x" # c',
    "[a, b: c]",
    "{a: 1}",
    "2024-01-01",
    "2024-01-01 10:00:00",
    "1:20",
    "0x1F",
    "-45",
    "&anc v",
    "*anc",
    "!!str 5",
    "|",
    ">-",
    '"unterminated',
    "a: b",
    "a #b",
    "a#b",
    "[a,",
    "- x",
    "%x",
    "@x",
    "`x`",
    "'single'",
    '"tab\\there"',
    '"\\u00e9"',
    ".inf",
    "+1",
    "1_000",
    "on",
    '""',
    "[]",
    "{}",
    "x:",
    ": x",
    "? x",
    "a, b",
    "[a] x",
    '"a" b',
    "'a'b",
    "---",
    "...",
    "-",
    "- ",
    "0o17",
    "1e3",
    "3.",
    ".5",
    "<<",
    "=",
    "caf\u00e9",
    "\u2028",
    "x\u0085y",
    "<< : x",
    "[&a x, *a]",
    "{? a}",
    '"\\"q\\""',
    "'#'",
    "a  #  b",
    "#c",
    "[a, [b, {c: d}]]",
    "{a: [1, 2], b: {c: ~}}",
]
KEYS = [
    '"quoted key"',
    "'single key'",
    "yes",
    "1",
    "<<",
    "=",
    "? x",
    "a b",
    "a#b",
    "-k",
    '"k\\"q"',
    "'k''q'",
    "elements",
    "filters",
    "dashboard",
    "name",
    "null",
    "~",
    "a b  ",
    '"a" ',
    "[k]",
    "{k: v}",
    "&a k",
    "*a",
    "!t k",
    "k" * 1100,
    "T",
    "2024-01-01",
]


def mutate(text: str, rng: random.Random) -> str:
    """``text`` with one to three random edits."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        ln = lines[i]
        indent = len(ln) - len(ln.lstrip(" "))
        op = rng.randrange(16)
        if op == 0:
            lines.insert(i, " " * rng.randrange(8) + rng.choice(["", "# note", "#", "  "]))
        elif op == 1:
            lines[i] = ln + rng.choice(["  ", " # trailing", "\t", " #"])
        elif op == 2:
            lines[i] = " " * max(0, indent + rng.choice([-2, -1, 1, 2])) + ln.lstrip(" ")
        elif op in (3, 4, 5) and ": " in ln:
            lines[i] = ln[: ln.index(": ") + 2] + rng.choice(VALUES)
        elif op in (6, 7) and ":" in ln:
            body = ln.lstrip(" ")
            dash = "- " if body.startswith("- ") else ""
            body = body[len(dash) :]
            if ":" in body:
                lines[i] = " " * indent + dash + rng.choice(KEYS) + body[body.index(":") :]
        elif op == 8:
            lines.insert(i, ln)
        elif op == 9 and len(lines) > 2:
            del lines[i]
        elif op == 10 and ": " in ln:
            k = ln.index(": ")
            lines[i : i + 1] = [ln[: k + 1], " " * (indent + rng.choice([0, 2, 4])) + ln[k + 2 :]]
        elif op == 11:
            lines[i] = ln.replace(" ", "\t", 1)
        elif op == 12:
            lines.insert(rng.choice([0, len(lines)]), rng.choice(["---", "...", "%YAML 1.1", "--- x"]))
        elif op == 13 and ": " in ln:
            lines[i] = ln[: ln.index(": ") + 2] + rng.choice(["&a x", "*a", "[]", "", "|\n  two\n  lines"])
        if op == 14 and ": " in ln:  # a block scalar, with what may follow its header and lines
            k = ln.index(": ")
            head = rng.choice(["|", "|-", "|+", "| # c", "|2", ">", "|x"])
            body = rng.choice([["a", "", "b"], ["# x", "  y"], ["", "a"], ["a", "   "], ["a", "", ""]])
            pad = " " * (indent + rng.choice([0, 1, 2, 4]))
            lines[i : i + 1] = [ln[: k + 2] + head] + [pad + b if b else b for b in body]
        elif op == 15 and ": " in ln:  # a value wrapped over two lines
            k = ln.index(": ")
            value = rng.choice(
                ['"wrapped quoted', "[wrapped, flow,", "wrapped plain", "'wrapped single", "{a: 1,"]
            )
            end = {'"': '"', "[": "]", "'": "'", "{": "b: 2}"}.get(value[0], "")
            cont = rng.choice(["rest of it", "", "#", "x: y", "- z", "it's"]) + end
            lines[i : i + 1] = [ln[: k + 2] + value, " " * (indent + rng.choice([0, 1, 2, 6])) + cont]
    text = "\n".join(lines)
    if rng.random() < 0.3:  # how the file ends (libyaml's end marks depend on it)
        text = text.rstrip("\n") + rng.choice(["", "\n", " ", "  # c", "\n\n   ", "\n#x", "\n      "])
    return text


# the same dashboard as a single mapping (no list), as some hand-written files have it
BASE_MAPPING = "\n".join(
    ln[2:] if ln.startswith("  ") else ln[2:] if ln.startswith("- ") else ln for ln in BASE.split("\n")
)


def mutants(n: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    return [mutate(rng.choice([BASE, BASE_MAPPING]), rng) for _ in range(n)]


# Edits aimed at the reader's runs (a tile's block of one-line `key: value` lines read at once):
# a value or key of another shape in the middle of a block, what may follow a value, and
# character edits anywhere.
RUN_VALUES = [
    '"#3EB0D5"',
    "'9 events'",
    '"a\\"b"',
    '"a\\\\b"',
    "'it''s'",
    '"x" # c',
    "x # c",
    "x#c",
    "a: b",
    "a:b",
    "-5",
    "- 5",
    "-x",
    "...x",
    ".5",
    "---",
    "[]",
    "{}",
    "[a, b]",
    "[a,",
    "{a: [1, {b: c}]}",
    "|",
    "|-",
    ">",
    "&a x",
    "*a",
    "!!str x",
    "%x",
    "@x",
    "yes",
    "~",
    "2024-01-01",
    "1_000",
    "0x1F",
    "",
    "  spaced",
    "x  ",
    "caf\u00e9 cr\u00e8me",
    "\u00a0x",
    "x\u00a0",
]
RUN_KEYS = [
    "elements",
    "filters",
    "dashboard",
    '"quoted"',
    "'single'",
    "yes",
    "null",
    "a.b",
    "a b",
    "1x",
    "_x",
    "x" * 205,
    "caf\u00e9",
    "-k",
    "k ",
]


def mutate_run(text: str, rng: random.Random) -> str:
    """``text`` with one to four edits, most of them inside blocks of one-line entries."""
    lines = text.split("\n")
    keyed = [i for i, ln in enumerate(lines) if ": " in ln and not ln.lstrip(" ").startswith("- ")]
    for _ in range(rng.randint(1, 4)):
        i = rng.choice(keyed) if keyed and rng.random() < 0.8 else rng.randrange(len(lines))
        ln = lines[i]
        indent = len(ln) - len(ln.lstrip(" "))
        k = ln.find(": ")
        op = rng.randrange(12)
        if op in (0, 1, 2) and k != -1:
            lines[i] = ln[: k + 2] + rng.choice(RUN_VALUES)
        elif op == 3 and k != -1:
            lines[i] = " " * indent + rng.choice(RUN_KEYS) + ln[k:]
        elif op == 4:  # a comment or a blank line inside the block
            lines.insert(i, " " * rng.choice([0, indent, indent + 2]) + rng.choice(["# c", "", "#"]))
        elif op == 5:  # the line one step deeper or shallower
            lines[i] = " " * max(0, indent + rng.choice([-2, -1, 1, 2])) + ln.lstrip(" ")
        elif op == 6 and k != -1:  # the value wrapped onto the next line
            value = ln[k + 2 :]
            cut = rng.randrange(len(value) + 1)
            lines[i : i + 1] = [ln[: k + 2] + value[:cut], " " * (indent + 2) + value[cut:]]
        elif op == 7 and ln:  # a character deleted
            j = rng.randrange(len(ln))
            lines[i] = ln[:j] + ln[j + 1 :]
        elif op == 8:  # a character inserted
            j = rng.randrange(len(ln) + 1)
            lines[i] = ln[:j] + rng.choice(" :#-\"'[]{},&*!|>%@`\t\\x") + ln[j:]
        elif op == 9:
            lines[i] = ln + rng.choice(["  ", " # trailing", " #", "\t"])
        elif op == 10 and k != -1:  # a nested block under the key
            lines[i : i + 1] = [ln[: k + 1], " " * (indent + 2) + "a: 1", " " * (indent + 2) + "b: x"]
        elif op == 11:
            lines.insert(i, ln)  # a key given twice
    return "\n".join(lines)
