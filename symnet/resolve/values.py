"""What a claim's parts resolve to: indexed scalars, whole matrices (with their vector-form
shadow), functions; the errors that end a reading; and the operations' shared helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import sympy as sp
from sympy.matrices.expressions import MatMul, MatrixExpr, OneMatrix

from ..matrix_rules import Elementwise
from ..network import Network
from ..notation import Notation
from .trees import column_of

IMPLICIT_SAMPLE = "_m"
EVERY = "_every"   # `\delta_{q\cdot}`: the index standing for every entry of a row or column
UNIT = "_unit"   # the units of one sample's vector, as an index (inside a norm)
UNIT_T = "_unit_t"   # the units of one sample's vector transposed (`\delta_n a_n^T`)
CLASS = "_class"   # the class a sample is labelled with (`p_{y_i}`), as an index
NO_SAMPLE = ""     # the sample of a class label written without one (`p_y`)
# how messages name the indices above
INDEX_NAMES = {IMPLICIT_SAMPLE: "the sample", EVERY: "every entry", UNIT: "a vector's units",
               UNIT_T: "a row's units", CLASS: "the class"}


class Unresolvable(Exception):
    """The claim cannot be read: `message` says what, `column` where (1-based)."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message, self.column = message, column


class NoSuchLayer(Unresolvable):
    """A layer variable's value names a layer the network does not have (`w^{l+1}` at the
    last l): the formula is meant for the other values."""


class OfOneExample(Unresolvable):
    """One example's own loss (`'\\mathcal{L}' = "example_loss"`) in a formula read on the
    batch: the formula is that example's."""


class LayerLeftOut(Unresolvable):
    """A layered symbol written without its layer (`a` where the notation has `a^{(l)}`)."""


class ParameterLeftOut(LayerLeftOut):
    """A weight or bias written without its layer (`w \\rightarrow w - \\eta
    \\frac{\\partial C}{\\partial w}`): a claim about the parameters of any layer."""


class OutOfRange(Unresolvable):
    """An entry written by its number that the matrix does not have (at these sizes)."""


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
    # a bias's gradient with samples as rows: NumPy's 1-D vector, a row or a column as the
    # other side of the claim has it (`x W + b` and `\\frac{\\partial J}{\\partial b} = \\delta`)
    one_d: bool = False
    # a derivative of a scalar by a vector: the gradient, a column as the vector is, or in the
    # numerator layout its Jacobian, a row; a whole side takes the other side's orientation
    either_layout: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def is_vector(self) -> bool:
        return 1 in self.shape and self.shape != (1, 1)


@dataclass
class Jacobian:
    """`\\frac{\\partial B}{\\partial C}` of two matrices, as tutorials use it in a chain of
    products (`\\frac{\\partial J}{\\partial h} \\frac{\\partial h}{\\partial z}`): row b, column
    c is d(entry b of B) / d(entry c of C), both in row-major order. It only means something
    contracted with the factor before it (`chained`); `diagonal` is what an element-wise
    product uses when each entry of B depends on its own entry of C only."""

    of_shape: tuple[int, int]
    by: MatrixValue
    matrix: sp.Matrix
    diagonal: MatrixValue | None = None
    transposed: bool = False   # `(\\frac{\\partial a}{\\partial z})^T`, written before a vector


@dataclass
class FunctionValue:
    """A scalar function of one or more arguments (`\\sigma`, `g'`, `\\mathcal{L}`)."""

    name: str
    apply: Callable[..., sp.Expr] | None
    arity: int = 1
    per_sample: tuple | None = None   # (vector definition, axis of the units): softmax
    random_matrix: bool = False       # rand(n, m): only its shape means something here
    of_matrices: Callable | None = None   # a loss of whole outputs and targets, `l(o, y)`
    chain_product: bool = False       # D2L's prod(a, b): the product the chain rule needs
    of_matrix: Callable | None = None   # mean(X), tr(A): a number from a whole matrix

    def derivative(self) -> "FunctionValue":
        if self.apply is None:
            raise Unresolvable(f"the derivative of {self.name} is a Jacobian, not a function")
        variables = sp.symbols(f"_t0:{self.arity}", real=True)
        derivative = sp.diff(self.apply(*variables), variables[0])
        return FunctionValue(self.name + "'", sp.Lambda(variables, derivative), self.arity)


Value = Indexed | MatrixValue | FunctionValue | Jacobian


def sample_vectors(matrix: sp.Matrix, letter: str, samples_axis: int) -> Indexed:
    """A batch matrix (samples along `samples_axis`) as each sample's vector: indexed by the
    sample `letter` and the vector's units."""
    columns = matrix if samples_axis == 1 else matrix.T
    return Indexed(frozenset({letter, UNIT}), {letter: columns.cols, UNIT: columns.rows},
                   lambda assignment: columns[assignment[UNIT], assignment[letter]])


def of_sample(value: Indexed, letter: str, samples: int) -> Indexed:
    """`value` with its implicit sample made the sample `letter` names (of `samples`): `z_k`
    beside `L_i` is `z_{k,i}`. A value that has the letter already keeps both."""
    if IMPLICIT_SAMPLE not in value.free:
        return value
    free = (value.free - {IMPLICIT_SAMPLE}) | {letter}
    ranges = {**{k: v for k, v in value.ranges.items() if k != IMPLICIT_SAMPLE},
              letter: value.ranges.get(IMPLICIT_SAMPLE, samples)}
    return Indexed(free, ranges, lambda assignment: value.at(
        {**assignment, IMPLICIT_SAMPLE: assignment[letter]}))


# what shows entries counted from 0: a sum from 0, an index pair with a 0 (`w_{j0}`, `W_{0,1}`),
# an entry 0 of a layered symbol (`a_0^{(L-1)}`); not a size's name (`N_0`) or a layer (`x_0`)
_ZERO_INDEX = re.compile(r"\\sum\s*_\s*\{\s*[A-Za-z]\w*\s*=\s*0\s*\}"
                         r"|_\s*\{\s*(?=[^{}]*0)(?:[A-Za-z0-9]\s*,?\s*){2,}\}"
                         r"|_\s*(?:0|\{\s*0\s*\})\s*\^")


@dataclass
class Context:
    network: Network
    notation: Notation
    latex: str
    batch: bool                              # read on the whole batch
    layers: dict[str, int] = field(default_factory=dict)   # bound layer variables
    dummies: dict[str, sp.Symbol] = field(default_factory=dict)
    # a claim's variables that are vectors (`z` of `\\mathrm{softmax}(z)_i = ...`): their entries
    vector_dummies: dict[str, tuple] = field(default_factory=dict)
    signed: set = field(default_factory=set)   # dummies a condition tests (`z > 0`)
    layer_shift: dict[int, int] = field(default_factory=dict)   # column -> +/-1 (diagnosis)
    definitions: dict[str, tuple] = field(default_factory=dict)  # name -> (tree, latex)
    # column -> letter: read another index letter there (what a one-letter change would make)
    index_change: dict[int, str] = field(default_factory=dict)
    forms: Any = None      # the network's VectorForm: values then carry matrix-level forms
    sample_vectors: bool = False   # for one sample, whole matrices are that sample's vectors
    sample_share: bool = False     # the claim is one sample's term of a sum over the samples
    one_example: bool = False      # of one example's loss: the batch's size keeps its value
    # an entry of a quantity -> the symbol of its differential (the link's directions)
    differentials: dict = field(default_factory=dict)

    @property
    def index_origin(self) -> int:
        """What the claim numbers the first entry: 0 where it writes an index 0 (`w_{j0}`,
        `a_0^{(1)}`, `\\sum_{j=0}`), else 1."""
        return 0 if _ZERO_INDEX.search(self.latex) else 1


class Operator:
    """`\\partial_{x}` or `\\nabla_{x}` waiting for what it differentiates."""

    def __init__(self, kind: str, subscript):
        self.kind, self.subscript = kind, subscript


class PoweredFunction:
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


def merge_ranges(*values, tree=None) -> dict[str, int]:
    """The ranges of the indices of several values; one index with two ranges is an error
    of the formula (`W_{ij} x_j` with x shorter than a row of W)."""
    ranges: dict[str, int] = {}
    for value in values:
        for index, size in getattr(value, "ranges", {}).items():
            if ranges.setdefault(index, size) != size:
                shown = index.lstrip("_")
                raise IndexMismatch(f"index {shown} runs over {ranges[index]} values in one "
                                    f"place and {size} in another", column_of(tree))
    return ranges


def renamed(value: Indexed, names: Mapping[str, str]) -> Indexed:
    """`value` with its free indices renamed (`names`: old -> new; several at once)."""
    back = {new: old for old, new in names.items() if old in value.free}
    free = frozenset(names.get(index, index) for index in value.free)
    ranges = {names.get(index, index): size for index, size in value.ranges.items()}
    return Indexed(free, ranges, lambda asg: value.at(
        {**asg, **{old: asg[new] for new, old in back.items() if new in asg}}))


def fixed(value: Indexed, at: Mapping[str, int]) -> Indexed:
    """`value` with some free indices fixed (`at`: index -> 0-based number)."""
    return Indexed(value.free - set(at),
                   {index: size for index, size in value.ranges.items() if index not in at},
                   lambda assignment: value.at({**assignment, **at}))


def map_entries(value: Indexed, function, on_form=None) -> Indexed:
    form = None if on_form is None or value.free else formed(on_form, value.form)
    return Indexed(value.free, value.ranges, lambda asg: function(value.at(asg)), form=form)


def formed(operation, *forms):
    """`operation` of the operands' forms; None when an operand has none or the matrix
    expression refuses (its symbolic shapes disagree where the concrete ones agree)."""
    if any(form is None for form in forms):
        return None
    try:
        return operation(*forms)
    except (sp.matrices.exceptions.ShapeError, TypeError, ValueError):
        return None


def scalar_plus_matrix(scalar, matrix) -> MatrixExpr | None:
    """The form of `1 - tanh^2(G)`: a number added to every entry."""
    if not (isinstance(scalar, Indexed) and not scalar.free and isinstance(matrix, MatrixValue)):
        return None
    return formed(lambda s, m: s * OneMatrix(*m.shape) + m, scalar.form, matrix.form)


def broadcast_sum_form(a: MatrixValue, b: MatrixValue) -> MatrixExpr | None:
    """The form of a + b where NumPy would broadcast a column (a bias) along the samples."""
    if a.form is None or b.form is None:
        return None
    if a.shape == b.shape:
        return formed(lambda x, y: x + y, a.form, b.form)
    for wide, narrow in ((a, b), (b, a)):
        if narrow.shape == (wide.shape[0], 1) and wide.shape[1] > 1:
            return formed(lambda w, n: w + MatMul(n, OneMatrix(1, w.shape[1])),
                           wide.form, narrow.form)
        if narrow.shape == (1, wide.shape[1]) and wide.shape[0] > 1:
            return formed(lambda w, n: w + MatMul(OneMatrix(w.shape[0], 1), n),
                           wide.form, narrow.form)
        if narrow.shape == (wide.shape[1], 1) and wide.shape[0] > 1:   # a 1-D bias, rows
            return formed(lambda w, n: w + MatMul(OneMatrix(w.shape[0], 1), n.T),
                           wide.form, narrow.form)
    return None


def entrywise_form(function: FunctionValue, exponent, matrix: MatrixExpr) -> MatrixExpr:
    variable = sp.Symbol("_u0", real=True)
    return Elementwise(sp.Lambda((variable,), function.apply(variable) ** exponent), matrix)


def broadcast(a: sp.Matrix, b: sp.Matrix, op, tree, bias: bool = False) -> sp.Matrix:
    """NumPy-style broadcasting of two matrices (a column vector added to every column). In a
    sum (`bias`), a vector that fits only as a row is one (`x W + b` with samples as rows:
    NumPy's 1-D bias is added to every row, as every notebook writes it), and so is a column
    added to a row (never an outer sum in a derivation); in a product, a misfit stays one."""
    outer = bias and (a.rows == 1 and b.cols == 1 and a.cols == b.rows > 1 or
                      b.rows == 1 and a.cols == 1 and b.cols == a.rows > 1)   # row + column
    if bias and not _fits(a, b) or outer:
        if b.cols == 1 and b.rows > 1 and _fits(a, b.T):
            b = b.T
        elif a.cols == 1 and a.rows > 1 and _fits(a.T, b):
            a = a.T
    rows = a.rows if a.rows == b.rows or b.rows == 1 else b.rows if a.rows == 1 else None
    cols = a.cols if a.cols == b.cols or b.cols == 1 else b.cols if a.cols == 1 else None
    if rows is None or cols is None:
        raise ShapeMismatch(f"a {a.rows}x{a.cols} and a {b.rows}x{b.cols} matrix do not fit",
                            column_of(tree))
    return sp.Matrix(rows, cols, lambda i, j: op(a[i if a.rows > 1 else 0, j if a.cols > 1 else 0],
                                                 b[i if b.rows > 1 else 0,
                                                   j if b.cols > 1 else 0]))


def _fits(a: sp.Matrix, b: sp.Matrix) -> bool:
    return (a.rows == b.rows or 1 in (a.rows, b.rows)) and (a.cols == b.cols or
                                                            1 in (a.cols, b.cols))
