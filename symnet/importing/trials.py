"""Readings confirmed by checking: the networks next to a first guess, the loss no formula
writes, a generic function the document writes out, error terms example by example. The checker
decides among them (`check_with`): whatever it reads, the importer reads too."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lark import Tree

from ..errors import InputError
from ..grammar import ClaimSyntaxError, equations, links, parse_claim, source_of
from ..resolve.trees import name_of
from ..registry import CONCRETE_ACTIVATIONS
from .chain import LAYERED_KINDS
from .written import unbraced

if TYPE_CHECKING:
    from .infer import Features


# the names import gives sizes: a layer's width (`n_1`, `m_2`, `n_out`)
LAYER_SIZE = re.compile(r"^[A-Za-z]_(?:[0-9]+|out)$")


def used_sizes(network: dict) -> dict:
    """Sizes not used by the layers are dropped unless a formula may name them (the batch)."""
    used = {network["inputs"], network.get("batch")} | {
        layer["units"] for layer in network["layers"]}
    network["sizes"] = {name: value for name, value in network["sizes"].items()
                        if name in used or not LAYER_SIZE.match(name)}
    return network


def batch_size(sizes: dict) -> int:
    """A batch of 5 samples, or more when a layer is as wide: a product of a batch and a layer
    that only fits because the two sizes are equal is a shape error symnet should see."""
    return unused_size(sizes, 5)


def unused_size(sizes: dict, start: int, besides: int | None = None) -> int:
    """The first size from `start` that no size in `sizes` has (nor `besides`)."""
    return next(size for size in range(start, start + 30)
                if size != besides and size not in sizes.values())


def neighbours(network: dict) -> list[tuple[str, dict]]:
    """Networks that differ from `network` in one reading, with what the difference is."""
    found = []
    named = network.get("batch") if isinstance(network.get("batch"), str) else None
    batch = named or next((name for name in network["sizes"] if not LAYER_SIZE.match(name)),
                          "m")
    # (samples, weights, batch): a batch, one sample as a column, one sample as a row
    # (`w^T X`: samples as columns, a weight vector laid out as a column)
    for samples, weights, size in (("columns", "out_in", batch), ("rows", "in_out", batch),
                                   ("single", "out_in", None), ("single", "in_out", None),
                                   ("rows", "out_in", batch), ("rows", "in_out", 1),
                                   ("columns", "in_out", batch)):
        if (samples, weights, size) == (network["samples"], network.get("weights", "out_in"),
                                        network.get("batch") if samples != "single" else None):
            continue
        changed = {**network, "samples": samples, "weights": weights}
        changed.pop("batch", None)
        if size == batch:
            changed["sizes"] = {**network["sizes"],
                                batch: network["sizes"].get(batch) or batch_size(network["sizes"])}
        elif size == 1:   # (one sample as a row: the batch's size is no size of this network,
            changed["sizes"] = {name: value for name, value in network["sizes"].items()
                                if name != batch}   # and a sum up to it is unread, not wrong)
        if size is not None:
            changed["batch"] = size
        layout = "one sample as a row" if size == 1 else f"samples as {samples}"
        found.append((f"{layout}, W {weights.replace('_', ' x ')}", changed))
    flipped = [{**layer, "bias": not layer.get("bias", True)} for layer in network["layers"]]
    found.append(("biases " + ("removed" if network["layers"][0].get("bias", True)
                               else "added"), {**network, "layers": flipped}))
    loss = network["loss"]
    for scale in (1, "1/2"):
        for reduction in ("sum", "mean"):
            if (scale, reduction) != (loss["scale"], loss["reduction"]):
                found.append((f"loss scale {scale}, {reduction}",
                              {**network, "loss": {**loss, "scale": scale,
                                                   "reduction": reduction}}))
    output = network["layers"][-1]
    if output["units"] == 1 and output.get("weights", network.get("weights", "out_in")) == \
            "out_in":   # (`\sigma(\mathbf{w}_2^\top \mathbf{h} + b_2)`: a weight column)
        found.append(("the output's weight a column", {
            **network, "layers": [*network["layers"][:-1], {**output, "weights": "in_out"}]}))
    if output["units"] != 1 and output.get("activation") != "softmax":
        # (`s = u^T h`, `J = \frac{1}{2}(s - y)^2`: a weight vector makes one output)
        found.append(("one output unit", used_sizes({
            **network, "layers": [*network["layers"][:-1], {**output, "units": 1}]})))
    if network["samples"] == "single" and loss["reduction"] == "mean" and batch in \
            network["sizes"]:   # `\frac{1}{n} \sum_{i=1}^{n} (\hat{y}_i - y_i)^2`, one sample
        sizes = {**network["sizes"], batch: network["sizes"].get(output["units"], 2)}
        found.append((f"the loss averaged over the {batch} output units", used_sizes({
            **network, "sizes": sizes, "layers": [*network["layers"][:-1],
                                                  {**output, "units": batch}],
            "loss": {**loss, "reduction": "sum", "outputs": "mean"}})))
    return found


# the losses a document may mean without writing one, by its output layer's activation
_UNSTATED_LOSSES = {"sigmoid": ("binary_cross_entropy", "squared_error"),
                    "softmax": ("categorical_cross_entropy", "squared_error")}


# `a_0^{(L-1)}`, `w_{j2}^{(L)}`: an entry numbered as written, with a layer mark after it
_NUMBERED_ENTRY = re.compile(r"_\s*\{?\s*(?:[a-z]\s*,?\s*)?([0-9])\s*\}?\s*\^\s*\{?\s*[(\[]")


def written_widths(network: dict, notation: dict, formulas: list[str], check) -> dict:
    """`z_j^{(L)} = w_{j0}^{(L)} a_0^{(L-1)} + w_{j1}^{(L)} a_1^{(L-1)} + w_{j2}^{(L)}
    a_2^{(L-1)} + b_j^{(L)}`: a forward pass that writes a layer's entries one by one says how
    many it has. The layer (or the input) takes that many units when more of the formulas
    hold so."""
    counts = set()
    for formula in formulas:
        numbers = [int(number) for number in _NUMBERED_ENTRY.findall(formula)]
        if len(set(numbers)) > 1:   # (0-based when an entry 0 is written)
            counts.add(max(numbers) + (1 if 0 in numbers else 0))
    if not counts:
        return network
    widths = [network["inputs"], *(layer["units"] for layer in network["layers"])]
    candidates = []
    for width in widths:
        for count in sorted(counts):
            if isinstance(width, str) and network["sizes"].get(width) != count:
                # (a width of the import's own that is as wide moves aside: equal sizes hide
                # a transpose)
                sizes = dict(network["sizes"])
                for name, value in network["sizes"].items():
                    if value == count and LAYER_SIZE.match(name):
                        sizes[name] = unused_size(sizes, 2, besides=count)
                candidates.append({**network, "sizes": {**sizes, width: count}})
    held = check(network, notation, formulas) or 0
    scores = [check(candidate, notation, formulas) or 0 for candidate in candidates]
    return candidates[scores.index(max(scores))] if scores and max(scores) > held else network


def unstated_loss(network: dict, notation: dict, formulas: list[str], questions: list[str],
                   check) -> tuple[dict, list[str]]:
    """No formula writes the loss out (`J = \\frac{1}{m} \\sum_i \\mathcal{L}(a^{(i)}, y^{(i)})`):
    the loss its output layer suits (the cross entropy of a sigmoid or a softmax, the squared
    error), summed or averaged, whichever makes the most of the document's formulas hold (its
    gradients say which loss they are of, and a `\\frac{1}{m}` in them that it is averaged),
    when one does; said in the question."""
    kinds = _UNSTATED_LOSSES.get(network["layers"][-1].get("activation"), ("squared_error",))
    scales = {"squared_error": "1/2"}
    losses = [{"kind": kind, "scale": scales.get(kind, 1), "reduction": reduction}
              for kind in kinds for reduction in ("sum", "mean")]
    # (a binary cross entropy of one output unit, or of each of several; `w^T x` is a weight
    # vector, one column per output)
    one_unit = {**network, "layers": [*network["layers"][:-1],
                                      {**network["layers"][-1], "units": 1}]}
    layouts = [network, one_unit, {**one_unit, "weights": "in_out"}]
    candidates = [({**layout, "loss": loss}, notation) for loss in losses
                  for layout in layouts if loss != network["loss"] and
                  (layout is network or loss["kind"] == "binary_cross_entropy")]
    held = check(network, notation, formulas) or 0
    scores = [check(*candidate, formulas) or 0 for candidate in candidates]
    if max(scores, default=0) <= held:
        return network, questions
    chosen = used_sizes(candidates[scores.index(max(scores))][0])   # (the first of equals)
    loss = chosen["loss"]
    said = [question for question in questions if not question.startswith("the loss (")]
    said.append(f"the loss (no formula defines it); taken as the "
                f"{loss['kind'].replace('_', ' ')}, scale {loss['scale']}, "
                f"{'averaged' if loss['reduction'] == 'mean' else 'summed'}: the one under "
                "which most of the formulas hold")
    return chosen, said


# what only vectors need: a transpose, an entry-wise product, an entry's index on a layered
# letter or the input (`w_{jk}`, `a_j^{(L)}`, `x_i`; a layer's letter l or L is none)
_VECTOR_NOTATION = re.compile(
    r"\^\s*\{?[^{}]*?(?:\bT\b|\\top|\\intercal)|\\odot|\\circ|(?<![A-Za-z\\])(?:" +
    "|".join(re.escape(letter) for letter in sorted({*LAYERED_KINDS, "x", "y"}, key=len,
                                                     reverse=True)) +
    r")\s*_\s*\{?\s*[a-km-z]")


def one_unit_per_layer(network: dict, notation: dict, formulas: list[str], questions: list[str],
                       check) -> tuple[dict, list[str]]:
    """`z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}` and `\\frac{\\partial z^{(L)}}{\\partial w^{(L)}}
    = a^{(L-1)}`, never a transpose, an entry-wise product or an entry's index: a chain of
    single neurons. Its layers get one unit each when more of the document's formulas hold
    so (a derivative by a weight written as a number is a Jacobian of vectors); said in the
    question."""
    if network["samples"] != "single" or network["layers"][-1].get("activation") == "softmax" \
            or any(_VECTOR_NOTATION.search(formula) for formula in formulas):
        return network, questions
    single = {**network, "sizes": {}, "inputs": 1,
              "layers": [{**layer, "units": 1} for layer in network["layers"]]}
    if (check(single, notation, formulas) or 0) <= (check(network, notation, formulas) or 0):
        return network, questions
    return single, [*questions, "the layers' widths (no formula writes a vector's entry, a "
                    "transpose or an entry-wise product); taken as one unit each: more of the "
                    "formulas hold so"]


# the conventions' letters of a hidden layer's output, which a document about one layer
# (`z = W h + b` for the output layer alone) writes for what that layer takes
_HIDDEN_OUTPUT = re.compile(r"(?<![A-Za-z\\])(?:\\mathbf\s*\{\s*)?([ha])(?![A-Za-z])")


def input_of_one_layer(network: dict, notation: dict, forward: list[str],
                       check) -> tuple[dict, dict]:
    """`z_i = \\sum_j w_{ij} h_j + b_i` computing a network of one layer: h, a hidden layer's
    output in the conventions, is what the one layer takes, its input (with the bias the
    formula adds), when more of the forward pass holds so."""
    if len(network["layers"]) != 1:
        return network, notation
    letters = sorted({letter for formula in forward for letter in _HIDDEN_OUTPUT.findall(formula)
                      if letter not in notation})
    with_bias = {**network, "layers": [{**network["layers"][0], "bias": True}]}
    candidates = [(candidate, {**notation, letter: "input"}) for letter in letters
                  for candidate in (network, with_bias)]
    better = _holding_more(check, network, notation, forward, candidates)
    if not better:
        return network, notation
    scores = [check(*candidate, forward) or 0 for candidate in better]
    return better[scores.index(max(scores))]


def concrete_functions(network: dict, notation: dict, formulas: list[str],
                        check) -> tuple[dict, dict]:
    """`f(z) = \\frac{1}{1+e^{-z}}`, `f'(z) = f(z)(1-f(z))`: the document's formulas about a
    function its layers apply say which activation it is. The layers take the one activation
    under which more of those formulas hold than as an undefined function, and the name stays
    the document's (`'f' = "activation_function"`)."""
    names = [layer["function"] for layer in network["layers"]
             if layer.get("activation") == "generic"]
    for name in dict.fromkeys(names):
        # (the formulas that say what it is: one that only applies it, `\delta \odot f'(z)`,
        # holds under a rectifier whenever it holds, or squares f')
        about = [formula for formula in formulas if _says_what_it_is(name, formula)]
        if not about:
            continue
        numbers = [number for number, layer in enumerate(network["layers"], start=1)
                   if layer.get("function") == name and layer.get("activation") == "generic"]
        # the function of every layer, or of the first that applies it (numbered as symnet is)
        row = "activation_function" if len(numbers) == len(network["layers"]) else \
            f"activation_function[{numbers[0]}]"
        rows = {name: row}
        layered = _layered_key(name, formulas)
        if layered is not None:   # (`f^{(L)}`: each layer's function, the output's too)
            rows[layered] = "activation_function[l]"
        candidates = [({**network, "layers": [
            {**{key: value for key, value in layer.items() if key != "function"},
             "activation": activation} if number in numbers else layer
            for number, layer in enumerate(network["layers"], start=1)]},
            {**notation, **rows}) for activation in CONCRETE_ACTIVATIONS]
        better = _holding_more(check, network, notation, about, candidates)
        # a document that gives the formulas of two (`f` the sigmoid, or tanh) means either
        if len(better) == 1:
            network, notation = better[0]
    return network, notation


def _says_what_it_is(name: str, formula: str) -> bool:
    """`f(t) = \\frac{1}{1 + e^{-t}}`, `o_j = \\varphi(net_j) = ...`, `f'(z) = \\begin{cases}
    ...`, `\\frac{\\partial \\phi(z)}{\\partial z} = a (1 - a)`: a link with the function (or its
    derivative) applied alone on one side and the other side free of it."""
    written = re.compile(r"(?<![A-Za-z\\])" + re.escape(name) + r"(?![A-Za-z])")
    for equation in equations(formula):
        try:
            tree = parse_claim(equation)
        except ClaimSyntaxError:
            continue
        for link in links(tree):
            trees = (link.lhs, link.rhs)
            sides = [source_of(tree, equation) for tree in trees]
            alone = [_applied_alone(name, side) for side in trees]
            # (the other side an expression: `x_i = f_i(W_i x_{i-1})` says nothing of f)
            if any(alone[number] and not written.search(sides[1 - number]) and
                   not _is_named(trees[1 - number]) for number in (0, 1)):
                return True
    return False


def _is_named(side) -> bool:
    """`x_i`, `a^{(l)}`, `\\mathbf{h}`: one symbol, no expression."""
    side = unbraced(side)
    return isinstance(side, Tree) and side.data in ("name", "scripted", "styled", "command",
                                                    "accent", "word")


def _applied_alone(name: str, side) -> bool:
    """`f(t)`, `f'^{(l)}(z)`, `\\frac{\\partial f(z)}{\\partial z}`: the function applied, alone."""
    side = unbraced(side)
    if isinstance(side, Tree) and side.data == "frac":
        side = unbraced(side.children[1])
        if isinstance(side, Tree) and side.data == "juxtaposition":   # `\\partial f(z)`
            side = unbraced(side.children[-1])
    if not (isinstance(side, Tree) and side.data == "call"):
        return False
    head = side.children[0]
    while isinstance(head, Tree) and head.data in ("primed", "scripted", "group"):
        head = head.children[0]
    return isinstance(head, Tree) and name_of(head) == name


def _layered_key(name: str, formulas: list[str]) -> str | None:
    """The key of a function written with a layer mark (`f^{(L)}`, `f'^{(l-1)}`, `g^{[l]}`,
    `f^l`) in the document's style; None when it never is (`f^2` is a square)."""
    marked = re.compile(r"(?<![A-Za-z\\])" + re.escape(name) + r"\s*(?:'|\\prime)?\s*\^\s*"
                        r"(?:\{\s*([(\[])|([(\[])|\{?\s*[A-Za-z](?![A-Za-z]))")
    for formula in formulas:
        found = marked.search(formula)
        if found:
            bracket = found.group(1) or found.group(2)
            return f"{name}^{{(l)}}" if bracket == "(" else \
                f"{name}^{{[l]}}" if bracket == "[" else f"{name}^{{l}}"
    return None


def error_terms(network: dict, notation: dict, features: Features, formulas: list[str],
                 check) -> dict:
    """`\\delta^{(3)} = a^{(3)} - y` beside a loss averaged over the batch: a document that
    computes its error terms example by example (a loop over the samples, the 1/m applied to
    the accumulated sum) means each example's own loss's derivative. Its error terms are read
    so when more of the formulas that write them hold that way."""
    if network["loss"]["reduction"] != "mean" or network["samples"] == "single":
        return notation
    letters = {r"\delta"} | {key.split("^")[0] for key in features.error_keys}
    about = [formula for formula in formulas if any(letter in formula for letter in letters)]
    keys = set(features.delta_marks.values()) | features.error_keys or {r"\delta^{(l)}"}
    meanings = {key: notation.get(key, "adjoint(preactivation[l])") for key in keys}
    if not about or not all(meaning.startswith("adjoint(") for meaning in meanings.values()):
        return notation
    own = {**notation, **{key: "sample_" + meaning for key, meaning in meanings.items()}}
    return own if _holding_more(check, network, notation, about, [(network, own)]) \
        else notation


# the code-like names the conventions give each sample's own gradient (`dZ = A - Y`)
_SAMPLE_GRADIENT_NAMES = {"dZ^{(l)}": "adjoint(preactivation[l])",
                          "dz^{(l)}": "adjoint(preactivation[l])",
                          "dA^{(l)}": "adjoint(activation[l])",
                          "da^{(l)}": "adjoint(activation[l])"}


def gradients_by_code_names(network: dict, notation: dict, formulas: list[str],
                            check) -> dict:
    """`\\frac{\\partial L}{\\partial A^{[2]}} = \\frac{2}{m}(A^{[2]} - y) = dA^{[2]}`: a document
    whose `dZ`, `dA` are the gradient of the cost itself (the 1/m inside them), not each
    sample's own as the conventions read them, when more of the formulas that write them hold
    so."""
    if network["loss"]["reduction"] != "mean" or network["samples"] == "single":
        return notation
    written = {key: meaning for key, meaning in _SAMPLE_GRADIENT_NAMES.items()
               if key not in notation and re.search(
                   rf"(?<![A-Za-z\\]){re.escape(key.split('^')[0])}\s*\^", " ".join(formulas))}
    about = [formula for formula in formulas if any(
        re.search(rf"(?<![A-Za-z\\]){re.escape(key.split('^')[0])}\s*\^", formula)
        for key in written)]
    whole = {**notation, **written}
    return whole if written and _holding_more(check, network, notation, about,
                                              [(network, whole)]) else notation


# `\delta`, `\boldsymbol{\delta}_n`: an error term and what follows it
_ERROR_TERM = re.compile(r"(?:\\(?:boldsymbol|bm|mathbf)\s*\{\s*\\delta\s*\}|\\delta(?![A-Za-z]))"
                         r"\s*(?P<script>[_^]\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))?")


def unmarked_error_term(network: dict, notation: dict, formulas: list[str]) -> list[str]:
    """The formulas about an error term written without a layer in a network of several
    (`\\boldsymbol{\\delta}_n = (1 - \\mathbf{h}_n^2) \\odot \\mathbf{V}^T (\\mathbf{y}_n -
    \\mathbf{t}_n)`, n a sample), when every one writes it so; else none."""
    samples = {key for key, meaning in notation.items() if meaning == "sample_index"}
    about = [formula for formula in formulas if _ERROR_TERM.search(formula)]
    scripts = [found.group("script") for formula in about
               for found in _ERROR_TERM.finditer(formula)]
    bare = all(script is None or script[0] == "_" and
               script[1:].strip(" {}") in samples for script in scripts)
    return about if bare and len(network["layers"]) > 1 and r"\delta" not in notation else []


def error_term_layer(network: dict, notation: dict, formulas: list[str], check) -> dict:
    """An error term without a layer (`unmarked_error_term`) is the derivative by the
    pre-activation of the one layer under which more of the formulas about it hold than
    unread: the checker decides which layer the document means."""
    about = unmarked_error_term(network, notation, formulas)
    if not about:
        return notation
    candidates = [(network, {**notation, r"\delta": f"adjoint(preactivation[{number}])"})
                  for number in range(1, len(network["layers"]) + 1)]
    better = _holding_more(check, network, notation, about, candidates)
    if not better:
        return notation
    scores = [check(*candidate, about) or 0 for candidate in better]
    return better[scores.index(max(scores))][1]


def _holding_more(check, network: dict, notation: dict, about: list[str],
                  candidates: list[tuple[dict, dict]]) -> list[tuple[dict, dict]]:
    """The (network, notation) readings under which more of the formulas `about` hold than
    under `network` and `notation`: the checker decides what the document means."""
    held = check(network, notation, about) or 0
    return [candidate for candidate in candidates if (check(*candidate, about) or 0) > held]


def check_with(header: dict):
    """A `check` for `infer` that builds the network and judges the formulas with symnet, in a
    document with the [document] table `header`."""
    from ..check import count_holding
    from ..document import parse

    def check(network: dict, notation: dict, formulas: list[str]) -> int | None:
        data = {"document": header, "network": network, "notation": notation,
                "claim": [{"id": f"f{number}", "latex": latex}
                          for number, latex in enumerate(formulas, start=1)]}
        try:
            document = parse(data)
        except InputError:
            return None
        return count_holding(document)
    return check
