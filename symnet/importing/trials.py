"""Readings confirmed by checking: the networks next to a first guess, the loss no formula
writes, a generic function the document writes out, error terms example by example. The checker
decides among them (`check_with`): whatever it reads, the importer reads too."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import InputError
from ..registry import CONCRETE_ACTIVATIONS

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
            changed["sizes"] = {**network["sizes"], batch: network["sizes"].get(batch, 5)}
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


def unstated_loss(network: dict, notation: dict, formulas: list[str], questions: list[str],
                   check) -> tuple[dict, list[str]]:
    """No formula writes the loss out (`J = \\frac{1}{m} \\sum_i \\mathcal{L}(a^{(i)}, y^{(i)})`)
    and the output is a sigmoid: the cross entropy or the squared error, summed or averaged,
    whichever makes the most of the document's formulas hold (its gradients say which loss
    they are of), when one does; said in the question."""
    if network["layers"][-1].get("activation") != "sigmoid":
        return network, questions
    losses = [{"kind": "binary_cross_entropy", "scale": 1, "reduction": reduction}
              for reduction in ("sum", "mean")] + \
        [{"kind": "squared_error", "scale": "1/2", "reduction": reduction}
         for reduction in ("sum", "mean")]
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


def concrete_functions(network: dict, notation: dict, formulas: list[str],
                        check) -> tuple[dict, dict]:
    """`f(z) = \\frac{1}{1+e^{-z}}`, `f'(z) = f(z)(1-f(z))`: the document's formulas about a
    function its layers apply say which activation it is. The layers take the one activation
    under which more of those formulas hold than as an undefined function, and the name stays
    the document's (`'f' = "activation_function"`)."""
    names = [layer["function"] for layer in network["layers"]
             if layer.get("activation") == "generic"]
    for name in dict.fromkeys(names):
        applied = re.compile(r"(?<![A-Za-z\\])" + re.escape(name) + r"\s*(?:'|\\prime|\^|\()")
        about = [formula for formula in formulas if applied.search(formula)]
        if not about:
            continue
        numbers = [number for number, layer in enumerate(network["layers"], start=1)
                   if layer.get("function") == name and layer.get("activation") == "generic"]
        # the function of every layer, or of the first that applies it (numbered as symnet is)
        row = "activation_function" if len(numbers) == len(network["layers"]) else \
            f"activation_function[{numbers[0]}]"
        candidates = [({**network, "layers": [
            {**{key: value for key, value in layer.items() if key != "function"},
             "activation": activation} if number in numbers else layer
            for number, layer in enumerate(network["layers"], start=1)]},
            {**notation, name: row}) for activation in CONCRETE_ACTIVATIONS]
        better = _holding_more(check, network, notation, about, candidates)
        # a document that gives the formulas of two (`f` the sigmoid, or tanh) means either
        if len(better) == 1:
            network, notation = better[0]
    return network, notation


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
