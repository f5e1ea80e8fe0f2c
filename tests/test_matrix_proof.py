"""Proofs for every size: links between whole matrices proved as matrix algebra in the vector
form's symbolic sizes."""

from __future__ import annotations

from sympy.matrices.expressions import HadamardProduct, OneMatrix, Transpose

from symnet.document import parse
from symnet.matrix_proof import holds_for_all_sizes
from symnet.vector_form import vector_form

from test_conventions import network, verdicts


def _form(**setup):
    return vector_form(parse({"document": {"title": "proof"}, "network": network(**setup),
                              "claim": []}).network)


def test_a_backward_step_written_another_way_is_proved_for_every_size():
    form = _form(hidden="tanh")
    bar, node = form.adjoint_symbols, form.symbols
    # dZ1 = (W2^T dZ2) * (1 - tanh(Z1)^2), with A1 = tanh(Z1) written out
    stated = HadamardProduct(Transpose(node["W[2]"]) * bar["Z[2]"],
                             OneMatrix(*node["A[1]"].shape) - HadamardProduct(node["A[1]"],
                                                                              node["A[1]"]))
    assert holds_for_all_sizes(bar["Z[1]"], stated, form)
    assert holds_for_all_sizes(bar["W[2]"], bar["Z[2]"] * Transpose(node["A[1]"]), form)


def test_what_does_not_hold_is_not_proved():
    form = _form(hidden="tanh")
    bar, node = form.adjoint_symbols, form.symbols
    assert not holds_for_all_sizes(bar["Z[1]"], Transpose(node["W[2]"]) * bar["Z[2]"], form)
    assert not holds_for_all_sizes(bar["W[2]"], 2 * bar["Z[2]"] * Transpose(node["A[1]"]),
                                   form)


def test_a_verdict_says_when_its_proof_holds_for_every_size():
    claims = [r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} A^{(1)T}",
              r"\delta^{(1)} = (W^{(2)T} \delta^{(2)}) \odot (1 - A^{(1)} \odot A^{(1)})",
              r"\frac{\partial L}{\partial W^{(2)}_{ij}} = \sum_m \delta^{(2)}_{im} A^{(1)}_{jm}"]
    whole, step, entries = verdicts(claims)
    assert whole.verdict == step.verdict == entries.verdict == "holds"
    assert whole.all_sizes and step.all_sizes
    assert whole.to_json()["for_all_sizes"] is True
    # entries at the sizes checked are proved there only
    assert not entries.all_sizes
