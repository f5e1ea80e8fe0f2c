"""A proof for every size: a link between whole matrices shown to hold as matrix algebra in the
vector form's symbolic sizes, not only at the sizes symnet checks numerically.

The difference of the two sides is written out one step at a time (the last-computed quantity
first: a gradient before the adjoints it is made of, those before the forward nodes, as
`verdict` does entry by entry). At each step the element-wise part is turned into one scalar
expression (`A * (B - C)` becomes `a (b - c)`; element-wise functions apply to the scalars)
with every other matrix subexpression (a product, a transpose) a scalar symbol of its own, and
that scalar expression must vanish. Only the caller's time budget bounds it.
"""

from __future__ import annotations

import sympy as sp
from sympy.matrices.expressions import MatrixExpr, MatrixSymbol

from .functions import concretize
from .matrix_rules import Elementwise
from .vector_form import VectorForm

STEPS = 10
MAX_OPS = 300


class _Scalarizer:
    """Element-wise matrix algebra as scalar algebra; other matrix expressions as atoms."""

    def __init__(self):
        self.atoms: dict[MatrixExpr, sp.Symbol] = {}

    def __call__(self, expr) -> sp.Expr:
        if not isinstance(expr, MatrixExpr):
            return sp.sympify(expr)
        rule = getattr(self, f"_scalar_{type(expr).__name__}", None)
        return rule(expr) if rule is not None else self._atom(expr)

    def _atom(self, expr: MatrixExpr) -> sp.Symbol:
        if expr not in self.atoms:
            self.atoms[expr] = sp.Symbol(f"_m{len(self.atoms)}")
        return self.atoms[expr]

    def _scalar_MatAdd(self, expr):
        return sp.Add(*(self(term) for term in expr.args))

    def _scalar_MatMul(self, expr):
        coefficient, matrices = expr.as_coeff_matrices()
        if len(matrices) == 1:
            return coefficient * self(matrices[0])
        return coefficient * self._atom(sp.MatMul(*matrices).doit())

    def _scalar_HadamardProduct(self, expr):
        return sp.Mul(*(self(factor) for factor in expr.args))

    def _scalar_HadamardPower(self, expr):
        base, exponent = expr.args
        return self(base) ** exponent

    def _scalar_Elementwise(self, expr: Elementwise):
        return expr.function(*(self(matrix) for matrix in expr.matrices))

    def _scalar_OneMatrix(self, expr):
        return sp.Integer(1)

    def _scalar_ZeroMatrix(self, expr):
        return sp.Integer(0)


def _vanishes(difference: MatrixExpr, thorough: bool) -> bool:
    # (a named activation by its definition: `\\tanh'` is 1 - tanh^2 only written out)
    scalar = concretize(_Scalarizer()(difference.doit()))
    if sp.count_ops(scalar) > MAX_OPS:
        return False
    expanded = sp.expand(scalar)
    if expanded == 0 or sp.cancel(expanded) == 0:
        return True
    # expand and cancel decide a rational function; `simplify` is for identities of exp,
    # log, tanh, and slow (0.1-0.2 s on a step that does not vanish anyway)
    return thorough and not expanded.is_rational_function() and sp.simplify(expanded) == 0


def holds_for_all_sizes(lhs: MatrixExpr, rhs: MatrixExpr, form: VectorForm) -> bool:
    """True when `lhs - rhs` is 0 as matrix algebra; False when that was not shown (which says
    nothing about the link). Tried with expand and cancel at every step first, and only when
    that shows nothing with `simplify` too."""
    return any(_vanishes_stepwise(lhs - rhs, form, thorough) for thorough in (False, True))


def _vanishes_stepwise(difference: MatrixExpr, form: VectorForm, thorough: bool) -> bool:
    definitions, rank = _definitions(form)
    for _ in range(STEPS):
        if _vanishes(difference, thorough):
            return True
        known = [symbol for symbol in difference.free_symbols
                 if isinstance(symbol, MatrixSymbol) and symbol in definitions]
        if not known:
            return False
        last = max(rank[symbol] for symbol in known)
        difference = difference.xreplace({symbol: definitions[symbol] for symbol in known
                                          if rank[symbol] == last})
    return False


def _definitions(form: VectorForm) -> tuple[dict, dict]:
    """Matrix symbol -> its step's value, and when it is computed (forward nodes in order, then
    the adjoints from the loss back)."""
    steps = form.forward + form.backward
    return ({step.target: step.value for step in steps},
            {step.target: number for number, step in enumerate(steps)})
