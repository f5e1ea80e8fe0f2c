"""The document's own gradient formulas, compiled for training with them.

Every claim `\\frac{\\partial L}{\\partial W^{(l)}} = ...` in vector form whose right side symnet
can read is resolved on the training batch and compiled (`sympy.lambdify`, one function per
parameter, in the network's entry symbols). Other derivatives in a formula are replaced by the
document's own formulas for them. Formulas of the wrong shape, or written with a derivative
the document does not define, are not used, and the run says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp
from lark import Tree

from .grammar import ClaimSyntaxError, equations, links, parse_claim
from .notation import build_notation
from .resolve import MatrixValue, NeedsBatch, ShapeMismatch, Unresolvable, as_matrix
from .spec import Document, NetworkSpec
from .verdict import APPROXIMATE, EXACT, Networks, read_link


@dataclass
class DocumentGradient:
    parameter: str                                       # "W2", as the generated module names it
    claim: str                                           # the claim it comes from
    evaluate: Callable[[dict[str, np.ndarray]], np.ndarray]   # module values -> gradient


def module_name(node: str) -> str:
    """`W[2]` -> `W2`: the generated module's name of an engine node."""
    return node.replace("[", "").replace("]", "")


@dataclass
class Statement:
    """The document's formula for one node's adjoint, read on the training batch."""
    claim: str
    adjoints: sp.Matrix      # the adjoint symbols it defines, entry by entry
    value: sp.Matrix         # the document's right side, in entry and adjoint symbols


def document_gradients(document: Document, spec: NetworkSpec,
                       samples: int) -> tuple[dict[str, DocumentGradient], list[str]]:
    """The parameter gradients the document states (the last statement of each wins), and
    notes on the ones it states but that cannot be used.

    A gradient written with other derivatives (`\\overline{W} = H^T \\overline{z}`) is followed
    through the document's own formulas for those (`\\overline{z} = ...`), so that training uses
    the document's chain, errors included; it is not used when the document states no formula
    for one of them."""
    notation = build_notation(dict(document.notation))
    networks = Networks(spec)
    sizes = dict(spec.sizes)
    if isinstance(spec.batch, str):
        sizes[spec.batch] = samples
    networks.size_sets = [sizes]
    network = networks.get(0, True)
    graph, owner_of_bar = network.graph, network.adjoints.owner_of_bar
    stated, notes = _statements(document, notation, networks, graph, owner_of_bar)
    found = {}
    for node, statement in stated.items():
        if graph.nodes[node].kind not in ("weight", "bias"):
            continue
        parameter = module_name(node)
        try:
            value, claims = _in_own_terms(node, stated, owner_of_bar)
        except _NotStated as missing:
            notes.append(f"{statement.claim}: the gradient of {parameter} is written with the "
                         f"derivative of {missing}, for which the document states no formula "
                         "symnet can read: not used")
            continue
        symbols = sorted(value.free_symbols, key=str)
        chain = [claim for claim in claims if claim != statement.claim]
        label = statement.claim + (f" (with {', '.join(chain)})" if chain else "")
        found[parameter] = DocumentGradient(parameter, label, _compiled(value, symbols, graph))
    return found, notes


class _NotStated(Exception):
    """A derivative the document uses but does not define (its node's module name), or one
    defined in a circle."""


def _statements(document, notation, networks, graph, owner_of_bar):
    """Every adjoint the document defines in vector form, by node; the last statement wins."""
    stated: dict[str, Statement] = {}
    notes: list[str] = []
    for claim in document.claims:
        for equation in equations(claim.latex):
            try:
                chain = links(parse_claim(equation))
            except ClaimSyntaxError:
                continue
            for link in chain:
                if link.relation not in EXACT | APPROXIMATE or _has_indices(link.lhs):
                    continue
                try:
                    reading = read_link(link, claim.latex, notation, networks, 0, {},
                                        batch=True)
                except (Unresolvable, NeedsBatch, ShapeMismatch):
                    continue
                # a one-unit bias (`\\overline{c}`) reads as a scalar: 1 x 1
                lhs, rhs = (_matrix_of(as_matrix(side)) for side in (reading.lhs, reading.rhs))
                if lhs is None:
                    continue
                owners = {owner_of_bar.get(entry) for entry in lhs}
                if len(owners) != 1 or None in owners:
                    continue
                node = next(iter(owners))
                if rhs is None or rhs.shape != lhs.shape:
                    shape = "no matrix" if rhs is None else f"shape {rhs.shape}"
                    notes.append(f"{claim.id}: the derivative of {module_name(node)} is written "
                                 f"with {shape}, {module_name(node)} has shape {lhs.shape}: "
                                 "not used")
                    stated.pop(node, None)
                    continue
                stated[node] = Statement(claim.id, lhs, rhs)
    return stated, notes


def _matrix_of(value: MatrixValue | None) -> sp.Matrix | None:
    return None if value is None else sp.Matrix(value.matrix)


def _in_own_terms(node: str, stated: dict[str, Statement], owner_of_bar: dict,
                  path: tuple[str, ...] = ()) -> tuple[sp.Matrix, list[str]]:
    """The document's formula for the node's adjoint with every other adjoint in it replaced
    by the document's formula for that one, recursively; and the claims used."""
    statement = stated[node]
    replacements, claims = {}, [statement.claim]
    others = {owner_of_bar[symbol] for symbol in statement.value.free_symbols
              if symbol in owner_of_bar}
    for other in sorted(others):
        if other not in stated or other == node or other in path:
            raise _NotStated(module_name(other))
        value, used = _in_own_terms(other, stated, owner_of_bar, path + (node,))
        replacements.update(zip(stated[other].adjoints, value))
        claims += [claim for claim in used if claim not in claims]
    return statement.value.xreplace(replacements), claims


def _has_indices(tree) -> bool:
    """An entry subscript anywhere on the side (the subscript of \\partial_W does not count):
    an index-form formula, not a gradient matrix."""
    if not isinstance(tree, Tree):
        return False
    if tree.data == "sub":
        return True
    children = tree.children[2:] if tree.data == "derivative_operator" else tree.children
    return any(_has_indices(child) for child in children)


def _compiled(matrix: sp.Matrix, symbols: list, graph) -> Callable:
    # cse: the entries share their sample sums; no docstring: printing it took minutes
    function = sp.lambdify(symbols, matrix, modules="numpy", cse=True, docstring_limit=0)
    places = [graph.owner(symbol) for symbol in symbols]

    def evaluate(values: dict[str, np.ndarray]) -> np.ndarray:
        arguments = [values[module_name(name)].reshape(-1)[position]
                     for name, position in places]
        return np.asarray(function(*arguments), dtype=float)
    return evaluate
