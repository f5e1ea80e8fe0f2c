"""Differentials, in documents that derive gradients with them (`'d' = "differential"`):
`d\\ell = (\\mathbf{a} - \\mathbf{y})^\\top d\\mathbf{a}`, `d\\mathbf{z} = d\\mathbf{W}\\,
\\mathbf{x}`, `d\\ell = \\operatorname{tr}(\\mathbf{x} \\boldsymbol{\\delta}^\\top d\\mathbf{W})`.

The differentials a link's right side writes (`d\\mathbf{a}`) are its directions: each entry a
symbol of its own, sampled as the points are. The differential on the left (`d\\ell`) is the
change of that quantity along them, everything else held: the sum over the right side's
differentials dX of its derivative by each entry of X times that entry of dX. So `d\\mathbf{a}
= \\sigma'(\\mathbf{z}) \\odot d\\mathbf{z}` is the chain rule's step from z to a, checked.
"""

from __future__ import annotations

import sympy as sp
from lark import Tree

from .trees import column_of, factors_of, is_letter_d
from .values import Indexed, MatrixValue, Unresolvable

DIFFERENTIAL = "differential"   # the notation's marker: `'d' = "differential"`


class DifferentialReader:
    def reads_differentials(self) -> bool:
        return "d" in self.context.notation.marker(DIFFERENTIAL)

    def declare_differentials(self, tree) -> None:
        """The directions of a link: every `d X` its right side `tree` writes."""
        if not self.reads_differentials():
            return
        for node in tree.iter_subtrees() if isinstance(tree, Tree) else ():
            rewritten = self._with_differentials(node)
            for part in rewritten.iter_subtrees() if rewritten is not None else ():
                if part.data == "differential":
                    self._directions_of(part.children[0])

    def _with_differentials(self, tree) -> Tree | None:
        """`A \\odot d X` and `A d X` (read by the grammar as `(A \\odot d) X`, `(A d) X`) with
        `d X` one operand, a `differential` node; None where no `d` stands before the factor
        `tree` ends with."""
        if not (self.reads_differentials() and isinstance(tree, Tree) and
                tree.data == "juxtaposition"):
            return None
        attached = _attached(*tree.children, tree.meta)
        if attached is not None:
            return attached
        # `d W X`: the `d` inside the product, before the letters join into a name `dW`
        factors = factors_of(tree)
        if not any(is_letter_d(factor) for factor in factors[:-1]):
            return None
        rebuilt = []
        for factor in factors:
            if rebuilt and is_letter_d(rebuilt[-1]):
                rebuilt[-1] = Tree(DIFFERENTIAL, [factor], tree.meta)
            else:
                rebuilt.append(factor)
        product = rebuilt[0]
        for factor in rebuilt[1:]:
            product = Tree("juxtaposition", [product, factor], tree.meta)
        return product

    def _directions_of(self, tree) -> dict:
        """The direction symbol of each entry of the quantity `tree` (made once per link)."""
        value = self.resolve(tree)
        entries = value.matrix if isinstance(value, MatrixValue) else \
            [value.at({})] if isinstance(value, Indexed) and not value.free else None
        if entries is None or not all(isinstance(entry, sp.Symbol) for entry in entries):
            raise Unresolvable("a differential of something that is not a network quantity",
                               column_of(tree))
        directions = self.context.differentials
        for entry in entries:
            if entry not in directions:
                direction = sp.Symbol(f"d{entry.name}", real=True)
                directions[entry] = direction
                self.context.dummies[direction.name] = direction
        return {entry: directions[entry] for entry in entries}

    def _rule_differential(self, tree):
        quantity = tree.children[0]
        value = self.resolve(quantity)
        directions = self.context.differentials
        if isinstance(value, MatrixValue) and all(entry in directions
                                                  for entry in value.matrix):
            return MatrixValue(value.matrix.applyfunc(lambda entry: directions[entry]))
        if not directions:
            raise Unresolvable("a differential with no differential on the right side to "
                               "take it along", column_of(tree))

        def change(expression: sp.Expr) -> sp.Expr:   # along every direction, the rest held
            return sp.Add(*(self._diff(expression, entry, tree) * direction
                            for entry, direction in directions.items()))
        if isinstance(value, MatrixValue):
            return MatrixValue(value.matrix.applyfunc(change))
        if isinstance(value, Indexed) and not value.free:
            return Indexed.scalar(change(value.at({})))
        raise Unresolvable("a differential of something that is not a network quantity",
                           column_of(tree))


def _attached(left, right, meta) -> Tree | None:
    """`right` taken as the differential a `d` ending `left` stands before, `left` rebuilt
    around it; None when `left` does not end with a `d`."""
    if is_letter_d(left):
        return Tree(DIFFERENTIAL, [right], meta)
    if isinstance(left, Tree) and left.data in ("binary", "juxtaposition"):
        inner = _attached(left.children[-1], right, meta)
        if inner is not None:
            return Tree(left.data, [*left.children[:-1], inner], meta)
    return None
