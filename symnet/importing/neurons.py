"""A forward pass written for neuron j of any layer, as Bishop, Mitchell and many lecture notes
write it: `net_j = \\sum_i w_{ij} o_i`, `o_j = \\sigma(net_j)`. No formula marks a layer; the
index letters say which (i the layer before, j the neuron's own, k the next), so they become
`units[l-1]`, `units[l]` and `units[l+1]` rows, and the letters keys with a layer variable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Tree

from ..conventions import SYMBOLS
from ..grammar import source_of
from ..resolve.trees import name_of, written_tokens

# `net_j`, `\text{net}_j`, `o_j`: a name with one index letter
_ENTRY = re.compile(r"^\s*(?P<name>\\(?:text|mathrm|mathit|operatorname)\s*\{\s*[A-Za-z]+\s*\}"
                    r"|\\?[A-Za-z]+)\s*_\s*\{?\s*(?P<index>[A-Za-z])\s*\}?\s*$")
# letters the conventions give a layer (`w^{(l)}`, `b^{(l)}`): no row needed for them
_LAYERED = {(key.split("^")[0], meaning.split("[")[0]) for key, meaning in SYMBOLS.items()
            if "^{(l)}" in key}


@dataclass
class Neurons:
    """What the formulas of neuron j say: its pre-activation and activation letters, the
    letters numbering the layer before and its own, the weight's letter and order."""

    preactivation: str | None = None    # `net`
    activation: str | None = None       # `o`
    previous: str | None = None         # `i`
    own: str | None = None              # `j`
    weight: str | None = None           # `w`
    in_out: bool = True                 # `w_{ij}`: the index of the layer before first
    bias: str | None = None             # `b` of `+ b_j`
    function: Tree | None = None        # `\sigma` of `o_j = \sigma(net_j)`
    letters: set[str] = field(default_factory=set)   # every index letter on o, \delta, w

    def step(self, lhs_text: str, rhs, latex: str) -> None:
        """One statement: the weighted sum (`net_j = \\sum_i w_{ij} o_i`) or the function
        applied to it (`o_j = \\sigma(net_j)`)."""
        entry = _ENTRY.match(lhs_text)
        if entry is None or not isinstance(rhs, Tree):
            return
        name, index = _plain(entry.group("name")), entry.group("index")
        if rhs.data == "call" and len(rhs.children) == 2:
            argument = _ENTRY.match(source_of(rhs.children[1], latex))
            if argument and argument.group("index") == index:
                if self.preactivation in (None, _plain(argument.group("name"))):
                    self.preactivation = _plain(argument.group("name"))
                    self.activation, self.function = name, rhs.children[0]
            return
        summed = self._weighted_sum(rhs, index)
        if summed:
            self.preactivation, self.own = name, index

    def _weighted_sum(self, tree, own: str) -> bool:
        """`\\sum_i w_{ij} o_i (+ b_j)`: records the letters, the weight and its order."""
        if tree.data == "binary" and str(tree.children[1]) == "+":
            bias = tree.children[2]
            if isinstance(bias, Tree) and bias.data == "scripted" and _subscript(bias) == (own,):
                self.bias = name_of(bias.children[0])
            tree = tree.children[0]
        if tree.data != "big_sum":
            return False
        body = tree.children[-1]
        factors = [node for node in body.iter_subtrees_topdown() if node.data == "scripted"]
        weights = [(name_of(node.children[0]), _subscript(node)) for node in factors
                   if len(_subscript(node)) == 2 and own in _subscript(node)]
        inputs = [(name_of(node.children[0]), _subscript(node)) for node in factors
                  if len(_subscript(node)) == 1]
        if len(weights) != 1 or len(inputs) != 1:
            return False
        (weight, pair), (activation, (previous,)) = weights[0], inputs[0]
        if previous not in pair or previous == own:
            return False
        self.weight, self.previous, self.in_out = weight, previous, pair[0] == previous
        self.activation = self.activation or activation
        return True

    @property
    def found(self) -> bool:
        return None not in (self.preactivation, self.activation, self.own, self.previous,
                            self.weight) and self.function is not None

    def next_letter(self, formulas: list[str]) -> str | None:
        """The letter of the next layer's units: the one other letter the activation, the
        error terms or the weight are written with (`\\delta_k`, `w_{jk}`)."""
        names = "|".join(re.escape(name) for name in (self.activation, r"\delta", self.weight))
        found = {letter for formula in formulas for group in re.findall(
            r"(?:" + names + r")\s*_\s*\{?\s*([A-Za-z]{1,2})(?![A-Za-z])", formula)
            for letter in group} - {self.previous, self.own}
        return found.pop() if len(found) == 1 else None

    def rows(self, formulas: list[str]) -> dict[str, str]:
        """The [notation] rows: the index letters by layer, the letters with a layer key."""
        rows = {self.previous: "units[l-1]", self.own: "units[l]"}
        following = self.next_letter(formulas)
        if following:
            rows[following] = "units[l+1]"
        rows[f"{self.preactivation}^{{(l)}}"] = "preactivation[l]"
        rows[f"{self.activation}^{{(l)}}"] = "activation[l]"
        for name, kind in ((self.weight, "weight"), (self.bias, "bias")):
            if name is not None and (name, kind) not in _LAYERED:
                rows[f"{name}^{{(l)}}"] = f"{kind}[l]"
        return rows


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
