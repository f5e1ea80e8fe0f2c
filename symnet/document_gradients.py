"""The document's own gradient formulas, compiled for training with them.

Every claim `\\frac{\\partial L}{\\partial W^{(l)}} = ...` in vector form whose right side symnet
can read is resolved at the document's sizes, where the resolver also builds it as a matrix
expression of the vector form; that expression is compiled as `symnet codegen` compiles the exact
gradients (matmuls, kernels, sizes from the arrays' shapes), so training with the document's
formulas costs what training with the exact ones costs. Before it is used, the compiled formula
is compared with the formula read entry by entry, at the document's sizes. A formula the
resolver cannot build as a matrix expression is read on the training batch entry by entry and
compiled with `lambdify` instead (slow at large batches, but the same numbers).

Other derivatives in a formula are replaced by the document's own formulas for them. Formulas
of the wrong shape, or written with a derivative the document does not define, are not used,
and the run says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import sympy as sp
from lark import Tree

from .codegen import CodegenError, compile_expression
from .grammar import ClaimSyntaxError, equations, links, parse_claim
from .loss_samples import defined_sample_losses
from .notation import notation_of
from .numeric import Evaluation
from .printing import text_name
from .reading import read_link
from .resolve import MatrixValue, NeedsBatch, ShapeMismatch, Unresolvable, as_matrix
from .size_sets import Networks, checking_spec
from .spec import Document, NetworkSpec
from .vector_form import VectorForm, vector_form
from .verdict import APPROXIMATE, EXACT


@dataclass
class DocumentGradient:
    parameter: str                                       # "W2", as the generated module names it
    claim: str                                           # the claim it comes from
    evaluate: Callable[[dict[str, np.ndarray]], np.ndarray]   # module values -> gradient
    compiled_as: str = "matrix"     # "matrix": matrix expressions; "entries": entry by entry


def module_name(node: str) -> str:
    """`W[2]` -> `W2`: the generated module's name of an engine node."""
    return node.replace("[", "").replace("]", "")


@dataclass
class Statement:
    """The document's formula for one node's adjoint, read on the training batch."""
    claim: str
    adjoints: sp.Matrix      # the adjoint symbols it defines, entry by entry
    value: sp.Matrix         # the document's right side, in entry and adjoint symbols
    form: object = None      # the right side as a matrix expression of the vector form


def document_gradients(document: Document, spec: NetworkSpec,
                       samples: int) -> tuple[dict[str, DocumentGradient], list[str]]:
    """The parameter gradients the document states (the last statement of each wins), and
    notes on the ones it states but that cannot be used.

    A gradient written with other derivatives (`\\overline{W} = H^T \\overline{z}`) is followed
    through the document's own formulas for those (`\\overline{z} = ...`), so that training uses
    the document's chain, errors included; it is not used when the document states no formula
    for one of them."""
    form = vector_form(spec)
    networks = Networks(spec)
    notation = defined_sample_losses(notation_of(document), [claim.latex for claim in
                                                             document.claims], networks)
    stated, notes = _statements(document, notation, networks, form)
    network = networks.get(0, True)
    owner_of_bar = network.adjoints.owner_of_bar
    found, labels = {}, {}
    for node, statement in stated.items():
        if network.graph.nodes[node].kind not in ("weight", "bias"):
            continue
        parameter = module_name(node)
        try:
            value, claims = _in_own_terms(node, stated, owner_of_bar)
        except _NotStated as missing:
            notes.append(f"{statement.claim}: the gradient of {parameter} is written with the "
                         f"derivative of {missing}, for which the document states no formula "
                         "symnet can read: not used")
            continue
        chain = [claim for claim in claims if claim != statement.claim]
        labels[node] = statement.claim + (f" (with {', '.join(chain)})" if chain else "")
        compiled = _matrix_level(node, stated, form, networks, value)
        if compiled is not None:
            found[parameter] = DocumentGradient(parameter, labels[node], compiled)
    slow = [node for node in labels if module_name(node) not in found]
    if slow and checking_spec(spec) is not spec:
        notes += [f"{stated[node].claim}: symnet cannot compile this formula as matrices, and "
                  "the network is too large to read it entry by entry: not used"
                  for node in slow]
        slow = []
    for node, gradient in _entry_level(document, notation, spec, samples, slow, form).items():
        found[module_name(node)] = DocumentGradient(module_name(node), labels[node], gradient,
                                                    "entries")
    return found, notes


def _matrix_level(node: str, stated: dict, form: VectorForm, networks: Networks,
                  explicit: sp.Matrix) -> Callable | None:
    """The document's formula for the node's adjoint compiled from its matrix expression, or
    None when there is none or it disagrees with the formula read entry by entry."""
    expression = _form_in_own_terms(node, stated, form)
    if expression is None or expression.free_symbols & set(form.adjoint_symbols.values()):
        return None
    try:
        compiled = compile_expression(form, expression)
    except (CodegenError, KeyError, TypeError):
        return None
    return compiled if _agrees(compiled, explicit, form, networks) else None


def _form_in_own_terms(node: str, stated: dict, form: VectorForm, path: tuple = ()):
    """`_in_own_terms` on the matrix expressions: other adjoints replaced by the document's
    own expressions for them."""
    statement = stated[node]
    if statement.form is None:
        return None
    replacements = {}
    for other, symbol in form.adjoint_symbols.items():
        if symbol in statement.form.free_symbols:
            if other not in stated or other == node or other in path:
                return None
            value = _form_in_own_terms(other, stated, form, path + (node,))
            if value is None:
                return None
            replacements[symbol] = value
    return statement.form.xreplace(replacements)


def _agrees(compiled: Callable, explicit: sp.Matrix, form: VectorForm,
            networks: Networks) -> bool:
    """The compiled matrix expression and the entry-by-entry formula give the same numbers at
    a random point, at the document's sizes."""
    network = networks.get(0, True)
    rng = np.random.default_rng(0)
    leaves = {name: rng.uniform(-1.5, 1.5, network.graph.nodes[name].symbols.shape)
              for name in ["X", "Y", *network.parameters()]}
    leaves["Y"] = rng.uniform(0.1, 0.9, leaves["Y"].shape)
    sizes = {name: value for name, value in networks.size_sets[0].items()}
    if isinstance(network.spec.batch, str):
        sizes[network.spec.batch] = network.batch
    values = form.evaluate(leaves, sizes)
    arrays, point = {}, {}
    for name, (value, _) in values.items():
        if value is None or name == "loss":
            continue
        arrays[text_name(form.symbols[name].name)] = value
        symbols = network.graph.nodes[name].symbols
        point.update(zip(symbols, np.asarray(value, dtype=float).reshape(symbols.shape).flat))
    try:
        compiled_value = np.asarray(compiled(arrays), dtype=float)
        evaluation = Evaluation(point)
        expected = np.array([[evaluation.number(entry) for entry in row]
                             for row in explicit.tolist()], dtype=float)
    except Exception:   # any failure here means: do not trust the fast path
        return False
    return compiled_value.shape == expected.shape and np.allclose(
        compiled_value, expected, rtol=1e-9, atol=1e-12)


def _entry_level(document: Document, notation, spec: NetworkSpec, samples: int,
                 nodes: list[str], form: VectorForm) -> dict[str, Callable]:
    """The formulas for `nodes` read entry by entry on the training batch and compiled with
    `lambdify`: for formulas the resolver cannot build as a matrix expression. Their arrays
    are the generated module's, by the vector form's names (`a1` of one sample, `A1`)."""
    if not nodes:
        return {}
    networks = Networks(spec)
    sizes = dict(spec.sizes)
    if isinstance(spec.batch, str):
        sizes[spec.batch] = samples
    networks.size_sets = [sizes]
    network = networks.get(0, True)
    stated, _ = _statements(document, notation, networks, None)
    compiled = {}
    for node in nodes:
        try:
            value, _ = _in_own_terms(node, stated, network.adjoints.owner_of_bar)
        except (_NotStated, KeyError):
            continue
        symbols = sorted(value.free_symbols, key=str)
        compiled[node] = _compiled(value, symbols, network.graph, form)
    return compiled


class _NotStated(Exception):
    """A derivative the document uses but does not define (its node's module name), or one
    defined in a circle."""


def _statements(document, notation, networks: Networks, form: VectorForm | None):
    """Every adjoint the document defines in vector form, by node; the last statement wins.
    With `form`, each statement also carries its right side as a matrix expression."""
    network = networks.get(0, True)
    owner_of_bar = network.adjoints.owner_of_bar
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
                                        batch=True, forms=form)
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
                matrix_form = reading.rhs.form if isinstance(reading.rhs, MatrixValue) else None
                if rhs is not None and rhs.shape == lhs.shape and \
                        lhs.shape != network.graph.nodes[node].symbols.shape:
                    # a gradient written as a row (a 1-D bias, the numerator layout): training
                    # updates the parameter with it in the parameter's own shape
                    lhs, rhs = lhs.T, rhs.T
                    matrix_form = None if matrix_form is None else matrix_form.T
                if rhs is None or rhs.shape != lhs.shape:
                    shape = "no matrix" if rhs is None else f"shape {rhs.shape}"
                    notes.append(f"{claim.id}: the derivative of {module_name(node)} is written "
                                 f"with {shape}, {module_name(node)} has shape {lhs.shape}: "
                                 "not used")
                    stated.pop(node, None)
                    continue
                stated[node] = Statement(claim.id, lhs, rhs, matrix_form)
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


def _compiled(matrix: sp.Matrix, symbols: list, graph, form: VectorForm) -> Callable:
    # cse: the entries share their sample sums; no docstring: printing it took minutes
    function = sp.lambdify(symbols, matrix, modules="numpy", cse=True, docstring_limit=0)
    places = [(text_name(form.symbols[name].name) if name in form.symbols else
               module_name(name), position)
              for name, position in map(graph.owner, symbols)]

    def evaluate(values: dict[str, np.ndarray]) -> np.ndarray:
        arguments = [values[name].reshape(-1)[position] for name, position in places]
        return np.asarray(function(*arguments), dtype=float)
    return evaluate
