"""Derivatives between network quantities (`\\frac{\\partial f}{\\partial x}`, `\\nabla_W L`):
evaluated by `sympy.diff` after writing out the nodes in between."""

from __future__ import annotations

import sympy as sp
from lark import Token, Tree
from sympy.matrices.expressions import MatrixExpr

from ..engine import derivative, substitute
from ..network import sample_of, sample_of_loss
from .trees import (after_d, after_partial, column_of, is_letter_d, is_operator, name_of,
                    starts_with_d, starts_with_partial)
from .values import (Indexed, Jacobian, LayerLeftOut, MatrixValue, Operator, Unresolvable,
                     Value, merge_ranges, of_sample)


EXPAND_OPS = 300   # operations up to which `J` is also matched expanded (`J = L + s`)


class CalculusReader:
    """Derivatives between network quantities. A part of `Resolver`."""

    def _rule_frac(self, tree):
        _, top, bottom = tree.children
        if starts_with_partial(top):
            if is_operator(top):   # \frac{\partial}{\partial W} L: an operator on what follows
                return Operator("partial", after_partial(bottom))
            return self._derivative(after_partial(top), after_partial(bottom), tree)
        if starts_with_d(top) and starts_with_d(bottom):   # \frac{dL}{dW}, \frac{d}{dw}
            if is_letter_d(top):
                return Operator("partial", after_d(bottom))
            return self._derivative(after_d(top), after_d(bottom), tree)
        return self._divide(self.resolve(top), self.resolve(bottom), tree)

    def _rule_frac_pair(self, tree):
        """`\\frac12`, `\\frac1m`: TeX's numerator and denominator of one character each."""
        token = tree.children[0]
        text = str(token)
        characters = [(index, char) for index, char in enumerate(text)
                      if index >= len(text.split("frac")[0]) + 4 and not char.isspace()]
        top, bottom = (_character_tree(char, token.column + index) for index, char in
                       characters[-2:])
        return self._divide(self.resolve(top), self.resolve(bottom), tree)

    def _rule_frac_first(self, tree):
        token, bottom = tree.children
        text = str(token).rstrip()
        top = _character_tree(text[-1], token.column + len(text) - 1)
        return self._divide(self.resolve(top), self.resolve(bottom), tree)

    def _rule_partial(self, tree):
        return Operator("partial", None)

    def _rule_nabla(self, tree):
        return Operator("nabla", None)

    # -- operations ---------------------------------------------------------------------------
    def _derivative(self, top, bottom, tree):
        if top is None or bottom is None:
            raise Unresolvable("symnet reads derivatives written \\frac{\\partial f}"
                               "{\\partial x}", column_of(tree))
        if name_of(bottom) in self.context.definitions:
            return self._by_defined(top, bottom, tree)
        try:
            variable = self.resolve(bottom)
        except LayerLeftOut:
            if not self._is_the_loss(top):
                raise
            variable = self._loss_argument(bottom)
        function = self._argument_or_dummy(top, bottom)
        if isinstance(variable, MatrixValue):
            if isinstance(function, MatrixValue):
                return self._jacobian(function, variable, tree)
            if isinstance(function, Indexed) and function.free:
                return self._gradient_of_each(function, variable, tree)
            if not isinstance(function, Indexed):
                raise Unresolvable("the derivative of a non-scalar by a matrix", column_of(tree))
            value = function.at({})
            return MatrixValue(variable.matrix.applyfunc(
                lambda s: self._diff(value, s, tree)), self._adjoint_form(value, variable),
                one_d=self.is_one_d(variable), either_layout=self.either_layout(variable))
        if isinstance(function, MatrixValue):
            raise Unresolvable("the derivative of a matrix by an entry", column_of(tree))
        # d(loss of one sample) / d(that sample's entry) = M d(mean loss) / d(entry)
        factor = (self.network.batch if variable.per_sample and
                  self.network.spec.loss.reduction == "mean" else 1)
        # `\frac{\partial L_i}{\partial z_k}`: the entry's sample, left implicit, is the loss's
        sample = self._sample_of_loss_term(function)
        if sample is not None:
            variable = of_sample(variable, sample, self.network.batch)
        free = function.free | variable.free
        ranges = merge_ranges(function, variable, tree=tree)
        loss = self.graph.nodes["loss"].symbols[0, 0]

        def at(asg):
            value = function.at(asg)
            derivative = self._diff(value, variable.at(asg), tree)
            return factor * derivative if value == loss else derivative
        return Indexed(free, ranges, at)

    def _gradient_of_each(self, function: Indexed, variable: MatrixValue, tree) -> Indexed:
        """`\\frac{\\partial L_i}{\\partial W}` in a sum over i: for each value of the
        function's indices, the matrix of its derivatives, its rows and columns along the
        units axes (a sum over i of them is then a matrix, see `units_matrix`)."""
        down, across = self.unit_axes()
        if function.free & {down, across}:
            raise Unresolvable("the derivative of a non-scalar by a matrix", column_of(tree))
        rows, columns = variable.matrix.shape

        def at(assignment):
            entry = variable.matrix[assignment[down], assignment[across]]
            return self._diff(function.at(assignment), entry, tree)
        return Indexed(function.free | {down, across},
                       {**function.ranges, down: rows, across: columns}, at)

    def _is_the_loss(self, top) -> bool:
        return self._is_loss(self.resolve(top))

    def _loss_argument(self, bottom) -> Value:
        """`\\nabla_a C`, `\\frac{\\partial C}{\\partial a_j}`: an activation written without
        its layer, by which the loss is differentiated, is the output layer's (the one the loss
        is a function of). Anything else left without its layer stays unread."""
        self.output_by_default = True
        try:
            variable = self.resolve(bottom)
        finally:
            self.output_by_default = False
        self.notes.append("an activation without its layer, by which the loss is "
                          "differentiated, read as the output layer's")
        return variable

    def _sample_of_loss_term(self, function: Indexed) -> str | None:
        """The letter of `L_i`, `E^q`: one sample's term of the loss, else None."""
        if len(function.free) != 1:
            return None
        letter = next(iter(function.free))
        return letter if sample_of_loss(self.network, function.at({letter: 0})) is not None \
            else None

    def _by_defined(self, top, bottom, tree) -> Indexed:
        """`\\frac{\\partial J}{\\partial s}` where an earlier claim defined `s` (`J = L + s`
        with `s = \\frac{\\lambda}{2} ...`): J written out, the value of s in it made a
        variable, and the derivative by that variable taken. Read only where s's value
        appears in J as written; else the derivative has no meaning the document fixed."""
        function, variable = self.resolve(top), self.resolve(bottom)
        if not all(isinstance(value, Indexed) and not value.free
                   for value in (function, variable)):
            raise Unresolvable("a derivative by a quantity an earlier claim defined is read "
                               "between scalars only", column_of(tree))
        whole, part = (self._in_leaves(value.at({})) for value in (function, variable))
        stand_in = sp.Dummy(name_of(bottom))
        forms = [(whole, part)]
        if sp.count_ops(whole) < EXPAND_OPS:   # expanding a large loss could take minutes
            forms.append((sp.expand(whole), sp.expand(part)))
        for written, pattern in forms:
            replaced = written.subs(pattern, stand_in)
            if replaced.has(stand_in):
                return Indexed.scalar(sp.diff(replaced, stand_in).subs(stand_in, part))
        raise Unresolvable(f"{name_of(top)} is not written in terms of {name_of(bottom)}, so "
                           f"its derivative by {name_of(bottom)} means nothing fixed",
                           column_of(tree))

    def _in_leaves(self, expression: sp.Expr) -> sp.Expr:
        """Every node in the expression replaced by its definition, down to the leaves."""
        for _ in range(len(self.graph.nodes) + 1):
            replacements = {}
            for symbol in expression.free_symbols:
                owner = self.graph.owner(symbol)
                if owner and self.graph.nodes[owner[0]].definition is not None:
                    replacements[symbol] = self.graph.nodes[owner[0]].definition[owner[1]]
            if not replacements:
                return expression
            expression = expression.xreplace(replacements)
        return expression

    def _jacobian(self, function: MatrixValue, variable: MatrixValue, tree) -> Jacobian:
        """`\\frac{\\partial A}{\\partial Z}` of two matrices: the Jacobian, every entry by
        `sympy.diff`. Tutorials write it in a chain of products, where it is contracted with
        the factor before it, or in a chain of element-wise products, where its diagonal is
        meant: that reading needs each entry of A to depend on its own entry of Z only."""
        symbols = [self._as_variable(entry, tree) for entry in variable.matrix]
        owner = self.graph.owner(symbols[0])
        if owner is None:
            raise Unresolvable("the derivative of a matrix by an expression", column_of(tree))
        written = [self._written_out(value, owner[0]) for value in function.matrix]
        jacobian = sp.Matrix(len(written), len(symbols),
                             lambda b, c: derivative(written[b], symbols[c]))
        diagonal = None
        if function.shape == variable.shape and jacobian == sp.diag(*jacobian.diagonal()):
            diagonal = MatrixValue(sp.Matrix(*variable.shape, list(jacobian.diagonal())))
        return Jacobian(function.shape, variable, jacobian, diagonal)

    def is_one_d(self, variable: MatrixValue) -> bool:
        """A bias with samples as rows: a 1-D vector (NumPy adds it to every row)."""
        if self.network.spec.samples != "rows" or not isinstance(variable.matrix[0], sp.Symbol):
            return False
        owner = self.graph.owner(variable.matrix[0])
        return owner is not None and self.graph.nodes[owner[0]].kind == "bias"

    def either_layout(self, variable: MatrixValue) -> bool:
        """The derivative of a scalar by this quantity may be written as a row or a column:
        it is a vector, and not a weight (a weight of one row is still a matrix, whose
        gradient has its shape)."""
        if not variable.is_vector or not isinstance(variable.matrix[0], sp.Symbol):
            return False
        owner = self.graph.owner(variable.matrix[0])
        return owner is not None and self.graph.nodes[owner[0]].kind != "weight"

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
            name = name_of(bottom)
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
        found = sample_of_loss(self.network, expression)
        if found is not None and self.graph.owner(variable) is not None:
            sample, scale = found
            return scale * self._diff_sample_loss(sample, variable)
        owner = self.graph.owner(variable)
        data_loss = self.network.data_loss if self.network.spec.l2 is not None else None
        if owner is not None and data_loss is not None and hash(expression) == hash(data_loss) \
                and expression == data_loss:   # `C_0`: the loss less its penalty
            name, position = owner
            return self.network.data_adjoint(name)[position]
        target = owner[0]
        return derivative(self._written_out(expression, target), variable)

    def _diff_sample_loss(self, sample: int, variable: sp.Symbol) -> sp.Expr:
        """d (sample's loss term) / d variable from the adjoints: the other samples' terms do
        not depend on this sample's entries, so there the term's derivative is the loss's
        (0 at another sample's); a parameter reaches the term only through this sample's
        entries of the nodes that read it."""
        network, adjoints = self.network, self.network.adjoints
        name, position = self.graph.owner(variable)
        own = sample_of(network, variable)
        if own is not None:
            return adjoints.bars[name][position] if own == sample else sp.Integer(0)
        return sp.Add(*(adjoints.bars[node.name][index] * derivative(definition, variable)
                        for node in self.graph.nodes.values() if name in node.inputs
                        for index, (symbol, definition) in
                        enumerate(zip(node.symbols, node.definition))
                        if sample_of(network, symbol) == sample))

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
                           "network quantity", column_of(tree))

    def _written_out(self, expression: sp.Expr, target: str) -> sp.Expr:
        """The expression with every node that depends on `target` replaced by its definition,
        down to `target`: what `sympy.diff` by a `target` entry needs."""
        cache = self.network.__dict__.setdefault("_written_out", {})
        key = (expression, target)
        if key not in cache:
            cache[key] = self._write_out(expression, target)
        return cache[key]

    def _write_out(self, expression: sp.Expr, target: str) -> sp.Expr:
        # (rebuilt without evaluation, as the engine writes nodes out: re-evaluating `Max(0,
        # big)` asks SymPy's assumptions about the large argument)
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
            expression = substitute(expression, replacements, {})
        return expression


def _descendants(graph, name: str) -> set[str]:
    found = {name}
    for node in graph.nodes.values():
        if any(parent in found for parent in node.inputs):
            found.add(node.name)
    return found




def _character_tree(char: str, column: int) -> Tree:
    if char.isdigit():
        return Tree("number", [Token("NUMBER", char, column=column)])
    return Tree("name", [Token("LETTER", char, column=column)])
