"""symnet's counterpart of a claim: what symnet derives for the claim's left side, written in the
document's notation (its symbols, its layer marks, its transpose and Hadamard signs).

The left side is identified from how symnet read it (the entries of one network quantity, or
of its adjoint); the right side is that quantity's step in the vector form (`vector_form`),
with every matrix symbol renamed to the document's symbol for it. The rendering is then judged
as a claim `lhs = counterpart`: only a counterpart symnet confirms is given in the document's
notation. A left side symnet cannot name as one quantity has no counterpart.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from math import prod

import sympy as sp
from sympy.matrices.expressions import HadamardPower, MatrixSymbol, OneMatrix, Transpose

from ..notation import NODE_KINDS, STYLING, Entry, Notation, marks_layer_with
from ..printing import SymnetLatexPrinter
from ..resolve import Indexed, MatrixValue
from ..spec import NetworkSpec
from ..vector_form import VectorForm, vector_form_of
from .edits import Style
from .entries import EntryWriter, IndexPrinter, JacobianWriter, Unwritable, index_letters

KIND_OF_NODE = {letter: kind for kind, letter in NODE_KINDS.items()}


def _spaced(latex: str) -> str:
    """The LaTeX without styling, braces as spaces: each symbol stands apart (`\\partial L`,
    `\\sum_k W`), which `normalise`, made for comparing keys, does not keep."""
    return re.sub(r"[{}\s]+", " ", STYLING.sub("", latex))


def quantity(reading) -> tuple[str, bool, bool] | None:
    """(node, adjoint?, entries?) when the left side of a reading is one network quantity (or
    its adjoint): as a whole matrix, or entry by entry (`W_{ij}`, or a scalar such as the
    loss: then entries? is True)."""
    lhs, network = reading.lhs, reading.network
    if isinstance(lhs, MatrixValue):
        entries, whole = list(lhs.matrix), True
    elif isinstance(lhs, Indexed) and all(n in lhs.ranges for n in lhs.free):
        names = sorted(lhs.free)
        if prod(lhs.ranges[n] for n in names) > 4096:
            return None
        entries = []
        for combo in itertools.product(*(range(lhs.ranges[n]) for n in names)):
            entry = lhs.at(dict(zip(names, combo)))
            if not isinstance(entry, sp.Symbol):   # (a quantity's entries are its symbols)
                return None
            entries.append(entry)
        whole = False
    else:
        return None
    for name, node in network.graph.nodes.items():
        for adjoint, symbols in ((False, node.symbols), (True, network.adjoints.bars[name])):
            if (list(symbols) == entries) if whole else \
                    (len(set(entries)) == len(symbols) and set(entries) == set(symbols)):
                return name, adjoint, not whole
    return None


def _step_value(form: VectorForm, node: str, adjoint: bool):
    if adjoint:
        return form.adjoint(node).value if node != "loss" else None
    step = next((step for step in form.forward if step.node == node), None)
    return None if step is None else step.value


class _Renderer:
    """A network quantity -> the document's LaTeX for it."""

    def __init__(self, notation: Notation, spec: NetworkSpec, claims: list[str], claim: str,
                 layer_values: dict[str, int], batch: bool, one_example: bool = False):
        # capitals are the batch's: a network of one sample is written in lower case
        self.notation, self.spec = notation, spec
        self.batch = batch and spec.samples != "single"
        self.text = " ".join(_spaced(text) for text in claims)
        self.claim = _spaced(claim)
        # the claim's own layer variables (document numbers): `\delta^{(l)}` is answered in l
        self.layer_values = {variable: value for variable, value in layer_values.items()
                             if marks_layer_with(claim, variable, notation)}
        self.mark = _layer_style(claims, notation.subscript_layers)
        self.one_example = one_example   # the loss is then one example's (`\\ell`, not J)

    def _entries(self, kind: str, adjoint: bool) -> list[Entry]:
        """The document's symbols for a meaning, best first: the claim's own, the document's
        declared ones it uses, the case that matches (capitals for the batch), conventions."""
        found = [entry for entry in self.notation.entries
                 if entry.meaning.kind == kind and entry.meaning.adjoint == adjoint
                 and not entry.meaning.per_sample and not entry.meaning.negative]
        if self.one_example:
            found = [entry for entry in self.notation.entries
                     if entry.meaning.example and kind == "loss"] + found
        # a convention's symbol the document never writes is not the document's notation
        # (its gradients are then written as derivatives); a node needs some symbol
        written = [entry for entry in found if not entry.convention or self._writes(entry)]
        found = written if written or adjoint else found

        def rank(entry: Entry):
            letters = re.sub(r"\\[A-Za-z]+|[^A-Za-z]", "", entry.base)
            upper = letters[-1:].isupper()
            return (entry.convention, not self._writes(entry, self.claim),
                    not self._writes(entry), upper != self.batch, entry.composite)
        return sorted(found, key=rank)

    def _writes(self, entry: Entry, text: str | None = None) -> bool:
        text = self.text if text is None else text
        # (a base is normalised: `\\mathcal{L}` is `\\mathcalL`, written `\\mathcal L` here)
        written = r"\s*".join(re.escape(character) for character in entry.base)
        return re.search(rf"(?<![A-Za-z]){written}(?![A-Za-z])", text) is not None

    def layer_text(self, number: int) -> str:
        """A document layer number, relative to the claim's layer variable when it is near."""
        for variable, value in self.layer_values.items():
            if abs(number - value) <= 1:
                shift = number - value
                return variable + (f"{shift:+d}" if shift else "")
        return str(number)

    def node(self, name: str, adjoint: bool = False) -> str | None:
        if name == "loss":
            return None if adjoint else self._plain("loss")
        if name in ("X", "Y"):
            return self._plain("input" if name == "X" else "target", adjoint)
        letter, number = name[0], int(name[2:-1])
        kind = KIND_OF_NODE[letter]
        written = self._layered(kind, number, adjoint)
        if written is None and kind == "activation" and number == len(
                self.spec.expanded_layers()):
            written = self._plain("output", adjoint)
        return written

    def adjoint(self, name: str) -> str | None:
        own = self.node(name, adjoint=True)
        if own is not None:
            return own
        loss, value = self.node("loss"), self.node(name)
        if loss is None or value is None:
            return None
        return rf"\frac{{\partial {loss}}}{{\partial {value}}}"

    def _plain(self, kind: str, adjoint: bool = False) -> str | None:
        entries = self._entries(kind, adjoint)
        return entries[0].key if entries else None

    def _layered(self, kind: str, number: int, adjoint: bool) -> str | None:
        for entry in self._entries(kind, adjoint):
            layer = entry.meaning.layer
            if entry.composite or layer is None:
                continue
            if layer.isdigit() or layer == "last":
                target = int(layer) if layer.isdigit() else len(self.spec.expanded_layers())
                if target == number:
                    return entry.key
                continue
            if entry.variable is None:
                continue
            offset = int(layer[1:]) if len(layer) > 1 else 0
            written = number - offset + entry.offset + self.spec.layers_from
            mark = self.layer_text(written)
            if entry.convention:
                base = re.match(r"\\?[A-Za-z]+(?:\{\\?[A-Za-z]+\})?|\\[A-Za-z]+\{\\?[A-Za-z]+\}",
                                entry.key).group(0)
                return base + self.mark(mark)
            return _with_layer(entry, mark)
        return None


def _with_layer(entry: Entry, mark: str) -> str:
    """The document's key with its layer variable replaced by `mark`."""
    base = re.match(r"\\?[A-Za-z]+(?:\{\\?[A-Za-z]+\})?|\\[A-Za-z]+\{\\?[A-Za-z]+\}", entry.key)
    head, tail = entry.key[:base.end()], entry.key[base.end():]
    # (a mark of several characters in a script written without braces gets them: `x_{i-1}`)
    tail = re.sub(rf"(?<![A-Za-z\\])([_^]?){entry.variable}\s*(?:[+-]\s*[0-9]+)?(?![A-Za-z])",
                  lambda found: found.group(1) + (f"{{{mark}}}" if found.group(1) and
                                                   len(mark) > 1 else mark), tail, count=1)
    return head + tail


def _layer_style(claims: list[str], subscripts: bool):
    """How the document marks a layer: `^{(2)}`, `^{[2]}`, `^{2}` or `_{2}`."""
    text = " ".join(claims)
    # (a mark holds a layer's number or letter, `y^{(i)}` a sample's; a bare mark follows a
    # name's letter, not a subscript's: `\|W_1\|_F^2` is a square)
    layer = r"\s*(?:[0-9]|[lLk]\b)"
    counts = {"(": len(re.findall(r"\^\{?\(" + layer, text)),
              "[": len(re.findall(r"\^\{?\[" + layer, text)),
              "": len(re.findall(r"(?<![_A-Za-z])[A-Za-z]\^\{?[0-9lLk]\b", text))}
    if subscripts and not any(counts.values()):
        return lambda mark: f"_{{{mark}}}"
    opening = max(counts, key=lambda key: (counts[key], key == "("))
    closing = {"(": ")", "[": "]", "": ""}[opening]
    return lambda mark: f"^{{{opening}{mark}{closing}}}"


class _DocumentPrinter(SymnetLatexPrinter):
    """symnet's printer, with the document's transpose mark, and a transpose of a written name
    that is not a plain symbol put in parentheses."""

    def __init__(self, style: Style, ones: str | None, biases: set[str]):
        super().__init__()
        self.style, self.ones, self.biases = style, ones, biases

    def _print_MatMul(self, expr) -> str:
        # a bias broadcast over the samples (`b 1^T`, `1 b^T`) is written as the bias alone,
        # as documents do (symnet reads `W A + b` so)
        matrices = expr.args
        if len(matrices) == 2 and not self.ones:
            for bias, ones in (matrices, matrices[::-1]):
                if _is_ones_row(ones):
                    inner = bias.arg if isinstance(bias, Transpose) else bias
                    if isinstance(inner, MatrixSymbol) and inner.name in self.biases:
                        return self._print(inner)
        return super()._print_MatMul(expr)

    def _print_OneMatrix(self, expr) -> str:
        return self.ones if self.ones else super()._print_OneMatrix(expr)

    def _print_Transpose(self, expr) -> str:
        inner = self._print(expr.arg)
        mark = self.style.transpose
        if isinstance(expr.arg, MatrixSymbol) and not inner.startswith(r"\frac"):
            if inner.endswith("}") and "^{" in inner and self.style.transpose_inside:
                glue = " " if mark.startswith("\\") else ""
                return inner[:-1] + glue + mark + "}"
            if "^" not in inner:
                return f"{inner}^{{{mark}}}"
        return rf"\left({inner}\right)^{{{mark}}}"

    def _print_EntrySum(self, expr) -> str:
        # the sum of squared entries, as documents write it: a squared norm
        matrix = expr.matrix
        if isinstance(matrix, HadamardPower) and matrix.args[1] == 2:
            return rf"\left\| {self._print(matrix.args[0])} \right\|^{{2}}"
        return super()._print_EntrySum(expr)

    def _print_HadamardProduct(self, expr) -> str:
        parts = [rf"\left({self._print(arg)}\right)" if isinstance(arg, sp.MatAdd)
                 else self._print(arg) for arg in expr.args]
        return f" {self.style.hadamard} ".join(parts)


def _is_ones_row(matrix) -> bool:
    return isinstance(matrix, Transpose) and isinstance(matrix.arg, OneMatrix) or \
        isinstance(matrix, OneMatrix) and 1 in matrix.shape


@dataclass(frozen=True)
class Derived:
    """symnet's line for a claim's left side, in the document's notation: `lhs = rhs` of the
    whole quantity, and when the claim gives its entries (`entries`), the right side of one
    entry in the claim's own index letters (`rhs_entry`, None when it has no index form)."""

    lhs: str
    rhs: str
    entries: bool
    rhs_entry: str | None = None


def counterpart_latex(reading, notation: Notation, spec: NetworkSpec, claims: list[str],
                      claim: str, style: Style, layer_values: dict[str, int],
                      written_as_symbol: bool = True) -> Derived | None:
    """The quantity the reading's left side is (or gives entries of) and its step in the
    vector form, in the document's notation. Unconfirmed: the caller judges it."""
    found = quantity(reading)
    if found is None:
        return None
    node, adjoint, entries = found
    if not adjoint and not written_as_symbol:   # `dz/dW_{1j} = h_j`: a value, not h itself
        return None
    form = vector_form_of(spec, one_sample=not reading.batch)
    value = _step_value(form, node, adjoint)
    if value is None:
        return None
    renderer = _Renderer(notation, spec, claims, claim, layer_values, reading.batch,
                         reading.one_example)
    renamed = _document_symbols(form, renderer)
    matrices = {symbol for symbol in value.free_symbols if isinstance(symbol, MatrixSymbol)}
    target = (form.adjoint_symbols if adjoint else form.symbols)[node]
    if not matrices <= set(renamed) or renamed.get(target) is None:
        return None
    hadamard = notation.marker("hadamard")
    ones = notation.marker("ones")
    biases = {renamed[symbol].name for name, symbol in form.symbols.items()
              if name.startswith("b[") and symbol in renamed}
    printer = _DocumentPrinter(replace(style, hadamard=hadamard[0]) if hadamard else style,
                               ones[0] if ones else None, biases)
    rhs_entry = None
    scalar = all(size == 1 for size in target.shape)
    if entries or scalar:
        axes = (None, None) if scalar else _axes(reading, node, adjoint, target.shape)
        if axes is not None:
            names = {symbol: written.name for symbol, written in renamed.items()}
            rhs_entry = _entry_latex(value, axes, names, claims, claim, notation, spec)
    return Derived(printer.doprint(renamed[target]), printer.doprint(value.xreplace(renamed)),
                   entries, rhs_entry)


def gradient_latex(reading, found, notation: Notation, spec: NetworkSpec, claims: list[str],
                   claim: str, layer_values: dict[str, int], written: str) -> str | None:
    """The document's name for the gradient of the quantity a reading's left side is (`found`
    by `quantity`): its adjoint symbol, or the derivative of its loss by `written`."""
    node, _, entries = found
    renderer = _Renderer(notation, spec, claims, claim, layer_values, reading.batch,
                         reading.one_example)
    if not entries:
        return renderer.adjoint(node)
    loss = renderer.node("loss")
    return None if loss is None else rf"\frac{{\partial {loss}}}{{\partial {written}}}"


def _document_symbols(form: VectorForm, renderer: _Renderer) -> dict:
    """The vector form's matrix symbols -> the same matrices named as the document does."""
    renamed = {}
    for name, symbol in form.symbols.items():
        written = renderer.node(name)
        if written is not None:
            renamed[symbol] = MatrixSymbol(written, *symbol.shape)
    for name, symbol in form.adjoint_symbols.items():
        written = renderer.adjoint(name)
        if written is not None:
            renamed[symbol] = MatrixSymbol(written, *symbol.shape)
    return renamed


def local_derivative_latex(top, bottom, notation: Notation, spec: NetworkSpec,
                           claims: list[str], claim: str, layer_values: dict[str, int]
                           ) -> list[str]:
    """`\\frac{\\partial Z_{i}}{\\partial W_{ij}}`: the derivative of an entry of one
    network quantity by an entry of another that its step reads, in the claim's index letters
    (`top`, `bottom`: readings of the numerator and the denominator). Unconfirmed; with the
    row of a one-row matrix left out (`W_{j}`), and written (`W_{1j}`)."""
    if not (_one_entry(top.lhs) and _one_entry(bottom.lhs)):
        return []   # the Jacobian of whole matrices has no line in the document's notation
    found, by = quantity(top), quantity(bottom)
    if found is None or by is None or found[1] or by[1] or found[0] == "loss":
        return []   # (the loss's derivative is the gradient: a quantity of its own)
    form = vector_form_of(spec, one_sample=not top.batch)
    value = _step_value(form, found[0], False)
    if value is None or by[0] not in form.symbols:
        return []
    output, variable = form.symbols[found[0]], form.symbols[by[0]]
    axes, by_axes = (_axes(top, found[0], False, output.shape),
                     _axes(bottom, by[0], False, variable.shape))
    if axes is None or by_axes is None:
        return []
    renderer = _Renderer(notation, spec, claims, claim, layer_values, top.batch,
                         top.one_example)
    names = {symbol: written.name for symbol, written in
             _document_symbols(form, renderer).items()}
    written = []
    for unit_index in (False, True):
        writer = JacobianWriter(names, _index_letters(claims, claim, notation, spec),
                                _glue(claim), output, unit_index)
        try:
            written.append(IndexPrinter().doprint(
                writer.partial(value, *axes, variable, *by_axes)))
        except Unwritable:
            pass
    return list(dict.fromkeys(written))


def _one_entry(value) -> bool:
    """Entries of a quantity given by index letters, or a quantity of one entry."""
    return isinstance(value, Indexed) or (isinstance(value, MatrixValue)
                                          and value.matrix.shape == (1, 1))


def _axes(reading, node: str, adjoint: bool, form_shape) -> tuple | None:
    """(row letter, column letter) of the claim's left side on the vector form's matrix (None
    for an axis of length one); None when an axis longer than one has no letter."""
    lhs, network = reading.lhs, reading.network
    if isinstance(lhs, MatrixValue):
        return (None, None) if tuple(form_shape) == (1, 1) else None
    symbols = network.adjoints.bars[node] if adjoint else network.graph.nodes[node].symbols
    columns = symbols.shape[1]
    position = {symbol: divmod(number, columns) for number, symbol in enumerate(symbols)}
    zero = {name: 0 for name in lhs.free}
    start = position.get(lhs.at(zero))
    axes = [None, None]
    for name in lhs.free:
        if lhs.ranges[name] < 2:
            continue
        moved = position.get(lhs.at({**zero, name: 1}))
        if start is None or moved is None:
            return None
        axes[0 if moved[0] != start[0] else 1] = sp.Symbol(name)
    # one sample is a column in the vector form and may be a row in the network (the form's
    # sizes are symbols: the network's own say which axes have length one)
    shape = list(symbols.shape)
    if (shape[0] == 1 and shape[1] != 1) and form_shape[1] == 1:
        axes.reverse()
        shape.reverse()
    if any(size != 1 and letter is None for size, letter in zip(shape, axes)):
        return None
    return tuple(axes)


def _entry_latex(value, axes, names, claims, claim, notation: Notation,
                 spec: NetworkSpec) -> str | None:
    """One entry of `value` in the claim's index letters, sums over letters the document does
    not use."""
    writer = EntryWriter(names, _index_letters(claims, claim, notation, spec), _glue(claim))
    try:
        return IndexPrinter().doprint(writer.entry(value, *axes))
    except Unwritable:
        return None


def _index_letters(claims, claim: str, notation: Notation, spec: NetworkSpec) -> list[str]:
    """Letters for sums that neither the claim nor any subscript of the document uses."""
    taken = set(re.findall(r"\\[A-Za-z]+|[A-Za-z]", claim))
    for text in claims:
        for script in re.findall(r"_\{([^{}]*)\}|_(\\[A-Za-z]+|[A-Za-z])", text):
            taken.update(re.findall(r"\\[A-Za-z]+|[A-Za-z]", "".join(script)))
    taken |= {entry.base for entry in notation.entries} | set(spec.sizes)
    return index_letters(claim, taken)


def _glue(claim: str) -> str:
    """`W_{i,j}` or `W_{ij}`, as the claim writes an entry (a sum's `_{m,\\alpha}` aside)."""
    return "," if re.search(r"(?<!\\sum)_\{[^{}]*,", claim) else ""
