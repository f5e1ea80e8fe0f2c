"""Claim syntax tree -> SymPy, at concrete sizes, through the document's notation table.

Every side of a claim becomes either an `Indexed` value (a SymPy expression for each value of its
free indices: `W_{ij}`, `\\sum_j W_{ij} x_j`) or a `MatrixValue` (vector form: `W^{(2)T} A`),
written in the engine's entry and adjoint symbols. Partial derivatives between network quantities
are evaluated here (`sympy.diff` after writing out the nodes in between), so chain-rule steps are
checkable. One method per syntax-tree rule (`_rule_<name>`), as in SymPy's printers.

Alongside its entries, a whole-matrix value can carry its `form`: the same value as a matrix
expression of the network's vector form (symbolic sizes), built operation by operation while the
claim is read, so that a gradient formula can be compiled at the matrix level. An operation that
has no matrix-expression counterpart leaves the form out (None); the entries are always there.

Samples: a claim that never names a sample is read for one sample (the per-sample network, its
loss the loss of that sample); a claim that names samples (a sample index, the batch size, a
whole batch matrix) is read on the batch, and a quantity written without its sample index then
stands for the average over samples (the convention documents state for omitted sums over m).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import sympy as sp
from lark import Token, Tree
from sympy.matrices.expressions import HadamardProduct, MatMul, MatrixExpr, OneMatrix

from .engine import derivative
from .matrix_rules import Elementwise, Softmax
from .network import Network
from .notation import NODE_KINDS, Entry, Notation, normalise
from .registry import ACTIVATIONS

IMPLICIT_SAMPLE = "_m"
UNIT = "_unit"   # the units of one sample's vector, as an index (inside a norm)


class Unresolvable(Exception):
    """The claim cannot be read: `message` says what, `column` where (1-based)."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message, self.column = message, column


class NoSuchLayer(Unresolvable):
    """A layer variable's value names a layer the network does not have (`w^{l+1}` at the
    last l): the formula is meant for the other values."""


class ShapeMismatch(Unresolvable):
    """The formula combines quantities whose shapes do not fit: the claim is wrong (`shape`)."""


class IndexMismatch(ShapeMismatch):
    """One index letter used over two different ranges: the claim is wrong (`index`)."""


class NeedsBatch(Exception):
    """Raised while reading for one sample when the claim names samples."""


@dataclass
class Indexed:
    """A scalar for each assignment of the free indices (0-based integers)."""

    free: frozenset[str]
    ranges: dict[str, int]
    at: Callable[[Mapping[str, int]], sp.Expr]
    per_sample: bool = False   # a batch quantity written without its sample index
    form: sp.Expr | None = None   # a scalar in the vector form's size symbols (`1/M`)

    @classmethod
    def scalar(cls, value: sp.Expr, form: sp.Expr | None = None) -> "Indexed":
        return cls(frozenset(), {}, lambda assignment: value, form=form)


@dataclass
class MatrixValue:
    matrix: sp.Matrix
    form: MatrixExpr | None = None   # the value as a matrix expression of the vector form

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape


@dataclass
class FunctionValue:
    """A scalar function of one or more arguments (`\\sigma`, `g'`, `\\mathcal{L}`)."""

    name: str
    apply: Callable[..., sp.Expr] | None
    arity: int = 1
    per_sample: tuple | None = None   # (vector definition, axis of the units): softmax
    random_matrix: bool = False       # rand(n, m): only its shape means something here

    def derivative(self) -> "FunctionValue":
        if self.apply is None:
            raise Unresolvable(f"the derivative of {self.name} is a Jacobian, not a function")
        variables = sp.symbols(f"_t0:{self.arity}", real=True)
        derivative = sp.diff(self.apply(*variables), variables[0])
        return FunctionValue(self.name + "'", sp.Lambda(variables, derivative), self.arity)


Value = Indexed | MatrixValue | FunctionValue


@dataclass
class Context:
    network: Network
    notation: Notation
    latex: str
    batch: bool                              # read on the whole batch
    layers: dict[str, int] = field(default_factory=dict)   # bound layer variables
    dummies: dict[str, sp.Symbol] = field(default_factory=dict)
    layer_shift: dict[int, int] = field(default_factory=dict)   # column -> +/-1 (diagnosis)
    definitions: dict[str, tuple] = field(default_factory=dict)  # name -> (tree, latex)
    index_change: tuple[int, str] | None = None   # (column, letter): read another index there
    forms: Any = None      # the network's VectorForm: values then carry matrix-level forms


def _column(tree) -> int | None:
    if isinstance(tree, Token):
        return tree.column
    meta = getattr(tree, "meta", None)
    return None if meta is None or getattr(meta, "empty", True) else meta.column


def _factors(tree) -> list:
    """The factors of a product of juxtaposed factors, left to right."""
    if isinstance(tree, Tree) and tree.data == "juxtaposition":
        return [factor for child in tree.children for factor in _factors(child)]
    return [tree]


def _product(factors: list):
    product = factors[0]
    for factor in factors[1:]:
        product = Tree("juxtaposition", [product, factor])
    return product


def _letter(tree) -> tuple[str | None, Tree | None]:
    """A one-letter name (`d`), or a one-letter name with scripts (`Z^{[2]}`) and its scripts."""
    if isinstance(tree, Tree) and tree.data == "name" and len(str(tree.children[0])) == 1 \
            and str(tree.children[0]).isalpha():
        return str(tree.children[0]), None
    if isinstance(tree, Tree) and tree.data == "scripted":
        letter, inner = _letter(tree.children[0])
        if letter is not None and inner is None:
            return letter, tree.children[1]
    return None, None


def _is_group(tree) -> bool:
    return isinstance(tree, Tree) and tree.data == "group"


def _name_of(tree) -> str | None:
    """The written name of a symbol-like subtree (`W`, `\\sigma`, `\\overline{z}`, `Loss`)."""
    if isinstance(tree, Token):
        return str(tree)
    if tree.data == "script_list" and len(tree.children) == 1:
        return _name_of(tree.children[0])
    if tree.data in ("name", "command", "script_atom"):
        return str(tree.children[0])
    if tree.data == "word":   # \text{Loss} -> Loss
        token = str(tree.children[0])
        return token[token.index("{") + 1:-1].strip()
    if tree.data == "styled":
        inner = tree.children[1]
        style = str(tree.children[0])
        name = _name_of(inner)
        if name is None:
            return None
        return rf"{style}{{{name}}}" if style in (r"\mathcal", r"\mathbb") else name
    if tree.data == "accent":
        name = _name_of(tree.children[1])
        return None if name is None else rf"{tree.children[0]}{{{name}}}"
    return None


class Resolver:
    def __init__(self, context: Context):
        self.context = context
        self.network = context.network
        self.graph = context.network.graph
        self.index_scope: list[str] = []
        self.sites: list[tuple] = []   # ("index", column, letter) and ("layer", column, number)

    # -- entry points ---------------------------------------------------------------------
    def declare_arguments(self, tree) -> None:
        """`f(x, y) = ...` defines f for every x, y, and `\\partial f(x) / \\partial x` is f's
        derivative: their argument letters are dummies in this link."""
        if isinstance(tree, Tree) and tree.data == "frac" and _starts_with_partial(
                tree.children[1]):
            top, bottom = _after_partial(tree.children[1]), _after_partial(tree.children[2])
            name = _name_of(bottom) if isinstance(bottom, Tree) and bottom.data == "name" \
                else None
            if name and isinstance(top, Tree) and top.data == "call" and any(
                    _name_of(argument) == name for argument in top.children[1:]
                    if isinstance(argument, Tree)):
                self.context.dummies[name] = sp.Symbol(f"_{name}", real=True)
            return
        if not (isinstance(tree, Tree) and tree.data == "call"):
            return
        callee, *arguments = tree.children
        try:
            function = self.resolve(callee)
        except Unresolvable:
            return
        if isinstance(function, FunctionValue):
            for argument in arguments:
                name = _name_of(argument) if isinstance(argument, Tree) else None
                known = self.context.notation.by_base(name or "") or name in self.network.sizes
                if name and len(name) == 1 and not known:
                    self.context.dummies[name] = sp.Symbol(f"_{name}", real=True)

    def side(self, tree, average: bool = True) -> Indexed | MatrixValue:
        """One side of a relation; a sample index left implicit is averaged over unless
        `average` is false (then it stays a free index, `_m`)."""
        value = self.resolve(tree)
        if isinstance(value, (FunctionValue, _Operator, _PoweredFunction)) or value is ONES:
            raise Unresolvable("a function or operator without its argument", _column(tree))
        if average and isinstance(value, Indexed) and IMPLICIT_SAMPLE in value.free:
            value = self._mean_over_samples(value)
        if isinstance(value, Indexed) and UNIT in value.free:   # a sample's vector, A^{[2](i)}
            if value.free != {UNIT}:
                raise Unresolvable("a sample's whole vector next to free indices", _column(tree))
            column = sp.Matrix([value.at({UNIT: k}) for k in range(value.ranges[UNIT])])
            value = MatrixValue(column.T if self.network.spec.samples == "rows" else column)
        return value

    def resolve(self, tree) -> Value:
        if isinstance(tree, Token):
            raise Unresolvable(f"unexpected {str(tree)!r}", tree.column)
        composite = self._composite(tree)
        if composite is not None:
            return composite
        rule = getattr(self, f"_rule_{tree.data}", None)
        if rule is None:
            raise Unresolvable(f"symnet does not read {tree.data.replace('_', ' ')} here",
                               _column(tree))
        return rule(tree)

    # -- notation ---------------------------------------------------------------------------
    def _composite(self, tree) -> Value | None:
        """A whole expression the notation table names (`\\text{Loss}(h(\\bar{x};\\theta),y)`)."""
        entries = self.context.notation.composites()
        if not entries or getattr(tree.meta, "empty", True):
            return None
        text = normalise(self.context.latex[tree.meta.start_pos:tree.meta.end_pos])
        for entry in entries:
            if entry.base == text:
                return self._meaning_value(entry, None, [], None, tree)
        return None

    def _lookup(self, name: str, layer_tree, tree) -> tuple[Entry, int | None] | None:
        # layer variables and sample indices are read where they stand (superscripts, sums)
        entries = [entry for entry in self.context.notation.by_base(normalise(name))
                   if entry.meaning.kind not in ("layer_variable", "sample_index")]
        layer = None if layer_tree is None else self._layer_number(layer_tree)
        for entry in entries:
            if layer_tree is None and entry.variable is None and entry.layer is None:
                return entry, None
            if layer_tree is not None and entry.layer is not None and layer is not None \
                    and int(entry.layer) == layer:
                return entry, layer
            if layer_tree is not None and entry.variable is not None:
                return entry, layer
        return None

    def _layer_number(self, tree) -> int | None:
        """A layer superscript `(2)`, `(L+1)`, `(k-1)` as a number (variables bound)."""
        value = self._layer_expression(tree)
        if value is not None:
            self.sites.append(("layer", _column(tree), int(value)))
        shift = self.context.layer_shift.get(_column(tree) or -1, 0)
        return None if value is None else int(value) + shift

    def _layer_expression(self, tree):
        if isinstance(tree, Token):
            return self._layer_symbol(str(tree), tree)
        if tree.data == "group":
            return self._layer_expression(tree.children[0])
        if tree.data == "number":
            return int(str(tree.children[0]))
        if tree.data in ("name", "command", "script_atom"):
            text = str(tree.children[0])
            return int(text) if text.isdigit() else self._layer_symbol(text, tree)
        if tree.data == "binary":
            left, op, right = tree.children
            a, b = self._layer_expression(left), self._layer_expression(right)
            if a is None or b is None:
                return None
            return a + b if str(op) == "+" else a - b if str(op) == "-" else None
        if tree.data == "script_list" and len(tree.children) == 1:
            return self._layer_expression(tree.children[0])
        return None

    def _layer_symbol(self, name: str, tree) -> int:
        if name in self.context.layers:
            return self.context.layers[name]
        sizes = self.network.sizes
        if name in sizes:
            return sizes[name]
        raise Unresolvable(f"layer {name!r} is not a number, a size or a layer variable; "
                           "declare it in [notation] as layer_variable[1..L]", _column(tree))

    def _node_name(self, kind: str, layer: str | None, bound: int | None, tree) -> str:
        if kind in ("input",):
            return "X"
        if kind == "target":
            return "Y"
        if kind == "output":
            return self.network.output_name()
        if kind == "loss":
            return "loss"
        number = self._meaning_layer(layer, bound, tree)
        if kind == "activation" and number == 0:
            return "X"
        name = f"{NODE_KINDS[kind]}[{number}]"
        if name not in self.graph.nodes:
            error = NoSuchLayer if not 0 <= number <= self.network.depth or \
                number == 0 and kind != "activation" else Unresolvable
            raise error(f"layer {number} has no {kind}", _column(tree))
        return name

    def _meaning_layer(self, layer: str | None, bound: int | None, tree) -> int:
        depth = self.network.depth
        if layer is None or layer == "last":
            return depth
        if layer.isdigit():
            return int(layer)
        if bound is None:
            variable = layer[0]
            if variable not in self.context.layers:
                raise Unresolvable("this symbol needs a layer superscript such as (2)",
                                   _column(tree))
            bound = self.context.layers[variable]
            return bound + (int(layer[1:]) if len(layer) > 1 else 0)
        offset = int(layer[1:]) if len(layer) > 1 else 0
        return bound - offset

    def _meaning_value(self, entry: Entry, bound: int | None, indices, sample, tree) -> Value:
        meaning = entry.meaning
        if meaning.kind == "activation_function":
            number = self._meaning_layer(meaning.layer, bound, tree)
            return self._activation_function(number, tree)
        if meaning.kind in ("loss_function", "loss_of_preactivation"):
            return self._loss_function(meaning.kind == "loss_of_preactivation")
        if meaning.kind == "learning_rate":
            return Indexed.scalar(sp.Symbol("_eta", positive=True))
        if meaning.kind in ("sample_index", "kronecker", "hadamard",
                            "matmul", "ones", "layer_variable"):
            raise Unresolvable(f"{entry.key!r} ({meaning.kind}) cannot stand here",
                               _column(tree))
        node = self._node_name(meaning.kind, meaning.layer, bound, tree)
        return self._node_value(node, meaning.adjoint, indices, sample, tree)

    def _activation_function(self, number: int, tree) -> FunctionValue:
        if not 1 <= number <= self.network.depth:
            raise Unresolvable(f"there is no layer {number}", _column(tree))
        activation = self.network.layers[number - 1].activation
        if activation.per_sample is not None:
            axis = 1 if self.network.spec.samples == "rows" else 0
            return FunctionValue(activation.name, None, per_sample=(activation.per_sample, axis))
        if activation.elementwise is not None:
            return FunctionValue(activation.name, activation.elementwise)
        return FunctionValue(activation.name, activation.function())

    def _loss_function(self, of_preactivation: bool) -> FunctionValue:
        loss = self.network.spec.loss.loss
        output = self.network.layers[-1].activation
        if of_preactivation:
            if output.elementwise is None and not output.generic:
                raise Unresolvable("the loss of a pre-activation needs an element-wise output")
            squash = output.elementwise or output.function()
            return FunctionValue(loss.name, lambda z, y: loss.entry(squash(z), y), 2)
        return FunctionValue(loss.name, loss.entry, 2)

    # -- network quantities -------------------------------------------------------------------
    def _node_value(self, node: str, adjoint: bool, indices: list, sample, tree) -> Value:
        graph_node = self.graph.nodes[node]
        matrix = (self.network.adjoints.bars[node] if adjoint else graph_node.symbols)
        if node == "loss" and adjoint:
            matrix = sp.ImmutableMatrix([[1]])
        has_samples = graph_node.kind in ("input", "target", "preactivation", "activation")
        sample_axis = None
        if has_samples and self.network.spec.samples != "single":
            sample_axis = 0 if self.network.spec.samples == "rows" else 1
        if sample is not None and sample_axis is None:
            raise Unresolvable(f"{node} has no sample index", _column(tree))
        if sample is not None and not self.context.batch:
            raise NeedsBatch
        rows, cols = matrix.shape
        if not indices:
            if sample is not None:
                return self._entries(matrix, [sample], sample_axis, node, adjoint, tree)
            if sample_axis is not None and not self.context.batch:
                raise NeedsBatch   # a whole matrix of samples: the claim is about the batch
            if matrix.shape == (1, 1):
                return self._entries(matrix, [0, 0], None, node, adjoint, tree)
            return MatrixValue(sp.Matrix(matrix), self._node_form(node, adjoint))
        if len(indices) == 2:
            if sample_axis is not None and not self.context.batch and \
                    matrix.shape[sample_axis] > 1:
                raise NeedsBatch
            return self._entries(matrix, indices, None, node, adjoint, tree)
        if len(indices) != 1:
            raise Unresolvable(f"{len(indices)} indices on a matrix", _column(tree))
        unit_size = None if sample_axis is None else matrix.shape[1 - sample_axis]
        if sample_axis is not None and unit_size == 1 and sample is None and \
                (matrix.shape[sample_axis] > 1 or not self.context.batch):
            if not self.context.batch:   # z_i of a one-unit layer: i is the sample
                raise NeedsBatch
            placed = [indices[0], 0] if sample_axis == 0 else [0, indices[0]]
            return self._entries(matrix, placed, None, node, adjoint, tree)
        if sample_axis is not None and matrix.shape[sample_axis] > 1:
            sample = sample if sample is not None else IMPLICIT_SAMPLE
            placed = [indices[0], sample] if sample_axis == 1 else [sample, indices[0]]
            return self._entries(matrix, placed, None, node, adjoint, tree,
                                 per_sample_loss=adjoint and sample == IMPLICIT_SAMPLE)
        if cols == 1:
            return self._entries(matrix, [indices[0], 0], None, node, adjoint, tree)
        if rows == 1:
            return self._entries(matrix, [0, indices[0]], None, node, adjoint, tree)
        raise Unresolvable("one index on a matrix: write both (row and column)", _column(tree))

    def _node_form(self, node: str, adjoint: bool) -> MatrixExpr | None:
        forms = self.context.forms
        if forms is None or not self.context.batch:
            return None
        return (forms.adjoint_symbols if adjoint else forms.symbols).get(node)

    def _entries(self, matrix, indices, sample_axis, node, adjoint, tree,
                 per_sample_loss=False) -> Value:
        if sample_axis is not None:   # a whole sample: a column (or row) of the matrix
            sample = indices[0]
            if isinstance(sample, str):   # A^{(2),m}: its units along a hidden index
                placed = [UNIT, sample] if sample_axis == 1 else [sample, UNIT]
                return self._entries(matrix, placed, None, node, adjoint, tree)
            vector = matrix[:, sample] if sample_axis == 1 else matrix[sample, :]
            return MatrixValue(sp.Matrix(vector))
        ranges = {}
        for axis, index in enumerate(indices):
            size = matrix.shape[axis]
            if isinstance(index, int):
                if not 0 <= index < size:
                    raise Unresolvable(f"index {index + 1} is out of range (1..{size})",
                                       _column(tree))
            elif ranges.setdefault(index, size) != size:
                raise IndexMismatch(f"index {index} runs over {ranges[index]} values in one "
                                    f"place and {size} in another", _column(tree))
        # the derivative of one sample's loss is M times that of the mean over M samples
        factor = 1
        if per_sample_loss and self.network.spec.loss.reduction == "mean":
            factor = self.network.batch
        free = frozenset(ranges)

        def at(assignment, matrix=matrix, indices=indices, factor=factor):
            position = [i if isinstance(i, int) else assignment[i] for i in indices]
            return factor * matrix[position[0], position[1]]
        return Indexed(free, ranges, at, per_sample=IMPLICIT_SAMPLE in indices)

    def _mean_over_samples(self, value: Indexed) -> Indexed:
        samples = value.ranges.get(IMPLICIT_SAMPLE, self.network.batch)
        free = value.free - {IMPLICIT_SAMPLE}
        ranges = {k: v for k, v in value.ranges.items() if k != IMPLICIT_SAMPLE}
        return Indexed(free, ranges, lambda assignment: sp.Add(*(
            value.at({**assignment, IMPLICIT_SAMPLE: m}) for m in range(samples))) / samples)

    # -- symbols ------------------------------------------------------------------------------
    def _symbol(self, tree, subscript=None, superscript=None) -> Value:
        name = _name_of(tree)
        if name is None:
            raise Unresolvable("symnet does not read this as a symbol", _column(tree))
        primes = 0
        if superscript is not None and superscript.data == "script_list" and \
                len(superscript.children) == 1 and isinstance(superscript.children[0], Tree) \
                and superscript.children[0].data == "primed":   # g^{[1]\prime}: g^{[1]}, primed
            base, *marks = superscript.children[0].children
            superscript, primes = Tree("script_list", [base]), len(marks)
        if superscript is not None and self._bare_layer(name, superscript):
            layer_tree, sample, transpose, power = superscript, None, False, None
        else:
            layer_tree, sample, transpose, power = self._read_superscript(superscript)
        indices = self._read_subscript(subscript) if subscript is not None else []
        if sample is not None and not self.context.batch:
            raise NeedsBatch
        value = self._symbol_value(name, layer_tree, indices, sample, tree)
        for _ in range(primes):
            if not isinstance(value, FunctionValue):
                raise Unresolvable("a prime on something that is not a function", _column(tree))
            value = value.derivative()
        if transpose:
            value = self._transpose(value, tree)
        if power is not None:
            value = self._power(value, power, tree)
        return value

    def _symbol_value(self, name, layer_tree, indices, sample, tree) -> Value:
        if name in self.context.dummies and not indices and layer_tree is None:
            return Indexed.scalar(self.context.dummies[name])
        found = self._lookup(name, layer_tree, tree)
        if found is not None:
            entry, bound = found
            if entry.meaning.kind == "kronecker":
                return self._kronecker(indices, tree)
            return self._meaning_value(entry, bound, indices, sample, tree)
        if layer_tree is not None:
            raise Unresolvable(f"unknown symbol {name!r} with a layer; declare it in "
                               "[notation]", _column(tree))
        if name in self.index_scope and not indices:
            return Indexed(frozenset({name}), {}, lambda a, n=name: sp.Integer(a[n] + 1))
        if name == r"\delta" and len(indices) == 2:
            return self._kronecker(indices, tree)
        builtin = BUILTIN_FUNCTIONS.get(name) or BUILTIN_FUNCTIONS.get("\\" + name)
        if builtin is not None and not indices:
            return builtin
        if name in self.context.dummies and not indices:
            return Indexed.scalar(self.context.dummies[name])
        sized = name if not indices else name + "_" + "".join(
            str(i + 1) if isinstance(i, int) else i for i in indices)   # N_1: a size's name
        if sized in self.network.sizes:
            if self.network.spec.batch == sized and not self.context.batch:
                raise NeedsBatch
            form = None if self.context.forms is None else \
                self.context.forms.spec.size_symbol(sized)
            return Indexed.scalar(sp.Integer(self._size(sized)), form)
        if name in self.context.definitions and not indices:
            definition, latex = self.context.definitions[name]
            inner = Resolver(Context(self.network, self.context.notation, latex,
                                     self.context.batch, dict(self.context.layers),
                                     self.context.dummies))
            inner.index_scope = self.index_scope
            return inner.resolve(definition)
        layered = [entry.key for entry in self.context.notation.by_base(normalise(name))
                   if entry.variable is not None or entry.layer is not None]
        if layered:
            raise Unresolvable(f"{name!r} without its layer (the notation has "
                               f"{', '.join(layered)})", _column(tree))
        raise Unresolvable(f"unknown symbol {name!r}; declare it in [notation]", _column(tree))

    def _size(self, name: str) -> int:
        if name == self.network.spec.batch:
            return self.network.batch
        return self.network.sizes[name]

    def _kronecker(self, indices, tree) -> Indexed:
        if len(indices) != 2:
            raise Unresolvable("a Kronecker delta takes two indices", _column(tree))
        first, second = indices
        free = frozenset(i for i in indices if isinstance(i, str))

        def at(assignment):
            a = first if isinstance(first, int) else assignment[first]
            b = second if isinstance(second, int) else assignment[second]
            return sp.Integer(int(a == b))
        return Indexed(free, {}, at)

    def _read_subscript(self, tree) -> list:
        """`ij`, `i,j`, `1j`, `\\alpha\\beta` -> ['i', 'j'], [0, 'j'] (numbers 0-based)."""
        items = []

        def walk(node):
            if isinstance(node, Token):
                text = str(node)
                if text in ",;":
                    return
                change = self.context.index_change
                if change and node.column == change[0]:
                    text = change[1]
                elif not text.isdigit():
                    self.sites.append(("index", node.column, text))
                if text.isdigit():
                    items.extend(int(d) - 1 for d in text)
                else:
                    items.append(text)
                return
            if node.data in ("script_list", "juxtaposition"):
                for child in node.children:
                    walk(child)
            elif node.data in ("script_atom", "name", "command", "number"):
                walk(node.children[0])
            elif node.data == "group" and len(node.children) == 1:
                walk(node.children[0])
            else:
                raise Unresolvable("symnet reads subscripts as indices such as ij, i,j, 1j",
                                   _column(node))
        walk(tree)
        for item in items:
            if isinstance(item, str) and item not in self.index_scope:
                self.index_scope.append(item)
        return items

    def _bare_layer(self, name: str, superscript) -> bool:
        """A notation that writes layers without parentheses (`w^l`, `a^{l-1}`, `\\delta^L`):
        the whole superscript of its symbols is the layer, unless it is a transpose."""
        entries = self.context.notation.by_base(normalise(name))
        if not any(entry.bare for entry in entries):
            return False
        return _name_of(superscript) not in ("T", r"\top", r"\intercal")

    def _read_superscript(self, tree):
        """`(2)`, `(2),m`, `(1)T`, `T`, `\\top`, `2`, `m` -> (layer, sample, transpose, power)."""
        if tree is None:
            return None, None, False, None
        parts = [part for part in tree.children if not isinstance(part, Token)] \
            if tree.data == "script_list" else [tree]
        layer, sample, transpose, power = None, None, False, None
        samples = set(self.context.notation.marker("sample_index"))
        for part in parts:
            pieces = part.children if isinstance(part, Tree) and part.data == "juxtaposition" \
                else [part]
            for piece in pieces:
                name = _name_of(piece) if isinstance(piece, (Tree, Token)) else None
                if isinstance(piece, Tree) and piece.data == "call" and \
                        _is_group(piece.children[0]):     # [2](i): a layer, then a sample
                    layer = piece.children[0]
                    for argument in piece.children[1:]:
                        sample = self._sample_name(argument, samples)
                elif _is_group(piece) and _name_of(piece.children[0]) in samples:
                    sample = self._sample_name(piece.children[0], samples)   # y^{(i)}
                elif _is_group(piece):
                    layer = piece
                elif name in ("T", r"\top", r"\intercal"):
                    transpose = True
                elif name is not None and name in samples:
                    sample = self._sample_name(piece, samples)
                elif isinstance(piece, Tree) and piece.data in ("number", "unary") or \
                        isinstance(piece, Token) and str(piece).isdigit():
                    power = piece
                elif isinstance(piece, Tree) and piece.data == "script_atom" and \
                        str(piece.children[0]).isdigit():
                    power = piece
                else:
                    raise Unresolvable("symnet reads superscripts as a layer (2), a sample "
                                       "index, a transpose T or a power", _column(piece))
        return layer, sample, transpose, power

    def _sample_name(self, tree, samples) -> str:
        name = _name_of(tree) if isinstance(tree, (Tree, Token)) else None
        if name not in samples:
            raise Unresolvable("symnet reads the parentheses after a layer as the sample "
                               "index; declare it as sample_index", _column(tree))
        if name not in self.index_scope:
            self.index_scope.append(name)
        return name

    # -- rules --------------------------------------------------------------------------------
    def _rule_name(self, tree):
        return self._symbol(tree)

    _rule_command = _rule_name
    _rule_word = _rule_name
    _rule_accent = _rule_name

    def _rule_script_atom(self, tree):
        """A one-character subscript standing for itself: `\\nabla_a C`, `\\partial_2`."""
        text = str(tree.children[0])
        return Indexed.scalar(sp.Integer(int(text))) if text.isdigit() else self._symbol(tree)

    def _rule_styled(self, tree):
        if _name_of(tree.children[1]) == "1" or (
                isinstance(tree.children[1], Tree) and tree.children[1].data == "number"
                and str(tree.children[1].children[0]) == "1"):
            return ONES
        return self._symbol(tree)

    def _rule_number(self, tree):
        number = sp.Rational(str(tree.children[0]))
        return Indexed.scalar(number, number)

    def _rule_group(self, tree):
        values = [child for child in tree.children if not isinstance(child, Token)]
        if len(values) != 1:
            raise Unresolvable("a list of arguments without a function", _column(tree))
        return self.resolve(values[0])

    def _rule_scripted(self, tree):
        base, scripts = tree.children
        sub = sup = None
        for script in scripts.children:
            if script.data == "sub":
                sub = script.children[0]
            else:
                sup = script.children[0]
        if isinstance(base, Tree) and base.data == "group":
            value = self.resolve(base)
            _, _, transpose, power = self._read_superscript(sup)
            if sub is not None:
                raise Unresolvable("a subscript on a parenthesised expression", _column(tree))
            if transpose:
                value = self._transpose(value, tree)
            if power is not None:
                value = self._power(value, power, tree)
            return value
        if isinstance(base, Tree) and base.data == "norm":
            value = self.resolve(base)
            _, _, _, power = self._read_superscript(sup)
            return value if power is None else self._power(value, power, tree)
        if isinstance(base, Tree) and base.data in ("partial", "nabla"):
            return _Operator(base.data, sub)
        return self._symbol(base, sub, sup)

    def _rule_primed(self, tree):
        base, *primes = tree.children
        value = self.resolve(base)
        if not isinstance(value, FunctionValue):
            raise Unresolvable("a prime on something that is not a function", _column(tree))
        for _ in primes:
            value = value.derivative()
        return value

    def _rule_scripted_primed(self, tree):
        base, scripts, *primes = tree.children
        value = self._rule_scripted(Tree("scripted", [base, scripts], tree.meta))
        for _ in primes:
            value = value.derivative()
        return value

    def _rule_primed_scripted(self, tree):
        base, *rest = tree.children
        scripts = rest[-1]
        value = self.resolve(base)
        for _ in rest[:-1]:
            value = value.derivative()
        sup = next((s.children[0] for s in scripts.children if s.data == "sup"), None)
        _, _, _, power = self._read_superscript(sup)
        return value if power is None else _PoweredFunction(value, power)

    def _rule_call(self, tree):
        callee, *arguments = tree.children
        function = self.resolve(callee)
        group = Tree("group", arguments, tree.meta)
        if isinstance(function, (FunctionValue, _PoweredFunction)):
            return self._call(function, group, tree)
        if isinstance(function, _Operator):
            return self._apply_operator(function, group, tree)
        if any(isinstance(argument, Token) for argument in arguments):
            # `\varepsilon(z, y)`: a named value followed by its arguments, as documentation
            return function
        return self._multiply(function, self.resolve(group), "", tree)

    def _rule_derivative_operator(self, tree):
        _, sub, operand = tree.children
        variable = sub.children[0]
        if isinstance(variable, Tree) and variable.data == "script_list" and \
                len(variable.children) == 1:
            variable = variable.children[0]
        return self._derivative(operand, variable, tree)

    def _rule_unary(self, tree):
        op, operand = tree.children
        value = self.resolve(operand)
        return value if str(op) == "+" else self._scale(value, -1, tree)

    def _rule_binary(self, tree):
        left, op, right = tree.children
        op = str(op)
        if op in "+-":
            a, b = self.resolve(left), self.resolve(right)
            return self._add(a, b if op == "+" else self._scale(b, -1, tree), tree)
        a, b = self.resolve(left), self.resolve(right)
        if op == "/":
            return self._divide(a, b, tree)
        return self._multiply(a, b, op, tree)

    def _rule_juxtaposition(self, tree):
        joined = self._joined_letters(tree) or self._applied_inside(tree)
        if joined is not None:
            return self.resolve(joined)
        left, right = tree.children
        # `\\bar{z}^T 1`, `1 b^T`: a 1 written next to a matrix is the ones vector (nobody
        # multiplies a matrix by the number 1)
        if _is_one(left):
            return self._multiply(ONES, self.resolve(right), "", tree)
        if _is_one(right):
            return self._multiply(self.resolve(left), ONES, "", tree)
        a = self.resolve(left)
        if isinstance(a, _Operator):
            return self._apply_operator(a, right, tree)
        if isinstance(a, (FunctionValue, _PoweredFunction)):
            return self._call(a, right, tree)
        if a is ONES:
            b = self.resolve(right)
            return self._multiply(a, b, "", tree)
        b = self.resolve(right)
        if isinstance(b, FunctionValue):
            raise Unresolvable(f"{b.name} needs an argument", _column(right))
        return self._multiply(a, b, "", tree)

    def _joined_letters(self, tree) -> Tree | None:
        """`d Z^{[2]}` -> `dZ^{[2]}` where the notation names `dZ`: the grammar reads a name
        of several letters as a product of letters, this puts it back together. None when
        nothing joins."""
        factors = _factors(tree)
        names = {entry.base for entry in self.context.notation.entries
                 if not entry.composite and len(entry.base) > 1 and entry.base.isalpha()}
        if not names:
            return None
        for start in range(len(factors)):
            letters = ""
            for end in range(start, len(factors)):
                letter, scripts = _letter(factors[end])
                if letter is None:
                    break
                letters += letter
                if end > start and letters in names:
                    first = factors[start]   # the joined name keeps the first letter's column
                    token = Token("NAME", letters, column=_column(first))
                    name = Tree("name", [token], first.meta)
                    symbol = name if scripts is None else \
                        Tree("scripted", [name, scripts], first.meta)
                    rest = factors[:start] + [symbol] + factors[end + 1:]
                    return _product(rest)
                if scripts is not None:
                    break
        return None

    def _applied_inside(self, tree) -> Tree | None:
        """`y \\log a b` is y (log a) b: a function inside a product applies to the factor after
        it (the grammar reads the product left to right). None when there is none."""
        factors = _factors(tree)
        for k in range(1, len(factors) - 1):
            if isinstance(factors[k], Tree) and factors[k].data in ("name", "command"):
                try:
                    is_function = isinstance(self.resolve(factors[k]),
                                             (FunctionValue, _PoweredFunction))
                except Unresolvable:
                    is_function = False
                if is_function:
                    applied = Tree("call", [factors[k], factors[k + 1]])
                    return _product(factors[:k] + [applied] + factors[k + 2:])
        return None

    def _rule_big_sum(self, tree):
        _, scripts, body = tree.children
        sub = next((s.children[0] for s in scripts.children if s.data == "sub"), None)
        sup = next((s.children[0] for s in scripts.children if s.data == "sup"), None)
        if sub is None:
            raise Unresolvable("a sum without its index", _column(tree))
        indices, limit = self._sum_indices(sub)
        value = self.resolve(body)
        if isinstance(value, MatrixValue):
            raise Unresolvable("a sum over a matrix: write its entries", _column(tree))
        for index in indices:
            value = self._sum(value, index, limit, sup, tree)
        return value

    def _sum_indices(self, tree):
        if isinstance(tree, Tree) and tree.data == "script_list" and len(tree.children) == 1 \
                and isinstance(tree.children[0], Tree) and tree.children[0].data == "limit":
            variable, _, start = tree.children[0].children
            names = [_name_of(variable)]
            start_value = self._layer_expression(start)
            for name in names:
                if name not in self.index_scope:
                    self.index_scope.append(name)
            return names, start_value
        names = [name for name in self._read_subscript(tree)]
        if any(isinstance(name, int) for name in names):
            raise Unresolvable("a sum over a number", _column(tree))
        return names, None

    def _sum(self, value: Indexed, index: str, start, upper_tree, tree) -> Indexed:
        samples = set(self.context.notation.marker("sample_index"))
        if index in samples and not self.context.batch:
            raise NeedsBatch
        if index not in value.free:
            raise Unresolvable(f"the sum's index {index} does not occur in its body",
                               _column(tree))
        size = value.ranges.get(index)
        if upper_tree is not None:
            upper = self._layer_expression(upper_tree) if not (
                _name_of(upper_tree) == self.network.spec.batch) else self.network.batch
            if _name_of(upper_tree) == self.network.spec.batch and not self.context.batch:
                raise NeedsBatch
            if upper is not None:
                limit = upper - ((start or 1) - 1)
                if size is not None and size != limit:
                    raise ShapeMismatch(f"the sum runs {index} over {limit} values, but "
                                        f"{index} indexes {size} entries", _column(tree))
                size = limit
        if size is None:
            raise Unresolvable(f"the range of {index} is not known from where it is used",
                               _column(tree))
        ranges = {k: v for k, v in value.ranges.items() if k != index}
        return Indexed(value.free - {index}, ranges, lambda assignment: sp.Add(*(
            value.at({**assignment, index: k}) for k in range(size))))

    def _rule_frac(self, tree):
        _, top, bottom = tree.children
        if _starts_with_partial(top):
            return self._derivative(_after_partial(top), _after_partial(bottom), tree)
        return self._divide(self.resolve(top), self.resolve(bottom), tree)

    def _rule_norm(self, tree):
        value = self.resolve(tree.children[0])
        if isinstance(value, MatrixValue):
            return Indexed.scalar(sp.sqrt(sum(entry ** 2 for entry in value.matrix)))
        if isinstance(value, Indexed) and UNIT in value.free:   # |A^{(2),m} - Y^m|
            units = value.ranges[UNIT]
            ranges = {k: v for k, v in value.ranges.items() if k != UNIT}
            return Indexed(value.free - {UNIT}, ranges, lambda asg: sp.sqrt(sp.Add(*(
                value.at({**asg, UNIT: k}) ** 2 for k in range(units)))))
        return _map(value, lambda e: sp.sqrt(e ** 2))

    def _rule_partial(self, tree):
        return _Operator("partial", None)

    def _rule_nabla(self, tree):
        return _Operator("nabla", None)

    # -- operations ---------------------------------------------------------------------------
    def _scale(self, value, factor, tree):
        if isinstance(value, MatrixValue):
            return MatrixValue(value.matrix * factor, _formed(lambda m: factor * m, value.form))
        if isinstance(value, Indexed):
            return _map(value, lambda e: factor * e, lambda f: factor * f)
        raise Unresolvable("a function without arguments in a sum", _column(tree))

    def _add(self, a, b, tree):
        if isinstance(a, Indexed) and isinstance(b, Indexed):
            # a term without an index is constant along it (b_i added for every sample m)
            return Indexed(a.free | b.free, merge_ranges(a, b, tree=tree),
                           lambda asg: a.at(asg) + b.at(asg),
                           form=_formed(lambda x, y: x + y, a.form, b.form))
        scalar_form = _scalar_plus_matrix(a, b) or _scalar_plus_matrix(b, a)
        a, b = self._as_matrix(a, b, tree), self._as_matrix(b, a, tree)
        return MatrixValue(_broadcast(a.matrix, b.matrix, lambda x, y: x + y, tree),
                           scalar_form or _broadcast_sum(a, b))

    def _as_matrix(self, value, other, tree) -> MatrixValue:
        if isinstance(value, MatrixValue):
            return value
        if value is ONES and isinstance(other, MatrixValue):
            return MatrixValue(sp.ones(*other.shape),
                               _formed(lambda m: OneMatrix(*m.shape), other.form))
        matrix = as_matrix(value)
        if matrix is not None:
            return matrix
        raise Unresolvable("an indexed quantity combined with a matrix", _column(tree))

    def _multiply(self, a, b, op, tree):
        hadamard = op in (r"\odot", r"\circ", r"\bullet", ".*") or (
            op == "*" and "*" in self.context.notation.marker("hadamard"))
        if isinstance(a, Indexed) and isinstance(b, Indexed):
            return Indexed(a.free | b.free, merge_ranges(a, b, tree=tree),
                           lambda asg: a.at(asg) * b.at(asg),
                           form=_formed(lambda x, y: x * y, a.form, b.form))
        if isinstance(a, Indexed) and not a.free and isinstance(b, MatrixValue):
            return MatrixValue(b.matrix * a.at({}), _formed(lambda s, m: s * m, a.form, b.form))
        if isinstance(b, Indexed) and not b.free and isinstance(a, MatrixValue):
            return MatrixValue(a.matrix * b.at({}), _formed(lambda m, s: s * m, a.form, b.form))
        if a is ONES and isinstance(b, MatrixValue):
            if hadamard:
                return b
            form = _formed(lambda m: MatMul(OneMatrix(1, m.shape[0]), m), b.form)
            return MatrixValue(sp.ones(1, b.shape[0]) * b.matrix, form) \
                if b.shape[0] != 1 else MatrixValue(sp.ones(1, 1) * b.matrix, b.form)
        if a is ONES and isinstance(b, Indexed):
            return b
        if b is ONES and isinstance(a, MatrixValue):
            form = _formed(lambda m: MatMul(m, OneMatrix(m.shape[1], 1)), a.form)
            return MatrixValue(a.matrix * sp.ones(a.shape[1], 1), form) if not hadamard else a
        if isinstance(a, MatrixValue) and isinstance(b, MatrixValue):
            if hadamard:
                form = _formed(HadamardProduct, a.form, b.form) if a.shape == b.shape else None
                return MatrixValue(_broadcast(a.matrix, b.matrix, lambda x, y: x * y, tree),
                                   form)
            if a.shape[1] != b.shape[0]:
                raise ShapeMismatch(f"a {a.shape[0]}x{a.shape[1]} matrix times a "
                                    f"{b.shape[0]}x{b.shape[1]} matrix", _column(tree))
            return MatrixValue(a.matrix * b.matrix, _formed(MatMul, a.form, b.form))
        raise Unresolvable("an indexed quantity multiplied with a matrix", _column(tree))

    def _divide(self, a, b, tree):
        if isinstance(b, Indexed) and not b.free and isinstance(a, MatrixValue):
            return MatrixValue(a.matrix / b.at({}), _formed(lambda m, s: m / s, a.form, b.form))
        if isinstance(b, MatrixValue):   # entrywise, as in 1 / (1 + exp(-x))
            a = self._as_matrix(a, b, tree)
            return MatrixValue(_broadcast(a.matrix, b.matrix, lambda x, y: x / y, tree))
        if isinstance(a, Indexed) and isinstance(b, Indexed):
            return Indexed(a.free | b.free, merge_ranges(a, b, tree=tree),
                           lambda asg: a.at(asg) / b.at(asg),
                           form=_formed(lambda x, y: x / y, a.form, b.form))
        raise Unresolvable("a division by a matrix", _column(tree))

    def _transpose(self, value, tree):
        if isinstance(value, MatrixValue):
            return MatrixValue(value.matrix.T, _formed(lambda m: m.T, value.form))
        if isinstance(value, Indexed) and not value.free:
            return value
        raise Unresolvable("a transpose of an indexed entry", _column(tree))

    def _power(self, value, power_tree, tree):
        exponent = self._layer_expression(power_tree) if not (
            isinstance(power_tree, Tree) and power_tree.data == "unary") else None
        if exponent is None:
            exponent = self.resolve(power_tree)
            if not isinstance(exponent, Indexed) or exponent.free:
                raise Unresolvable("a power that is not a number", _column(tree))
            exponent = exponent.at({})
        if isinstance(value, FunctionValue):
            return _PoweredFunction(value, power_tree, exponent)
        if isinstance(value, MatrixValue):
            if value.shape == (1, 1):
                return Indexed.scalar(value.matrix[0, 0] ** exponent)
            if value.shape[1] == 1 or value.shape[0] == 1:   # |v|^2 of a vector
                raise Unresolvable("a power of a vector", _column(tree))
            raise Unresolvable("a power of a matrix", _column(tree))
        return _map(value, lambda e: e ** exponent, lambda f: f ** exponent)

    def _call(self, function, argument_tree, tree):
        arguments = (argument_tree.children if isinstance(argument_tree, Tree)
                     and argument_tree.data == "group" else [argument_tree])
        arguments = [arg for arg in arguments if not isinstance(arg, Token)]
        exponent = 1
        if isinstance(function, _PoweredFunction):
            function, exponent = function.function, function.exponent
        values = [self._argument(arg) for arg in arguments]
        if function.random_matrix:
            sizes = [v.at({}) for v in values if isinstance(v, Indexed) and not v.free]
            if len(sizes) != 2 or not all(size.is_Integer and size > 0 for size in sizes):
                raise Unresolvable(f"{function.name} takes two sizes", _column(tree))
            return MatrixValue(sp.zeros(int(sizes[0]), int(sizes[1])))
        if function.per_sample is not None:
            return self._call_per_sample(function, values, tree)
        if function.arity != len(values):
            if function.arity == 1 and len(values) == 2 and isinstance(values[1], Indexed):
                values = values[:1]    # `\sigma(Z^{(2)}, i)`: the index is documentation
            else:
                raise Unresolvable(f"{function.name} takes {function.arity} argument(s), "
                                   f"found {len(values)}", _column(tree))
        if any(isinstance(v, MatrixValue) for v in values):
            if len(values) != 1:
                raise Unresolvable("a function of several matrices", _column(tree))
            return MatrixValue(values[0].matrix.applyfunc(
                lambda e: function.apply(e) ** exponent),
                _formed(lambda m: _entrywise(function, exponent, m), values[0].form))
        free = frozenset().union(*(v.free for v in values))
        ranges = merge_ranges(*values, tree=tree)
        return Indexed(free, ranges, lambda asg: function.apply(
            *(v.at(asg) for v in values)) ** exponent)

    def _call_per_sample(self, function, values, tree):
        """softmax(Z): each sample (a column, or a row) through the vector definition."""
        definition, axis = function.per_sample
        if not values or not isinstance(values[0], MatrixValue):
            raise Unresolvable(f"{function.name} acts on a whole sample: give it the matrix "
                               "(or the vector of one sample)", _column(tree))
        matrix = values[0].matrix if axis == 0 else values[0].matrix.T
        columns = [sp.Matrix(definition(list(matrix[:, k]))) for k in range(matrix.cols)]
        result = sp.Matrix.hstack(*columns)
        result = result if axis == 0 else result.T
        if len(values) == 1:
            return MatrixValue(result, _formed(lambda m: Softmax(m, axis), values[0].form))
        if len(values) == 2 and isinstance(values[1], Indexed):   # sigma(Z, i): component i
            index = values[1]
            if not (axis == 0 and result.cols == 1 or axis == 1 and result.rows == 1):
                raise Unresolvable(f"{function.name}(Z, i) of a whole batch: the component "
                                   "of which sample?", _column(tree))
            vector = list(result)
            return Indexed(index.free, index.ranges,
                           lambda asg: vector[int(index.at(asg)) - 1])
        return MatrixValue(result)

    def _argument(self, tree):
        """A function argument; a single unknown letter there is a dummy variable."""
        name = _name_of(tree) if isinstance(tree, Tree) and tree.data == "name" else None
        try:
            value = self.resolve(tree)
        except Unresolvable:
            if name is None or len(name) != 1:
                raise
            self.context.dummies.setdefault(name, sp.Symbol(f"_{name}", real=True))
            value = Indexed.scalar(self.context.dummies[name])
        if isinstance(value, FunctionValue):
            raise Unresolvable(f"{value.name} needs an argument", _column(tree))
        return value

    def _apply_operator(self, operator, right, tree):
        """`\\partial_{W} L`, `\\nabla_W L`: the derivative of `right` by the subscript."""
        if operator.subscript is None:
            raise Unresolvable("a derivative without its variable", _column(tree))
        return self._derivative(right, operator.subscript, tree)

    def _derivative(self, top, bottom, tree):
        if top is None or bottom is None:
            raise Unresolvable("symnet reads derivatives written \\frac{\\partial f}"
                               "{\\partial x}", _column(tree))
        variable = self.resolve(bottom)
        function = self._argument_or_dummy(top, bottom)
        if isinstance(variable, MatrixValue):
            if not isinstance(function, Indexed) or function.free:
                raise Unresolvable("the derivative of a non-scalar by a matrix", _column(tree))
            value = function.at({})
            return MatrixValue(variable.matrix.applyfunc(
                lambda s: self._diff(value, s, tree)), self._adjoint_form(value, variable))
        if isinstance(function, MatrixValue):
            raise Unresolvable("the derivative of a matrix by an entry", _column(tree))
        free = function.free | variable.free
        ranges = merge_ranges(function, variable, tree=tree)
        # d(loss of one sample) / d(that sample's entry) = M d(mean loss) / d(entry)
        factor = (self.network.batch if variable.per_sample and
                  self.network.spec.loss.reduction == "mean" else 1)
        loss = self.graph.nodes["loss"].symbols[0, 0]

        def at(asg):
            value = function.at(asg)
            derivative = self._diff(value, variable.at(asg), tree)
            return factor * derivative if value == loss else derivative
        return Indexed(free, ranges, at)

    def _adjoint_form(self, value, variable: MatrixValue) -> MatrixExpr | None:
        """d loss / d (a whole node): that node's adjoint in the vector form."""
        forms = self.context.forms
        if forms is None or variable.form is None or \
                value != self.graph.nodes["loss"].symbols[0, 0]:
            return None
        node = next((name for name, symbol in forms.symbols.items()
                     if symbol == variable.form), None)
        return None if node is None else forms.adjoint_symbols[node]

    def _argument_or_dummy(self, top, bottom):
        try:
            return self.resolve(top)
        except Unresolvable:
            name = _name_of(bottom)
            if name and len(name) == 1 and name not in self.context.dummies:
                self.context.dummies[name] = sp.Symbol(f"_{name}", real=True)
                return self.resolve(top)
            raise

    def _diff(self, expression: sp.Expr, variable: sp.Expr, tree) -> sp.Expr:
        variable = self._as_variable(variable, tree)
        adjoints = self.network.adjoints
        loss_symbol = self.graph.nodes["loss"].symbols[0, 0]
        if expression == loss_symbol:
            owner = self.graph.owner(variable)
            if owner is not None:
                name, position = owner
                return adjoints.bars[name][position]
        if isinstance(variable, sp.Symbol) and variable.name.startswith("_"):
            return derivative(expression, variable)
        owner = self.graph.owner(variable)
        target = owner[0]
        return derivative(self._written_out(expression, target), variable)

    def _as_variable(self, variable, tree) -> sp.Symbol:
        if isinstance(variable, sp.Symbol):
            return variable
        for node in self.graph.nodes.values():   # g(z) is the node it defines
            if node.definition is not None:
                for symbol, definition in zip(node.symbols, node.definition):
                    if definition == variable:
                        return symbol
        if isinstance(variable, sp.Mul):         # M * entry: a per-sample loss variable
            coefficient, rest = variable.as_coeff_Mul()
            if isinstance(rest, sp.Symbol):
                return rest
        raise Unresolvable("a derivative with respect to an expression that is not a "
                           "network quantity", _column(tree))

    def _written_out(self, expression: sp.Expr, target: str) -> sp.Expr:
        """The expression with every node that depends on `target` replaced by its definition,
        down to `target`: what `sympy.diff` by a `target` entry needs."""
        cache = self.network.__dict__.setdefault("_written_out", {})
        key = (expression, target)
        if key not in cache:
            cache[key] = self._write_out(expression, target)
        return cache[key]

    def _write_out(self, expression: sp.Expr, target: str) -> sp.Expr:
        dependent = _descendants(self.graph, target)
        for _ in range(len(self.graph.nodes)):
            replacements = {}
            for symbol in expression.free_symbols:
                owner = self.graph.owner(symbol)
                if owner and owner[0] in dependent and owner[0] != target:
                    node = self.graph.nodes[owner[0]]
                    if node.definition is not None:
                        replacements[symbol] = node.definition[owner[1]]
            if not replacements:
                return expression
            expression = expression.xreplace(replacements)
        return expression

class _Operator:
    """`\\partial_{x}` or `\\nabla_{x}` waiting for what it differentiates."""

    def __init__(self, kind: str, subscript):
        self.kind, self.subscript = kind, subscript


class _PoweredFunction:
    """`\\tanh^2` before its argument: the function, then the power of its value."""

    def __init__(self, function: FunctionValue, power_tree, exponent=2):
        self.function, self.power_tree, self.exponent = function, power_tree, exponent


class _Ones:
    """The ones vector `1` / `\\mathbf{1}`: its shape comes from the matrix next to it."""


ONES = _Ones()


def as_matrix(value) -> MatrixValue | None:
    """A matrix as it is, a scalar (no free index) as 1 x 1; None for anything else."""
    if isinstance(value, MatrixValue):
        return value
    if isinstance(value, Indexed) and not value.free:
        return MatrixValue(sp.Matrix([[value.at({})]]))
    return None


def _is_one(tree) -> bool:
    return isinstance(tree, Tree) and tree.data == "number" and str(tree.children[0]) == "1"


def _starts_with_partial(tree) -> bool:
    while isinstance(tree, Tree) and tree.data in ("juxtaposition", "call"):
        tree = tree.children[0]
    return isinstance(tree, Tree) and tree.data == "partial"


def _after_partial(tree):
    """`\\partial X` -> X (the product after the leading \\partial)."""
    if isinstance(tree, Tree) and tree.data == "call" and \
            isinstance(tree.children[0], Tree) and tree.children[0].data == "partial":
        arguments = [child for child in tree.children[1:] if not isinstance(child, Token)]
        return arguments[0] if len(arguments) == 1 else None
    if isinstance(tree, Tree) and tree.data == "juxtaposition":
        left, right = tree.children
        if isinstance(left, Tree) and left.data == "partial":
            return right
        rest = _after_partial(left)
        return Tree("juxtaposition", [rest, right], tree.meta) if rest is not None else None
    return None


def _descendants(graph, name: str) -> set[str]:
    found = {name}
    for node in graph.nodes.values():
        if any(parent in found for parent in node.inputs):
            found.add(node.name)
    return found


def merge_ranges(*values, tree=None) -> dict[str, int]:
    """The ranges of the indices of several values; one index with two ranges is an error
    of the formula (`W_{ij} x_j` with x shorter than a row of W)."""
    ranges: dict[str, int] = {}
    for value in values:
        for index, size in getattr(value, "ranges", {}).items():
            if ranges.setdefault(index, size) != size:
                shown = index.lstrip("_")
                raise IndexMismatch(f"index {shown} runs over {ranges[index]} values in one "
                                    f"place and {size} in another", _column(tree))
    return ranges


def _map(value: Indexed, function, on_form=None) -> Indexed:
    form = None if on_form is None or value.free else _formed(on_form, value.form)
    return Indexed(value.free, value.ranges, lambda asg: function(value.at(asg)), form=form)


def _formed(operation, *forms):
    """`operation` of the operands' forms; None when an operand has none or the matrix
    expression refuses (its symbolic shapes disagree where the concrete ones agree)."""
    if any(form is None for form in forms):
        return None
    try:
        return operation(*forms)
    except (sp.matrices.exceptions.ShapeError, TypeError, ValueError):
        return None


def _scalar_plus_matrix(scalar, matrix) -> MatrixExpr | None:
    """The form of `1 - tanh^2(G)`: a number added to every entry."""
    if not (isinstance(scalar, Indexed) and not scalar.free and isinstance(matrix, MatrixValue)):
        return None
    return _formed(lambda s, m: s * OneMatrix(*m.shape) + m, scalar.form, matrix.form)


def _broadcast_sum(a: MatrixValue, b: MatrixValue) -> MatrixExpr | None:
    """The form of a + b where NumPy would broadcast a column (a bias) along the samples."""
    if a.form is None or b.form is None:
        return None
    if a.shape == b.shape:
        return _formed(lambda x, y: x + y, a.form, b.form)
    for wide, narrow in ((a, b), (b, a)):
        if narrow.shape == (wide.shape[0], 1) and wide.shape[1] > 1:
            return _formed(lambda w, n: w + MatMul(n, OneMatrix(1, w.shape[1])),
                           wide.form, narrow.form)
        if narrow.shape == (1, wide.shape[1]) and wide.shape[0] > 1:
            return _formed(lambda w, n: w + MatMul(OneMatrix(w.shape[0], 1), n),
                           wide.form, narrow.form)
    return None


def _entrywise(function: FunctionValue, exponent, matrix: MatrixExpr) -> MatrixExpr:
    variable = sp.Symbol("_u0", real=True)
    return Elementwise(sp.Lambda((variable,), function.apply(variable) ** exponent), matrix)


def _broadcast(a: sp.Matrix, b: sp.Matrix, op, tree) -> sp.Matrix:
    """NumPy-style broadcasting of two matrices (a column vector added to every column)."""
    rows = a.rows if a.rows == b.rows or b.rows == 1 else b.rows if a.rows == 1 else None
    cols = a.cols if a.cols == b.cols or b.cols == 1 else b.cols if a.cols == 1 else None
    if rows is None or cols is None:
        raise ShapeMismatch(f"a {a.rows}x{a.cols} and a {b.rows}x{b.cols} matrix do not fit",
                            _column(tree))
    return sp.Matrix(rows, cols, lambda i, j: op(a[i if a.rows > 1 else 0, j if a.cols > 1 else 0],
                                                 b[i if b.rows > 1 else 0,
                                                   j if b.cols > 1 else 0]))


def _builtin(name: str, definition, arity: int = 1) -> FunctionValue:
    return FunctionValue(name, definition, arity)


BUILTIN_FUNCTIONS: dict[str, FunctionValue] = {
    r"\exp": _builtin("exp", sp.exp),
    r"\log": _builtin("log", sp.log),
    r"\ln": _builtin("ln", sp.log),
    r"\tanh": _builtin("tanh", sp.tanh),
    r"\sigma": _builtin("sigmoid", ACTIVATIONS["sigmoid"].elementwise),
    r"\max": _builtin("max", sp.Max, 2),
    "H": _builtin("Heaviside", lambda z: sp.Heaviside(z, sp.Rational(1, 2))),
    # rand(n, m): a random n x m matrix, for initialisations `W \sim rand(N_1, N_0)`
    **{name: FunctionValue(name, None, 2, random_matrix=True) for name in ("rand", "randn")},
    # activations by the names documents write them with
    **{alias: _builtin(name, ACTIVATIONS[name].elementwise)
       for name, aliases in {"relu": ("ReLU", "relu"), "sigmoid": ("sigmoid",),
                             "tanh": ("tanh",)}.items() for alias in aliases},
}
