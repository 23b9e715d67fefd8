"""``paren`` (a field's SQL in parentheses unless it is one term) reads only the parentheses of
the text; held to the character-by-character reading on random texts of parentheses, names,
quotes and calls."""

from __future__ import annotations

import random

from looker_ops.lookml.conditions import _balanced_outer, paren


def _balanced_outer_by_char(t: str) -> bool:
    depth = 0
    for i, c in enumerate(t):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0 and i != len(t) - 1:
                return False
    return depth == 0


def test_balanced_outer_reads_as_the_character_by_character_loop() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        t = "".join(rng.choice("()ab .'\"1-x_(") for _ in range(rng.randint(0, 14)))
        if rng.random() < 0.3:
            t = "(" + t + ")"
        assert _balanced_outer(t) == _balanced_outer_by_char(t), t


def test_paren_wraps_only_what_is_not_one_term() -> None:
    assert paren("x.a") == "x.a"
    assert paren(" 'abc' ") == "'abc'"
    assert paren("-1.5") == "-1.5"
    assert paren("(a + b)") == "(a + b)"
    assert paren("(a) + (b)") == "((a) + (b))"
    assert paren("coalesce(a, (b))") == "coalesce(a, (b))"
    assert paren("f(a) + g(b)") == "(f(a) + g(b))"
    assert paren("a + b") == "(a + b)"
    assert paren("(a") == "((a)"
