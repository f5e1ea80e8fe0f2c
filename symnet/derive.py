"""What `symnet derive` shows: the network, its forward pass (in closed form when small) and the
gradient of the loss with respect to every node, in vector form with symbolic sizes.

`derive(document)` returns plain data (`Derivation`); `text`, `latex` and `to_json` are views.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import sympy as sp

from .network import build
from .printing import latex, text
from .spec import Document
from .vector_form import vector_form

# A closed form longer than this many operations is not shown: nobody reads it.
CLOSED_FORM_MAX_OPS = 400
# ... and a network with more weights than this is not even built entry by entry to find out
CLOSED_FORM_MAX_WEIGHTS = 200


@dataclass(frozen=True)
class Equation:
    lhs_latex: str
    rhs_latex: str
    lhs_text: str
    rhs_text: str

    @classmethod
    def of(cls, lhs, rhs) -> "Equation":
        return cls(latex(lhs), latex(rhs), text(lhs), text(rhs))


@dataclass(frozen=True)
class LayerRow:
    number: int
    units: str            # as the file names it ("N_1", or "4")
    size: int
    activation: str
    bias: bool
    weight_shape: str     # symbolic: "N_1 x N_0"


@dataclass
class Derivation:
    file: str
    title: str
    source: str
    samples: str
    sizes: dict[str, int]
    loss: str
    layers: list[LayerRow]
    forward: list[Equation]
    closed_form: Equation | None
    closed_form_note: str
    gradients: list[Equation]          # parameters first, then the other nodes
    adjoint_legend: str = r"\bar{V} = \partial L / \partial V"
    parameters: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def derive(document: Document) -> Derivation:
    spec = document.network
    form = vector_form(spec)
    layers = spec.expanded_layers()
    rows = []
    for number, layer in enumerate(layers, start=1):
        weight = form.symbols[f"W[{number}]"]
        rows.append(LayerRow(number, str(layer.units), spec.size(layer.units),
                             layer.activation.name, layer.bias,
                             " x ".join(text(size) for size in weight.shape)))
    forward = [Equation.of(step.target, step.value) for step in form.forward]
    by_node = {step.node: step for step in form.backward}
    parameters = form.parameters()
    order = parameters + [name for name in by_node if name not in parameters]
    gradients = [Equation.of(by_node[name].target, by_node[name].value) for name in order]
    closed, note = _closed_form(document)
    loss = spec.loss
    loss_text = (f"{loss.loss.name}, scale {loss.scale}, {loss.reduction} over samples"
                 + (", mean over the outputs" if loss.outputs == "mean" else "")
                 + (f", L2 {spec.l2.coefficient} (scale {spec.l2.scale}"
                    + (", mean over samples" if spec.l2.reduction == "mean" else "") + ")"
                    if spec.l2 else ""))
    return Derivation(document.path, document.title, document.source, spec.samples,
                      dict(spec.sizes), loss_text, rows, forward, closed, note, gradients,
                      parameters=parameters)


def _closed_form(document: Document) -> tuple[Equation | None, str]:
    """The network's output for one sample as a single expression of the input and the
    parameters, at the file's sizes, when it is short enough to read."""
    spec = document.network
    inputs = [spec.size(spec.inputs)] + [spec.size(layer.units)
                                         for layer in spec.expanded_layers()]
    weights = sum(a * b for a, b in zip(inputs, inputs[1:]))
    if weights > CLOSED_FORM_MAX_WEIGHTS:
        return None, (f"closed form omitted: {weights} weights at the file's sizes (written "
                      f"out up to {CLOSED_FORM_MAX_WEIGHTS})")
    network = build(spec, per_sample=True)
    output = network.adjoints.value(network.output_name())
    operations = sp.count_ops(output)
    if operations > CLOSED_FORM_MAX_OPS:
        return None, (f"closed form omitted: {operations} operations at the file's sizes "
                      f"(shown up to {CLOSED_FORM_MAX_OPS})")
    value = output[0, 0] if output.shape == (1, 1) else output
    return Equation.of(sp.Symbol(r"\hat{y}"), value), "one sample, at the file's sizes"


def as_text(derivation: Derivation) -> str:
    lines = [f"{derivation.title}  ({derivation.file})", "",
             f"samples: {derivation.samples}; sizes: "
             + (", ".join(f"{name}={value}" for name, value in derivation.sizes.items())
                or "all given as numbers"),
             f"loss: {derivation.loss}", "",
             "layer  units       activation  bias  W shape"]
    for row in derivation.layers:
        lines.append(f"{row.number:>5}  {_units(row):<10}  "
                     f"{row.activation:<10}  "
                     f"{'one' if row.bias == 'shared' else 'yes' if row.bias else 'no':<4}  "
                     f"{row.weight_shape}")
    lines += ["", "forward pass:"]
    lines += [f"  {eq.lhs_text} = {eq.rhs_text}" for eq in derivation.forward]
    lines += ["", f"closed form ({derivation.closed_form_note}):" if derivation.closed_form
              else derivation.closed_form_note]
    if derivation.closed_form:
        lines.append(f"  yhat = {derivation.closed_form.rhs_text}")
    lines += ["", "gradients (dV = dL/dV):"]
    lines += [f"  {eq.lhs_text} = {eq.rhs_text}" for eq in derivation.gradients]
    return "\n".join(lines)


def as_latex(derivation: Derivation) -> str:
    """A LaTeX fragment (needs amsmath): forward pass, closed form and gradients."""
    def block(equations: list[Equation]) -> list[str]:
        body = " \\\\\n".join(f"  {eq.lhs_latex} &= {eq.rhs_latex}" for eq in equations)
        return [r"\begin{align*}", body, r"\end{align*}"]

    lines = [f"% {derivation.title} ({derivation.file})", "% forward pass"]
    lines += block(derivation.forward)
    if derivation.closed_form:
        lines += ["% closed form, " + derivation.closed_form_note]
        lines += block([derivation.closed_form])
    lines += [f"% gradients, {derivation.adjoint_legend}"]
    lines += block(derivation.gradients)
    return "\n".join(lines)


def _units(row: LayerRow) -> str:
    """`N_1 = 4`, or `4` when the file gives the number itself."""
    return row.units if row.units == str(row.size) else f"{row.units} = {row.size}"
