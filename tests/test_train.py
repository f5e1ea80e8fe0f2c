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
from symnet.train import train

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


def test_document_gradients_are_compiled_and_compared():
    document = load(FILES[-1])   # seed 003: eqs 17 and 22b are vector-form gradients
    run = train(document, steps=10, gradient="document", samples=16)
    assert set(run.document_gradients) == {"W1", "W2"}
    assert len(run.angle) == 10 and all(0 < angle < 180 for angle in run.angle)
    exact = train(document, steps=10, samples=16)
    assert exact.loss[0] == run.loss[0]          # same start, same data
    assert exact.angle and max(exact.angle) < 1e-4   # arccos of 1 - 1e-16: ~1e-6 degrees


def test_unusable_document_gradients_are_explained(capsys):
    assert main(["train", str(FILES[2]), "--gradient", "document", "--steps", "2"]) == 2
    error = capsys.readouterr().err
    assert "shape" in error and "not used" in error


def test_compare_writes_both_runs(tmp_path):
    out = tmp_path / "compare.json"
    assert main(["train", str(FILES[-1]), "--compare", "--steps", "3", "--batch", "8",
                 "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert set(data) == {"exact", "document"} and len(data["document"]["angle"]) == 3


def test_float32_training_lowers_the_loss():
    run = train(load(FILES[-1]), steps=20, dtype="float32")
    assert run.loss[-1] < run.loss[0] and run.dtype == "float32"
