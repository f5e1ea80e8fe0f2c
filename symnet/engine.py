"""Reverse-mode differentiation over named nodes, at concrete sizes.

A `Graph` is a list of named nodes in forward order. Every entry of every node is a symbol; a
non-leaf node also has a definition: one expression per entry, written in the entry symbols of
the nodes it reads. `backward` walks the nodes in reverse and gives each node's adjoint
(the derivative of the output node with respect to each entry), one local rule at a time: each
local derivative is `sympy.diff` of the defining expression.

Results come in two forms: *local* (in the symbols of neighbouring nodes and the adjoint symbols
of the nodes that read it; small, one backpropagation step) and *explicit* (in the leaves only:
inputs, targets, parameters). Explicit values are built by substituting already-built explicit
values into local ones, so shared subexpressions are shared objects and never copied.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Iterable

import sympy as sp


@dataclass(frozen=True)
class Node:
    name: str                        # "Z[1]", "W[2]", "loss"
    kind: str                        # input, target, weight, bias, preactivation, activation, ...
    layer: int | None
    symbols: sp.ImmutableMatrix      # one symbol per entry
    definition: sp.ImmutableMatrix | None = None  # None for a leaf
    inputs: tuple[str, ...] = ()

    @property
    def shape(self) -> tuple[int, int]:
        return self.symbols.shape

    @property
    def is_leaf(self) -> bool:
        return self.definition is None


def entry_symbols(name: str, shape: tuple[int, int], *, vector: bool = False) -> sp.ImmutableMatrix:
    """Real symbols named like LaTeX, 1-based: `W^{(1)}_{2,3}`, or `b^{(1)}_{2}` for a vector."""
    rows, cols = shape

    def index(i: int, j: int) -> str:
        return f"{i + 1}" if vector and cols == 1 else f"{j + 1}" if vector else f"{i + 1},{j + 1}"
    return sp.ImmutableMatrix(rows, cols,
                              lambda i, j: sp.Symbol(f"{name}_{{{index(i, j)}}}", real=True))


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    _owner: dict[sp.Symbol, tuple[str, int]] = field(default_factory=dict)

    def leaf(self, name: str, kind: str, layer: int | None, symbols: sp.ImmutableMatrix) -> Node:
        return self._add(Node(name, kind, layer, symbols))

    def define(self, name: str, kind: str, layer: int | None, symbols: sp.ImmutableMatrix,
               definition: sp.Matrix, inputs: Iterable[str]) -> Node:
        if definition.shape != symbols.shape:
            raise ValueError(f"{name}: definition is {definition.shape}, symbols {symbols.shape}")
        return self._add(Node(name, kind, layer, symbols, sp.ImmutableMatrix(definition),
                              tuple(inputs)))

    def _add(self, node: Node) -> Node:
        if node.name in self.nodes:
            raise ValueError(f"node {node.name} defined twice")
        for position, symbol in enumerate(node.symbols):
            self._owner[symbol] = (node.name, position)
        self.nodes[node.name] = node
        return node

    def owner(self, symbol: sp.Symbol) -> tuple[str, int] | None:
        """The node and flat entry position a symbol stands for."""
        return self._owner.get(symbol)

    @property
    def leaves(self) -> list[Node]:
        return [node for node in self.nodes.values() if node.is_leaf]

    def explicit_values(self) -> dict[sp.Symbol, sp.Expr]:
        """Every entry symbol -> its value as an expression of the leaves."""
        values: dict[sp.Symbol, sp.Expr] = {}
        memo: dict[sp.Basic, sp.Basic] = {}
        for node in self.nodes.values():
            if node.is_leaf:
                continue
            for symbol, expression in zip(node.symbols, node.definition):
                values[symbol] = substitute(expression, values, memo)
        return values

    def backward(self, output: str) -> "Adjoints":
        """Adjoints of every node with respect to the (1 x 1) node `output`."""
        if self.nodes[output].shape != (1, 1):
            raise ValueError(f"backward needs a scalar output, {output} is "
                             f"{self.nodes[output].shape}")
        bars = {name: sp.ImmutableMatrix(node.shape[0], node.shape[1],
                                         lambda i, j, n=node: sp.Symbol(
                                             rf"\bar{{{n.symbols[i, j].name}}}", real=True))
                for name, node in self.nodes.items()}
        terms: dict[sp.Symbol, list[sp.Expr]] = defaultdict(list)
        for node in reversed(self.nodes.values()):
            if node.is_leaf:
                continue
            for bar, expression in zip(bars[node.name], node.definition):
                for symbol, derivative in local_derivatives(expression, self._owner).items():
                    terms[symbol].append(bar * derivative)
        local = {name: sp.ImmutableMatrix(node.shape[0], node.shape[1],
                                          lambda i, j, n=node: sp.Add(*terms[n.symbols[i, j]]))
                 for name, node in self.nodes.items()}
        local[output] = sp.ImmutableMatrix([[1]])
        return Adjoints(self, output, bars, local)


def local_derivatives(expression: sp.Expr, owned: dict) -> dict[sp.Symbol, sp.Expr]:
    """d expression / d s for every node symbol s in it, by `sympy.diff`.

    A sum is differentiated term by term, each symbol only in the terms that contain it: the
    same derivative, without differentiating hundreds of constant terms to 0 for every symbol.
    """
    terms = expression.args if expression.is_Add else (expression,)
    containing: dict[sp.Symbol, list[sp.Expr]] = defaultdict(list)
    for term in terms:
        for symbol in term.free_symbols:
            if symbol in owned:
                containing[symbol].append(term)
    derivatives = {symbol: sp.Add(*(derivative(term, symbol) for term in parts))
                   for symbol, parts in containing.items()}
    return {symbol: value for symbol, value in derivatives.items() if value != 0}


@lru_cache(maxsize=65536)
def derivative(expression: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    """`sympy.diff`, kept: the networks checked for one document (two size sets, batch and one
    sample, other losses and output activations) and the claims read in them differentiate
    the same expressions again and again. Expressions that differ only in the names of their
    symbols (the softmax of each sample, the units of a layer) are differentiated once."""
    if not isinstance(symbol, sp.Symbol):
        return sp.diff(expression, symbol)
    if symbol not in expression.free_symbols:
        return sp.Integer(0)
    names = [symbol, *sorted(expression.free_symbols - {symbol}, key=str)]
    stand_ins = [_stand_in(number, tuple(sorted(name.assumptions0.items())))
                 for number, name in enumerate(names)]
    pattern = expression.xreplace(dict(zip(names, stand_ins)))
    return _pattern_derivative(pattern, stand_ins[0]).xreplace(dict(zip(stand_ins, names)))


@lru_cache(maxsize=1024)
def _stand_in(number: int, assumptions: tuple) -> sp.Symbol:
    # with the assumptions of the symbol it stands for: they decide what diff gives
    return sp.Symbol(f"_s{number}", **dict(assumptions))


@lru_cache(maxsize=65536)
def _pattern_derivative(pattern: sp.Expr, symbol: sp.Symbol) -> sp.Expr:
    return sp.diff(pattern, symbol)


def substitute(expression: sp.Basic, values: dict, memo: dict) -> sp.Basic:
    """`expression.xreplace(values)` without re-evaluating the rebuilt nodes.

    The local expressions are already in canonical form in their own symbols; re-evaluating
    `Max(0, big)` or `exp(big)` after substitution asks SymPy's assumptions about the large
    argument, which dominated the run time (12 s of 12 s at sizes (8,16,4,16)). `memo` keeps the
    rebuilt subexpressions, so the many local expressions that share them share the result.
    """
    if expression in values:
        return values[expression]
    if not expression.args:
        return expression
    if expression in memo:
        return memo[expression]
    args = [substitute(arg, values, memo) for arg in expression.args]
    if all(new is old for new, old in zip(args, expression.args)):
        result = expression
    else:
        try:
            result = expression.func(*args, evaluate=False)
        except TypeError:  # a class without the evaluate keyword
            result = expression.func(*args)
    memo[expression] = result
    return result


@dataclass
class Adjoints:
    """Adjoints of every node with respect to one scalar output node."""

    graph: Graph
    output: str
    bars: dict[str, sp.ImmutableMatrix]    # the adjoint symbols, one per entry
    local: dict[str, sp.ImmutableMatrix]   # one backpropagation step, in bars and node symbols
    _explicit: dict[sp.Symbol, sp.Expr] | None = None

    def explicit_map(self) -> dict[sp.Symbol, sp.Expr]:
        """Every entry symbol and adjoint symbol -> its explicit expression of the leaves."""
        if self._explicit is None:
            values = self.graph.explicit_values()
            memo: dict[sp.Basic, sp.Basic] = {}
            for name in reversed(list(self.graph.nodes)):
                for bar, expression in zip(self.bars[name], self.local[name]):
                    values[bar] = substitute(expression, values, memo)
            self._explicit = values
        return self._explicit

    @property
    def owner_of_bar(self) -> dict[sp.Symbol, str]:
        """Adjoint symbol -> the node it is the adjoint of."""
        if not hasattr(self, "_owners"):
            self._owners = {bar: name for name, matrix in self.bars.items() for bar in matrix}
        return self._owners

    def evaluate(self, point: dict[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
        """Every entry and adjoint symbol at a point (a number for every leaf entry), one small
        local expression at a time: numbers stay `Float`s of the point's precision."""
        values = dict(point)
        for node in self.graph.nodes.values():
            if not node.is_leaf:
                for symbol, expression in zip(node.symbols, node.definition):
                    values[symbol] = expression.xreplace(values)
        for name in reversed(list(self.graph.nodes)):
            for bar, expression in zip(self.bars[name], self.local[name]):
                values[bar] = expression.xreplace(values)
        return values

    def explicit(self, name: str) -> sp.ImmutableMatrix:
        """d output / d node, entry by entry, as expressions of the leaves."""
        values = self.explicit_map()
        return self.bars[name].applyfunc(lambda bar: values[bar])

    def value(self, name: str) -> sp.ImmutableMatrix:
        """The node's forward value as expressions of the leaves."""
        values = self.explicit_map()
        node = self.graph.nodes[name]
        return node.symbols if node.is_leaf else node.symbols.applyfunc(lambda s: values[s])
