"""The notations people write derivations in, as data: active in every document unless the
document's `[notation]` says otherwise (its rows win, as a pylatexenc user's macros do).

- `SYMBOLS`: written symbol -> meaning, exactly what a `[notation]` row would say. A layer mark
  in a key (`W^{(l)}`) stands for every way of marking a layer: `W^{(2)}`, `W^{[2]}`, `W^2`,
  `W^{l-1}`, and `W_2` in a document that never marks layers with a superscript.
- `LAYER_NAMES`: named layers (`W^h`, `W^o`, `Z^{out}`).
- `UNICODE`: characters typed as such (`σ`, `∂`, `Ŷ`, `ᵀ`) -> the LaTeX the grammar reads.
- `FUNCTION_NAMES`: how documents name the activations (`\\mathrm{softmax}`, `ReLU`).
- `LOSS_NAMES`: how documents name a standard loss they call (`CE(y, \\hat{y})`).
- `ALL_PARAMETERS`: names for all the parameters at once (`h_\\theta(x)`: the network).

A row is dropped from a document whose `[notation]` gives the same symbol another meaning, or
whose sizes use it as a size's name (`L` the number of layers is then not the loss).
"""

from __future__ import annotations

import re
from typing import Callable

# written symbol -> meaning; the layer letter of a key is the key's layer variable
SYMBOLS: dict[str, str] = {
    # the network's values
    "x": "input", "X": "input",
    "y": "target", "Y": "target",
    r"\hat{y}": "output", r"\hat{Y}": "output",
    "L": "loss", "J": "loss", "C": "loss", "E": "loss", r"\mathcal{L}": "loss",
    r"\mathcal{E}": "loss", r"\mathcal{J}": "loss", r"\ell": "loss",
    # layered quantities
    "W^{(l)}": "weight[l]", "w^{(l)}": "weight[l]",
    "b^{(l)}": "bias[l]", "B^{(l)}": "bias[l]",
    "z^{(l)}": "preactivation[l]", "Z^{(l)}": "preactivation[l]",
    "a^{(l)}": "activation[l]", "A^{(l)}": "activation[l]",
    "h^{(l)}": "activation[l]", "H^{(l)}": "activation[l]",
    # adjoints: deltas, and the d-names of code-like derivations, where dW is the gradient of
    # the cost and dZ, dA stack each sample's own gradient (`dZ = A - Y`, `dW = dZ A^T / m`)
    r"\delta^{(l)}": "adjoint(preactivation[l])",
    "dW^{(l)}": "adjoint(weight[l])", "dw^{(l)}": "adjoint(weight[l])",
    "db^{(l)}": "adjoint(bias[l])",
    "dZ^{(l)}": "sample_adjoint(preactivation[l])", "dz^{(l)}": "sample_adjoint(preactivation[l])",
    "dA^{(l)}": "sample_adjoint(activation[l])", "da^{(l)}": "sample_adjoint(activation[l])",
    # a layer's activation function, as the deeplearning.ai notes write it (`g^{[1]\prime}`)
    "g^{(l)}": "activation_function[l]",
    # the learning rate (both letters are common) and the L2 coefficient
    r"\eta": "learning_rate", r"\alpha": "learning_rate", r"\lambda": "regularization",
    # layer letters: a formula written for layer l holds at every layer where it makes sense
    "l": "layer_variable[1..last]",
}

# a named layer, as a superscript or subscript: `W^o`, `Z^{out}`, `W_h` -> which layer; `L`,
# the number of layers, marks the last one (`a^L`, `W^{L-1}`) unless the document declares it
LAYER_NAMES: dict[str, str] = {
    "o": "last", "out": "last", "output": "last", "O": "last", "Out": "last", "L": "last",
    "h": "hidden", "hidden": "hidden", "H": "hidden", "hid": "hidden",
    "in": "input", "input": "input",
}

# sets of units a sum runs over, by the names documents give them (`\sum_{k \in outputs}`,
# `\sum_{k \in Downstream(j)}`): the units of a layer, never the samples. The value is the
# layer whose units the letter then numbers: the output layer, the hidden one, the layer after
# the unit's own, or any
UNIT_SETS: dict[str, str | None] = {
    "outputs": "last", "output": "last", "Outputs": "last", "hidden": "hidden",
    "Hidden": "hidden", "units": None, "neurons": None, "Downstream": "next",
    "downstream": "next", "children": "next", "next": "next",
}

# the accents that name an adjoint when the accented symbol is a network quantity
ADJOINT_ACCENTS = (r"\bar", r"\overline")

# characters typed as Unicode -> LaTeX (a trailing space keeps a command from running into a
# following letter: `σz` -> `\sigma z`)
UNICODE: dict[str, str] = {
    "σ": r"\sigma ", "δ": r"\delta ", "η": r"\eta ", "λ": r"\lambda ", "α": r"\alpha ",
    "β": r"\beta ", "φ": r"\phi ", "ϕ": r"\phi ", "θ": r"\theta ", "ε": r"\epsilon ",
    "γ": r"\gamma ", "μ": r"\mu ",
    "Δ": r"\Delta ", "Σ": r"\sum ", "∑": r"\sum ", "∂": r"\partial ", "∇": r"\nabla ",
    "⊙": r"\odot ", "∘": r"\circ ", "⋅": r"\cdot ", "·": r"\cdot ", "×": r"\times ",
    "∗": "*", "−": "-", "′": "'", "’": "'", "″": "''", "ᵀ": "^T", "²": "^2", "³": "^3",
    "≈": r"\approx ",
    "≡": r"\equiv ", "←": r"\leftarrow ", "→": r"\rightarrow ", "∈": r"\in ", "ℒ": r"\mathcal{L}",
    "ŷ": r"\hat{y}", "Ŷ": r"\hat{Y}", "ȳ": r"\bar{y}", "x̄": r"\bar{x}",
    "\u0302": "",   # a combining circumflex left over after a letter
}

# names of activations as documents write them (`\mathrm{softmax}`, `\operatorname{ReLU}`)
FUNCTION_NAMES: dict[str, str] = {
    "relu": "relu", "ReLU": "relu", "ReLu": "relu", "Relu": "relu", "RELU": "relu",
    "sigmoid": "sigmoid", "Sigmoid": "sigmoid", "sigm": "sigmoid", "logistic": "sigmoid",
    "tanh": "tanh", "Tanh": "tanh", "softmax": "softmax", "Softmax": "softmax",
    "identity": "identity",
    **{name: "leaky_relu" for name in ("LeakyReLU", "LeakyRelu", "leaky_relu", "leakyrelu",
                                       "LReLU", "lrelu")},
}

# names that stand for all of a network's parameters at once (`h_\\theta(x)`, `J(\\theta)`)
ALL_PARAMETERS = {r"\theta", r"\Theta"}

# standard losses by the names documents call them with (`CE(y, \\hat{y})`, `\\mathrm{BCE}(a, y)`)
# -> the registry's loss; `cross_entropy` is the one the output layer fits (categorical after a
# softmax, binary after an element-wise output such as a sigmoid)
LOSS_NAMES: dict[str, str] = {
    "CE": "cross_entropy", "XE": "cross_entropy", "NLL": "cross_entropy",
    "CrossEntropy": "cross_entropy", "BCE": "binary_cross_entropy",
    "CCE": "categorical_cross_entropy",
}

# the words that mark the last case of a `cases` block as the rest
OTHERWISE = frozenset({"otherwise", "else", "elsewhere", "o.w.", "otherwise."})

# words in a case's condition that say which units the case is for (`\text{if } j \text{ is
# an output neuron}`): the output layer's, or the others'
CASE_ROLES = {"output": "last", "outputs": "last", "inner": "hidden", "hidden": "hidden",
              "internal": "hidden", "interior": "hidden"}

_UNICODE = re.compile("|".join(re.escape(character) for character in
                               sorted(UNICODE, key=len, reverse=True)))
# Unicode's sub- and superscript characters: a run of them is one script (`W₁₂`, `a⁽ˡ⁾ᵀ`)
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ₊₋₍₎", "0123456789aeoxhklmnpstij+-()"))
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹ⁱⁿˡᴸᵀ⁺⁻⁽⁾", "0123456789inlLT+-()"))
_SCRIPT_RUNS = re.compile(f"[{''.join(SUBSCRIPTS)}]+|[{''.join(SUPERSCRIPTS)}]+")


# a letter with digits after it, `w1`, `h12`, `\hat{y1}`: the letter subscripted with them
# (plain-text names; not inside a word, `net1`, nor a command, `\log2`)
_DIGITS_AFTER_A_LETTER = re.compile(r"(?<![A-Za-z0-9\\_^])([A-Za-z])([0-9]+)(?![0-9A-Za-z_])")
# `E_y1`: a subscript letter with digits after it, the subscript `y1` (as it is meant)
_SUBSCRIPT_WITH_DIGITS = re.compile(r"_\s*([A-Za-z])([0-9]+)(?![0-9A-Za-z])")
_ACCENTED_WITH_DIGITS = re.compile(r"\\(hat|bar|tilde|overline)\s*\{\s*([A-Za-z])([0-9]+)\s*\}")


def subscripted_digits(text: str, bare: Callable[[str, str], bool] | None = None) -> str:
    """`\\hat{y1}` as `\\hat{y}_{1}`, `E_y1` as `E_{y1}`, and `w1 * x1` as `w_{1} * x_{1}`
    where `bare(letter, digits)` says so (every such name without it: the importer's reading;
    a claim's names are subscripted where the notation names `w_{1}` an entry, and otherwise
    a layered letter's glued digits are its layer, `W2`)."""
    text = _SUBSCRIPT_WITH_DIGITS.sub(r"_{\1\2}", text)
    text = _ACCENTED_WITH_DIGITS.sub(r"\\\1{\2}_{\3}", text)
    scripts = _script_spans(text)
    return _DIGITS_AFTER_A_LETTER.sub(
        lambda match: match.group() if any(start <= match.start() < end
                                           for start, end in scripts) or
        bare is not None and not bare(match.group(1), match.group(2))
        else f"{match.group(1)}_{{{match.group(2)}}}", text)


_WORDS = re.compile(r"(?:[_^]|\\(?:text|mathrm|textrm|mbox|operatorname|texttt))\s*$")


def _script_spans(text: str) -> list[tuple[int, int]]:
    """Where the braced sub- and superscripts and words are (`out_{h1}`: `h1` is a label as
    written; `\\text{pd.Z1}` is words)."""
    spans, opened = [], []
    for index, character in enumerate(text):
        if character == "{":
            opened.append((index, bool(_WORDS.search(text, 0, index))))
        elif character == "}" and opened:
            start, script = opened.pop()
            if script:
                spans.append((start, index))
    return spans


def ascii_latex(text: str) -> str:
    """The formula with Unicode math replaced by the LaTeX it stands for (a `ᵀ` inside a
    superscript, `A^{(1)ᵀ}`, is that superscript's T), and digits written after a letter as
    its subscript (`w1`)."""
    text = subscripted_digits(text, lambda letter, digits: False)
    if text.isascii():
        return text
    text = _SCRIPT_RUNS.sub(_script_run, text)
    pieces, braces = [], []   # for each open brace: does it open a superscript?
    for match in re.finditer(r"\^\s*\{|\{|\}|" + _UNICODE.pattern + "|.", text, re.S):
        piece = match.group()
        if piece.endswith("{"):
            braces.append(piece.startswith("^"))
        elif piece == "}" and braces:
            braces.pop()
        elif piece in UNICODE:
            piece = "T" if piece == "ᵀ" and braces and braces[-1] else UNICODE[piece]
        pieces.append(piece)
    return "".join(pieces)


def _script_run(match: re.Match) -> str:
    run = match.group()
    if run in UNICODE:   # (`ᵀ`, `²` alone: as the table says, also inside a superscript)
        return run
    if run[0] in SUBSCRIPTS:
        return "_{" + "".join(SUBSCRIPTS[character] for character in run) + "}"
    return "^{" + "".join(SUPERSCRIPTS[character] for character in run) + "}"


def _marks_a_sample(mark: str, samples: frozenset) -> bool:
    """Whether a superscript (from its first character on: `(i)}`) is a sample letter."""
    found = re.match(r"[(\[]?\s*([A-Za-z])\s*(?:[)\]]|\})", mark)   # (not `(l+1)`)
    return bool(found) and found.group(1) in samples


# a layered symbol written with a superscript layer mark: `W^{(2)}`, `a^{[1]}`, `w^l`, `z^{L-1}`
# (not `^T`, `^\top`, `^2` after a subscript, which are a transpose and a power)
_LAYERED_BASES = "|".join(sorted({re.escape(key.split("^")[0]) for key in SYMBOLS if "^" in key},
                                 key=len, reverse=True))
_NOT_TRANSPOSE = r"\^(?!\{?\s*(?:T|\\top|\\intercal)\b)(?:\{\s*)?"
_SUPERSCRIPT_LAYER = re.compile(
    rf"(?<![A-Za-z\\])(?:{_LAYERED_BASES})"
    rf"(?:{_NOT_TRANSPOSE}[(\[A-Za-z0-9]"                                  # W^{(2)}, w^l, a^2
    rf"|_(?:\{{[^{{}}]*\}}|\\?[A-Za-z0-9]){_NOT_TRANSPOSE}[(\[A-Za-z])")   # w_j^l, not a_j^2


# `W_1`, `b_{2}`: a layered symbol with a number under it
_SUBSCRIPT_NUMBER = re.compile(rf"(?<![A-Za-z\\])(?:{_LAYERED_BASES})_\{{?\s*[0-9]")


def marks_layers_with_superscripts(claims: list[str], samples: frozenset = frozenset()) -> bool:
    """Whether a document writes its layers as superscripts (`W^{(2)}`, `w^l`): otherwise a
    single digit or layer letter subscripted to a layered symbol (`W_2`, `z_l`) is its layer.
    A document that numbers its layers under the letters (`W_1`) and writes nothing over them
    but a 2 (`1 - H^2`) squares them; a superscript that is one of the `samples` letters
    (`z_1^{(i)}` with i the sample) marks a sample, not a layer."""
    texts = [ascii_latex(claim) for claim in claims]
    marks = [match.group() for text in texts for match in _SUPERSCRIPT_LAYER.finditer(text)
             if not _marks_a_sample(text[match.end() - 1:], samples)]
    if marks and all(re.search(r"\^\{?\s*2$", mark) for mark in marks) and \
            any(_SUBSCRIPT_NUMBER.search(text) for text in texts):
        return False
    return bool(marks)
