"""Both sides of a link resolved, at one size set, for one sample or the batch: what the
verdict compares. Also the layer positions a claim is checked at (the values its layer
variables take)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from .grammar import Relation
from .network import Network
from .notation import PARAMETERS_LAYER, Notation, marks_layer_with
from .resolve import (Context, Indexed, MatrixValue, NeedsBatch, NoSuchLayer, OfOneExample,
                      Resolver, ShapeMismatch, Unresolvable)
from .resolve.values import UNIT, fixed, sample_vectors
from .size_sets import Networks
from .spec import NetworkSpec


@dataclass
class Reading:
    """A link's two sides resolved in one network (one size set, one sample or the batch),
    with what the verdict needs beside them: the link's variables, the places written on the
    right (for a diagnosis), the notes on how informal notation was read."""

    network: Network
    lhs: Any
    rhs: Any
    dummies: dict
    batch: bool
    overrides: dict = field(default_factory=dict)   # adjoint symbol -> the document's value
    rhs_sites: list = field(default_factory=list)   # indices and layers written on the right
    scope: list = field(default_factory=list)       # the index letters of the link
    notes: list = field(default_factory=list)       # readings of informal notation
    signed: frozenset = frozenset()                 # dummies sampled on both sides of 0
    repeated: frozenset = frozenset()   # indices repeated in a product, not summed (no Einstein)
    one_example: bool = False   # read for one example because it is of one example's loss

    def but(self, **changes) -> "Reading":
        return Reading(**{**self.__dict__, **changes})


def read_sides(link: Relation, latex: str, notation: Notation, networks: Networks, size_set: int,
               definitions: dict, layer_shift: dict | None = None,
               index_change: dict | None = None, position: int = 0,
               batch: bool | None = None, forms=None) -> Reading:
    """Both sides of a link resolved at one size set: for one sample when the link allows
    it, else on the batch (or only as `batch` says, when the caller already knows)."""
    modes = (False, True) if networks.spec.samples != "single" else (True,)
    modes = modes if batch is None else (batch,)
    errors = {}
    for batch in modes:
        try:
            return _read_in(link, latex, notation, networks.get(size_set, batch), batch,
                            definitions, layer_shift, index_change, position, forms,
                            sample_vectors=link.one_sample)
        except NeedsBatch:
            continue
        except (ShapeMismatch, Unresolvable) as error:
            # lower-case names are one sample's vectors in some documents and the batch's
            # matrices in others (`z_1 = x W_1 + b_1` in a notebook): a reading that fails
            # for one sample is tried on the batch; the first failure is the one reported
            if len(modes) == 1 or isinstance(error, NoSuchLayer):
                raise
            errors[batch] = error
    if not errors and link.one_sample:
        raise Unresolvable("a term accumulated over the samples is one sample's, but this one "
                           "is written of the batch")
    if not errors:
        raise Unresolvable("the claim needs the batch, but the network has a single sample")
    if False in errors:
        raise errors[False]
    # `\mathcal{L}(z, y) = y \log \sigma(z) + ...`: whole vectors that do not fit as the
    # batch's are one sample's (the claim names no sample index and no batch size)
    try:
        return _read_in(link, latex, notation, networks.get(size_set, False), False,
                        definitions, layer_shift, index_change, position, forms,
                        sample_vectors=True, one_example=isinstance(errors[True], OfOneExample))
    except (NeedsBatch, Unresolvable):
        raise errors[True] from None


def _read_in(link, latex, notation, network, batch, definitions, layer_shift, index_change,
             position, forms, sample_vectors=False, one_example=False) -> Reading:
    context = Context(network, notation, latex, batch, layer_shift=layer_shift or {},
                      definitions=definitions, index_change=index_change or {}, forms=forms,
                      sample_vectors=sample_vectors, sample_share=link.one_sample,
                      one_example=one_example)
    for variable, value in layer_variables(notation, network, position):
        context.layers[variable] = value
    resolver = Resolver(context)
    resolver.declare_arguments(link.head if link.head is not None else link.lhs)
    resolver.declare_differentials(link.rhs)
    resolver.outer_indices = link.kept   # (the chain's first left side's, in a later link)
    resolver.counterpart = _head_value(link, context)
    lhs = resolver.side(link.lhs, jacobian=True)
    if PARAMETERS_LAYER in context.layers and not resolver.parameters_at_any_layer:
        # a claim about any layer's parameters says so on its left (`w \rightarrow ...`,
        # `\frac{\partial C}{\partial w} = ...`); a `w` met only on the right, as in letters
        # that spell a word, is no such claim
        raise Unresolvable("a weight or bias without its layer on the right side only: write "
                           "its layer")
    written = len(resolver.sites)
    resolver.counterpart = lhs
    resolver.keep_free(lhs)
    # `J = -\sum_j y_j \log a_j`: in the loss's formula, an activation without its layer is
    # the output's (what the loss is a function of)
    resolver.output_by_default = resolver._is_loss(lhs)
    try:
        rhs = resolver.side(link.rhs, jacobian=True)
    finally:
        resolver.output_by_default = False
    lhs = _of_the_loss_sample(link, context, resolver.loss_samples, lhs, rhs)
    lhs = _of_the_written_sample(lhs, rhs, resolver.sample_letters(), network)
    lhs, rhs = (resolver.as_compared(lhs, rhs, link.lhs),
                resolver.as_compared(rhs, lhs, link.rhs))
    lhs, rhs = _one_unit_dropped(*_aligned(lhs, rhs, resolver.notes))
    if link.condition is not None:
        lhs, rhs = _where(lhs, rhs, link.condition)
    if PARAMETERS_LAYER in context.layers and any(site[0] == "layer" for site in resolver.sites):
        # (`\frac{\partial C}{\partial w} = a^{(1)}`: which layer's w is meant is not said)
        raise Unresolvable("a weight or bias without its layer beside quantities written with "
                           "theirs: write the parameter's layer too")
    return Reading(network, lhs, rhs, context.dummies, batch,
                    rhs_sites=resolver.sites[written:], scope=resolver.index_scope,
                    notes=list(dict.fromkeys(resolver.notes)),
                    signed=frozenset(context.signed), repeated=frozenset(resolver.repeated),
                    one_example=one_example)


def _head_value(link: Relation, context: Context):
    """What a later link's left side stands beside: the chain's first left side, read on its
    own (`\\frac{\\partial L}{\\partial b} = \\sum dZ = db`: the middle sums over the samples,
    as beside a vector); None for a first link, or a head that cannot be read."""
    if link.head is None:
        return None
    try:
        return Resolver(context).side(link.head, jacobian=True)
    except (Unresolvable, ShapeMismatch, NeedsBatch):
        return None


def _where(lhs, rhs, condition: tuple[str, str, str]) -> tuple:
    """Both sides over the letters of the condition the link is stated under, 0 where it
    fails: they are compared where it holds (`p_k (1 - p_k)` is constant along i). A link that
    writes neither letter is read as it is."""
    letter, relation, other = condition
    sides = (lhs, rhs)
    ranges = {name: size for side in sides if isinstance(side, Indexed)
              for name, size in side.ranges.items()}
    if not {letter, other} <= set(ranges):
        return lhs, rhs   # (a link of the chain without them: the condition says nothing)
    if not all(isinstance(side, Indexed) for side in sides):
        raise Unresolvable(f"the condition {letter} {relation} {other} on indices beside a "
                           "side without them")
    equal = relation == "="

    def restricted(side: Indexed) -> Indexed:
        return Indexed(side.free | {letter, other}, {**side.ranges, letter: ranges[letter],
                                                     other: ranges[other]},
                       lambda assignment: side.at(assignment) if
                       (assignment[letter] == assignment[other]) == equal else sp.Integer(0),
                       side.per_sample)
    return restricted(lhs), restricted(rhs)


def _of_the_loss_sample(link: Relation, context: Context, samples: set, lhs, rhs):
    """`\\delta_j \\equiv \\frac{\\partial E_n}{\\partial a_j}`: a left side whose sample is left
    implicit, beside one sample's loss term on the right, is that sample's (as a quantity on
    the right beside it is; the left is read before the right names the sample)."""
    if len(samples) != 1:
        return lhs
    sample = next(iter(samples))
    if not (isinstance(rhs, Indexed) and sample in rhs.free) or \
            isinstance(lhs, Indexed) and sample in lhs.free:
        return lhs
    again = Resolver(context)
    again.loss_samples.add(sample)
    try:
        value = again.side(link.lhs, jacobian=True)
    except (Unresolvable, ShapeMismatch, NeedsBatch):
        return lhs
    return value if isinstance(value, Indexed) and sample in value.free else lhs


def _of_the_written_sample(lhs, rhs, samples: set, network: Network):
    """`f = x_i W + b` (the scores of example i): the batch's matrix on the left, sample i's
    vector on the right; the left side is read as sample i's."""
    axis = {"rows": 0, "columns": 1}.get(network.spec.samples)
    if not (isinstance(lhs, MatrixValue) and isinstance(rhs, Indexed) and UNIT in rhs.free) \
            or axis is None:
        return lhs
    letters = rhs.free - {UNIT}
    if len(letters) != 1 or not letters <= samples or \
            lhs.shape[axis] != network.batch or lhs.shape[1 - axis] != rhs.ranges.get(UNIT):
        return lhs
    return sample_vectors(lhs.matrix, next(iter(letters)), axis)


def read_link(link: Relation, latex: str, notation: Notation, networks: Networks,
              size_set: int, definitions: dict, batch: bool | None = None,
              forms=None) -> Reading:
    """Both sides of one link resolved (for callers outside the verdict: the training with the
    document's own gradients); with `forms` (the vector form), whole matrices also carry their
    matrix expressions."""
    return read_sides(link, latex, notation, networks, size_set, definitions, batch=batch,
                      forms=forms)


def read_left(link: Relation, latex: str, notation: Notation, networks: Networks,
              definitions: dict, batch: bool, one_example: bool = False) -> Reading:
    """The left side of a link alone, resolved at the first size set (the right side may be
    what is wrong); `one_example`: of one example's loss, for that example."""
    network = networks.get(0, batch)
    context = Context(network, notation, latex, batch, definitions=definitions,
                      one_example=one_example)
    for variable, value in layer_variables(notation, network):
        context.layers[variable] = value
    resolver = Resolver(context)
    resolver.declare_arguments(link.head if link.head is not None else link.lhs)
    resolver.declare_differentials(link.rhs)
    resolver.outer_indices = link.kept   # (the chain's first left side's, in a later link)
    return Reading(network, resolver.side(link.lhs), None, context.dummies, batch,
                   one_example=one_example)


def layer_variables(notation: Notation, network: Network, position: int = 0):
    """Bound layer variables: a variable declared layer_variable[a..b] takes the value
    b - position (positions count from the deepest layer, so that they mean the same layer
    at both size sets), never less than a."""
    for entry in notation.entries:
        if entry.meaning.kind == "layer_variable" and entry.meaning.layer:
            low, high = _layer_range(entry, network.spec, network.sizes)
            yield entry.base, max(high - position, low)


def _layer_range(entry, spec: NetworkSpec, sizes=None) -> tuple[int, int]:
    """The values a layer variable takes, in the document's numbering (`last` is the output
    layer)."""
    sizes = spec.sizes if sizes is None else sizes
    last = len(spec.expanded_layers(sizes)) + spec.layers_from
    low, _, high = entry.meaning.layer.partition("..")
    bounds = [int(v) if v.strip().isdigit() else last if v.strip() == "last"
              else sizes.get(v.strip()) for v in (low, high or low)]
    if None in bounds:
        raise Unresolvable(f"layer range {entry.meaning.layer!r} of {entry.key!r}: expected "
                           "numbers or size names such as 1..L")
    return bounds[0], bounds[1]


def layer_positions(latex: str, notation: Notation, spec: NetworkSpec) -> list[int]:
    """The layer positions a claim is checked at: every value of the layer variables it
    uses in a layer mark (at the file's sizes)."""
    count = 1
    for entry in notation.entries:
        if entry.meaning.kind == "layer_variable" and \
                uses_layer_variable(latex, entry.base, notation):
            low, high = _layer_range(entry, spec)
            count = max(count, high - low + 1)
    return list(range(count))


def uses_layer_variable(latex: str, variable: str, notation: Notation) -> bool:
    """Whether a claim uses a layer variable: writes it in a layer mark, or leaves the layer of
    its parameters out (`w \\rightarrow ...`, read with the notation that binds it)."""
    return variable == PARAMETERS_LAYER or marks_layer_with(latex, variable, notation)


def _aligned(lhs, rhs, notes: list[str]):
    """A side that may be a row or a column (a bias's 1-D gradient with samples as rows; a
    derivative of a scalar by a vector, which the numerator layout writes as a row) takes the
    orientation of the other."""
    if isinstance(lhs, MatrixValue) and isinstance(rhs, MatrixValue) and \
            lhs.shape == rhs.shape[::-1] and 1 in lhs.shape:
        for index, side in enumerate((lhs, rhs)):
            if side.one_d or side.either_layout:
                if not side.one_d:
                    notes.append("a derivative of a scalar by a vector read as a "
                                 + ("row" if side.shape[1] == 1 else "column")
                                 + ", as the other side writes it (the numerator layout's "
                                 "Jacobian, the gradient's transpose)")
                aligned = _transposed_value(side)
                return (aligned, rhs) if index == 0 else (lhs, aligned)
    return lhs, rhs


def _one_unit_dropped(lhs, rhs):
    """`\\hat{y}_n = \\mathbf{v}^\\top \\mathbf{h}_n` of a layer of one unit: the units index of a
    sample's vector of one entry is no index (the left side, sample n's number, has none)."""
    def dropped(side, other):
        if isinstance(side, Indexed) and isinstance(other, Indexed) and \
                side.ranges.get(UNIT) == 1 and UNIT not in other.free:
            return fixed(side, {UNIT: 0})
        return side
    return dropped(lhs, rhs), dropped(rhs, lhs)


def _transposed_value(value: MatrixValue) -> MatrixValue:
    return MatrixValue(value.matrix.T, value.form.T if value.form is not None else None,
                       one_d=value.one_d, either_layout=value.either_layout)
