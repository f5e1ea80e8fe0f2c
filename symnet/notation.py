"""The document's notation table: which written symbol is which network quantity.

A key is written LaTeX (`W^{(l)}`, `\\overline{z}`, `g`, `\\text{Loss}(h(\\bar{x};\\theta),y)`);
a value is a meaning:

    input | target | output | loss                       the network's values
    weight[l] | bias[l] | preactivation[l] | activation[l]   l: a number, or the key's layer
                                                          variable (`W^{(l)}`), or `last`
    adjoint(<meaning>)                                    d loss / d that quantity
A layer is written `W^{(l)}`, `W^{[l]}` or `W^l`; a name of several letters (`dW^{[l]}`) is a
symbol like any other.
    activation_function[l] | loss_function | loss_of_preactivation   functions
    sample_index | learning_rate | kronecker | hadamard | matmul | ones

A key of one symbol (with an optional layer superscript) is matched by its base; a longer key
(a whole expression such as `\\text{Loss}(h(\\bar{x};\\theta),y)`) is matched as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InputError

_MEANING = re.compile(r"^(?P<kind>[a-z_]+)(?:\[(?P<layer>[^\]]+)\])?$")
_ADJOINT = re.compile(r"^adjoint\((?P<inner>.+)\)$")

NODE_KINDS = {"weight": "W", "bias": "b", "preactivation": "Z", "activation": "A"}
VALUES = {"input", "target", "output", "loss"}
FUNCTIONS = {"activation_function", "loss_function", "loss_of_preactivation"}
MARKERS = {"sample_index", "learning_rate", "kronecker", "hadamard", "matmul", "ones",
           "layer_variable"}   # layer_variable[1..L]: a layer letter, checked at every value

# what a document may put on the right of `key = ...`, for error messages
KNOWN = sorted(VALUES | FUNCTIONS | MARKERS | {f"{kind}[l]" for kind in NODE_KINDS}
               | {"adjoint(...)"})


@dataclass(frozen=True)
class Meaning:
    kind: str                 # input, weight, activation_function, sample_index, ...
    layer: str | None = None  # "2", "l", "l+1", "last"
    adjoint: bool = False


@dataclass(frozen=True)
class Entry:
    key: str                  # as written in the file
    base: str                 # normalised base symbol ("W", "\\overline{z}", "\\sigma")
    variable: str | None      # the layer variable of a key such as W^{(l)}
    layer: str | None         # a fixed layer in the key, W^{(0)}
    meaning: Meaning
    composite: bool           # a whole expression, matched textually
    bare: bool = False        # the key's layer is written without parentheses: `w^l`, `a^L`


_SIMPLE_KEY = re.compile(
    r"^(?P<base>\\?[A-Za-z]+(?:\{\\?[A-Za-z]+\})?|\\[A-Za-z]+\{\\?[A-Za-z]+\})"
    r"(?:\^\{?[(\[](?P<layer>[^)\]]*)[)\]]\}?|\^\{?(?P<bare>[A-Za-z0-9])\}?)?$")


def normalise(latex: str) -> str:
    """LaTeX with spacing and styling that does not change meaning removed."""
    text = re.sub(r"\\(?:left|right|mathbf|boldsymbol|bm|mathrm|text|operatorname)\b", "",
                  latex)
    return re.sub(r"\s+|[{}]", "", text)


@dataclass(frozen=True)
class Notation:
    entries: tuple[Entry, ...]

    def by_base(self, base: str) -> list[Entry]:
        return [entry for entry in self.entries if not entry.composite and entry.base == base]

    def composites(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.composite]

    def marker(self, kind: str) -> list[str]:
        return [entry.base for entry in self.entries if entry.meaning.kind == kind]


def parse_meaning(text: str, key: str) -> Meaning:
    adjoint = _ADJOINT.match(text.strip())
    if adjoint:
        inner = parse_meaning(adjoint.group("inner"), key)
        if inner.adjoint or inner.kind not in VALUES | set(NODE_KINDS):
            raise InputError(f"adjoint of {adjoint.group('inner')!r}: expected adjoint of a "
                             "network quantity such as 'preactivation[l]'",
                             key=f"notation.{key}")
        return Meaning(inner.kind, inner.layer, adjoint=True)
    match = _MEANING.match(text.strip())
    kind = match and match.group("kind")
    if not match or kind not in VALUES | FUNCTIONS | MARKERS | set(NODE_KINDS):
        raise InputError(f"unknown meaning {text!r}; expected one of {', '.join(KNOWN)}",
                         key=f"notation.{key}")
    layer = match.group("layer")
    if kind in NODE_KINDS and layer is None:
        raise InputError(f"{kind} needs a layer, e.g. '{kind}[l]' or '{kind}[2]'",
                         key=f"notation.{key}")
    return Meaning(kind, layer)


def build_notation(table: dict[str, str]) -> Notation:
    entries = []
    for key, text in table.items():
        meaning = parse_meaning(text, key)
        match = _SIMPLE_KEY.match(key.strip())
        # `dW` is two letters to the grammar (d times W); the resolver joins the letters of a
        # product back into such a name where the notation has it (`dW^{[l]}` too)
        if match:
            layer = match.group("layer") or match.group("bare")
            variable = layer if layer and re.fullmatch(r"[A-Za-z]", layer) else None
            fixed = None if variable else layer
            if meaning.layer and meaning.kind != "layer_variable" and meaning.layer != "last" \
                    and not re.fullmatch(
                    r"[0-9]+|[A-Za-z]|[A-Za-z][+-][0-9]+", meaning.layer):
                raise InputError(f"layer {meaning.layer!r}: expected a number, a layer "
                                 "variable such as l, or l+1", key=f"notation.{key}")
            entries.append(Entry(key, normalise(match.group("base")), variable, fixed,
                                 meaning, composite=False,
                                 bare=match.group("bare") is not None))
        else:
            entries.append(Entry(key, normalise(key), None, None, meaning, composite=True))
    return Notation(tuple(entries))
