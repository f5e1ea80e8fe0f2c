"""A forward pass written unit by unit, with index letters instead of layer marks.

Two ways of writing it, both read here:

- neuron j of any layer (Bishop, Mitchell, many lecture notes): `net_j = \\sum_i w_{ij} o_i`,
  `o_j = \\sigma(net_j)`. The same name on both sides: the letters say the layer (i the one
  before, j the unit's own, k the next), so they become `units[l-1]`, `units[l]`, `units[l+1]`
  rows, and the names keys with a layer variable.
- a letter per layer: `h_j = \\sigma(\\sum_i w_{ij} x_i)`, `o_k = \\sigma(\\sum_j w_{jk} h_j)`.
  Each step's output feeds the next: i numbers the inputs (`units[0]`), j layer 1's units,
  k layer 2's, and `h_j`, `o_k` are the layers' activations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Tree

from ..grammar import source_of
from ..resolve.trees import name_of, written_tokens
from ..conventions import UNIT_SETS
from .chain import INPUT_NAMES, LAYERED_KINDS

# `net_j`, `\text{net}_j`, `o_j`: a name with one index letter
_ENTRY = re.compile(r"^\s*(?P<name>\\(?:text|mathrm|mathit|operatorname)\s*\{\s*[A-Za-z]+\s*\}"
                    r"|\\?[A-Za-z]+)\s*_\s*\{?\s*(?P<index>[A-Za-z])\s*\}?\s*$")


# `u`, `y`: a plain name without an index, the sum or the output of a layer of one unit
_ONE_UNIT = re.compile(r"^\s*(?P<name>\\?[A-Za-z]+)\s*$")


@dataclass
class Step:
    """One layer's weighted sum and function: `o_j = \\sigma(net_j)` with `net_j = \\sum_i
    w_{ij} o_i + b_j` (or the sum written inside the call)."""

    own: str | None                     # `j` (None: a layer of one unit, `u = \\sum_j w_j h_j`)
    previous: str                       # `i`
    source: str                         # `o` of `o_i`: what the layer takes
    weight: str                         # `w`
    in_out: bool                        # `w_{ij}`: the index of the layer before first
    bias: str | None = None             # `b` of `+ b_j`
    preactivation: str | None = None    # `net`, when the sum has a name
    activation: str | None = None       # `o` of `o_j = \sigma(...)`
    function: Tree | None = None        # `\sigma`


@dataclass
class Neurons:
    """The steps of a forward pass written unit by unit."""

    steps: list[Step] = field(default_factory=list)
    # functions applied to a name no sum has been seen for yet: (name, index, function, its
    # argument's name)
    applied: list[tuple] = field(default_factory=list)

    def step(self, lhs_text: str, rhs, latex: str) -> None:
        """One statement: a weighted sum (`net_j = \\sum_i w_{ij} o_i`), the function applied
        to one (`o_j = \\sigma(net_j)`), or both (`h_j = \\sigma(\\sum_i w_{ij} x_i)`); or
        the same of a layer of one unit, its names without an index (`u = \\sum_j w_j h_j +
        b`, `y = \\sigma(u)`)."""
        entry = _ENTRY.match(lhs_text) or _ONE_UNIT.match(lhs_text)
        if entry is None or not isinstance(rhs, Tree):
            return
        name, index = _plain(entry.group("name")), entry.groupdict().get("index")
        if rhs.data == "call" and len(rhs.children) == 2:
            function, argument = rhs.children
            summed = self._weighted_sum(_unwrapped(argument), index)
            if summed is not None:
                summed.activation, summed.function = name, function
                self.steps.append(summed)
                return
            text = source_of(argument, latex)
            named = _ENTRY.match(text) or (_ONE_UNIT.match(text) if index is None else None)
            waiting = [step for step in self.steps if step.activation is None and
                       named and step.preactivation == _plain(named.group("name"))]
            if waiting and named.groupdict().get("index") == index:
                waiting[-1].activation, waiting[-1].function = name, function
            elif named and named.groupdict().get("index") == index:
                # (`h_j = \\sigma(z_j)` written before the sum `z_j = ...` it applies to)
                self.applied.append((name, index, function, _plain(named.group("name"))))
            unnamed = [step for step in self.steps if step.activation == name and
                       step.own == index and step.preactivation is None]
            if unnamed and named and named.groupdict().get("index") == index:
                unnamed[-1].preactivation = _plain(named.group("name"))   # (its sum's name)
            return
        summed = self._weighted_sum(rhs, index)
        if summed is not None:
            summed.preactivation = name
            self.steps.append(summed)
            for activation, own, function, argument in self.applied:
                if (argument, own) == (name, index):
                    summed.activation, summed.function = activation, function

    def _weighted_sum(self, tree, own: str | None) -> Step | None:
        if own is not None:
            return _weighted_sum(tree, own)
        # one unit: of the sum's two factors with its letter, the one an earlier step makes
        # (or the input: `\sum_k w_k x_k`) is what the layer takes, the other its weight
        # (`\sum_j w_j h_j`)
        made = {step.activation for step in self.steps} | INPUT_NAMES
        return _weighted_sum_to_one(tree, made)

    @property
    def complete(self) -> list[Step]:
        """The steps with their function, each once (prose may state a formula again)."""
        found = []
        for step in self.steps:
            if step.activation is not None and step not in found:
                found.append(step)
        return found

    @property
    def any_layer(self) -> Step | None:
        """The step of neuron j of any layer: one, taking the name it makes (`o_i` -> `o_j`)."""
        steps = self.complete
        return steps[0] if len(steps) == 1 and steps[0].source == steps[0].activation else None

    @property
    def layers(self) -> list[Step]:
        """The steps of a letter per layer, in order: each takes the one before's output, by
        the letter that numbered its units; [] when the statements are not such a chain."""
        steps = self.complete
        if not steps or self.any_layer:
            return []
        for before, after in zip(steps, steps[1:]):
            if after.source != before.activation or after.previous != before.own:
                return []
        letters = [steps[0].previous, *(step.own for step in steps)]
        if None in letters[:-1]:   # (a layer of one unit is the last)
            return []
        return steps if len(set(letters)) == len(letters) else []

    def rows(self, formulas: list[str]) -> dict[str, str]:
        """The [notation] rows: the index letters by layer, the names by layer."""
        step = self.any_layer
        if step is not None:
            return _any_layer_rows(step, formulas)
        rows = {self.layers[0].previous: "units[0]"}
        for number, step in enumerate(self.layers, start=1):
            entry = "" if step.own is None else f"_{step.own}"   # (`u` of a layer of one unit)
            if step.own is not None:
                rows[step.own] = f"units[{number}]"
            rows[f"{step.activation}{entry}"] = f"activation[{number}]"
            if step.preactivation:
                rows[f"{step.preactivation}{entry}"] = f"preactivation[{number}]"
        weights = {step.weight for step in self.layers}
        for number, step in enumerate(self.layers, start=1):
            for name, kind in ((step.weight, "weight"), (step.bias, "bias")):
                if name is None or LAYERED_KINDS.get(name) == kind and len(weights) == 1:
                    continue   # `w_{ij}`, `w_{jk}`: the letters say the layer
                rows[name if len(weights) > 1 else f"{name}^{{(l)}}"] = \
                    f"{kind}[{number}]" if len(weights) > 1 else f"{kind}[l]"
        return rows


def _any_layer_rows(step: Step, formulas: list[str]) -> dict[str, str]:
    rows = {step.previous: "units[l-1]", step.own: "units[l]"}
    others = _other_letters(step, formulas)
    # a letter an error term is written with is the next layer's (`\sum_k w_{kj} \delta_k` for
    # a hidden j); else a weight's order says (`w_{ij}` beside `w_{kj}`: i is the layer
    # before's), where it must: a weight's letters may be the error a claim makes
    deltas = {letter for letter in others if re.search(
        r"\\delta\s*_\s*\{?\s*" + re.escape(letter) + r"(?![A-Za-z])", " ".join(formulas))}
    paired = {letter: layer for letter, layer in _paired_with_own(step, formulas).items()
              if letter in others and (letter not in deltas or layer == "l+1")}
    if len(others) == 1 and not paired:
        rows[others.pop()] = "units[l+1]"
    else:
        rows.update({letter: f"units[{layer}]" for letter, layer in paired.items()})
        rows.update({letter: f"units[{layer}]" for letter, layer in
                     _letters_of_named_layers(step, others - set(paired), formulas).items()})
    if step.preactivation:
        rows[f"{step.preactivation}^{{(l)}}"] = "preactivation[l]"
    rows[f"{step.activation}^{{(l)}}"] = "activation[l]"
    for name, kind in ((step.weight, "weight"), (step.bias, "bias")):
        if name is not None and LAYERED_KINDS.get(name) != kind:
            rows[f"{name}^{{(l)}}"] = f"{kind}[l]"
    return rows


def _paired_with_own(step: Step, formulas: list[str]) -> dict[str, str]:
    """Letters a weight pairs with the unit's own letter (`w_{ij}` beside `w_{kj}`: i is, like
    k, the layer before's; `w_{j\\ell}`: \\ell the layer after's), by the weight's order."""
    letter = r"\s*(\\?[A-Za-z]+)\s*"
    pairs = re.findall(re.escape(step.weight) + r"\s*_\s*\{" + letter + ",?" + letter + r"\}",
                       " ".join(formulas))
    found = {}
    for first, second in pairs:
        before, after = (first, second) if step.in_out else (second, first)
        if after == step.own and before not in (step.own, step.previous):
            found.setdefault(before, "l-1")
        elif before == step.own and after not in (step.own, step.previous):
            found.setdefault(after, "l+1")
    return found


def _other_letters(step: Step, formulas: list[str]) -> set[str]:
    """The letters other than the step's own two that the activation, the error terms or the
    weight are written with (`\\delta_k`, `w_{jk}`): one is the next layer's units'."""
    names = "|".join(re.escape(name) for name in (step.activation, r"\delta", step.weight))
    return {letter for formula in formulas for group in re.findall(
        r"(?:" + names + r")\s*_\s*\{?\s*([A-Za-z]{1,2}|\\ell)(?![A-Za-z])", formula)
        for letter in ([group] if group.startswith("\\") else group)} - {step.previous, step.own}


# `\sum_{k \in outputs}`, `\sum_{h \in \text{hidden}}`: a letter over a named set of units
_OVER_UNITS = re.compile(r"\\sum_\{\s*([A-Za-z])\s*\\in\s*(?:\\(?:text|mathrm)\s*\{\s*)?"
                         r"([A-Za-z]+)")
# the layer a set's name says, as an index letter's row writes it (one hidden layer: the first)
_SET_LAYERS = {"last": "last", "hidden": "1"}


def _letters_of_named_layers(step: Step, others: set[str], formulas: list[str]) -> dict:
    """Letters that number one layer's units whatever layer the step is at (Mitchell's
    `\\delta_k` for the outputs beside `\\delta_h` for the hidden units): a letter summed over
    the outputs or the hidden units, and the one other letter a weight pairs with the
    outputs' letter, as the layer before it."""
    named = {}
    for formula in formulas:
        for letter, units in _OVER_UNITS.findall(formula):
            layer = _SET_LAYERS.get(UNIT_SETS.get(units) or "")
            if letter in others and layer:
                named[letter] = layer
    outputs = [letter for letter, layer in named.items() if layer == "last"]
    rest = others - set(named)
    if len(outputs) == 1 and len(rest) == 1:
        pair = (rest_letter := next(iter(rest)), outputs[0])
        written = pair if step.in_out else pair[::-1]
        if any(re.search(re.escape(step.weight) + r"\s*_\s*\{\s*" + r"\s*,?\s*".join(written)
                         + r"\s*\}", formula) for formula in formulas):
            named[rest_letter] = "1"
    return named


def _weighted_sum(tree, own: str) -> Step | None:
    """`\\sum_i w_{ij} o_i (+ b_j)`: the step it makes, without its function yet."""
    bias = None
    if isinstance(tree, Tree) and tree.data == "binary" and str(tree.children[1]) == "+":
        summed, added = tree.children[0], tree.children[2]
        if isinstance(added, Tree) and added.data in ("big_sum", "bare_sum"):
            summed, added = added, summed   # (`b_j + \sum_i a_i w_{ij}`: the bias first)
        if isinstance(added, Tree) and added.data == "scripted" and _subscript(added) == (own,):
            bias = name_of(added.children[0])
        tree = summed
    if not (isinstance(tree, Tree) and tree.data in ("big_sum", "bare_sum")):
        return None   # (`\sum w_{hi} L_h`: a sum that leaves its index to the body)
    factors = [node for node in tree.children[-1].iter_subtrees_topdown()
               if node.data == "scripted"]
    weights = [(name_of(node.children[0]), _subscript(node)) for node in factors
               if len(_subscript(node)) == 2 and own in _subscript(node)]
    inputs = [(name_of(node.children[0]), _subscript(node)) for node in factors
              if len(_subscript(node)) == 1]
    if len(weights) != 1 or len(inputs) != 1:
        return None
    (weight, pair), (source, (previous,)) = weights[0], inputs[0]
    if previous not in pair or previous == own:
        return None
    return Step(own, previous, source, weight, pair[0] == previous, bias)


def _weighted_sum_to_one(tree, made: set) -> Step | None:
    """`\\sum_j w_j h_j + b`: the step of a layer of one unit, h being one of `made`."""
    bias = None
    if isinstance(tree, Tree) and tree.data == "binary" and str(tree.children[1]) == "+":
        tree, added = tree.children[0], tree.children[2]
        if not (isinstance(added, Tree) and added.data == "name"):
            return None
        bias = name_of(added)
    if not (isinstance(tree, Tree) and tree.data in ("big_sum", "bare_sum")):
        return None
    factors = [node for node in tree.children[-1].iter_subtrees_topdown()
               if node.data == "scripted" and len(_subscript(node)) == 1]
    letters = {_subscript(node) for node in factors}
    sources = [node for node in factors if name_of(node.children[0]) in made]
    if len(factors) != 2 or len(letters) != 1 or len(sources) != 1:
        return None
    weight = next(node for node in factors if node is not sources[0])
    (previous,) = next(iter(letters))
    return Step(None, previous, name_of(sources[0].children[0]), name_of(weight.children[0]),
                True, bias)


def _unwrapped(tree):
    """`\\left( ... \\right)`, `( ... )`: the expression inside."""
    while isinstance(tree, Tree) and tree.data == "group" and len(tree.children) == 1:
        tree = tree.children[0]
    return tree


def _plain(name: str) -> str:
    """`\\text{net}` -> `net`: the key a notation row writes the name with."""
    styled = re.match(r"\\(?:text|mathrm|mathit|operatorname)\s*\{\s*([A-Za-z]+)\s*\}", name)
    return styled.group(1) if styled else name


def _subscript(node) -> tuple[str, ...]:
    """The letters of a scripted name's only subscript (`w_{ij}` -> ("i", "j"))."""
    scripts = node.children[1].children
    if len(scripts) != 1 or scripts[0].data != "sub":
        return ()
    letters = tuple(str(token) for token in written_tokens(scripts) if str(token) != ",")
    return letters if all(len(letter) == 1 and letter.isalpha() for letter in letters) else ()
