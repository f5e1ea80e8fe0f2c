"""The document's own LaTeX macros: read from `[macros]` or a preamble, expanded in a claim."""

from __future__ import annotations

import pytest

from symnet.check import check_document
from symnet.document import parse
from symnet.errors import InputError
from symnet.macros import definitions_in, expand, macro


def macros(table: dict) -> dict:
    return {name: macro(name, body) for name, body in table.items()}


def test_a_macro_with_arguments_is_expanded_braced_or_as_one_token():
    pd = macros({r"\pd": r"\frac{\partial #1}{\partial #2}", r"\bW": r"\mathbf{W}"})
    assert expand(r"\pd{L}{\bW}", pd) == r"\frac{\partial L}{\partial \mathbf{W}}"
    assert expand(r"\pd L \bW", pd) == r"\frac{\partial L}{\partial \mathbf{W}}"


def test_a_macro_before_letters_does_not_run_into_them_and_longer_names_are_left():
    table = macros({r"\bx": r"\mathbf{x}", r"\sig": r"\sigma"})
    assert expand(r"\bxy + \bx", table) == r"\bxy + \mathbf{x}"
    assert expand(r"\sig z", table) == r"\sigma z"
    assert expand(r"a \\bx", table) == r"a \\bx"   # a line break, then the letters bx


def test_macros_that_use_macros_expand_and_a_definition_that_loops_is_an_error():
    table = macros({r"\yhat": r"\bm{\hat{\by}}", r"\by": "y"})
    assert expand(r"\yhat", table) == r"\bm{\hat{y}}"
    with pytest.raises(InputError, match="keeps expanding"):
        expand(r"\a", macros({r"\a": r"\a + 1"}))


def test_missing_arguments_name_the_column():
    with pytest.raises(InputError) as error:
        expand(r"x = \pd{L}", macros({r"\pd": r"\frac{\partial #1}{\partial #2}"}))
    assert error.value.column == 5 and "2 argument" in error.value.message


def test_definitions_are_read_from_a_preamble():
    preamble = r"""
    \newcommand{\bW} { \bm{W} }
    \newcommand\pd[2]{\frac{\partial #1}{\partial #2}}
    \renewcommand*{\vec}[1]{\mathbf{#1}}
    \def\R{\mathbb{R}}
    \DeclareMathOperator{\sgn}{sgn}
    """
    assert definitions_in(preamble) == {
        r"\bW": r"\bm{W}", r"\pd": r"\frac{\partial #1}{\partial #2}",
        r"\vec": r"\mathbf{#1}", r"\R": r"\mathbb{R}", r"\sgn": r"\operatorname{sgn}"}


def document(claims: list[str], table: dict, notation: dict | None = None):
    return parse({"document": {"title": "macros"},
                  "network": {"samples": "single", "sizes": {"n": 3, "p": 2}, "inputs": "n",
                              "layers": [{"units": "p", "activation": "sigmoid"}],
                              "loss": {"kind": "squared_error", "scale": "1/2",
                                       "reduction": "sum"}},
                  "macros": table, "notation": notation or {},
                  "claim": [{"id": str(k), "latex": latex} for k, latex in enumerate(claims)]})


def test_claims_and_notation_keys_are_read_with_the_documents_macros():
    table = {r"\pd": r"\frac{\partial #1}{\partial #2}", r"\bW": r"\mathbf{W}",
             r"\vz": r"\mathbf{z}"}
    result = check_document(document([r"\pd{L}{\bW} = (\hat{y} - y) \odot \sigma'(\vz) x^T",
                                      r"\pd{L}{\bW} = (\hat{y} - y) x^T"],
                                     table, {r"\bW": "weight[1]", r"\vz": "preactivation[1]"}))
    assert [(v.verdict, v.diagnosis) for v in result.claims][0] == ("holds", None)
    assert result.claims[1].verdict == "wrong"


@pytest.mark.parametrize("table, expected", [
    ({"pd": "x"}, "not a macro name"),
    ({r"\pd": 3}, "expected the macro's body"),
])
def test_a_bad_macros_table_is_an_input_error_naming_the_key(table, expected):
    with pytest.raises(InputError, match=expected) as error:
        document([], table)
    assert error.value.key.startswith("macros.")
