"""Corrections: a planted error of each diagnosis, in documents written for the test on several
networks and sample conventions. The correction must hold when symnet checks it afresh, and it
must differ from the wrong claim only where the error was planted."""

from __future__ import annotations

import json
import os
import re

import pytest

from symnet.check import as_text, check_document
from symnet.document import parse

from test_conventions import SOFTMAX_CE, network

COLUMNS = {}
ROWS = {"samples": "rows", "weights": "in_out", "output": "softmax",
        "loss": "categorical_cross_entropy", "scale": 1}
SINGLE = {"samples": "single", "hidden": "sigmoid"}
L2 = {"regularization": {"l2": "lambda", "scale": "1/2"}}
MEAN_RELU = {"hidden": "relu", "reduction": "mean", "loss": "binary_cross_entropy", "scale": 1,
             "outputs": 1}

# (what is planted, network, the correct formula, (written instead, planted), diagnosis)
CASES = [
    ("sign of a gradient", COLUMNS, r"\frac{\partial L}{\partial A^{(2)}} = A^{(2)} - Y",
     (r"A^{(2)} - Y", r"Y - A^{(2)}"), "sign"),
    ("sign of an update step", COLUMNS,
     r"W^{(2)} \leftarrow W^{(2)} - \eta \frac{\partial L}{\partial W^{(2)}}",
     (r"- \eta", r"+ \eta"), "sign"),
    ("sign, samples as rows", ROWS, r"\frac{\partial L}{\partial b_2} = \sum \delta_2",
     (r"\sum \delta_2", r"-\sum \delta_2"), "sign"),
    ("missing mean factor", MEAN_RELU, r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}",
     (r"\frac{1}{m} ", ""), "factor"),
    ("spurious factor 2", COLUMNS, r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} A^{(1)T}",
     (r"\delta^{(2)} A", r"2 \delta^{(2)} A"), "factor"),
    ("wrong coefficient, one sample", SINGLE,
     r"L = \frac{1}{2} \sum_j (a_j^{(2)} - y_j)^2", (r"\frac{1}{2}", r"\frac{1}{4}"), "factor"),
    ("product transposed, samples as rows", ROWS,
     r"\frac{\partial L}{\partial W_2} = a_1^T \delta_2", (r"a_1^T \delta_2", r"\delta_2^T a_1"),
     "transpose"),
    ("missing transpose", COLUMNS, r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} A^{(1)T}",
     (r"A^{(1)T}", r"A^{(1)}"), "shape"),
    ("missing transpose, one sample", SINGLE,
     r"\frac{\partial L}{\partial a^{(1)}} = W^{(2)T} \delta^{(2)}", (r"W^{(2)T}", r"W^{(2)}"),
     "shape"),
    ("index letter", {"samples": "single"},
     r"\frac{\partial L}{\partial w^2_{jk}} = a^1_k \delta^2_j", (r"a^1_k", r"a^1_j"), "index"),
    ("index letter in a sum over samples", COLUMNS,
     r"\frac{\partial L}{\partial w^2_{jk}} = \sum_m a^1_{km} \delta^2_{jm}",
     (r"a^1_{km}", r"a^1_{jm}"), "index"),
    ("missing prime", SINGLE,
     r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot \sigma'(z^{(1)})",
     (r"\sigma'(z", r"\sigma(z"), None),
    # (a product sign left out between two matrices of one shape reads as the element-wise
    # product: tests/test_check.py)
    ("factors in the other order, samples as rows", ROWS,
     r"\frac{\partial L}{\partial W^{(2)}} = (A^{(1)})^T \delta^{(2)}",
     (r"(A^{(1)})^T \delta^{(2)}", r"\delta^{(2)} (A^{(1)})^T"), "shape"),
    ("a layer by its name", ROWS,
     r"\frac{\partial L}{\partial W^{(out)}} = (A^{(h)})^T \delta^{(out)}",
     (r"\delta^{(out)}", r"\delta^{(h)}"), "shape"),
    ("Hadamard product written as a dot", MEAN_RELU,
     r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot \mathbb{1}(Z^{[1]} > 0)",
     (r"\odot", r"\cdot"), None),
    # one term of a sum wrong: that term put right, not the whole line rewritten; a wrong
    # sign so found is the diagnosis
    ("sign of a penalty's term", L2,
     r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} A^{(1)T} + \lambda W^{(2)}",
     (r"+ \lambda", r"- \lambda"), "sign"),
    ("factor 2 on a penalty's term", L2,
     r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} A^{(1)T} + \lambda W^{(2)}",
     (r"\lambda W", r"2 \lambda W"), "other"),
    ("a penalty's term halved in an update's step", L2,
     r"W^{(2)} \leftarrow W^{(2)} - \eta \left(\delta^{(2)} A^{(1)T} + \lambda W^{(2)}\right)",
     (r"\lambda W", r"\frac{\lambda}{2} W"), "other"),
    ("sign of the data term in an update with weight decay", L2,
     r"W^{(2)} \leftarrow W^{(2)} - \eta \delta^{(2)} A^{(1)T} - \eta \lambda W^{(2)}",
     (r"- \eta \delta", r"+ \eta \delta"), "sign"),
    ("sign of one term in parentheses inside parentheses", SINGLE,
     r"\frac{\partial L}{\partial W^{(1)}} = ((W^{(2)T} \delta^{(2)}) \odot a^{(1)} \odot "
     r"(1 - a^{(1)})) x^T", (r"(1 - a", r"(1 + a"), "sign"),
    # the derivative the right side writes for one value, left out for another
    ("a logistic's derivative left out", SINGLE,
     r"\frac{\partial L}{\partial z^{(1)}} = W^{(2)T} ((a^{(2)} - y) \odot a^{(2)} \odot "
     r"(1 - a^{(2)})) \odot a^{(1)} \odot (1 - a^{(1)})", (r" \odot (1 - a^{(1)})", ""), "other"),
    ("sign of one term inside a product's parentheses", SINGLE,
     r"\frac{\partial a^{(1)}}{\partial z^{(1)}} = a^{(1)} (1 - a^{(1)})",
     (r"1 - a", r"1 + a"), "sign"),
]


def checked(setup: dict, claims: list[str]):
    document = parse({"document": {"title": "corrections"}, "network": network(**setup),
                      "claim": [{"id": f"c{k}", "latex": latex}
                                for k, latex in enumerate(claims)]})
    return check_document(document)


def _changed_window(before: str, after: str) -> tuple[int, int]:
    """The part of `before` an edit replaced: everything between the common prefix and the
    common suffix of the two texts."""
    prefix = 0
    while prefix < min(len(before), len(after)) and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(before), len(after)) - prefix and \
            before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    return prefix, len(before) - suffix


@pytest.mark.parametrize("name,setup,claim,planted,diagnosis", CASES,
                         ids=[case[0] for case in CASES])
def test_the_correction_holds_and_changes_only_the_planted_error(name, setup, claim, planted,
                                                                 diagnosis):
    assert checked(setup, [claim]).claims[0].verdict == "holds"
    old, new = planted
    wrong_claim = claim.replace(old, new, 1)
    verdict = checked(setup, [wrong_claim]).claims[0]
    assert verdict.verdict == "wrong", verdict.message
    if diagnosis:
        assert verdict.diagnosis == diagnosis, verdict.message
    assert verdict.correction is not None, f"no correction for {wrong_claim}"
    corrected = verdict.correction.latex
    assert corrected != wrong_claim
    assert checked(setup, [corrected]).claims[0].verdict == "holds", corrected
    # the edit stays where the error is: the planted span, give or take the sign or factor
    # written next to it
    where = wrong_claim.index(new) if new else claim.index(old)
    start, end = _changed_window(wrong_claim, corrected)
    assert where - 2 <= start and end <= where + len(new) + 2, (wrong_claim, corrected)


def test_without_a_small_edit_the_correction_is_symnets_derivation_in_the_documents_notation():
    # the right side has nothing to do with the gradient: no small edit explains it
    verdict = checked(COLUMNS, [r"\frac{\partial L}{\partial W^{(2)}} = W^{(1)} X X^T"]).claims[0]
    assert verdict.verdict == "wrong"
    assert verdict.correction.edit == "the right side as symnet derives it"
    # the document writes no delta: the gradient it uses is written as a derivative
    assert verdict.correction.latex == \
        r"\frac{\partial L}{\partial W^{(2)}} = \frac{\partial L}{\partial Z^{(2)}} A^{(1)T}"
    # the document's own symbols: d-names, brackets, samples as rows with W as in x out
    setup = {**MEAN_RELU, "samples": "rows", "weights": "in_out"}
    claims = [r"Z^{[1]} = X W^{[1]} + b^{[1]}", r"dW^{[2]} = A^{[1]} Y"]
    verdict = checked(setup, claims).claims[1]
    assert verdict.correction.latex == r"dW^{[2]} = A^{[1]T} \frac{\partial L}{\partial Z^{[2]}}"
    assert checked(setup, [verdict.correction.latex]).claims[0].verdict == "holds"


def test_no_correction_is_shown_when_nothing_symnet_finds_holds():
    # a left side that is no quantity of the network (nor a function of one variable), and
    # no small edit that holds
    verdict = checked(SINGLE, [r"\sum_j a_j^{(2)} = 1"]).claims[0]
    assert verdict.verdict == "wrong"
    assert verdict.correction is None


def test_a_chain_is_corrected_link_by_link():
    # both links carry the factor error of the first: putting the first right fixes the chain
    claim = r"L = \sum (A^{(2)} - Y)^2 = \frac{1}{2} \sum (A^{(2)} - Y)^2"
    verdict = checked(COLUMNS, [claim]).claims[0]
    assert verdict.verdict == "wrong"
    assert verdict.correction is not None
    assert checked(COLUMNS, [verdict.correction.latex]).claims[0].verdict == "holds"


def test_the_correction_uses_what_earlier_claims_defined():
    claims = [r"E = \frac{1}{2} \sum (A^{(2)} - Y)^2",
              r"\frac{\partial E}{\partial A^{(2)}} = Y - A^{(2)}"]
    result = checked(COLUMNS, claims)
    assert result.claims[1].verdict == "wrong"
    assert result.claims[1].correction is not None
    assert checked(COLUMNS, [claims[0], result.claims[1].correction.latex]).claims[1].verdict \
        == "holds"


def test_the_correction_is_shown_in_text_and_json():
    result = checked(COLUMNS, [r"\frac{\partial L}{\partial A^{(2)}} = Y - A^{(2)}"])
    text = as_text(result)
    assert "fix:" in text and r"-Y + A^{(2)}" in text
    assert "(the sign of the right side)" in text   # (what the fix changed, under it)
    data = json.loads(json.dumps(result.to_json()))
    assert data["claims"][0]["correction"] == r"\frac{\partial L}{\partial A^{(2)}} = -Y + A^{(2)}"
    assert "sign" in data["claims"][0]["correction_edit"]
    holds = checked(COLUMNS, [r"\frac{\partial L}{\partial A^{(2)}} = A^{(2)} - Y"])
    assert "correction" not in holds.to_json()["claims"][0]
    assert os.linesep not in data["claims"][0]["correction"]


# (network, the claim written entry by entry, what it must not be)
INDEX_FORM = [
    ("an approximation, samples as columns", COLUMNS,
     r"\frac{\partial L}{\partial Z_{jm}^{(2)}} \approx A_{jm}^{(2)} - Y_{jm}", "approximation"),
    ("an approximation, one sample", SINGLE,
     r"\frac{\partial L}{\partial z_j^{(2)}} \approx a_j^{(2)} - y_j", "approximation"),
    ("a sum over the wrong index, one sample", SINGLE,
     r"\frac{\partial L}{\partial a_j^{(1)}} = \sum_k W_{jk}^{(2)} a_k^{(2)}", "wrong"),
    ("unrelated entries, samples as columns", COLUMNS,
     r"\frac{\partial L}{\partial W_{ij}^{(2)}} = \sum_m A_{jm}^{(1)} Y_{im}", "wrong"),
    ("a softmax layer, Greek indices", SOFTMAX_CE | {"loss": "squared_error", "scale": "1/2",
                                                     "samples": "single"},
     r"\frac{\partial L}{\partial z_{\alpha}^{(2)}} \approx a_{\alpha}^{(2)} - y_{\alpha}",
     "approximation"),
]


@pytest.mark.parametrize("name,setup,claim,verdict", INDEX_FORM,
                         ids=[case[0] for case in INDEX_FORM])
def test_a_claim_written_entry_by_entry_is_corrected_entry_by_entry(name, setup, claim, verdict):
    found = checked(setup, [claim]).claims[0]
    assert found.verdict == verdict, found.message
    corrected = found.correction.latex
    # the left side as written, an equality, and entries with the claim's letters (a sum over
    # a letter the claim does not use), no whole matrix
    left = claim.split(r" \approx" if verdict == "approximation" else " =")[0]
    assert corrected.startswith(left + " = "), corrected
    right = corrected[len(left) + 3:]
    assert re.search(r"_\{[^}]*\}", right) and r"\mathbf{1}" not in right, right
    letters = set(re.findall(r"\\[A-Za-z]+|[A-Za-z]", claim))   # (a command is one token)
    for letter in re.findall(r"\\sum_\{(\\?[a-z]+)\}", right):
        assert letter not in letters, (letter, claim)
    assert checked(setup, [corrected]).claims[0].verdict == "holds", corrected


def test_a_claim_exact_only_under_an_earlier_approximation_gets_the_exact_line():
    claims = [r"\frac{\partial L}{\partial z_j^{(2)}} \approx a_j^{(2)} - y_j",
              r"\frac{\partial L}{\partial W_{jk}^{(2)}} = \frac{\partial L}{\partial z_j^{(2)}}"
              r" a_k^{(1)} = (a_j^{(2)} - y_j) a_k^{(1)}"]
    later = checked(SINGLE, claims).claims[1]
    assert later.verdict == "approximation" and later.depends_on == ["c0"]
    assert later.correction.edit.startswith("the exact right side")
    # the exact line holds on its own, without the earlier approximation
    assert checked(SINGLE, [later.correction.latex]).claims[0].verdict == "holds"
    assert "y_j" not in later.correction.latex


def test_an_approximation_is_corrected_by_its_exact_line_before_any_edit():
    """`\\approx` drops a term on purpose: the correction is the exact line, even where an
    edit of what the document kept (here its sign) would also hold."""
    identity = {"samples": "single", "output": "identity"}
    found = checked(identity, [r"\frac{\partial L}{\partial z_j^{(2)}} \approx "
                               r"(y_j - a_j^{(2)})"]).claims[0]
    assert found.verdict == "approximation", found.message
    assert found.correction.edit == "the right side as symnet derives it"
    assert r"\approx" not in found.correction.latex
    assert checked(identity, [found.correction.latex]).claims[0].verdict == "holds"


def test_symnets_counterpart_is_written_in_the_claims_own_form():
    claims = [r"\frac{\partial L}{\partial z_j^{(2)}} = (a_j^{(2)} - y_j) \sigma'(z_j^{(2)})",
              r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} a^{(1)T}",
              r"L = \frac{1}{2} \left\| a^{(2)} - y \right\|^2"]
    document = parse({"document": {"title": "counterparts"}, "network": network(**SINGLE),
                      "claim": [{"id": f"c{k}", "latex": latex}
                                for k, latex in enumerate(claims)]})
    entry, whole, loss = check_document(document, counterparts=True).claims
    # entry by entry, with the claim's left side and letters; the whole matrix for a matrix
    assert entry.counterpart.startswith(r"\frac{\partial L}{\partial z_j^{(2)}} = ")
    assert "_{j}" in entry.counterpart and r"\odot" not in entry.counterpart
    assert whole.counterpart.startswith(r"\frac{\partial L}{\partial W^{(2)}} = ")
    assert "_{" not in whole.counterpart.split(" = ")[1]
    # a scalar, the loss, as a sum over its entries
    assert loss.counterpart.startswith(r"L = \frac{1}{2} \sum_{")
    for line in (entry.counterpart, whole.counterpart, loss.counterpart):
        assert checked(SINGLE, [line]).claims[0].verdict == "holds", line


def _counterparts(setup: dict, claims: list[str]) -> list:
    document = parse({"document": {"title": "counterparts"}, "network": network(**setup),
                      "claim": [{"id": f"c{k}", "latex": latex}
                                for k, latex in enumerate(claims)]})
    return check_document(document, counterparts=True).claims


# (network, claim, what symnet's line must contain, its line's right side must not contain)
LEFT_SIDES = [
    # a derivative of one node by another: the local Jacobian entry, in the claim's letters
    (SINGLE, r"\frac{\partial z_j^{(2)}}{\partial W_{jk}^{(2)}} = 0", "= a_{k}^{(1)}", "W"),
    (SINGLE, r"\frac{\partial z_j^{(2)}}{\partial a_k^{(1)}} = 0", "_{jk}^{(2)}", "a_"),
    (SINGLE, r"\frac{\partial a_p^{(1)}}{\partial z_q^{(1)}} = 0", r"\delta_{pq}", "W"),
    ({**COLUMNS, **SOFTMAX_CE}, r"\frac{\partial A_{i}^{(2)}}{\partial Z_{k}^{(2)}} = 0",
     r"\delta_{ik}", "Z"),
    (COLUMNS, r"\frac{\partial Z_{im}^{(2)}}{\partial W_{ij}^{(2)}} = 0", "= A_{jm}^{(1)}",
     "W"),
    # an update: the descent step, at the document's rate
    (SINGLE, r"w^{(2)} \leftarrow w^{(2)} + \eta \nabla_{w^{(2)}} L", r"- \eta", "+"),
    (COLUMNS, r"b^{(1)} = b^{(1)} + \eta \frac{\partial L}{\partial b^{(1)}}", r"- \eta", "+"),
    # a function of one variable and its derivative, written out
    (SINGLE, r"\sigma(u) = 0", r"= \frac{1}{1 + e^{- u}}", r"\sigma"),
    (SINGLE, r"\tanh(s) = 0", "e^{s}", r"\tanh"),
    (SINGLE, r"\frac{\partial \tanh(t)}{\partial t} = 0", "t", "0"),
    # a left side symnet reads as a number: the loss by itself, the outputs of a softmax
    (SINGLE, r"\bar{L} = 0", "= 1", "0"),
    ({**COLUMNS, **SOFTMAX_CE}, r"\sum_k A_{k}^{(2)} = 0", "= 1", "0"),
]


@pytest.mark.parametrize("setup,claim,contains,not_on_the_right", LEFT_SIDES)
def test_left_sides_that_are_not_a_quantity_get_symnets_line(setup, claim, contains,
                                                             not_on_the_right):
    verdict = _counterparts(setup, [claim])[0]
    line = verdict.counterpart
    assert line is not None, verdict.no_counterpart
    assert contains in line
    lhs, rhs = re.split(r" = | \\leftarrow ", line, maxsplit=1)
    assert claim.startswith(lhs) and not_on_the_right not in rhs.replace(lhs, "")
    assert checked(setup, [line]).claims[0].verdict == "holds", line
    # the claim is wrong: its correction is the same line
    assert verdict.verdict == "wrong" and verdict.correction is not None
    assert checked(setup, [verdict.correction.latex]).claims[0].verdict == "holds"


def test_a_claim_without_counterpart_says_why():
    claims = [r"Q = \sum_j a_j^{(2)} (a_j^{(2)} - y_j)", r"a^{(0)} = x",
              r"\sum_j a_j^{(2)} = 1"]
    verdicts = _counterparts(SINGLE, claims)
    reasons = [verdict.no_counterpart for verdict in verdicts]
    assert all(verdict.counterpart is None for verdict in verdicts)
    assert "defines Q" in reasons[0]
    assert "input" in reasons[1]
    assert "cannot name its left side" in reasons[2]
    assert json.loads(json.dumps(verdicts[0].to_json()))["no_counterpart"] == reasons[0]


@pytest.mark.parametrize("wrong_claim,setup", [
    # a product written for the element-wise one and the function for its derivative
    (r"\delta^{(1)} = (W^{(2)T} \delta^{(2)}) \cdot \sigma(Z^{(1)})", {"hidden": "sigmoid"}),
    # the sign and the derivative's prime, one sample
    (r"\delta^{(1)} = - (W^{(2)T} \delta^{(2)}) \odot \sigma(z^{(1)})", SINGLE),
    # a factor and a transpose, samples as columns
    (r"\frac{\partial L}{\partial W^{(2)}} = 2 \delta^{(2)} A^{(1)}", COLUMNS),
])
def test_two_errors_in_one_link_are_both_put_right(wrong_claim, setup):
    verdict = checked(setup, [wrong_claim]).claims[0]
    assert verdict.verdict == "wrong"
    correction = verdict.correction
    assert correction is not None and correction.edit.count(";") == 1, correction
    assert checked(setup, [correction.latex]).claims[0].verdict == "holds", correction.latex
    assert r"\frac{\partial L}{\partial A" not in correction.latex   # edited, not re-derived


def test_a_spurious_coefficient_before_parentheses_is_removed():
    """`\\frac{1}{m} (A - Y)` (a coefficient the grammar reads as called with the group) is
    put right by removing the coefficient, not by multiplying by its inverse."""
    claim = (r"\frac{\partial L}{\partial Z^{(2)}} = (A^{(2)} - Y) \odot A^{(2)} \odot "
             r"(1 - A^{(2)})")
    verdict = checked(COLUMNS, [claim.replace("= (", r"= \frac{1}{m} (")]).claims[0]
    assert (verdict.verdict, verdict.diagnosis) == ("wrong", "factor")
    assert verdict.correction.latex == claim


def test_a_document_that_marks_layers_with_subscripts_gets_its_lines_so():
    """With layers as subscripts (`W_2`), a square elsewhere (`\\|W_1\\|_F^2`) is no layer
    mark: symnet's line writes `W_{2}`, not `W^{2}`."""
    claims = [r"Z_1 = W_1 X + b_1",
              r"\frac{\partial L}{\partial W_2} = \frac{\partial L}{\partial Z_2} A_1^T",
              r"R = \|W_1\|_F^2 + \|W_2\|_F^2"]
    line = _counterparts(COLUMNS, claims)[1].counterpart
    assert "W_{2}" in line or "Z_{2}" in line, line
    assert "^{2}" not in line, line

