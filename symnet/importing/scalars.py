"""A network written out number by number: every unit's weighted sum with numbered weights and
named units, as worked examples write it (`net_{h1} = w_1 * i_1 + w_2 * i_2 + b_1 * 1`,
`out_{h1} = \\frac{1}{1 + e^{-net_{h1}}}`, `net_{o1} = w_5 * out_{h1} + w_6 * out_{h2} + b_2`).

Each name becomes a `[notation]` row naming one entry (`'w_5' = "weight[2](1,1)"`): units fed by
inputs only are layer 1's, units fed by layer k's outputs are layer k+1's, in the order the
document states them; a bias every unit of a layer adds is that layer's one shared bias. The
sizes are literal numbers, since the document fixes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# a function of the document's own: one letter (`f`, `g`) or a Greek one (`\phi`)
_OWN_FUNCTION = r"[fgh]|\\(?:phi|varphi|psi)"
# a name with a subscript: `w_5`, `w_{5}`, `net_{h1}`, `out_{o2}`, `i_1`, `x_{2}`
_NAME = r"(?:\\[A-Za-z]+|[A-Za-z]+)\s*_\s*(?:\{\s*[A-Za-z0-9]+\s*\}|[A-Za-z0-9])"
_PRODUCT = r"(?:\*|\\cdot|\\times)?"
_TERM = re.compile(rf"\s*(?P<a>{_NAME})\s*(?:{_PRODUCT}\s*(?P<b>{_NAME}|1))?\s*")
_SUM = re.compile(rf"^\s*(?P<lhs>{_NAME})\s*=(?P<rhs>[^=]+)$")
# `\frac{1}{1 + e^{-net}}`, `\sigma(net)`, `\tanh(net)`: a function of one name
_LOGISTIC = re.compile(rf"^\s*(?P<lhs>{_NAME})\s*=\s*\\[dt]?frac\s*\{{\s*1\s*\}}\s*\{{\s*1\s*\+\s*"
                       rf"(?:e\s*\^\s*\{{\s*-\s*(?P<net>{_NAME})\s*\}}|\\exp\s*\(\s*-\s*"
                       rf"(?P<net2>{_NAME})\s*\))\s*\}}\s*$")
_APPLIED = re.compile(rf"^\s*(?P<lhs>{_NAME})\s*=\s*(?P<f>\\sigma|\\tanh|\\operatorname\{{ReLU\}}|"
                      rf"\\text\{{ReLU\}}|\\mathrm\{{ReLU\}}|ReLU)\s*(?:\\left)?\(\s*"
                      rf"(?P<net>{_NAME})\s*(?:\\right)?\)\s*$")
# `h_1 = \sigma(w_1 x_1 + w_2 x_2 + b_1)`: the function of a sum written inside it (also a
# function of the document's own, `g(i_1 w_{11} + i_2 w_{21})`)
_APPLIED_TO_SUM = re.compile(rf"^\s*(?P<lhs>{_NAME})\s*=\s*(?P<f>\\sigma|\\tanh|{_OWN_FUNCTION})\s*"
                             r"(?:\\left)?\((?P<sum>[^()]*?)(?:\\right)?\)\s*$")
_FUNCTIONS = {r"\sigma": "sigmoid", r"\tanh": "tanh"}
_WEIGHT_LETTERS = ("w", "W", r"\theta", r"\Theta", r"\omega")
_BIAS_LETTERS = ("b", "B", r"\beta")


@dataclass
class Unit:
    net: str | None                # `net_{h1}`, as first written (None: not named)
    weights: list[tuple[str | None, str]]   # (weight, source), in the written order (a unit
                                            # done as another is: its weights have no names)
    bias: str | None = None
    out: str | None = None         # `out_{h1}`
    activation: str = "sigmoid"


@dataclass
class WrittenOut:
    """What the formulas give: the units by layer, the inputs, and the forward formulas."""

    layers: list[list[Unit]] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    forward: list[str] = field(default_factory=list)

    def rows(self) -> dict[str, str]:
        rows = {name: f"input({number})" for number, name in enumerate(self.inputs, start=1)}
        sources = {name: number for number, name in enumerate(self.inputs, start=1)}
        for layer, units in enumerate(self.layers, start=1):
            shared = self.shared_bias(layer)
            for number, unit in enumerate(units, start=1):
                if unit.net:
                    rows[unit.net] = f"preactivation[{layer}]({number})"
                if unit.out:
                    rows[unit.out] = f"activation[{layer}]({number})"
                for weight, source in unit.weights:
                    if weight is not None:
                        rows[weight] = f"weight[{layer}]({number},{sources[source]})"
                if unit.bias:
                    rows[unit.bias] = f"bias[{layer}](1)" if shared else \
                        f"bias[{layer}]({number})"
            sources = {unit.out: number for number, unit in enumerate(units, start=1)}
        return rows

    def shared_bias(self, layer: int) -> bool:
        biases = [unit.bias for unit in self.layers[layer - 1]]
        return len(biases) > 1 and None not in biases and len(set(biases)) == 1

    def network_layers(self) -> list[dict]:
        found = []
        for layer, units in enumerate(self.layers, start=1):
            activations = {unit.activation for unit in units}
            activation = activations.pop() if len(activations) == 1 else "sigmoid"
            row = {"units": len(units), "activation": activation}
            if activation.startswith("generic:"):   # (`g(...)`: the document's own function)
                row.update(activation="generic", function=activation.split(":", 1)[1])
            if any(unit.bias is None for unit in units):
                row["bias"] = False
            elif self.shared_bias(layer):
                row["bias"] = "shared"
            found.append(row)
        return found

    @property
    def outputs(self) -> list[str]:
        return [unit.out for unit in self.layers[-1] if unit.out]


def written_out(formulas: list[str]) -> WrittenOut | None:
    """The network of formulas that write every unit's sum with numbered weights; None when
    the formulas are not such (fewer than two units, or sums that do not chain)."""
    units: list[Unit] = []
    functions: dict[str, tuple[str, str, str]] = {}   # net -> (out, activation, formula)
    forward = []
    for latex in formulas:
        for text in re.split(r"\\\\|,\s*\\quad|\\qquad", latex):
            text = re.sub(r"&", "", text)
            unit = _sum(text) or _applied_to_sum(text)
            if unit is not None and (unit.net or unit.out) not in {
                    known.net or known.out for known in units}:
                units.append(unit)
                forward.append(latex)
                continue
            applied = _LOGISTIC.match(text) or _APPLIED.match(text)
            if applied:
                net = _key(applied.group("net") or applied.group("net2"))
                function = _FUNCTIONS.get(applied.groupdict().get("f") or r"\sigma", "relu")
                functions.setdefault(net, (_key(applied.group("lhs")), function, latex))
    if len(units) < 2:
        return None
    found = WrittenOut()
    outs = {}
    for unit in units:
        if unit.out is not None:
            outs[unit.out] = unit
        elif unit.net in functions:
            unit.out, unit.activation, latex = functions[unit.net]
            outs[unit.out] = unit
            forward.append(latex)
    for unit in units:
        if unit.out is None:
            unit.out, unit.activation = _output_by_analogy(unit, units)
            if unit.out is not None:
                outs[unit.out] = unit
    _add_units_by_analogy(units, outs)
    layer_of: dict[str, int] = {}
    for unit in units:
        fed = {layer_of.get(source, 0) if source in outs else 0 for _, source in unit.weights}
        if any(source in outs and source not in layer_of for _, source in unit.weights) or \
                len(fed) != 1:
            return None   # (a unit fed by a later one, or by two layers: not a chain)
        layer = fed.pop() + 1
        if unit.out:
            layer_of[unit.out] = layer
        while len(found.layers) < layer:
            found.layers.append([])
        found.layers[layer - 1].append(unit)
        if layer == 1:
            found.inputs += [source for _, source in unit.weights if source not in found.inputs]
    previous = found.inputs
    for units_of_layer in found.layers:
        for unit in units_of_layer:   # every unit takes every output of the layer before
            if sorted(source for _, source in unit.weights) != sorted(previous):
                return None
        previous = [unit.out for unit in units_of_layer]
    found.forward = list(dict.fromkeys(forward))
    return found


def _output_by_analogy(unit: Unit, units: list[Unit]) -> tuple[str | None, str]:
    """`out_{h2}`, never written as a function of `net_{h2}`, where `out_{h1} = \\sigma(net_{h1})`
    is: the name of this unit's output, written as the other units' are, and its function
    (worked examples write one unit out and do the others "the same way")."""
    written = {(_base(known.out), known.activation) for known in units
               if known.net and known.out and _label(known.net) == _label(known.out)}
    if unit.net is None or len(written) != 1:
        return None, unit.activation
    base, activation = written.pop()
    return _key(f"{base}_{{{_label(unit.net)}}}"), activation


def _add_units_by_analogy(units: list[Unit], outs: dict[str, Unit]) -> None:
    """`out_{h2}` fed to a later unit beside `out_{h1}`, where only h1's unit is written out: a
    unit of h1's layer done "the same way", with h1's sources, function and bias (a worked
    example writes one unit of a layer and the others' results); its weights have no names."""
    for unit in list(units):
        for _, source in unit.weights:
            siblings = [outs[other] for _, other in unit.weights if other in outs and
                        source not in outs and _base(other) == _base(source) and "_" in source]
            if not siblings:
                continue
            sibling = siblings[-1]
            net = sibling.net and _label(sibling.net) == _label(sibling.out) and \
                _key(f"{_base(sibling.net)}_{{{_label(source)}}}")
            added = Unit(net or None, [(None, origin) for _, origin in sibling.weights],
                         sibling.bias, source, sibling.activation)
            units.insert(units.index(sibling) + 1, added)
            outs[source] = added


def _label(name: str) -> str:
    return name.split("_", 1)[1].strip("{}") if "_" in name else ""


def target_rows(found: WrittenOut, formulas: list[str]) -> dict[str, str]:
    """`(target_{o1} - out_{o1})`: the name an output unit's value is compared with is that
    unit's target; `(target - output)` written with words compares the whole vectors."""
    rows = {}
    outputs = {name: number for number, name in enumerate(found.outputs, start=1)}
    pair = re.compile(rf"\(\s*({_NAME}|[A-Za-z]+)\s*-\s*({_NAME}|[A-Za-z]+)\s*\)")
    for latex in formulas:
        for first, second in pair.findall(latex):
            first, second = _key(first), _key(second)
            for name, other in ((first, second), (second, first)):
                if name in outputs and other not in outputs and "_" in other:
                    rows.setdefault(other, f"target({outputs[name]})")
                elif name in ("output", "out", "prediction") and "_" not in other and \
                        len(other) > 1:
                    rows.update({name: "output", other: "target"})
    if not rows:   # `(f(h_1 u_{11} + ...) - t_1)^2`: the output written as its formula
        rows = _numbered_targets(found, formulas)
    # (`target_{o2}` beside `target_{o1}`: every output's target is written as one is)
    bases = {_base(name) for name, meaning in rows.items() if meaning.startswith("target(")}
    for base in bases if len(bases) == 1 else ():
        for name, number in outputs.items():
            if "_" in name:
                rows.setdefault(_key(f"{base}_{{{_label(name)}}}"), f"target({number})")
    return rows


# a numbered name a squared difference compares: `(... - t_1)^2`, `(t_2 - ...)^2`
_COMPARED = re.compile(r"-\s*([A-Za-z]\s*_\s*\{?\s*[0-9]\s*\}?)\s*\)\s*\^\s*\{?\s*2|"
                       r"\(\s*([A-Za-z]\s*_\s*\{?\s*[0-9]\s*\}?)\s*-")


def _numbered_targets(found: WrittenOut, formulas: list[str]) -> dict[str, str]:
    """`t_1`, `t_2` compared in squares with the outputs (written as their formulas): output k's
    target, when they are one letter's names no unit has and numbered as the outputs are."""
    named = {name for layer in found.layers for unit in layer
             for name in (unit.net, unit.out, *(weight for weight, _ in unit.weights))} | \
        set(found.inputs)
    compared = {_key(first or second) for latex in formulas
                for first, second in _COMPARED.findall(latex)} - named
    if len({_base(name) for name in compared}) != 1 or \
            not all(1 <= int(_label(name)) <= len(found.outputs) for name in compared):
        return {}
    return {name: f"target({_label(name)})" for name in sorted(compared)}


def loss_name(formulas: list[str], found: WrittenOut) -> str | None:
    """`E_{total}` of `E_{total} = \\sum \\frac{1}{2}(target - output)^2`: the loss's name, a
    letter with a word that is not an output unit's label."""
    labels = {re.sub(r"^[^_]*_\{?|\}$", "", name) for name in found.outputs}
    for latex in formulas:
        named = re.match(r"\s*((?:[A-Z]|\\mathcal\{[A-Z]\})\s*_\s*\{\s*([A-Za-z]+)\s*\})\s*=",
                         latex)
        if named and named.group(2) not in labels:
            return _key(named.group(1))
    return None


def _applied_to_sum(text: str) -> Unit | None:
    statement = _APPLIED_TO_SUM.match(text)
    unit = statement and _terms(statement.group("sum"))
    if not unit:
        return None
    weights, bias = unit
    function = statement.group("f")
    return Unit(None, weights, bias, _key(statement.group("lhs")),
                _FUNCTIONS.get(function, f"generic:{function}"))


def _sum(text: str) -> Unit | None:
    statement = _SUM.match(text)
    unit = statement and _terms(statement.group("rhs"))
    return unit and Unit(_key(statement.group("lhs")), *unit)


def _terms(text: str) -> tuple[list, str | None] | None:
    """`w_1 * i_1 + w_2 * i_2 + b_1 * 1`: the (weight, source) pairs and the bias."""
    weights, bias = [], None
    for term in text.split("+"):
        parts = _TERM.fullmatch(term)
        if parts is None:
            return None
        a, b = _key(parts.group("a")), parts.group("b")
        if b is None or b == "1":   # `b_1`, `b_1 * 1`
            if bias is not None or _base(a) not in _BIAS_LETTERS:
                return None
            bias = a
            continue
        b = _key(b)
        weight, source = (a, b) if _base(a) in _WEIGHT_LETTERS else (b, a)
        if _base(weight) not in _WEIGHT_LETTERS:
            # a weight of another letter (`h_1 u_{11}`): the factor numbered by a pair
            paired = [name for name in (a, b) if len(_label(name)) == 2]
            if len(paired) != 1:
                return None
            weight, source = paired[0], b if paired[0] == a else a
        weights.append((weight, source))
    return (weights, bias) if weights else None


def _key(written: str) -> str:
    """`w_{5}`, `w_5`, `net_{h1}`: the name as a [notation] key (`w_5`, `net_{h1}`); a word
    as it is."""
    if "_" not in written:
        return written.strip()
    base, sub = re.split(r"\s*_\s*", written.strip(), maxsplit=1)
    sub = sub.strip("{} ")
    return f"{base}_{sub}" if len(sub) == 1 else f"{base}_{{{sub}}}"


def _base(name: str) -> str:
    return name.split("_", 1)[0]
