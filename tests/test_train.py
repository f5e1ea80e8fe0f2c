"""Training: the exact gradient lowers the loss on every derivation file; the compiled
gradients pass the finite-difference check; large logits do not overflow."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from symnet.cli import main
from symnet.codegen import generate
from symnet.document import load
from symnet.document_gradients import document_gradients
from symnet.train import concrete, train

FILES = sorted((Path(__file__).parent.parent / "derivations").glob("*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_exact_gradient_lowers_the_loss(path):
    run = train(load(path), steps=30)
    assert run.loss[-1] < run.loss[0]
    assert max(run.finite_difference.values()) < 1e-5
    assert len(run.loss) == 31


def test_large_logits_do_not_overflow():
    document = load(FILES[-1])   # softmax output
    module: dict = {}
    exec(compile(generate(document), "generated", "exec"), module)
    z = np.array([[1000.0, -1000.0], [0.0, 1000.0], [-1000.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = module["softmax"](z, axis=0)
    assert np.isfinite(values).all() and np.allclose(values.sum(axis=0), 1)
    sigmoid = {}
    exec(compile("import numpy as np\n" + "def f(u0):\n    return np.exp(-np.logaddexp(0.0, -u0))",
                 "s", "exec"), sigmoid)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.isfinite(sigmoid["f"](np.array([-1000.0, 1000.0]))).all()


def test_train_command_writes_the_run(tmp_path, capsys):
    out = tmp_path / "run.json"
    assert main(["train", str(FILES[-1]), "--steps", "5", "--json", str(out)]) == 0
    run = json.loads(out.read_text())
    assert run["task"] == "classes" and len(run["loss"]) == 6 and run["accuracy"][0] is not None
    assert "loss" in capsys.readouterr().out
    assert main(["train", str(FILES[-1]), "--steps", "0"]) == 2


# A small network whose document states its gradients as a chain of adjoints: dW1 is written
# with delta1, delta1 with delta2 (all correct), and dW2 with a planted factor 2.
CHAIN = r"""
[document]
title = "chain"

[network]
samples = "columns"
batch = "M"
inputs = "N_0"
sizes = { N_0 = 3, N_1 = 4, N_2 = 2, M = 8 }
layers = [{ units = "N_1", activation = "tanh" }, { units = "N_2", activation = "identity" }]
loss = { kind = "squared_error", scale = "1/2", reduction = "mean" }

[notation]
'X' = "input"
'Y' = "target"
'L' = "loss"
'W^{(l)}' = "weight[l]"
'b^{(l)}' = "bias[l]"
'Z^{(l)}' = "preactivation[l]"
'A^{(l)}' = "activation[l]"
'\delta^{(l)}' = "adjoint(preactivation[l])"
'g' = "activation_function[1]"
"""

CLAIMS = {
    "delta2": r"\delta^{(2)} = \frac{1}{M} (A^{(2)} - Y)",
    "delta1": r"\delta^{(1)} = (W^{(2)T} \delta^{(2)}) \odot g'(Z^{(1)})",
    "dW1": r"\frac{\partial L}{\partial W^{(1)}} = \delta^{(1)} X^{T}",
    "dW2": r"\frac{\partial L}{\partial W^{(2)}} = 2 \delta^{(2)} A^{(1)T}",
}


def chain_file(tmp_path, claims: dict[str, str]) -> Path:
    path = tmp_path / "chain.toml"
    path.write_text(CHAIN + "".join(f"\n[[claim]]\nid = \"{key}\"\nlatex = '''{latex}'''\n"
                                    for key, latex in claims.items()))
    return path


def test_document_gradients_follow_the_documents_chain(tmp_path):
    document = load(chain_file(tmp_path, CLAIMS))
    spec = concrete(document)
    found, notes = document_gradients(document, spec, 8)
    assert set(found) == {"W1", "W2"} and notes == []
    assert "delta1" in found["W1"].claim and "delta2" in found["W1"].claim
    module: dict = {}
    exec(compile(generate(document), "generated", "exec"), module)
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(3, 8)), rng.normal(size=(2, 8))
    parameters = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=(4, 1)),
                  "W2": rng.normal(size=(2, 4)), "b2": rng.normal(size=(2, 1))}
    _, exact = module["gradients"](x, y, **parameters)
    nodes = dict(module["forward"](x, **parameters), **parameters, X=x, Y=y)
    assert np.allclose(found["W1"].evaluate(nodes), exact["W1"], rtol=1e-12, atol=0)
    assert np.allclose(found["W2"].evaluate(nodes), 2 * exact["W2"], rtol=1e-12, atol=0)


def _exact_and_nodes(document, samples: int, seed: int = 1):
    module: dict = {}
    exec(compile(generate(document), "generated", "exec"), module)
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(3, samples)), rng.normal(size=(2, samples))
    parameters = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=(4, 1)),
                  "W2": rng.normal(size=(2, 4)), "b2": rng.normal(size=(2, 1))}
    _, exact = module["gradients"](x, y, **parameters)
    return exact, dict(module["forward"](x, **parameters), **parameters, X=x, Y=y)


def test_document_gradients_are_compiled_at_the_matrix_level_for_any_batch(tmp_path):
    document = load(chain_file(tmp_path, CLAIMS))
    found, _ = document_gradients(document, concrete(document), 500)
    assert {gradient.compiled_as for gradient in found.values()} == {"matrix"}
    exact, nodes = _exact_and_nodes(document, 500)   # not the document's M = 8
    assert np.allclose(found["W1"].evaluate(nodes), exact["W1"], rtol=1e-12, atol=0)
    assert np.allclose(found["W2"].evaluate(nodes), 2 * exact["W2"], rtol=1e-12, atol=0)


def test_a_formula_without_a_matrix_form_is_compiled_entry_by_entry(tmp_path):
    # an entrywise division by a matrix: read entry by entry, never guessed at matrix level
    claims = dict(CLAIMS, delta2=r"\delta^{(2)} = \frac{A^{(2)} \odot A^{(2)} - Y \odot A^{(2)}}"
                                 r"{M A^{(2)}}")
    document = load(chain_file(tmp_path, claims))
    found, _ = document_gradients(document, concrete(document), 8)
    assert {gradient.compiled_as for gradient in found.values()} == {"entries"}
    exact, nodes = _exact_and_nodes(document, 8)
    assert np.allclose(found["W1"].evaluate(nodes), exact["W1"], rtol=1e-9, atol=0)


def test_training_with_the_document_gradients_records_the_angle(tmp_path):
    document = load(chain_file(tmp_path, CLAIMS))
    run = train(document, steps=10, gradient="document", samples=16)
    assert set(run.document_gradients) == {"W1", "W2"}
    assert len(run.angle) == 10 and all(0 < angle < 90 for angle in run.angle)
    exact = train(document, steps=10, samples=16)
    assert exact.loss[0] == run.loss[0]          # same start, same data
    assert exact.angle and max(exact.angle) < 1e-4   # arccos of 1 - 1e-16: ~1e-6 degrees


def test_a_chain_with_an_undefined_derivative_is_not_used(tmp_path):
    claims = {key: CLAIMS[key] for key in ("delta2", "dW1", "dW2")}    # no delta1
    document = load(chain_file(tmp_path, claims))
    found, notes = document_gradients(document, concrete(document), 8)
    assert set(found) == {"W2"}
    assert len(notes) == 1 and notes[0].startswith("dW1:") and "Z1" in notes[0]


def test_unusable_document_gradients_are_explained(tmp_path, capsys):
    transposed = {"dW2": r"\frac{\partial L}{\partial W^{(2)}} = A^{(1)} \delta^{(2)T}",
                  "delta2": CLAIMS["delta2"]}
    path = chain_file(tmp_path, transposed)
    assert main(["train", str(path), "--gradient", "document", "--steps", "2"]) == 2
    error = capsys.readouterr().err
    assert "dW2" in error and "shape (4, 2)" in error and "not used" in error


def test_compare_writes_both_runs(tmp_path):
    out = tmp_path / "compare.json"
    assert main(["train", str(FILES[-1]), "--compare", "--steps", "3", "--batch", "8",
                 "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert set(data) == {"exact", "document"} and len(data["document"]["angle"]) == 3


def test_float32_training_lowers_the_loss():
    run = train(load(FILES[-1]), steps=20, dtype="float32")
    assert run.loss[-1] < run.loss[0] and run.dtype == "float32"
