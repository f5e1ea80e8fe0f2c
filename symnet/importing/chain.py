"""The forward pass as a chain of named steps, for documents whose names the conventions do not
number: `z = x W + b_1`, `h = \\mathrm{ReLU}(z)`, `\\theta = h U + b_2`. Each step that multiplies
the value flowing through by a matrix (plus perhaps a bias) starts a layer; a function applied to
it makes the layer's activation. The names a step gives are the document's own `[notation]`
rows: where the conventions already read a name (`W^{[2]}`, `b_1`, `x`), no row is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lark import Tree

from ..conventions import LAYER_NAMES, SYMBOLS
from ..grammar import source_of
from ..resolve.trees import factors_of, is_one, name_of, styled_one, written_tokens

# letters the conventions give a layer (`W^{(l)}` ...) and names they read without one (`x`)
# the letters the conventions give a layer (`W^{(l)}` ...), by what they are
LAYERED_KINDS = {key.split("^")[0]: meaning.split("[")[0] for key, meaning in SYMBOLS.items()
                 if "^{(l)}" in key}
_LAYERED_LETTERS = set(LAYERED_KINDS)
# the names the conventions give the loss (`L`, `J`, `\mathcal{E}`)
LOSS_LETTERS = {name for name, meaning in SYMBOLS.items() if meaning == "loss"}
_PLAIN_NAMES = {key for key in SYMBOLS if "^" not in key}
INPUT_NAMES = {name for name, meaning in SYMBOLS.items() if meaning == "input"}
_PRODUCTS = {r"\cdot", r"\times", "*", ""}
# `^{(l)}`, `^{l-1}`, `^{(k+1)}`: a layer mark with a variable (a transpose `^T` is none)
_VARIABLE_MARK = re.compile(r"\^\s*\{?\s*[(\[]?\s*(?!T\b|\\top)[A-Za-z](?:\s*[+-]\s*[0-9])?"
                            r"\s*[)\]]?\s*\}?(?![A-Za-z])")
_LAYER_LETTERS = {key for key, meaning in SYMBOLS.items() if meaning.startswith("layer_variable")}
# `^{(h)}`, `^{(in)}`: a layer by its name (the hidden one, the input), no layer variable
_NAMED_MARK = re.compile(r"\^\s*\{?\s*[(\[]\s*(" + "|".join(
    name for name, meaning in LAYER_NAMES.items() if meaning in ("hidden", "input")) +
    r")\s*[)\]]\s*\}?")


@dataclass
class Chain:
    """What the chain found: rows for the document's own names, each layer's applied function
    (its tree and its text as written), and whether a step had a bias."""

    rows: dict[str, str] = field(default_factory=dict)
    functions: dict[int, tuple[Tree, str]] = field(default_factory=dict)
    layers: int = 0
    biased: bool = False
    unbiased: set[int] = field(default_factory=set)   # layers whose step adds no bias
    inner_products: set[int] = field(default_factory=set)   # `u^T h`: one unit (u a vector)
    flowing: set[str] = field(default_factory=set)   # the value the next step takes, as written
    # how each layer's weight is laid out, as its product writes it: `W x` "out_in", `u^T h`
    # and `h W` "in_out"
    orders: dict[int, str] = field(default_factory=dict)
    # a step written inside another, by its text: `\tanh(b + Ux)` -> "activation[1]"
    inner: dict[str, str] = field(default_factory=dict)

    def step(self, lhs, rhs, latex: str) -> bool:
        """One statement `lhs = rhs` of the forward pass; whether it was a step of the chain
        (not one written for a layer variable, `\\mathbf{s}^{(l)} = W^{(l)} x^{(l-1)}`)."""
        written = _text(lhs, latex)
        if _VARIABLE_MARK.search(written) and not _NAMED_MARK.search(written):
            return False
        if _operation(lhs):
            return False   # (`\mathbf{x} \cdot \mathbf{y} = \sum_i x_i y_i`: notation defined)
        inner = self.inner.get(_plain(_text(rhs, latex)))
        if inner is not None:   # `h(\mathbf{x}) = \tanh(\mathbf{b} + \mathbf{U} \mathbf{x})`
            self._name(written, lhs, inner, called=True)   # (a step inside an earlier one)
            return True
        applied = _applied(rhs)
        if applied is not None:
            head, argument = applied
            layers = [layer for layer, (_, text) in self.functions.items()
                      if text == _text(head, latex)]
            if _of_the_input(lhs) and len(layers) == 1 and self.layers >= layers[0]:
                # `o(x) = G(b^{(2)} + W^{(2)} h(x))` beside `f(x) = G(...)`: the layer whose
                # own function G is, by another name
                self._name(written, lhs, f"activation[{layers[0]}]", called=True)
                return True
            if _text(argument, latex) in self.flowing or \
                    self._affine(argument, latex):   # `h = \mathrm{ReLU}(z)`, `x_1 = f_1(W_1 x_0)`
                self._activation(written, lhs, head, _text(head, latex))
                return True
            return False
        if self.layers == 0 and _base(rhs) in INPUT_NAMES and _text(rhs, latex) == _base(rhs):
            self.flowing = {written}   # `h^{(1)} = x`: the input under the name it flows in
            return True
        if self._affine(rhs, latex):
            self._name(written, lhs, f"preactivation[{self.layers}]")
            self.flowing = {written}
            return True
        return False

    def also(self, first, others: list, latex: str) -> None:
        """`h(x) = \\Phi(x) = s(...)`: the step's other names of the input's function, named
        as its first one is."""
        meaning = self.rows.get(_text(first, latex))
        for lhs in others if meaning else []:
            if _of_the_input(lhs):
                self.rows.setdefault(_text(lhs, latex), meaning)

    def _activation(self, written: str, lhs, head, head_text: str) -> None:
        self.functions[self.layers] = head, head_text
        self._name(written, lhs, f"activation[{self.layers}]", called=True)
        self.flowing = {written}

    def _affine(self, tree, latex: str) -> bool:
        """`x W + b`, `W_1 x_0`: a product of the flowing value and a matrix, perhaps plus a
        bias. Starts the next layer and names its weight and bias."""
        bias = None
        if isinstance(tree, Tree) and tree.data == "binary" and str(tree.children[1]) == "+":
            tree, bias = tree.children[0], tree.children[2]
            if len(_factors(tree)) == 1 and len(_factors(bias)) == 2:   # `\mathbf{c} + V h`
                tree, bias = bias, tree
        factors = _factors(tree)
        if len(factors) != 2:
            return False
        texts = [_text(factor, latex) for factor in factors]
        flowing = [number for number, (text, factor) in enumerate(zip(texts, factors))
                   if self._carries(text, factor, factors[1 - number], latex)]
        if len(flowing) != 1:
            return False
        self.layers += 1
        weight = factors[1 - flowing[0]]
        if self.layers == 1 and not covered(factors[flowing[0]]):
            # `x_0`, `v_1`: the input by position (`x_k`: the entries of x)
            self.rows[entry_of(factors[flowing[0]]) or texts[flowing[0]]] = "input"
        transposed = _transposed(weight)
        before = flowing[0] == 1   # the weight written before the value it takes (`W x`)
        self.orders[self.layers] = "out_in" if before != bool(transposed) else "in_out"
        if transposed is not None:   # `u^T h`: the row is u's
            weight = transposed
            if before and not _is_matrix(weight):
                self.inner_products.add(self.layers)
        self._name(_text(weight, latex), weight, f"weight[{self.layers}]")
        if bias is not None:   # (`\mathbf{b}_1 \mathbf{1}_m^\top`: the bias, copied to the samples)
            bias = next((factor for factor in _factors(bias) if not _is_ones(factor)), bias)
            self._name(_text(bias, latex), bias, f"bias[{self.layers}]")
        self.biased |= bias is not None
        if bias is None:
            self.unbiased.add(self.layers)
        return True

    def _carries(self, text: str, tree, other, latex: str) -> bool:
        """Whether this factor is the value flowing in; before the first layer, the input: `x`,
        `x_0`, or a vector (lower case) multiplied by a matrix (upper case)."""
        if self._nested(tree, latex):
            return True
        if self.layers == 0 and not self.flowing:
            named = _NAMED_MARK.search(text)
            if named:   # `A^{(in)}`: the input by its layer's name
                return LAYER_NAMES[named.group(1)] == "input"
            return _base(tree) in INPUT_NAMES or _base(other) not in INPUT_NAMES and \
                _base(tree) not in _LAYERED_LETTERS and not _is_matrix(tree) and \
                _is_matrix(other)
        return text in self.flowing

    def _nested(self, tree, latex: str) -> bool:
        """`\\tanh(\\mathbf{b} + \\mathbf{U} \\mathbf{x})` inside `\\mathbf{V} \\tanh(...)`: a
        step written inside the next one is the layer before it."""
        applied = _applied(_ungrouped(tree))
        if applied is None or not self._affine(applied[1], latex):
            return False
        self.functions[self.layers] = applied[0], _text(applied[0], latex)
        self.inner[_plain(_text(_ungrouped(tree), latex))] = f"activation[{self.layers}]"
        return True

    def _name(self, written: str, tree, meaning: str, called: bool = False) -> None:
        # a call is not named: `h_{W,b}(x) = f(z^{(3)})` is the network's output by convention;
        # but `f(\mathbf{x})` of the input is the document's name for the step (`called`)
        if called and _of_the_input(tree):
            self.rows.setdefault(written, meaning)
            return
        called = isinstance(tree, Tree) and tree.data == "call"
        # (the conventions' target computed by a step, `y = W_2 z`, is the document's output)
        computed = SYMBOLS.get(_base(tree) or "") == "target" and not meaning.startswith(
            ("weight", "bias"))
        if (not covered(tree) or computed) and written and not called:
            # index notation names the letter (`U` of `U_{jk}`), whose entries the claims write
            self.rows.setdefault(entry_of(tree) or written, meaning)


def _factors(tree) -> list:
    if isinstance(tree, Tree) and tree.data == "binary" and str(tree.children[1]) in _PRODUCTS:
        return [*_factors(tree.children[0]), *_factors(tree.children[2])]
    if isinstance(tree, Tree) and tree.data == "group" and len(tree.children) == 1:
        return _factors(tree.children[0])
    if isinstance(tree, Tree) and tree.data == "call" and len(tree.children) == 2 and \
            _is_matrix(tree.children[0]) and _base(tree.children[0]) in _LAYERED_LETTERS:
        # `W^{(2)}(s(\ldots))`: a weight times a parenthesis, which the grammar reads as a call
        return [tree.children[0], Tree("group", [tree.children[1]], tree.meta)]
    return factors_of(tree) if isinstance(tree, Tree) and tree.data == "juxtaposition" \
        else [tree]


def _operation(tree) -> bool:
    """`\\mathbf{x} \\cdot \\mathbf{y}`, `(\\mathbf{a} \\odot \\mathbf{b})_i`: a left side that
    is an operation on names (the notation a document defines), not a name."""
    while isinstance(tree, Tree) and tree.data in ("scripted", "group") and tree.children:
        tree = tree.children[0]
    return isinstance(tree, Tree) and tree.data in ("binary", "juxtaposition")


def _of_the_input(tree) -> bool:
    """`f(\\mathbf{x})`, `h(x)`: a name of the document's own called with the input (not
    one that names the parameters, `h_{W,b}(x)`, `f_V(x)`: the network's output by
    convention)."""
    return isinstance(tree, Tree) and tree.data == "call" and len(tree.children) == 2 and \
        isinstance(tree.children[0], Tree) and tree.children[0].data in ("name", "command") \
        and _base(tree.children[1]) in INPUT_NAMES and SYMBOLS.get(_base(tree) or "") is None


def _ungrouped(tree):
    while isinstance(tree, Tree) and tree.data == "group" and len(tree.children) == 1:
        tree = tree.children[0]
    return tree


def _plain(text: str) -> str:
    return re.sub(r"\s+|\\left|\\right", "", text)


def _is_ones(tree) -> bool:
    """`\\mathbf{1}`, `\\mathbf{1}_m^\\top`, `1^T`: a vector of ones."""
    while isinstance(tree, Tree) and tree.data in ("scripted", "group"):
        tree = tree.children[0]
    return is_one(tree) or isinstance(tree, Tree) and tree.data == "styled" and styled_one(tree)


def _applied(tree) -> tuple | None:
    """(function, argument) of a function applied to one value: `\\sigma(z)`, and the rectifier
    written `\\max\\{0, U\\}`; None for anything else."""
    if not (isinstance(tree, Tree) and tree.data == "call"):
        return None
    head, *arguments = [child for child in tree.children if isinstance(child, Tree)]
    if len(arguments) == 2 and name_of(head) in (r"\max", "max"):
        arguments = [argument for argument in arguments if not (
            argument.data == "number" and str(argument.children[0]) == "0")]
    return (head, arguments[0]) if len(arguments) == 1 else None


def _transposed(tree):
    """`u` of `u^T`, `U^\\top` (a transpose and no other script); None for anything else."""
    if not (isinstance(tree, Tree) and tree.data == "scripted"):
        return None
    scripts = tree.children[1].children
    marks = [str(token) for token in written_tokens(scripts)]
    if len(scripts) == 1 and scripts[0].data == "sup" and marks in (["T"], [r"\top"]):
        return tree.children[0]
    return None


def _text(tree, latex: str) -> str:
    return " ".join(source_of(tree, latex).split())


def _base(tree) -> str | None:
    """`x` of `\\mathbf{x}^{(i)}`, `W` of `W_1` (`name_of` takes off the style)."""
    while isinstance(tree, Tree) and tree.data in ("scripted", "group") and tree.children:
        tree = tree.children[0]
    return name_of(tree) if isinstance(tree, Tree) else None


def _is_matrix(tree) -> bool:
    base = _base(tree)
    return base is not None and base[:1].isupper()


def covered(tree) -> bool:
    """The conventions read this name: a plain name they know (`x`, `\\hat{y}`), or a letter
    they give a layer, written with a layer mark (`W_1`, `a^{[2]}`)."""
    base = _base(tree)
    if entry_of(tree):   # `h_j`: an entry, of a quantity whose layer the document leaves out
        return False
    if isinstance(tree, Tree) and tree.data == "scripted":   # `x^{(i)}`: one sample of x
        subscripted = any(script.data == "sub" for script in tree.children[1].children)
        return base in _LAYERED_LETTERS or base in _PLAIN_NAMES and not subscripted
    return base in _PLAIN_NAMES and base not in _LAYERED_LETTERS


def entry_of(tree) -> str | None:
    """`h` of `h_j`, `U` of `U_{jk}`: the name of a quantity written with entry indices as its
    only script (letters that name no layer: `j`, not `l`, `L` or `o`), as index notation
    writes a whole layer; None for anything else."""
    if not (isinstance(tree, Tree) and tree.data == "scripted"):
        return None
    scripts = tree.children[1].children
    if len(scripts) != 1 or scripts[0].data != "sub":
        return None
    letters = [str(token) for token in written_tokens(scripts) if str(token) != ","]
    if letters and all(len(letter) == 1 and letter.isalpha() and letter not in _LAYER_LETTERS
                       and letter not in LAYER_NAMES for letter in letters):
        return _base(tree)
    return None
