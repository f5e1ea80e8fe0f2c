"""Build the symbolic network a `NetworkSpec` describes, at concrete sizes, as an engine `Graph`.

Node names: `X` (input, also layer 0), `Y` (target), `W[l]`, `b[l]`, `Z[l]` (pre-activation),
`A[l]` (activation), `loss`. Each node has the layout the document uses: a sample is a column
(`columns`, `single`) or a row (`rows`). Biases are column vectors. Internally every layer is
computed units x samples; `_layout` turns that into the document's orientation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Mapping

import sympy as sp

from .engine import Adjoints, Graph, derivative, entry_symbols
from .spec import LayerSpec, NetworkSpec


@dataclass
class Network:
    spec: NetworkSpec
    sizes: dict[str, int]
    per_sample: bool
    graph: Graph
    layers: list[LayerSpec] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return len(self.layers)

    @property
    def batch(self) -> int:
        return 1 if self.per_sample else self.spec.batch_size(self.sizes)

    @property
    def output_units(self) -> int:
        """The output layer's width (a mean over the outputs divides by it)."""
        return self.graph.nodes["Y"].symbols.shape[1 if self.spec.samples == "rows" else 0]

    @cached_property
    def adjoints(self) -> Adjoints:
        return self.graph.backward("loss")

    def parameters(self) -> list[str]:
        return [node.name for node in self.graph.nodes.values() if node.kind in ("weight", "bias")]

    def gradient(self, name: str) -> sp.ImmutableMatrix:
        """The exact d loss / d node, entry by entry, in the leaves."""
        return self.adjoints.explicit(name)

    def output_name(self) -> str:
        return f"A[{self.depth}]"

    def weight_entries(self) -> list[sp.Symbol]:
        """Every entry of every weight matrix, layer by layer (what an L2 penalty sums)."""
        return [entry for node in self.graph.nodes.values() if node.kind == "weight"
                for entry in node.symbols]

    @cached_property
    def data_loss(self) -> sp.Expr:
        """The loss without its regularization (`C_0` in `C = C_0 + \\frac{\\lambda}{2n}
        \\sum_w w^2`)."""
        nodes = self.graph.nodes
        return sp.Add(*_loss_terms(self, nodes[self.output_name()].symbols, nodes["Y"].symbols))

    @cached_property
    def penalty(self) -> sp.Expr:
        """The regularization term of the loss (0 without one)."""
        l2 = self.spec.l2
        if l2 is None:
            return sp.Integer(0)
        weight = l2.coefficient * l2.scale / (self.batch if l2.reduction == "mean" else 1)
        return sp.Add(*(weight * entry ** 2 for entry in self.weight_entries()))

    def data_adjoint(self, node: str) -> sp.ImmutableMatrix:
        """d data_loss / d node, in the adjoint symbols: a weight's adjoint less the penalty's
        derivative (what `C_0` and one sample's share of a summed gradient differentiate)."""
        bars = self.adjoints.bars[node]
        if self.spec.l2 is None or self.graph.nodes[node].kind != "weight":
            return bars
        return bars - self.graph.nodes[node].symbols.applyfunc(
            lambda weight: derivative(self.penalty, weight))


def build(spec: NetworkSpec, sizes: Mapping[str, int] | None = None, *,
          per_sample: bool = False) -> Network:
    """The network at `sizes` (default: the file's), for the batch loss or, with `per_sample`,
    for the loss of one sample (what a document means when it drops the sample index)."""
    sizes = dict(spec.sizes, **(sizes or {}))
    layers = spec.expanded_layers(sizes)
    network = Network(spec, sizes, per_sample, Graph(), layers)
    samples = network.batch
    single = samples == 1
    rows = spec.samples == "rows"
    graph = network.graph

    def symbols(name: str, units: int) -> sp.ImmutableMatrix:
        """Entry symbols of a units x samples quantity, laid out as the document lays it out."""
        shape = (samples, units) if rows else (units, samples)
        return entry_symbols(name, shape, vector=single)

    def units_by_samples(matrix: sp.ImmutableMatrix) -> sp.ImmutableMatrix:
        return matrix.T if rows else matrix

    def layout(matrix: sp.Matrix) -> sp.Matrix:
        return matrix.T if rows else matrix

    width = [spec.size(spec.inputs, sizes)] + [spec.size(layer.units, sizes) for layer in layers]
    input_name, target_name = ("x", "y") if single else ("X", "Y")
    graph.leaf("X", "input", 0, symbols(input_name, width[0]))
    graph.leaf("Y", "target", None, symbols(target_name, width[-1]))
    previous = "X"
    for number, layer in enumerate(layers, start=1):
        weight_shape = (width[number], width[number - 1])
        in_out = spec.weight_order(layer) == "in_out"
        if in_out:
            weight_shape = weight_shape[::-1]
        weight = graph.leaf(f"W[{number}]", "weight", number,
                            entry_symbols(f"W^{{({number})}}", weight_shape))
        inputs = [previous, weight.name]
        weights = weight.symbols.T if in_out else weight.symbols
        values = weights * units_by_samples(graph.nodes[previous].symbols)
        if layer.bias:
            shared = layer.bias == "shared"   # (one number for every unit)
            shape = (1 if shared else width[number], 1)
            bias = graph.leaf(f"b[{number}]", "bias", number,
                              entry_symbols(f"b^{{({number})}}", shape, vector=True))
            inputs.append(bias.name)
            column = sp.ones(width[number], 1) * bias.symbols if shared else bias.symbols
            values = values + column * sp.ones(1, samples)
        graph.define(f"Z[{number}]", "preactivation", number,
                     symbols(f"Z^{{({number})}}", width[number]), layout(values), inputs)
        pre = units_by_samples(graph.nodes[f"Z[{number}]"].symbols)
        activated = sp.Matrix.hstack(*(sp.Matrix(layer.activation.apply(list(pre[:, m])))
                                       for m in range(samples)))
        graph.define(f"A[{number}]", "activation", number,
                     symbols(f"A^{{({number})}}", width[number]), layout(activated),
                     [f"Z[{number}]"])
        previous = f"A[{number}]"

    graph.define("loss", "loss", None, sp.ImmutableMatrix([[sp.Symbol("L", real=True)]]),
                 # one sum of terms, so that each entry's derivative touches only its own
                 sp.Matrix([[sp.Add(network.data_loss, network.penalty)]]),
                 _loss_inputs(network, previous))
    return network


def _loss_terms(network: Network, predictions, targets) -> list[sp.Expr]:
    spec = network.spec
    weight = spec.loss.weight(network.batch, network.output_units)
    return [weight * spec.loss.loss.entry(prediction, target)
            for prediction, target in zip(predictions, targets)]


def sample_loss(network: Network, sample: int, own: bool = False) -> sp.Expr:
    """One sample's term of the loss (without regularisation): the loss is their sum. With
    `own`, the sample's own loss: of a mean over M samples, M times its term (the loss before
    the averaging). Kept, with the sample it is of (see `sample_of_loss`)."""
    found = network.__dict__.setdefault("_sample_losses", {})
    samples = network.__dict__.setdefault("_loss_samples", {})
    if (sample, own) not in found:
        graph, rows = network.graph, network.spec.samples == "rows"
        predictions, targets = (graph.nodes[name].symbols
                                for name in (network.output_name(), "Y"))
        if rows:
            predictions, targets = predictions[sample, :], targets[sample, :]
        elif network.batch > 1:
            predictions, targets = predictions[:, sample], targets[:, sample]
        scale = network.batch if own and network.spec.loss.reduction == "mean" else 1
        value = scale * sp.Add(*_loss_terms(network, predictions, targets))
        found[sample, own] = value
        samples[value] = (sample, scale)
    return found[sample, own]


def sample_of_loss(network: Network, expression: sp.Expr) -> tuple[int, int] | None:
    """The sample whose loss `expression` is (a value `sample_loss` gave), and how many times
    its term of the loss it is; else None."""
    return network.__dict__.get("_loss_samples", {}).get(expression)


def sample_of(network: Network, symbol: sp.Symbol) -> int | None:
    """The sample an entry of an input, pre-activation or activation belongs to; None for
    anything else (a parameter belongs to every sample)."""
    owner = network.graph.owner(symbol)
    if owner is None:
        return None
    node = network.graph.nodes[owner[0]]
    if node.kind not in ("input", "target", "preactivation", "activation"):
        return None
    rows, cols = node.shape
    return owner[1] // cols if network.spec.samples == "rows" else owner[1] % cols


def _loss_inputs(network: Network, output: str) -> list[str]:
    weights = [node.name for node in network.graph.nodes.values() if node.kind == "weight"]
    return [output, "Y"] + (weights if network.spec.l2 is not None else [])
