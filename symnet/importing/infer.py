"""The network a document describes, read from its own forward pass and loss.

Two steps. First the formulas' syntax trees are read for what they name: the layer numbers on
weights and activations (`W^{[2]}`, `a_1`), the function applied to make each layer's activation
(`A^{[1]} = \\mathrm{ReLU}(Z^{[1]})`), the loss's form (a log, a square, a leading 1/2, a 1/m).
That gives a first network. Then symnet checks the document's own forward-pass and loss formulas
under that network and under its neighbours (samples as columns, rows or one; biases or not;
the loss's scale and reduction) and keeps the network under which most of them hold: the checker
decides what the notation means, so whatever it reads, inference reads too (`trials.py`; the
document's own letters are read in `letters.py`).

What stays undecided is returned as a question with the guess taken, for the TOML to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

from lark import Token, Tree

from ..conventions import (FUNCTION_NAMES, LAYER_NAMES, SYMBOLS, UNIT_SETS, ascii_latex,
                           subscripted_digits)
from ..grammar import (ClaimSyntaxError, equations, links, parse_claim, source_of,
                       tex_fractions)
from ..notation import normalise
from ..resolve.trees import name_of, written_tokens
from .chain import LAYERED_KINDS, LOSS_LETTERS, Chain
from .letters import (at_every_layer, compared, cross_entropy_target, entries_of_one_layer,
                      increments_as_gradients, iteration_letter, read_defined_adjoints,
                      read_difference, read_error_letters, read_layered_output,
                      read_named_derivative, step_sizes)
from .losses import (cost_of, example_and_cost, loss_of, read_mean_of_terms,
                     read_minibatch_sum, read_objective, read_sample_subscripts,
                     regularization, sum_of_its_samples)
from .neurons import Neurons
from .scalars import WrittenOut, loss_name, target_rows, written_out
from .spaces import named_sizes, read_spaces
from .trials import (batch_size, concrete_functions, error_term_layer, error_terms,
                     gradients_by_code_names, input_of_one_layer, neighbours,
                     one_unit_per_layer, unstated_loss, used_sizes, written_widths)
from .written import (base_of, is_call, is_input, is_word, layer_mark, layer_style,
                      row_letter, unbraced)

# letters that carry a layer mark, by what they are (from the conventions table)
_LAYERED = {letter: kind for letter, kind in LAYERED_KINDS.items()
            if not letter.startswith(("d", "\\delta"))}
_ACTIVATION_LETTERS = {letter for letter, kind in _LAYERED.items() if kind == "activation"}
_PARAMETER_LETTERS = {letter: kind for letter, kind in _LAYERED.items()
                      if kind in ("weight", "bias")}
# what a weight matrix is called in a forward pass (`\Theta^{(1)} a^{(1)}`: Ng's course)
_WEIGHT_LETTERS = {"W", "w", r"\Theta"}
_OUTPUT_NAMES = {name for name, meaning in SYMBOLS.items() if meaning == "output"} | {"o", "O"}
# how a document names an activation function when it applies it
_ACTIVATION_CALLS = {r"\sigma": "sigmoid", r"\tanh": "tanh", "tanh": "tanh", r"\max": "relu",
                     "max": "relu", **FUNCTION_NAMES}
_DERIVATIVE = re.compile(r"\\partial|\\nabla|\\delta|\\frac\s*\{\s*d|(?<![A-Za-z\\])d[A-Za-z]"
                         r"|\\bar|\\overline|'|\\prime|\\leftarrow|:=|\\gets")
# `\mathbb{R}^{n \times m_l}`: the document names layer l's width m_l
_SPACE = re.compile(r"\\mathbb\s*\{\s*R\s*\}\s*\^\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_LAYER_WIDTH = re.compile(r"(?<![A-Za-z\\])([A-Za-z])_\{?\s*([A-Za-z])(?![A-Za-z])")
_OVER_SET = re.compile(r"\\sum_\{\s*([A-Za-z])\s*\\in\s*([A-Za-z]+)\s*\}")
# `p_k = \frac{e^{f_k}}{\sum_j e^{f_j}}`, `\hat{y}_i = \frac{\exp(z_i)}{...}`: softmax written out
# (`p_{i,k}`, `S_{i,k}`: with the sample's index first)
_SOFTMAX = re.compile(r"\s*(?P<p>\\hat\s*\{\s*[A-Za-z]\s*\}|\\?[A-Za-z]+)\s*_\s*\{?\s*"
                      r"(?:[a-z]\s*,\s*)?(?P<k>[a-z])\s*\}?\s*=\s*\\[dt]?frac\s*\{\s*"
                      r"(?:e\s*\^\s*\{?|\\exp\s*(?:\\left)?\s*[({]?)\s*"
                      r"(?P<f>\\?[A-Za-z]+)\s*_\s*\{?\s*(?:[a-z]\s*,\s*)?(?P=k)\s*\}?")


@dataclass
class Features:
    """What the formulas name, before any checking."""

    layer_numbers: set[int] = field(default_factory=set)
    subscript_numbers: set[int] = field(default_factory=set)   # `W_2`, or an entry `h_1^l`
    layer_letters: set[str] = field(default_factory=set)
    stepped_letters: set[str] = field(default_factory=set)   # `h^{(k-1)}`: k runs over layers
    depth_letter: str | None = None     # `\hat{y} = h^{(l)}` where k is the layer variable
    reaches_next: bool = False          # `\delta^{l+1}`: layer l's formula uses layer l+1
    activations: dict[str, str] = field(default_factory=dict)   # "1", "l", "L", "out" -> name
    input_batch: bool | None = None     # `X` (a batch) or `x` (one sample)
    input_first: bool = False           # `X W`: samples as rows
    starts_at_one: bool = False         # `a^{1} = x`
    bias: bool = False
    loss: dict | None = None
    sample_letters: set[str] = field(default_factory=set)   # `y^{(i)}`, `a^{[2](i)}`
    weighted: bool = False              # a formula computes a layer from a weight
    loss_names: set[str] = field(default_factory=set)   # losses differentiated (`\partial C`)
    l2: dict | None = None              # `\frac{\lambda}{2} \|W\|^2`
    # capital A, Z: every sample's vectors side by side (unless the document's own names)
    stacked_letters: set[str] = field(default_factory=set)
    own_symbols: dict[str, str] = field(default_factory=dict)   # `Y = W X`: Y is the output
    affine_activations: dict[str, str] = field(default_factory=dict)   # `a^{(k)} = W h + b`
    delta_marks: dict[int, str] = field(default_factory=dict)   # `\delta_3`: 3 -> its key
    applied_to: set[str] = field(default_factory=set)   # `h = f(a)`: letters a function takes
    affine_outputs: set[str] = field(default_factory=set)   # `Y = W X`: Y, computed from x
    forward: list[str] = field(default_factory=list)   # formulas of the forward pass and loss
    chain_layers: int = 0               # layers the chain of named steps found
    weight_orders: dict[int, str] = field(default_factory=dict)   # the chain's, by layer
    unbiased: set[int] = field(default_factory=set)   # the chain's layers without a bias
    inner_products: set[int] = field(default_factory=set)   # `s = u^T h`: one unit
    batch_name: str | None = None       # `\sum_{i \in Batch}`: the samples' set, named
    compared: list[str] = field(default_factory=list)   # `\|z - t\|^2`: output, target
    loss_letters: set[str] = field(default_factory=set)   # `J = \frac{1}{2N} \|...\|^2`: J
    written_losses: dict[str, dict] = field(default_factory=dict)   # letter -> its loss's kind
    loss_texts: dict[str, str] = field(default_factory=dict)   # letter -> its formula
    # `E = \hat{Y} - Y` after it: a loss letter of the conventions that is something else here
    other_loss_letters: set[str] = field(default_factory=set)
    widths: set[tuple[str, str]] = field(default_factory=set)   # `m_l` in a space: (m, l)
    size_letter: str = "n"              # the letter the sizes are named with: n_0, n_1, ...
    weight_order: str | None = None     # `w_{ij}` of neuron j of any layer: "in_out"
    differentiated: set[str] = field(default_factory=set)   # `\partial e`: e, differentiated
    softmax: tuple[str, str] | None = None   # `p_k = \frac{e^{f_k}}{\sum_j e^{f_j}}`: (p, f)
    # `e^{(3)} = h^{(3)} - t`: (the key `e^{(l)}` when it has a layer, its letter, the names
    # subtracted)
    differences: list[tuple[str | None, str, str | None, str | None]] = field(
        default_factory=list)
    error_keys: set[str] = field(default_factory=set)   # own letters for the error terms
    # `\delta_j = -\frac{\partial E}{\partial net_j}`: (the key `\delta^{(l)}`, `net`)
    negated: list[tuple[str, str, bool]] = field(default_factory=list)   # (key, node, minus)
    # `\|\mathbf{z}^{(2)} - \mathbf{y}\|^2`: the layer marks of pre-activations a squared
    # error compares, as `layer_mark` reads them
    compared_preactivations: set[tuple[str | None, int]] = field(default_factory=set)
    # `W^{(1)} \in \mathbb{R}^{h \times d}`: (the node as written, its tree, the sizes)
    spaces: list[tuple[str, Tree, list[str]]] = field(default_factory=list)
    penalty_names: set[str] = field(default_factory=set)   # `s = \frac{\lambda}{2} \|W\|^2`: s
    # `\bm{\delta}_1 = \frac{\partial J}{\partial \bm{\theta}}`: (the name, the node, minus)
    defined_adjoints: list[tuple[str, str, bool]] = field(default_factory=list)
    iteration: str | None = None        # `y_j(n)`: n, the step of training a value is at
    differentials: bool = False         # `d\ell = (\mathbf{a} - \mathbf{y})^\top d\mathbf{a}`
    named_hidden: bool = False          # `W^{(h)}`: a layer named the hidden one
    named_steps: dict[str, int] = field(default_factory=dict)   # `r = W^{[2]} a^{[1]}`: r, 2
    chain_unmarked: bool = False        # `z = w^T x + b`: the chain's layers carry no numbers
    subscripted: set[str] = field(default_factory=set)   # layered letters with `_2`: w of `w_2`

    @property
    def batch_written(self) -> bool:
        """The formulas write the batch: the input `X`, or stacked layers `A`, `Z`."""
        return bool(self.input_batch or self.stacked_letters)


@dataclass
class Inference:
    network: dict                       # the [network] table, as a TOML reader returns it
    notation: dict                      # the [notation] rows the conventions do not cover
    questions: list[str]                # what symnet could not tell, with the guess it took
    forward_holds: int = 0
    forward_total: int = 0
    forward: tuple[str, ...] = ()       # the forward-pass and loss formulas it was checked on


def read_features(formulas: list[str]) -> Features:
    features, chain, neurons = Features(), Chain(), Neurons()
    features.iteration = iteration_letter(formulas)
    features.differentials = any(_DIFFERENTIAL_OF_THE_LOSS.match(formula) for formula in formulas)
    if features.iteration:   # the network is read from the values at any step; an update
        # (`c_{qp}(r+1) = c_{qp}(r) + ...`) says nothing of it
        at_step = re.compile(r"(?<=[A-Za-z0-9}'])\s*\(\s*" + features.iteration + r"\s*\)")
        next_step = re.compile(r"\(\s*" + features.iteration + r"\s*[+-]\s*1\s*\)")
        formulas = [at_step.sub("", formula) for formula in formulas
                    if not next_step.search(formula)]
    features.differentiated = {name for formula in formulas for name in re.findall(
        r"\\partial\s*\{?\s*([A-Za-z])(?![A-Za-z])", formula)}
    features.differentiated |= {name for formula in formulas
                                for name in _TEXT_DERIVATIVE.findall(formula)}
    waiting = []   # statements that were no step of the chain (yet)
    for latex in formulas:
        for equation in equations(_plain_names(_bracket_layers(ascii_latex(latex)))):
            tree = _parsed(equation)
            if tree is None:
                continue
            _read_layers(tree, features)
            features.l2 = features.l2 or regularization(equation)
            written = _SOFTMAX.match(equation)
            if written and r"\sum" in equation[written.end():]:
                features.softmax = written.group("p"), written.group("f")
            for space in _SPACE.finditer(equation):
                features.widths |= set(_LAYER_WIDTH.findall(space.group(1)))
            features.spaces += read_spaces(tree, equation)
            read_minibatch_sum(equation, features)
            over = _OVER_SET.search(equation)   # `\sum_{i \in Batch}`: a sum over the samples
            if over and over.group(2) not in SYMBOLS and over.group(2) not in UNIT_SETS:
                features.batch_name = features.batch_name or over.group(2)
                if re.search(r"\^\s*\{?\s*\(\s*" + over.group(1) + r"\s*\)", equation):
                    features.sample_letters.add(over.group(1))   # `o^{(n)}`: sample n's
            # `u = h W + b \in \mathbb{R}^{1 \times m}`: the space says a shape, not a step
            parts = [link for link in links(tree) if link.relation != r"\in"]
            if parts and regularization(equation) and isinstance(parts[0].lhs, Tree) and \
                    parts[0].lhs.data == "name" and name_of(parts[0].lhs) not in LOSS_LETTERS:
                # `s = \frac{\lambda}{2} \|W\|_F^2`: a name for the penalty, which a loss adds
                features.penalty_names.add(name_of(parts[0].lhs))
                features.forward.append(latex)
                continue
            if parts:
                read_named_derivative(parts[0].lhs, parts[0].rhs, equation, features)
                _read_stated_derivative(parts[0].lhs, parts[-1].rhs, features)
            if parts and read_difference(parts[0].lhs, parts[-1].rhs, features):
                features.forward.append(latex)   # `e_j = d_j - y_j`: what the loss is of
                continue
            if not parts or _DERIVATIVE.search(source_of(parts[0].lhs, equation)):
                continue
            # `\mbox{Output} = x_3 = f_3(W_3 x_2)`: the statement after the label
            named = [link for link in parts if not is_word(link.lhs)]
            # (`h = \mathrm{LeakyReLU}(z) = \max(0.01 z, z)`: the last side that is a step)
            stepped = _stepped(chain, named, equation)
            if named and not stepped:
                waiting.append((named, equation, latex))
            if named:
                # (`o_j = \varphi(net_j) = \frac{1}{1 + e^{-net_j}}`: the link that applies one)
                # (`L_i = \sigma(\sum w_{hi} L_h) = \sigma(net_i)`: the sum, then its name)
                applied = [link.rhs for link in named if is_call(link.rhs)] or [named[-1].rhs]
                for rhs in applied:
                    neurons.step(source_of(named[0].lhs, equation), rhs, equation)
            sides = [(link.rhs, source_of(link.rhs, equation)) for link in parts
                     if not re.fullmatch(r"\s*\\[lc]?dots\s*", source_of(link.rhs, equation))]
            if sides and _read_statement(parts[0].lhs, sides, features) or stepped:
                features.forward.append(latex)
                _read_numbering(parts[0].lhs, sides[-1][0], features)
    _later_steps(chain, waiting, features)
    _read_chain(chain, features)
    _a_function_per_layer(features, formulas)
    read_layered_output(features)
    read_objective(features)
    read_sample_subscripts(formulas, features)
    if features.softmax:   # the output is the softmax of f, written out
        probabilities, scores = features.softmax
        features.activations["out"] = "softmax"
        features.own_symbols.update({scores: "preactivation[last]", probabilities: "output"})
    if (neurons.any_layer or neurons.layers) and not features.layer_numbers and \
            not features.layer_letters:
        _read_neurons(neurons, features, formulas)
    _read_layer_variables(features)
    read_error_letters(features)
    read_defined_adjoints(features)
    for name, number in features.named_steps.items():
        if features.starts_at_one:   # (its weight's mark is then the layer before)
            features.own_symbols.pop(name, None)
        elif name not in features.applied_to:   # no function applied to it: an identity layer
            features.activations.setdefault(str(number), "identity")
    letters = {letter for letter, layer in features.widths if layer in features.layer_letters}
    if len(letters) == 1:
        features.size_letter = letters.pop()
    return features


# `Z[l]`, `dW[l+1]`, `A[L-1]^T`: a layer in square brackets after a layered name (as the claims
# are read too); for reading the network it is written as the superscript `Z^{[l]}`
_BRACKET_LAYER = re.compile(r"(?<![A-Za-z\\])(d?[" + "".join(sorted(
    {letter for letter in _LAYERED if len(letter) == 1})) + r"])\[([^\[\]]+)\]"
    r"(\s*\^\s*(?:\{\s*)?(?:T|\\top)(?:\s*\})?)?")


# code written as formulas: `z2 = h1W2`, `Loss = (y-h2)^2`, `dLoss/dW2` (how the checker reads
# them too: a letter then its layer's number, a word that names something)
_NUMBERED_LETTER = re.compile(r"(?<![A-Za-z\\_^{])([A-Za-z])([0-9])(?![0-9])")
_WORD = re.compile(r"(?<![A-Za-z\\{])([A-Z][a-z]{2,})(?![A-Za-z({])")
_TEXT_DERIVATIVE = re.compile(r"(?<![A-Za-z\\])d([A-Z][a-z]{2,}|[A-Za-z])[0-9]*\s*/\s*d")


# `d\ell = ... d\mathbf{a}`, `\mathrm{d}L = \operatorname{tr}(... \mathrm{d}W)`: the loss's
# differential along differentials of the network's quantities (a derivation by differentials;
# `dW = \frac{1}{m} dZ A^T` names gradients, and never the loss's)
_D = r"(?:\\mathrm\s*\{\s*d\s*\}|(?<![A-Za-z\\])d)"
_DIFFERENTIAL_OF_THE_LOSS = re.compile(
    rf"^\s*{_D}\s*(?:{'|'.join(re.escape(letter) for letter in sorted(LOSS_LETTERS))})"
    rf"(?![A-Za-z])\s*&?\s*=.*{_D}\s*(?:\\(?:mathbf|boldsymbol|bm)\b|[A-Za-z]|\\[A-Za-z])")


def _plain_names(latex: str) -> str:
    """A formula written as code (no LaTeX command in it) with its names as LaTeX writes them:
    `h_{2}`, `\\text{Loss}`; a formula with commands is left as it is."""
    if "\\" in latex:
        return latex
    return _WORD.sub(r"\\text{\1}", _NUMBERED_LETTER.sub(r"\1_{\2}", latex))


def _bracket_layers(latex: str) -> str:
    return _BRACKET_LAYER.sub(lambda found: f"{found.group(1)}^{{[{found.group(2)}]"
                              f"{'T' if found.group(3) else ''}}}", latex)


def _read_chain(chain: Chain, features: Features) -> None:
    """What the chain of named steps adds: the rows for the document's own names, each layer's
    function where no conventional name gave it, the layers' count and biases."""
    first = 1 if features.starts_at_one else 0   # the number the document gives the input
    features.own_symbols = {**at_every_layer(chain.rows, first, chain.layers),
                            **features.own_symbols}
    numbered = {row_letter(name) for name in chain.rows}
    # (`\mathbf{A} \mathbf{v}`: A is the document's weight, no stack of activations)
    features.stacked_letters -= {normalise(name) for name, meaning in chain.rows.items()
                                 if not meaning.startswith(("activation", "preactivation"))}
    # (the loss names `\mathbf{s}` plainly, `s`, as symnet reads it; the chain as written)
    written = {normalise(name): name for name in chain.rows}
    features.compared = [written.get(name, name) for name in features.compared]
    roles = [features.own_symbols.get(name) for name in features.compared]
    if roles.count("output") == 1 and roles.count(None) == 1:
        # `\|t_q - y_q\|` where y is the output: t is the target, whatever the order
        features.own_symbols[features.compared[roles.index(None)]] = "target"
    elif not numbered & set(features.compared):   # `\|x_L - t\|`: x is the chain's, by layer
        targets = [SYMBOLS.get(name) == "target" for name in features.compared]
        for role, name in zip(("target", "output") if targets[:1] == [True] else
                              ("output", "target"),
                              features.compared):   # (`(y - o)^2`: y is the target still)
            if SYMBOLS.get(name) != "target":
                features.own_symbols.setdefault(name, role)
    elif len(features.compared) == 2 and len(numbered & set(features.compared)) == 1:
        # `CE(k, p)` with p the chain's last activation: the other name is the target
        other = next(name for name in features.compared if name not in numbered)
        features.own_symbols.setdefault(other, "target")
    features.chain_layers = chain.layers
    features.weight_orders = chain.orders
    features.unbiased = chain.unbiased if chain.biased else set()   # (`W x + b`, `u^T h`)
    features.inner_products = chain.inner_products
    features.chain_unmarked = chain.layers > 0 and not any(
        re.search(r"[0-9]", key) for key in chain.rows)
    last = [name for name, meaning in chain.rows.items()
            if meaning == f"preactivation[{chain.layers}]"]
    if chain.layers not in chain.functions and set(last) & set(features.compared):
        features.activations.setdefault("out", "identity")   # `\|p - t\|^2`, p = W_2 v + b_2
    for name in features.affine_outputs:
        if chain.layers > 1 and name in chain.rows:   # `r = W_1 x + b_1`, then more layers
            features.own_symbols[name] = chain.rows[name]
        else:
            features.activations.setdefault("out", "identity")
    features.weighted |= chain.layers > 0
    features.bias |= chain.biased
    for layer, (head, written) in chain.functions.items():
        found = features.activations.setdefault(str(layer + first), _activation_of(head))
        if found.startswith("generic:") and isinstance(head, Tree) and head.data == "scripted":
            features.own_symbols.setdefault(written, f"activation_function[{layer}]")


def _a_function_per_layer(features: Features, formulas: list[str]) -> None:
    """`g^{[1]}`, `g^{[2]}`, ..., never `g` alone: each layer's function is one of its own (a
    generic `g_1`, `g_2`, ...), so that one layer's function written for another's is an
    error the check can see."""
    marked = {key.split("^")[0] for key, meaning in features.own_symbols.items()
              if meaning.startswith("activation_function[") and "^" in key}
    for layer, found in list(features.activations.items()):
        name = found.split(":", 1)[1] if found.startswith("generic:") else None
        if layer.isdigit() and name in marked and not _applied_bare(name, formulas):
            features.activations[layer] = f"generic:{name}_{layer}"


def _applied_bare(name: str, formulas: list[str]) -> bool:
    """Whether a formula applies the function `name` without a script (`g(z)`, `g'(z)`)."""
    bare = re.compile(rf"(?<![\\A-Za-z]){re.escape(name)}\s*(?:'|\\prime)*\s*(?:\\left)?\s*\(")
    return any(bare.search(formula) for formula in formulas)


def _stepped(chain: Chain, named: list, equation: str) -> bool:
    """Whether the statement is a step of the chain (`h = \\mathrm{LeakyReLU}(z) = \\max(0.01 z,
    z)`: the last side that is one), its other left sides named as its first."""
    if any(chain.step(named[0].lhs, link.rhs, equation) for link in named[::-1]):
        chain.also(named[0].lhs, [link.lhs for link in named[1:]], equation)
        return True
    return False


def _later_steps(chain: Chain, waiting: list, features: Features) -> None:
    """`\\mathbf{z} = \\mathbf{W} \\mathbf{h} + \\mathbf{b}, \\; \\mathbf{h} = \\tanh(\\mathbf{u}),
    \\; \\mathbf{u} = \\mathbf{V} \\mathbf{x}`: a forward pass written from the output back is
    read again once the steps after it are known."""
    progress = True
    while progress and waiting:
        progress = False
        for item in list(waiting):
            named, equation, latex = item
            if chain.layers and _stepped(chain, named, equation):
                waiting.remove(item)
                progress = True
                if latex not in features.forward:
                    features.forward.append(latex)


def _parsed(equation: str):
    """The equation's tree; failing that, its first line's (`J &= ... \\\\ &= \\ldots`)."""
    for text in (equation, equation.split("\\\\")[0]):
        try:
            return parse_claim(text)
        except ClaimSyntaxError:
            continue
    return None


def _read_layers(tree, features: Features) -> None:
    """Layer numbers and letters on layered letters (`W^{[2]}`, `a_1`), the input's case."""
    for node in tree.iter_subtrees():
        if node.data == "name" and str(node.children[0]) in ("x", "X"):
            features.input_batch = features.input_batch or str(node.children[0]) == "X"
        if node.data == "name" and str(node.children[0]) in ("A", "Z"):
            features.stacked_letters.add(str(node.children[0]))
        if node.data == "frac" and len(node.children) == 3:
            numerator = unbraced(node.children[1])
            if isinstance(numerator, Tree) and numerator.data == "juxtaposition":
                named = base_of(numerator.children[-1])
                if named in LOSS_LETTERS:
                    features.loss_names.add(named)
        if node.data != "scripted":
            continue
        if name_of(node.children[0]) in _LAYERED or name_of(node.children[0]) in ("x", "y"):
            features.sample_letters |= _sample_marks(node.children[1])
        if name_of(node.children[0]) == r"\delta":
            _read_delta_mark(node, features)
        if name_of(node.children[0]) not in _LAYERED:
            continue
        scripts = node.children[1].children
        for number, script in enumerate(scripts):
            marks = [token for token in script.scan_values(lambda v: isinstance(v, Token))]
            squared = script.data == "sup" and number > 0 and scripts[0].data == "sub" and \
                [str(mark) for mark in marks] == ["2"] and not any(
                    part.data == "group" for part in script.iter_subtrees()
                )   # `W_{k,l}^2`, `h_j^2`: a square (`z_k^{[2]}`, `z_k^{(2)}` are layers)
            if len(marks) == 1 and marks[0].type == "NUMBER" and not squared:
                numbers = features.layer_numbers if script.data == "sup" else \
                    features.subscript_numbers
                numbers.add(int(float(marks[0])))
                if script.data == "sub":
                    features.subscripted.add(name_of(node.children[0]))
            elif len(marks) == 1 and str(marks[0]) in ("l", "L") and script.data == "sup":
                features.layer_letters.add(str(marks[0]))
            elif len(marks) == 1 and script.data == "sup" and \
                    LAYER_NAMES.get(str(marks[0])) == "hidden":
                features.named_hidden = True   # `Z^{(h)}`: the one hidden layer, by name
            elif [str(mark) for mark in marks] == ["l", "+", "1"]:
                features.reaches_next = True
            elif script.data == "sup" and _depth_name(script):
                features.depth_letter = _depth_name(script)   # `a^{(n_l)}`: the output layer
        mark = layer_mark(node) or _subscript_layer_mark(node)
        if mark is not None and mark[0] is not None and mark[1]:
            features.stepped_letters.add(mark[0])   # `h^{(k-1)}`, `a_{k-1}`: k is a layer
            features.reaches_next |= mark[1] > 0    # variable
        elif mark is not None and mark[0] in ("l", "L") and not layer_mark(node):
            features.layer_letters.add(mark[0])   # `z_l = W_l a_{l-1} + b_l`
        if name_of(node.children[0]) in ("b", "B"):
            features.bias = True


def _depth_name(script) -> str | None:
    """`n_l` of `\\delta^{(n_l)}`: a layer mark that is a letter numbered by the layer letter,
    the name of the number of layers (UFLDL's); as the size's key is written."""
    marks = [node for node in script.iter_subtrees_topdown() if node.data == "scripted"]
    if len(marks) != 1 or len(marks[0].children[1].children) != 1:
        return None
    base, (sub,) = marks[0].children[0], marks[0].children[1].children
    letter = [str(token) for token in sub.scan_values(lambda v: isinstance(v, Token))]
    if sub.data != "sub" or letter not in (["l"], ["L"]) or len(name_of(base) or "") != 1:
        return None
    return f"{name_of(base)}_{letter[0]}"


def _read_neurons(neurons: Neurons, features: Features, formulas: list[str]) -> None:
    """What a forward pass written unit by unit adds: the index letters' and the names' rows,
    each layer's function, the weight's order; the name the loss compares with the output's
    activation is the target. Written for neuron j of any layer, it is checked at every layer
    (three when a formula reaches the next one, so a hidden layer has one after it)."""
    steps = [neurons.any_layer] if neurons.any_layer else neurons.layers
    output = steps[-1].activation
    guessed = features.compared if output in features.compared else []
    for name in (output, *(step.preactivation for step in steps), *guessed):
        features.own_symbols.pop(name, None)   # the chain's guesses of their roles
    features.own_symbols.update(neurons.rows(formulas))
    others = [name for name in guessed if name != output]
    if len(others) == 1:   # `(t_k - o_k)^2`: o is the output's activation, t the target
        features.own_symbols[others[0]] = "target"
    if neurons.any_layer:
        features.activations["l"] = _activation_of(steps[0].function)
        features.layer_letters.add("l")
        features.reaches_next |= "units[l+1]" in features.own_symbols.values()
    else:
        for number, step in enumerate(steps, start=1):
            features.activations[str(number)] = _activation_of(step.function)
        features.chain_layers = max(features.chain_layers, len(steps))
    features.weight_order = "in_out" if steps[0].in_out else "out_in"
    if not neurons.any_layer:   # (`v_{jk}` into layer 1 beside `w_{jm}` out of it)
        features.weight_orders.update({number: "in_out" if step.in_out else "out_in"
                                       for number, step in enumerate(steps, start=1)
                                       if step.own is not None})
        features.inner_products |= {number for number, step in enumerate(steps, start=1)
                                    if step.own is None}   # (`u = \sum_j w_j h_j`: one unit)
    features.bias = any(step.bias for step in steps)
    features.weighted = True


def _read_delta_mark(node, features: Features) -> None:
    """`\\delta_3`, `\\delta^{(3)}`: an error term's layer number, with the notation key that
    writes it so (`\\delta_l`, `\\delta^{(l)}`)."""
    for script in node.children[1].children:
        marks = list(script.scan_values(lambda v: isinstance(v, Token)))
        numbers = [mark for mark in marks if mark.type == "NUMBER"]
        if len(numbers) == 1 and all(str(mark) in "()" or mark is numbers[0]
                                     for mark in marks):
            style = "_l" if script.data == "sub" else "^" + layer_style(node)
            features.delta_marks[int(float(numbers[0]))] = r"\delta" + style


def _numbered_from_the_input(features: Features, network: dict) -> dict[str, str]:
    """`\\delta_3 = \\hat{y} - y` in a two-layer network whose pre-activations are z_1, z_2:
    the error terms are numbered with the input as layer 1, a layer beyond the others."""
    deltas = features.delta_marks
    if features.starts_at_one or not deltas or max(deltas) != len(network["layers"]) + 1 \
            or min(deltas) < 2:
        return {}
    return {key: "adjoint(preactivation[l-1])" for key in dict.fromkeys(deltas.values())}


def _read_layer_variables(features: Features) -> None:
    """A letter a layer mark steps from (`h^{(k-1)}`) is a layer variable, never a sample's
    mark; where it is not l, an l written only bare (`\\hat{y} = h^{(l)}`) is the number of
    layers, the last layer's. A letter the conventions make an activation that the document
    computes from a weight and applies a function to (`a^{(k)} = W^{(k)} h^{(k-1)} + b^{(k)}`,
    `h^{(k)} = f(a^{(k)})`) is its pre-activation."""
    features.layer_letters |= features.stepped_letters
    features.sample_letters -= features.layer_letters
    if features.stepped_letters - {"l", "L"} and "l" in features.layer_letters - \
            features.stepped_letters:
        features.depth_letter = "l"
        features.layer_letters.discard("l")
    for letter, key in features.affine_activations.items():
        if letter in features.applied_to:
            features.own_symbols[key] = "preactivation[l]"


def _subscript_layer_mark(node) -> tuple[str, int] | None:
    """`a_{k-1}`, `W_{l+1}`, `z_l`: a layered letter's subscript that is a letter, perhaps
    with an offset, as (letter, offset). One letter alone is a layer only when it is l or L
    (`a_j` is an entry); with an offset it steps from a layer."""
    subs = [script for script in node.children[1].children if script.data == "sub"]
    if len(subs) != 1:
        return None
    text = "".join(str(token) for token in subs[0].scan_values(lambda v: isinstance(v, Token))
                   if str(token) not in "{}")
    found = re.fullmatch(r"([A-Za-z])(?:([+-])([0-9]))?", text)
    if found is None or found.group(2) is None and found.group(1) not in ("l", "L"):
        return None
    offset = int(found.group(3) or 0) * (-1 if found.group(2) == "-" else 1)
    return found.group(1), offset


def _sample_marks(scripts) -> set[str]:
    """The letter of a sample mark in a superscript: `y^{(i)}`, `a^{[2](i)}` (a layer letter
    such as l is not one)."""
    found = set()
    for sup in scripts.children:
        if not (isinstance(sup, Tree) and sup.data == "sup"):
            continue
        for node in sup.iter_subtrees():
            if node.data == "group" and len(node.children) == 1 and \
                    isinstance(node.children[0], Tree) and node.children[0].data == "name":
                letter = name_of(node.children[0])
                if letter not in ("l", "L", "T") and letter not in _LAYERED:
                    found.add(letter)
    return found


def _layer_of(tree) -> str | None:
    """The layer mark of `A^{[2]}`, `a_l`, `A^L` as written ("2", "l", "L"), or None; a
    sample's mark beside a layer's (`a_1^{(i)}`) is none."""
    if not (isinstance(tree, Tree) and tree.data == "scripted"):
        return None
    samples = _sample_marks(tree.children[1])
    scripts = [script for script in tree.children[1].children
               if not (samples and script.data == "sup")]
    marks = [str(token) for script in scripts for token in script.scan_values(
        lambda v: isinstance(v, Token) and v.type in ("NUMBER", "LETTER", "NAME")
        or isinstance(v, Token) and str(v).isalnum())]
    return marks[0] if len(marks) == 1 else None


def _read_statement(lhs, sides: list, features: Features) -> bool:
    """A forward-pass or loss statement's facts (from the last right side but for the loss,
    which any side may show in a recognised form); whether it is one."""
    # (`o_j = \varphi(net_j) = \frac{1}{1 + e^{-net_j}}`: the function applied, then written out)
    rhs = next((unbraced(side) for side, _ in reversed(sides) if is_call(unbraced(side))),
               unbraced(sides[-1][0]))
    lhs = unbraced(lhs)
    base = base_of(lhs)
    # `e = \|x^{(L)} - y\|^2`, later differentiated: a loss by a name of the document's own
    own_loss = base not in LOSS_LETTERS and base not in SYMBOLS and \
        base in features.differentiated and isinstance(lhs, Tree) and \
        lhs.data in ("name", "word") and loss_of(sides[-1][1]) is not None and \
        r"\lambda" not in sides[-1][1]   # (a penalty)
    if own_loss:
        features.own_symbols[base] = "loss"
    if base in LOSS_LETTERS or own_loss:
        if sum_of_its_samples(base, rhs):
            features.own_symbols[base] = "loss"   # `E = \sum_q E^q`: E^q is sample q's term
        written = next((loss for loss in map(loss_of, [text for _, text in sides]) if loss),
                       None)
        earlier = features.written_losses.get(base)
        if written is not None and earlier is not None and earlier["batch"] and \
                not written["batch"]:
            return True   # (the batch's mean loss restated for one example: it stays the loss)
        if written is None and features.loss is not None and isinstance(lhs, Tree) and \
                lhs.data in ("name", "styled"):   # `E = \hat{Y} - Y` beside the loss J: E is it
            features.other_loss_letters.add(base)
        elif written is not None:
            features.loss_letters.add(base)
            features.written_losses[base] = written
        features.loss_texts[base] = sides[-1][1]
        features.loss = written or features.loss or _generic_loss(rhs)
        if written is not None and written["kind"] == "squared_error" and any(
                _LAYERED.get(base_of(node)) == "preactivation" and layer_mark(node) is None
                for node in _outside_calls(rhs) if node.data == "scripted"):
            # `\frac12 \|\mathbf{z}_2 - \mathbf{y}\|^2`: the output is a pre-activation
            features.activations.setdefault("out", "identity")
        if written is not None and written["kind"] == "squared_error":
            # (`\|\mathbf{z}^{(2)} - \mathbf{y}\|^2`: the last layer's, when 2 is the last)
            features.compared_preactivations |= {
                mark for node in _outside_calls(rhs) if node.data == "scripted" and
                _LAYERED.get(base_of(node)) == "preactivation" and
                (mark := layer_mark(node)) is not None}
        read_mean_of_terms(base, sides[-1][1], features)
        features.compared = features.compared or compared(rhs)
        target = cross_entropy_target(rhs)
        if target is not None and target not in SYMBOLS:
            features.own_symbols.setdefault(target, "target")
        return True
    mark = _layer_of(lhs)
    # (`a_j^k = \sum_i w_{ij}^k o_i^{k-1}`: unit j of layer k, the layer the superscript's)
    stepped = (layer_mark(lhs) or (None,))[0] if mark is None else None
    own_input = _own_layer_input(rhs, lhs) if base and (mark or stepped) and \
        not is_call(rhs) else None
    if own_input is not None:   # `u^{(l)} = W^{(l)} v^{(l-1)}`: v is the document's activation
        features.own_symbols.setdefault(f"{own_input[0]}^{layer_style(own_input[1])}",
                                        "activation[l]")
        features.weight_order = features.weight_order or _summed_order(rhs, own_input[1])
    own_preactivation = bool(base and mark) and base not in _LAYERED and \
        base not in _OUTPUT_NAMES | LOSS_LETTERS and not is_call(rhs) and (
            _layered_affine(rhs) or own_input is not None)
    if own_preactivation:   # `u^l = h^{l-1} W^l + b^l`: the document's own letter for it
        features.own_symbols[f"{base}^{layer_style(lhs)}"] = "preactivation[l]"
    if base in _ACTIVATION_LETTERS and (mark or stepped) and not is_call(rhs) and (
            _layered_affine(rhs) or own_input is not None):
        features.affine_activations[base] = f"{base}^{layer_style(lhs)}"
    if is_call(rhs):
        features.applied_to |= {base_of(argument) for argument in rhs.children[1:]
                                if isinstance(argument, Tree)}
    if base in _ACTIVATION_LETTERS and mark in ("L", "out") and isinstance(rhs, Tree) and \
            rhs.data in ("name", "styled") and not is_input(rhs):
        features.own_symbols[name_of(rhs)] = "output"   # `h^L = \mathbf{y}`: y is the output
        return True
    if is_call(rhs) and isinstance(lhs, Tree) and lhs.data == "name" and \
            SYMBOLS.get(base) not in ("output", "loss") and \
            any(_layer_of(unbraced(argument)) in ("L", "out") for argument in rhs.children[1:]):
        features.own_symbols[base] = "output"   # `y = \phi(U^L)`: y is what the network outputs
    if base in _OUTPUT_NAMES and not is_call(rhs) and base_of(rhs) not in _ACTIVATION_LETTERS:
        # `\hat{y} = z^{(2)}`, `\hat{Y} = A W + b` (`\hat{y} = h^{(l)}` names the output)
        features.activations["out"] = "identity"
    step = _named_step(lhs, rhs)
    if step is not None:   # `r = W^{[2]} a^{[1]} + b^{[2]}`: r, layer 2's pre-activation
        features.own_symbols[base] = f"preactivation[{step}]"
        features.named_steps[base] = step
    affine = not is_call(rhs) and _weight_times_input(rhs)
    if base and affine and base not in _LAYERED and base not in _OUTPUT_NAMES and \
            isinstance(lhs, Tree) and lhs.data == "name":
        # `Y = W X`: a name the conventions do not give a layer, computed from a weight and
        # the input, is what the network outputs (unless more layers follow: `_read_chain`)
        features.own_symbols[base] = "output"
        features.affine_outputs.add(base)
    if base in _ACTIVATION_LETTERS and mark is not None and isinstance(rhs, Tree) and \
            _LAYERED.get(base_of(rhs)) == "preactivation" and _layer_of(rhs) == mark:
        features.activations[mark] = "identity"   # `A^{[2]} = Z^{[2]}`: no function
        return True
    if base in _LAYERED and _LAYERED[base] == "preactivation" or base in _OUTPUT_NAMES | \
            _ACTIVATION_LETTERS and not is_call(rhs) or base in features.own_symbols or \
            own_preactivation:
        factors = [base_of(node) for node in rhs.iter_subtrees_topdown()
                   if node.data in ("scripted", "name")]
        weights = [i for i, name in enumerate(factors) if name in _WEIGHT_LETTERS]
        inputs = [i for i, name in enumerate(factors) if name in ("x", "X") or
                  name in _ACTIVATION_LETTERS]
        if weights and inputs and inputs[0] < weights[0]:
            features.input_first = True
        features.weighted |= bool(weights)
        return bool(weights)
    if base in ("x", "X") and mark and mark.isalpha() and is_call(rhs):
        # `x^{(l)} = \theta(s^{(l)})`: x with a layer is each layer's output, x^{(0)} the input
        features.own_symbols[f"{base}^{layer_style(lhs)}"] = "activation[l]"
        features.activations[mark] = _activation_of(rhs.children[0])
        return True
    own_activation = isinstance(lhs, Tree) and lhs.data == "scripted" and features.own_symbols.get(
        f"{base}^{layer_style(lhs)}") == "activation[l]"
    if (base in _ACTIVATION_LETTERS or base in _OUTPUT_NAMES or own_activation) and \
            is_call(rhs):
        # (`a^{(l+1)} = f(z^{(l+1)})`: the function of every layer l numbers; `a_j^{(L)}`
        # names no layer variable)
        variable = (layer_mark(lhs) or (None, 0))[0]
        variable = None if LAYER_NAMES.get(variable or "") == "last" else variable
        layer = _layer_of(lhs) or variable or ("out" if base in _OUTPUT_NAMES else "only")
        features.activations[layer] = _activation_of(rhs.children[0])
        return True
    if base in _ACTIVATION_LETTERS and is_input(rhs) and mark != "0":
        features.starts_at_one = True   # `a^1 = x` (`h^0 = x` is the 0-based input)
    return False


def _stated_activation(features: Features, number: int, count: int) -> str | None:
    """The activation the formulas give layer `number` of `count`: by its number, as the
    last, by its distance below the last, as the one hidden layer, or as every layer's."""
    last = number == count
    name = features.activations.get(str(number + (1 if features.starts_at_one else 0)))
    if name is None and last:
        name = features.activations.get("L") or features.activations.get("out")
    if name is None and not last:   # `\frac{\partial a^{L-1}}{\partial z^{L-1}} = ...`
        name = features.activations.get(f"L-{count - number}")
    if name is None and (count == 1 or count == 2 and number == 1):
        name = features.activations.get("only")   # `h = \phi(z)`: the one hidden layer
    if name is None:   # `h^{(k)} = f(a^{(k)})`: every layer's
        name = next((features.activations[letter] for letter in
                     sorted(features.layer_letters - {"L"}) if letter in features.activations),
                    None)
    return name


def _read_stated_derivative(lhs, rhs, features: Features) -> None:
    """`\\frac{\\partial a^{L-1}}{\\partial z^{L-1}} = \\text{ReLU}'(z^{L-1})`: the derivative of a
    layer's activation by its pre-activation, stated as a named activation's derivative,
    says which function the layer applies."""
    lhs, rhs = unbraced(lhs), unbraced(rhs)
    if not (isinstance(lhs, Tree) and lhs.data == "frac" and is_call(rhs) and
            isinstance(rhs.children[0], Tree) and rhs.children[0].data == "primed"):
        return
    _, top, bottom = lhs.children
    nodes = [next((node for node in side.iter_subtrees_topdown() if node.data == "scripted"),
                  None) for side in (top, bottom)]
    if None in nodes or [_LAYERED.get(base_of(node)) for node in nodes] != \
            ["activation", "preactivation"]:
        return
    marks = [layer_mark(node) for node in nodes]
    name = _activation_of(rhs.children[0])
    if marks[0] is None or marks[0] != marks[1] or name.startswith("generic:"):
        return
    variable, offset = marks[0]
    mark = str(offset) if variable is None else f"{variable}{offset:+d}" if offset else variable
    features.activations.setdefault(mark, name)


def _outside_calls(tree):
    """The subtrees of `tree` that no function is applied to (not those of `\\sigma(z_2)`)."""
    if isinstance(tree, Tree) and tree.data != "call":
        yield tree
        for child in tree.children:
            yield from _outside_calls(child)


def _read_numbering(lhs, rhs, features: Features) -> None:
    """`z^{(2)} = W^{(1)} x + b^{(1)}`, `z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}`: a layer computed
    from names all marked one layer below it. Such a document numbers the input layer 1 and a
    weight by the layer it leaves (W^{(1)} feeds layer 2), as UFLDL and Ng's course do."""
    made = layer_mark(unbraced(lhs))
    if made is None or is_call(rhs) or not isinstance(rhs, Tree):
        return
    marked = [(node, layer_mark(node)) for node in rhs.iter_subtrees_topdown()
              if node.data == "scripted"]
    marked = [(node, mark) for node, mark in marked if mark is not None]
    below = (made[0], made[1] - 1)
    if not marked or any(mark != below for _, mark in marked):
        return
    features.starts_at_one = True
    for node, _ in marked:
        base = base_of(node)
        kind = "weight" if base in _WEIGHT_LETTERS else _PARAMETER_LETTERS.get(base)
        if kind:   # the conventions' W^{(l)} is layer l's: this document's feeds layer l+1
            features.own_symbols[f"{base_of(node)}^{layer_style(node)}"] = f"{kind}[l+1]"


def _weight_times_input(tree) -> bool:
    names = [base_of(node) for node in tree.iter_subtrees_topdown()
             if node.data in ("scripted", "name")]
    return any(name in _WEIGHT_LETTERS for name in names) and any(name in ("x", "X")
                                                             for name in names)


def _named_step(lhs, rhs) -> int | None:
    """`r = W^{[2]} a^{[1]} + b^{[2]}`: a bare name of the document's own computed from a weight
    of a numbered layer and the activation before it; that layer's number, else None."""
    base = base_of(lhs)
    if not (isinstance(lhs, Tree) and lhs.data == "name" and base not in SYMBOLS and
            base not in _LAYERED and isinstance(rhs, Tree) and not is_call(rhs) and
            _layered_affine(rhs)):
        return None
    numbers = {mark[1] for node in rhs.iter_subtrees_topdown()
               if node.data == "scripted" and base_of(node) in _WEIGHT_LETTERS
               and (mark := layer_mark(node)) is not None and mark[0] is None}
    return numbers.pop() if len(numbers) == 1 else None


def _own_layer_input(tree, lhs):
    """(letter, node) of `v^{(l-1)}` in `u^{(l)} = W^{(l)} v^{(l-1)}`: a letter the conventions
    give no layer, one layer below the left side's, times a weight of the left side's layer;
    None for anything else (an update, `W^{(l)} \\gets W^{(l)} - ...`, computes no layer)."""
    mark = layer_mark(lhs)
    nodes = [node for node in tree.iter_subtrees_topdown() if node.data == "scripted"]
    if mark is None or mark[0] is None or base_of(lhs) in {base_of(node) for node in nodes} or \
            not any(base_of(node) in _WEIGHT_LETTERS and layer_mark(node) == mark
                    for node in nodes):
        return None
    below = [(base_of(node), node) for node in nodes
             if base_of(node) not in _LAYERED and base_of(node) not in SYMBOLS and
             base_of(node) not in LAYERED_KINDS and
             layer_mark(node) == (mark[0], mark[1] - 1)]
    return below[0] if len(below) == 1 else None


def _summed_order(tree, source) -> str | None:
    """`\\sum_i w_{ij}^k o_i^{k-1}`: the weight's entries in the order (input's unit, own unit)
    when the index it shares with the value it takes comes first; None unless written so."""
    index = [str(token) for token in written_tokens(
        [script for script in source.children[1].children if script.data == "sub"])]
    for node in tree.iter_subtrees_topdown():
        if node.data == "scripted" and base_of(node) in _WEIGHT_LETTERS and len(index) == 1:
            letters = [str(token) for token in written_tokens(
                [script for script in node.children[1].children if script.data == "sub"])
                if str(token) != ","]
            if len(letters) == 2 and index[0] in letters and letters[0] != letters[1]:
                return "in_out" if letters[0] == index[0] else "out_in"
    return None


def _layered_affine(tree) -> bool:
    """`h^{l-1} W^l + b^l`, `W^{[l]} a^{[l-1]}`: a weight times an activation (or the input),
    both with layer marks (or the input without one)."""
    names = [(base_of(node), node.data == "scripted") for node in tree.iter_subtrees_topdown()
             if node.data in ("scripted", "name")]
    return any(name in _WEIGHT_LETTERS and mark for name, mark in names) and \
        any(name in _ACTIVATION_LETTERS and mark or name in ("x", "X") for name, mark in names)


def _activation_of(head) -> str:
    """The registry name of an applied function (`\\sigma`, `\\mathrm{ReLU}`, `g_{\\text{ReLU}}`
    named by its subscript), or `generic:NAME`."""
    if isinstance(head, Tree) and head.data == "scripted":
        tokens = [_words(token) for token in written_tokens(
            [script for script in head.children[1].children if script.data == "sub"])]
        if tokens and all(len(token) == 1 for token in tokens):
            tokens = ["".join(tokens)]   # `g_{softmax}`: a word written in letters
        if len(tokens) == 1 and tokens[0] in FUNCTION_NAMES:
            return FUNCTION_NAMES[tokens[0]]
    if isinstance(head, Tree) and head.data in ("scripted", "primed"):
        head = head.children[0]
    name = name_of(head) if isinstance(head, Tree) else str(head)
    if name in _ACTIVATION_CALLS:
        return _ACTIVATION_CALLS[name]
    return f"generic:{name}" if name and re.fullmatch(r"\\?[A-Za-z]+", name) else "generic:g"


def _words(token) -> str:
    """`\\text{ReLU}` -> `ReLU`, `softmax` -> `softmax`: a subscript's word."""
    styled = re.fullmatch(r"\\(?:text|mathrm|operatorname|rm)\s*\{\s*([A-Za-z]+)\s*\}", str(token))
    return styled.group(1) if styled else str(token)


def _generic_loss(rhs) -> dict | None:
    """`L = l(\\mathbf{o}, y)`: a loss known by its name only."""
    if is_call(rhs):
        name = base_of(rhs.children[0]) if isinstance(rhs.children[0], Tree) else None
        if name and name not in _ACTIVATION_CALLS and name not in (r"\log", r"\exp"):
            return {"kind": "generic", "function": name, "scale": Fraction(1),
                    "reduction": "sum", "batch": None}
    return None


# the loss taken where no formula writes one and nothing says which
_GUESSED_LOSS = {"kind": "squared_error", "scale": Fraction(1, 2), "reduction": "sum",
                 "batch": None}
_GUESSED_LOSS_QUESTION = ("the loss (no formula defines it); guessed squared error, scale 1/2, "
                          "summed")

# --- the first network, and its neighbours --------------------------------------------------

def first_network(features: Features) -> tuple[dict, list[str]]:
    questions = []
    # a number subscripted to a layered letter is its layer only in a document that marks
    # no layer with a superscript (`W_2`, not the entry `h_1^{L-1}`)
    # (nor in a chain of names without numbers: `z = w^T x + b`, then `dw_1 = x_1 dz` writes
    # entries)
    marked = features.layer_numbers or features.layer_letters or features.chain_unmarked
    numbers = sorted(n for n in features.layer_numbers | (
        set() if marked else features.subscript_numbers) if 0 < n < 10)
    count = max(numbers) - (1 if features.starts_at_one else 0) if numbers else 0
    count = max(count, features.chain_layers)
    if count < 1 and features.named_hidden:
        count = 2   # the hidden layer and the output, by their names
    if features.layer_letters and (count < 1 or count < 2 and features.stepped_letters):
        # a formula that takes layer l from layer l+1 is exercised at a hidden layer only
        # when another hidden layer follows it (one that steps from layer L to L-1, beside a
        # `w^{(1)}`, needs two)
        count = 3 if features.reaches_next else 2
        questions.append("the number of layers (the formulas are written for a layer l); "
                         f"guessed {count}")
    elif count < 1:
        count = 1     # an unmarked W is the only layer
        if not features.weighted:
            questions.append("the layers (no formula computes one); guessed one layer")
    loss = features.loss
    if loss is None and len(features.loss_names) == 1:
        name = next(iter(features.loss_names))
        loss = {"kind": "generic", "function": name, "scale": Fraction(1), "reduction": "sum",
                "batch": None}
        questions.append(f"the loss ({name} is differentiated but never written out); "
                         f"taken as a generic loss {name}, summed")
    unstated = loss is None
    if unstated:
        loss = dict(_GUESSED_LOSS)
    if (None, count) in features.compared_preactivations or ("L", 0) in \
            features.compared_preactivations:   # the loss of the last pre-activation
        features.activations.setdefault(str(count), "identity")
    layers = []
    hidden = {_stated_activation(features, number, count) for number in range(1, count)}
    hidden.discard(None)
    for number in range(1, count + 1):
        last = number == count
        name = _stated_activation(features, number, count)
        if name is None and not last and len(hidden) == 1:
            name = next(iter(hidden))   # (hidden layers apply one function, as a rule)
            questions.append(f"the activation of layer {number} (no formula applies one); "
                             f"took the other hidden layers' {name}")
        if name is None and last and loss["kind"].endswith("cross_entropy"):
            name = "sigmoid" if loss["kind"] == "binary_cross_entropy" else "softmax"
        if name is None:
            name = "sigmoid"
            questions.append(f"the activation of layer {number} (no formula applies one); "
                             "guessed sigmoid")
        binary = loss["kind"] == "binary_cross_entropy" or (
            loss["kind"] == "cross_entropy" and name == "sigmoid")
        # (`\sum_{n=1}^{N} \|\mathbf{y}_n - \mathbf{t}_n\|^2` sums over the samples)
        summed = loss.get("units") if loss.get("units") != features.batch_name else None
        output = summed or (
            "n_out" if features.size_letter == "n" else f"{features.size_letter}_{count}")
        # binary outputs: one unit, unless the loss sums over the output's units (`\sum_k`)
        units = (output if not binary or name == "softmax" or summed else 1) \
            if last else \
            f"{features.size_letter}_{number}"
        layer = {"units": 1 if number in features.inner_products else units}
        if name.startswith("generic:"):
            layer.update(activation="generic", function=name.split(":", 1)[1])
        else:
            layer["activation"] = name
        if features.weighted and (not features.bias or number in features.unbiased):
            layer["bias"] = False
        layers.append(layer)
    if unstated and layers[-1].get("activation") == "softmax":
        # a softmax output is trained with the cross entropy; a batch's, averaged
        reduction = "mean" if features.batch_written else "sum"
        loss = {"kind": "categorical_cross_entropy", "scale": Fraction(1),
                "reduction": reduction, "batch": None}
        questions.append("the loss (no formula defines it); guessed the cross entropy of "
                         f"the softmax output, {'summed' if reduction == 'sum' else 'averaged'}")
    elif unstated:
        questions.append(_GUESSED_LOSS_QUESTION)
    if loss["kind"] == "cross_entropy":   # `CE`: the one the output layer fits
        binary = layers[-1].get("activation") == "sigmoid"
        loss = {**loss, "kind": "binary_cross_entropy" if binary else
                "categorical_cross_entropy"}
    letter = features.size_letter
    sizes = {f"{letter}_0": 3, **{f"{letter}_{number}": 3 + number
                                  for number in range(1, count)}, output: 2}
    if any(layer.get("activation") == "softmax" for layer in layers[-1:]):
        sizes[output] = 3
    batch = loss.get("batch") or features.batch_name or ("m" if features.batch_written else None)
    samples = "single"
    # a capital X alone is not a batch: it is one when the loss averages or the formulas
    # index samples, or compute capital (stacked) layers; a sum over a named set of samples
    # is one too
    if features.batch_written and (loss.get("batch") or features.sample_letters or
                                   features.stacked_letters) or features.batch_name or \
            loss.get("batch") and features.sample_letters:   # `x_n` beside `\frac1M \sum_n`
        samples = "rows" if features.input_first else "columns"
    elif features.input_first:   # `h W`: one sample as a row vector, or the loss's batch
        samples, batch = "rows", loss.get("batch") or 1
    network = {"samples": samples, "sizes": sizes, "inputs": f"{letter}_0", "layers": layers,
               "loss": {"kind": loss["kind"], "scale": _fraction_text(loss["scale"]),
                        "reduction": loss["reduction"]}}
    if loss["kind"] == "generic":
        network["loss"]["function"] = loss["function"]
    if features.l2:
        network["regularization"] = features.l2
    if features.input_first or features.weight_order:
        network["weights"] = features.weight_order or "in_out"
    if len(set(features.weight_orders.values())) == 2:   # `u^T h` beside `W x`
        for number, order in features.weight_orders.items():
            if order != network.get("weights", "out_in") and number <= len(layers):
                layers[number - 1]["weights"] = order
    if features.starts_at_one:
        network["layers_from"] = 1
    if features.depth_letter:   # `\hat{y} = h^{(l)}`: l is the number of layers
        sizes[features.depth_letter] = count + (1 if features.starts_at_one else 0)
    if isinstance(batch, int):
        network["batch"] = batch
    elif batch:
        sizes[batch] = batch_size(sizes)
        if samples != "single":
            network["batch"] = batch
    if samples == "single" and loss["reduction"] == "mean":
        questions.append(f"how the samples are laid out: the loss averages over {batch} "
                         "samples but the formulas write one; guessed one sample")
    return used_sizes(network), questions


def _written_out_network(found: WrittenOut, features: Features, formulas: list[str],
                         check) -> Inference:
    """A network written out unit by unit with numbered weights (`scalars`): its layers and
    rows are read, not guessed; the loss is the one its formula writes."""
    questions = []
    loss = features.loss
    if loss is None:
        loss = dict(_GUESSED_LOSS)
        questions.append(_GUESSED_LOSS_QUESTION)
    # (one sample, as such documents compute: a mean over the samples is its sum)
    network = {"samples": "single", "sizes": {}, "inputs": len(found.inputs),
               "layers": found.network_layers(),
               "loss": {"kind": loss["kind"], "scale": _fraction_text(loss["scale"]),
                        "reduction": "sum"}}
    if loss["kind"] == "generic":
        network["loss"]["function"] = loss["function"]
    notation = {**found.rows(), **target_rows(found, formulas)}
    named = loss_name(formulas, found)
    if named is not None:
        notation[named] = "loss"
    best = check(network, notation, found.forward) or 0
    if best < len(found.forward):
        questions.append(f"{len(found.forward) - best} of the {len(found.forward)} "
                         "forward-pass formulas do not hold under the network below (see "
                         "`symnet check`)")
    return Inference(network, notation, questions, best, len(found.forward),
                     tuple(found.forward))


def _fraction_text(value: Fraction) -> str | int:
    return int(value) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def infer_network(formulas: list[str], check) -> Inference:
    """The network under which the document's forward pass and loss hold best.

    `check(network, notation, formulas)` -> how many of `formulas` hold under `network` (a
    [network] table), or None if the network cannot be built."""
    # (plain TeX's `{1 \\over 2}` as `\\frac{1}{2}` and `w1` as `w_{1}`, for the readers below
    # that read the formulas' text)
    formulas = [subscripted_digits(tex_fractions(formula)) for formula in formulas]
    features = read_features(formulas)
    scalars = written_out(formulas)
    if scalars is not None:
        return _written_out_network(scalars, features, formulas, check)
    example = example_and_cost(features.written_losses, features.loss_texts)
    if example is not None:   # the network's loss is the cost, its mean over the samples
        features.loss = cost_of(features, *example)
    network, questions = first_network(features)
    notation = {letter: "sample_index" for letter in sorted(features.sample_letters)}
    if example is not None:
        notation.update({example[0]: "example_loss", example[1]: "loss"})
    notation.update({letter: "layer_variable[1..last]"
                     for letter in sorted(features.layer_letters - {"l", "L"})})
    notation.update(features.own_symbols)
    if features.other_loss_letters - features.loss_letters and len(features.loss_letters) == 1:
        notation.setdefault(next(iter(features.loss_letters)), "loss")   # (frees E)
    notation.update(_numbered_from_the_input(features, network))
    if features.iteration:
        notation[features.iteration] = "iteration"
    if features.differentials:
        notation["d"] = "differential"
    notation.update(increments_as_gradients(formulas, notation))
    notation.update(step_sizes(formulas, notation, network))
    notation.update(entries_of_one_layer(features, network, formulas))
    forward = features.forward
    if not forward:
        questions.append("the forward pass: no formula computes a layer or the loss, so "
                         "nothing confirmed the guesses")
        return Inference(network, notation, questions)
    if features.loss is None:   # (also a loss differentiated but never written out)
        network, questions = unstated_loss(network, notation, formulas, questions, check)
    best = check(network, notation, forward) or 0
    for _ in range(3):   # a few rounds: a change can make another one pay
        improved = False
        for _, candidate in neighbours(network):
            score = check(candidate, notation, forward)
            if score is not None and score > best:
                network, best, improved = candidate, score, True
        if not improved:
            break
    named = named_sizes(written_widths(network, notation, forward, check), features.spaces,
                        notation)
    if named != network:   # (`\mathbf{x} \in \mathbb{R}^{d}`: the document's names for sizes;
        network, best = named, check(named, notation, forward) or 0   # `a_0, a_1, a_2`: 3)
    if network["loss"].get("outputs") == "mean":   # (the mean was over the outputs)
        questions = [question for question in questions
                     if not question.startswith("how the samples are laid out")]
    network, questions = one_unit_per_layer(network, notation, formulas, questions, check)
    network, notation = input_of_one_layer(network, notation, forward, check)
    read = network, notation
    network, notation = concrete_functions(network, notation, formulas, check)
    notation = error_terms(network, notation, features, formulas, check)
    notation = gradients_by_code_names(network, notation, formulas, check)
    notation = error_term_layer(network, notation, formulas, check)
    if (network, notation) != read:   # (a function written out can make its formula hold)
        best = check(network, notation, forward) or 0
    if best < len(forward):
        questions.append(f"{len(forward) - best} of the {len(forward)} forward-pass and loss "
                         "formulas do not hold under the network below (see `symnet check`)")
    return Inference(network, notation, questions, best, len(forward), tuple(forward))
