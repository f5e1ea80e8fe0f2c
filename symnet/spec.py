"""What a derivation file declares, as plain data: the network, its notation and its claims.

`document.py` reads and validates the TOML into these; the engine builds from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping

import sympy as sp

from .registry import Activation, Loss

Samples = Literal["columns", "rows", "single"]
SizeRef = str | int  # a name from [network].sizes, or a literal number


@dataclass(frozen=True)
class LayerSpec:
    units: SizeRef
    activation: Activation
    bias: bool | Literal["shared"] = True   # "shared": one number added to every unit
    repeat: SizeRef = 1  # a block of identical layers, repeated this many times
    # this layer's weight laid out otherwise than the network's (`u^T h` beside `W x`: u is
    # (inputs, units)); None: as the network's
    weights: Literal["out_in", "in_out"] | None = None


@dataclass(frozen=True)
class LossSpec:
    loss: Loss
    scale: sp.Rational = sp.Integer(1)
    reduction: Literal["sum", "mean"] = "mean"   # over the samples
    # over the output units: `\frac{1}{n} \sum_{i=1}^{n} (\hat{y}_i - y_i)^2` for n outputs
    # (the mean squared error of PyTorch and Keras averages both)
    outputs: Literal["sum", "mean"] = "sum"

    def weight(self, samples, units):
        """The factor on each entry's term: the scale over the samples and the output units
        the loss averages (numbers, or symbols for the vector form)."""
        return self.scale / (samples if self.reduction == "mean" else 1) / (
            units if self.outputs == "mean" else 1)


@dataclass(frozen=True)
class L2Spec:
    """`coefficient * scale * (sum of squared weights)`, divided by the number of samples when
    `reduction` is "mean" (`\\frac{\\lambda}{2n} \\sum_w w^2`); biases are not regularised."""

    coefficient: sp.Expr
    scale: sp.Rational = sp.Rational(1, 2)
    reduction: Literal["sum", "mean"] = "sum"


@dataclass(frozen=True)
class NetworkSpec:
    samples: Samples
    sizes: Mapping[str, int]
    inputs: SizeRef
    layers: tuple[LayerSpec, ...]
    loss: LossSpec
    batch: SizeRef | None = None      # None for a single sample
    weights: Literal["out_in", "in_out"] = "out_in"  # shape of W: (units, inputs) or transposed
    l2: L2Spec | None = None
    layers_from: int = 0   # the number the document gives the input layer (1: `a^1 = x`)
    aliases: Mapping[str, str] = field(default_factory=dict)   # n = "m": n is always m

    def weight_order(self, layer: LayerSpec) -> str:
        """How `layer`'s weight is laid out: "out_in" (units, inputs) or "in_out"."""
        return layer.weights or self.weights

    def size(self, ref: SizeRef, sizes: Mapping[str, int] | None = None) -> int:
        """The concrete value of a size at `sizes` (default: the file's own sizes)."""
        return ref if isinstance(ref, int) else (sizes or self.sizes)[ref]

    def equated(self, sizes: Mapping[str, int]) -> dict[str, int]:
        """`sizes` with every alias (`n = "m"`) given the value of the size it names."""
        return {**sizes, **{alias: sizes[name] for alias, name in self.aliases.items()}}

    def size_symbol(self, ref: SizeRef) -> sp.Expr:
        """A size as it is displayed: its name as a positive integer symbol, or the number."""
        return sp.Integer(ref) if isinstance(ref, int) else sp.Symbol(ref, integer=True,
                                                                      positive=True)

    def expanded_layers(self, sizes: Mapping[str, int] | None = None) -> list[LayerSpec]:
        """One entry per actual layer, repeated blocks written out at the given sizes."""
        return [layer for layer in self.layers for _ in range(self.size(layer.repeat, sizes))]

    def structural_sizes(self) -> set[str]:
        """The named sizes the network is built from (units, repeats, inputs, batch); any other
        name in `sizes` is a constant the formulas use, such as the number of layers."""
        refs = [self.inputs, self.batch] + [ref for layer in self.layers
                                             for ref in (layer.units, layer.repeat)]
        return {ref for ref in refs if isinstance(ref, str)}

    def batch_size(self, sizes: Mapping[str, int] | None = None) -> int:
        return 1 if self.batch is None else self.size(self.batch, sizes)


@dataclass(frozen=True)
class ClaimSpec:
    id: str
    latex: str
    expect: str | None = None             # corpus files: the verdict the evidence supports,
    expect_diagnosis: str | None = None   # its diagnosis for a wrong formula,
    evidence: str | None = None           # and where that evidence is
    line: int | None = None               # the line of the source document it is on (import)
    given: str | None = None              # a condition on two index letters the prose states
                                          # it under (`i = k`: "if i = k, ...")

    @property
    def judged(self) -> str:
        """The formula as symnet judges it: with the condition the prose gives, written after
        it as a formula would (`... \\quad \\text{if } i = k`)."""
        if self.given is None:
            return self.latex
        return rf"{self.latex} \quad \text{{if }} {self.given}"


@dataclass(frozen=True)
class TrainingSpec:
    """How `symnet train` runs: the concrete functions that stand for generic ones (g, Loss),
    and defaults for the command's options."""

    functions: Mapping[str, str] = field(default_factory=dict)   # "g" -> "tanh"
    steps: int = 200
    learning_rate: float = 0.1
    samples: int = 64
    seed: int = 0


@dataclass(frozen=True)
class Document:
    path: str
    title: str
    source: str
    network: NetworkSpec
    notation: Mapping[str, str] = field(default_factory=dict)
    claims: tuple[ClaimSpec, ...] = ()
    training: TrainingSpec = field(default_factory=TrainingSpec)
    # how the document sums over an index: only where it writes \sum ("written"), or also
    # over an index repeated in a product ("einstein": z_i = W_{ij} x_j sums over j)
    summation: str = "written"
