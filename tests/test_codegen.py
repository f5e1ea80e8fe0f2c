"""Generated NumPy code: equal to the engine's exact gradients, standalone, matrix-level."""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from conftest import make_spec, numeric_gradients, random_leaves
from sympy.matrices.expressions import HadamardProduct, MatAdd, MatMul, MatrixSymbol

from symnet import codegen
from symnet.codegen import CodegenError, _seeded, generate
from symnet.network import build
from symnet.registry import ACTIVATIONS, LOSSES
from symnet.spec import Document
from symnet.vector_form import Step

CASES = [(activation, loss, samples)
         for activation, loss, samples in itertools.product(
             ACTIVATIONS, LOSSES, ("columns", "rows", "single"))
         if not LOSSES[loss].needs_probabilities or ACTIVATIONS[activation].probabilities]


def module_of(spec) -> dict:
    namespace: dict = {}
    exec(compile(generate(Document("test.toml", "test", "", spec)), "generated", "exec"),
         namespace)
    return namespace


# a loss averaged over the output units too; an output layer with its own weight layout (`u^T h`);
# one bias shared by a layer's units
VARIANTS = [{"over_outputs": "mean"},
            {"layers": [{"units": "N_1", "activation": "relu"},
                        {"units": "N_2", "activation": "sigmoid", "weights": "in_out"}]},
            {"layers": [{"units": "N_1", "activation": "tanh", "bias": "shared"},
                        {"units": "N_2", "activation": "sigmoid", "bias": "shared"}]}]


@pytest.mark.parametrize("output,loss,samples,variant", [
    *(case + ({},) for case in CASES),
    *(("sigmoid", "squared_error", samples, variant) for variant in VARIANTS
      for samples in ("columns", "rows", "single"))])
def test_generated_gradients_equal_the_engine(output, loss, samples, variant, rng):
    spec = make_spec(samples=samples, hidden="relu" if output != "relu" else "tanh",
                     output=output, loss=loss, sizes=(3, 4, 3, 5), l2="1/10",
                     weights="in_out" if samples == "rows" else "out_in", **variant)
    network = build(spec)
    leaves = random_leaves(network, rng)
    exact = numeric_gradients(network, leaves, network.parameters())
    module = module_of(spec)
    arguments = {name.replace("[", "").replace("]", ""): leaves[name]
                 for name in network.parameters()}
    value, gradients = module["gradients"](leaves["X"], leaves["Y"], **arguments)
    for name in network.parameters():
        mine = gradients[name.replace("[", "").replace("]", "")]
        assert mine.shape == exact[name].shape, name
        scale = max(np.abs(exact[name]).max(), 1e-12)
        assert np.abs(mine - exact[name]).max() / scale <= 1e-12, name
    values = network.adjoints.evaluate({s: float(v) for n, a in leaves.items()
                                        for s, v in zip(network.graph.nodes[n].symbols, a.flat)})
    assert value == pytest.approx(float(values[network.graph.nodes["loss"].symbols[0]]),
                                  rel=1e-12)


def test_generated_module_needs_only_numpy_and_runs(tmp_path):
    spec = make_spec(samples="columns", hidden="tanh", output="softmax",
                     loss="categorical_cross_entropy")
    source = generate(Document("test.toml", "test", "", spec))
    imports = {alias.name for node in ast.walk(ast.parse(source))
               if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    assert imports == {"numpy"}
    path = tmp_path / "generated.py"
    path.write_text(source)
    script = ("import numpy as np, generated as g; r = np.random.default_rng(0);"
              "p = {'W1': r.normal(size=(2, 3)), 'b1': np.zeros((2, 1)),"
              " 'W2': r.normal(size=(2, 2)), 'b2': np.zeros((2, 1))};"
              "X = r.normal(size=(3, 4)); Y = np.eye(2)[:, [0, 1, 1, 0]];"
              "l0, p = g.step(p, X, Y, 0.1); l1, p = g.step(p, X, Y, 0.1); print(l0 > l1)")
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_generated_code_is_matrix_level():
    spec = make_spec(samples="columns", sizes=(30, 20, 10, 50))
    source = generate(Document("test.toml", "test", "", spec))
    assert "@" in source and "for " not in source.split("def step")[0]
    assert len(source) < 6000   # does not grow with the sizes


@pytest.mark.parametrize("samples,product,bias", [("columns", "W1 @ X", "b1"),
                                                  ("rows", "X @ W1.T", "b1.T")])
def test_a_layers_bias_is_added_into_its_product(samples, product, bias):
    """`Z1 = W1 @ X` then `Z1 += b1`: the product is a new array of the layer's shape, so the
    bias goes into it rather than into a temporary (the equality with the engine is above)."""
    source = generate(Document("test.toml", "test", "", make_spec(samples=samples)))
    forward = source.split("def forward")[1].split("return")[0]
    assert f"Z1 = {product}\n" in forward and f"Z1 += {bias}\n" in forward


def test_generic_functions_cannot_be_compiled():
    spec = make_spec(samples="single", hidden="generic", output="identity")
    with pytest.raises(CodegenError, match="generic"):
        generate(Document("test.toml", "test", "", spec))


def test_softmax_cross_entropy_gradient_does_not_divide_by_the_softmax():
    spec = make_spec(samples="columns", hidden="tanh", output="softmax",
                     loss="categorical_cross_entropy")
    source = generate(Document("test.toml", "test", "", spec))
    gradient_lines = [line for line in source.splitlines() if line.strip().startswith("dZ2")]
    assert gradient_lines and "/ A2" not in gradient_lines[0]
    module = module_of(spec)
    x = np.zeros((3, 2))
    weights = {"W1": np.zeros((2, 3)), "b1": np.zeros((2, 1)),
               "W2": np.zeros((2, 2)), "b2": np.array([[800.0], [-800.0]])}
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        _, gradients = module["gradients"](x, y, **weights)
    assert np.isfinite(gradients["b2"]).all()


def test_generated_code_keeps_float32(rng):
    spec = make_spec(samples="columns", hidden="relu", output="softmax",
                     loss="categorical_cross_entropy", sizes=(3, 4, 3, 5))
    network = build(spec)
    leaves = {name: value.astype(np.float32) for name, value in random_leaves(network, rng).items()}
    module = module_of(spec)
    arguments = {name.replace("[", "").replace("]", ""): leaves[name]
                 for name in network.parameters()}
    _, gradients = module["gradients"](leaves["X"], leaves["Y"], **arguments)
    assert all(gradient.dtype == np.float32 for gradient in gradients.values())


@pytest.mark.parametrize("output,loss", [("softmax", "categorical_cross_entropy"),
                                         ("sigmoid", "binary_cross_entropy")])
def test_cross_entropy_of_saturated_outputs_is_finite(output, loss):
    spec = make_spec(samples="columns", hidden="tanh", output=output, loss=loss,
                     sizes=(2, 2, 2, 2))
    module = module_of(spec)
    weights = {"W1": np.zeros((2, 2)), "b1": np.zeros((2, 1)), "W2": np.zeros((2, 2)),
               "b2": np.array([[900.0], [-900.0]])}
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = module["loss"](np.zeros((2, 2)), y, **weights)
    assert np.isfinite(value) and value > 100   # the wrong class with a margin of 1800


def test_document_text_cannot_break_the_module():
    spec = make_spec(samples="single", hidden="tanh", output="identity", sizes=(2, 2, 1, 1))
    title = 'x""" + __import__("os").system("echo pwned") + """\\V'
    source = generate(Document("a'b\"c.toml", title, "", spec))
    namespace: dict = {}
    exec(compile(source, "generated", "exec"), namespace)
    assert namespace["TITLE"] == title


@pytest.mark.parametrize("output,loss,samples,l2",
                         [(*case, "1/10") for case in CASES] +
                         [("identity", "squared_error", "columns", "lambda"),
                          ("softmax", "categorical_cross_entropy", "rows", "lambda"),
                          ("sigmoid", "binary_cross_entropy", "single", None)])
def test_step_is_the_gradient_update_without_touching_its_inputs(output, loss, samples, l2, rng):
    """`step` seeds its backward pass with -learning_rate: every update, the regularisation
    term's included, must still be the parameter minus the rate times its gradient."""
    spec = make_spec(samples=samples, hidden="relu" if output != "relu" else "tanh",
                     output=output, loss=loss, sizes=(3, 4, 3, 5), l2=l2,
                     weights="in_out" if samples == "rows" else "out_in")
    network = build(spec)
    leaves = random_leaves(network, rng)
    module = module_of(spec)
    parameters = {name.replace("[", "").replace("]", ""): leaves[name]
                  for name in network.parameters()}
    extra = {"l2": 0.3} if l2 == "lambda" else {}
    before = {name: value.copy() for name, value in parameters.items()}
    inputs = leaves["X"].copy(), leaves["Y"].copy()
    loss_value, gradients = module["gradients"](leaves["X"], leaves["Y"], **parameters, **extra)
    value, updated = module["step"](parameters, leaves["X"], leaves["Y"], 0.25, **extra)
    assert value == loss_value
    for name, parameter in parameters.items():
        assert np.array_equal(parameter, before[name]), name      # inputs untouched
        assert updated[name] is not parameter, name
        assert np.allclose(updated[name], before[name] - 0.25 * gradients[name],
                           rtol=1e-12, atol=1e-15), name
    assert np.array_equal(leaves["X"], inputs[0]) and np.array_equal(leaves["Y"], inputs[1])


def test_a_backward_step_not_visibly_linear_in_the_adjoints_is_not_seeded():
    a, y, adjoint = (MatrixSymbol(name, 3, 1) for name in ("A", "Y", "dZ"))
    linear = Step("Z", adjoint, MatAdd(HadamardProduct(a, adjoint), a - y))
    mixed = Step("Z", adjoint, HadamardProduct(a, MatAdd(adjoint, y)))
    seed = sp.Symbol("s")
    (seeded,) = _seeded([linear], {adjoint}, seed)
    assert set(seeded.value.args) == {HadamardProduct(a, adjoint), MatMul(seed, a - y)}
    assert _seeded([mixed], {adjoint}, seed) is None


def test_step_without_a_seeded_backward_pass_scales_the_gradients(monkeypatch, rng):
    monkeypatch.setattr(codegen, "_seeded", lambda *arguments: None)
    spec = make_spec(samples="columns", hidden="relu", output="softmax",
                     loss="categorical_cross_entropy", scale=1, sizes=(3, 4, 3, 5), l2="1/10")
    network = build(spec)
    leaves = random_leaves(network, rng)
    module = module_of(spec)
    parameters = {name.replace("[", "").replace("]", ""): leaves[name]
                  for name in network.parameters()}
    _, gradients = module["gradients"](leaves["X"], leaves["Y"], **parameters)
    _, updated = module["step"](parameters, leaves["X"], leaves["Y"], 0.25)
    for name, parameter in parameters.items():
        assert np.allclose(updated[name], parameter - 0.25 * gradients[name], rtol=1e-12)


def test_relu_derivative_at_exactly_zero_is_the_engines(rng):
    """Zero weights and biases put every hidden pre-activation at exactly 0, where the engine
    (SymPy's Heaviside) says 1/2."""
    spec = make_spec(samples="columns", hidden="relu", output="identity", sizes=(3, 4, 2, 5))
    network = build(spec)
    leaves = random_leaves(network, rng)
    leaves["W[1]"], leaves["b[1]"] = np.zeros_like(leaves["W[1]"]), np.zeros_like(leaves["b[1]"])
    leaves["b[2]"] = rng.normal(size=leaves["b[2]"].shape)
    exact = numeric_gradients(network, leaves, network.parameters())
    parameters = {name.replace("[", "").replace("]", ""): leaves[name]
                  for name in network.parameters()}
    _, gradients = module_of(spec)["gradients"](leaves["X"], leaves["Y"], **parameters)
    assert np.abs(exact["W[1]"]).max() > 0.01
    assert np.allclose(gradients["W1"], exact["W[1]"], rtol=1e-12, atol=1e-15)
