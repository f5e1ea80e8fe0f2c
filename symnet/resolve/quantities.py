"""Network quantities as values of a claim: a node's entries or its whole matrix, a written
symbol with its scripts, sizes, definitions, Kronecker deltas."""

from __future__ import annotations

import re
from dataclasses import replace

import sympy as sp
from lark import Tree
from sympy.matrices.expressions import MatrixExpr

from ..conventions import LOSS_NAMES
from ..network import sample_loss
from ..notation import PARAMETER_KINDS, PARAMETERS_LAYER, Entry, normalise
from .algebra import BUILTIN_FUNCTIONS, per_sample_function
from ..grammar import ClaimSyntaxError, equations, links, parse_claim, source_of
from .trees import column_of, labelled_name, lone_letter, name_of, numbered_name, written_tokens
from .values import (IMPLICIT_SAMPLE, NO_SAMPLE, UNIT, Context, FunctionValue, Indexed,
                     IndexMismatch, LayerLeftOut, MatrixValue, NeedsBatch, NoSuchLayer,
                     OutOfRange, ParameterLeftOut, Unresolvable, Value, fixed, renamed)


class QuantityReader:
    """Network quantities and written symbols as values. A part of `Resolver`."""

    def _node_value(self, node: str, adjoint: bool, indices: list, sample, tree) -> Value:
        graph_node = self.graph.nodes[node]
        # one sample's share of a gradient summed over the samples: the penalty belongs to no
        # sample (`\Delta W := \Delta W + \nabla_W J(W,b;x,y)` accumulates the data loss's
        # gradient; the update adds the penalty's)
        shared = adjoint and self.context.sample_share and graph_node.kind == "weight" and \
            self.network.spec.l2 is not None
        matrix = self.network.data_adjoint(node) if shared else \
            self.network.adjoints.bars[node] if adjoint else graph_node.symbols
        if node == "loss" and adjoint:
            matrix = sp.ImmutableMatrix([[1]])
        has_samples = graph_node.kind in ("input", "target", "preactivation", "activation")
        sample_axis = None
        if has_samples and self.network.spec.samples != "single":
            sample_axis = 0 if self.network.spec.samples == "rows" else 1
        if sample is None and sample_axis is not None and len(indices) == 1 and \
                indices[0] in self.sample_letters() and matrix.shape[1 - sample_axis] > 1 and \
                not self.context.sample_share:
            # `o_n` in a sum over the batch, or with n a declared sample index: sample n's o
            # (in one sample's share of an accumulated gradient, `a_j \delta_i`, the letter is
            # an entry's)
            sample, indices = indices[0], []
        if sample is None and sample_axis is None and has_samples and len(indices) == 1 and \
                indices[0] in self.context.notation.marker("sample_index") and \
                min(matrix.shape) == 1 < max(matrix.shape):
            indices = []   # `x_i` in a network of one sample, example i: that sample's vector
        if sample is not None and sample_axis is None and has_samples:
            sample = None   # `x^{(i)}` in a network of one sample: that sample, the i-th
        if sample is not None and sample_axis is None:
            raise Unresolvable(f"{node} has no sample index", column_of(tree))
        if sample is not None and not self.context.batch:
            raise NeedsBatch
        rows, cols = matrix.shape
        if not indices:
            if sample is not None:
                return self._entries(matrix, [sample], sample_axis, node, adjoint, tree)
            if sample_axis is not None and not self.context.batch and \
                    not self.context.sample_vectors and not self.one_sample:
                raise NeedsBatch   # a whole matrix of samples: the claim is about the batch
            if matrix.shape == (1, 1):
                return self._entries(matrix, [0, 0], None, node, adjoint, tree)
            # a bias with samples as rows is NumPy's 1-D vector (added to every row), and so is
            # its gradient: either orientation of it is the same vector
            one_d = graph_node.kind == "bias" and self.network.spec.samples == "rows"
            # (the vector form's adjoint has the penalty: a share of the data loss has none)
            form = None if shared else self._node_form(node, adjoint)
            return MatrixValue(sp.Matrix(matrix), form, one_d=one_d)
        if len(indices) == 2:
            if sample_axis is not None and not self.context.batch and \
                    matrix.shape[sample_axis] > 1:
                raise NeedsBatch
            return self._entries(matrix, indices, None, node, adjoint, tree)
        if len(indices) != 1:
            raise Unresolvable(f"{len(indices)} indices on a matrix", column_of(tree))
        unit_size = None if sample_axis is None else matrix.shape[1 - sample_axis]
        # (inside a sum over the samples by another letter, `\sum_x (a_j - y_j)`, the index
        # numbers the one unit and the sample is the sum's)
        over_samples = bool(self.batch_letters) and indices[0] not in self.batch_letters
        if sample_axis is not None and unit_size == 1 and sample is None and \
                not over_samples and (matrix.shape[sample_axis] > 1 or not self.context.batch):
            if not self.context.batch:   # z_i of a one-unit layer: i is the sample
                raise NeedsBatch
            placed = [indices[0], 0] if sample_axis == 0 else [0, indices[0]]
            return self._entries(matrix, placed, None, node, adjoint, tree)
        if sample_axis is not None and matrix.shape[sample_axis] > 1:
            sample = sample if sample is not None else IMPLICIT_SAMPLE
            placed = [indices[0], sample] if sample_axis == 1 else [sample, indices[0]]
            return self._entries(matrix, placed, None, node, adjoint, tree,
                                 per_sample_loss=adjoint and sample == IMPLICIT_SAMPLE)
        if cols == 1:
            return self._entries(matrix, [indices[0], 0], None, node, adjoint, tree)
        if rows == 1:
            return self._entries(matrix, [0, indices[0]], None, node, adjoint, tree)
        raise Unresolvable("one index on a matrix: write both (row and column)", column_of(tree))

    def _node_form(self, node: str, adjoint: bool) -> MatrixExpr | None:
        forms = self.context.forms
        if forms is None or not self.context.batch:
            return None
        return (forms.adjoint_symbols if adjoint else forms.symbols).get(node)

    def _entries(self, matrix, indices, sample_axis, node, adjoint, tree,
                 per_sample_loss=False) -> Value:
        if sample_axis is not None:   # a whole sample: a column (or row) of the matrix
            sample = indices[0]
            if isinstance(sample, str):   # A^{(2),m}: its units along a hidden index
                placed = [UNIT, sample] if sample_axis == 1 else [sample, UNIT]
                return self._entries(matrix, placed, None, node, adjoint, tree)
            vector = matrix[:, sample] if sample_axis == 1 else matrix[sample, :]
            return MatrixValue(sp.Matrix(vector))
        ranges = {}
        for axis, index in enumerate(indices):
            size = matrix.shape[axis]
            if isinstance(index, int) and size > 1 and self._at_other_sizes():
                # (`w_{k1} h_1 + w_{k2} h_2`: a sum written out for the document's sizes, which
                # another size set would leave incomplete)
                raise OutOfRange("an entry written by its number", column_of(tree))
            if isinstance(index, int):
                if not 0 <= index < size:
                    origin = self.context.index_origin
                    raise OutOfRange(f"index {index + origin} is out of range "
                                     f"({origin}..{size - 1 + origin})", column_of(tree))
            elif ranges.setdefault(index, size) != size:
                raise IndexMismatch(f"index {index} runs over {ranges[index]} values in one "
                                    f"place and {size} in another", column_of(tree))
        # the derivative of one sample's loss is M times that of the mean over M samples
        factor = 1
        if per_sample_loss and self.network.spec.loss.reduction == "mean":
            factor = self.network.batch
        free = frozenset(ranges)

        def at(assignment, matrix=matrix, indices=indices, factor=factor):
            position = [i if isinstance(i, int) else assignment[i] for i in indices]
            return factor * matrix[position[0], position[1]]
        return Indexed(free, ranges, at, per_sample=IMPLICIT_SAMPLE in indices)

    def _loss_sample_mark(self, name: str, superscript) -> str | None:
        """The sample letter of `E^q` when `name` is the loss (0 for `C_0`, the first sample
        counted from 0), else None."""
        letter = 0 if _is_zero(superscript) else lone_letter(superscript)
        if letter is None or letter in ("T", "l", "L") or letter in self.context.layers:
            return None
        found = self._lookup(name, None, superscript)
        is_loss = found is not None and found[0].meaning.kind == "loss" and \
            not found[0].meaning.adjoint
        return letter if is_loss else None

    def _is_loss(self, value) -> bool:
        """Whether `value` is the loss itself."""
        return isinstance(value, Indexed) and not value.free and \
            value.at({}) == self.graph.nodes["loss"].symbols[0, 0]

    def _own_loss(self, name: str) -> bool:
        """Whether a sample mark on the loss `name` makes it that sample's own loss."""
        found = self._lookup(name, None, None)
        return found is not None and found[0].meaning.per_sample

    def _sample_loss(self, entry, sample, tree) -> Indexed:
        """`E^q`, `L^{(i)}`, `C_x`: one sample's loss. Of a mean loss that is either the
        sample's term of the loss, the loss being their sum (`E = \\sum_q E^q`), or its own loss
        before the averaging (`L = \\frac1n \\sum_i L_i`). The document says which: by
        declaring the letter (`'E' = "loss"` the first, `'L_i' = "sample_loss"` the second) or
        by a claim that defines the loss from them (see `loss_samples`)."""
        spec = self.network.spec
        own = entry.meaning.per_sample
        if spec.l2 is not None and not own:
            raise Unresolvable("one sample's term of the loss, but the regularization belongs "
                               "to no sample", column_of(tree))
        if spec.loss.reduction == "mean" and entry.convention and not own:
            raise Unresolvable(
                f"{entry.key} with a sample mark is one sample's loss: of a mean loss either its "
                "term (the loss is their sum) or its own loss before averaging; declare "
                f"'{entry.key}' = \"loss\" in [notation] for the first, '{entry.key}_i' = "
                '"sample_loss" for the second, or define the loss from them in a claim',
                column_of(tree))
        return self.loss_of_sample(sample, own)

    def loss_of_sample(self, sample: int | str, own: bool) -> Indexed:
        """Sample `sample`'s loss (a letter: each sample's), its own or its term."""
        network = self.network
        if network.spec.samples == "single" and sample not in self.summing:
            sample = 0   # `E_n` of a network of one sample, outside a sum over n: its loss
        if isinstance(sample, int):
            return Indexed.scalar(sample_loss(network, sample, own))
        return Indexed(frozenset({sample}), {sample: network.batch},
                       lambda assignment: sample_loss(network, assignment[sample], own))

    def _mean_over_samples(self, value: Indexed) -> Indexed:
        samples = value.ranges.get(IMPLICIT_SAMPLE, self.network.batch)
        free = value.free - {IMPLICIT_SAMPLE}
        ranges = {k: v for k, v in value.ranges.items() if k != IMPLICIT_SAMPLE}
        return Indexed(free, ranges, lambda assignment: sp.Add(*(
            value.at({**assignment, IMPLICIT_SAMPLE: m}) for m in range(samples))) / samples)

    # -- symbols ------------------------------------------------------------------------------
    def _symbol(self, tree, subscript=None, superscript=None) -> Value:
        name = name_of(tree)
        if name is None:
            raise Unresolvable("symnet does not read this as a symbol", column_of(tree))
        named = self._labelled_definition(tree, subscript, superscript) or \
            self._named_entry(name, subscript, superscript, tree) or \
            self._basis_vector(name, subscript, superscript, tree)
        if named is not None:
            return named
        primes = 0
        if superscript is not None and superscript.data == "script_list" and \
                len(superscript.children) == 1 and isinstance(superscript.children[0], Tree) \
                and superscript.children[0].data == "primed":   # g^{[1]\prime}: g^{[1]}, primed
            base, *marks = superscript.children[0].children
            superscript, primes = Tree("script_list", [base]), len(marks)
        loss_sample = None
        if superscript is not None and self._bare_layer(name, superscript, subscript):
            layer_tree, sample, transpose, power = superscript, None, False, None
        elif (loss_sample := self._loss_sample_mark(name, superscript)) is not None or (
                superscript is None and subscript is not None and
                (loss_sample := self._loss_sample_mark(name, subscript)) is not None):
            # `E^q`, `L^{(i)}`, `L_i`: the loss has no layers or entries, so a letter on it
            # names a sample
            layer_tree, sample, transpose, power = None, loss_sample, False, None
            if superscript is None:
                subscript = None
            if isinstance(sample, str):
                self.loss_samples.add(sample)
                if sample not in self.index_scope:
                    self.index_scope.append(sample)
        else:
            layer_tree, sample, transpose, power = self._read_superscript(superscript)
        if layer_tree is None and subscript is not None and (
                self._subscript_layer(name, subscript) or
                self._declared_function(name) and self._function_layer(subscript) is not None):
            # `W_2`, `z_l`: the subscript is the layer; and `f_L'` for a function the
            # [network] declares its layers with
            layer_tree, subscript = subscript, None
        elif layer_tree is None and subscript is not None:
            layer_tree, subscript = self._layer_then_indices(name, subscript)
        if subscript is not None and layer_tree is None and self._is_step_size(name):
            subscript = None   # `\eta_b`, `\alpha_{W_i}`: a step size named by what it steps
        indices = self._read_subscript(subscript) if subscript is not None else []
        if loss_sample == 0 and self.network.spec.l2 is not None and not self._own_loss(name):
            # `C_0` beside a regularization, which belongs to no sample: the loss without it
            # (`C = C_0 + \\frac{\\lambda}{2n} \\sum_w w^2`)
            if not self.context.batch:
                raise NeedsBatch
            return Indexed.scalar(self.network.data_loss)
        if sample is not None and not self.context.batch:
            if not isinstance(loss_sample, str) or not self._own_loss(name):
                raise NeedsBatch
            sample = 0   # `C_x = \\frac12 \\|y - a\\|^2`: the one sample's own loss
        value = self._symbol_value(name, layer_tree, indices, sample, tree)
        for _ in range(primes):
            if not isinstance(value, FunctionValue):
                raise Unresolvable("a prime on something that is not a function", column_of(tree))
            value = self.derivative_of(value, tree)
        if transpose:
            value = self._transpose(value, tree)
        if power is not None:
            value = self._power(value, power, tree)
        return value

    def _basis_vector(self, name: str, subscript, superscript, tree) -> Value | None:
        """`\\mathbf{e}_y`, `e_{y_i}`: the basis vector at the sample's class, its one-hot target
        (where the targets are one-hot and the notation gives e no meaning)."""
        if name != "e" or subscript is None or superscript is not None or \
                self.context.notation.by_base("e"):
            return None
        sample = self._class_label(subscript)
        if sample is None:
            return None
        return self._node_value("Y", False, [], None if sample == NO_SAMPLE else sample, tree)

    def _labelled_definition(self, tree, subscript, superscript) -> Value | None:
        """`E_{o1}` where a claim defined it (`E_{o1} = \\frac{1}{2}(t_{o1} - out_{o1})^2`)."""
        if subscript is None:
            return None
        scripted = Tree("scripted", [tree, Tree("scripts", [Tree("sub", [subscript])])])
        written = labelled_name(scripted, self.context.latex)
        numbered = numbered_name(scripted, self.context.latex)
        if numbered is not None and numbered in self.context.definitions:
            written = numbered   # (`\mathbf{G}_2` where a claim defined it)
        if written is None:
            return None
        analogue = None if written in self.context.definitions else \
            self._analogous_definition(written)
        if written not in self.context.definitions and analogue is None:
            others = [name for name in self.context.definitions
                      if isinstance(name, str) and name.startswith(f"{written.split('_')[0]}_")]
            if others:   # `E_{o2}` beside a defined `E_{o1}`
                raise Unresolvable(f"{written} is not defined (a claim defines "
                                   f"{', '.join(others)})", column_of(tree))
            loss = any(entry.meaning.kind == "loss" and not entry.meaning.adjoint
                       for entry in self.context.notation.by_base(normalise(name_of(tree))))
            if loss and superscript is None and not re.search(r"[0-9]", written):
                # `J_{\text{MLE}}`, `L_{data}` beside `J = ... + \lambda \|W\|^2`: the loss
                # without its penalty, as `C_0` is (a numbered label, `E_{o1}`, is a part)
                if not self.context.batch:
                    raise NeedsBatch
                return Indexed.scalar(self.network.data_loss)
            if loss:   # (not the loss's entries: it has none)
                raise Unresolvable(f"{written} is not defined: a part of the loss that no "
                                   "claim defines", column_of(tree))
            return None
        definition, latex = analogue[:2] if analogue else self.context.definitions[written]
        # (`\mathbf{G}_1 = \mathbf{W}_2^\top \mathbf{G}_2 \odot ...`: one defined from another,
        # never from itself)
        earlier = {name: value for name, value in self.context.definitions.items()
                   if name != written}
        try:
            value = self._definition_reader(latex, earlier).resolve(definition)
        except Unresolvable as error:
            if analogue is None:
                raise
            raise Unresolvable(f"{written} is not defined, and read as {analogue[2]} is: "
                               f"{error.message}", column_of(tree)) from None
        _, _, transpose, power = self._read_superscript(superscript)
        if transpose:   # (`\mathbf{G}_1^\top`)
            value = self._transpose(value, tree)
        return value if power is None else self._power(value, power, tree)

    def _analogous_definition(self, written: str) -> tuple[Tree, str, str] | None:
        """`E_o2` where a claim defines `E_o1` (`E_{o1} = \\frac{1}{2}(t_{o1} - out_{o1})^2`)
        and none defines E_o2: E_o1's definition with o1 read as o2 throughout, as worked
        examples define one output's error and use every output's. Only between labels that
        differ in their numbers. (The definition, its text, and the name it defined.)"""
        base, label = written.split("_", 1)
        for name, (definition, latex) in self.context.definitions.items():
            other = name.split("_", 1)[1] if isinstance(name, str) and \
                name.startswith(f"{base}_") else None
            if other is None or other == label or isinstance(definition, Tree) and \
                    definition.data == "scripted_definition" or \
                    re.sub(r"[0-9]+", "#", other) != re.sub(r"[0-9]+", "#", label):
                continue
            renamed, count = re.subn(rf"_\s*(?:\{{\s*{re.escape(other)}\s*\}}|"
                                     rf"{re.escape(other)})(?![0-9A-Za-z])", f"_{{{label}}}",
                                     latex)
            if count < 2:   # (the label only on the defined name: its definition names no
                return None  # quantity by it, `E_{o1} = \frac{1}{2} (a_1 - y_1)^2`)
            try:
                chain = links(parse_claim(equations(renamed)[0]))
            except ClaimSyntaxError:
                return None
            return (chain[0].rhs, renamed, name) if chain else None
        return None

    def _named_entry(self, name: str, subscript, superscript, tree) -> Value | None:
        """`w_5`, `out_{h1}`: a name with the subscript the notation gives one entry of a
        quantity (raised to a power, perhaps); None for any other name."""
        written = "" if subscript is None else normalise(source_of(subscript,
                                                                    self.context.latex))
        entry = self.context.notation.named_entry(normalise(name), written)
        if entry is None:
            return None
        layer, _, transpose, power = self._read_superscript(superscript)
        if layer is not None:
            raise Unresolvable(f"{entry.key!r} names one entry of one layer: no layer mark",
                               column_of(superscript))
        value = self._meaning_value(entry, None, [], None, tree)
        return value if power is None else self._power(value, power, tree)

    def derivative_of(self, function: FunctionValue, tree) -> FunctionValue:
        """`f'`: the function's derivative. In a claim about the function of any layer
        (`f'(z) = ...` beside `f^{(l)}`), a layer whose function has no derivative of one
        variable (a softmax output) is one the claim is not meant for."""
        try:
            return function.derivative()
        except Unresolvable as error:
            if self.parameters_at_any_layer and PARAMETERS_LAYER in self.context.layers:
                raise NoSuchLayer(str(error), column_of(tree)) from None
            raise

    def _is_step_size(self, name: str) -> bool:
        entries = self.context.notation.by_base(normalise(name))
        return bool(entries) and all(entry.meaning.kind == "learning_rate" for entry in entries)

    def _function_layer(self, mark) -> int | None:
        """The layer a declared function's mark names: a layer (`f_L`, `f^{(2)}`), or the
        layer whose units its index letter numbers (`g_j(z_j)`: unit j's function)."""
        by_units = self._unit_letter_layer(mark)
        return by_units if by_units is not None else self._layer_number(mark)

    def _unit_letter_layer(self, mark) -> int | None:
        """The layer whose units `mark`, one index letter, numbers; None for any other mark."""
        letters = [str(token) for token in written_tokens([mark])] if isinstance(mark, Tree) \
            else [str(mark)]
        return self._units_of(letters[0]) if len(letters) == 1 and letters[0].isalpha() \
            else None

    def _declared_function(self, name: str) -> list[int]:
        """The layers the [network] declares with the generic function `name` (`\\phi`)."""
        return [number for number, layer in enumerate(self.network.layers, start=1)
                if layer.activation.generic and layer.activation.name == name]

    def _dummy_vector(self, name: str, indices: list, tree) -> Value:
        """A vector variable of the claim: whole (one sample's vector), or an entry."""
        entries = self.context.vector_dummies[name]
        if not indices:
            column = sp.Matrix(entries)
            return MatrixValue(column.T if self.network.spec.samples == "rows" else column)
        if len(indices) != 1:
            raise Unresolvable(f"{name} is a vector: one index", column_of(tree))
        index = indices[0]
        if isinstance(index, int):
            if not 0 <= index < len(entries):
                raise Unresolvable(f"{name} has {len(entries)} entries", column_of(tree))
            return Indexed.scalar(entries[index])
        return Indexed(frozenset({index}), {index: len(entries)},
                       lambda assignment: entries[assignment[index]])

    def _symbol_value(self, name, layer_tree, indices, sample, tree) -> Value:
        if name in self.context.vector_dummies and layer_tree is None:
            return self._dummy_vector(name, indices, tree)
        if name in self.context.dummies and not indices and layer_tree is None:
            return Indexed.scalar(self.context.dummies[name])
        if layer_tree is not None and not indices and self._declared_function(name):
            number = self._unit_letter_layer(layer_tree)
            if number is not None:   # `g_j(z_j)`: the function of unit j's layer
                return self._activation_function(number, tree)
        found = layer_tree is None and self._lookup_by_units(name, indices, tree) or \
            self._lookup(name, layer_tree, tree)
        if found is not None:
            entry, bound = found
            if entry.meaning.kind == "kronecker":
                return self._kronecker(indices, tree)
            return self._meaning_value(entry, bound, indices, sample, tree)
        definition = self.context.definitions.get(name)
        if definition is not None and isinstance(definition[0], Tree) and \
                definition[0].data == "scripted_definition":   # `D^{(l)} := ...`, `e_j = ...`
            return self._scripted_definition(name, layer_tree, indices, sample, tree)
        if layer_tree is not None and not indices and self._declared_function(name):
            # `f^{(L)}`, `f'^{(l-1)}`: the generic function the [network] declares its layers
            # with, written with a layer mark, is that layer's function
            number = self._function_layer(layer_tree)
            if number is None:
                raise Unresolvable("symnet reads a layer mark as a number, a layer variable "
                                   "with an offset or a layer's name", column_of(layer_tree))
            return self._activation_function(number, tree)
        if layer_tree is not None:
            raise Unresolvable(f"unknown symbol {name!r} with a layer; declare it in "
                               "[notation]", column_of(tree))
        if name in self.index_scope and not indices:
            return Indexed(frozenset({name}), {}, lambda a, n=name: sp.Integer(a[n] + 1))
        if name == r"\delta" and len(indices) == 2:
            return self._kronecker(indices, tree)
        builtin = BUILTIN_FUNCTIONS.get(name) or BUILTIN_FUNCTIONS.get("\\" + name) or \
            per_sample_function(name, self.network.spec.samples)
        if builtin is not None and not indices:
            return builtin
        if name in LOSS_NAMES and not indices:
            return self._named_loss(name)
        loss = self.network.spec.loss.loss
        if loss.generic and loss.name == name and not indices:
            return self._loss_function(False)   # `l(\mathbf{o}, y)`: the [network]'s own loss
        if name in self.context.dummies and not indices:
            return Indexed.scalar(self.context.dummies[name])
        sized = name if not indices else name + "_" + "".join(
            str(i + 1) if isinstance(i, int) else i for i in indices)   # N_1: a size's name
        if sized in self.network.sizes:
            # (the batch's size in one sample's formula is the batch's: unless the formula is
            # one example's, `\frac{1}{m} \frac{\partial \mathcal{L}}{\partial W}`)
            if self.network.spec.batch == sized and not self.context.batch and \
                    not self.context.one_example:
                raise NeedsBatch
            form = None if self.context.forms is None else \
                self.context.forms.spec.size_symbol(sized)
            return Indexed.scalar(sp.Integer(self._size(sized)), form)
        if name in self.context.definitions and not indices:
            definition, latex = self.context.definitions[name]
            return self._definition_reader(latex).resolve(definition)
        entries = [entry for entry in self.context.notation.by_base(normalise(name))
                   if entry.variable is not None or entry.layer is not None]
        layered = [entry.key for entry in entries]
        declared = self._declared_function(name)
        if declared and all(entry.convention for entry in entries) and not indices:
            # `\phi`, `g`: the generic function the [network] declares its layers with (one
            # undefined function of that name, whichever layer applies it; the conventions'
            # `g^{[l]}` does not hide it)
            return self._activation_function(declared[0], tree)
        if layered and self.output_by_default:
            output = self._output_activation(name, indices, sample, tree)
            if output is not None:
                return output
        parameter = self._parameter_entry(name) if layered else None
        if parameter is not None and PARAMETERS_LAYER in self.context.layers:
            # `w` in a claim about the parameters of any layer, at the layer it is checked at
            layer = self._network_layer(self.context.layers[PARAMETERS_LAYER])
            self.parameters_at_any_layer += 1
            return self._meaning_value(parameter, layer + parameter.offset, indices, sample,
                                       tree)
        variable = next((entry for entry in entries if entry.variable is not None), None)
        if variable is not None and variable.meaning.adjoint and \
                variable.meaning.kind == "preactivation" and self.parameters_at_any_layer:
            # `\frac{\partial C}{\partial b} = \delta`: the error of the neuron the parameter
            # belongs to, at the layer the claim about any layer's parameters is checked at
            layer = self._network_layer(self.context.layers[PARAMETERS_LAYER])
            return self._meaning_value(variable, layer + variable.offset, indices, sample, tree)
        if variable is not None and self.network.depth == 1:
            # a network of one layer: `W`, `z` written without a layer are that layer's
            return self._meaning_value(variable, 1 + variable.offset, indices, sample, tree)
        if layered:
            letters = [index for index in indices if isinstance(index, str) and
                       index.isalpha() and index.islower()]
            hint = f"; if {letters[0]} numbers one layer's units, declare which: " \
                f"'{letters[0]}' = \"units[1]\" for layer 1" if len(letters) == 1 else ""
            raise (LayerLeftOut if parameter is None else ParameterLeftOut)(
                f"{name!r} without its layer (the notation has {', '.join(layered)}{hint})",
                column_of(tree))
        raise Unresolvable(f"unknown symbol {name!r}; declare it in [notation]", column_of(tree))

    def _definition_reader(self, latex: str, definitions: dict | None = None):
        """A reader of a definition's right side, written in the claim `latex`, with this
        claim's layer variables, dummies and indices."""
        inner = type(self)(Context(self.network, self.context.notation, latex,
                                   self.context.batch, dict(self.context.layers),
                                   self.context.dummies, definitions=definitions or {}))
        inner.index_scope = self.index_scope
        return inner

    def _scripted_definition(self, name, layer_tree, indices, sample, tree) -> Value:
        """`D^{(2)}_{ij}` after `D^{(l)}_{ij} := \\frac{1}{m} \\Delta^{(l)}_{ij}`, `e_k` after
        `e_j = d_j - y_j`: the definition read with its layer variable at the layer written
        here, its entry letters renamed to (or fixed at) the indices written here."""
        definition, latex = self.context.definitions[name]
        if sample is not None:
            raise Unresolvable(f"{name} is defined without a sample", column_of(tree))
        lhs, rhs = definition.children
        # (its right side may use earlier definitions, `\Delta^{(l)}`, not itself)
        inner = self._definition_reader(latex, {
            key: value for key, value in self.context.definitions.items() if key != name})
        scripts = {script.data: script.children[0] for script in lhs.children[1].children}
        if ("sup" in scripts) != (layer_tree is not None):
            raise Unresolvable(f"{name} is defined {'with' if 'sup' in scripts else 'without'}"
                               " a layer", column_of(tree))
        if layer_tree is not None:
            own_layer, _, _, _ = inner._read_superscript(scripts["sup"])
            inner.context.layers[name_of(own_layer.children[0])] = \
                self._layer_expression(layer_tree)
        value = inner.resolve(rhs)
        own = inner._read_subscript(scripts["sub"]) if "sub" in scripts else []
        if not own:
            return self.entries_at(value, indices, tree) if indices else value
        if not (isinstance(value, Indexed) and set(own) <= value.free):
            raise Unresolvable(f"{name} is defined entry by entry", column_of(tree))
        if not indices:   # the whole matrix of the entries defined
            rows, cols = (own + [None])[:2]
            return MatrixValue(sp.Matrix(
                value.ranges[rows], value.ranges[cols] if cols else 1,
                lambda i, j: value.at({rows: i, **({cols: j} if cols else {})})))
        if len(indices) != len(own):
            raise Unresolvable(f"{name} is defined with {len(own)} indices", column_of(tree))
        value = renamed(value, {letter: index for letter, index in zip(own, indices)
                                if isinstance(index, str)})
        return fixed(value, {letter: index for letter, index in zip(own, indices)
                             if isinstance(index, int)})

    def _parameter_entry(self, name: str) -> Entry | None:
        """The notation's layered weight or bias called `name`, if it has one; or its layered
        activation function (`f'(z) = ...` where the notation has `f^{(l)}`: a claim about the
        function of any layer, as one about any layer's parameters is)."""
        return next((entry for entry in self.context.notation.by_base(normalise(name))
                     if entry.meaning.kind in PARAMETER_KINDS | {"activation_function"} and
                     entry.variable is not None), None)

    def _output_activation(self, name, indices, sample, tree) -> Value | None:
        """`a` read as the output layer's activation, where the notation has a layered
        activation of that name; None where it has none."""
        entry = next((entry for entry in self.context.notation.by_base(normalise(name))
                      if entry.meaning.kind == "activation" and not entry.meaning.adjoint
                      and entry.variable is not None), None)
        if entry is None:
            return None
        output = replace(entry, variable=None, offset=0,
                         meaning=replace(entry.meaning, layer="last"))
        return self._meaning_value(output, None, indices, sample, tree)

    def _size(self, name: str) -> int:
        # (a formula of one example's loss keeps the batch's size)
        if name == self.network.spec.batch and not self.context.one_example:
            return self.network.batch
        return self.network.sizes[name]

    def _kronecker(self, indices, tree) -> Indexed:
        if len(indices) != 2:
            raise Unresolvable("a Kronecker delta takes two indices", column_of(tree))
        first, second = indices
        free = frozenset(i for i in indices if isinstance(i, str))

        def at(assignment):
            a = first if isinstance(first, int) else assignment[first]
            b = second if isinstance(second, int) else assignment[second]
            return sp.Integer(int(a == b))
        return Indexed(free, {}, at)


def _is_zero(script) -> bool:
    """`_0`, `^{(0)}`: the number 0 alone."""
    while isinstance(script, Tree) and script.data in ("script_list", "group") and \
            len(script.children) == 1:
        script = script.children[0]
    return isinstance(script, Tree) and script.data in ("number", "script_atom") and \
        str(script.children[0]) == "0"
