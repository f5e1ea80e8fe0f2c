"""Matrix expressions with symbolic sizes, and reverse-mode rules over them.

The vector form of a network (`vector_form.py`) is written in SymPy matrix expressions:
`MatMul`, `MatAdd`, `Transpose`, `HadamardProduct`, `HadamardPower`, `OneMatrix`, plus three
classes of our own: `Elementwise` (a scalar function of one or several same-shaped matrices, entry
by entry), `Softmax` (per sample, along an axis) and `EntrySum` (the sum of all entries). Their
derivatives come from one rule per class (`Backprop._rule_<Class>`), and every scalar derivative
in a rule is `sympy.diff` of the scalar function. SymPy's own `MatrixExpr.diff` is not used: it
fails or returns 0 on these networks (DESIGN.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Mapping

import numpy as np
import sympy as sp
from sympy.matrices.expressions import (HadamardPower, HadamardProduct, MatAdd, MatMul,
                                        MatrixExpr, MatrixSymbol, OneMatrix, Transpose)

from .functions import concretize, named_functions_in


class Elementwise(MatrixExpr):
    """`function(M1, M2, ...)` entry by entry; `function` is a `Lambda` of as many scalars."""

    def __new__(cls, function: sp.Lambda, *matrices: MatrixExpr):
        return super().__new__(cls, function, *matrices)

    @property
    def function(self) -> sp.Lambda:
        return self.args[0]

    @property
    def matrices(self) -> tuple[MatrixExpr, ...]:
        return self.args[1:]

    @property
    def shape(self):
        return self.args[1].shape


class Softmax(MatrixExpr):
    """Softmax of each sample: along axis 0 (samples are columns) or 1 (samples are rows)."""

    def __new__(cls, matrix: MatrixExpr, axis: int):
        return super().__new__(cls, matrix, sp.Integer(axis))

    @property
    def matrix(self) -> MatrixExpr:
        return self.args[0]

    @property
    def axis(self) -> int:
        return int(self.args[1])

    @property
    def shape(self):
        return self.args[0].shape


class EntrySum(MatrixExpr):
    """The sum of all entries of a matrix, as a 1 x 1 matrix."""

    def __new__(cls, matrix: MatrixExpr):
        return super().__new__(cls, matrix)

    @property
    def matrix(self) -> MatrixExpr:
        return self.args[0]

    @property
    def shape(self):
        return (sp.Integer(1), sp.Integer(1))


def scaled(coefficient: sp.Expr, matrix: MatrixExpr) -> MatrixExpr:
    """`coefficient * matrix`, with a numeric factor common to all terms of a sum pulled out."""
    if isinstance(matrix, MatAdd):
        coefficients = [split_coefficient(term)[0] for term in matrix.args]
        common = sp.gcd(coefficients) if all(c.is_Rational for c in coefficients) else 1
        if common not in (0, 1):
            coefficient *= common
            matrix = MatAdd(*(term / common for term in matrix.args))
    if coefficient == 1:
        return matrix
    inner, rest = split_coefficient(matrix)
    if inner != 1:
        return scaled(coefficient * inner, rest)
    return MatMul(coefficient, matrix)


def split_coefficient(matrix: MatrixExpr) -> tuple[sp.Expr, MatrixExpr]:
    """`c * P * Q` -> (c, P Q): the scalar factor and the matrix part."""
    if not isinstance(matrix, MatMul):
        return sp.Integer(1), matrix
    coefficient, matrices = matrix.as_coeff_matrices()
    return coefficient, matrices[0] if len(matrices) == 1 else MatMul(*matrices)


def hadamard(*factors: MatrixExpr) -> MatrixExpr:
    """The entrywise product, scalar coefficients in front, all-ones factors dropped and
    X with X^{-1} cancelled (A * (Y / A) is Y: exact, and no division by a softmax's 0)."""
    coefficient, matrices = sp.Integer(1), []
    for factor in factors:
        inner, rest = split_coefficient(factor)
        coefficient *= inner
        parts = rest.args if isinstance(rest, HadamardProduct) else (rest,)
        matrices.extend(part for part in parts if not isinstance(part, OneMatrix))
    for matrix in list(matrices):
        inverse = HadamardPower(matrix, -1)
        if matrix in matrices and inverse in matrices:
            matrices.remove(matrix)
            matrices.remove(inverse)
    if not matrices:
        return scaled(coefficient, OneMatrix(*factors[0].shape))
    product = matrices[0] if len(matrices) == 1 else HadamardProduct(*matrices)
    return scaled(coefficient, product)


def distribute(expression: MatrixExpr) -> MatrixExpr:
    """Entrywise products spread over sums where that cancels an inverse:
    A * (B / A - C) becomes B - A * C. Used before printing code."""
    if not isinstance(expression, MatrixExpr) or not expression.args:
        return expression
    args = [distribute(arg) if isinstance(arg, MatrixExpr) else arg for arg in expression.args]
    if isinstance(expression, HadamardProduct):
        sums = [arg for arg in args if isinstance(arg, MatAdd)]
        others = [arg for arg in args if not isinstance(arg, MatAdd)]
        for total in sums:
            if any(HadamardPower(other, -1) in total.atoms(HadamardPower) for other in others):
                rest = [arg for arg in args if arg is not total]
                return MatAdd(*(distribute(hadamard(term, *rest)) for term in total.args))
        return hadamard(*args)
    if isinstance(expression, MatMul):
        coefficient, matrices = expression.as_coeff_matrices()
        if len(matrices) == 1:
            return scaled(coefficient, distribute(matrices[0]))
    return expression.func(*args)


def lift(expression: sp.Expr, matrices: Mapping[sp.Symbol, MatrixExpr],
         shape: tuple) -> MatrixExpr:
    """A scalar expression of entries, as the entrywise matrix expression of whole matrices:
    `2*(a - y)` with a -> A, y -> Y becomes `2 (A - Y)`; `log(a)` becomes `Elementwise(log, A)`."""
    if expression in matrices:
        return matrices[expression]
    if not expression.free_symbols & set(matrices):
        return scaled(expression, OneMatrix(*shape))
    if expression.is_Add:
        return MatAdd(*(lift(term, matrices, shape) for term in expression.args))
    if expression.is_Mul:
        coefficient, factors = expression.as_coeff_mul()
        return scaled(coefficient, hadamard(*(lift(factor, matrices, shape)
                                              for factor in factors)))
    if expression.is_Pow and expression.exp.is_Number:
        return HadamardPower(lift(expression.base, matrices, shape), expression.exp)
    variables = sp.symbols(f"_u0:{len(expression.args)}", real=True)
    function = sp.Lambda(variables, expression.func(*variables))
    return Elementwise(function, *(lift(arg, matrices, shape) for arg in expression.args))


def elementwise(function_class, matrix: MatrixExpr) -> Elementwise:
    """A one-argument SymPy function class applied entry by entry."""
    variable = sp.Symbol("_u0", real=True)
    return Elementwise(sp.Lambda((variable,), function_class(variable)), matrix)


class Backprop:
    """Adjoints of the matrix symbols in one expression, given the adjoint of the expression.

    `run(expression, adjoint)` returns {matrix symbol: [contribution, ...]}; each class of
    expression has one rule `_rule_<Class>(expression, adjoint)`.
    """

    def __init__(self, targets: set[MatrixSymbol]):
        self.targets = targets
        self.contributions: dict[MatrixSymbol, list[MatrixExpr]] = defaultdict(list)

    def run(self, expression: MatrixExpr, adjoint: MatrixExpr) -> dict:
        self._visit(expression, adjoint)
        return self.contributions

    def _visit(self, expression, adjoint) -> None:
        if not (expression.free_symbols & self.targets):
            return
        rule = getattr(self, f"_rule_{type(expression).__name__}", None)
        if rule is None:
            raise NotImplementedError(f"no backpropagation rule for {type(expression).__name__}")
        rule(expression, adjoint)

    def _rule_MatrixSymbol(self, expression, adjoint):
        self.contributions[expression].append(adjoint)

    def _rule_MatAdd(self, expression, adjoint):
        for term in expression.args:
            self._visit(term, adjoint)

    def _rule_MatMul(self, expression, adjoint):
        coefficient, matrices = expression.as_coeff_matrices()
        adjoint = scaled(coefficient, adjoint)
        for index, matrix in enumerate(matrices):
            left, right = matrices[:index], matrices[index + 1:]
            # d(P Q R) for Q: P^T adjoint R^T
            parts = [_transpose(MatMul(*left))] if left else []
            parts.append(adjoint)
            if right:
                parts.append(_transpose(MatMul(*right)))
            self._visit(matrix, MatMul(*parts).doit() if len(parts) > 1 else adjoint)

    def _rule_Transpose(self, expression, adjoint):
        self._visit(expression.arg, _transpose(adjoint))

    def _rule_HadamardProduct(self, expression, adjoint):
        for index, factor in enumerate(expression.args):
            others = expression.args[:index] + expression.args[index + 1:]
            self._visit(factor, hadamard(adjoint, *others))

    def _rule_HadamardPower(self, expression, adjoint):
        base, exponent = expression.args
        power = base if exponent - 1 == 1 else HadamardPower(base, exponent - 1)
        self._visit(base, scaled(exponent, hadamard(adjoint, power)))

    def _rule_Elementwise(self, expression, adjoint):
        variables, body = expression.function.variables, expression.function.expr
        values = dict(zip(variables, expression.matrices))
        for variable, matrix in values.items():
            derivative = sp.diff(body, variable)
            if not concretize(derivative).free_symbols:   # id' = 1: no need to name it
                derivative = concretize(derivative)
            self._visit(matrix, hadamard(adjoint, lift(derivative, values, expression.shape)))

    def _rule_Softmax(self, expression, adjoint):
        # softmax(z)_i = exp(z_i) / sum_k exp(z_k): dz = a * (g - sum_k a_k g_k), per sample
        value, units = expression, expression.shape[expression.axis]
        ones = OneMatrix(units, units)
        weighted = hadamard(value, adjoint)
        total = MatMul(ones, weighted) if expression.axis == 0 else MatMul(weighted, ones)
        self._visit(expression.matrix, hadamard(value, adjoint - total))

    def _rule_EntrySum(self, expression, adjoint):
        # the adjoint of a 1 x 1 sum is c * ones(1, 1); every entry receives c
        coefficient, ones = split_coefficient(adjoint)
        if not isinstance(ones, OneMatrix):
            raise NotImplementedError("EntrySum needs a constant adjoint")
        self._visit(expression.matrix, scaled(coefficient, OneMatrix(*expression.matrix.shape)))


def _transpose(matrix: MatrixExpr) -> MatrixExpr:
    return Transpose(matrix).doit() if isinstance(matrix, (MatMul, Transpose, OneMatrix)) \
        else Transpose(matrix)


class Evaluator:
    """Numeric value of a matrix expression: matrix symbols from `values`, sizes from `sizes`.

    One method per class, like SymPy's printers. Scalar functions are compiled from their SymPy
    definitions (a generic function has none, and cannot be evaluated).
    """

    def __init__(self, values: Mapping[MatrixSymbol, np.ndarray], sizes: Mapping[sp.Symbol, int],
                 softmax: Callable[[np.ndarray, int], np.ndarray]):
        self.values, self.sizes, self.softmax = dict(values), dict(sizes), softmax

    def __call__(self, expression) -> np.ndarray:
        return getattr(self, f"_eval_{type(expression).__name__}")(expression)

    def scalar(self, expression: sp.Expr) -> float:
        return float(sp.sympify(expression).xreplace(self.sizes))

    def _shape(self, expression) -> tuple[int, int]:
        return tuple(int(self.scalar(size)) for size in expression.shape)

    def _eval_MatrixSymbol(self, expression):
        return self.values[expression]

    def _eval_OneMatrix(self, expression):
        return np.ones(self._shape(expression))

    def _eval_Identity(self, expression):
        return np.eye(*self._shape(expression))

    def _eval_MatAdd(self, expression):
        return sum(self(term) for term in expression.args)

    def _eval_MatMul(self, expression):
        coefficient, matrices = expression.as_coeff_matrices()
        product = self(matrices[0])
        for matrix in matrices[1:]:
            product = product @ self(matrix)
        return self.scalar(coefficient) * product

    def _eval_Transpose(self, expression):
        return self(expression.arg).T

    def _eval_HadamardProduct(self, expression):
        product = self(expression.args[0])
        for factor in expression.args[1:]:
            product = product * self(factor)
        return product

    def _eval_HadamardPower(self, expression):
        return self(expression.args[0]) ** self.scalar(expression.args[1])

    def _eval_Elementwise(self, expression):
        function = expression.function
        body = concretize(function.expr)
        if named_functions_in(body):
            raise ValueError(f"{function.expr} is a generic function: no numeric value")
        kernel = sp.lambdify(function.variables, body, modules="numpy")
        arguments = [self(matrix) for matrix in expression.matrices]
        return np.broadcast_to(kernel(*arguments), arguments[0].shape).astype(float)

    def _eval_Softmax(self, expression):
        return self.softmax(self(expression.matrix), expression.axis)

    def _eval_EntrySum(self, expression):
        return np.array([[self(expression.matrix).sum()]])
