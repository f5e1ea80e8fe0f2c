"""Indices and samples: subscripts read as index lists, superscripts as layer / sample /
transpose / power, and sums over indices."""

from __future__ import annotations

import sympy as sp
from lark import Token, Tree

from ..conventions import LAYER_NAMES
from ..grammar import source_of
from ..notation import marks_layer_with, normalise
from .trees import (column_of, is_group, label_of, lone_letter, name_of, numbers_only,
                    written_tokens)
from .values import (CLASS, EVERY, IMPLICIT_SAMPLE, NO_SAMPLE, Indexed, MatrixValue,
                     NeedsBatch, NoSuchLayer, ShapeMismatch, Unresolvable, of_sample, renamed,
                     sample_vectors)


class IndexReader:
    """Subscripts, superscripts and sums. A part of `Resolver`."""

    def _read_subscript(self, tree) -> list:
        """`ij`, `i,j`, `1j`, `\\alpha\\beta` -> ['i', 'j'], [0, 'j'] (numbers 0-based)."""
        items = []

        def walk(node):
            sample = self._class_label(node)
            if sample is not None:   # `p_{y_i}`: the entry at sample i's class
                items.append(CLASS)
                self.class_samples.add(sample)
                return
            if isinstance(node, Token):
                text = str(node)
                if text in ",;":
                    return
                change = self.context.index_change
                if node.column in change:
                    text = change[node.column]
                elif text in self.entry_aliases:   # (see `_rule_big_sum`)
                    text = self.entry_aliases[text]
                elif not text.isdigit():
                    self.sites.append(("index", node.column, text))
                if text.isdigit():
                    origin = self.context.index_origin
                    items.extend(int(d) - origin for d in text)
                else:
                    items.append(text)
                return
            if node.data == "slice":   # `q\cdot`: every entry along this axis
                items.append(EVERY)
            elif node.data in ("script_list", "juxtaposition"):
                for child in node.children:
                    walk(child)
            elif node.data in ("script_atom", "name", "command", "number"):
                walk(node.children[0])
            elif node.data == "group" and len(node.children) == 1:
                walk(node.children[0])
            else:
                raise Unresolvable("symnet reads subscripts as indices such as ij, i,j, 1j",
                                   column_of(node))
        walk(tree)
        for item in items:
            if isinstance(item, str) and item not in self.index_scope:
                self.index_scope.append(item)
        return items

    def _class_label(self, node) -> str | None:
        """`y`, `y_i`, `y^{(i)}` written where an index goes, in a network whose targets are
        one-hot: the class of the sample (its letter, `NO_SAMPLE` for the one implied)."""
        if isinstance(node, Tree) and node.data == "script_list" and len(node.children) == 1:
            node = node.children[0]   # (`e_{y_i}` as `e_y`)
        if not self.network.spec.loss.loss.distribution_targets or isinstance(node, Token):
            return None
        base, sample = node, NO_SAMPLE
        if node.data == "scripted":
            base, scripts = node.children
            if len(scripts.children) != 1:
                return None
            sample = lone_letter(scripts.children[0].children[0])
            if sample is None:
                return None
        name = name_of(base) if isinstance(base, Tree) and base.data in (
            "name", "script_atom", "command") else None
        entries = self.context.notation.by_base(normalise(name)) if name else []
        return sample if entries and entries[0].meaning.kind == "target" else None

    def _by_class(self, value: Indexed, tree) -> Indexed:
        """A side written for the sample's class `y` is, for a one-hot target Y, the sum over
        the classes c of Y_c times the side at c (the same for every Y that is one-hot; the
        targets symnet samples sum to 1, so that terms without y keep their value)."""
        if len(self.class_samples) != 1:
            raise Unresolvable("the classes of two different samples in one formula",
                               column_of(tree))
        sample = next(iter(self.class_samples))
        target = next(name for name, node in self.graph.nodes.items() if node.kind == "target")
        labels = self._node_value(target, False, [CLASS],
                                  None if sample == NO_SAMPLE else sample, tree)
        if sample != NO_SAMPLE:   # `p_{y_i}`: p's sample is left implicit, it is the label's
            value = of_sample(value, sample, self.network.batch)
        free = (value.free | labels.free) - {CLASS}
        ranges = {k: v for k, v in {**labels.ranges, **value.ranges}.items() if k in free}
        classes = labels.ranges[CLASS]
        return Indexed(free, ranges, lambda assignment: sp.Add(*(
            labels.at({**assignment, CLASS: c}) * value.at({**assignment, CLASS: c})
            for c in range(classes))), per_sample=IMPLICIT_SAMPLE in free)

    def _bare_layer(self, name: str, superscript, subscript=None) -> bool:
        """A notation that writes layers without parentheses (`w^l`, `a^{l-1}`, `\\delta^L`):
        the whole superscript of its symbols is the layer, unless it is a transpose. By
        convention, a layered symbol's superscript made of layer letters and numbers is its
        layer, except a number after a subscript (`w_j^2` is a square)."""
        entries = self.context.notation.by_base(normalise(name))
        if name_of(superscript) in ("T", r"\top", r"\intercal") or name in self.context.dummies:
            return False   # (a bound letter, `w` in `\sum_w w^2`, has powers, not layers)
        if any(entry.bare for entry in entries):
            return True
        layered = [entry for entry in entries if entry.variable is not None]
        if not layered or not all(entry.convention for entry in entries):
            return False
        if not _layer_like(superscript) or name_of(superscript) in \
                self.context.notation.marker("sample_index"):
            return False
        # `w_j^2` is a square, `w^2_j` (the layer written first) a layer
        return subscript is None or not _is_number(superscript) or self.superscript_first

    def _subscript_layer(self, name: str, subscript) -> bool:
        """Whether a symbol's subscript is its layer: the document declares it so (`W_l`), or
        it writes no layer as a superscript and the subscript is one layer number, letter or
        name (`W_2`, `z_l`, `W_o`), not an entry index (`W_{ij}`, `z_j`)."""
        entries = [entry for entry in self.context.notation.by_base(normalise(name))
                   if entry.variable is not None or entry.layer is not None]
        if any(entry.subscript for entry in entries):
            return True
        if not entries or not self.context.notation.subscript_layers or \
                not all(entry.convention for entry in entries) or not _layer_like(subscript):
            return False
        label = label_of(subscript)
        return label is None or _is_number(subscript) or label in self.context.layers or \
            label in self.network.sizes or label in LAYER_NAMES

    def _layer_then_indices(self, name: str, subscript):
        """`z_{2,j}`, `W_{2,ij}`, `h_{l-1,k}`: a layer, a comma, then as many entry indices as
        the quantity has (one, two for a weight): (layer, indices); else (None, subscript), as
        for `w_{i,j}` or the entry `W_{1,2}`."""
        parts = subscript.children if subscript.data == "script_list" else []
        commas = [index for index, part in enumerate(parts) if isinstance(part, Token)]
        if not commas or not self._subscript_layer(name, parts[0]):
            return None, subscript
        rest = parts[commas[0] + 1:]
        count = sum(len(part.children) if part.data == "juxtaposition" else 1
                    for part in rest if isinstance(part, Tree))
        kinds = {entry.meaning.kind for entry in self.context.notation.by_base(normalise(name))
                 if entry.variable is not None or entry.layer is not None}
        if len(kinds) != 1 or count != (2 if kinds == {"weight"} else 1):
            return None, subscript
        return parts[0], Tree("script_list", rest, subscript.meta)

    def _read_superscript(self, tree):
        """`(2)`, `(2),m`, `(1)T`, `T`, `\\top`, `2`, `m` -> (layer, sample, transpose, power)."""
        if tree is None:
            return None, None, False, None
        parts = [part for part in tree.children if not isinstance(part, Token)] \
            if tree.data == "script_list" else [tree]
        layer, sample, transpose, power = None, None, False, None
        samples = self.sample_letters()
        # `\delta^{x,l}`, `a^{L,x}`: beside a sample, a bare layer mark is the layer
        beside_sample = len(parts) > 1 and any(name_of(part) in samples for part in parts)
        for part in parts:
            if beside_sample and name_of(part) not in samples and _layer_like(part):
                layer = part
                continue
            pieces = part.children if isinstance(part, Tree) and part.data == "juxtaposition" \
                else [part]
            for piece in pieces:
                name = name_of(piece) if isinstance(piece, (Tree, Token)) else None
                if isinstance(piece, Tree) and piece.data == "call" and \
                        is_group(piece.children[0]):     # [2](i): a layer, then a sample
                    layer = piece.children[0]
                    for argument in piece.children[1:]:
                        sample = self._sample_name(argument, samples)
                elif is_group(piece) and name_of(piece.children[0]) in samples:
                    sample = self._sample_name(piece.children[0], samples)   # y^{(i)}
                elif is_group(piece):
                    layer = piece
                elif name in ("T", r"\top", r"\intercal"):
                    transpose = True
                elif name is not None and name in samples:
                    sample = self._sample_name(piece, samples)
                elif isinstance(piece, Tree) and piece.data in ("number", "unary") or \
                        isinstance(piece, Token) and str(piece).isdigit() or \
                        isinstance(piece, Tree) and piece.data == "binary" and \
                        numbers_only(piece):   # (`(1 + e^{-x})^{-1-1}`)
                    power = piece
                elif isinstance(piece, Tree) and piece.data == "script_atom" and \
                        str(piece.children[0]).isdigit():
                    power = piece
                else:
                    raise Unresolvable("symnet reads superscripts as a layer (2), a sample "
                                       "index, a transpose T or a power", column_of(piece))
        return layer, sample, transpose, power

    def sample_letters(self) -> set[str]:
        """The letters that name a sample here: declared ones, and those a sum over the batch
        binds."""
        return set(self.context.notation.marker("sample_index")) | self.batch_letters

    def _at_sample(self, value, arguments, tree) -> Indexed | None:
        """A batch matrix followed by a sample's letter in parentheses (`y(x)` where a sum
        runs over the samples x): that sample's vector. None for any other call."""
        samples = self.sample_letters()
        axis = {"rows": 0, "columns": 1}.get(self.network.spec.samples)
        if not (len(arguments) == 1 and name_of(arguments[0]) in samples and
                isinstance(value, MatrixValue) and axis is not None and
                value.shape[axis] == self.network.batch):
            return None
        return sample_vectors(value.matrix, self._sample_name(arguments[0], samples), axis)

    def _sample_name(self, tree, samples) -> str:
        name = name_of(tree) if isinstance(tree, (Tree, Token)) else None
        if name not in samples:
            raise Unresolvable("symnet reads the parentheses after a layer as the sample "
                               "index; declare it as sample_index", column_of(tree))
        if name not in self.index_scope:
            self.index_scope.append(name)
        return name

    # -- rules --------------------------------------------------------------------------------
    def _rule_big_sum(self, tree):
        _, scripts, body = tree.children
        sub = next((s.children[0] for s in scripts.children if s.data == "sub"), None)
        sup = next((s.children[0] for s in scripts.children if s.data == "sup"), None)
        if sub is None:
            return self._sum_of_everything(self.resolve(body), tree)
        excluding = _excluded_term(tree, sub, body)
        if excluding is not None:
            return self.resolve(excluding)
        indices, limit, upper = self._sum_indices(sub)
        sup = upper if upper is not None else sup
        if len(indices) == 1 and not _is_member(sub) and self._sums_layers(indices[0], body):
            return self._sum_over_layers(indices[0], limit, sup, body, tree)
        if len(indices) == 1 and limit is None and sup is None and not _is_member(sub) and \
                self._is_weight_letter(indices[0]):
            return self._sum_over_weights(indices[0], body, tree)
        if self.network.spec.samples == "single" and limit is None and sup is None and \
                self._names_the_inputs(indices):   # (`y(x)` would read as y times x)
            raise Unresolvable("a sum over the training inputs, but the network has a single "
                               "sample", column_of(tree))
        batch = self.network.spec.batch
        over_batch = sup is not None and batch is not None and name_of(sup) == batch or \
            self._over_inputs(indices, limit, sup)
        # `\sum_{n \in S}`, `\sum_{n=1}^{M}` with S, M the batch: n is a sample in the body
        # (`o_n`, `t^{(n)}`), as a declared sample index would be
        bound = [index for index in indices if over_batch and index not in self.batch_letters]
        summing = [index for index in indices if index not in self.summing]
        # `\frac{\partial J}{\partial W_{ij}} = \frac1m \sum_{i=1}^m \frac{\partial}{\partial
        # W_{ij}} J(W,b;x^{(i)},y^{(i)})`: the left side's entry index reused for the samples
        # is, in a subscript, still the entry's; the samples are marked in superscripts
        aliases = {index: index + "'" for index in bound if index in self.outer_indices}
        self.batch_letters.update(bound)
        self.summing.update(summing)
        self.entry_aliases.update(aliases)
        try:
            value = self.resolve(body)
        finally:
            self.batch_letters.difference_update(bound)
            self.summing.difference_update(summing)
            for index in aliases:
                self.entry_aliases.pop(index)
        if over_batch and len(indices) == 1 and isinstance(value, Indexed) and \
                indices[0] not in value.free and IMPLICIT_SAMPLE in value.free:
            # `\frac{1}{m} \sum_{n=1}^{m} (a_j - y_j)`: the body's sample, left implicit, is n
            value = of_sample(value, indices[0], self.network.batch)
        # `\sum_i \delta_2` (i not written in the body, no limits): over the body's samples
        unwritten = len(indices) == 1 and limit is None and sup is None and \
            indices[0] not in {str(token) for token in written_tokens([body])}
        if unwritten and isinstance(value, Indexed) and not value.free and \
                self._names_the_inputs(indices):
            # `\sum_{(x, y) \in \mathcal{D}} \|a - y\|^2`: a sum over the training set of a
            # body written for one sample; on the batch its whole matrices sum every sample
            # already (one sample is no training set)
            if self.network.spec.samples == "single":
                raise Unresolvable("a sum over the training set, but the network has a single "
                                   "sample", column_of(tree))
            if not self.context.batch:
                raise NeedsBatch
            self.notes.append("the sum over the training set read as over the samples")
            return value
        if isinstance(value, MatrixValue):
            # `\sum_{i=1}^{m} dZ` with m the batch: the index is the sample, left implicit in
            # the body (NumPy's `sum(dZ, axis=1)`)
            summed = self._over_samples(value, units=1) if over_batch or unwritten else None
            if summed is not None and not over_batch:
                self.notes.append(f"the sum over {indices[0]}, which its body does not write, "
                                  "read as over the samples")
            if summed is None:
                raise Unresolvable("a sum over a matrix: write its entries", column_of(tree))
            return summed
        for index in indices:
            value = self._sum(value, index, limit, sup, tree)
        for index, alias in aliases.items():
            if isinstance(value, Indexed) and alias in value.free:
                self.notes.append(f"{index} in a subscript inside the sum over the samples "
                                  f"{index} read as the left side's {index}")
                value = renamed(value, {alias: index})
        return value

    def _sums_layers(self, letter, body) -> bool:
        """`\\sum_l \\|W^{(l)}\\|^2`: the index is a layer variable that the body writes in a
        layer mark (`\\sum_l W_{kl}` sums over entries, `\\sum_{i \\in B}` over a set)."""
        return letter in self.context.layers and marks_layer_with(
            source_of(body, self.context.latex), letter, self.context.notation)

    def _sum_over_layers(self, letter: str, start, upper_tree, body, tree) -> Indexed:
        """The body at every layer from `start` to the upper limit, in the document's
        numbering; without limits, at every layer of the network, leaving out those the
        body names but the network lacks (`W^{(0)}`)."""
        first = self.network.spec.layers_from
        low = first if start is None else start
        high = self.network.depth + first if upper_tree is None else \
            self._layer_expression(upper_tree)
        outer, terms = self.context.layers[letter], []
        try:
            for layer in range(low, high + 1):
                self.context.layers[letter] = layer
                try:
                    value = self.resolve(body)
                except NoSuchLayer:
                    if start is None and upper_tree is None:
                        continue
                    raise
                if not (isinstance(value, Indexed) and not value.free):
                    raise Unresolvable("a sum over the layers of something that is not a "
                                       "number", column_of(tree))
                terms.append(value.at({}))
        finally:
            self.context.layers[letter] = outer
        if not terms:
            raise Unresolvable(f"the sum over layers {letter} names no layer the network has",
                               column_of(tree))
        return Indexed.scalar(sp.Add(*terms))

    def _is_weight_letter(self, letter) -> bool:
        return isinstance(letter, str) and any(
            entry.meaning.kind == "weight" and not entry.meaning.adjoint
            for entry in self.context.notation.by_base(letter))

    def _sum_over_weights(self, letter: str, body, tree) -> Indexed:
        """`\\sum_w w^2`: the sum's letter is the weight letter written alone, which stands
        for one weight; the body at every weight of every layer (biases are no weights)."""
        stand_in = sp.Dummy(letter, real=True)
        outer = self.context.dummies.get(letter)
        self.context.dummies[letter] = stand_in
        try:
            value = self.resolve(body)
        finally:
            if outer is None:
                del self.context.dummies[letter]
            else:
                self.context.dummies[letter] = outer
        if not (isinstance(value, Indexed) and not value.free):
            raise Unresolvable("a sum over the weights of something that is not a number",
                               column_of(tree))
        expression = value.at({})
        return Indexed.scalar(sp.Add(*(expression.subs(stand_in, weight)
                                       for weight in self.network.weight_entries())))

    def _names_the_inputs(self, indices) -> bool:
        return bool(indices) and all(isinstance(index, str) and any(
            entry.meaning.kind == "input" for entry in self.context.notation.by_base(index))
            for index in indices)

    def _over_inputs(self, indices, limit, sup) -> bool:
        """`\\sum_x` with x the document's input: a sum over the training inputs, each a
        sample (x stands for its sample in the body: `y(x)`, `\\delta^{x,l}`)."""
        if not self.context.batch or limit is not None or sup is not None:
            return False
        return self._names_the_inputs(indices)

    def _rule_bare_sum(self, tree):
        """`\\sum (y - \\hat{y})^2`: over every entry; `\\sum w_{hi} L_h`: over the index two
        of its factors write (else over those the other side does not keep), the others
        kept."""
        value = self.resolve(tree.children[1])
        repeated = _repeated_letters(tree.children[1])
        counterpart = self.counterpart
        over = frozenset() if not isinstance(value, Indexed) else value.free & repeated or (
            value.free - counterpart.free if isinstance(counterpart, Indexed) else frozenset())
        if over:
            for index in sorted(over):
                if index not in value.ranges:
                    raise Unresolvable(f"the range of {index} is not known from where it is "
                                       "used", column_of(tree))
                value = self._sum(value, index, None, None, tree)
            return value
        return self._sum_of_everything(value, tree)

    def _sum_of_everything(self, value, tree):
        """`\\sum (y - \\hat{y})^2` with no index: the sum over every entry of the body; of a
        batch matrix, the sum over its samples (`\\sum \\delta`, NumPy's `sum(axis=0)` with
        samples as rows), a column."""
        if isinstance(value, MatrixValue):
            # over the samples only where the other side is a vector (a bias's gradient);
            # beside a scalar (`L = \\frac12 \\sum (A - Y)^2`), over every entry
            counterpart = self.counterpart
            beside_vector = isinstance(counterpart, MatrixValue) and 1 in counterpart.shape
            summed = self._over_samples(value) if beside_vector else None
            return summed if summed is not None else Indexed.scalar(sp.Add(*value.matrix))
        if not isinstance(value, Indexed):
            raise Unresolvable("a sum of something that has no entries", column_of(tree))
        for index in sorted(value.free):
            if index not in value.ranges:
                raise Unresolvable(f"the range of {index} is not known from where it is used",
                                   column_of(tree))
            value = self._sum(value, index, None, None, tree)
        return value

    def _over_samples(self, value: MatrixValue, units: int = 2) -> MatrixValue | None:
        """The sum of a batch matrix over its samples, a column; None when it is not one (or
        has fewer than `units` units: a bare sum of a row is the sum of everything)."""
        axis = {"rows": 0, "columns": 1}.get(self.network.spec.samples)
        if not (self.context.batch and axis is not None and
                value.shape[axis] == self.network.batch and value.shape[1 - axis] >= units):
            return None
        matrix = value.matrix if axis == 1 else value.matrix.T
        return MatrixValue(sp.Matrix([sp.Add(*matrix.row(k)) for k in range(matrix.rows)]))

    def _bound_of(self, tree):
        """A sum's bound (`N`, `m_l`, `n - 1`) as a number, written with what a layer mark may
        use: numbers, sizes, layer variables."""
        try:
            return self._layer_expression(tree)
        except Unresolvable:
            written = " ".join(source_of(tree, self.context.latex).split())
            raise Unresolvable(f"the sum's bound {written} is not a number, a size or a layer "
                               "variable; declare it in [network].sizes", column_of(tree)) \
                from None

    def _unnamed_bound(self, tree, start, size: int | None, index: str) -> int | None:
        """`\\sum_{k=1}^{n} w_{jk} x_k` with n a letter nothing names: the number of values k
        takes where it is used (a sum from the first entry to a bound with no other meaning
        runs over them all); None where the bound is anything else."""
        if isinstance(tree, Tree) and tree.data == "script_list" and len(tree.children) == 1:
            tree = tree.children[0]
        letter = name_of(tree) if isinstance(tree, Tree) and \
            tree.data in ("name", "script_atom") else None
        if letter is None or not letter.isalpha() or size is None or \
                start not in (None, self.context.index_origin) or \
                letter in self.network.sizes or letter in self.context.layers or \
                letter in self.context.dummies or self.context.notation.by_base(letter):
            return None
        self.notes.append(f"the sum's bound {letter}, which no size names, read as the number "
                          f"of values {index} takes")
        return size + (1 if start is None else start) - 1   # (the last of `size` values)

    def _sum_indices(self, tree):
        if _is_member(tree):   # n \in N: over the samples (or units) named N
            variable, _, whole = tree.children[0].children
            name = name_of(variable) or self._input_of_pair(variable)
            if name not in self.index_scope:
                self.index_scope.append(name)
            sized = name_of(whole) in self.network.sizes
            return [name], None, whole if sized else None
        if isinstance(tree, Tree) and tree.data == "script_list" and len(tree.children) == 1 \
                and isinstance(tree.children[0], Tree) and tree.children[0].data == "limit":
            variable, _, start = tree.children[0].children
            names = [name_of(variable)]
            start_value = self._bound_of(start)
            for name in names:
                if name not in self.index_scope:
                    self.index_scope.append(name)
            return names, start_value, None
        names = [name for name in self._read_subscript(tree)]
        if any(isinstance(name, int) for name in names):
            raise Unresolvable("a sum over a number", column_of(tree))
        return names, None, None

    def _input_of_pair(self, variable) -> str | None:
        """`(\\mathbf{x}, \\mathbf{y}) \\in \\mathcal{D}`: a pair of a sample's input and target
        runs over the samples as its input does (`\\sum_x`); the input's name, else None."""
        names = [name_of(part) for part in (variable.children if isinstance(variable, Tree)
                                            else []) if isinstance(part, Tree)]
        inputs = [name for name in names if name and self._names_the_inputs([name])]
        return inputs[0] if len(inputs) == 1 else None

    def _in_term(self, tree, rule):
        """A product read as one term: under Einstein's convention, summed afterwards over
        each index letter that two of its factors have (`(o_i - t_i) o_i V_{ij}` sums i once,
        over the whole term), unless the left side keeps the letter free or a \\sum binds it.
        Without the convention such letters are noted, for the verdict to suggest it."""
        outer = self.term_nodes
        self.term_nodes = _product_nodes(tree)
        self.term_repeats.append(set())
        try:
            value = rule(tree)
        finally:
            self.term_nodes = outer
            repeated = self.term_repeats.pop()
        if not isinstance(value, Indexed):
            return value
        repeated = sorted(letter for letter in repeated & value.free
                          if letter in self.index_scope and letter not in self.outer_indices
                          and letter not in self.summing)
        if not self.context.notation.einstein:
            self.repeated.update(repeated)
            return value
        for letter in repeated:
            value = self._sum(value, letter, None, None, tree)
        return value

    def starts_term(self, tree) -> bool:
        """A product that is not a factor of a product being read (one `_in_term` reads)."""
        return is_product(tree) and id(tree) not in self.term_nodes

    def _sum(self, value: Indexed, index: str, start, upper_tree, tree) -> Indexed:
        if CLASS in value.free and index in self.class_samples:   # `\sum_i -\log p_{y_i}`
            value = self._by_class(value, tree)
        samples = set(self.context.notation.marker("sample_index"))
        if index in samples and not self.context.batch:
            raise NeedsBatch
        if index not in value.free:
            raise Unresolvable(f"the sum's index {index} does not occur in its body",
                               column_of(tree))
        size = value.ranges.get(index)
        if upper_tree is not None:
            batch = self.network.spec.batch
            over_batch = batch is not None and name_of(upper_tree) == batch
            upper = self.network.batch if over_batch else \
                self._unnamed_bound(upper_tree, start, size, index) or \
                self._bound_of(upper_tree)
            if over_batch and not self.context.batch:
                raise NeedsBatch
            if upper is not None:
                limit = upper - ((1 if start is None else start) - 1)
                if size is not None and size != limit:
                    raise ShapeMismatch(f"the sum runs {index} over {limit} values, but "
                                        f"{index} indexes {size} entries", column_of(tree))
                size = limit
        if size is None:
            raise Unresolvable(f"the range of {index} is not known from where it is used",
                               column_of(tree))
        ranges = {k: v for k, v in value.ranges.items() if k != index}
        return Indexed(value.free - {index}, ranges, lambda assignment: sp.Add(*(
            value.at({**assignment, index: k}) for k in range(size))))



def is_product(tree) -> bool:
    return isinstance(tree, Tree) and (tree.data == "juxtaposition" or tree.data == "binary"
                                       and str(tree.children[1]) not in "+-/")


def _product_nodes(tree) -> frozenset[int]:
    """The product nodes of one term: `tree` and the products it multiplies, down to the
    factors (a product inside parentheses or an argument is a term of its own)."""
    nodes, stack = set(), [tree]
    while stack:
        node = stack.pop()
        if is_product(node):
            nodes.add(id(node))
            stack.extend(child for child in node.children if isinstance(child, Tree))
    return frozenset(nodes)


def _layer_like(tree) -> bool:
    """A layer mark written bare: a number, a letter or a name, or their sum or difference."""
    if isinstance(tree, Token):
        return str(tree).isalnum()
    if tree.data == "script_list":
        return len(tree.children) == 1 and _layer_like(tree.children[0])
    if tree.data in ("name", "number", "script_atom"):
        return str(tree.children[0]).isalnum()
    if tree.data == "word":
        return name_of(tree).isalpha()
    if tree.data == "binary":
        left, op, right = tree.children
        return str(op) in "+-" and _layer_like(left) and _layer_like(right)
    if tree.data == "juxtaposition":   # `out`, `hid`: a layer's name of several letters
        return label_of(tree) in LAYER_NAMES
    return False


def _is_number(tree) -> bool:
    text = name_of(tree) if not (isinstance(tree, Tree) and tree.data == "number") \
        else str(tree.children[0])
    return text is not None and text.isdigit()


def _is_member(tree) -> bool:
    return isinstance(tree, Tree) and tree.data == "script_list" and len(tree.children) == 1 \
        and isinstance(tree.children[0], Tree) and tree.children[0].data == "limit" and \
        str(tree.children[0].children[1]) == r"\in"


def _excluded_term(tree, sub, body) -> Tree | None:
    """`\\sum_{i \\neq k} y_i p_k` as `\\sum_i y_i p_k - y_k p_k`: the sum over every i, less
    its term at k; None for any other sum."""
    condition = sub.children[0] if isinstance(sub, Tree) and sub.data == "script_list" and \
        len(sub.children) == 1 else None
    if not (isinstance(condition, Tree) and condition.data == "comparison" and
            str(condition.children[1]) in (r"\neq", r"\ne")):
        return None
    letter, other = (lone_letter(side) for side in condition.children[::2])
    if letter is None or other is None:
        return None
    over = Tree("scripts", [Tree("sub", [Tree("script_list", [condition.children[0]],
                                              sub.meta)])])
    whole = Tree("big_sum", [tree.children[0], over, body], tree.meta)
    at_other = _with_letter(body, letter, other)
    return Tree("binary", [whole, Token("ADDOP", "-"), Tree("group", [at_other], body.meta)],
                tree.meta)


def _with_letter(tree, letter: str, other: str):
    """`tree` with the index letter `letter` written `other` everywhere."""
    if isinstance(tree, Token):
        return Token.new_borrow_pos(tree.type, other, tree) if tree.type == "LETTER" and \
            str(tree) == letter else tree
    return Tree(tree.data, [_with_letter(child, letter, other) for child in tree.children],
                tree.meta)


def _repeated_letters(body) -> set[str]:
    """The index letters two factors of a product write (`w_{hi} L_h`: h)."""
    seen, repeated = set(), set()
    for node in body.iter_subtrees_topdown() if isinstance(body, Tree) else ():
        if node.data == "scripted":
            letters = {str(token) for script in node.children[1].children
                       if script.data == "sub" for token in written_tokens([script])
                       if str(token).isalpha() and len(str(token)) == 1}
            repeated |= seen & letters
            seen |= letters
    return repeated
