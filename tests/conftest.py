"""Shared helpers: networks built through the file format, and independent numeric references."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symnet.document import parse
from symnet.network import Network
from symnet.spec import NetworkSpec


def make_spec(*, samples="columns", hidden="tanh", output="sigmoid", loss="squared_error",
              bias=True, weights="out_in", sizes=(3, 2, 2, 3), scale="1/2", reduction="mean",
              l2=None, layers=None, extra_sizes=None, over_outputs="sum") -> NetworkSpec:
    """A network spec read through the file format: sizes = (inputs, hidden, outputs, batch)."""
    inputs, units, outputs, batch = sizes
    network = {
        "samples": samples, "inputs": "N_0", "weights": weights,
        "sizes": {"N_0": inputs, "N_1": units, "N_2": outputs},
        "layers": layers or [{"units": "N_1", "activation": hidden, "bias": bias},
                             {"units": "N_2", "activation": output, "bias": bias}],
        "loss": {"kind": loss, "scale": scale, "reduction": reduction,
                 "outputs": over_outputs},
    }
    network["sizes"].update(extra_sizes or {})
    if samples != "single":
        network["sizes"]["M"] = batch
        network["batch"] = "M"
    if l2 is not None:   # a coefficient, or the whole [network.regularization] table
        network["regularization"] = l2 if isinstance(l2, dict) else {"l2": l2}
    return parse({"document": {"title": "test"}, "network": network}).network


def random_leaves(network: Network, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Random values for every leaf node, targets in (0, 1) (valid for every loss)."""
    values = {}
    for node in network.graph.leaves:
        shape = node.shape
        values[node.name] = (rng.uniform(0.05, 0.95, shape) if node.kind == "target"
                             else rng.normal(0, 1, shape))
    return values


def substitution(network: Network, leaves: dict[str, np.ndarray]) -> dict[sp.Symbol, float]:
    return {symbol: float(value)
            for name, array in leaves.items()
            for symbol, value in zip(network.graph.nodes[name].symbols, array.flat)}


def leaf_symbols(network: Network) -> list[sp.Symbol]:
    return [symbol for node in network.graph.leaves for symbol in node.symbols]


def numeric_gradients(network: Network, leaves: dict[str, np.ndarray],
                      names: list[str]) -> dict[str, np.ndarray]:
    """The engine's gradients evaluated at `leaves` (float64)."""
    values = network.adjoints.evaluate(substitution(network, leaves))
    return {name: np.array([[float(values[bar]) for bar in row]
                            for row in network.adjoints.bars[name].tolist()])
            for name in names}


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261122)
