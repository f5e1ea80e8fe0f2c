"""Products and sums as written: the grammar reads a product of factors left to right and a sum
to its first term; people mean a call (`y \\log a b`, `\\log h_\\theta(x)_k`), a name of
several letters (`d Z^{[2]}`, `dLoss/dW2`), a layer glued on (`W2`, `W[l]`), a grouping the
shapes fit (`X^T \\delta W^T f'(Z)`), a sum over the terms after it that write its letters.
Each reading rewrites the tree and reads it again. A part of `Resolver`."""

from __future__ import annotations

from copy import copy

from lark import Token, Tree
from lark.tree import Meta

from ..conventions import LOSS_NAMES
from .trees import (column_of, end_of, factors_of, is_coefficient, is_condition, is_group,
                    is_indicator, is_letter_d, is_one, is_operator, letter_of, name_of,
                    product_of, start_of, starts_with_d, starts_with_partial, written_tokens)
from .values import (ONES, FunctionValue, MatrixValue, NeedsBatch, Operator, PoweredFunction,
                     ShapeMismatch, Unresolvable)


class ProductReader:
    """Sums, products and the readings of a product people mean. A part of `Resolver`."""

    def _rule_binary(self, tree):
        left, op, right = tree.children
        op = str(op)
        if op in "+-":
            widened = sum_over_the_terms_after(tree)
            if widened is not None:
                self.notes.append("the terms after a sum that write its index letters read "
                                  "inside it")
                return self.resolve(widened)
            a, b = self.resolve(left), self.resolve(right)
            return self._add(a, b if op == "+" else self._scale(b, -1, tree), tree)
        if op == "/":
            if starts_with_d(left) and starts_with_d(right):   # dL/dw: a derivative
                return self.resolve(_derivative_frac(left, right, tree))
            return self._divide(self.resolve(left), self.resolve(right), tree)
        a, b = self.resolve(left, factor=True), self.resolve(right, factor=True)
        return self._multiply(a, b, op, tree)

    def _rule_juxtaposition(self, tree):
        joined = self._with_differentials(tree) or \
            self._slashed_derivative(tree) or self._joined_letters(tree) or \
            self._glued_layer(tree) or self._applied_inside(tree) or self._regrouped(tree) or \
            self._increment_of(tree)
        if joined is not None:
            return self.resolve(joined)
        left = tree.children[0]
        if isinstance(left, Tree) and left.data == "binary" and \
                self.is_elementwise(str(left.children[1])):
            # `(1 - a^2) \circ \delta W^T`: the grammar reads ((1 - a^2) \circ \delta) W^T, left
            # to right, and so do some authors (`(y - a) \odot \sigma'(z) h^T`); others mean the
            # product beside the element-wise one first
            operand, op, last = left.children
            inner = Tree("juxtaposition", [last, tree.children[1]], left.meta)
            if self._is_function(last):   # `Y \odot \log A`: the function applies to A
                return self.resolve(Tree("binary", [operand, op, inner], tree.meta))
            return self._grouped_where_shapes_fit(
                tree, Tree("binary", [operand, op, inner], tree.meta),
                f"`A {op} B C` read as `A {op} (B C)`, the grouping whose shapes fit")
        return self._grouped_where_shapes_fit(
            tree, self._last_entry_by_entry(tree), "`A B C` read as `A (B \\odot C)`, the "
            "grouping whose shapes fit (the last factor multiplied entry by entry)")

    def _names_a_composite(self, left, right) -> bool:
        """`h(\\mathbf{x})^\\top`: a call the notation names as a whole (`'h(\\mathbf{x})' =
        "activation[1]"`), written with a script the grammar gives the parenthesis."""
        if not (isinstance(right, Tree) and right.data == "scripted" and
                is_group(right.children[0])) or getattr(left.meta, "empty", True):
            return False
        return self.composite_named(self.context.latex[left.meta.start_pos:
                                                       right.children[0].meta.end_pos]) is not None

    def _is_function(self, tree) -> bool:
        try:
            return isinstance(self.resolve(tree), FunctionValue)
        except (Unresolvable, ShapeMismatch, NeedsBatch):
            return False

    def _is_ones_factor(self, tree) -> bool:
        """`\\mathbf{1}^\\top`, `\\mathbf{1}`: the ones vector, transposed or not."""
        base = tree.children[0] if isinstance(tree, Tree) and tree.data == "scripted" else tree
        return self._is_ones(base)

    def _grouped_where_shapes_fit(self, tree, other, note: str):
        """The product as written; where its shapes do not fit, the `other` grouping if its
        shapes do (said in `note`): the shapes tell which grouping the author meant."""
        notes = len(self.notes)
        try:
            return self._juxtaposed(tree)
        except ShapeMismatch as mismatch:
            if other is None:
                raise
            del self.notes[notes:]
            try:
                value = self.resolve(other)
            except ShapeMismatch:
                raise mismatch from None
        self.notes.append(note)
        return value

    def _last_entry_by_entry(self, tree) -> Tree | None:
        """`X^T \\delta^{(3)} (W^{(2)})^T f'(z^{(2)})`: a product whose shapes do not
        fit as written, regrouped with its last factor multiplied entry by entry with the
        factors before it, `X^T [\\delta^{(3)} (W^{(2)})^T \\odot f'(z^{(2)})]`; None for a
        product of two factors."""
        factors = factors_of(tree)
        last = factors[-1]
        if isinstance(last, Tree) and last.data == "call" and len(last.children) == 2:
            # `W^{(2)T} (1 - \\tanh^2(Z))`: a matrix before parentheses is a factor, not a call
            try:
                callee = self.resolve(last.children[0])
            except (Unresolvable, ShapeMismatch):
                callee = None
            if isinstance(callee, MatrixValue):
                factors[-1:] = [last.children[0], Tree("group", [last.children[1]], last.meta)]
        if len(factors) < 3:
            return None
        inner = Tree("binary", [product_of(factors[1:-1]), Token("MULOP", r"\odot"),
                                factors[-1]], tree.meta)
        return Tree("juxtaposition", [factors[0], Tree("group", [inner], tree.meta)], tree.meta)

    def _juxtaposed(self, tree):
        factors = factors_of(tree)
        coefficients = next((number for number, factor in enumerate(factors)
                             if not is_coefficient(factor)), len(factors))
        if 0 < coefficients < len(factors) - 1 and self._is_ones_factor(factors[coefficients]):
            # `\frac{1}{m} \mathbf{1}^\top M \mathbf{1}`: the ones vector takes its length from
            # the matrix after it; the number multiplies what they make
            return self.resolve(product_of(factors[coefficients:] + factors[:coefficients]))
        if len(factors) > 2 and _is_operator(factors[0]):
            # `\frac{\partial}{\partial z_i} \frac{1}{2} \|y - a\|^2`: the operator applies to
            # the whole product after it, not to its first factor
            return self._apply_operator(self.resolve(factors[0], factor=True),
                                        product_of(factors[1:]), tree)
        inside = next((number for number, factor in enumerate(factors[1:-1], start=1)
                       if _is_operator(factor)), None)
        if inside is not None:
            # `(a_k - t_k) \frac{\partial}{\partial w_{jk}} a_k`: the factors before the operator
            # multiply what it makes of the factors after it
            applied = self._apply_operator(self.resolve(factors[inside], factor=True),
                                           product_of(factors[inside + 1:]), tree)
            return self._multiply(self.resolve(product_of(factors[:inside])), applied, "", tree)
        left, right = tree.children
        if is_indicator(left) and is_group(right) and \
                is_condition(right.children):   # 1[z > 0], \mathbb{1}\{z > 0\}
            return self.resolve(right)
        # `\\bar{z}^T 1`, `1 b^T`: a 1 written next to a matrix is the ones vector (nobody
        # multiplies a matrix by the number 1)
        if is_one(left):
            return self._multiply(ONES, self.resolve(right), "", tree)
        if is_one(right):
            return self._multiply(self.resolve(left), ONES, "", tree)
        called = _called(left, right, tree) if self._names_the_parameters(left) or \
            self._names_a_composite(left, right) else None
        if called is not None:   # `h_\theta(x^{(i)})_k`: entry k of the network's output
            return self.resolve(called)
        a = self.resolve(left, factor=True)
        if isinstance(a, Operator):
            return self._apply_operator(a, right, tree)
        if isinstance(a, (FunctionValue, PoweredFunction)):
            called = _called(left, right, tree)
            return self._call(a, right, tree) if called is None else self.resolve(called)
        if a is ONES:
            b = self.resolve(right)
            return self._multiply(a, b, "", tree)
        b = self.resolve(right, factor=True)
        if isinstance(b, FunctionValue):
            raise Unresolvable(f"{b.name} needs an argument", column_of(right))
        return self._multiply(a, b, "", tree)

    def _joined_letters(self, tree) -> Tree | None:
        """`d Z^{[2]}` -> `dZ^{[2]}` where the notation names `dZ`: the grammar reads a name
        of several letters as a product of letters, this puts it back together. None when
        nothing joins."""
        factors = factors_of(tree)
        names = {entry.base for entry in self.context.notation.entries
                 if not entry.composite and len(entry.base) > 1 and entry.base.isalpha()} | \
            {name for name in LOSS_NAMES if name in self.context.latex}   # `CE(y, \hat{y})`
        if not names:
            return None
        for start in range(len(factors)):
            letters, longest = "", None
            for end in range(start, len(factors)):
                # the last letter may be called: `CE(y, \hat{y})` is the name CE applied
                factor = factors[end]
                called = isinstance(factor, Tree) and factor.data == "call"
                letter, scripts = letter_of(factor.children[0] if called else factor)
                if letter is None:
                    break
                letters += letter
                if end > start and letters in names:
                    longest = letters, end, factor, called, scripts   # (`output`, not `out`)
                if scripts is not None or called:
                    break
            if longest is not None:
                return product_of(factors[:start] + [_joined(factors[start], *longest[:1],
                                                             *longest[2:])]
                                  + factors[longest[1] + 1:])
        return None

    def _slashed_derivative(self, tree) -> Tree | None:
        """`dLoss/dW2`, `dh2/dz2` in plain text: the grammar divides by the `d` alone and
        multiplies the rest on; the letters written against that `d` are the denominator."""
        factors = factors_of(tree)
        slash = factors[0]
        if not (isinstance(slash, Tree) and slash.data == "binary" and
                str(slash.children[1]) == "/"):
            return None
        top, _, bottom = slash.children
        if starts_with_partial(top) and isinstance(bottom, Tree) and bottom.data == "partial":
            # `\partial L / \partial z`: the denominator is the factor after the \partial
            frac = _derivative_frac(top, product_of([bottom, factors[1]]), slash)
            return product_of([frac, *factors[2:]])
        if not (starts_with_d(top) and is_letter_d(bottom)):
            return None
        denominator, end = [slash.children[2]], end_of(slash.children[2])
        for factor in factors[1:]:
            if end is None or start_of(factor) != end:
                break
            denominator.append(factor)
            end = end_of(factor)
        if len(denominator) == 1:
            return None
        rest = factors[len(denominator):]
        frac = _derivative_frac(slash.children[0], product_of(denominator), slash)
        return product_of([frac, *rest])

    def _regrouped(self, tree) -> Tree | None:
        """`W \\cdot d Z`: the grammar binds the product to `d` alone; where `d Z` is a name
        of the notation (`dZ`), the product is of that name (`w_7 * out_{h1}`: the letters may
        run on past the first factor after it). Likewise `A \\odot \\mathbb{1}\\{Z > 0\\}`:
        the condition is the indicator's, not a factor of `A \\odot 1`."""
        left, *rest = factors_of(tree)
        if not (isinstance(left, Tree) and left.data == "binary" and
                str(left.children[1]) not in "+-"):
            return None
        operand, operator, letter = left.children
        inner = product_of([letter, *rest])
        indicator = len(rest) == 1 and is_indicator(letter) and is_group(rest[0]) and \
            is_condition(rest[0].children)
        if not indicator and self._joined_letters(inner) is None:
            return None
        return Tree("binary", [operand, operator, inner], tree.meta)

    def _glued_layer(self, tree) -> Tree | None:
        """`W2`, `\\delta2`, `a1`: a layered symbol with its layer number glued on, as code-like
        derivations name them (the grammar reads a product of the symbol and the number); and
        `W[l]`, `dZ[l+1]`, `A[L-1]^T`: its layer in square brackets right after the name."""
        factors = factors_of(tree)
        for k in range(len(factors) - 1):
            symbol, number, scripts, applied = factors[k], factors[k + 1], None, []
            if isinstance(number, Tree) and number.data == "scripted":   # W2^T, a1^2
                number, scripts = number.children
            if isinstance(number, Tree) and number.data == "call":   # h2(1 - h2): a product
                number, *arguments = number.children
                applied = [Tree("group", arguments, factors[k + 1].meta)]
            if not (isinstance(symbol, Tree) and symbol.data in ("name", "command")):
                continue
            token = symbol.children[0]
            glued = self._glued_mark(number, token)
            layered = [entry for entry in self.context.notation.by_base(str(token))
                       if entry.variable is not None or entry.layer is not None]
            if glued is None or not layered:
                continue
            mark = glued
            scripts = [] if scripts is None else scripts.children
            sup = next((script.children[0] for script in scripts if script.data == "sup"), None)
            if sup is not None:   # the layer, then what the superscript said
                inner = sup.children[0] if sup.data == "script_list" and \
                    len(sup.children) == 1 else sup
                mark = Tree("script_list", [Tree("juxtaposition", [mark, inner])])
            scripts = [script for script in scripts if script.data != "sup"] + \
                [Tree("sup", [mark])]
            glued = Tree("scripted", [symbol, Tree("scripts", scripts)], symbol.meta)
            return product_of(factors[:k] + [glued, *applied] + factors[k + 2:])
        return None

    def _glued_mark(self, mark, name: Token) -> Tree | None:
        """The layer mark written against a name: digits (`W2`) or a bracket (`W[l]`) that
        starts where the name ends. None for anything else."""
        if not isinstance(mark, Tree) or getattr(name, "end_column", None) is None:
            return None
        if mark.data == "number" and str(mark.children[0]).isdigit() and \
                name.end_column == mark.children[0].column:
            return Tree("group", [mark], mark.meta)
        start = start_of(mark) if mark.data == "group" else None
        if start is not None and start == end_of(name) and \
                self.context.latex[start:start + 1] == "[":
            return mark
        return None

    def _applied_inside(self, tree) -> Tree | None:
        """`y \\log a b` is y (log a) b, `D \\sigma'(Z)^T` is D (\\sigma'(Z))^T: a function
        inside a product applies to the factor after it (the grammar reads the product left
        to right). The last such function first: in `y \\log h_\\theta(x)_k` the log is of the
        network's output. None when there is none."""
        factors = factors_of(tree)
        for k in reversed(range(1, len(factors) - 1)):
            if isinstance(factors[k], Tree) and factors[k].data in FUNCTION_HEADS:
                try:   # `\log h_\theta(x)_k`: the network named by its parameters too
                    is_function = self._names_the_parameters(factors[k]) or \
                        self._names_a_composite(factors[k], factors[k + 1]) or isinstance(
                            self.resolve(factors[k]), (FunctionValue, PoweredFunction))
                except Unresolvable:
                    is_function = False
                if is_function:
                    applied = _called(factors[k], factors[k + 1], tree) or \
                        Tree("call", [factors[k], factors[k + 1]])
                    return product_of(factors[:k] + [applied] + factors[k + 2:])
        return None


def sum_over_the_terms_after(tree) -> Tree | None:
    """`-\\sum_i \\sum_j y_j^{(i)} \\log a_j^{(i)} + (1 - y_j^{(i)}) \\log(1 - a_j^{(i)})`: the
    grammar ends a sum at its first term, but terms after it that write its index letters
    (bound by no sum of their own) are inside it, as such formulas mean. The expression with
    those terms in the innermost sum (its sign kept outside); None when there are none."""
    left, op, right = tree.children
    if isinstance(left, Tree) and left.data == "binary" and str(left.children[1]) in "+-":
        left = sum_over_the_terms_after(left) or left
    sign = None
    if isinstance(left, Tree) and left.data == "unary" and str(left.children[0]) == "-":
        sign, left = left.children
    if not (isinstance(left, Tree) and left.data == "big_sum"):
        return None
    sums, body = [], left
    while isinstance(body, Tree) and body.data == "big_sum":
        sums.append(body)
        body = body.children[2]
    if not {letter for total in sums for letter in _summed_letters(total)} & \
            _index_letters(right):
        return None
    widened = Tree("binary", [body, op, right], tree.meta)
    for total in reversed(sums):
        widened = Tree("big_sum", [*total.children[:2], widened], total.meta)
    return widened if sign is None else Tree("unary", [sign, widened], tree.meta)


def _summed_letters(total: Tree) -> set[str]:
    """The index letters `\\sum_{i=1}^{n}`, `\\sum_{i,j}` binds."""
    sub = next((script.children[0] for script in total.children[1].children
                if script.data == "sub"), None)
    if sub is None:
        return set()
    limits = [node for node in sub.iter_subtrees() if node.data == "limit"]
    if limits:
        return {name_of(limit.children[0]) for limit in limits} - {None}
    return {str(token) for token in written_tokens([sub]) if token.type == "LETTER"}


def _index_letters(tree) -> set[str]:
    """The letters `tree` writes in subscripts and superscripts, outside sums of its own."""
    if not isinstance(tree, Tree) or tree.data == "big_sum":
        return set()
    if tree.data in ("sub", "sup"):
        return {str(token) for token in written_tokens([tree]) if token.type == "LETTER"}
    return set().union(*(_index_letters(child) for child in tree.children))


# what a function can be written as: `\log`, `g`, `\sigma'`, `g^{(1)}`, `g^{(1)\prime}`
FUNCTION_HEADS = ("name", "command", "primed", "scripted", "scripted_primed", "primed_scripted")


def _called(function, argument, tree) -> Tree | None:
    """A function applied to the factor after it, where the grammar's reading is not the one
    people mean. `h(u)^2`, `\\sigma(z)^T`, `\\sigma(z)_i`: the grammar gives the scripts to the
    parenthesis (`\\delta (A)^T` is a product), but after a function they are the call's value
    squared, transposed or indexed, `(h(u))^2`; and in `\\sigma(z)_i (1 - a_i)` the second
    parenthesis is a factor, not a call of `(z)_i`. None when the grammar's reading stands."""
    if not isinstance(argument, Tree):
        return None
    if argument.data == "call" and isinstance(argument.children[0], Tree) and \
            argument.children[0].data == "scripted" and is_group(argument.children[0].children[0]):
        head, *rest = argument.children
        return product_of([_called(function, head, tree),
                           Tree("group", rest, argument.meta)])
    if argument.data == "scripted" and is_group(argument.children[0]):
        group, scripts = argument.children
        start = function.meta if isinstance(function, Tree) and \
            not getattr(function.meta, "empty", True) else tree.meta
        call = Tree("call", [function, *group.children], _spanning(start, group.meta))
        return Tree("scripted", [Tree("group", [call], group.meta), scripts], argument.meta)
    return None


def _spanning(first: Meta, last: Meta) -> Meta:
    """Where `first` starts to where `last` ends (the call `h(x)` of `h(x)^T`, as written)."""
    meta = copy(first)
    for end in ("end_pos", "end_line", "end_column"):
        if hasattr(last, end):
            setattr(meta, end, getattr(last, end))
    return meta


def _joined(first, letters: str, last, called: bool, scripts):
    """The name of several letters, from the first letter's factor to the last's; it keeps
    the first letter's column and ends where the last letter ends (`dW[l]`: a bracket glued
    to it); called or scripted as the last letter is."""
    end = last.children[0] if called else last
    end = end.children[0] if end.data == "scripted" else end
    token = Token("NAME", letters, column=column_of(first),
                  end_column=getattr(end.meta, "end_column", None),
                  end_pos=getattr(end.meta, "end_pos", None))
    name = Tree("name", [token], first.meta)
    symbol = name if scripts is None else Tree("scripted", [name, scripts], first.meta)
    return Tree("call", [symbol, *last.children[1:]], last.meta) if called else symbol


def _derivative_frac(top, bottom, tree) -> Tree:
    return Tree("frac", [Token("FRAC", r"\frac"), top, bottom], tree.meta)


def _is_operator(tree) -> bool:
    """`\\frac{\\partial}{\\partial x}`, `\\frac{d}{dx}`, `\\partial_W`, `\\nabla_W`: a
    derivative waiting for what it applies to."""
    if isinstance(tree, Tree) and tree.data == "frac" and len(tree.children) == 3:
        _, top, bottom = tree.children
        return starts_with_partial(top) and is_operator(top) or \
            starts_with_d(top) and starts_with_d(bottom) and is_letter_d(top)
    if isinstance(tree, Tree) and tree.data == "scripted":
        tree = tree.children[0]
    return isinstance(tree, Tree) and tree.data in ("partial", "nabla")
