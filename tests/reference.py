"""An independent NumPy forward pass and loss, written from the definitions (not from symnet's
registry), for finite-difference checks of symnet's gradients."""

from __future__ import annotations

import numpy as np

from symnet.spec import NetworkSpec


def _softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


ACTIVATIONS = {
    "identity": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "softmax": _softmax,
}

LOSSES = {
    "squared_error": lambda a, y: (a - y) ** 2,
    "binary_cross_entropy": lambda a, y: -(y * np.log(a) + (1 - y) * np.log(1 - a)),
    "categorical_cross_entropy": lambda a, y: -y * np.log(a),
}


def loss(spec: NetworkSpec, leaves: dict[str, np.ndarray]) -> float:
    """The batch loss; leaves in the engine's layout (rows: samples are rows)."""
    rows = spec.samples == "rows"
    activation = leaves["X"].T if rows else leaves["X"]
    samples = activation.shape[1]
    regularizer = 0.0
    for number, layer in enumerate(spec.expanded_layers(), start=1):
        weight = leaves[f"W[{number}]"]
        weight = weight.T if spec.weight_order(layer) == "in_out" else weight
        pre = weight @ activation
        if layer.bias:   # (a shared bias, 1 x 1, broadcasts)
            pre = pre + leaves[f"b[{number}]"]
        activation = ACTIVATIONS[layer.activation.name](pre)
        regularizer += (weight ** 2).sum()
    target = leaves["Y"].T if rows else leaves["Y"]
    total = LOSSES[spec.loss.loss.name](activation, target).sum()
    divisor = (samples if spec.loss.reduction == "mean" else 1) * (
        target.shape[0] if spec.loss.outputs == "mean" else 1)
    value = float(spec.loss.scale) * total / divisor
    if spec.l2 is not None:
        value += float(spec.l2.coefficient) * float(spec.l2.scale) * regularizer
    return value


def finite_difference(spec: NetworkSpec, leaves: dict[str, np.ndarray], name: str,
                      step: float = 1e-4) -> np.ndarray:
    """Fourth-order central differences of `loss` for every entry of one leaf.

    The five-point stencil's truncation error is O(step^4), so a step of 1e-4 keeps both it and
    the rounding error (the reference's log(1 - a) loses digits near a = 1) far below 1e-6.
    """
    gradient = np.zeros_like(leaves[name])
    for index in np.ndindex(*leaves[name].shape):
        def at(offset: float) -> float:
            shifted = {key: value.copy() for key, value in leaves.items()}
            shifted[name][index] += offset
            return loss(spec, shifted)
        gradient[index] = (at(-2 * step) - 8 * at(-step) + 8 * at(step) - at(2 * step)) \
            / (12 * step)
    return gradient
