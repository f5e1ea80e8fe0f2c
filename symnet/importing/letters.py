"""The document's own letters: what its formulas make of a name the conventions do not know
(an output and a target compared, an error term, the delta rule's sign, the training step's
letter, an accumulator, a chain's letters at every layer), for `read_features`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lark import Tree

from ..conventions import LAYER_NAMES, SYMBOLS
from ..grammar import source_of
from ..resolve.trees import factors_of, name_of
from .chain import LAYERED_KINDS, LOSS_LETTERS, covered
from .written import base_of, layer_mark, layer_style, unbraced

if TYPE_CHECKING:
    from .infer import Features


# `V^{(2)}`, `s^{[1]}` = `weight[2]`: a chain's row for a letter at one numbered layer
_NUMBERED_ROW = re.compile(r"^(?P<base>\\?[A-Za-z]+)\^\{?[(\[](?P<written>[0-9]+|[A-Za-z]+)"
                           r"[)\]]\}?$")
_LAYER_MEANING = re.compile(r"^(?P<kind>[a-z_]+)\[(?P<layer>[0-9]+)\]$")


def at_every_layer(rows: dict[str, str], first: int, depth: int) -> dict[str, str]:
    """The chain's rows with a letter it named layer by layer at the same distance from the
    network's numbering (`V^{(1)}` = weight[1], `V^{(2)}` = weight[2], the input numbered
    `first`; or by the layers' names, `U^{(h)}`, `U^{(out)}` of `depth` layers) as one row for
    every layer, `V^{(l)}` = weight[l+1]: formulas written for a layer variable
    (`\\frac{\\partial E}{\\partial V^{(l)}}`) name them too."""
    named = {"hidden": 1 + first, "last": depth + first, "input": first}
    found: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for key, meaning in rows.items():
        row, layer = _NUMBERED_ROW.match(key), _LAYER_MEANING.match(meaning)
        written = row and (int(row["written"]) if row["written"].isdigit() else
                           named.get(LAYER_NAMES.get(row["written"], "")))
        if row and layer and written is not None:
            offset = int(layer["layer"]) - (written - first)
            found.setdefault((row["base"], layer["kind"]), []).append((key, offset))
    collapsed = dict(rows)
    for (base, kind), keys in found.items():
        offsets = {offset for _, offset in keys}
        if len(keys) < 2 or len(offsets) != 1:
            continue
        for key, _ in keys:
            del collapsed[key]
        offset = offsets.pop()
        collapsed[f"{base}^{{(l)}}"] = f"{kind}[l{offset:+d}]" if offset else f"{kind}[l]"
    return collapsed


# `y_j(n)`, `w_{ji}(n+1)`, `\mathcal{E}(n)`: a name's value at a step of training, the
# step's letter its argument
_AT_STEP = re.compile(r"(\\?[A-Za-z]+(?:\{[^{}]*\})?)"
                      r"(?:\s*[_^]\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))*'*\s*"
                      r"\(\s*([a-z])\s*(?:[+-]\s*1\s*)?\)")


def iteration_letter(formulas: list[str]) -> str | None:
    """The letter written only as the argument of names, after three names or more (`v_j(n)`,
    `y_j(n)`, `e_j(n)`): the step of training the values are at (Haykin's n). A letter a
    formula uses otherwise (`\\sigma(z) = \\frac{1}{1+e^{-z}}`) is a function's variable."""
    text = " ".join(formulas)
    found = _AT_STEP.findall(text)
    names: dict[str, set[str]] = {}
    for name, letter in found:
        names.setdefault(letter, set()).add(name)
    for letter, called in sorted(names.items(), key=lambda item: -len(item[1])):
        alone = len(re.findall(r"(?<![A-Za-z\\])" + letter + r"(?![A-Za-z])", text))
        steps = sum(1 for _, step in found if step == letter)
        if len(called) >= 3 and alone == steps:
            return letter
    return None


# `W^{(l)} := W^{(l)} - \eta \Delta^{(l)}`: an update that steps by a rate times an increment
# with a layer mark, the letter it updates
_STEP_BY_INCREMENT = re.compile(r"^\s*(\\?[A-Za-z]+)\s*\^[^=]*(?::=|=|\\leftarrow)[^=]*"
                                r"\\(?:eta|alpha)\s*\\Delta\s*\^")
_ACCUMULATES = re.compile(r"\\Delta\s*\^[^=]*:?=\s*\\Delta")


def increments_as_gradients(formulas: list[str], notation: dict) -> dict[str, str]:
    """`\\Delta^{(h)} = (A^{(in)})^T \\delta^{(h)}` and `W^{(l)} := W^{(l)} - \\eta
    \\Delta^{(l)}`: where the update multiplies the increment by the rate, the increment is the
    weights' gradient (declared as their adjoint, numbered as they are), not the step; an
    increment accumulated over the samples (`\\Delta^{(l)} := \\Delta^{(l)} + ...`) is read by
    the check itself."""
    if any(_ACCUMULATES.search(formula) for formula in formulas):
        return {}
    updated = {found.group(1) for found in map(_STEP_BY_INCREMENT.search, formulas) if found}
    weights = [meaning for key, meaning in notation.items()
               if re.split(r"[\^_]", key)[0] in updated and meaning.startswith("weight[")]
    if not updated or len(set(weights)) > 1:
        return {}
    return {r"\Delta^{(l)}": f"adjoint({weights[0] if weights else 'weight[l]'})"}


# the Greek letters a document may name its step size with
_GREEK = ("alpha", "beta", "gamma", "epsilon", "varepsilon", "eta", "kappa", "lambda", "mu",
          "nu", "rho", "tau", "omega")
# `W \leftarrow W - \gamma ...`, `\pmb{v_{jk}} = v_{jk} - \gamma \varepsilon_k H_j`: a
# quantity set to itself less a Greek letter's multiple
_STEP = re.compile(r"(?:^|\\quad|&)\s*(?:\\(?:pmb|mathbf|boldsymbol|bm)\s*\{\s*)?"
                   r"(?P<name>\\?[A-Za-z]+(?:\s*_\s*\{[^{}=]*\}|\s*_\s*[A-Za-z0-9])?)\s*\}?\s*"
                   r"(?::=|=|\\leftarrow|\\gets)\s*(?P=name)\s*[-+]\s*\\(?P<rate>"
                   + "|".join(_GREEK) + r")(?![A-Za-z])")


def step_sizes(formulas: list[str], notation: dict, network: dict) -> dict[str, str]:
    """A Greek letter that multiplies an update's step (`\\gamma` of `w_{ij} = w_{ij} - \\gamma
    \\delta_j x_i`): the learning rate, when the conventions give it no meaning or one the
    network has no use for (`\\lambda`, a penalty's coefficient, in a network without one)."""
    rates = {f"\\{found.group('rate')}" for formula in formulas
             for found in _STEP.finditer(formula)}
    free = {None} if network.get("regularization") else {None, "regularization"}
    return {rate: "learning_rate" for rate in sorted(rates)
            if rate not in notation and SYMBOLS.get(rate) in free}


def entries_of_one_layer(features: Features, network: dict,
                          formulas: list[str]) -> dict[str, str]:
    """`dw_1 = x_1 dz` beside `z = w^T x + b`: in a network of one layer read from names without
    numbers, a number under a layered letter is an entry. The letter (and its `d` name) is
    declared the layer's, so that its subscript is read as one."""
    if not features.chain_unmarked or len(network["layers"]) != 1:
        return {}
    text = " ".join(formulas)
    rows = {}
    for letter in sorted(features.subscripted):
        for name in (letter, "d" + letter):
            meaning = SYMBOLS.get(f"{name}^{{(l)}}")
            if meaning and re.search(r"(?<![A-Za-z\\])" + name + r"\s*_", text):
                rows[name] = meaning.replace("[l]", "[1]")
    return rows


def read_difference(lhs, rhs, features: Features) -> bool:
    """`e^{(3)} = h^{(3)} - t`, `e^{(3)} = (h^{(3)} - t) \\odot \\phi'(s^{(3)})`, `e_j = d_j -
    y_j`: a letter with scripts set to a difference of two names (kept for
    `read_error_letters`); whether it defines entries of a name of the document's own."""
    lhs = unbraced(lhs)
    if not (isinstance(lhs, Tree) and lhs.data == "scripted"):
        return False
    if isinstance(rhs, Tree) and rhs.data == "binary" and str(rhs.children[1]) in (
            r"\odot", r"\circ", "*", r"\cdot"):
        rhs = unbraced(rhs.children[0])
    if isinstance(rhs, Tree) and rhs.data == "binary" and str(rhs.children[1]) == "-":
        left, right = (base_of(unbraced(side)) for side in (rhs.children[0], rhs.children[2]))
        key = f"{base_of(lhs)}^{layer_style(lhs)}" if layer_mark(lhs) else None
        features.differences.append((key, base_of(lhs), left, right))
        return key is None and base_of(lhs) not in SYMBOLS and base_of(lhs) not in LAYERED_KINDS
    return False


# `\partial E_d`, `\partial \mathcal{E}(n)`: the name a derivative's side differentiates
_PARTIAL_OF = re.compile(r"\s*\\partial\s*\{?\s*(\\?[A-Za-z]+(?:\{[^{}]*\})?)[\s\S]*")


def read_named_derivative(lhs, rhs, equation: str, features: Features) -> None:
    """`\\delta_j = -\\frac{\\partial E}{\\partial net_j}` (the delta rule's sign), and a letter
    of the document's own set to the loss's derivative, `\\mathbf{u}_2 = \\nabla_{\\mathbf{z}_2}
    \\mathcal{L}`: a name for the derivative by a node, or minus it (kept for
    `read_error_letters`)."""
    lhs = unbraced(lhs)
    negative = isinstance(rhs, Tree) and rhs.data == "unary" and str(rhs.children[0]) == "-"
    rhs = unbraced(rhs.children[1]) if negative else rhs
    if not (isinstance(lhs, Tree) and lhs.data in ("name", "command", "scripted", "styled")):
        return
    by = _derivative_by(rhs, equation)
    if by is not None and (by[0] in LOSS_LETTERS or features.own_symbols.get(by[0]) == "loss"):
        features.defined_adjoints.append((source_of(lhs, equation), by[1], negative))
    if not negative and (base_of(lhs) in SYMBOLS or base_of(lhs) in LAYERED_KINDS):
        return
    derivative = _derivative_of_the_loss(rhs, equation)
    if derivative is None:
        return
    loss, node = derivative
    if loss in LOSS_LETTERS or features.own_symbols.get(loss) == "loss":
        style = layer_style(lhs) if lhs.data == "scripted" and layer_mark(lhs) else "{(l)}"
        key = f"{base_of(lhs)}^{style}"
        if lhs.data == "scripted" and re.fullmatch(r"_\{?[0-9]\}?", "".join(
                source_of(lhs, equation).split())[len(source_of(lhs.children[0], equation)):]):
            key = f"{base_of(lhs)}_l"   # `\mathbf{u}_2`: the layer under the letter
        features.negated.append((key, node, negative))


def _derivative_by(rhs, equation: str) -> tuple[str, str] | None:
    """(loss, node), the node as written, of a derivative `\\frac{\\partial J}{\\partial
    \\bm{\\theta}}`: `\\bm{\\theta}`."""
    if not (isinstance(rhs, Tree) and rhs.data == "frac"):
        return None
    _, top, bottom = rhs.children
    numerator = _PARTIAL_OF.fullmatch(source_of(top, equation))
    node = re.fullmatch(r"\s*\\partial\s*(\S[\s\S]*?)\s*", source_of(bottom, equation))
    return (numerator.group(1), node.group(1)) if numerator and node else None


def read_defined_adjoints(features: Features) -> None:
    """`\\bm{\\delta}_1 = \\frac{\\partial J}{\\partial \\bm{\\theta}}` with θ the document's
    pre-activation of layer 2: the name is that node's adjoint, whatever its own mark says (the
    document numbers its error terms from the output down, or by its own count). Only a node
    of one numbered layer the document's own rows name; the conventions read the rest."""
    rows = {"".join(key.split()): meaning for key, meaning in features.own_symbols.items()}
    for name, node, negative in features.defined_adjoints:
        meaning = rows.get("".join(node.split()), "")
        if name in features.own_symbols or not re.fullmatch(
                r"(?:pre)?activation\[(?:[0-9]+|last)\]", meaning):
            continue
        features.own_symbols[name] = f"{'-' if negative else ''}adjoint({meaning})"
        features.error_keys.add(name)


def _derivative_of_the_loss(rhs, equation: str) -> tuple[str, str] | None:
    """(loss, node) of `\\frac{\\partial E}{\\partial net_j}` or `\\nabla_{\\mathbf{z}_2}
    \\mathcal{L}` (the node by its letter: `net`, `z`)."""
    if isinstance(rhs, Tree) and rhs.data == "frac":
        by = _derivative_by(rhs, equation)
        letter = by and _PARTIAL_OF.fullmatch(r"\partial " + by[1])
        return (by[0], letter.group(1)) if letter else None
    if isinstance(rhs, Tree) and rhs.data == "derivative_operator" and len(rhs.children) == 3:
        _, subscript, operand = rhs.children
        node = subscript.children[0] if subscript.children else None
        if isinstance(node, Tree) and node.data == "script_list" and len(node.children) == 1:
            node = node.children[0]
        return base_of(unbraced(operand)), base_of(unbraced(node))
    return None


def read_error_letters(features: Features) -> None:
    """A letter of the document's own set to the output minus the target at a layer (`e^{(3)}
    = h^{(3)} - t`) names the error terms, the loss's derivatives by the pre-activations,
    as the conventions' \\delta does."""
    kinds = {**{letter: f"{kind}[l]" for letter, kind in LAYERED_KINDS.items()},
             **{re.split(r"[\^_]", key)[0]: meaning for key, meaning in
                {**SYMBOLS, **features.own_symbols}.items()}}
    for _, _, left, right in features.differences:
        # `e_j = d_j - y_j` with y the activation: d, which nothing names, is the target
        known = [kinds.get(name, "").split("[")[0] in ("activation", "output")
                 for name in (left, right)]
        unnamed = [name for name in (left, right) if name not in kinds]
        if any(known) and len(unnamed) == 1:
            features.own_symbols.setdefault(unnamed[0], "target")
    targets = {name for name, meaning in {**SYMBOLS, **features.own_symbols}.items()
               if meaning == "target"}
    for key, letter, left, right in features.differences:
        if right in targets and left not in targets and letter not in LAYERED_KINDS and \
                letter not in SYMBOLS and key not in features.own_symbols and key:
            features.own_symbols[key] = "adjoint(preactivation[l])"
            features.error_keys.add(key)
    # the delta rule's error term, minus the gradient by a pre-activation or an activation
    kinds.update({re.split(r"[\^_]", key)[0]: meaning
                  for key, meaning in features.own_symbols.items()})
    for key, node, negative in features.negated:
        meaning = kinds.get(node, "")
        if meaning.split("[")[0] in ("preactivation", "activation"):
            features.own_symbols[key] = f"{'-' if negative else ''}adjoint({meaning})"
            features.error_keys.add(key)


# letters and words documents name a target with (the conventions' own is y)
_TARGET_LETTERS = {"t", "T", "target", "desired"}


def compared(tree) -> list[str]:
    """`\\|z - t\\|^2`, `(o_k - t_k)^2`: the loss compares two names the conventions do not
    know, or one they know and one they do not; the first is what the network outputs, the
    second its target (how losses are written: prediction minus target). One of them may be
    the conventions' target (`y`): a document that computes it (`y = W_2 z`, beside
    `\\|y - t\\|^2`) names its output so."""
    for node in tree.iter_subtrees_topdown():
        arguments = [unbraced(child) for child in node.children[1:]
                     if isinstance(child, Tree)] if node.data == "call" else []
        if node.data == "binary" and str(node.children[1]) == "-" or len(arguments) == 2:
            sides = arguments or [unbraced(node.children[0]), unbraced(node.children[2])]
            names = [name_of(side.children[0] if side.data == "scripted" else side)
                     for side in sides if isinstance(side, Tree) and
                     side.data in ("name", "scripted", "styled")]
            known = [covered(side) and SYMBOLS.get(name) != "target"
                     for side, name in zip(sides, names)]
            # (`\|\mathbf{o} - \mathbf{t}\|`: one may be a name the conventions know, o,
            # beside one they know nothing of)
            unknown = [name for name, known_name in zip(names, known) if not known_name]
            if len(names) == 2 and None not in names and unknown and \
                    (len(unknown) == 2 or unknown[0] not in SYMBOLS) and \
                    not all(map(covered, sides)):
                # (`(T - L_k)^2`, `(t_j - o_j)`: a target's letter first, target minus output)
                return names[::-1] if names[0] in _TARGET_LETTERS and \
                    names[1] not in _TARGET_LETTERS else names
            return []
    return []


def cross_entropy_target(tree) -> str | None:
    """`t_c \\log p_c + ...`: the one name a cross entropy multiplies its logs by, the target;
    None when there is no such name (or several)."""
    found = set()
    for node in tree.iter_subtrees_topdown():
        if node.data != "juxtaposition":
            continue
        factors = factors_of(node)
        for factor, following in zip(factors, factors[1:]):
            if name_of(following) in (r"\log", r"\ln") and isinstance(factor, Tree) and \
                    factor.data in ("name", "scripted"):
                found.add(base_of(factor))
    return found.pop() if len(found) == 1 else None


def read_layered_output(features: Features) -> None:
    """`E = \\frac{1}{2} \\sum_j (o_j^m - y_j)^2` where `o^k` is every layer's activation: the
    loss compares the last layer's, so m, no layer variable, is the number of layers."""
    for name in features.compared:
        if not any(features.own_symbols.get(f"{name}^{style}") == "activation[l]"
                   for style in ("l", "{(l)}")):
            continue
        if features.own_symbols.get(name) == "output":
            del features.own_symbols[name]
        marked = re.compile(r"(?<![A-Za-z\\])" + re.escape(name) + r"\s*(?:_\s*(?:\{[^{}]*\}|"
                            r"[A-Za-z0-9]))?\s*\^\s*\{?\s*\(?\s*([A-Za-z])\b")
        for text in features.loss_texts.values():
            found = marked.search(text)
            if found and found.group(1) not in features.layer_letters | {"T"}:
                features.depth_letter = features.depth_letter or found.group(1)
