"""What a claim's left side is, and the lines symnet proposes for it in the document's notation
(the report's "symnet derives"): one row per kind of left side. The caller judges each line and
keeps the first that holds; a left side of no kind gets the reason in words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

import sympy as sp
from lark import Tree

from ..grammar import ClaimSyntaxError, Relation
from ..notation import Notation
from ..reading import layer_variables, read_left
from ..resolve import (Indexed, MatrixValue, NeedsBatch, OfOneExample, ShapeMismatch,
                       Unresolvable)
from ..resolve.trees import after_partial, is_operator, name_of, starts_with_partial
from ..size_sets import Networks
from ..verdict import DocumentState, forward_definitions, new_name
from .counterpart import (KIND_OF_NODE, Derived, counterpart_latex, gradient_latex,
                          local_derivative_latex, quantity)
from .edits import Style, factors, span
from .entries import IndexPrinter

DERIVATIVES = {"frac", "derivative_operator", "call", "frac_pair", "frac_first"}
UPDATES = ("weight", "bias")
SMALL = 200   # operations up to which a left side is put over one denominator (cheap)


@dataclass(frozen=True)
class Counterpart:
    """symnet's line for a claim's left side, or why it has none."""

    latex: str | None
    reason: str = ""


@dataclass(frozen=True)
class LeftSide:
    """A claim's first link, with what symnet needs to read its left side."""

    link: Relation
    latex: str
    notation: Notation
    networks: Networks
    state: DocumentState
    style: Style
    claims: tuple[str, ...]

    def text(self, tree) -> str:
        start, end = span(tree, self.latex)
        return self.latex[start:end].strip()

    @property
    def written(self) -> str:
        return self.text(self.link.lhs)

    def readings(self, tree) -> Iterator:
        """`tree` read as the left side of a link: the batch's matrices first (what the
        document's capitals are), then one sample's."""
        one_example = False   # (`\frac{\partial \ell}{\partial b}`: read for that example)
        for batch in (True, False) if self.networks.spec.samples != "single" else (True,):
            try:
                yield read_left(Relation("=", tree, tree), self.latex, self.notation,
                                self.networks, self.state.definitions, batch,
                                one_example=one_example and not batch)
            except OfOneExample:
                one_example = True
            except (Unresolvable, NeedsBatch, ShapeMismatch, ClaimSyntaxError):
                continue

    def reading(self, tree, batch: bool):
        try:
            return read_left(Relation("=", tree, tree), self.latex, self.notation,
                             self.networks, self.state.definitions, batch)
        except (Unresolvable, NeedsBatch, ShapeMismatch, ClaimSyntaxError):
            return None

    def layers(self, reading) -> dict[str, int]:
        """Layer variables and their values: the bound ones (`l`), and a count of repeated
        layers (`L`) at the size the vector form is built at (`h^{(L)}`, not `h^{(2)}`)."""
        spec = self.networks.spec
        counts = {layer.repeat for layer in spec.layers if isinstance(layer.repeat, str)}
        return {**{name: spec.sizes[name] for name in counts if name in spec.sizes},
                **dict(layer_variables(self.notation, reading.network))}

    def derived(self, tree, entries: bool = False) -> Derived | None:
        """symnet's line for the quantity `tree` is; with `entries`, the first reading that
        also writes it in the claim's index form, when the claim is written entry by entry."""
        first = None
        # `h(\\bar{x};W)` may be a name the document declares, not a function's value
        symbol = not (isinstance(tree, Tree) and tree.data in DERIVATIVES) or (
            tree.data == "call" and _plain(self.text(tree)) in
            {_plain(entry.key) for entry in self.notation.entries})
        for reading in self.readings(tree):
            try:
                found = counterpart_latex(reading, self.notation, self.networks.spec,
                                          list(self.claims), self.latex, self.style,
                                          self.layers(reading), symbol)
            except (Unresolvable, NeedsBatch, ShapeMismatch):
                continue
            if found is not None and (not entries or not found.entries or found.rhs_entry):
                return found
            first = first or found
        return first


def _network_quantity(side: LeftSide) -> Iterator[str]:
    """A quantity of the network or its gradient: its step in the vector form."""
    derived = side.derived(side.link.lhs, entries=True)
    if derived is None:
        return
    if derived.rhs_entry:
        yield f"{side.written} = {derived.rhs_entry}"
    yield f"{derived.lhs if derived.entries else side.written} = {derived.rhs}"


def _update(side: LeftSide) -> Iterator[str]:
    """`W \\leftarrow W - \\eta \\frac{\\partial L}{\\partial W}`: a parameter and a descent
    step, at the document's rate, with symnet's gradient (or the document's, when the line
    with it holds)."""
    link, rhs = side.link, side.link.rhs
    if not (isinstance(rhs, Tree) and rhs.data == "binary" and str(rhs.children[1]) in "+-"
            and _plain(side.text(rhs.children[0])) == _plain(side.written)):
        return
    step = factors(rhs.children[2])
    rate = side.text(step[0]) if len(step) > 1 else ""
    written_gradient = " ".join(side.text(factor) for factor in step[1:]) if rate else \
        side.text(rhs.children[2])
    relation = side.latex[span(link.lhs, side.latex)[1]:span(rhs, side.latex)[0]].strip()
    for reading in side.readings(link.lhs):
        found = quantity(reading)
        if found is None or found[1] or KIND_OF_NODE.get(found[0][0]) not in UPDATES:
            continue
        gradient = gradient_latex(reading, found, side.notation, side.networks.spec,
                                  list(side.claims), side.latex, side.layers(reading),
                                  side.written)
        for term in dict.fromkeys(filter(None, (gradient, written_gradient))):
            yield f"{side.written} {relation} {side.written} - {rate} {term}".replace("  ", " ")
        return


def _local_derivative(side: LeftSide) -> Iterator[str]:
    """`\\frac{\\partial z_i}{\\partial W_{ij}}`: an entry of one quantity by an entry of one
    its step reads, in the claim's index letters."""
    tree = side.link.lhs
    if not (isinstance(tree, Tree) and tree.data == "frac"
            and starts_with_partial(tree.children[1]) and not is_operator(tree.children[1])):
        return
    top, bottom = after_partial(tree.children[1]), after_partial(tree.children[2])
    for batch in (True, False) if side.networks.spec.samples != "single" else (True,):
        numerator, denominator = side.reading(top, batch), side.reading(bottom, batch)
        if numerator is None or denominator is None:
            continue
        for rhs in local_derivative_latex(numerator, denominator, side.notation,
                                          side.networks.spec, list(side.claims), side.latex,
                                          side.layers(numerator)):
            yield f"{side.written} = {rhs}"


def _constant(side: LeftSide) -> Iterator[str]:
    """A left side symnet reads as a number (`\\overline{\\varepsilon}`, the loss by
    itself, is 1; `\\sum_{\\alpha} A_{\\alpha}` of a softmax, once its fractions are
    put together)."""
    for reading in side.readings(side.link.lhs):
        value = _first_entry(reading.lhs)
        if value is not None and not value.is_number and sp.count_ops(value) <= SMALL:
            # the nodes written out one step (a softmax's outputs by their fractions)
            value = value.xreplace(forward_definitions(reading.network))
            if sp.count_ops(value) <= SMALL:
                value = sp.cancel(sp.together(value))
        if value is not None and value.is_number and (
                not isinstance(reading.lhs, MatrixValue) or reading.lhs.matrix.shape == (1, 1)):
            yield f"{side.written} = {IndexPrinter().doprint(value)}"
            return


def _function_of_one_variable(side: LeftSide) -> Iterator[str]:
    """`\\sigma(x)`, `\\frac{\\partial \\tanh(x)}{\\partial x}`: a function of one variable
    and its derivative, written out (a hyperbolic function by exponentials)."""
    tree = side.link.lhs
    if isinstance(tree, Tree) and tree.data == "call" and len(tree.children) == 2:
        variable_tree, definition = tree.children[1], True
    elif isinstance(tree, Tree) and tree.data == "frac" and starts_with_partial(
            tree.children[1]) and not is_operator(tree.children[1]):
        variable_tree, definition = after_partial(tree.children[2]), False
    else:
        return
    for reading in side.readings(tree):
        value = _first_entry(reading.lhs)
        # a letter the left side declares (`g(z)`) is a variable of its own, else a quantity
        symbol = reading.dummies.get(name_of(variable_tree))
        if symbol is None:
            variable = side.reading(variable_tree, reading.batch)
            symbol = None if variable is None else _first_entry(variable.lhs)
        if value is None or not isinstance(symbol, sp.Symbol) or \
                value.free_symbols != {symbol}:
            continue
        value = value.xreplace({symbol: sp.Symbol(side.text(variable_tree))})
        if definition:
            value = value.rewrite(sp.exp)
        rhs = IndexPrinter().doprint(value)
        if _plain(rhs) != _plain(side.written):
            yield f"{side.written} = {rhs}"
        return


def _first_entry(value) -> sp.Expr | None:
    if isinstance(value, MatrixValue):
        return sp.sympify(value.matrix[0, 0])
    if isinstance(value, Indexed) and not value.free:
        return sp.sympify(value.at({}))
    return None


def _plain(latex: str) -> str:
    return re.sub(r"\s+|\\left|\\right|[{}]", "", latex)


# the kinds of left side, in the order they are tried
KINDS: tuple[Callable[[LeftSide], Iterator[str]], ...] = (
    _update, _network_quantity, _local_derivative, _constant, _function_of_one_variable)


def lines(side: LeftSide) -> Iterator[str]:
    """symnet's lines for the left side, best first (unconfirmed)."""
    for kind in KINDS:
        yield from kind(side)


def why_none(side: LeftSide) -> str:
    """Why symnet has no line of its own for this left side."""
    link = side.link
    if link.relation == r"\sim":
        return "it says how a quantity is drawn at random"
    defined = new_name(link.lhs, side.notation, side.networks, side.state.definitions)
    if defined is not None and link.relation in ("=", ":="):
        return f"it defines {defined}, a name of the document's own"
    for reading in side.readings(link.lhs):
        found = quantity(reading)
        if found is not None and found[0] in ("X", "Y"):
            return "its left side is the network's input or target, which nothing computes"
    if isinstance(link.lhs, Tree) and link.lhs.data == "call":
        name = name_of(link.lhs.children[0]) or "the function"
        return f"symnet has no definition of {name} as a function of these arguments"
    return "symnet cannot name its left side as one quantity of the network, a derivative " \
           "of one by another, a number or a function of one variable"
