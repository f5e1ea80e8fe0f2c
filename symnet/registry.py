"""The table of activations and losses: name -> SymPy definition, LaTeX name, NumPy kernel.

Adding an activation or a loss is one row here. Nothing in this table is a derivative: every
derivative symnet uses is `sympy.diff` of a definition below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import sympy as sp
from sympy.matrices.expressions import MatrixExpr

from .functions import NamedFunction, named_function
from .matrix_rules import Softmax

VectorDefinition = Callable[[Sequence[sp.Expr]], list[sp.Expr]]


@dataclass(frozen=True)
class Activation:
    """An activation. `elementwise` acts on each entry; `per_sample` on a whole sample's vector
    (softmax). A generic activation has neither: it stays an undefined function of its name."""

    name: str
    latex: str
    numpy: Callable[[np.ndarray, int], np.ndarray] | None  # (values, axis of the units)
    elementwise: Callable[[sp.Expr], sp.Expr] | None = None
    per_sample: VectorDefinition | None = None
    # the matrix form of a per-sample activation: (matrix, axis of the units) -> expression
    per_sample_matrix: Callable[[MatrixExpr, int], MatrixExpr] | None = None
    probabilities: bool = False   # every output entry lies in (0, 1)
    numpy_source: str = ""        # the element-wise kernel as NumPy source in {u}, for codegen

    @property
    def generic(self) -> bool:
        return self.elementwise is None and self.per_sample is None

    def function(self) -> type[NamedFunction]:
        """The named SymPy function applied entry by entry (not for per-sample activations)."""
        return named_function(self.name, self.latex, 1, self.elementwise)

    def apply(self, column: Sequence[sp.Expr]) -> list[sp.Expr]:
        """The activation of one sample's vector, with concrete definitions written out."""
        if self.per_sample is not None:
            return self.per_sample(column)
        if self.elementwise is not None:
            return [self.elementwise(value) for value in column]
        function = self.function()
        return [function(value) for value in column]


@dataclass(frozen=True)
class Loss:
    """A loss that is a sum over output entries of `per_entry(prediction, target)`."""

    name: str
    latex: str
    per_entry: Callable[[sp.Expr, sp.Expr], sp.Expr] | None
    numpy: Callable[[np.ndarray, np.ndarray], np.ndarray] | None
    default_scale: sp.Rational = sp.Integer(1)
    needs_probabilities: bool = False   # takes the log of the prediction
    distribution_targets: bool = False  # a sample's targets sum to 1 (class probabilities)

    @property
    def generic(self) -> bool:
        return self.per_entry is None

    def function(self) -> type[NamedFunction]:
        return named_function(self.name, self.latex, 2, self.per_entry)

    def entry(self, prediction: sp.Expr, target: sp.Expr) -> sp.Expr:
        if self.per_entry is not None:
            return self.per_entry(prediction, target)
        return self.function()(prediction, target)


def _softmax(column: Sequence[sp.Expr]) -> list[sp.Expr]:
    exps = [sp.exp(value) for value in column]
    total = sp.Add(*exps)
    return [value / total for value in exps]


def _stable_sigmoid(z: np.ndarray, axis: int = 0) -> np.ndarray:
    # exp of a negative argument only: no overflow for large |z|.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _stable_softmax(z: np.ndarray, axis: int = 0) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _entropy_term(target: np.ndarray, prediction: np.ndarray) -> np.ndarray:
    """`target * log(prediction)`, 0 where target is 0 (the limit the formula means)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(target == 0, 0.0, target * np.log(prediction))


LEAKY_SLOPE = sp.Rational(1, 100)

ACTIVATIONS: dict[str, Activation] = {row.name: row for row in [
    Activation("identity", r"\operatorname{id}", lambda z, axis=0: z, elementwise=lambda z: z,
               numpy_source="{u}"),
    Activation("relu", r"\operatorname{ReLU}", lambda z, axis=0: np.maximum(z, 0),
               elementwise=lambda z: sp.Max(0, z), numpy_source="np.maximum({u}, 0.0)"),
    # the leaky rectifier at PyTorch's default slope, 0.01
    Activation("leaky_relu", r"\operatorname{LeakyReLU}",
               lambda z, axis=0: np.maximum(z, float(LEAKY_SLOPE) * z),
               elementwise=lambda z: sp.Max(z, LEAKY_SLOPE * z),
               numpy_source=f"np.maximum({{u}}, {float(LEAKY_SLOPE)} * {{u}})"),
    Activation("sigmoid", r"\sigma", _stable_sigmoid, elementwise=lambda z: 1 / (1 + sp.exp(-z)),
               probabilities=True, numpy_source="np.exp(-np.logaddexp(0.0, -{u}))"),
    Activation("tanh", r"\tanh", lambda z, axis=0: np.tanh(z), elementwise=sp.tanh,
               numpy_source="np.tanh({u})"),
    Activation("softmax", r"\operatorname{softmax}", _stable_softmax, per_sample=_softmax,
               per_sample_matrix=Softmax, probabilities=True),
]}

# what a generic function (`f`, `g`) may turn out to be: the non-linear element-wise activations
CONCRETE_ACTIVATIONS = [name for name, row in ACTIVATIONS.items()
                        if row.elementwise is not None and name != "identity"]

LOSSES: dict[str, Loss] = {row.name: row for row in [
    Loss("squared_error", r"\operatorname{SE}", lambda a, y: (a - y) ** 2,
         lambda a, y: (a - y) ** 2),
    Loss("binary_cross_entropy", r"\operatorname{BCE}",
         lambda a, y: -(y * sp.log(a) + (1 - y) * sp.log(1 - a)),
         lambda a, y: -(_entropy_term(y, a) + _entropy_term(1 - y, 1 - a)),
         needs_probabilities=True),
    Loss("categorical_cross_entropy", r"\operatorname{CE}", lambda a, y: -y * sp.log(a),
         lambda a, y: -_entropy_term(y, a), needs_probabilities=True,
         distribution_targets=True),
]}


def generic_activation(name: str) -> Activation:
    """An activation known only by its name (`g`): an undefined function with derivatives."""
    return Activation(name, latex_of_name(name), None)


def generic_loss(name: str) -> Loss:
    """A loss known only by its name (`Loss`, `\\ell`): an undefined function of (prediction,
    target), summed over output entries."""
    return Loss(name, latex_of_name(name), None, None)


def latex_of_name(name: str) -> str:
    """`g` stays `g`; a longer word is set upright; a LaTeX command is kept as written."""
    if name.startswith("\\") or len(name) == 1:
        return name
    return rf"\operatorname{{{name}}}"
