"""A sample's loss (`L_i`, `C_x`, `E^{(n)}`) of a mean loss, read the way the document defines it:
`L = \\frac1m \\sum_i L_i` makes L_i each sample's own loss, `L = \\sum_i L_i` its term.

Both readings are common, so a loss letter taken from the conventions leaves them apart (such a
claim is unchecked). A claim that writes the loss alone on one side and a sum on the other, and
holds under exactly one of the readings, is the document's definition: the document is then read
with it throughout, as if its `[notation]` had declared the letter.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from lark import Tree

from .grammar import ClaimSyntaxError
from .notation import Entry, Notation, normalise
from .resolve.trees import name_of
from .size_sets import Networks
from .verdict import DocumentState, chain_of, judge

# the two readings, as the notation entry of a loss letter that declares them: the sample's
# own loss ('L_i' = "sample_loss"), and its term of the loss ('L' = "loss")
READINGS = (lambda entry: replace(entry, meaning=replace(entry.meaning, per_sample=True)),
            lambda entry: replace(entry, convention=False))


def defined_sample_losses(notation: Notation, claims: Sequence[str],
                          networks: Networks) -> Notation:
    """`notation` with its conventional loss letters read the way the first claim that
    decides it defines a sample's loss; `notation` itself when no claim decides."""
    undecided = [entry for entry in notation.entries if _undecided(entry)]
    if networks.spec.loss.reduction != "mean" or not undecided:
        return notation
    letters = {entry.base for entry in undecided}
    readings = [Notation(tuple(read(entry) if _undecided(entry) else entry
                               for entry in notation.entries), notation.subscript_layers)
                for read in READINGS]
    for number, latex in enumerate(claims):
        if not _relates_the_loss_to_a_sum(latex, letters):
            continue
        holding = [reading for reading in readings
                   if judge(str(number), latex, reading, networks,
                            DocumentState(diagnose=False)).verdict == "holds"]
        if len(holding) == 1:
            return holding[0]
    return notation


def _undecided(entry: Entry) -> bool:
    """A loss letter of the conventions table (`L`, `E`, `C`, `J`), which the document has
    not declared."""
    meaning = entry.meaning
    return entry.convention and meaning.kind == "loss" and not meaning.adjoint and \
        not meaning.per_sample and not entry.composite


def _relates_the_loss_to_a_sum(latex: str, letters: set[str]) -> bool:
    """Whether a link of the claim has a loss letter alone on one side and a sum on the
    other: the only claims that can define a sample's loss (and cheap to find)."""
    if "\\sum" not in latex:
        return False
    try:
        chain = chain_of(latex)
    except ClaimSyntaxError:
        return False
    return any(_is_letter(side, letters) and _has_sum(other)
               for link in chain for side, other in ((link.lhs, link.rhs), (link.rhs, link.lhs)))


def _is_letter(tree, letters: set[str]) -> bool:
    """A loss letter alone: `L`, `\\mathcal{L}` (no layer, entry or sample mark)."""
    return isinstance(tree, Tree) and tree.data in ("name", "command", "styled") and \
        normalise(name_of(tree) or "") in letters


def _has_sum(tree) -> bool:
    return isinstance(tree, Tree) and any(node.data in ("big_sum", "bare_sum")
                                          for node in tree.iter_subtrees())
