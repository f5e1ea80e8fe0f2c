"""The vector form (symbolic sizes) agrees with the engine's entry-by-entry adjoints."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import make_spec, random_leaves, substitution
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet.network import build
from symnet.printing import latex, text
from symnet.registry import ACTIVATIONS, LOSSES
from symnet.vector_form import vector_form

ELEMENTWISE = [name for name, row in ACTIVATIONS.items() if row.elementwise is not None]


def assert_vector_form_matches_engine(spec, rng):
    network = build(spec)
    form = vector_form(spec)
    leaves = random_leaves(network, rng)
    numeric = form.evaluate(leaves, dict(spec.sizes))
    values = network.adjoints.evaluate(substitution(network, leaves))
    for name, node in network.graph.nodes.items():
        value, adjoint = numeric[name]
        engine_adjoint = np.array([[float(values[bar]) for bar in row]
                                   for row in network.adjoints.bars[name].tolist()])
        assert adjoint.shape == node.shape, name
        assert np.allclose(adjoint, engine_adjoint, rtol=1e-10, atol=1e-12), name
        if not node.is_leaf:
            engine_value = np.array([[float(values[s]) for s in row]
                                     for row in node.symbols.tolist()])
            assert np.allclose(value, engine_value, rtol=1e-10, atol=1e-12), name


@pytest.mark.parametrize("output,loss,samples,weights", [
    (output, loss, samples, weights)
    for output, loss, samples, weights in itertools.product(
        ACTIVATIONS, LOSSES, ("columns", "rows", "single"), ("out_in", "in_out"))
    if not LOSSES[loss].needs_probabilities or ACTIVATIONS[output].probabilities])
def test_vector_form_matches_engine(output, loss, samples, weights, rng):
    spec = make_spec(samples=samples, hidden="tanh", output=output, loss=loss,
                     weights=weights, sizes=(3, 2, 3, 2), l2="0.25")
    assert_vector_form_matches_engine(spec, rng)


@pytest.mark.parametrize("samples", ["columns", "rows", "single"])
def test_vector_form_matches_engine_with_a_penalty_averaged_over_samples(samples, rng):
    spec = make_spec(samples=samples, hidden="tanh", output="sigmoid", sizes=(3, 2, 3, 4),
                     l2={"l2": "0.25", "reduction": "mean"})
    assert_vector_form_matches_engine(spec, rng)


@settings(max_examples=25, deadline=None)
@given(depth=st.integers(1, 3), widths=st.lists(st.integers(1, 3), min_size=5, max_size=5),
       activations=st.lists(st.sampled_from(ELEMENTWISE), min_size=3, max_size=3),
       samples=st.sampled_from(["columns", "rows", "single"]),
       weights=st.sampled_from(["out_in", "in_out"]), bias=st.booleans(),
       output=st.sampled_from(["identity", "sigmoid", "softmax"]), seed=st.integers(0, 2**16))
def test_random_architectures(depth, widths, activations, samples, weights, bias, output, seed):
    """Vector form and engine agree on random architectures, and the engine's gradient of
    every parameter has the parameter's shape."""
    layers = [{"units": f"H_{k}", "activation": activations[k], "bias": bias}
              for k in range(depth - 1)]
    layers.append({"units": "H_out", "activation": output, "bias": bias})
    sizes = dict({f"H_{k}": widths[2 + k] for k in range(depth - 1)}, H_out=max(widths[4], 2))
    spec = make_spec(samples=samples, weights=weights, layers=layers,
                     loss="categorical_cross_entropy" if output == "softmax" else "squared_error",
                     sizes=(widths[0], 1, 1, widths[1]), extra_sizes=sizes)
    assert_vector_form_matches_engine(spec, np.random.default_rng(seed))


def test_softmax_columns_gradient_reads_like_a_textbook():
    form = vector_form(make_spec(samples="columns", hidden="relu", output="softmax",
                                 loss="squared_error"))
    assert text(form.adjoint("W[2]").value) == "dZ2 @ A1.T"
    assert text(form.adjoint("A[2]").value) == "1/M*(A2 - Y)"
    assert latex(form.adjoint("W[1]").value) == r"\bar{Z}^{(1)} X^{T}"
    assert latex(form.adjoint("Z[2]").value) == (
        r"A^{(2)} \circ \left(\bar{A}^{(2)} - \mathbf{1}_{N_{2} \times N_{2}} "
        r"\left(A^{(2)} \circ \bar{A}^{(2)}\right)\right)")


def test_rows_convention_transposes_the_weight_gradient():
    form = vector_form(make_spec(samples="rows", hidden="tanh", output="sigmoid"))
    assert text(form.adjoint("W[1]").value) == "dZ1.T @ X"
    assert text(form.adjoint("b[1]").value) == "dZ1.T @ ones(M, 1)"


def test_generic_activation_keeps_its_name_and_prime():
    form = vector_form(make_spec(samples="single", hidden="generic", output="generic",
                                 loss="generic", bias=False, scale=1))
    assert text(form.adjoint("Z[1]").value) == "da1 ∘ g'(z1)"
    assert latex(form.adjoint("A[2]").value) == r"\partial_{1}\operatorname{Loss}\left(a^{(2)}, y\right)"


def test_scalar_coefficients_print_without_parentheses():
    form = vector_form(make_spec(samples="single", hidden="tanh", output="identity",
                                 loss="squared_error", scale="1/2", l2="lambda"))
    assert latex(form.adjoint("A[2]").value) == r"a^{(2)} - y"
    assert latex(form.forward[-1].value).startswith(r"\frac{\lambda}{2} \sum")


def test_sizes_are_symbols():
    form = vector_form(make_spec(samples="columns"))
    assert {str(size) for size in form.size_symbols()} == {"N_0", "N_1", "N_2", "M"}
