"""The networks a document is checked on: its own sizes (mapped to small ones when large) and a
second, different set of sizes, each for the batch and for one sample; and the networks a wrong
gradient is tried against (another loss or output layer, a concrete function for a generic one).
"""

from __future__ import annotations

from dataclasses import replace

import sympy as sp

from .network import Network, build
from .registry import ACTIVATIONS, CONCRETE_ACTIVATIONS, LOSSES
from .spec import NetworkSpec


class Networks:
    """The document's network at its sizes and at a second, different set of sizes, each for
    the batch and for one sample (built on demand, kept)."""

    def __init__(self, spec: NetworkSpec):
        self.spec = spec = checking_spec(spec)
        # the second set differs in every size of the network (so a square matrix cannot hide
        # a transpose) and is smaller where it can be without a size of 1 hiding anything; a
        # constant the network is not built from (L, the number of layers) stays what it is
        # (a layer of one unit stays one: a formula written for a scalar output, `y \log a`,
        # is meant for one); sizes the document equates (`n = "m"`) stay equal
        structural = spec.structural_sizes()
        second = {name: (value - 1 if value > 2 else value + 1 if value == 2 else value)
                  if name in structural else value for name, value in spec.sizes.items()}
        self.size_sets = [dict(spec.sizes), spec.equated(second)]
        self._built: dict[tuple[int, bool], Network] = {}

    def get(self, size_set: int, batch: bool) -> Network:
        key = (size_set, batch)
        if key not in self._built:
            self._built[key] = build(self.spec, self.size_sets[size_set],
                                     per_sample=not batch)
        return self._built[key]

    def alternatives(self) -> list[tuple[str, "Networks"]]:
        """The same network with another standard loss (or scale), or another output
        activation: what a wrong gradient may be the exact gradient of."""
        if not hasattr(self, "_alternatives"):
            self._alternatives = [(text, Networks(_small_batch(spec)))
                                  for text, spec in alternative_specs(self.spec)]
        return self._alternatives

    def concrete_functions(self) -> list[tuple[str, int, str, "Networks"]]:
        """(name, layer, activation, networks): the network with the layers that apply the
        generic function `name` (the first of them `layer`) applying a known element-wise
        activation instead."""
        if not hasattr(self, "_concrete"):
            first = {}
            for number, layer in enumerate(self.spec.expanded_layers(), start=1):
                if layer.activation.generic:
                    first.setdefault(layer.activation.name, number)
            self._concrete = [
                (name, number, activation, Networks(_small_batch(replace(
                    self.spec, layers=tuple(
                        replace(layer, activation=ACTIVATIONS[activation])
                        if layer.activation.generic and layer.activation.name == name
                        else layer for layer in self.spec.layers)))))
                for name, number in first.items() for activation in CONCRETE_ACTIVATIONS]
        return self._concrete


HINT_BATCH = 2   # samples in the networks a wrong gradient is tried against


def _small_batch(spec: NetworkSpec) -> NetworkSpec:
    """The network at a batch of HINT_BATCH samples: what a wrong gradient is the exact
    gradient of is a hint beside the verdict, and building a network's gradients costs in
    proportion to its batch (0.8 s for the nine alternatives of a 3-4-3 network at 5 samples).
    A batch size that also sizes a layer stays."""
    name = spec.batch
    others = [spec.inputs, *(ref for layer in spec.layers for ref in (layer.units,
                                                                      layer.repeat))]
    if not isinstance(name, str) or spec.sizes.get(name, 0) <= HINT_BATCH or name in others \
            or name in spec.aliases or name in spec.aliases.values():
        return spec
    return replace(spec, sizes=spec.equated({**spec.sizes, name: HINT_BATCH}))


SMALL_SIZE = 8   # sizes up to this are checked as they are


def checking_spec(spec: NetworkSpec) -> NetworkSpec:
    """The network a document is checked at: its own when its sizes are small; else every
    size above SMALL_SIZE (a name, or a number in a layer) mapped, in order, onto the next
    small integers, a different one for each name (784-256-10 with M = 256 is checked as
    6-5-3 with M = 4: two names equal by chance must not hide a formula that confuses them).
    A verdict does not depend on the sizes; an explicit network of 784 x 256 symbols would
    take hours to differentiate."""
    structural = spec.structural_sizes()
    literal = {ref for ref in [spec.inputs, spec.batch, *(layer.units for layer in spec.layers)]
               if isinstance(ref, int)}
    named = {name: value for name, value in spec.sizes.items() if name in structural}
    large = sorted([(value, name) for name, value in named.items() if value > SMALL_SIZE] +
                   [(value, "") for value in literal if value > SMALL_SIZE])
    if not large:
        return spec
    start = max([value for value in [*named.values(), *literal] if value <= SMALL_SIZE] + [2]) + 1
    small = {key: start + rank for rank, key in enumerate(large)}

    def mapped(ref):
        return small.get((ref, ""), ref) if isinstance(ref, int) else ref
    sizes = spec.equated({name: small.get((value, name), value)
                          for name, value in spec.sizes.items()})
    return replace(spec, inputs=mapped(spec.inputs), batch=mapped(spec.batch), sizes=sizes,
                   layers=tuple(replace(layer, units=mapped(layer.units))
                                for layer in spec.layers))


def alternative_specs(spec: NetworkSpec) -> list[tuple[str, NetworkSpec]]:
    declared, output = spec.loss, spec.layers[-1]
    found = []
    for name, loss in LOSSES.items():
        if declared.loss.generic or loss.needs_probabilities and not (
                output.activation.probabilities):
            continue
        for scale in dict.fromkeys([declared.scale, sp.Integer(1), sp.Rational(1, 2)]):
            if name == declared.loss.name and scale == declared.scale:
                continue
            text = f"the {name.replace('_', ' ')} loss" + (f" scaled by {scale}"
                                                          if scale != 1 else "")
            found.append((text, replace(spec, loss=replace(declared, loss=loss, scale=scale))))
    if spec.size(output.units) > 1:   # (`\frac{1}{n} \sum_i` over the outputs, or not)
        other = "sum" if declared.outputs == "mean" else "mean"
        found.append((f"the declared loss {'summed' if other == 'sum' else 'averaged'} over "
                      "the output units", replace(spec, loss=replace(declared, outputs=other))))
    for name, activation in ACTIVATIONS.items():
        if output.activation.generic or name == output.activation.name or (
                declared.loss.needs_probabilities and not activation.probabilities) or (
                activation.per_sample is not None and spec.size(output.units) < 2):
            continue    # (a softmax over one unit is the constant 1: every gradient is 0)
        layers = spec.layers[:-1] + (replace(output, activation=activation),)
        article = "an" if name[0] in "aeiou" else "a"
        found.append((f"{article} {name} output layer", replace(spec, layers=layers)))
    return found
