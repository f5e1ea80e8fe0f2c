"""Links whose right side is numbers only, as worked examples write them.

Between numbers (`0.15 * 0.05 + 0.2 * 0.1 + 0.35 * 1 = 0.3775`) a link is the example's
arithmetic: checked to the precision its result is written with (one unit in the last decimal
place of a side that is one number, as rounding allows; else to a relative 10^-6). A quantity set
equal to numbers (`net_{h1} = 0.15 * 0.05 + ...`) is its value at the document's own numbers,
which symnet does not have: that link is left unchecked, saying so.
"""

from __future__ import annotations

import re

import sympy as sp
from lark import Token, Tree

from ..grammar import Relation, source_of
from ..resolve import MatrixValue
from ..resolve.trees import numbers_only
from .results import LinkResult

_DECIMALS = re.compile(r"[0-9]+\.([0-9]+)")
RELATIVE = 1e-6


def is_substitution(link: Relation) -> bool:
    """A quantity set equal to numbers with a decimal point: its value at the document's
    numbers (`\\frac{\\partial z}{\\partial b} = 1` is an exact value, checked as any)."""
    return numbers_only(link.rhs) and not numbers_only(link.lhs) and any(
        token.type == "NUMBER" and "." in str(token)
        for token in link.rhs.scan_values(lambda value: isinstance(value, Token)))


def of_numbers(link: Relation) -> bool:
    """A link of a worked example's numbers: a substitution, or arithmetic."""
    return is_substitution(link) or numbers_only(link.lhs) and numbers_only(link.rhs)


def substituted() -> LinkResult:
    return LinkResult("unchecked", message="a value at numbers the document gives (its "
                                           "weights and inputs), which symnet does not "
                                           "have; the arithmetic between numbers is checked")


def judge_arithmetic(link: Relation, latex: str, lhs, rhs) -> LinkResult:
    """Two sides of numbers, as resolved (scalars, or matrices written out entry by entry),
    compared entry by entry to their written precision."""
    shapes = [side.shape if isinstance(side, MatrixValue) else (1, 1) for side in (lhs, rhs)]
    if shapes[0] != shapes[1]:
        return LinkResult("wrong", diagnosis="shape", message=f"the left side is "
                          f"{shapes[0][0]}x{shapes[0][1]}, the right side "
                          f"{shapes[1][0]}x{shapes[1][1]}")
    entries = [[complex(sp.N(entry)) for entry in
                (side.matrix if isinstance(side, MatrixValue) else [side.at({})])]
               for side in (lhs, rhs)]
    if any(abs(value.imag) > 1e-12 for side in entries for value in side):
        return LinkResult("unchecked", message="a number that is not real")
    # (a side of numbers written alone is a result, rounded to the places it is written with)
    results = [source_of(side, latex) for side in (link.lhs, link.rhs)
               if isinstance(side, Tree) and side.data in ("number", "matrix")]
    places = [len(decimals) for result in results for decimals in _DECIMALS.findall(result)]
    for left, right in zip(*entries):
        left, right = left.real, right.real
        tolerance = max(10.0 ** -max(places) if places else 0.0,
                        RELATIVE * max(abs(left), abs(right), 1e-300))
        if abs(left - right) > tolerance:
            return LinkResult("wrong", diagnosis="other",
                              message=f"the arithmetic: the left side is {left:.6g}, the "
                                      f"right side {right:.6g}")
    return LinkResult("holds", "numeric")
