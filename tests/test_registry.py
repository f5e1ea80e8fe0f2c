"""The registry: NumPy kernels agree with the SymPy definitions and stay finite."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symnet.functions import concretize
from symnet.registry import ACTIVATIONS, LOSSES, generic_activation


@pytest.mark.parametrize("name", [n for n, row in ACTIVATIONS.items() if row.elementwise])
def test_elementwise_kernel_matches_definition(name, rng):
    row = ACTIVATIONS[name]
    z = sp.Symbol("z", real=True)
    definition = sp.lambdify(z, row.elementwise(z), modules="numpy")
    values = rng.normal(0, 3, 50)
    assert np.allclose(row.numpy(values, 0), definition(values))


def test_softmax_kernel_matches_definition_and_survives_large_logits(rng):
    values = rng.normal(0, 1, (3, 4))
    column = sp.symbols("z0:3", real=True)
    definition = sp.lambdify(column, ACTIVATIONS["softmax"].per_sample(column), modules="numpy")
    expected = np.array(definition(*values))
    assert np.allclose(ACTIVATIONS["softmax"].numpy(values, 0), expected)
    assert np.allclose(ACTIVATIONS["softmax"].numpy(values.T, 1), expected.T)
    large = np.array([[1000.0, -1000.0], [0.0, 1000.0]])
    assert np.isfinite(ACTIVATIONS["softmax"].numpy(large, 0)).all()
    assert np.isfinite(ACTIVATIONS["sigmoid"].numpy(large, 0)).all()


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_kernel_matches_definition(name, rng):
    row = LOSSES[name]
    a, y = sp.symbols("a y", real=True)
    definition = sp.lambdify((a, y), row.per_entry(a, y), modules="numpy")
    prediction, target = rng.uniform(0.05, 0.95, 20), rng.uniform(0, 1, 20)
    assert np.allclose(row.numpy(prediction, target), definition(prediction, target))


def test_derivatives_come_from_the_definition():
    z = sp.Symbol("z", real=True)
    sigmoid = ACTIVATIONS["sigmoid"].function()
    derivative = concretize(sp.diff(sigmoid(z), z))
    expected = sp.diff(1 / (1 + sp.exp(-z)), z)
    assert sp.simplify(derivative - expected) == 0
    assert sp.latex(sp.diff(sigmoid(z), z, 2)) == r"\sigma''\left(z\right)"


def test_generic_activation_has_no_definition_and_primes():
    g = generic_activation("g").function()
    z = sp.Symbol("z")
    assert concretize(sp.diff(g(z), z)) == sp.diff(g(z), z)
    assert sp.latex(sp.diff(g(z), z)) == r"g'\left(z\right)"
