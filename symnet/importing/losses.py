"""How a document writes its loss: the kind, scale and reduction of its formula, the samples a
mean runs over (its batch, its sample letter), an L2 penalty, and a step summed over a
mini-batch (`\\frac{\\eta}{m} \\sum_x \\delta^{x,l}`)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING

from lark import Tree

from ..conventions import LOSS_NAMES
from .written import base_of, unbraced

if TYPE_CHECKING:
    from .infer import Features

# a sum written before the scale, `\sum \frac{1}{2} (t - o)^2`: the scale of the whole sum
_SUM_FIRST = r"(?:\\sum\s*(?:_\s*(?:\{[^{}]*\}|\S)\s*)?(?:\^\s*(?:\{[^{}]*\}|\S)\s*)?)?"
# `\frac{1}{2} ...`, `\frac{1}{2m} ...`: half the loss, over a batch perhaps
_HALF = re.compile(r"^\s*-?\s*" + _SUM_FIRST +
                   r"\\[dt]?frac\s*(?:\{\s*1\s*\}|1)\s*(?:\{\s*2\s*([A-Za-z])?\s*\}|2)")
# `(o_i - t_i)(o_i - t_i)`: a difference times itself (index notation's square)
# `(Y - T)^\top (Y - T)`: a difference's transpose times itself (inside a trace)
_SQUARED = re.compile(r"(\((?:[^()]*-[^()]*)\))\s*(?:\^\s*\{?\s*(?:T|\\top)\s*\}?\s*)?"
                      r"(?:\\cdot\s*)?\1")
# `+ \frac{1}{2} \lambda \sum W^2`, `+ \frac{\lambda}{2m} \|W\|^2`: a penalty after the data loss
_PENALTY = re.compile(r"\+\s*(?=(?:\\[dt]?frac\s*\{[^{}]*\}\s*\{[^{}]*\}\s*)?\\lambda|"
                      r"\\[dt]?frac\s*\{\s*\\lambda)")
_ONE_OVER = re.compile(r"^\s*-?\s*" + _SUM_FIRST +
                       r"\\[dt]?frac\s*(?:\{\s*1\s*\}|1)\s*\{?\s*([A-Za-z])\s*\}?")
# `\sum_{k=1}^{K}`: a sum with a named upper limit (the units of the output, when its letter
# indexes the target, `y_k`)
_SUM_TO = re.compile(r"\\sum\s*_\s*\{\s*([a-z])\s*=\s*[01]\s*\}\s*\^\s*\{?\s*([A-Za-z])\s*\}?")
# `\frac{\eta}{m} \sum_x \delta^{x,l}`: a rate or 1 over a letter, then a sum over a letter
_DIVIDED_SUM = re.compile(r"\\[dt]?frac\s*\{[^{}]*\}\s*\{\s*([A-Za-z])\s*\}\s*"
                          r"(?:\\left)?[\[(]?\s*\\sum_\{?\s*([A-Za-z])\s*\}?")
_NAMED_LOSS = re.compile(r"(?<![A-Za-z\\])(" + "|".join(sorted(LOSS_NAMES, key=len, reverse=True))
                         + r")\s*\}?\s*\(")


def regularization(text: str) -> dict | None:
    """`\\frac{\\lambda}{2} \\|W\\|^2`, `\\frac{1}{2} \\lambda \\sum w^2`: an L2 penalty on the
    weights."""
    found = re.search(r"\\frac\s*\{\s*\\lambda\s*\}\s*\{\s*(2)?[^{}]*\}|"
                      r"(\\frac\s*\{\s*1\s*\}\s*\{\s*2\s*\}\s*)?\\lambda", text)
    # (a weight of the document's own letter: `\mathbf{V}`)
    weight = r"(?<![A-Za-z\\])(?:[Ww]|[A-Z]_|\\[Tt]heta)|\\(?:math)?b[fm]\s*\{\s*[A-Z]"
    if not found or not re.search(r"\\\||\\Vert|\^\s*\{?\s*2", text[found.end():]) or \
            not re.search(weight, text[found.end():]):
        return None
    penalty = {"l2": "lambda", "scale": "1/2" if found.group(1) or found.group(2) else 1}
    if re.match(r"\\frac\s*\{\s*\\lambda\s*\}\s*\{\s*2?\s*[A-Za-z]", found.group(0)):
        penalty["reduction"] = "mean"   # `\frac{\lambda}{2n}`: over the samples too
    return penalty


def read_minibatch_sum(text: str, features: Features) -> None:
    """`w^l - \\frac{\\eta}{m} \\sum_x \\delta^{x,l} (a^{x,l-1})^T`: the terms carry the sum's
    letter beside their layer, so it numbers samples, and the letter divided by is the number
    of samples in the batch (formulas without the mark are then about one of them)."""
    for divided in _DIVIDED_SUM.finditer(text):
        count, letter = divided.groups()
        marked = re.compile(rf"\^\s*\{{\s*{letter}\s*,|\^\s*\{{[^{{}}]*,\s*{letter}\s*\}}")
        if marked.search(text, divided.end()):   # (the checker reads the letter's sum)
            features.batch_name = features.batch_name or count


def read_sample_subscripts(formulas: list[str], features: Features) -> None:
    """`E = \\frac{1}{2} \\sum_{n=1}^{N} \\|\\mathbf{y}_n - \\mathbf{t}_n\\|^2` beside
    `\\mathbf{a}_n = \\mathbf{W} \\mathbf{x}_n`: the loss sums over a letter that subscripts the
    input, so it numbers the samples and its bound is the batch (a sum over the output's units
    never subscripts the input)."""
    # (`-\frac{1}{m} \sum_{i=1}^{m} y_i \log \hat{y}_i`: a binary cross entropy has one output,
    # so the letter its mean runs over numbers the samples)
    binary = (features.loss or {}).get("kind") == "binary_cross_entropy"
    mean_over = (features.loss or {}).get("batch") if binary else None
    for text in features.loss_texts.values():
        for letter, bound in _SUM_TO.findall(text):
            if letter in features.layer_letters:
                continue
            if _subscripts_the_input(letter, formulas) or bound == mean_over:
                features.sample_letters.add(letter)
                features.batch_name = features.batch_name or bound
    # `L_i = -\log p_{y_i}` beside `f = W x_i + b`: the loss of example i, one sample
    for base in features.loss_texts:
        for formula in formulas:
            own = re.match(rf"\s*{re.escape(base)}\s*_\s*\{{?\s*([a-z])\s*\}}?\s*=", formula)
            if own and own.group(1) not in features.layer_letters and \
                    _subscripts_the_input(own.group(1), formulas):
                features.sample_letters.add(own.group(1))


def _subscripts_the_input(letter: str, formulas: list[str]) -> bool:
    input_of = re.compile(r"(?<![A-Za-z\\])(?:\\(?:math)?b[fm]\s*\{\s*)?[xX]\s*\}?\s*_\s*"
                          r"\{?\s*" + letter + r"\s*\}?(?![A-Za-z0-9])")
    return any(input_of.search(formula) for formula in formulas)


def read_mean_of_terms(base: str, text: str, features: Features) -> None:
    """`L = \\frac{1}{N} \\sum_i L_i (+ a penalty)`: the loss averages its samples' terms
    (whatever they are: an earlier formula says), so i is the sample and N the batch."""
    mean = re.match(r"\s*\\[dt]?frac\s*\{\s*1\s*\}\s*\{\s*([A-Za-z])\s*\}\s*(?:\\left)?[\[(]?\s*"
                    r"\\sum_\{?\s*([a-z])[^\\]*?" + re.escape(base) + r"\s*_\s*\{?\s*\2\s*\}?",
                    text)
    if mean is None or features.loss is None:
        return
    features.loss = {**features.loss, "reduction": "mean", "batch": mean.group(1)}
    features.sample_letters.add(mean.group(2))


def sum_of_its_samples(base: str, rhs) -> bool:
    """`\\sum_{q=1}^{n} E^q` for the loss E: the loss written as the sum of its samples' terms
    (symnet reads `E^q` so only where the document names E its loss)."""
    if not (isinstance(rhs, Tree) and rhs.data == "big_sum"):
        return False
    body = unbraced(rhs.children[-1])
    return isinstance(body, Tree) and body.data == "scripted" and base_of(body) == base and \
        body.children[1].children[0].data == "sup"


def loss_of(text: str) -> dict | None:
    """The loss's kind, scale and reduction from its written form (a penalty on the weights
    left out); None when not recognised."""
    text = _PENALTY.split(text)[0]
    named = _NAMED_LOSS.search(text)
    if named:   # `CE(y, \hat{y})`: a standard loss by its name (conventions table)
        return {"kind": LOSS_NAMES[named.group(1)], "scale": Fraction(1), "reduction": "sum",
                "batch": None}
    if "log" in text or r"\ln" in text:
        binary = re.search(r"\(\s*1\s*-", text) is not None
        kind = "binary_cross_entropy" if binary else "categorical_cross_entropy"
    elif "^2" in text or "^{2}" in text or "^ 2" in text or _SQUARED.search(text):
        kind = "squared_error"
    else:
        return None
    scale, reduction, batch = Fraction(1), "sum", None
    half = _HALF.match(text)
    if half:
        scale, batch = Fraction(1, 2), half.group(1)
    else:
        one_over = _ONE_OVER.match(text)
        batch = one_over.group(1) if one_over else None
    if batch:
        reduction = "mean"
    sums = _SUM_TO.findall(text)
    # `\sum_{i=1}^{n} y^{[i]} ...`: a sum over the samples' marks runs over the batch
    batch = batch or next((limit for letter, limit in sums if re.search(
        r"\^\s*\{?\s*[\[(]\s*" + letter + r"\s*[\])]", text)), None)
    units = next((limit for letter, limit in sums if limit != batch and
                  re.search(r"_\s*(?:\{\s*" + letter + r"\s*\}|" + letter + r"(?![\w=]))", text)),
                 None)
    return {"kind": kind, "scale": scale, "reduction": reduction, "batch": batch,
            "units": units}


# `\frac{1}{m} \sum_{i=1}^{m} \mathcal{L}(a^{(i)}, y^{(i)})`: a mean over the samples of a loss
# letter called with one sample's values (the letter named in the call)
_MEAN_OF_CALLS = re.compile(r"^\s*\\[dt]?frac\s*(?:\{\s*1\s*\}|1)\s*\{?\s*([A-Za-z])\s*\}?\s*"
                            r"(?:\\left)?[\[(]?\s*\\sum\s*_\s*\{?\s*([a-z])[^\\]*?"
                            r"(\\mathcal\s*\{\s*[A-Z]\s*\}|\\ell|[A-Za-z])\s*\(\s*[^()]*?"
                            r"\^\s*\{\s*\(\s*\2\s*\)\s*\}")


def example_and_cost(written: dict[str, dict], texts: dict[str, str]) -> tuple[str, str] | None:
    """(example, cost): the letter of one example's loss and that of the batch's cost, where a
    document writes both (`\\mathcal{L}(a, y) = -(y \\log a + ...)` for one example and `J =
    -\\frac{1}{m} \\sum_i (...)` or `J = \\frac{1}{m} \\sum_i \\mathcal{L}(a^{(i)}, y^{(i)})`
    for the batch); None where it writes one loss only."""
    for cost, text in texts.items():
        called = _MEAN_OF_CALLS.match(text)
        if called and normal_letter(called.group(3)) in written and \
                normal_letter(called.group(3)) != cost:
            return normal_letter(called.group(3)), cost
    examples = [letter for letter, loss in written.items() if loss["batch"] is None and
                loss["reduction"] == "sum"]
    costs = [letter for letter, loss in written.items() if loss["batch"] is not None]
    if len(examples) == 1 and len(costs) == 1 and \
            written[examples[0]]["kind"] == written[costs[0]]["kind"]:
        return examples[0], costs[0]
    return None


def normal_letter(written: str) -> str:
    """`\\mathcal {L}` -> `\\mathcal{L}`: a loss letter as the statements' names are."""
    return re.sub(r"\s+", "", written)


def cost_of(features: Features, example: str, cost: str) -> dict:
    """The network's loss where the document writes one example's loss and the batch's cost:
    the cost as written, or the example's loss averaged over the samples the cost's mean runs
    over (`J = \\frac{1}{m} \\sum_i \\mathcal{L}(a^{(i)}, y^{(i)})`)."""
    if cost in features.written_losses:
        return features.written_losses[cost]
    called = _MEAN_OF_CALLS.match(features.loss_texts[cost])
    features.sample_letters.add(called.group(2))
    return {**features.written_losses[example], "reduction": "mean", "batch": called.group(1)}


def read_objective(features: Features) -> None:
    """`J = L + s` with L the loss a formula writes and s the weights' penalty: J is the
    objective the network is trained on, and L a name for its data term."""
    for letter, text in features.loss_texts.items():
        terms = {"".join(term.split()) for term in text.strip().rstrip(".,").split("+")}
        data = terms - features.penalty_names
        if len(terms) == 2 and len(data) == 1 and \
                data <= (features.loss_letters | set(features.loss_texts)) - {letter}:
            features.own_symbols[letter] = "loss"
            features.other_loss_letters.discard(letter)
            features.loss_letters -= data
