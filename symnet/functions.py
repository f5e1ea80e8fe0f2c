"""Named SymPy functions: activations and losses kept by name, with their derivatives.

A named function is a SymPy `Function` class whose derivative is another named function (`g`,
`g'`, `g''`, ...). A *generic* one (a document's `g` or `Loss`) has no definition, so results
that contain it hold for every choice; a *concrete* one (`ReLU`, `\\sigma`) carries its scalar
definition, and `concretize` replaces it by that definition, differentiated by `sympy.diff`.
"""

from __future__ import annotations

from functools import cache
from typing import Callable

import sympy as sp

Definition = Callable[..., sp.Expr]


class NamedFunction(sp.Function):
    """Base of every named function; `orders[i]` is how often argument i was differentiated."""

    base_name: str = ""
    latex_name: str = ""
    orders: tuple[int, ...] = ()
    definition: Definition | None = None

    def fdiff(self, argindex: int = 1):
        orders = list(self.orders)
        orders[argindex - 1] += 1
        derivative = named_function(self.base_name, self.latex_name, len(orders),
                                    self.definition, tuple(orders))
        return derivative(*self.args)

    def _latex(self, printer) -> str:
        args = ", ".join(printer._print(arg) for arg in self.args)
        return rf"{latex_of_derivative(self.latex_name, self.orders)}\left({args}\right)"

    def concrete(self) -> sp.Expr:
        """This application with the definition substituted and differentiated as `orders` says."""
        dummies = sp.symbols(f"_u0:{len(self.args)}", real=True)
        value = self.definition(*dummies)
        for index, order in enumerate(self.orders):
            if order:
                value = sp.diff(value, dummies[index], order)
        return value.xreplace(dict(zip(dummies, self.args)))


def latex_of_derivative(latex_name: str, orders: tuple[int, ...]) -> str:
    """`g`, `g'`, `g''`, `g^{(4)}` for one argument; `\\partial_{1}\\ell` for several."""
    if len(orders) == 1:
        order = orders[0]
        return latex_name + ("'" * order if order <= 3 else f"^{{({order})}}")
    parts = "".join(rf"\partial_{{{index + 1}}}" * order for index, order in enumerate(orders))
    return parts + latex_name


@cache
def named_function(name: str, latex_name: str, nargs: int = 1,
                   definition: Definition | None = None,
                   orders: tuple[int, ...] | None = None) -> type[NamedFunction]:
    """The one SymPy function class for this name and derivative order (cached: same name, same
    class, so that expressions built in different places compare equal)."""
    orders = orders or (0,) * nargs
    suffix = "'" * orders[0] if nargs == 1 else "".join(f"_d{i}" * k for i, k in enumerate(orders))
    return type(name + suffix, (NamedFunction,), {
        "nargs": nargs, "base_name": name, "latex_name": latex_name, "orders": orders,
        "definition": staticmethod(definition) if definition else None,
    })


def concretize(expr: sp.Basic) -> sp.Basic:
    """Replace every named function that has a definition by that definition."""
    return expr.replace(
        lambda node: isinstance(node, NamedFunction) and node.definition is not None,
        lambda node: node.concrete())


def named_functions_in(expr: sp.Basic) -> set[str]:
    """Base names of the named functions (and their derivatives) that occur in `expr`."""
    return {node.base_name for node in expr.atoms(NamedFunction)}
