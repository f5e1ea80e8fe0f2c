"""Claim syntax tree -> SymPy, at concrete sizes, through the document's notation table.

Every side of a claim becomes either an `Indexed` value (a SymPy expression for each value of its
free indices: `W_{ij}`, `\\sum_j W_{ij} x_j`) or a `MatrixValue` (vector form: `W^{(2)T} A`),
written in the engine's entry and adjoint symbols. Partial derivatives between network quantities
are evaluated here (`sympy.diff` after writing out the nodes in between), so chain-rule steps are
checkable. One method per syntax-tree rule (`_rule_<name>`), as in SymPy's printers.

Alongside its entries, a whole-matrix value can carry its `form`: the same value as a matrix
expression of the network's vector form (symbolic sizes), built operation by operation while the
claim is read, so that a gradient formula can be compiled at the matrix level. An operation that
has no matrix-expression counterpart leaves the form out (None); the entries are always there.

Samples: a claim that never names a sample is read for one sample (the per-sample network, its
loss the loss of that sample); a claim that names samples (a sample index, the batch size, a
whole batch matrix) is read on the batch, and a quantity written without its sample index then
stands for the average over samples (the convention documents state for omitted sums over m).
"""

from __future__ import annotations

import re

import sympy as sp
from lark import Token, Tree

from ..conventions import ADJOINT_ACCENTS, ALL_PARAMETERS, CASE_ROLES, FUNCTION_NAMES, OTHERWISE
from ..grammar import source_of
from ..notation import PARAMETER_KINDS, normalise
from ..statements import ACCUMULATED, INCREMENT, incremented
from .algebra import BUILTIN_FUNCTIONS, AlgebraReader
from .calculus import CalculusReader
from .differentials import DifferentialReader
from .indices import IndexReader
from .layers import NotationReader
from .matrices import MatrixReader
from .products import ProductReader
from .quantities import QuantityReader
from .trees import (after_partial, column_of, factors_of, is_condition, is_group, is_indicator,
                    is_one, label_of, lone_letter, name_of, product_of, starts_with_partial,
                    styled_one, written_tokens)
from .values import (CLASS, EVERY, IMPLICIT_SAMPLE, ONES, UNIT, UNIT_T, Context,
                     FunctionValue, Indexed, Jacobian, MatrixValue, Operator, PoweredFunction,
                     NeedsBatch, OutOfRange, Unresolvable, Value, map_entries,
                     fixed, of_sample, renamed)

# what a loss may be written as a function of and still be the loss (`J(W, b)`, `E(O)`)
_OWN_VARIABLES = PARAMETER_KINDS | {"activation", "preactivation", "output", "target"}


def _case_role(condition) -> str | None:
    """"last" or "hidden": the units a case's condition names in words, else None."""
    if not isinstance(condition, Tree):
        return None
    words = re.sub(r"\\[A-Za-z]+|[{}.,;]", " ", " ".join(
        str(node.children[0]) for node in condition.iter_subtrees() if node.data == "word"))
    found = {CASE_ROLES[word] for word in words.lower().split() if word in CASE_ROLES}
    return found.pop() if len(found) == 1 else None


class Resolver(NotationReader, QuantityReader, IndexReader, AlgebraReader, CalculusReader,
               DifferentialReader, ProductReader, MatrixReader):
    """One claim's syntax tree -> values, through the notation; each part reads one kind of thing
    (names and layers, quantities, indices, algebra, calculus), this class dispatches the
    syntax-tree rules to them."""

    def __init__(self, context: Context):
        self.context = context
        self.network = context.network
        self.graph = context.network.graph
        self.index_scope: list[str] = []
        self.batch_letters: set[str] = set()   # sum indices that run over the batch
        self.entry_aliases: dict[str, str] = {}   # in a sum over samples: entry letters
        self.sites: list[tuple] = []   # ("index", column, letter) and ("layer", column, number)
        self.adjoint_wanted = False       # reading under a bar: the node's adjoint is meant
        self.superscript_first = False    # the symbol being read was written w^l_{jk}
        self.counterpart = None           # the other side's value, once it is read
        self.notes: list[str] = []        # how an informal notation was read, for the verdict
        self.one_sample = False           # the symbol being read names one sample's vector
        self.output_by_default = False    # an activation without its layer is the output's
        self.class_samples: set[str] = set()   # the samples whose class labels are indices
        self.loss_samples: set[str] = set()    # the sample letters of loss terms (`L_i`)
        self.adjoint_wanted_used = False
        self.parameters_at_any_layer = 0   # weights and biases read at the claim's any layer
        # Einstein's convention: an index repeated in a product is summed, unless the left side
        # has it free (`\delta_j = \sigma'(z_j) W_{ij} \delta_i` sums i, not j) or a written
        # \sum binds it
        self.outer_indices: frozenset = frozenset()
        self.summing: set[str] = set()
        self.term_nodes: frozenset[int] = frozenset()   # the product nodes of the term being read
        self.term_repeats: list[set[str]] = []   # per term being read: letters two factors have
        self.repeated: set[str] = set()   # such indices left unsummed (for the verdict's hint)

    # -- entry points ---------------------------------------------------------------------
    def declare_arguments(self, tree) -> None:
        """`f(x, y) = ...` defines f for every x, y, and `\\partial f(x) / \\partial x` is f's
        derivative: their argument letters are dummies in this link. An argument the claim
        also writes with an index (`\\mathrm{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}`)
        is a vector of them."""
        if isinstance(tree, Tree) and tree.data == "frac" and starts_with_partial(
                tree.children[1]):
            top = _call_of(after_partial(tree.children[1]))
            bottom = after_partial(tree.children[2])
            if isinstance(bottom, Tree) and bottom.data == "scripted":   # `\partial z_j`
                bottom = bottom.children[0]
            name = name_of(bottom) if isinstance(bottom, Tree) and bottom.data == "name" \
                else None
            if name and top is not None and any(
                    name_of(argument) == name for argument in top[1]
                    if isinstance(argument, Tree)):
                self._declare_dummy(name)
            return
        call = _call_of(tree)
        if call is None:
            return
        callee, arguments = call
        function = self._function_of(callee)
        if isinstance(function, FunctionValue):
            for argument in arguments:
                name = name_of(argument) if isinstance(argument, Tree) else None
                # a letter the conventions give a meaning (x the input) is still an argument
                known = any(not entry.convention for entry in
                            self.context.notation.by_base(name or "")) or \
                    name in self.network.sizes
                if name and len(name) == 1 and not known:
                    self._declare_dummy(name)

    def _function_of(self, callee):
        try:
            return self.resolve(callee)
        except Unresolvable:
            return None

    def _declare_dummy(self, name: str) -> None:
        """A scalar variable of the claim, or a vector of them, as wide as the output (the
        width the claim's own limits, `\\sum_{j=1}^{K}`, most likely give it)."""
        vector = re.search(r"(?<![A-Za-z\\])" + re.escape(name) + r"\s*_", self.context.latex)
        if not vector:
            self.context.dummies[name] = sp.Symbol(f"_{name}", real=True)
            return
        shape = self.graph.nodes[self.network.output_name()].symbols.shape
        width = shape[1] if self.network.spec.samples == "rows" else shape[0]
        entries = tuple(sp.Symbol(f"_{name}{k + 1}", real=True) for k in range(max(width, 2)))
        self.context.vector_dummies[name] = entries
        self.context.dummies.update({f"{name}[{k}]": entry for k, entry in enumerate(entries)})

    def keep_free(self, left) -> None:
        """The left side's free indices stay free in the right side's products."""
        self.outer_indices = frozenset(left.free) if isinstance(left, Indexed) else frozenset()

    def side(self, tree, average: bool = True,
             jacobian: bool = False) -> Indexed | MatrixValue | Jacobian:
        """One side of a relation; a sample index left implicit is averaged over unless
        `average` is false (then it stays a free index, `_m`). With `jacobian`, a derivative
        of a matrix by a matrix stays a Jacobian, for `as_compared` to read beside the other
        side."""
        value = self.resolve(tree, factor=jacobian)
        if isinstance(value, Jacobian):
            return value
        if isinstance(value, (FunctionValue, Operator, PoweredFunction)) or value is ONES:
            raise Unresolvable("a function or operator without its argument", column_of(tree))
        if isinstance(value, Indexed) and CLASS in value.free:
            value = self._by_class(value, tree)
        if average and isinstance(value, Indexed) and IMPLICIT_SAMPLE in value.free:
            value = self._of_the_loss_sample(value) or self._mean_over_samples(value)
        if isinstance(value, Indexed) and value.free & {UNIT, UNIT_T}:
            # a sample's vector, A^{[2](i)}, or an outer product of two, \delta_n a_n^T
            if value.free <= {UNIT, UNIT_T}:
                value = self.units_matrix(value)
            # (with other free indices, `\delta_n = W^T \delta_n` for each sample n, the
            # vector's units stay an index, compared entry by entry)
        if isinstance(value, Indexed) and value.free == {EVERY}:
            value = self._vector_along(value, EVERY)   # \sum_i \delta_{:,i}: a whole column
        return value

    def _vector_along(self, value: Indexed, index: str) -> MatrixValue:
        """The entries along `index` as one sample's vector: a column, or a row when the
        samples are rows."""
        column = sp.Matrix([value.at({index: k}) for k in range(value.ranges[index])])
        return MatrixValue(column.T if self.network.spec.samples == "rows" else column)

    def _of_the_loss_sample(self, value: Indexed) -> Indexed | None:
        """`\\frac{\\partial L_i}{\\partial z_k} = a_k - y_k`: beside one sample's loss term, a
        quantity whose sample is left implicit is that sample's."""
        if len(self.loss_samples) != 1:
            return None
        sample = next(iter(self.loss_samples))
        if sample in value.free:
            return None
        return of_sample(value, sample, self.network.batch)

    def resolve(self, tree, factor: bool = False) -> Value:
        """The value of `tree`; a Jacobian only for a `factor` of a product, which contracts
        it (everywhere else a Jacobian means its diagonal, or is not read)."""
        if isinstance(tree, Token):
            raise Unresolvable(f"unexpected {str(tree)!r}", tree.column)
        value = self._composite(tree)
        if value is None:
            rule = getattr(self, f"_rule_{tree.data}", None)
            if rule is None:
                raise Unresolvable(f"symnet does not read {tree.data.replace('_', ' ')} here",
                                   column_of(tree))
            value = self._in_term(tree, rule) if self.starts_term(tree) else rule(tree)
        return value if factor else self._diagonal_of(value, tree)

    # -- notation ---------------------------------------------------------------------------
    def _rule_name(self, tree):
        return self._symbol(tree)

    _rule_command = _rule_name
    _rule_word = _rule_name

    def _diagonal_matrix(self, value, tree) -> MatrixValue:
        """`\\operatorname{diag}(v)`: the square matrix with the vector v on its diagonal (a
        Jacobian written out: `\\delta = \\operatorname{diag}(f'(z)) W^T \\delta'`)."""
        if not isinstance(value, MatrixValue) or 1 not in value.shape:
            shape = "x".join(map(str, value.shape)) if isinstance(value, MatrixValue) else ""
            raise Unresolvable(f"diag of a {shape or 'non-vector'} matrix: symnet reads diag of a "
                               "vector", column_of(tree))
        return MatrixValue(sp.diag(*value.matrix))

    def _rule_script_atom(self, tree):
        """A one-character subscript standing for itself: `\\nabla_a C`, `\\partial_2`."""
        text = str(tree.children[0])
        return Indexed.scalar(sp.Integer(int(text))) if text.isdigit() else self._symbol(tree)

    def _rule_styled(self, tree):
        inner = tree.children[1]
        if isinstance(inner, Tree) and inner.data == "scripted":
            return self.resolve(inner)   # `\pmb{v_{jk}}`: the style around a whole entry's name
        return ONES if styled_one(tree) else self._symbol(tree)

    def _rule_number(self, tree):
        number = sp.Rational(str(tree.children[0]))
        return Indexed.scalar(number, number)

    def _rule_group(self, tree):
        values = [child for child in tree.children if not isinstance(child, Token)]
        if len(values) != 1:
            raise Unresolvable("a list of arguments without a function", column_of(tree))
        return self.resolve(values[0], factor=True)   # the caller says what a Jacobian is

    def _rule_scripted(self, tree):
        base, scripts = tree.children
        accumulated = self._accumulated_weights(tree)
        if accumulated is not None:
            return accumulated
        joined = self._joined_letters(base) if isinstance(base, Tree) and \
            base.data == "juxtaposition" else None
        if joined is not None and isinstance(joined, Tree) and joined.data == "name":
            base = joined   # {dz}^{[l]}: a name of several letters, braced, with its layer
        sub = sup = None
        for script in scripts.children:
            if script.data == "sub":
                sub = script.children[0]
            else:
                sup = script.children[0]
        self.superscript_first = scripts.children[0].data == "sup"   # w^2_{jk}: 2 a layer
        # `(A + B)^T`, and `{W^{(2)}}^\top`: a symbol braced with its own scripts, then
        # transposed or raised as a whole (so is `\frac{\partial J}{\partial z}^T`)
        if isinstance(base, Tree) and base.data in ("group", "scripted", "frac"):
            _, _, transpose, power = self._read_superscript(sup)
            # `(\frac{\partial a}{\partial z})^T`: a Jacobian stays one, transposed
            value = self.resolve(base, factor=transpose and sub is None and power is None)
            if sub is not None:   # `(\mathbf{1}^\top \delta)_j`: an entry of what it computes
                value = self._entry_of(value, sub, tree)
            if transpose:
                value = self._transpose(value, tree)
            if power is not None:
                value = self._power(value, power, tree)
            return value
        if is_indicator(base) and sup is None and isinstance(sub, Tree):
            if is_condition(sub.children):
                return self.resolve(sub.children[0])   # \mathbb{1}_{z > 0}: the indicator
            if len(sub.children) == 1 and isinstance(sub.children[0], Tree) and \
                    sub.children[0].data == "limit" and str(sub.children[0].children[1]) == "=":
                # \mathbb{1}_{k = y_i}: an equality in a subscript reads like a sum's limit
                return self.resolve(Tree("comparison", sub.children[0].children, sub.meta))
        if self._is_ones(base):
            # `\mathbf{1}^\top M`, `\mathbf{1}_n b`: the ones vector, its length from the
            # matrix next to it (a subscript only says what that length is)
            _, _, transpose, power = self._read_superscript(sup)
            if power is None and (transpose or sup is None):
                return ONES
        if isinstance(base, Tree) and base.data == "norm":
            value = self.resolve(base)
            _, _, _, power = self._read_superscript(sup)
            return value if power is None else self._power(value, power, tree)
        if isinstance(base, Tree) and base.data in ("partial", "nabla"):
            return Operator(base.data, sub)
        if isinstance(base, Tree) and base.data == "accent" and self._bar_means_adjoint(base):
            accent, inner = base.children   # \bar{W}^{(2)}: the adjoint of W^{(2)}
            return self._adjoint_of(Tree("scripted", [inner, scripts], tree.meta))
        if self._is_space(base, sub, sup):   # \mathbb{R}^{n \times m}: a space of matrices
            return self._space(sup, tree)
        if self._is_euler(base, sub, sup):   # e^{-z}: the exponential
            argument = sup.children[0] if sup.data == "script_list" else sup
            return self._call(BUILTIN_FUNCTIONS[r"\exp"], argument, tree)
        named = self._function_named_by(base, sub, sup)
        return named if named is not None else self._symbol(base, sub, sup)

    def _function_named_by(self, base, sub, sup) -> Value | None:
        """`g_{\\text{ReLU}}`, `g_{softmax}`: a function letter with the name of an activation
        as its subscript is that activation (a `[notation]` key written so wins before)."""
        label = label_of(sub) if sub is not None and sup is None else None
        if label not in FUNCTION_NAMES or not (isinstance(base, Tree) and
                                               base.data in ("name", "command")):
            return None
        return self.resolve(Tree("name", [Token("NAME", label, column=column_of(sub))],
                                 sub.meta))

    def _entry_of(self, value, sub, tree) -> Value:
        return self.entries_at(value, self._read_subscript(sub), tree)

    def entries_at(self, value, indices: list, tree) -> Value:
        """The entries `indices` (letters or 0-based numbers) of a value written whole:
        `(A + B)_{ij}`, and of each sample's vector, `(h_\\theta(x^{(i)}))_k`."""
        if isinstance(value, Indexed) and UNIT in value.free and len(value.free) > 1 and \
                UNIT_T not in value.free:
            return self._unit_entry(value, indices, tree)
        value = self.units_matrix(value) or value   # (\sum_q \frac{\partial E^q}{\partial W})_{ij}
        if not isinstance(value, MatrixValue):
            raise Unresolvable("a subscript on a parenthesised expression that is not a "
                               "matrix", column_of(tree))
        rows, cols = value.shape
        if len(indices) == 1 and 1 in (rows, cols):
            indices = [indices[0], 0] if cols == 1 else [0, indices[0]]
        if len(indices) != 2:
            raise Unresolvable(f"{len(indices)} indices on a {rows}x{cols} matrix",
                               column_of(tree))
        return self._entries(value.matrix, indices, None, None, False, tree)

    def _unit_entry(self, value: Indexed, indices: list, tree) -> Indexed:
        """Entry `k` of each sample's vector (`(h_\\theta(x^{(i)}))_k`, the output's entry k for
        sample i): the vector's units become the index the subscript writes."""
        if len(indices) != 1:
            raise Unresolvable(f"{len(indices)} indices on each sample's vector: write one",
                               column_of(tree))
        index, size = indices[0], value.ranges[UNIT]
        if isinstance(index, str):
            if index in value.free:
                raise Unresolvable(f"index {index} is already the sample's", column_of(tree))
            return renamed(value, {UNIT: index})
        if not 0 <= index < size:
            origin = self.context.index_origin
            raise OutOfRange(f"index {index + origin} is out of range "
                             f"({origin}..{size - 1 + origin})", column_of(tree))
        return fixed(value, {UNIT: index})

    def _is_ones(self, base) -> bool:
        return is_one(base) or isinstance(base, Tree) and base.data == "styled" and \
            styled_one(base)

    def _is_space(self, base, sub, sup) -> bool:
        return name_of(base) in ("R", r"\mathbb{R}", "\\R") and sub is None and \
            sup is not None and not self.context.notation.by_base("R") and \
            "R" not in self.network.sizes

    def _space(self, sup, tree) -> MatrixValue:
        """`\\mathbb{R}^{n \\times m}` (or `^n`): a matrix of that shape standing for the space,
        for `W \\in \\mathbb{R}^{n \\times m}` (only shapes are compared)."""
        dimensions = sup.children[0] if sup.data == "script_list" and \
            len(sup.children) == 1 else sup
        factors = []
        while isinstance(dimensions, Tree) and dimensions.data == "binary" and \
                str(dimensions.children[1]) in (r"\times", "*", r"\cdot"):
            factors.insert(0, dimensions.children[2])
            dimensions = dimensions.children[0]
        factors.insert(0, dimensions)
        sizes = []
        for factor in factors:
            try:
                sizes.append(self._layer_expression(factor))
            except Unresolvable:   # (`\mathbb{R}^h`: a size the prose names, not a layer)
                raise Unresolvable(f"the size {source_of(factor, self.context.latex).strip()!r}"
                                   " of this space is none of the network's sizes; name it in "
                                   "[network] sizes", column_of(factor)) from None
        if len(sizes) > 2 or None in sizes or any(size < 1 for size in sizes):
            raise Unresolvable("symnet reads spaces as R^{n \\times m} with sizes it knows",
                               column_of(tree))
        return MatrixValue(sp.zeros(sizes[0], sizes[1] if len(sizes) == 2 else 1))

    def _is_euler(self, base, sub, sup) -> bool:
        """`e^{-z}`: Euler's number raised; not `e^{(3)}`, a letter with a layer mark (which a
        notation with `e^{(l)}` names, while its `e^{-z}` stays Euler's)."""
        if not (isinstance(base, Tree) and base.data in ("name", "word", "styled") and
                name_of(base) == "e" and sub is None and sup is not None):
            return False
        mark = sup.children[0] if sup.data == "script_list" and len(sup.children) == 1 else sup
        layer_mark = isinstance(mark, Tree) and mark.data == "group" and \
            len(mark.children) == 1 and (name_of(mark.children[0]) in self.context.layers or
                                         isinstance(mark.children[0], Tree) and
                                         mark.children[0].data == "number")
        named = any(entry.variable is None and entry.layer is None
                    for entry in self.context.notation.by_base("e"))
        return not layer_mark and not named and "e" not in self.context.dummies and \
            "e" not in self.index_scope and name_of(sup) not in ("T", r"\top")

    def _rule_accent(self, tree):
        """`\\bar{z}`, `\\overline{y_i}`, `\\overline{\\mathcal{L}}`: the notation's symbol if it
        has one, else the adjoint of the quantity under the bar (a convention)."""
        if not self._bar_means_adjoint(tree):
            return self._symbol(tree)
        return self._adjoint_of(tree.children[1])

    def _bar_means_adjoint(self, tree) -> bool:
        accent = str(tree.children[0])
        name = name_of(tree)
        known = name is not None and (self.context.notation.by_base(normalise(name)) or
                                      name in self.context.definitions)
        return not known and accent in ADJOINT_ACCENTS

    def _adjoint_of(self, tree):
        outer, self.adjoint_wanted = self.adjoint_wanted, True
        try:
            value = self.resolve(tree)
        finally:
            self.adjoint_wanted = outer
        if self.adjoint_wanted_used:
            self.adjoint_wanted_used = False
            return value
        raise Unresolvable("a bar over something that is not a network quantity (symnet reads "
                           "\\bar{x} as the derivative of the loss by x)", column_of(tree))

    def _increment_of(self, tree) -> Tree | None:
        """`\\frac{1}{m} \\Delta W`, once a claim accumulated `\\Delta W`: the product with
        `\\Delta W` as one factor (the grammar binds `\\Delta` to the factor before it)."""
        definition = self.context.definitions.get(INCREMENT)
        if definition is None or definition[0] is not ACCUMULATED:
            return None
        factors = factors_of(tree)
        for k, factor in enumerate(factors[:-1]):
            if name_of(factor) == INCREMENT:
                increment = Tree("increment", [factor, factors[k + 1]], factors[k + 1].meta)
                return product_of([*factors[:k], increment, *factors[k + 2:]])
        return None

    def _accumulated_weights(self, tree):
        """`\\Delta^{(l)}`, `\\Delta^{(l)}_{ij}` once a claim accumulated it: the gradient of
        that layer's weights (entry ij) summed over the samples; None for anything else."""
        definition = self.context.definitions.get(INCREMENT)
        if definition is None or definition[0] is not ACCUMULATED:
            return None
        target = incremented(tree, self.context.notation)
        return None if target is None else self._accumulated(target, tree)

    def _rule_increment(self, tree):
        return self._accumulated(tree.children[1], tree)

    def _rule_accumulated(self, tree):
        raise Unresolvable("\\Delta without the quantity it accumulates", column_of(tree))

    def _accumulated(self, target, tree):
        """`\\Delta W` after a claim accumulated it (`\\Delta W := \\Delta W + \\nabla_W
        J(W,b;x,y)` in a loop over the samples): W's gradient summed over the samples, of each
        sample's own loss (the penalty, which belongs to no sample, left out)."""
        if not self.context.batch:
            raise NeedsBatch
        outer, self.context.sample_share = self.context.sample_share, True
        try:
            value = self._adjoint_of(target)
        finally:
            self.context.sample_share = outer
        if self.network.spec.loss.reduction != "mean":
            return value
        forms = self.context.forms
        samples = Indexed.scalar(sp.Integer(self.network.batch), None if forms is None else
                                 forms.spec.size_symbol(self.network.spec.batch))
        return self._multiply(samples, value, "", tree)

    def _rule_comparison(self, tree):
        """`1(z > 0)`: 1 where the condition holds, else 0 (entry by entry); `1(y_i = k)`
        of a class label, 1 where the sample's class is k."""
        left, relation, right = tree.children
        if str(relation) in ("=", r"\neq", r"\ne") and all(
                lone_letter(side) is not None for side in (left, right)):
            # `1(y_i = k)`, `\text{if } i = k`, `i \neq k`: of index letters (or a sample's
            # class), a Kronecker delta, or one less it
            same = self._kronecker(self._read_subscript(Tree("script_list", [left, right])),
                                   tree)
            return same if str(relation) == "=" else map_entries(same, lambda value: 1 - value)
        if str(relation) == "=":
            indices = self._read_subscript(Tree("script_list", [left, right]))
            if CLASS in indices:
                return self._kronecker(indices, tree)
        steps = {">": 0, r"\gt": 0, r"\geq": 1, r"\ge": 1}
        flipped = {"<": 0, r"\lt": 0, r"\leq": 1, r"\le": 1}
        relation = str(relation)
        if relation in flipped:
            left, right, relation = right, left, ">" if flipped[relation] == 0 else r"\geq"
        if relation not in steps:
            raise Unresolvable(f"symnet reads conditions with >, <, \\geq, \\leq, not "
                               f"{relation}", column_of(tree))
        at_zero = steps[relation]
        self.sampled_on_both_signs([tree])   # (a function's argument a condition tests)
        difference = self._add(self.resolve(left), self._scale(self.resolve(right), -1, tree),
                               tree)
        step = FunctionValue("step", lambda z: sp.Heaviside(z, at_zero))
        if isinstance(difference, MatrixValue):
            return MatrixValue(difference.matrix.applyfunc(step.apply))
        return map_entries(difference, step.apply)

    def _rule_cases(self, tree):
        """`\\begin{cases} 1 & z > 0 \\\\ 0 & \\text{otherwise} \\end{cases}`: the value of the
        first case whose condition holds (entry by entry); the last case is what is left."""
        rows = [(row.children[0], row.children[1]) for row in tree.children]
        by_role = self._case_for_the_layer(rows, tree)
        if by_role is not None:
            return self.resolve(by_role)
        *earlier, (value, condition) = rows
        if not (isinstance(condition, Tree) and condition.data == "word" and
                name_of(condition).lower() in OTHERWISE):
            earlier.append((value, condition))
            value = None
        result = self.resolve(value) if value is not None else None
        for value, condition in reversed(earlier):
            if not (isinstance(condition, Tree) and condition.data == "comparison"):
                raise Unresolvable("a case whose condition is not a comparison (symnet reads "
                                   "z > 0, z \\leq 0, \\text{otherwise})", column_of(condition))
            holds = self.resolve(condition)
            chosen = self._multiply(holds, self.resolve(value), r"\odot", tree)
            if result is not None:
                rest = self._add(Indexed.scalar(sp.Integer(1), sp.Integer(1)),
                                 self._scale(holds, -1, tree), tree)
                chosen = self._add(chosen, self._multiply(rest, result, r"\odot", tree), tree)
            result = chosen
        return result

    def _case_for_the_layer(self, rows, tree):
        """`\\delta_j = \\begin{cases} ... & \\text{if } j \\text{ is an output neuron} \\\\ ... &
        \\text{if } j \\text{ is an inner neuron} \\end{cases}`: cases by the units they are for,
        the case of the layer the claim is read at; None for cases of other conditions."""
        roles = [_case_role(condition) for _, condition in rows]
        if not any(roles) or None in roles[:-1] or roles[-1] is None and not (
                isinstance(rows[-1][1], Tree) and rows[-1][1].data == "word" and
                name_of(rows[-1][1]).lower() in OTHERWISE):
            return None
        layers = {self._network_layer(layer) for layer in self.context.layers.values()}
        if len(layers) != 1:
            raise Unresolvable("cases for the output and the inner units, in a claim about no "
                               "one layer", column_of(tree))
        role = "last" if layers.pop() == self.network.depth else "hidden"
        return next((value for (value, _), found in zip(rows, roles) if found in (role, None)),
                    None) or rows[-1][0]

    def _rule_primed(self, tree):
        base, *primes = tree.children
        value = self.resolve(base)
        if not isinstance(value, FunctionValue):
            raise Unresolvable("a prime on something that is not a function", column_of(tree))
        for _ in primes:
            value = self.derivative_of(value, tree)
        return value

    def _rule_scripted_primed(self, tree):
        base, scripts, *primes = tree.children
        value = self._rule_scripted(Tree("scripted", [base, scripts], tree.meta))
        for _ in primes:
            value = self.derivative_of(value, tree)
        return value

    def _rule_primed_scripted(self, tree):
        """`f'^2(z)`: a power of the derivative; `f'^{(l)}(z)`: the derivative of the function
        of layer l (the prime written before the layer mark)."""
        base, *rest = tree.children
        scripts = rest[-1]
        sup = next((s.children[0] for s in scripts.children if s.data == "sup"), None)
        layer, _, _, power = self._read_superscript(sup)
        if layer is not None:
            value = self._rule_scripted(Tree("scripted", [base, scripts], tree.meta))
        else:
            value = self.resolve(base)
        for _ in rest[:-1]:
            value = self.derivative_of(value, tree)
        return value if power is None or layer is not None else PoweredFunction(value, power)

    def _rule_call(self, tree):
        callee, *arguments = tree.children
        if is_indicator(callee) and is_condition(arguments):   # 1(z > 0), \mathbb{I}(z > 0)
            return self.resolve(arguments[0])
        if name_of(callee) in DIAGONAL_NAMES and len(arguments) == 1 and \
                not self.context.notation.by_base(name_of(callee)):
            return self._diagonal_matrix(self.resolve(arguments[0]), tree)
        diagonal = self._diagonal_function(callee)
        if diagonal is not None and len(arguments) == 1:
            # `\Sigma'(z)`: the diagonal matrix of the entries of `\sigma'(z)`
            return self._diagonal_matrix(
                self.resolve(Tree("call", [diagonal, arguments[0]], tree.meta)), tree)
        output = self._network_output(callee, arguments, tree) or \
            self._example_loss_of_sample(callee, arguments)
        if output is not None:
            return output
        try:
            function = self.resolve(callee)
        except Unresolvable:
            borrowed = self._with_layer_of(callee, arguments)
            if borrowed is None:
                raise
            function = self.resolve(borrowed)
        group = Tree("group", arguments, tree.meta)
        if isinstance(function, (FunctionValue, PoweredFunction)):
            return self._call(function, group, tree)
        if isinstance(function, Operator):
            return self._apply_operator(function, group, tree)
        if self._is_time_index(arguments):   # W(t+1), w[k]: the value at a step of training
            return function
        at_sample = self._at_sample(function, arguments, tree)
        if at_sample is not None:   # `y(x)`, `a^L(x)` in `\sum_x`: the value for sample x
            return at_sample
        if self._is_loss(function) and self._are_parameters(arguments, _OWN_VARIABLES):
            # `J(\theta)`, `J(W, b)`, `E(O)`: the loss, as a function of the parameters or of
            # the network's values it is computed from
            return function
        sample = self._example_of_loss(function, arguments)
        if sample is not None:   # `J(W,b;x^{(i)},y^{(i)})`: the loss of example i alone
            if isinstance(sample, str):
                self.loss_samples.add(sample)
            else:
                # `J(W,b;x,y)`: the loss of the example (x, y); the vectors the claim writes
                # whole (`\nabla_{b} J(W,b;x,y) = \delta`) are that example's
                self.context.sample_vectors = True
            return self.loss_of_sample(sample, own=True)
        if any(isinstance(argument, Token) for argument in arguments):
            # `\varepsilon(z, y)`: a named value followed by its arguments, as documentation
            return function
        return self._multiply(function, self.resolve(group), "", tree)

    def _example_loss_of_sample(self, callee, arguments) -> Indexed | None:
        """`\\mathcal{L}(a^{(i)}, y^{(i)})` with `\\mathcal{L}` one example's loss: the own
        loss of the one sample its arguments mark. None for any other call."""
        entries = self.context.notation.by_base(normalise(name_of(callee) or "")) \
            if isinstance(callee, Tree) else []
        if not any(entry.meaning.example for entry in entries):
            return None
        samples = {str(token) for token in written_tokens(arguments)} & self.sample_letters()
        if len(samples) != 1:
            return None
        sample = samples.pop()
        self.loss_samples.add(sample)
        return self.loss_of_sample(sample, own=True)

    def _diagonal_function(self, callee) -> Tree | None:
        """`\\Sigma'` where the notation does not name `\\Sigma`: the capital of a function's
        letter, primed, is the diagonal matrix of that function's derivative (Nielsen's
        `\\Sigma'(z^L)`); the function's callee (`\\sigma'`), else None."""
        if not (isinstance(callee, Tree) and callee.data == "primed"):
            return None
        base, *primes = callee.children
        small = DIAGONAL_CAPITALS.get(name_of(base) or "")
        if small is None or self.context.notation.by_base(name_of(base)):
            return None
        letter = Token.new_borrow_pos("COMMAND", small, base.children[0])
        return Tree("primed", [Tree("command", [letter], base.meta), *primes], callee.meta)

    def _network_output(self, callee, arguments, tree) -> Value | None:
        """`h_{W,b}(x)`, `h_\\theta(x^{(i)})`, `f_\\theta(x)`: a function subscripted with the
        network's parameters and called with its input is the network itself, its output for
        that input (with a sample mark, that sample's). None for any other call."""
        values = [argument for argument in arguments if not isinstance(argument, Token)]
        if len(values) != 1 or not self._names_the_parameters(callee):
            return None
        argument = values[0]
        base = argument.children[0] if isinstance(argument, Tree) and \
            argument.data == "scripted" else argument
        inputs = [entry for entry in self.context.notation.by_base(name_of(base) or "")
                  if entry.meaning.kind == "input"]
        if not inputs:
            return None
        self.resolve(argument)   # the input must be readable here (one sample, or the batch)
        samples = {str(token) for token in written_tokens([argument])} & self.sample_letters()
        self.one_sample = inputs[0].one_sample
        try:
            return self._node_value(self.network.output_name(), False, [],
                                    samples.pop() if len(samples) == 1 else None, tree)
        finally:
            self.one_sample = False

    def _names_the_parameters(self, callee) -> bool:
        """`h_{W,b}`, `h_\\theta`: a name whose subscript lists only parameters."""
        if not (isinstance(callee, Tree) and callee.data == "scripted"):
            return False
        scripts = callee.children[1].children
        return len(scripts) == 1 and scripts[0].data == "sub" and \
            self._are_parameters(scripts[0].children)

    def _are_parameters(self, trees, kinds=PARAMETER_KINDS) -> bool:
        """Whether `trees` (`W, b`, `\\theta`) name only parameters: the weights and biases,
        or \\theta standing for them all (or only quantities of the other `kinds`)."""
        names = [str(token) for token in written_tokens(trees)
                 if token.type in ("LETTER", "COMMAND")]
        return bool(names) and all(name in ALL_PARAMETERS or any(
            entry.meaning.kind in kinds for entry in
            self.context.notation.by_base(name)) for name in names)

    def _example_of_loss(self, function, arguments) -> str | int | None:
        """The sample of `J(W,b;x^{(i)},y^{(i)})`, the loss called with one sample's data: the
        one sample letter its arguments write, or read for one sample, `J(W,b;x,y)` with the
        input, that sample. None for any other call."""
        if not self._is_loss(function):
            return None
        letters = {str(token) for token in written_tokens(arguments)}
        samples = letters & self.sample_letters()
        if len(samples) == 1:
            return samples.pop()
        inputs = {letter for letter in letters if any(
            entry.meaning.kind == "input" for entry in self.context.notation.by_base(letter))}
        return 0 if inputs and not samples and not self.context.batch else None

    def _with_layer_of(self, callee, arguments) -> Tree | None:
        """`g(Z^{[l]})`, `g(Z[l])`, `g'(z^{[1]})` with g a layered function written bare: the
        function of its argument's layer, `g^{[l]}` (primed as written). None when the
        argument has no layer mark."""
        values = [argument for argument in arguments if not isinstance(argument, Token)]
        primes = []
        if isinstance(callee, Tree) and callee.data == "primed":
            callee, *primes = callee.children
        if not (isinstance(callee, Tree) and callee.data in ("name", "command") and
                len(values) == 1):
            return None
        argument = values[0]
        if isinstance(argument, Tree) and argument.data == "juxtaposition":
            argument = self._glued_layer(argument)
        if not (isinstance(argument, Tree) and argument.data == "scripted"):
            return None
        base, scripts = argument.children
        marks = [script for script in scripts.children if script.data == "sup"]
        layered = any(entry.variable is not None or entry.layer is not None
                      for entry in self.context.notation.by_base(name_of(base) or ""))
        if not (marks and layered):
            return None
        if primes:
            return Tree("scripted_primed", [callee, Tree("scripts", marks), *primes], callee.meta)
        return Tree("scripted", [callee, Tree("scripts", marks)], callee.meta)

    def _is_time_index(self, arguments) -> bool:
        """`(t)`, `(t+1)`: one argument made of a letter no notation, size, index or dummy
        knows (and numbers); or of the letter the notation declares the iteration's, `(n)`."""
        values = [argument for argument in arguments if not isinstance(argument, Token)]
        if len(values) != 1:
            return False
        letters = [token for token in values[0].scan_values(lambda v: isinstance(v, Token))
                   if token.type == "LETTER"] if isinstance(values[0], Tree) else []
        if len(letters) != 1:
            return False
        letter = str(letters[0])
        if letter in self.context.notation.marker("iteration"):
            return True
        known = self.context.notation.by_base(letter) or letter in self.network.sizes or \
            letter in self.context.dummies or letter in self.index_scope or \
            letter in self.context.layers or letter in self.context.definitions
        return letter == "t" and not known

    def _rule_derivative_operator(self, tree):
        _, sub, operand = tree.children
        variable = sub.children[0]
        if isinstance(variable, Tree) and variable.data == "script_list" and \
                len(variable.children) == 1:
            variable = variable.children[0]
        return self._derivative(operand, variable, tree)

    def _rule_unary(self, tree):
        op, operand = tree.children
        value = self.resolve(operand)
        return value if str(op) == "+" else self._scale(value, -1, tree)

def _call_of(tree) -> tuple | None:
    """The function and the arguments of `f(x)`, and of `\\mathrm{softmax}(z)_i` (an entry of
    its value, which the grammar reads as the function beside the scripted group `(z)_i`)."""
    if isinstance(tree, Tree) and tree.data == "scripted":
        tree = tree.children[0]
    if isinstance(tree, Tree) and tree.data == "call":
        return tree.children[0], tree.children[1:]
    if isinstance(tree, Tree) and tree.data == "juxtaposition" and len(tree.children) == 2:
        callee, value = tree.children
        if isinstance(callee, Tree) and callee.data in ("name", "word", "command") and \
                isinstance(value, Tree) and value.data == "scripted" and \
                is_group(value.children[0]):
            return callee, value.children[0].children
    return None


# `\\operatorname{diag}(v)`, `\\mathrm{diag}`, `\\text{diag}`, a `\\diag` macro: a vector on
# a diagonal
DIAGONAL_NAMES = ("diag", r"\diag", "Diag")
# a capital that, primed and called, is the diagonal matrix of its small letter's derivative
DIAGONAL_CAPITALS = {r"\Sigma": r"\sigma"}
