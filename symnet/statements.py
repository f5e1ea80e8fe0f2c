"""What the links of a claim state, before their sides are read: arrows between statements,
updates written with an arrow or as an increment `\\Delta W`, and gradients accumulated over
the samples. Each link comes out as a relation the verdict knows how to judge."""

from __future__ import annotations

from dataclasses import replace

from lark import Token, Tree

from .grammar import ARROWS, Relation
from .notation import Notation

UPDATE = {r"\leftarrow", r"\longleftarrow", r"\gets", "<-"}   # `<-`: pseudo-code's arrow
INCREMENT = r"\Delta"
# what a claim that accumulates `\Delta X` defines `\Delta` as, for the later claims (in their
# definitions): an operator, `\Delta X` X's gradient summed over the samples
ACCUMULATED = Tree("accumulated", [])


def accumulates(chain: list[Relation]) -> bool:
    """Whether a claim's links (after `increments`) accumulate a gradient over the samples."""
    return any(link.one_sample for link in chain)


def statements(chain: list[Relation]) -> list[Relation]:
    """The links an arrow leaves to check. Between two statements (`A = \\sigma(Z) \\rightarrow
    \\frac{\\partial A}{\\partial Z} = \\sigma'(Z)`) an arrow says one follows from the other:
    each statement is checked, the arrow is not. Alone, `w \\rightarrow w - \\eta \\nabla C` is
    an update; `w \\rightarrow w' = w - ...` names the new value w', an update of w."""
    chain, kept = list(chain), []
    for number, link in enumerate(chain):
        if link.relation not in ARROWS:
            kept.append(link)
            continue
        between = 0 < number < len(chain) - 1
        renamed = number + 1 < len(chain) and _is_primed_copy(link.rhs, link.lhs)
        if renamed:
            following = chain[number + 1]
            chain[number + 1] = Relation(r"\leftarrow", link.lhs, following.rhs)
        elif not between:
            kept.append(link)
    return kept


def increments(chain: list[Relation], notation: Notation) -> list[Relation]:
    """Links whose left side is an increment `\\Delta X`, as what they state (unless the
    document gives `\\Delta` a meaning of its own), and a primed name set to a step from the
    name (`w' = w - \\eta \\ldots`), an update:

    - `\\Delta W := \\Delta W + T`, inside a loop over the samples, accumulates the gradient:
      T is one sample's share of it, `\\overline{W} = T` for that sample;
    - `\\Delta W = -\\eta \\ldots`, with a learning rate, is the step of an update,
      `W \\leftarrow W - \\eta \\ldots`;
    - anything else could be either (`\\Delta W = \\delta a^T` may be the accumulated gradient
      or a step without its rate): a link that says so, left unchecked."""
    rates = set(notation.marker("learning_rate"))
    if any(INCREMENT in entry.key for entry in notation.entries if not entry.convention):
        return [_primed_update(link, rates) or link for link in chain]
    return [_increment(link, rates, notation) or _primed_update(link, rates) or link
            for link in chain]


def _primed_update(link: Relation, rates: set[str]) -> Relation | None:
    """`w' = w - \\eta \\frac{\\partial C}{\\partial w}`: the primed name is the new value of
    the name its right side starts from, with a learning rate in the step (`\\sigma' =
    \\sigma - \\sigma^2` has none: a derivative)."""
    rhs = link.rhs
    if link.relation not in {"=", ":="} or not (
            isinstance(rhs, Tree) and rhs.data == "binary" and str(rhs.children[1]) in "+-"):
        return None
    if _is_primed_copy(link.lhs, rhs.children[0]) and _mentions(rhs.children[2], rates):
        return Relation(r"\leftarrow", rhs.children[0], rhs)
    return None


def _increment(link: Relation, rates: set[str], notation: Notation) -> Relation | None:
    target = incremented(link.lhs, notation)
    if target is None or link.relation not in {"=", ":="} | UPDATE:
        return None
    rhs = link.rhs
    if isinstance(rhs, Tree) and rhs.data == "binary" and str(rhs.children[1]) == "+" and \
            _written(rhs.children[0]) == _written(link.lhs):
        adjoint = Tree("accent", [Token("ACCENT", r"\overline"), target], meta=link.lhs.meta)
        return Relation("=", adjoint, rhs.children[2], one_sample=True,
                        note="read as the gradient accumulated over the samples: the term "
                             "added is one sample's share of it")
    if _mentions(rhs, rates):
        step = Tree("binary", [target, Token("ADDOP", "+"), rhs], meta=rhs.meta)
        return Relation(r"\leftarrow", target, step, note="read as the step of an update")
    return replace(link, unreadable="an increment \\Delta without a learning rate: it may be "
                   "the step of an update (\\Delta W = -\\eta ...) or the gradient accumulated "
                   "over the samples; declare \\Delta in [notation] or write the rate")


def incremented(lhs, notation: Notation) -> Tree | None:
    """X in `\\Delta X`; and in `\\Delta^{(l)}`, `\\Delta^{(l)}_{ij}` (an increment with a layer
    and nothing after it), the weights of that layer, written with those scripts."""
    if isinstance(lhs, Tree) and lhs.data == "juxtaposition" and len(lhs.children) == 2:
        mark, target = lhs.children
        if _is_increment(mark):
            return target
    if isinstance(lhs, Tree) and lhs.data == "scripted" and _is_increment(lhs.children[0]) and \
            any(script.data == "sup" for script in lhs.children[1].children):
        mark = lhs.children[0].children[0]
        weight = _weight_base(notation)
        letter = Token.new_borrow_pos("COMMAND" if weight.startswith("\\") else "LETTER",
                                      weight, mark)
        name = Tree("command" if weight.startswith("\\") else "name", [letter], lhs.meta)
        return Tree("scripted", [name, lhs.children[1]], lhs.meta)
    return None


def _is_increment(tree) -> bool:
    return isinstance(tree, Tree) and tree.data == "command" and \
        str(tree.children[0]) == INCREMENT


def _weight_base(notation: Notation) -> str:
    """The letter the document writes a layer's weights with (`\\Theta^{(l)}`): its own
    notation's, else the conventions'."""
    weights = [entry for entry in notation.entries if entry.meaning.kind == "weight" and
               not entry.meaning.adjoint and entry.variable is not None]
    return min(weights, key=lambda entry: entry.convention).base if weights else "W"


def _mentions(tree, names: set[str]) -> bool:
    return isinstance(tree, Tree) and any(
        str(token) in names for token in tree.scan_values(lambda v: isinstance(v, Token)))


def _is_primed_copy(primed, tree) -> bool:
    """`w'`, `w_k'`, `W^{(2)\\prime}`: the symbol with a prime."""
    has_prime = isinstance(primed, Tree) and any(
        token.type == "PRIME" for token in primed.scan_values(lambda v: isinstance(v, Token)))
    return has_prime and _written(primed, drop_primes=True) == _written(tree, drop_primes=True)


def _written(tree, drop_primes: bool = False) -> str:
    """A tree without its positions (and primes), to compare two written symbols."""
    if isinstance(tree, Tree):
        data = tree.data
        children = [child for child in tree.children if not (
            drop_primes and isinstance(child, Token) and child.type == "PRIME")]
        if drop_primes and data in ("primed", "scripted_primed", "primed_scripted"):
            data = "scripted" if len(children) > 1 else None
        if drop_primes and (data is None or data == "script_list" and len(children) == 1):
            return _written(children[0], drop_primes)
        return f"{data}({','.join(_written(child, drop_primes) for child in children)})"
    return str(tree)
