"""The document's notation table: which written symbol is which network quantity.

A key is written LaTeX (`W^{(l)}`, `\\overline{z}`, `g`, `\\text{Loss}(h(\\bar{x};\\theta),y)`);
a value is a meaning:

    input | target | output | loss                       the network's values
    weight[l] | bias[l] | preactivation[l] | activation[l]   l: a number, or the key's layer
                                                          variable (`W^{(l)}`), or `last`
    adjoint(<meaning>)                                    d loss / d that quantity
    sample_adjoint(<meaning>)                             d (each sample's loss) / d it:
                                                          `dZ = A - Y` of a mean loss
    sample_loss                                           'L_i' = "sample_loss": L is the
                                                          loss, L_i each sample's own (of a
                                                          mean loss, before the averaging)
    example_loss                                          'L' = "example_loss": L is one
                                                          example's own loss, beside the cost
                                                          of the batch (`J = \\frac1m
                                                          \\sum_i L(a^{(i)}, y^{(i)})`)
A layer is written `W^{(l)}`, `W^{[l]}` or `W^l`; a name of several letters (`dW^{[l]}`) is a
symbol like any other.
    activation_function[l] | loss_function | loss_of_preactivation   functions
    sample_index | learning_rate | regularization | kronecker | hadamard | matmul | ones
    units[l]                                              an index letter that numbers layer
                                                          l's units: with 'j' = "units[1]",
                                                          a_j, \\delta_j, w_{kj} need no layer
A key whose subscript is such a letter (`a_j` = "preactivation[1]") declares both: `a` is the
pre-activation of whichever layer its index letter numbers, and j numbers layer 1's units.

One entry of a quantity has its numbers (from 1) after the meaning: `'w_5' = "weight[2](1,1)"`,
`'out_{h1}' = "activation[1](1)"`, `'i_2' = "input(2)"`: the key, with whatever subscript it is
written with, names that one number (a network written out unit by unit, weight by weight).

A key of one symbol (with an optional layer superscript) is matched by its base; a longer key
(a whole expression such as `\\text{Loss}(h(\\bar{x};\\theta),y)`) is matched as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable

from .conventions import LAYER_NAMES, SYMBOLS, ascii_latex, marks_layers_with_superscripts
from .errors import InputError

_MEANING = re.compile(r"^(?P<kind>[a-z_]+)(?:\[(?P<layer>[^\]]+)\])?"
                      r"(?:\(\s*(?P<entries>[0-9]+(?:\s*,\s*[0-9]+)?)\s*\))?$")
# a layer relative to a layer variable: `l`, `l-1`, `l+1` (units[l]: neuron j of any layer)
_VARIABLE_LAYER = re.compile(r"[A-Za-z]([+-][0-9]+)?")
_ADJOINT = re.compile(r"^(?P<kind>adjoint|sample_adjoint)\((?P<inner>.+)\)$")

NODE_KINDS = {"weight": "W", "bias": "b", "preactivation": "Z", "activation": "A"}
VECTOR_KINDS = {"bias", "preactivation", "activation"}   # one vector per layer (and sample)
VALUES = {"input", "target", "output", "loss"}
FUNCTIONS = {"activation_function", "loss_function", "loss_of_preactivation"}
INDEX_LETTERS = {"units"}   # units[l]: an index letter that numbers layer l's units (Bishop's
                            # i, j, k for the input, hidden and output units)
# layer_variable[1..L]: a layer letter, checked at every value; iteration: the letter of the
# training step a value is taken at, written as its argument (`y_j(n)`, `w_{ji}(n+1)`)
MARKERS = {"sample_index", "learning_rate", "regularization", "kronecker", "hadamard", "matmul",
           "ones", "layer_variable", "iteration", "differential"}

PARAMETER_KINDS = {"weight", "bias"}
# the layer variable that a weight or bias written without its layer stands at: a claim about
# `w` and `b` alone is one about every layer's (named so in the verdict's "with ... = 2")
PARAMETERS_LAYER = "the parameters' layer"

# what a document may put on the right of `key = ...`, for error messages
KNOWN = sorted(VALUES | FUNCTIONS | MARKERS | {f"{kind}[l]" for kind in NODE_KINDS}
               | {"units[l]", "sample_loss", "example_loss", "weight[2](i,j)"}
               | {"adjoint(...)", "sample_adjoint(...)", "-adjoint(...)"})


@dataclass(frozen=True)
class Meaning:
    kind: str                 # input, weight, activation_function, sample_index, ...
    layer: str | None = None  # "2", "l", "l+1", "last"
    adjoint: bool = False
    per_sample: bool = False   # sample_adjoint: d (each sample's own loss) / d node, stacked;
                               # sample_loss: the loss, whose sample-marked form is each
                               # sample's own loss rather than its term of the loss
    negative: bool = False     # "-adjoint(...)": minus the gradient, the delta rule's error
                               # term (\delta_j = -\partial E / \partial net_j)
    entries: tuple[int, ...] | None = None   # "weight[2](1,1)": that one entry, from 1
    example: bool = False      # example_loss: the loss of the one example a formula is read
                               # for; of the batch's formulas, only with that example's mark


@dataclass(frozen=True)
class Entry:
    key: str                  # as written in the file (or in the conventions table)
    base: str                 # normalised base symbol ("W", "\\overline{z}", "\\sigma")
    variable: str | None      # the layer variable of a key such as W^{(l)} or W^{(l+1)}
    layer: str | None         # a fixed layer in the key: a number (W^{(0)}) or a name (W^o)
    meaning: Meaning
    composite: bool           # a whole expression, matched textually
    bare: bool = False        # the key's layer is written without parentheses: `w^l`, `a^L`
    offset: int = 0           # the key's layer is variable + offset: `z^{(l+1)}`
    subscript: bool = False   # the key's layer is its subscript: `W_l`, `W_2`
    convention: bool = False  # a row of the conventions table, not of the document
    index: str | None = None  # `a_j` = preactivation[1]: the subscript is an index letter that
                              # numbers layer 1's units, and `a` is that kind at any layer
    one_sample: bool = False  # lower case by convention (z, a, dz): one sample's vector when
                              # the claim is read for one sample
    named_entry: str | None = None   # `out_{h1}` = "activation[1](1)": the key's subscript as
                                     # written ("h1"; "" without one), naming that entry


_LAYER_TEXT = r"[A-Za-z]+|[0-9]+|[A-Za-z]\s*[+-]\s*[0-9]+"
_SIMPLE_KEY = re.compile(
    r"^(?P<base>\\?[A-Za-z]+(?:\{\\?[A-Za-z]+\})?|\\[A-Za-z]+\{\\?[A-Za-z]+\})"
    rf"(?:\^\{{?[(\[](?P<layer>{_LAYER_TEXT})[)\]]\}}?|\^\{{?(?P<bare>{_LAYER_TEXT})\}}?"
    rf"|_\{{?(?P<sub>{_LAYER_TEXT})\}}?)?$")


# commands that style a symbol or a bracket without changing what it means
STYLING = re.compile(r"\\(?:left|right|mathbf|boldsymbol|bm|mathsf|mathtt|mathrm|text|"
                     r"operatorname)\b")


def normalise(latex: str) -> str:
    """LaTeX with spacing and styling that does not change meaning removed."""
    text = STYLING.sub("", latex)
    return re.sub(r"\s+|[{}]", "", text)


@dataclass(frozen=True)
class Notation:
    entries: tuple[Entry, ...]
    subscript_layers: bool = False   # `W_2`, `z_l`: the document marks layers as subscripts
    einstein: bool = False   # an index repeated in a product is summed (`W_{ij} x_j`)

    def by_base(self, base: str) -> list[Entry]:
        """The entries of a symbol (not those naming one of its entries: `w_5`)."""
        return [entry for entry in self.entries if not entry.composite and entry.base == base
                and entry.named_entry is None]

    def named_entry(self, base: str, subscript: str) -> Entry | None:
        """The entry a name with this subscript (normalised, "" for none) names alone."""
        return next((entry for entry in self.entries if entry.named_entry == subscript
                     and entry.base == base), None)

    def composites(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.composite]

    def marker(self, kind: str) -> list[str]:
        return [entry.base for entry in self.entries if entry.meaning.kind == kind]

    def with_parameters_at_any_layer(self, first: int) -> "Notation":
        """This notation with the layer of parameters written without one (`w`, `b`) a layer
        variable over every layer that has parameters, `first` to the last."""
        variable = Entry(PARAMETERS_LAYER, PARAMETERS_LAYER, None, None,
                         Meaning("layer_variable", f"{first}..last"), composite=False)
        return replace(self, entries=(*self.entries, variable))

    def with_function(self, name: str, layer: int) -> "Notation":
        """This notation with `name` (a generic function's) the activation function of
        `layer`, whatever that function is."""
        entry = _entry(name, Meaning("activation_function", str(layer)), convention=False)
        return replace(self, entries=(entry, *self.entries))

    def units_layer(self, letter: str) -> str | None:
        """The layer (`"1"`, `"last"`) whose units an index letter numbers, if the document
        says so: `'j' = "units[1]"`, or a key such as `a_j` = "preactivation[1]"."""
        for entry in self.entries:
            if entry.meaning.kind in INDEX_LETTERS and entry.base == letter or \
                    entry.index == letter:
                return entry.meaning.layer
        return None


def parse_meaning(text: str, key: str) -> Meaning:
    if text.strip() == "sample_loss":
        return Meaning("loss", per_sample=True)
    if text.strip() == "example_loss":
        return Meaning("loss", per_sample=True, example=True)
    if text.strip().startswith("-"):
        inner = parse_meaning(text.strip()[1:], key)
        if not inner.adjoint:
            raise InputError(f"{text!r}: a minus sign goes only before an adjoint, such as "
                             "'-adjoint(preactivation[l])'", key=f"notation.{key}")
        return replace(inner, negative=True)
    adjoint = _ADJOINT.match(text.strip())
    if adjoint:
        inner = parse_meaning(adjoint.group("inner"), key)
        if inner.adjoint or inner.kind not in VALUES | set(NODE_KINDS):
            raise InputError(f"adjoint of {adjoint.group('inner')!r}: expected adjoint of a "
                             "network quantity such as 'preactivation[l]'",
                             key=f"notation.{key}")
        return Meaning(inner.kind, inner.layer, adjoint=True,
                       per_sample=adjoint.group("kind") == "sample_adjoint")
    match = _MEANING.match(text.strip())
    kind = match and match.group("kind")
    if not match or kind not in VALUES | FUNCTIONS | MARKERS | INDEX_LETTERS | set(NODE_KINDS):
        raise InputError(f"unknown meaning {text!r}; expected one of {', '.join(KNOWN)}",
                         key=f"notation.{key}")
    layer = match.group("layer")
    entries = match.group("entries") and tuple(int(number) for number in
                                               match.group("entries").split(","))
    if entries and (kind not in VALUES | set(NODE_KINDS) or 0 in entries or kind == "loss"):
        raise InputError(f"{text!r}: the numbers of one entry (from 1) go after a network "
                         "quantity, such as 'weight[2](1,1)' or 'input(2)'",
                         key=f"notation.{key}")
    if entries and kind in NODE_KINDS and not (layer and (layer.isdigit() or layer == "last")):
        raise InputError(f"{text!r}: one entry is of one layer, such as 'weight[2](1,1)'",
                         key=f"notation.{key}")
    if kind in NODE_KINDS and layer is None:
        raise InputError(f"{kind} needs a layer, e.g. '{kind}[l]' or '{kind}[2]'",
                         key=f"notation.{key}")
    if kind in INDEX_LETTERS and not (layer and (layer.isdigit() or layer == "last" or
                                                 _VARIABLE_LAYER.fullmatch(layer))):
        raise InputError(f"{kind} needs the layer whose units the letter numbers, e.g. "
                         f"'{kind}[1]', '{kind}[last]' or '{kind}[l-1]'",
                         key=f"notation.{key}")
    if kind in INDEX_LETTERS and not re.fullmatch(r"[A-Za-z]|\\[A-Za-z]+", key.strip()):
        raise InputError(f"{key!r} = {kind}[...]: the key must be one index letter such as "
                         "'j'", key=f"notation.{key}")
    return Meaning(kind, layer, entries=entries or None)


def build_notation(table: dict[str, str], *, conventions: bool = False,
                   sizes: Iterable[str] = (), claims: Iterable[str] = (),
                   einstein: bool = False) -> Notation:
    """The document's rows, then (with `conventions`) the rows of the conventions table that
    the document does not override: a symbol the document declares, or uses as a size's
    name, keeps the document's meaning, and so does a meaning the document writes with a
    symbol of its own."""
    # a key in Unicode (`'α' = "learning_rate"`) is read as the claims are, as its LaTeX
    entries = [_entry(ascii_latex(key), parse_meaning(text, key), convention=False)
               for key, text in table.items()]
    if not conventions:
        return Notation(tuple(entries), einstein=einstein)
    # an entry for one fixed layer (`W^o`, `A^{(0)}`) leaves the symbol's other layers to
    # the conventions; any other entry takes the symbol, and its meaning: a document that
    # names its loss `L` does not also call it `E` (a name for one layer's quantity, `'o' =
    # "preactivation[2]"`, leaves the other layers' names to the conventions)
    general = [entry for entry in entries if entry.layer is None]
    taken = {entry.base for entry in general} | {normalise(size) for size in sizes}
    meanings = {(entry.meaning.kind, entry.meaning.adjoint) for entry in general
                if not entry.meaning.negative and entry.named_entry is None and not (
                    entry.variable is None and entry.meaning.kind in NODE_KINDS and
                    entry.meaning.layer is not None and entry.meaning.layer.isdigit())}
    # an adjoint by convention follows the document's numbering of its quantity: where
    # `z^{(l+1)}` = "preactivation[l]" (the input numbered 1), `\delta^{(3)}` is z^{(3)}'s
    offsets = {entry.meaning.kind: entry.offset for entry in general
               if entry.variable is not None and not entry.meaning.adjoint and entry.offset}
    for key, text in SYMBOLS.items():
        entry = _entry(key, parse_meaning(text, key), convention=True)
        if entry.meaning.adjoint and entry.variable is not None and \
                entry.meaning.kind in offsets:
            entry = replace(entry, offset=offsets[entry.meaning.kind])
        if entry.base not in taken and (entry.meaning.kind, entry.meaning.adjoint) not in \
                meanings:
            entries.append(entry)
    claims = list(claims)
    samples = frozenset(entry.key for entry in entries if entry.meaning.kind == "sample_index")
    return Notation(tuple(entries),
                    subscript_layers=not marks_layers_with_superscripts(claims, samples),
                    einstein=einstein)


def notation_of(document) -> Notation:
    """A document's notation: its `[notation]` over the conventions table."""
    return build_notation(dict(document.notation), conventions=True,
                          sizes=document.network.sizes,
                          claims=[claim.latex for claim in document.claims],
                          einstein=document.summation == "einstein")


# meanings whose key may carry its layer as a subscript (`W_2`); for the others (`\eta_k`)
# a subscripted key is a whole expression
_SUBSCRIPT_LAYERED = set(NODE_KINDS) | {"activation_function"}


# `L_i`, `C_x`, `J^{(i)}`: a loss letter with the mark of a sample
_SAMPLE_MARKED = re.compile(r"(?P<base>\\?[A-Za-z]+(?:\{\\?[A-Za-z]+\})?)"
                            r"(?:_\{?[A-Za-z]\}?|\^\{?\(?[A-Za-z]\)?\}?)?")


# `w_5`, `out_{h1}`, `net_{o2}`: a name, and the subscript it names one entry with
_NAMED_ENTRY = re.compile(r"(?P<base>\\?[A-Za-z]+|\\[A-Za-z]+\{\\?[A-Za-z]+\})"
                          r"(?:_(?P<sub>\{[^{}]*\}|[A-Za-z0-9]))?")


def _entry(key: str, meaning: Meaning, convention: bool) -> Entry:
    if meaning.entries:
        named = _NAMED_ENTRY.fullmatch(key.strip())
        if named is None:
            raise InputError(f"{key!r} = {meaning.kind}(...): the key of one entry is a name "
                             "with an optional subscript, such as 'w_5' or 'out_{h1}'",
                             key=f"notation.{key}")
        return Entry(key, normalise(named.group("base")), None, None, meaning, composite=False,
                     convention=convention, named_entry=normalise(named.group("sub") or ""))
    marked = _SAMPLE_MARKED.fullmatch(key.strip())
    if meaning.kind == "loss" and meaning.per_sample and marked:
        # 'L_i' = "sample_loss" declares the letter: L the loss, L_i (L_j, L^{(i)}) one
        # sample's own loss
        return Entry(key, normalise(marked.group("base")), None, None, meaning,
                     composite=False, convention=convention)
    # `dW` is two letters to the grammar (d times W); the resolver joins the letters of a
    # product back into such a name where the notation has it (`dW^{[l]}` too)
    glued = re.fullmatch(r"([A-Za-z]+)([0-9]+)", key.strip())
    if glued and meaning.layer == glued.group(2):
        # `dZ2` = "adjoint(preactivation[2])": a code-like name with its layer glued on, the
        # name dZ at layer 2 (the resolver joins the letters and the layer of `d Z 2` back)
        return Entry(key, glued.group(1), None, glued.group(2), meaning, composite=False,
                     convention=convention)
    match = _SIMPLE_KEY.match(key.strip())
    if match and match.group("sub") and meaning.kind not in _SUBSCRIPT_LAYERED:
        match = None
    if not match:
        return Entry(key, normalise(key), None, None, meaning, composite=True,
                     convention=convention)
    if meaning.layer and meaning.kind != "layer_variable" and meaning.layer != "last" \
            and not re.fullmatch(r"[0-9]+|[A-Za-z]|[A-Za-z][+-][0-9]+", meaning.layer):
        raise InputError(f"layer {meaning.layer!r}: expected a number, a layer "
                         "variable such as l, or l+1", key=f"notation.{key}")
    written = match.group("layer") or match.group("bare") or match.group("sub")
    base = normalise(match.group("base"))
    if _index_letter(match.group("sub"), meaning):
        return Entry(key, base, None, None, meaning, composite=False, convention=convention,
                     index=match.group("sub").strip())
    variable, fixed, offset = None, None, 0
    if written:
        written = re.sub(r"\s+", "", written)
        letter = re.fullmatch(r"([A-Za-z])([+-][0-9]+)?", written)
        # a letter is the key's layer variable when the meaning's layer uses it (or it is a
        # letter of a layered meaning such as weight[l]); otherwise a name: `W^o` = weight[2]
        uses = meaning.layer is not None and letter and meaning.layer[0] == letter.group(1) \
            and not meaning.layer.isdigit()
        if letter and (uses or meaning.kind == "layer_variable"):
            variable = letter.group(1)
            offset = int(letter.group(2) or 0)
        else:
            fixed = written
    unaccented = re.sub(r"\\(?:hat|bar|overline|tilde|widehat)", "", base)
    letters = re.sub(r"[^A-Za-z]", "", re.sub(r"\\[A-Za-z]+", "", unaccented))
    lower = letters[-1:].islower()
    one_sample = convention and lower and meaning.kind in (
        "input", "target", "output", "preactivation", "activation")
    return Entry(key, base, variable, fixed, meaning,
                 composite=False, bare=match.group("bare") is not None, offset=offset,
                 subscript=match.group("sub") is not None, convention=convention,
                 one_sample=one_sample)


def _index_letter(subscript: str | None, meaning: Meaning) -> bool:
    """Whether a key's subscript is an index letter (`a_j` = "preactivation[1]": entry j of
    a vector of one layer) rather than the name of a layer (`z_h`, `W_x`, `a_1`): one lower-case
    letter that names no layer, on a vector of one fixed layer."""
    return subscript is not None and re.fullmatch(r"\s*[a-z]\s*", subscript) is not None \
        and subscript.strip() not in LAYER_NAMES and meaning.kind in VECTOR_KINDS \
        and meaning.layer is not None and (meaning.layer.isdigit() or meaning.layer == "last")


def marks_layer_with(latex: str, variable: str, notation: Notation) -> bool:
    """The claim writes `variable` in a layer mark (`^{(l-1)}`, `_l` where layers are
    subscripts), or an index letter that numbers the units of a layer relative to it (`o_j`
    with `'j' = "units[l]"`)."""
    letters = [entry.base for entry in notation.entries if entry.meaning.kind in INDEX_LETTERS
               and (entry.meaning.layer or "")[:1] == variable]
    name = re.escape(variable)
    # a subscript is a layer mark only when it is the layer alone (`W_{k,l}` is an entry)
    subscript = notation.subscript_layers and re.search(
        r"_\s*(?:" + name + r"|\{\s*\(?\s*" + name + r"\s*(?:[+-]\s*[0-9]+)?\s*\)?\s*\})"
        r"(?![A-Za-z])", latex)
    # (`n_l` in `\delta^{(n_l)}` is a size's name, not the variable)
    return re.search(r"\^\{?[(\[]?[^)\]}]*(?<![\\A-Za-z_])" + name + r"\b", latex) is not None \
        or bool(subscript) or any(
        re.search(r"_\{?[^}]*(?<![\\A-Za-z])" + re.escape(letter) + r"(?![A-Za-z])", latex)
        for letter in letters)
