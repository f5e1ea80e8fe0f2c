"""LaTeX and plain-text printing of symnet's expressions, as a reader of a derivation writes them.

Matrix symbols carry LaTeX names (`W^{(2)}`, `\\bar{Z}^{(1)}`); the text printer turns those into
plain names (`W2`, `dZ1`). Both printers dispatch on the class name, as SymPy's printers do.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .functions import NamedFunction, latex_of_derivative


def _applied_function(function: sp.Lambda) -> type[NamedFunction] | None:
    """The named function a `Lambda` applies to its variables in order, if it is just that."""
    body = function.expr
    if isinstance(body, sp.Function) and body.args == function.variables:
        return type(body)
    return None


def with_superscript(name: str, mark: str) -> str:
    """`A^{(1)}` and T -> `A^{(1)T}`; `X` -> `X^{T}`. TeX refuses a second superscript, even on
    a braced `{\\bar{Z}^{(1)}}` (a group of one accent is that accent)."""
    if name.endswith("}") and "^{" in name:
        head, _, tail = name.rpartition("^{")
        if tail.count("{") == tail.count("}") - 1:   # the last superscript closes the name
            return f"{head}^{{{tail[:-1]}{mark}}}"
    return f"{name}^{{{mark}}}"


class SymnetLatexPrinter(LatexPrinter):
    def _print_MatrixSymbol(self, expr) -> str:
        return expr.name

    def _print_MatMul(self, expr) -> str:
        coefficient, matrices = expr.as_coeff_matrices()
        factors = " ".join(rf"\left({self._print(matrix)}\right)"
                           if isinstance(matrix, (sp.MatAdd, sp.HadamardProduct))
                           else self._print(matrix) for matrix in matrices)
        if coefficient == 1:
            return factors
        if coefficient == -1:
            return f"- {factors}"
        sign, magnitude = ("- ", -coefficient) if coefficient.could_extract_minus_sign() \
            else ("", coefficient)
        number = self._print(magnitude)
        if isinstance(magnitude, sp.Add):
            number = rf"\left({number}\right)"
        return f"{sign}{number} {factors}"

    def _print_Transpose(self, expr) -> str:
        inner = self._print(expr.arg)
        if isinstance(expr.arg, sp.MatrixSymbol):
            return with_superscript(inner, "T")
        return rf"\left({inner}\right)^{{T}}"

    def _print_OneMatrix(self, expr) -> str:
        rows, cols = expr.shape
        if cols == 1:
            return rf"\mathbf{{1}}_{{{self._print(rows)}}}"
        if rows == 1:
            return rf"\mathbf{{1}}_{{{self._print(cols)}}}^{{T}}"
        return rf"\mathbf{{1}}_{{{self._print(rows)} \times {self._print(cols)}}}"

    def _print_HadamardPower(self, expr) -> str:
        base, exponent = expr.args
        inner = self._print(base)
        if not isinstance(base, sp.MatrixSymbol) or "^" in inner:
            return rf"\left({inner}\right)^{{\circ {self._print(exponent)}}}"
        return rf"{inner}^{{\circ {self._print(exponent)}}}"

    def _print_Elementwise(self, expr) -> str:
        function = _applied_function(expr.function)
        arguments = ", ".join(self._print(matrix) for matrix in expr.matrices)
        if function is not None and issubclass(function, NamedFunction):
            name = latex_of_derivative(function.latex_name, function.orders)
        elif function is not None:
            name = self._print(function(*expr.function.variables)).split(r"{\left(")[0]
        else:
            return rf"\left({self._print(expr.function)}\right)_{{\circ}}\left({arguments}\right)"
        return rf"{name}\left({arguments}\right)"

    def _print_Softmax(self, expr) -> str:
        return rf"\operatorname{{softmax}}\left({self._print(expr.matrix)}\right)"

    def _print_EntrySum(self, expr) -> str:
        return rf"\sum \left({self._print(expr.matrix)}\right)"

    def _print_Symbol(self, expr, style="plain") -> str:
        # entry symbols are named in LaTeX already (`W^{(1)}_{2,3}`); plain names (`N_0`,
        # `lambda`) are printed the usual way
        if any(mark in expr.name for mark in "^{\\"):
            return expr.name
        return super()._print_Symbol(expr, style)

    def _print_NamedFunction(self, expr, exp=None) -> str:
        return expr._latex(self)


class SymnetTextPrinter(StrPrinter):
    def _print_MatrixSymbol(self, expr) -> str:
        return text_name(expr.name)

    def _print_Symbol(self, expr) -> str:
        return text_name(expr.name)

    def _print_OneMatrix(self, expr) -> str:
        rows, cols = expr.shape
        return f"ones({self._print(rows)}, {self._print(cols)})"

    def _print_MatMul(self, expr) -> str:
        coefficient, matrices = expr.as_coeff_matrices()
        parts = [self.parenthesize(matrix, 50) for matrix in matrices]
        product = " @ ".join(parts)
        if coefficient == 1:
            return product
        if coefficient == -1:
            return f"-{product}"
        return f"{self.parenthesize(coefficient, 50)}*{product}"

    def _print_Transpose(self, expr) -> str:
        return f"{self.parenthesize(expr.arg, 100)}.T"

    def _print_HadamardProduct(self, expr) -> str:
        return " ∘ ".join(self.parenthesize(arg, 50) for arg in expr.args)

    def _print_HadamardPower(self, expr) -> str:
        return f"{self.parenthesize(expr.args[0], 100)}^∘{self._print(expr.args[1])}"

    def _print_Elementwise(self, expr) -> str:
        function = _applied_function(expr.function)
        arguments = ", ".join(self._print(matrix) for matrix in expr.matrices)
        name = (function.__name__ if function is not None
                else f"({self._print(expr.function)})")
        return f"{name}({arguments})"

    def _print_Softmax(self, expr) -> str:
        return f"softmax({self._print(expr.matrix)})"

    def _print_EntrySum(self, expr) -> str:
        return f"sum({self._print(expr.matrix)})"


_BAR = re.compile(r"\\bar\{(\w+)\}")
_LAYER = re.compile(r"\^\{\((\w+)\)\}")
_BRACES = re.compile(r"[{}\\]")


def text_name(latex: str) -> str:
    """`W^{(2)}` -> `W2`, `\\bar{Z}^{(1)}` -> `dZ1`, `W^{(1)}_{2,3}` -> `W1_2,3`."""
    name = _BAR.sub(r"d\1", latex)
    name = _LAYER.sub(r"\1", name)
    return _BRACES.sub("", name)


def latex(expr) -> str:
    return SymnetLatexPrinter().doprint(expr)


def text(expr) -> str:
    return SymnetTextPrinter().doprint(expr)
