"""The document's own gradient formulas, compiled for training with them.

Every claim `\\frac{\\partial L}{\\partial W^{(l)}} = ...` in vector form whose right side symnet
can read is resolved on the training batch and compiled (`sympy.lambdify`, one function per
parameter, in the network's entry symbols). Formulas written in terms of other derivatives, or
of the wrong shape, are not used, and the run says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp
from lark import Tree

from .grammar import ClaimSyntaxError, equations, links, parse_claim
from .notation import build_notation
from .resolve import MatrixValue, NeedsBatch, ShapeMismatch, Unresolvable
from .spec import Document, NetworkSpec
from .verdict import APPROXIMATE, EXACT, DocumentState, Networks, read_link


@dataclass
class DocumentGradient:
    parameter: str                                       # "W2", as the generated module names it
    claim: str                                           # the claim it comes from
    evaluate: Callable[[dict[str, np.ndarray]], np.ndarray]   # module values -> gradient


def module_name(node: str) -> str:
    """`W[2]` -> `W2`: the generated module's name of an engine node."""
    return node.replace("[", "").replace("]", "")


def document_gradients(document: Document, spec: NetworkSpec,
                       samples: int) -> tuple[dict[str, DocumentGradient], list[str]]:
    """The parameter gradients the document states (the last statement of each wins), and
    notes on the ones it states but that cannot be used."""
    notation = build_notation(dict(document.notation))
    networks = Networks(spec)
    sizes = dict(spec.sizes)
    if isinstance(spec.batch, str):
        sizes[spec.batch] = samples
    networks.size_sets = [sizes]
    network = networks.get(0, True)
    graph, owner_of_bar = network.graph, network.adjoints.owner_of_bar
    found, notes, state = {}, [], DocumentState()
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
                    reading = read_link(link, claim.latex, notation, networks, 0,
                                        state.definitions, batch=True)
                except (Unresolvable, NeedsBatch, ShapeMismatch):
                    continue
                if not isinstance(reading.lhs, MatrixValue):
                    continue
                owners = {owner_of_bar.get(entry) for entry in reading.lhs.matrix}
                if len(owners) != 1 or None in owners or \
                        graph.nodes[next(iter(owners))].kind not in ("weight", "bias"):
                    continue
                node = next(iter(owners))
                parameter = module_name(node)
                rhs = reading.rhs
                if not isinstance(rhs, MatrixValue) or rhs.shape != reading.lhs.shape:
                    shape = rhs.shape if isinstance(rhs, MatrixValue) else "a scalar"
                    notes.append(f"{claim.id}: the gradient of {parameter} is written with "
                                 f"shape {shape}, the parameter has {reading.lhs.shape}: "
                                 "not used")
                    continue
                symbols = sorted(sp.Matrix(rhs.matrix).free_symbols, key=str)
                if any(symbol in owner_of_bar for symbol in symbols):
                    notes.append(f"{claim.id}: the gradient of {parameter} is written with "
                                 "other derivatives: not used")
                    continue
                found[parameter] = DocumentGradient(
                    parameter, claim.id, _compiled(rhs.matrix, symbols, graph))
    return found, notes


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
