"""The engine's gradients: against finite differences of an independent NumPy forward pass, and
against `sympy.diff` of the fully expanded loss."""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest
import sympy as sp
from conftest import make_spec, numeric_gradients, random_leaves
from reference import finite_difference

from symnet.functions import NamedFunction, named_functions_in
from symnet.network import build
from symnet.registry import ACTIVATIONS, LOSSES


def _output_for(activation: str, loss: str) -> str:
    """The output activation: the one under test, unless the loss needs probabilities."""
    if LOSSES[loss].needs_probabilities and not ACTIVATIONS[activation].probabilities:
        return "softmax" if loss == "categorical_cross_entropy" else "sigmoid"
    return activation


CASES = list(itertools.product(ACTIVATIONS, LOSSES, ("columns", "rows", "single"), (True, False)))


@pytest.mark.parametrize("activation,loss,samples,bias", CASES)
def test_gradients_match_finite_differences(activation, loss, samples, bias):
    rng = np.random.default_rng(zlib.crc32(f"{activation}{loss}{samples}{bias}".encode()))
    sizes = tuple(int(n) for n in rng.integers(1, 4, size=4))
    sizes = (sizes[0], max(sizes[1], 2), max(sizes[2], 2), sizes[3])   # softmax: >= 2 units
    spec = make_spec(samples=samples, hidden=activation, output=_output_for(activation, loss),
                     loss=loss, bias=bias, sizes=sizes,
                     weights="in_out" if rng.random() < 0.5 else "out_in",
                     reduction="sum" if rng.random() < 0.5 else "mean")
    network = build(spec)
    leaves = random_leaves(network, rng)
    exact = numeric_gradients(network, leaves, network.parameters())
    for name in network.parameters():
        reference = finite_difference(spec, leaves, name)
        scale = max(np.abs(exact[name]).max(), 1e-3)
        assert np.abs(exact[name] - reference).max() / scale <= 1e-6, name


@pytest.mark.parametrize("samples", ["columns", "rows", "single"])
def test_a_loss_averaged_over_the_output_units_matches_finite_differences(samples, rng):
    spec = make_spec(samples=samples, hidden="tanh", output="sigmoid", over_outputs="mean",
                     sizes=(3, 4, 3, 2))
    network = build(spec)
    leaves = random_leaves(network, rng)
    exact = numeric_gradients(network, leaves, network.parameters())
    for name, value in exact.items():
        assert np.allclose(value, finite_difference(spec, leaves, name), rtol=1e-6, atol=1e-9)
    summed = build(make_spec(samples=samples, hidden="tanh", output="sigmoid",
                             sizes=(3, 4, 3, 2)))
    assert sp.simplify(summed.data_loss - 3 * network.data_loss) == 0


@pytest.mark.parametrize("samples", ["columns", "rows", "single"])
def test_a_layer_with_its_own_weight_layout_matches_finite_differences(samples, rng):
    """`s = u^T h` beside `z = W x`: the output layer's weight is (inputs, units)."""
    layers = [{"units": "N_1", "activation": "tanh"},
              {"units": "N_2", "activation": "identity", "bias": False, "weights": "in_out"}]
    spec = make_spec(samples=samples, layers=layers, sizes=(3, 4, 2, 2))
    network = build(spec)
    assert network.graph.nodes["W[1]"].symbols.shape == (4, 3)
    assert network.graph.nodes["W[2]"].symbols.shape == (4, 2)
    leaves = random_leaves(network, rng)
    exact = numeric_gradients(network, leaves, network.parameters())
    for name, value in exact.items():
        assert np.allclose(value, finite_difference(spec, leaves, name), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("samples", ["columns", "rows", "single"])
def test_one_bias_shared_by_a_layers_units_matches_finite_differences(samples, rng):
    layers = [{"units": "N_1", "activation": "sigmoid", "bias": "shared"},
              {"units": "N_2", "activation": "sigmoid", "bias": "shared"}]
    spec = make_spec(samples=samples, layers=layers, sizes=(2, 3, 2, 2))
    network = build(spec)
    assert network.graph.nodes["b[1]"].symbols.shape == (1, 1)
    leaves = random_leaves(network, rng)
    exact = numeric_gradients(network, leaves, network.parameters())
    for name, value in exact.items():
        assert np.allclose(value, finite_difference(spec, leaves, name), rtol=1e-6, atol=1e-9)


def test_l2_regularisation_matches_finite_differences(rng):
    spec = make_spec(samples="rows", hidden="relu", output="softmax",
                     loss="categorical_cross_entropy", l2="0.3", sizes=(3, 4, 3, 2))
    network = build(spec)
    leaves = random_leaves(network, rng)
    exact = numeric_gradients(network, leaves, ["W[1]", "W[2]", "b[2]"])
    for name, value in exact.items():
        assert np.allclose(value, finite_difference(spec, leaves, name), rtol=1e-6, atol=1e-9)


def _independent_loss(network) -> sp.Expr:
    """The loss written directly as one expression of the leaves (no engine nodes)."""
    spec, nodes = network.spec, network.graph.nodes
    rows = spec.samples == "rows"
    activation = nodes["X"].symbols.T if rows else nodes["X"].symbols
    squares = 0
    for number, layer in enumerate(network.layers, start=1):
        weight = nodes[f"W[{number}]"].symbols
        weight = weight.T if spec.weights == "in_out" else weight
        squares += sum(entry ** 2 for entry in weight)
        pre = weight * activation
        if layer.bias:
            pre += nodes[f"b[{number}]"].symbols * sp.ones(1, pre.shape[1])
        activation = sp.Matrix.hstack(*(sp.Matrix(layer.activation.apply(list(pre[:, m])))
                                        for m in range(pre.shape[1])))
    target = nodes["Y"].symbols.T if rows else nodes["Y"].symbols
    entries = sum(spec.loss.loss.entry(a, y) for a, y in zip(activation, target))
    loss = spec.loss.scale * entries / (network.batch if spec.loss.reduction == "mean" else 1)
    if spec.l2 is not None:
        samples = network.batch if spec.l2.reduction == "mean" else 1
        loss += spec.l2.coefficient * spec.l2.scale * squares / samples
    return loss


SYMBOLIC_CASES = [
    dict(samples="rows", hidden="tanh", output="softmax", loss="categorical_cross_entropy",
         l2="lambda", sizes=(2, 2, 2, 2)),
    dict(samples="columns", hidden="sigmoid", output="sigmoid", loss="binary_cross_entropy",
         weights="in_out", sizes=(2, 2, 1, 3)),
    dict(samples="single", hidden="relu", output="identity", loss="squared_error", bias=False,
         sizes=(3, 2, 1, 1)),
    dict(samples="columns", hidden="tanh", output="identity", loss="squared_error",
         l2={"l2": "lambda", "reduction": "mean"}, sizes=(2, 2, 1, 3)),
]


def test_polynomial_network_gradient_difference_expands_to_zero():
    network = build(make_spec(samples="columns", hidden="identity", output="identity",
                              loss="squared_error", l2="lambda", sizes=(2, 3, 2, 2)))
    loss = _independent_loss(network)
    for name in network.parameters():
        for symbol, derived in zip(network.graph.nodes[name].symbols, network.gradient(name)):
            assert sp.expand(sp.diff(loss, symbol) - derived) == 0


@pytest.mark.parametrize("case", SYMBOLIC_CASES)
def test_gradients_equal_sympy_diff_of_expanded_loss(case):
    network = build(make_spec(**case))
    loss = _independent_loss(network)
    rng = np.random.default_rng(7)
    # 60-digit numbers: every operation on them is evaluated by mpmath at that precision
    point = {symbol: sp.Float(sp.Rational(int(rng.integers(-90, 90)), 37), 60)
             for symbol in loss.free_symbols}
    for name in network.parameters():
        gradient = network.gradient(name)
        for symbol, derived in zip(network.graph.nodes[name].symbols, gradient):
            difference = sp.diff(loss, symbol) - derived
            # `expand` and `evalf(subs=...)` of exp/log-heavy entries take minutes
            value = difference.xreplace(point)
            assert value.is_Number and abs(value) <= 1e-30, (name, symbol)


def test_the_loss_is_its_data_loss_plus_its_penalty_averaged_over_samples_if_asked():
    for reduction, samples in (("sum", 1), ("mean", 3)):
        network = build(make_spec(samples="columns", hidden="tanh", output="identity",
                                  l2={"l2": "lambda", "reduction": reduction},
                                  sizes=(2, 2, 1, 3)))
        weights = [entry for name in ("W[1]", "W[2]") for entry in
                   network.graph.nodes[name].symbols]
        penalty = sp.Symbol("lambda", positive=True) / 2 / samples * sum(w ** 2 for w in weights)
        assert sp.expand(network.penalty - penalty) == 0
        loss = network.graph.nodes["loss"].definition[0, 0]
        assert sp.expand(loss - network.data_loss - penalty) == 0
        assert not network.data_loss.free_symbols & set(weights)   # (in the output's nodes)


def test_generic_network_gradients_are_in_g_and_its_derivative():
    spec = make_spec(samples="single", hidden="generic", output="generic", loss="squared_error",
                     bias=False, sizes=(2, 2, 1, 1))
    network = build(spec)
    gradient = network.gradient("W[1]")
    functions = {(node.base_name, node.orders) for node in gradient.atoms(NamedFunction)}
    assert ("g", (1,)) in functions and ("g", (0,)) in functions
    loss = _independent_loss(network)
    for symbol, derived in zip(network.graph.nodes["W[1]"].symbols, gradient):
        assert sp.expand(sp.diff(loss, symbol) - derived) == 0


def test_generic_loss_gradient_uses_the_loss_partial_derivative():
    spec = make_spec(samples="single", hidden="tanh", output="identity", loss="generic",
                     sizes=(2, 2, 1, 1))
    network = build(spec)
    assert named_functions_in(network.gradient("b[2]")) == {"Loss"}
    loss = _independent_loss(network)
    for symbol, derived in zip(network.graph.nodes["W[1]"].symbols, network.gradient("W[1]")):
        assert sp.expand(sp.diff(loss, symbol) - derived) == 0


def test_every_node_has_an_adjoint_with_its_shape():
    network = build(make_spec(samples="rows", sizes=(3, 2, 2, 4)))
    for name, node in network.graph.nodes.items():
        assert network.adjoints.explicit(name).shape == node.shape
    assert network.adjoints.explicit("loss")[0, 0] == 1


def test_per_sample_loss_has_no_batch():
    spec = make_spec(samples="columns", sizes=(2, 2, 2, 5))
    assert build(spec).batch == 5
    per_sample = build(spec, per_sample=True)
    assert per_sample.batch == 1 and per_sample.graph.nodes["X"].shape == (2, 1)


def test_repeated_block_is_written_out_at_the_given_depth():
    spec = make_spec(samples="single", layers=[
        {"units": "N_1", "activation": "tanh", "repeat": "N_2"},
        {"units": 1, "activation": "identity"}], sizes=(2, 3, 2, 1))
    assert build(spec).depth == 3
    assert build(spec, {"N_2": 4}).depth == 5
