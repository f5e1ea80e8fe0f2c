"""One entry of a vector-form expression in index notation, for a claim written entry by entry:
`(W^{T} \\delta)_j` is written `\\sum_{k} W_{kj} \\delta_{k}`.

Each matrix class has its rule (`_entry_<Class>`, as SymPy's printers dispatch), giving a
scalar SymPy expression whose symbols are the document's entries (`A_{\\beta}^{(2)}`, named in
LaTeX) and whose sums are unevaluated `Sum`s over fresh index letters; SymPy's LaTeX printer
then writes the arithmetic. Axes of length one carry no index.
"""

from __future__ import annotations

import re
from typing import Iterator

import sympy as sp
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from ..printing import SymnetLatexPrinter

# index letters for the sums, by the kind of letter the claim indexes with
GREEK = [r"\beta", r"\gamma", r"\mu", r"\nu", r"\kappa", r"\rho", r"\tau"]
LATIN = ["k", "p", "q", "r", "s", "t", "u", "v"]
_BASE = re.compile(r"\\?[A-Za-z]+(?:\{\\?[A-Za-z]+\})?|\\[A-Za-z]+\{\\?[A-Za-z]+\}")
_DERIVATIVE = re.compile(r"^(\\frac\{\\partial (?:[^{}]|\{[^{}]*\})*\}\{\\partial )(.*)\}$")


class Unwritable(Exception):
    """The expression has a part without an index form here."""


def with_subscript(name: str, indices: list[str], glue: str) -> str:
    """`A^{(2)}` and [\\beta] -> `A_{\\beta}^{(2)}`; inside a derivative's denominator for
    `\\frac{\\partial L}{\\partial A^{(2)}}`. A name with a subscript of its own (a layer
    written `W_1`) has no place for the entry's."""
    if not indices:
        return name
    derivative = _DERIVATIVE.match(name)
    if derivative:
        return derivative.group(1) + with_subscript(derivative.group(2), indices, glue) + "}"
    base = _BASE.match(name)
    if base is None or name[base.end():].lstrip().startswith("_"):
        raise Unwritable(f"no place for an index in {name}")
    return f"{name[:base.end()]}_{{{glue.join(indices)}}}{name[base.end():]}"


def index_letters(claim: str, taken: set[str]) -> list[str]:
    """Fresh letters for sums: Greek when the claim indexes with Greek letters."""
    greek = re.search(r"_\{?\\(alpha|beta|gamma|mu|nu|kappa)", claim) is not None
    pool = GREEK if greek else LATIN
    return [letter for letter in pool if letter not in taken]


class EntryWriter:
    """Entries of matrix expressions whose symbols the document names (`names`)."""

    def __init__(self, names: dict[MatrixSymbol, str], letters: list[str], glue: str = "",
                 unit_index: bool = False):
        # `unit_index`: the row of a one-row matrix (or column of a one-column one) written
        # `1` (`W_{1j}`), as documents write a weight matrix of one row
        self.names, self.glue, self.unit_index = names, glue, unit_index
        self._letters: Iterator[str] = iter(letters)

    def entry(self, expr: MatrixExpr, row: sp.Symbol | None, col: sp.Symbol | None) -> sp.Expr:
        rule = getattr(self, f"_entry_{type(expr).__name__}", None)
        if rule is None:
            raise Unwritable(f"no index form for {type(expr).__name__}")
        return rule(expr, row, col)

    def _fresh(self) -> sp.Symbol:
        letter = next(self._letters, None)
        if letter is None:
            raise Unwritable("more sums than index letters")
        return sp.Symbol(letter)

    def _sum(self, body: sp.Expr, index: sp.Symbol, size) -> sp.Expr:
        return sp.Sum(body, (index, 1, size))

    def _entry_MatrixSymbol(self, expr, row, col):
        if expr not in self.names:
            raise Unwritable(f"no name for {expr.name}")
        # an axis of length one has no letter (its size may be a symbol of value 1)
        axes = [index for index, size in zip((row, col), expr.shape)
                if size != 1 and index is not None]
        indices = [str(index) for index in axes]
        if self.unit_index and len(indices) == 1:
            indices = [str(index) if index in axes else "1" for index in (row, col)]
        return sp.Symbol(with_subscript(self.names[expr], indices, self.glue))

    def _entry_MatAdd(self, expr, row, col):
        return sp.Add(*(self.entry(term, row, col) for term in expr.args))

    def _entry_MatMul(self, expr, row, col):
        coefficient, matrices = expr.as_coeff_matrices()
        product, sums, current = sp.Integer(1), [], row
        for number, matrix in enumerate(matrices):
            following = col
            if number < len(matrices) - 1:
                inner = matrix.shape[1]
                following = None if inner == 1 else self._fresh()
                if following is not None:
                    sums.append((following, inner))
            product *= self.entry(matrix, current, following)
            current = following
        for index, size in reversed(sums):
            product = self._sum(product, index, size)
        return coefficient * product

    def _entry_Transpose(self, expr, row, col):
        return self.entry(expr.arg, col, row)

    def _entry_OneMatrix(self, expr, row, col):
        return sp.Integer(1)

    def _entry_Identity(self, expr, row, col):
        return sp.KroneckerDelta(row, col)

    def _entry_ZeroMatrix(self, expr, row, col):
        return sp.Integer(0)

    def _entry_HadamardProduct(self, expr, row, col):
        return sp.Mul(*(self.entry(factor, row, col) for factor in expr.args))

    def _entry_HadamardPower(self, expr, row, col):
        base, exponent = expr.args
        return self.entry(base, row, col) ** exponent

    def _entry_Elementwise(self, expr, row, col):
        return expr.function(*(self.entry(matrix, row, col) for matrix in expr.matrices))

    def _entry_Softmax(self, expr, row, col):
        index = self._fresh()
        along = (index, col) if expr.axis == 0 else (row, index)
        size = expr.matrix.shape[expr.axis]
        return sp.exp(self.entry(expr.matrix, row, col)) / self._sum(
            sp.exp(self.entry(expr.matrix, *along)), index, size)

    def _entry_EntrySum(self, expr, row, col):
        rows, cols = expr.matrix.shape
        first = None if rows == 1 else self._fresh()
        second = None if cols == 1 else self._fresh()
        value = self.entry(expr.matrix, first, second)
        for index, size in ((second, cols), (first, rows)):
            if index is not None:
                value = self._sum(value, index, size)
        return value


def _delta(first: sp.Symbol | None, second: sp.Symbol | None) -> sp.Expr:
    """Kronecker's delta of two index letters; an axis of length one has no letter (and 1)."""
    return sp.Integer(1) if first is None or second is None else sp.KroneckerDelta(first, second)


class JacobianWriter(EntryWriter):
    """The local derivative of one entry of a step by one entry of a matrix the step reads:
    `\\partial (W A)_{ab} / \\partial W_{cd}` is `\\delta_{ac} A_{db}`. One rule per matrix
    class (`_partial_<Class>`); `output` is the step's own matrix (a softmax's derivative is
    written in its outputs)."""

    def __init__(self, names: dict[MatrixSymbol, str], letters: list[str], glue: str,
                 output: MatrixSymbol, unit_index: bool = False):
        super().__init__(names, letters, glue, unit_index)
        self.output = output

    def partial(self, expr: MatrixExpr, row, col, by: MatrixSymbol, by_row, by_col) -> sp.Expr:
        if not expr.has(by):
            return sp.Integer(0)
        rule = getattr(self, f"_partial_{type(expr).__name__}", None)
        if rule is None:
            raise Unwritable(f"no local derivative of {type(expr).__name__}")
        return rule(expr, row, col, by, by_row, by_col)

    def _partial_MatrixSymbol(self, expr, row, col, by, by_row, by_col):
        return _delta(row, by_row) * _delta(col, by_col)

    def _partial_Transpose(self, expr, row, col, by, by_row, by_col):
        return self.partial(expr.arg, col, row, by, by_row, by_col)

    def _partial_MatAdd(self, expr, row, col, by, by_row, by_col):
        return sp.Add(*(self.partial(term, row, col, by, by_row, by_col) for term in expr.args))

    def _partial_MatMul(self, expr, row, col, by, by_row, by_col):
        # d(P Y Q)_{ab} / dY_{cd} = P_{ac} Q_{db}; d(P Y^T Q)_{ab} / dY_{cd} = P_{ad} Q_{cb}
        coefficient, matrices = expr.as_coeff_matrices()
        total = sp.Integer(0)
        for number, matrix in enumerate(matrices):
            if not matrix.has(by):
                continue
            if matrix == by:
                inner = (by_row, by_col)
            elif isinstance(matrix, sp.Transpose) and matrix.arg == by:
                inner = (by_col, by_row)
            else:
                raise Unwritable("a product whose factor is computed from the variable")
            before, after = matrices[:number], matrices[number + 1:]
            left = self.entry(sp.MatMul(*before), row, inner[0]) if before else \
                _delta(row, inner[0])
            right = self.entry(sp.MatMul(*after), inner[1], col) if after else \
                _delta(inner[1], col)
            total += left * right
        return coefficient * total

    def _partial_HadamardProduct(self, expr, row, col, by, by_row, by_col):
        factors = expr.args
        return sp.Add(*(self.partial(factor, row, col, by, by_row, by_col) * sp.Mul(*(
            self.entry(other, row, col) for other in factors if other is not factor))
            for factor in factors if factor.has(by)))

    def _partial_Elementwise(self, expr, row, col, by, by_row, by_col):
        function, entries = expr.function, [self.entry(m, row, col) for m in expr.matrices]
        variables = sp.symbols(f"_x:{len(entries)}")
        total = sp.Integer(0)
        for variable, matrix in zip(variables, expr.matrices):
            if matrix.has(by):
                outer = sp.diff(function(*variables), variable).subs(
                    dict(zip(variables, entries)), simultaneous=True)
                total += outer * self.partial(matrix, row, col, by, by_row, by_col)
        return total

    def _partial_Softmax(self, expr, row, col, by, by_row, by_col):
        if expr.matrix != by:
            raise Unwritable("a softmax of a computed matrix")
        # along the units: dA_{ab} / dZ_{cb} = A_{ab} (delta_{ac} - A_{cb}), other samples 0
        if expr.axis == 0:
            same, unit = _delta(col, by_col), (by_row, col)
            own = _delta(row, by_row)
        else:
            same, unit = _delta(row, by_row), (row, by_col)
            own = _delta(col, by_col)
        output = self.entry(self.output, row, col)
        return same * output * (own - self.entry(self.output, *unit))


class IndexPrinter(SymnetLatexPrinter):
    """Sums as documents write them, by their index alone (the range is the index's)."""

    def _print_Sum(self, expr) -> str:
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = rf"\left({body}\right)"
        # (the first limit is the innermost sum; written outermost first)
        indices = ", ".join(self._print(limit[0]) for limit in reversed(expr.limits))
        return rf"\sum_{{{indices}}} {body}"

    def _print_Mul(self, expr) -> str:
        # a sum takes everything after it as its body: sums come last, a coefficient in front
        # (`\frac{1}{2 M} \sum_{k} ...`, not SymPy's `\frac{\sum_{k} ...}{2 M}`)
        sums = [factor for factor in expr.args if isinstance(factor, sp.Sum)]
        if not sums:
            return super()._print_Mul(expr)
        rest = sp.Mul(*(factor for factor in expr.args if not isinstance(factor, sp.Sum)))
        written = [rf"\left({self._print(term)}\right)" for term in sums[:-1]] + \
            [self._print(sums[-1])]
        if rest == -1:
            return "- " + " ".join(written)
        if rest != 1:
            coefficient = self._print(rest)
            written.insert(0, rf"\left({coefficient}\right)" if rest.is_Add else coefficient)
        return " ".join(written)

    def _print_Heaviside(self, expr, exp=None) -> str:
        # the step function as derivations write it (and symnet's grammar reads it)
        written = rf"H\left({self._print(expr.args[0])}\right)"
        return written if exp is None else rf"{written}^{{{exp}}}"

    def _print_Add(self, expr, order=None) -> str:
        # a positive term first, as people write (`\\delta_{ik} - A_{k}`, not `- A_{k} + ...`)
        terms = list(expr.as_ordered_terms())
        first = next((term for term in terms if not term.could_extract_minus_sign()), None)
        if first is None or first is terms[0]:
            return super()._print_Add(expr, order)
        terms.remove(first)
        written = self._print(first)
        for term in terms:
            negative = term.could_extract_minus_sign()
            part = self._print(-term if negative else term)
            if isinstance(-term if negative else term, sp.Add):
                part = rf"\left({part}\right)"
            written += (" - " if negative else " + ") + part
        return written

    def _print_KroneckerDelta(self, expr, exp=None) -> str:
        return rf"\delta_{{{''.join(self._print(index) for index in expr.args)}}}"

    def _print_Pow(self, expr) -> str:
        # an entry named with a superscript (`A_{\beta}^{(2)}`) cannot take a second one
        if expr.base.is_Symbol and "^" in expr.base.name and expr.exp.is_Integer \
                and expr.exp > 0:
            return rf"\left({expr.base.name}\right)^{{{expr.exp}}}"
        return super()._print_Pow(expr)
