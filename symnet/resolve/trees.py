"""Small questions about claim syntax trees (where a node is, what name it writes, the factors
of a product): shared by every part of the resolver."""

from __future__ import annotations

import re

from lark import Token, Tree

from ..conventions import LAYER_NAMES
from ..grammar import source_of


def is_one(tree) -> bool:
    return isinstance(tree, Tree) and tree.data == "number" and str(tree.children[0]) == "1"


def is_coefficient(tree) -> bool:
    """A number written as one (`2`, `\\frac{1}{m}`, `\\frac12`)."""
    return isinstance(tree, Tree) and tree.data in ("number", "frac_pair", "frac_first") or \
        isinstance(tree, Tree) and tree.data == "frac" and all(
            _numbers_and_letters(part) for part in tree.children[1:3])


def _numbers_and_letters(tree) -> bool:
    """`2`, `m`, `2m`: what a written coefficient's numerator and denominator are made of."""
    return isinstance(tree, Tree) and (tree.data in ("number", "name") or (
        tree.data == "juxtaposition" and all(map(_numbers_and_letters, tree.children))))


def starts_with_partial(tree) -> bool:
    while isinstance(tree, Tree) and tree.data in ("juxtaposition", "call"):
        tree = tree.children[0]
    return isinstance(tree, Tree) and tree.data == "partial"


def after_partial(tree):
    """`\\partial X` -> X (the product after the leading \\partial)."""
    if isinstance(tree, Tree) and tree.data == "call" and \
            isinstance(tree.children[0], Tree) and tree.children[0].data == "partial":
        arguments = [child for child in tree.children[1:] if not isinstance(child, Token)]
        return arguments[0] if len(arguments) == 1 else None
    if isinstance(tree, Tree) and tree.data == "juxtaposition":
        left, right = tree.children
        if isinstance(left, Tree) and left.data == "partial":
            return right
        rest = after_partial(left)
        return Tree("juxtaposition", [rest, right], tree.meta) if rest is not None else None
    return None


def column_of(tree) -> int | None:
    if isinstance(tree, Token):
        return tree.column
    meta = getattr(tree, "meta", None)
    return None if meta is None or getattr(meta, "empty", True) else meta.column


def start_of(tree) -> int | None:
    """Where a subtree starts in the claim's text (an offset, across lines)."""
    return tree.start_pos if isinstance(tree, Token) else \
        getattr(getattr(tree, "meta", None), "start_pos", None)


def end_of(tree) -> int | None:
    return tree.end_pos if isinstance(tree, Token) else \
        getattr(getattr(tree, "meta", None), "end_pos", None)


def factors_of(tree) -> list:
    """The factors of a product of juxtaposed factors, left to right."""
    if isinstance(tree, Tree) and tree.data == "juxtaposition":
        return [factor for child in tree.children for factor in factors_of(child)]
    return [tree]


def product_of(factors: list):
    product = factors[0]
    for factor in factors[1:]:
        product = Tree("juxtaposition", [product, factor])
    return product


def letter_of(tree) -> tuple[str | None, Tree | None]:
    """A one-letter name (`d`), or a one-letter name with scripts (`Z^{[2]}`) and its scripts."""
    if isinstance(tree, Tree) and tree.data == "name" and len(str(tree.children[0])) == 1 \
            and str(tree.children[0]).isalpha():
        return str(tree.children[0]), None
    if isinstance(tree, Tree) and tree.data == "scripted":
        letter, inner = letter_of(tree.children[0])
        if letter is not None and inner is None:
            return letter, tree.children[1]
    return None, None


def is_group(tree) -> bool:
    return isinstance(tree, Tree) and tree.data == "group"


def name_of(tree) -> str | None:
    """The written name of a symbol-like subtree (`W`, `\\sigma`, `\\overline{z}`, `Loss`)."""
    if isinstance(tree, Token):
        return str(tree)
    if tree.data == "script_list" and len(tree.children) == 1:
        return name_of(tree.children[0])
    if tree.data in ("name", "command", "script_atom"):
        return str(tree.children[0])
    if tree.data == "word":   # \text{Loss} -> Loss
        token = str(tree.children[0])
        return token[token.index("{") + 1:-1].strip()
    if tree.data == "styled":
        inner = tree.children[1]
        style = str(tree.children[0])
        name = name_of(inner)
        if name is None:
            return None
        # (a calligraphic or blackboard letter is a symbol of its own; bold or sans serif not)
        return rf"{style}{{{name}}}" if style in (r"\mathcal", r"\mathbb", r"\mathscr") \
            else name
    if tree.data == "accent":
        name = name_of(tree.children[1])
        return None if name is None else rf"{tree.children[0]}{{{name}}}"
    return None



def label_of(tree) -> str | None:
    """A layer's name as written in a script: `o`, `out` (three letters to the grammar),
    `\\text{out}`; None for anything else."""
    if isinstance(tree, Tree) and tree.data == "script_list" and len(tree.children) == 1:
        return label_of(tree.children[0])
    if isinstance(tree, Tree) and tree.data == "group" and len(tree.children) == 1:
        return label_of(tree.children[0])
    if isinstance(tree, Tree) and tree.data == "juxtaposition":
        letters = [label_of(child) for child in factors_of(tree)]
        return None if None in letters else "".join(letters)
    name = name_of(tree)
    return name if name is not None and name.isalpha() else None


# a subscript that labels a name rather than numbering its entries: letters with a number
# (`o1`, `h2`), a word (`total`), or a styled word (`\text{MLE}`)
_LABEL = re.compile(r"[A-Za-z]+[0-9]+|[A-Za-z]{4,}|\\(?:text|mathrm|rm|operatorname)\s*\{[^{}]+\}")


def _with_subscript(tree, latex: str) -> tuple[str, str] | None:
    """(name, subscript as written, without spaces or outer braces) of a name whose only
    script is a subscript; None for anything else."""
    if not (isinstance(tree, Tree) and tree.data == "scripted"):
        return None
    scripts = tree.children[1].children
    name = name_of(tree.children[0])
    if len(scripts) != 1 or scripts[0].data != "sub" or name is None:
        return None
    written = re.sub(r"\s+", "", source_of(scripts[0].children[0], latex))
    if written.startswith("{") and written.endswith("}"):
        written = written[1:-1]
    return name, written


def labelled_name(tree, latex: str) -> str | None:
    """`E_{o1}`, `E_{total}`, `J_{\\text{MLE}}`: a name with a label for its only script, as
    written (`E_o1`); None for anything else (`W_{ij}`, `z_1` number entries)."""
    found = _with_subscript(tree, latex)
    if found is None:
        return None
    name, written = found
    word = re.sub(r"^\\[A-Za-z]+\{|\}$", "", written)
    if word in LAYER_NAMES:   # `z_{\text{out}}`, `W_{hidden}`: a layer's name, not a label
        return None
    return f"{name}_{written}" if _LABEL.fullmatch(written) else None


def numbered_name(tree, latex: str) -> str | None:
    """`G_2`, `\\mathbf{G}_1`: a name with a number for its only script, as `G_2` (whether that
    names a layer, an entry or a letter of the document's own, the notation says)."""
    found = _with_subscript(tree, latex)
    return f"{found[0]}_{found[1]}" if found is not None and found[1].isdigit() else None


def is_operator(tree) -> bool:
    """`\\partial` alone: the top of `\\frac{\\partial}{\\partial W}`."""
    return isinstance(tree, Tree) and tree.data == "partial"


def is_letter_d(tree) -> bool:
    return isinstance(tree, Tree) and tree.data in ("name", "word") and name_of(tree) == "d"


def starts_with_d(tree) -> bool:
    """`d L`, `dW`, `\\mathrm{d} w`: a total derivative's `d` and what it differentiates."""
    return is_letter_d(tree) or isinstance(tree, Tree) and tree.data == "juxtaposition" and \
        is_letter_d(factors_of(tree)[0])


def after_d(tree):
    """`d X` -> X."""
    factors = factors_of(tree)
    return None if len(factors) < 2 else product_of(factors[1:])


def lone_letter(script) -> str | None:
    """`q` of `^q`, `^{q}`, `^{(q)}`; None for anything else."""
    while isinstance(script, Tree) and (script.data == "script_list" and
                                        len(script.children) == 1 or
                                        script.data == "group" and len(script.children) == 1):
        script = script.children[0]
    if isinstance(script, Tree) and script.data in ("script_atom", "name") and \
            str(script.children[0]).isalpha() and len(str(script.children[0])) == 1:
        return str(script.children[0])
    return None


def written_tokens(trees) -> list[Token]:
    """Every token the trees are written with (letters, commands, numbers), in order."""
    return [token for tree in trees if isinstance(tree, Tree)
            for token in tree.scan_values(lambda v: isinstance(v, Token))]


def is_condition(arguments) -> bool:
    return len(arguments) == 1 and isinstance(arguments[0], Tree) and \
        arguments[0].data == "comparison"


def is_indicator(tree) -> bool:
    """`1`, `\\mathbb{1}`, `\\mathbf{1}`, `\\mathbb{I}`: an indicator, where a condition
    follows (`1(z > 0)`, `\\mathbb{1}\\{y = k\\}`)."""
    return is_one(tree) or isinstance(tree, Tree) and tree.data == "styled" and (
        styled_one(tree) or str(tree.children[0]) == r"\mathbb" and
        name_of(tree.children[1]) == "I")


def styled_one(tree) -> bool:
    """`\\mathbf{1}`, `\\boldsymbol{1}`: the ones vector."""
    inner = tree.children[1]
    return name_of(inner) == "1" or (isinstance(inner, Tree) and inner.data == "number"
                                     and str(inner.children[0]) == "1")


# what numbers-only sides may write besides numbers: Euler's e, and functions of numbers
_NUMBER_FUNCTIONS = {r"\exp", r"\log", r"\ln", r"\sqrt", "exp", "log", "ln", r"\tanh", "tanh"}


def numbers_only(tree) -> bool:
    """Whether a side writes numbers and operators only (`\\frac{1}{1+e^{-0.3775}}`)."""
    if not isinstance(tree, Tree):
        return False
    tokens = [token for token in tree.scan_values(lambda value: isinstance(value, Token))]
    return any(token.type == "NUMBER" for token in tokens) and all(
        token.type in ("NUMBER", "ADDOP", "MULOP", "FRAC", "FRAC_PAIR", "FRAC_FIRST") or
        token.type == "LETTER" and str(token) == "e" or
        token.type in ("COMMAND", "FUNCTION_WORD") and str(token) in _NUMBER_FUNCTIONS
        for token in tokens)
