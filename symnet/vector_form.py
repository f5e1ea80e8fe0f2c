"""The network in vector/matrix form with symbolic sizes: forward pass, loss and adjoints.

Each node of the engine's graph gets a matrix symbol of symbolic shape (`W^{(2)}` is N_2 x N_1)
and a defining matrix expression; the adjoints come from the matrix rules of `matrix_rules`,
applied node by node in reverse, exactly as the engine does entry by entry. The result is for
display (`symnet derive`) and for code generation; tests check it against the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import sympy as sp
from sympy.matrices.expressions import (HadamardPower, MatAdd, MatMul, MatrixExpr,
                                        MatrixSymbol, OneMatrix, Transpose)

from .matrix_rules import Backprop, EntrySum, Evaluator, elementwise, lift, scaled
from .registry import ACTIVATIONS
from .spec import NetworkSpec


@dataclass(frozen=True)
class Step:
    """`target := value`, for the engine node `node` (its value, or its adjoint)."""

    node: str
    target: MatrixSymbol
    value: MatrixExpr


@dataclass
class VectorForm:
    spec: NetworkSpec
    symbols: dict[str, MatrixSymbol]            # node -> its matrix symbol
    adjoint_symbols: dict[str, MatrixSymbol]    # node -> the symbol of d loss / d node
    forward: list[Step] = field(default_factory=list)
    backward: list[Step] = field(default_factory=list)   # in the order they are computed

    def parameters(self) -> list[str]:
        return [name for name in self.symbols if name[0] in "Wb"]

    def adjoint(self, node: str) -> Step:
        return next(step for step in self.backward if step.node == node)

    def size_symbols(self) -> set[sp.Symbol]:
        return {size for symbol in self.symbols.values() for size in symbol.shape
                if isinstance(size, sp.Symbol)}

    def evaluate(self, leaves: dict[str, np.ndarray], sizes: dict[str, int]) -> dict[str, tuple]:
        """Numeric (value, adjoint) of every node, given the leaves' values (`X`, `W[1]`...)."""
        known = {self.symbols[name]: np.asarray(value, dtype=float)
                 for name, value in leaves.items()}
        evaluator = Evaluator(known, {sp.Symbol(name, integer=True, positive=True): value
                                      for name, value in sizes.items()},
                              ACTIVATIONS["softmax"].numpy)
        evaluator.values[self.adjoint_symbols["loss"]] = np.ones((1, 1))   # dL/dL
        for step in self.forward + self.backward:
            evaluator.values[step.target] = np.asarray(evaluator(step.value), dtype=float)
        return {name: (evaluator.values.get(self.symbols[name]),
                       evaluator.values.get(self.adjoint_symbols[name]))
                for name in self.symbols}


_KEPT: dict[tuple[int, bool], tuple[NetworkSpec, VectorForm]] = {}


def vector_form_of(spec: NetworkSpec, one_sample: bool = False) -> VectorForm:
    """`vector_form(spec)` (of one sample's vectors, with `one_sample`), kept per spec object:
    every claim of a document asks for it. (A spec holds dicts: it is kept by identity, with
    the spec to check the identity.)"""
    one_sample = one_sample and spec.samples != "single"
    kept = _KEPT.get((id(spec), one_sample))
    if kept is None or kept[0] is not spec:
        form = vector_form(replace(spec, samples="single") if one_sample else spec)
        kept = _KEPT[(id(spec), one_sample)] = (spec, form)
    return kept[1]


def vector_form(spec: NetworkSpec) -> VectorForm:
    """The vector form of `spec`; a repeated block is written out at the file's sizes."""
    layers = spec.expanded_layers()
    single, rows = spec.samples == "single", spec.samples == "rows"
    batch = sp.Integer(1) if single else spec.size_symbol(spec.batch)

    def shaped(units: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        return (batch, units) if rows else (units, batch)

    widths = [spec.size_symbol(spec.inputs)] + [spec.size_symbol(layer.units) for layer in layers]
    symbols: dict[str, MatrixSymbol] = {
        "X": MatrixSymbol(_letter("X", single), *shaped(widths[0])),
        "Y": MatrixSymbol(_letter("Y", single), *shaped(widths[-1])),
    }
    forward: list[Step] = []

    def define(node: str, latex: str, value: MatrixExpr) -> MatrixSymbol:
        symbols[node] = MatrixSymbol(latex, *value.shape)
        forward.append(Step(node, symbols[node], value))
        return symbols[node]

    previous = symbols["X"]
    for number, layer in enumerate(layers, start=1):
        units, inputs = widths[number], widths[number - 1]
        out_in = spec.weight_order(layer) == "out_in"
        shape = (units, inputs) if out_in else (inputs, units)
        weight = symbols[f"W[{number}]"] = MatrixSymbol(_layer_name("W", number), *shape)
        acting = weight if out_in else Transpose(weight)
        linear = MatMul(previous, _transpose(acting)) if rows else MatMul(acting, previous)
        if layer.bias:
            shared = layer.bias == "shared"   # (one number for every unit)
            bias = symbols[f"b[{number}]"] = MatrixSymbol(_layer_name("b", number),
                                                          1 if shared else units, 1)
            column = MatMul(OneMatrix(units, 1), bias) if shared else bias
            ones = OneMatrix(batch, 1)
            linear = linear + (column if single else
                               MatMul(ones, Transpose(column)) if rows else
                               MatMul(column, Transpose(ones)))
        pre = define(f"Z[{number}]", _layer_name(_letter("Z", single), number), linear)
        activation = layer.activation
        value = (activation.per_sample_matrix(pre, 1 if rows else 0)
                 if activation.per_sample_matrix else elementwise(activation.function(), pre))
        previous = define(f"A[{number}]", _layer_name(_letter("A", single), number), value)

    forward.append(_loss_step(spec, symbols, previous, batch))
    symbols["loss"] = forward[-1].target
    adjoint_symbols = {name: MatrixSymbol(_adjoint_name(symbol.name), *symbol.shape)
                       for name, symbol in symbols.items()}
    form = VectorForm(spec, symbols, adjoint_symbols, forward)
    form.backward = _backward(form)
    return form


def _loss_step(spec: NetworkSpec, symbols: dict, output: MatrixSymbol, batch: sp.Expr) -> Step:
    prediction, target = sp.symbols("a y", real=True)
    entry = spec.loss.loss.entry(prediction, target)
    units = output.shape[1 if spec.samples == "rows" else 0]
    value = scaled(spec.loss.weight(batch, units),
                   EntrySum(lift(entry, {prediction: output, target: symbols["Y"]},
                                 output.shape)))
    if spec.l2 is not None:
        weight = spec.l2.coefficient * spec.l2.scale / (
            batch if spec.l2.reduction == "mean" else 1)
        value = MatAdd(value, *(scaled(weight,
                                       EntrySum(HadamardPower(symbol, 2)))
                                for name, symbol in symbols.items() if name.startswith("W")))
    return Step("loss", MatrixSymbol("L", 1, 1), value)


def _backward(form: VectorForm) -> list[Step]:
    """The adjoint of every node, from the loss back, by the matrix rules."""
    targets = set(form.symbols.values())
    definitions = {step.target: step for step in form.forward}
    contributions: dict[MatrixSymbol, list[MatrixExpr]] = {symbol: [] for symbol in targets}
    # a node's own defining expression inside a rule (softmax reuses its value) is its symbol
    named = {step.value: step.target for step in form.forward}
    steps = []
    for name in reversed(list(form.symbols)):
        symbol = form.symbols[name]
        if name == "loss":
            adjoint_value = OneMatrix(1, 1)
        else:
            parts = contributions[symbol]
            adjoint_value = parts[0] if len(parts) == 1 else MatAdd(*parts)
            steps.append(Step(name, form.adjoint_symbols[name], adjoint_value.xreplace(named)))
        if symbol in definitions:
            adjoint = OneMatrix(1, 1) if name == "loss" else form.adjoint_symbols[name]
            for reached, parts in Backprop(targets).run(definitions[symbol].value,
                                                        adjoint).items():
                contributions[reached].extend(parts)
    return steps


def _transpose(matrix: MatrixExpr) -> MatrixExpr:
    return Transpose(matrix).doit()


def _letter(capital: str, single: bool) -> str:
    """A batch quantity is a capital (`X`, `Z`), one sample's a lower-case letter (`x`, `z`)."""
    return capital.lower() if single else capital


def _layer_name(letter: str, number: int) -> str:
    return f"{letter}^{{({number})}}"


def _adjoint_name(latex: str) -> str:
    """`W^{(2)}` -> `\\bar{W}^{(2)}`: the bar over the letter, the superscript kept."""
    letter, _, rest = latex.partition("^")
    return rf"\bar{{{letter}}}" + (f"^{rest}" if rest else "")
