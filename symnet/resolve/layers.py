"""Reading names through the notation table: which entry a written symbol is, which layer its
superscript names, and the network node or function it stands for."""

from __future__ import annotations

from dataclasses import replace

import sympy as sp
from lark import Token, Tree

from ..conventions import LAYER_NAMES, LOSS_NAMES
from ..notation import NODE_KINDS, Entry, normalise
from ..registry import LOSSES
from .trees import column_of, label_of, name_of
from .values import (FunctionValue, Indexed, IndexMismatch, MatrixValue, NoSuchLayer,
                     OfOneExample, Unresolvable, Value, formed, map_entries)


class NotationReader:
    """Names through the notation table: entries, layers, nodes and functions. A part of `Resolver`."""

    def _composite(self, tree) -> Value | None:
        """A whole expression the notation table names (`\\text{Loss}(h(\\bar{x};\\theta),y)`)."""
        if not self.context.notation.composites() or getattr(tree.meta, "empty", True):
            return None
        entry = self.composite_named(self.context.latex[tree.meta.start_pos:tree.meta.end_pos])
        if entry is not None:
            return self._meaning_value(entry, None, [], None, tree)
        return self._composite_entry(tree)

    def composite_named(self, written: str) -> Entry | None:
        """The notation's entry for a whole expression as written (`f(\\mathbf{x})`), if any."""
        text = normalise(written)
        return next((entry for entry in self.context.notation.composites()
                     if entry.base == text), None)

    def _composite_entry(self, tree) -> Value | None:
        """`f_k(\\mathbf{x})` where the notation names `f(\\mathbf{x})`: entry k of it."""
        callee = tree.children[0] if tree.data == "call" else None
        if not (isinstance(callee, Tree) and callee.data == "scripted" and
                [script.data for script in callee.children[1].children] == ["sub"]):
            return None
        sub = callee.children[1].children[0]
        latex = self.context.latex
        entry = self.composite_named(latex[tree.meta.start_pos:sub.meta.start_pos] +
                                     latex[sub.meta.end_pos:tree.meta.end_pos])
        if entry is None:
            return None
        value = self._meaning_value(entry, None, [], None, tree)
        return self.entries_at(value, self._read_subscript(sub.children[0]), tree)

    def _lookup(self, name: str, layer_tree, tree) -> tuple[Entry, int | None] | None:
        """The notation entry a written symbol is, and the layer its mark names (in the
        network's numbering); the document's entries before the conventions'."""
        entries = self._entries_of(name)
        if layer_tree is None:
            return next(((entry, None) for entry in entries if entry.variable is None
                         and entry.layer is None and entry.index is None), None)
        label = label_of(layer_tree)
        for entry in entries:   # a fixed layer or a named one: `A^{(0)}`, `W^o`
            if entry.layer is not None and not entry.layer.isdigit() and label == entry.layer:
                return entry, None
        named = LAYER_NAMES.get(label or "")
        if named and label not in self.context.layers and label not in self.network.sizes:
            number = self._named_layer(named, label, tree)
            entry = next((entry for entry in entries if entry.variable is not None), None)
            return None if entry is None else (entry, number + entry.offset)
        layer = self._layer_number(layer_tree)
        if layer is None and entries:   # `\delta^{(q^{(r)})}`: no layer symnet reads
            raise Unresolvable("symnet reads a layer mark as a number, a layer variable with "
                               "an offset or a layer's name", column_of(layer_tree))
        for entry in entries:
            if entry.layer is not None and entry.layer.isdigit() and layer is not None \
                    and self._network_layer(int(entry.layer)) == layer:
                return entry, layer
        for entry in entries:
            if entry.variable is not None:
                return entry, layer
        return None

    def _entries_of(self, name: str) -> list[Entry]:
        # layer variables, sample indices and unit letters are read where they stand
        # (superscripts, sums, subscripts)
        return [entry for entry in self.context.notation.by_base(normalise(name))
                if entry.meaning.kind not in ("layer_variable", "sample_index", "units")]

    def _lookup_by_units(self, name: str, indices: list, tree) -> tuple[Entry, int | None] | None:
        """A symbol written without its layer whose index letters name it (Bishop's `a_j`,
        `\\delta_k`, `w_{kj}` where j numbers the hidden units and k the output units): the
        entry at the layer the letters number. None when the symbol needs no layer or its
        indices number no layer's units."""
        entries = self._entries_of(name)
        if entries and all(entry.meaning.kind in ("target", "output") for entry in entries):
            self._at_the_output(name, indices)
        if not entries or any(entry.variable is None and entry.layer is None and
                              entry.index is None for entry in entries):
            return None
        numbered = [(index, layer) for index in indices if isinstance(index, str)
                    and (layer := self._units_of(index)) is not None]
        if not numbered:
            return self._numbered_entry(entries, indices)
        if any(entry.meaning.kind == "weight" for entry in entries):
            layer = self._weight_between(indices, tree)
        elif len({layer for _, layer in numbered}) == 1:
            layer = numbered[0][1]
        else:
            raise Unresolvable(f"{name!r}: its indices number the units of layers "
                               f"{' and '.join(str(layer) for _, layer in numbered)}",
                               column_of(tree))
        for entry in entries:
            if entry.index is not None:   # `a_j` declared: a's kind at the letters' layer
                at = replace(entry.meaning, layer=str(layer))
                return replace(entry, index=None, meaning=at), None
        for entry in entries:
            if entry.layer is not None and entry.layer.isdigit() and \
                    self._network_layer(int(entry.layer)) == layer:
                return entry, layer
        return next(((entry, layer + entry.offset) for entry in entries
                     if entry.variable is not None), None)

    @staticmethod
    def _numbered_entry(entries: list[Entry], indices: list) -> tuple[Entry, None] | None:
        """`h_1` beside `h_j` declared one layer's (`'h_j' = "activation[1]"`): an entry of
        that layer's h by its number. None when the letter is declared for several layers
        (which one a number means is not written) or an index is not a number."""
        declared = [entry for entry in entries if entry.index is not None]
        if len(declared) != 1 or not indices or \
                not all(isinstance(index, int) for index in indices) or \
                not (declared[0].meaning.layer or "").isdigit():
            return None
        return replace(declared[0], index=None), None

    def _at_the_output(self, name: str, indices: list) -> None:
        """`t_j` where j numbers the units of any layer (`units[l]`): a claim about the
        output layer only, not read at another (a fixed letter of another layer's units is
        the index error it is)."""
        for index in indices:
            layer = self.context.notation.units_layer(index) if isinstance(index, str) \
                else None
            if not layer or layer.isdigit() or layer == "last":
                continue
            number = self._units_of(index)
            if number != self.network.depth:
                raise NoSuchLayer(f"{name!r} is the output layer's, and {index} numbers "
                                  f"layer {number}'s units")

    def _units_of(self, letter: str) -> int | None:
        """The layer (symnet's numbering) whose units an index letter numbers, if declared:
        a number, the last layer, or one relative to a layer variable (`units[l-1]`: the
        layer before the one the claim is read at)."""
        layer = self.context.notation.units_layer(letter)
        if layer is None or layer.isdigit() or layer == "last":
            return None if layer is None else self.network.depth if layer == "last" \
                else int(layer)
        variable, offset = layer[0], int(layer[1:] or 0)
        if variable not in self.context.layers:
            raise Unresolvable(f"{letter} numbers the units of layer {layer}, but {variable} "
                               "is not a layer variable here")
        number = self._network_layer(self.context.layers[variable]) + offset
        if not 0 <= number <= self.network.depth:
            raise NoSuchLayer(f"{letter} numbers the units of layer {number}, which the "
                              "network does not have")
        return number

    def _weight_between(self, indices: list, tree) -> int:
        """The layer of the weight whose row and column letters number the units of the layer
        it feeds and of the layer before it, in the order the network's weights have them
        (`w_{kj}` with weights as (out, in): k numbers layer l's units, j layer l-1's)."""
        numbered = [self._units_of(index) if isinstance(index, str) else None
                    for index in indices]
        spec = self.network.spec
        for order in ("out_in", "in_out") if len(indices) == 2 else ():
            out, into = numbered if order == "out_in" else numbered[::-1]
            layers = {out, None if into is None else into + 1} - {None}
            if len(layers) != 1:
                continue
            layer = layers.pop()
            # (each layer's weight in its own order: `u^T h` beside `W x`; a layer the network
            # does not have is the network's order's, for the caller to say so)
            inside = 1 <= layer <= self.network.depth
            if inside and spec.weight_order(self.network.layers[layer - 1]) == order or \
                    not inside and order == spec.weights:
                return layer
        letters = "".join(str(index) for index in indices)
        described = ", ".join(f"{index} numbers layer {layer}'s units" for index, layer
                              in zip(indices, numbered) if layer is not None)
        # two letters of layers no weight joins: the formula's index is wrong, not its reading
        error = IndexMismatch if len(indices) == 2 and None not in numbered else Unresolvable
        raise error(f"a weight indexed {letters} ({described}): no weight joins these "
                    "layers in that order", column_of(tree))

    def _named_layer(self, named: str, label: str, tree) -> int:
        depth = self.network.depth
        if named == "last":
            return depth
        if named == "input":   # `A^{(in)}`: the input, as the activation of layer 0
            return 0
        if depth != 2:
            raise Unresolvable(f"{label!r} names the hidden layer, but this network has "
                               f"{depth - 1}: declare which in [notation]", column_of(tree))
        return 1

    def _network_layer(self, written: int) -> int:
        """A layer number as the document writes it -> the network's (0 = the input)."""
        return written - self.network.spec.layers_from

    def _layer_number(self, tree) -> int | None:
        """A layer superscript `(2)`, `(L+1)`, `(k-1)` as the network's layer number
        (variables bound)."""
        value = self._layer_expression(tree)
        if value is not None:
            self.sites.append(("layer", column_of(tree), int(value)))
        shift = self.context.layer_shift.get(column_of(tree) or -1, 0)
        return None if value is None else self._network_layer(int(value)) + shift

    def _layer_expression(self, tree):
        if isinstance(tree, Token):
            return self._layer_symbol(str(tree), tree)
        if tree.data == "group":
            return self._layer_expression(tree.children[0])
        if tree.data == "number":
            return int(str(tree.children[0]))
        if tree.data in ("name", "command", "script_atom"):
            text = str(tree.children[0])
            return int(text) if text.isdigit() else self._layer_symbol(text, tree)
        if tree.data == "binary":
            left, op, right = tree.children
            a, b = self._layer_expression(left), self._layer_expression(right)
            if a is None or b is None:
                return None
            return a + b if str(op) == "+" else a - b if str(op) == "-" else None
        if tree.data == "script_list" and len(tree.children) == 1:
            return self._layer_expression(tree.children[0])
        if tree.data == "scripted":   # a size named with a subscript: D_h, N_1
            base, scripts = tree.children
            sub = next((script.children[0] for script in scripts.children
                        if script.data == "sub"), None)
            if sub is None or len(scripts.children) != 1:
                return None
            name = f"{name_of(base)}_{label_of(sub) or name_of(sub)}"
            if name not in self.network.sizes and self._reads_as_layer(sub):
                # `m_l`, `n_{l-1}`: the size of the layer a layer variable names
                name = f"{name_of(base)}_{self._layer_expression(sub)}"
            return self.network.sizes.get(name)
        return None

    def _reads_as_layer(self, tree) -> bool:
        """Whether `tree` is a layer expression in this claim's layer variables or the last
        layer's name (`l`, `l-1`, `L`)."""
        letters = {str(token) for token in (tree.scan_values(lambda v: isinstance(v, Token))
                                            if isinstance(tree, Tree) else [tree])
                   if str(token).isalpha()}
        last = {name for name, meaning in LAYER_NAMES.items()
                if meaning == "last" and name not in self.network.sizes}
        return bool(letters) and letters <= set(self.context.layers) | last

    def _layer_symbol(self, name: str, tree) -> int:
        if name in self.context.layers:
            return self.context.layers[name]
        sizes = self.network.sizes
        if name in sizes:
            return sizes[name]
        if LAYER_NAMES.get(name) == "last":   # `W^{L-1}`: counted from the last layer
            return self.network.depth + self.network.spec.layers_from
        raise Unresolvable(f"layer {name!r} is not a number, a size or a layer variable; "
                           "declare it in [notation] as layer_variable[1..L]", column_of(tree))

    def _node_name(self, kind: str, layer: str | None, bound: int | None, tree) -> str:
        if kind in ("input",):
            return "X"
        if kind == "target":
            return "Y"
        if kind == "output":
            return self.network.output_name()
        if kind == "loss":
            return "loss"
        number = self._meaning_layer(layer, bound, tree)
        if kind == "activation" and number == 0:
            return "X"
        name = f"{NODE_KINDS[kind]}[{number}]"
        if name not in self.graph.nodes:
            error = NoSuchLayer if not 0 <= number <= self.network.depth or \
                number == 0 and kind != "activation" else Unresolvable
            raise error(f"layer {number} has no {kind}", column_of(tree))
        return name

    def _meaning_layer(self, layer: str | None, bound: int | None, tree) -> int:
        """The layer a meaning names (`weight[l+1]`, `activation[2]`, `last`), where `bound`
        is the value of the key's layer variable (network numbering)."""
        depth = self.network.depth
        if layer is None or layer == "last":
            return depth
        if layer.isdigit():
            return int(layer)
        offset = int(layer[1:]) if len(layer) > 1 else 0
        if bound is None:   # `'W' = "weight[k]"`: k bound by the claim's layer variables
            variable = layer[0]
            if variable not in self.context.layers:
                raise Unresolvable("this symbol needs a layer superscript such as (2)",
                                   column_of(tree))
            bound = self._network_layer(self.context.layers[variable])
        return bound + offset

    def _meaning_value(self, entry: Entry, bound: int | None, indices, sample, tree) -> Value:
        meaning = entry.meaning
        if bound is not None:   # the key's variable: `z^{(l+1)}` written z^{(3)} binds l = 2
            bound -= entry.offset
        if meaning.kind == "activation_function":
            number = self._meaning_layer(meaning.layer, bound, tree)
            return self._activation_function(number, tree)
        if meaning.kind in ("loss_function", "loss_of_preactivation"):
            return self._loss_function(meaning.kind == "loss_of_preactivation")
        if meaning.kind == "learning_rate":
            return Indexed.scalar(sp.Symbol("_eta", positive=True))
        if meaning.kind == "regularization":   # the L2 coefficient, `\\lambda`
            l2 = self.network.spec.l2
            if l2 is None:
                raise Unresolvable(f"{entry.key!r} is the regularization coefficient, but the "
                                   "network has no regularization", column_of(tree))
            return Indexed.scalar(l2.coefficient)
        if meaning.kind in ("sample_index", "iteration", "kronecker", "hadamard",
                            "matmul", "ones", "layer_variable", "units", "differential"):
            raise Unresolvable(f"{entry.key!r} ({meaning.kind}) cannot stand here",
                               column_of(tree))
        if meaning.kind == "loss" and sample is not None and not meaning.adjoint and \
                not self.adjoint_wanted:
            return self._sample_loss(entry, sample, tree)
        if meaning.example and not self.network.per_sample:
            # (read for one example, the formula's whole vectors are then that example's)
            raise OfOneExample(f"{entry.key} is one example's loss, in a formula of the batch: "
                               "write which example, or the batch's loss", column_of(tree))
        node = self._node_name(meaning.kind, meaning.layer, bound, tree)
        adjoint = meaning.adjoint
        if self.adjoint_wanted and not adjoint:   # \bar{z}: under a bar, z's adjoint
            adjoint, self.adjoint_wanted_used = True, True
        self.one_sample = entry.one_sample   # z, a, dz by convention: one sample's vector
        try:
            value = self._node_value(node, adjoint, indices, sample, tree)
        finally:
            self.one_sample = False
        value = self._per_sample(value, node) if meaning.per_sample else value
        if meaning.entries and not (isinstance(value, Indexed) and not value.free and
                                    set(meaning.entries) == {1}):
            # `'w_5' = "weight[2](1,1)"`: that one entry (a layer's one shared bias is one)
            value = self.entries_at(value, [number - 1 for number in meaning.entries], tree)
        # (the delta rule's error term is minus the gradient)
        return self._multiply(Indexed.scalar(sp.Integer(-1), sp.Integer(-1)), value, "", tree) \
            if meaning.negative else value

    def _per_sample(self, value: Value, node: str) -> Value:
        """A node's adjoint for each sample's own loss: M times the adjoint of a mean."""
        if self.network.spec.loss.reduction != "mean" or \
                self.graph.nodes[node].kind not in ("input", "preactivation", "activation") or \
                isinstance(value, Indexed) and value.per_sample:   # already one sample's
            return value
        batch = self.network.batch
        symbol = None if self.context.forms is None else \
            self.context.forms.spec.size_symbol(self.network.spec.batch)
        if isinstance(value, MatrixValue):
            return MatrixValue(value.matrix * batch, formed(lambda m: symbol * m, value.form)
                               if symbol is not None else None)
        return map_entries(value, lambda e: batch * e)

    def _activation_function(self, number: int, tree) -> FunctionValue:
        if not 1 <= number <= self.network.depth:
            raise Unresolvable(f"there is no layer {number}", column_of(tree))
        activation = self.network.layers[number - 1].activation
        if activation.per_sample is not None:
            axis = 1 if self.network.spec.samples == "rows" else 0
            return FunctionValue(activation.name, None, per_sample=(activation.per_sample, axis))
        if activation.elementwise is not None:
            return FunctionValue(activation.name, activation.elementwise)
        return FunctionValue(activation.name, activation.function())

    def _loss_function(self, of_preactivation: bool) -> FunctionValue:
        spec = self.network.spec.loss
        loss = spec.loss
        output = self.network.layers[-1].activation
        if of_preactivation:
            if output.elementwise is None and not output.generic:
                raise Unresolvable("the loss of a pre-activation needs an element-wise output")
            squash = output.elementwise or output.function()
            return FunctionValue(loss.name, lambda z, y: loss.entry(squash(z), y), 2)
        return _loss_value(loss, spec.weight(self.network.batch, self.network.output_units))

    def _named_loss(self, name: str) -> FunctionValue:
        """`CE(y, \\hat{y})`: a standard loss called by its name (conventions table), whatever
        loss the network declares; summed over the entries it is given."""
        kind = LOSS_NAMES[name]
        if kind == "cross_entropy":   # the one the output fits
            softmax = self.network.layers[-1].activation.per_sample is not None
            kind = "categorical_cross_entropy" if softmax else "binary_cross_entropy"
        return _loss_value(LOSSES[kind], sp.Integer(1))


def _loss_value(loss, scale) -> FunctionValue:
    """A loss of one prediction and target entry, or of whole outputs and targets."""
    def of_matrices(prediction, target):   # `L(\\hat{y}, y)` of whole vectors
        return scale * sp.Add(*(loss.entry(a, y) for a, y in zip(prediction, target)))
    return FunctionValue(loss.name, loss.entry, 2, of_matrices=of_matrices)

    # -- network quantities -------------------------------------------------------------------
