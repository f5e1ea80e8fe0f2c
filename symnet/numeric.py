"""Numbers for SymPy expressions: an expression evaluated at a point with Python floats, or
with mpmath at a given number of digits, without building a SymPy object on the way.

`expression.xreplace(point)` followed by `float()` rebuilds every node with SymPy `Float`s and
re-runs SymPy's automatic simplification on each; that was most of the time `symnet check`
spent. Here every node kind maps to a plain function of its arguments' values (a table, like
the printers' `_print_<Class>`), and each distinct subexpression is evaluated once per point.
A node kind the table does not know is handed back to SymPy with its arguments as numbers.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable, Mapping
import zlib

import mpmath
import sympy as sp

from .functions import NamedFunction


class NotNumeric(Exception):
    """The expression has a symbol without a value, or its value is not a real number."""


def _heaviside(x, half):
    return half if x == 0 else (1 if x > 0 else 0)


def _kronecker(i, j):
    return 1 if i == j else 0


def _float_power(base, exponent):
    if base < 0 and exponent != int(exponent):
        raise NotNumeric("a negative number to a fractional power")
    return base ** exponent


# node class -> function of the values of its arguments, for each arithmetic
_FLOAT: dict[type, Callable[..., Any]] = {
    sp.exp: math.exp, sp.log: math.log, sp.tanh: math.tanh, sp.sinh: math.sinh,
    sp.cosh: math.cosh, sp.sin: math.sin, sp.cos: math.cos, sp.Abs: abs, sp.Max: max,
    sp.Min: min, sp.sign: lambda x: (x > 0) - (x < 0), sp.KroneckerDelta: _kronecker,
    sp.Heaviside: lambda x, h=0.5: _heaviside(x, h), sp.Pow: _float_power,
}
_MPMATH: dict[type, Callable[..., Any]] = {
    **_FLOAT, sp.exp: mpmath.exp, sp.log: mpmath.log, sp.tanh: mpmath.tanh,
    sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh, sp.sin: mpmath.sin, sp.cos: mpmath.cos,
    sp.Abs: mpmath.fabs, sp.Pow: lambda base, exponent: _real(mpmath.power(base, exponent)),
    sp.Heaviside: lambda x, h=mpmath.mpf(0.5): _heaviside(x, h),
}


def _real(value):
    if isinstance(value, mpmath.mpc):
        raise NotNumeric("a value that is not real")
    return value


class Evaluation:
    """The values of expressions at one point. `values` maps symbols to numbers (floats, or
    mpmath numbers when `digits` is given); a symbol without a value that `definitions` defines
    (a node entry by its forward expression, an adjoint by its backward step) is computed from
    its definition the first time it is needed and kept in `values`, so only what is asked for
    is ever computed."""

    def __init__(self, values: dict, digits: int | None = None,
                 definitions: Mapping | None = None):
        self.values = values
        self.digits = digits
        self.definitions = definitions or {}
        self._table = _FLOAT if digits is None else _MPMATH
        self._memo: dict = {}

    def __call__(self, expression) -> Any:
        try:
            if self.digits is None:
                return self._value(expression)
            with mpmath.workdps(self.digits):
                return self._value(expression)
        except (ZeroDivisionError, ValueError, OverflowError) as error:
            raise NotNumeric(f"no real value ({error})") from None

    def number(self, expression) -> float:
        """The value as a float (after computing at `digits`, when given)."""
        value = self(sp.sympify(expression))
        if isinstance(value, (complex, mpmath.mpc)):
            raise NotNumeric("a value that is not real")
        return float(value)

    def _value(self, node):
        known = self._memo.get(node)
        if known is not None:
            return known
        value = self._compute(node)
        self._memo[node] = value
        return value

    def _compute(self, node):
        if node.is_Symbol:
            value = self.values.get(node)
            if value is None:
                definition = self.definitions.get(node)
                if definition is None:
                    raise NotNumeric(f"{node} has no value")
                value = self.values[node] = self._value(definition)
            return value
        if node.is_Number or node.is_NumberSymbol:
            return self._constant(node)
        if node.is_Add:
            total = self._value(node.args[0])
            for arg in node.args[1:]:
                total = total + self._value(arg)
            return total
        if node.is_Mul:
            product = self._value(node.args[0])
            for arg in node.args[1:]:
                product = product * self._value(arg)
            return product
        if isinstance(node, NamedFunction):
            return self._named(node)
        rule = self._table.get(node.func)
        args = [self._value(arg) for arg in node.args]
        if rule is not None:
            return rule(*args)
        return self._by_sympy(node, args)

    def _constant(self, node):
        if self.digits is None:
            return float(node)
        if node.is_Rational:
            return mpmath.mpf(int(node.p)) / int(node.q)
        return mpmath.mpf(node.evalf(self.digits + 5)._mpf_)

    def _named(self, node: NamedFunction):
        """A named function by its definition, differentiated as its orders say; a generic one
        (no definition) by a fixed smooth stand-in, so identities checked hold for every g."""
        variables, body = _named_body(type(node))
        inner = Evaluation(dict(zip(variables, (self._value(arg) for arg in node.args))),
                           self.digits)
        return inner._value(body)

    def _by_sympy(self, node, args):
        number = (lambda x: sp.Float(x)) if self.digits is None else (
            lambda x: sp.Float(x, self.digits))
        value = node.func(*[number(arg) for arg in args]).evalf(self.digits or 15)
        try:
            return float(value) if self.digits is None else mpmath.mpf(sp.Float(value)._mpf_)
        except TypeError:
            raise NotNumeric(f"a value symnet cannot evaluate: {str(value)[:60]}") from None


@lru_cache(maxsize=None)
def _named_body(function: type[NamedFunction]) -> tuple[tuple[sp.Symbol, ...], sp.Expr]:
    variables = sp.symbols(f"_n0:{len(function.orders)}", real=True)
    if function.definition is not None:
        body = function.definition(*variables)
    else:
        body = generic_stand_in(variables, function.base_name)
    for index, order in enumerate(function.orders):
        if order:
            body = sp.diff(body, variables[index], order)
    return tuple(variables), body


def generic_stand_in(variables, name: str = "") -> sp.Expr:
    """The fixed smooth function that stands in for a generic `g` or `Loss` in numbers: of
    one variable, neither odd nor even, no activation's identity (`g' = g (1 - g)` fails), and
    between 0.05 and 0.95, so that a cross entropy can take its log and layers of it stacked
    deep stay off a sigmoid's saturation (`x^2` there overflowed); with a frequency of its
    name's own, so that two generic functions (`g_1`, `g_2`) differ."""
    if len(variables) == 1:
        x = variables[0]
        frequency = 1 + sp.Rational(zlib.crc32(name.encode()) % 997, 1000)
        return sp.Rational(4, 5) / (1 + sp.exp(-frequency * x)) + sp.Rational(1, 10) + \
            sp.sin(x) / 20
    return (variables[0] - variables[1]) ** 2 + sp.sin(variables[0] * variables[1])
