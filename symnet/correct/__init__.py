"""The corrected line: for a wrong claim (or an approximation), the formula that holds, as close
to what the document wrote as symnet can find.

The diagnosis says where to look (a sign, a factor, a transpose, an index or a layer mark); the
edits of `edits` propose the smallest changes of the written LaTeX that could explain it, and
each one is judged by symnet, with what the earlier claims established, before it is kept. A
chain with several wrong links is put right link by link. No edit that holds, no correction:
a correction is never shown unchecked.
"""

from __future__ import annotations

import itertools
import re
from functools import partial
from dataclasses import dataclass

from ..conventions import ascii_latex
from ..grammar import ClaimSyntaxError
from ..notation import NODE_KINDS, Notation
from ..size_sets import Networks
from ..verdict import DocumentState, LinkResult, Verdict, chain_of, judge
from .counterpart import Derived
from .edits import Site, Style, candidates, span
from .left_sides import Counterpart, LeftSide, lines, why_none

__all__ = ["Correction", "Counterpart", "Style", "correct", "counterpart",
           "diagnosed_by_correction"]

MAX_TRIES = 24     # candidate edits judged per wrong link
MAX_LINKS = 3      # wrong links put right in one claim
PAIRED = 4         # first and second edits tried together when no single edit holds


@dataclass(frozen=True)
class Correction:
    latex: str       # the whole claim, corrected
    edit: str        # what was changed, in words ("the sign of the right side; ...")
    finding: tuple[str, str] | None = None   # (diagnosis, message) the one edit made says


def diagnosed_by_correction(verdict: Verdict) -> None:
    """A claim wrong in a way the verdict could not name (`other`) that one edit puts right
    takes the diagnosis that edit says (`p_k + \\mathbb{1}(y = k)`: the sign of one term)."""
    correction = verdict.correction
    wrong = [result for result in verdict.links if result.verdict == "wrong"]
    if correction is None or correction.finding is None or verdict.diagnosis != "other" or \
            len(wrong) != 1:
        return
    verdict.diagnosis, finding = correction.finding
    verdict.message = verdict.message.replace("the two sides differ", finding, 1) \
        if "the two sides differ" in verdict.message else f"{finding}; {verdict.message}"


def correct(verdict: Verdict, notation: Notation, networks: Networks, state: DocumentState,
            style: Style, claims: tuple[str, ...] = ()) -> Correction | None:
    """The corrected claim, or None when no small edit makes it hold. `state` is what the
    claims before this one established (it is not changed)."""
    if verdict.verdict not in ("wrong", "approximation") or not verdict.links:
        return None
    if not any(_needs_fix(result) for result in verdict.links):
        # it holds only under an earlier claim's approximation: the exact line is symnet's
        return _derived(verdict, notation, networks, state, style, claims, exact=True)
    tries = [partial(_edited, verdict, notation, networks, state, style),
             partial(_derived, verdict, notation, networks, state, style, claims),
             partial(_whole_line, verdict, notation, networks, state, style, claims)]
    if next(result for result in verdict.links if _needs_fix(result)).verdict == \
            "approximation":
        # a term the document dropped on purpose (`\approx`) is not put back by a small edit
        # of what it kept: the exact line is tried first
        tries[:2] = tries[1::-1]
    return next(filter(None, (attempt() for attempt in tries)), None)


def _edited(verdict: Verdict, notation: Notation, networks: Networks, state: DocumentState,
            style: Style) -> Correction | None:
    """The claim put right by small edits, link by link."""
    latex, current, done = ascii_latex(verdict.latex), verdict, []
    for _ in range(MAX_LINKS):
        found = _first_to_fix(latex, current)
        if found is None:
            return None
        link, number = found
        result = current.links[number]
        site = _site(link, latex, result, style, networks, notation)
        tried = []
        for edit in itertools.islice(candidates(site, result.diagnosis), MAX_TRIES):
            edited = edit.apply(latex)
            quick = judge(verdict.id, edited, notation, networks, _asking(state))
            if _accepted(quick):
                return Correction(edited, "; ".join(done + [edit.what]),
                                  None if done else edit.finding)
            if _improves(quick, current, number):
                latex, current = edited, quick
                done.append(edit.what)
                break
            tried.append((edit, quick))
        else:
            pair = _two_edits(verdict.id, latex, number, _halfway(tried, result, number),
                              notation, networks, state, style)
            return None if pair is None else Correction(pair[0], "; ".join([*done, *pair[1:]]))
    return None


def _halfway(tried: list, result: LinkResult, number: int) -> list:
    """The single edits worth a second one: for a link that did not fit (`shape`), those after
    which it fits and is only wrong in value; else the likeliest ones."""
    if result.diagnosis != "shape":
        return [edit for edit, _ in tried[:PAIRED]]
    return [edit for edit, quick in tried
            if len(quick.links) > number and quick.links[number].verdict == "wrong"
            and quick.links[number].diagnosis != "shape"][:PAIRED]


def _two_edits(claim_id: str, latex: str, number: int, firsts: list, notation: Notation,
               networks: Networks, state: DocumentState, style: Style):
    """(corrected claim, what, what): two edits in one link (`W^T \\delta \\cdot g(Z)` for
    `W^T \\delta \\odot g'(Z)`); the second is one the once-edited link's own diagnosis
    points to."""
    for first in firsts:
        edited = first.apply(latex)
        try:
            link = chain_of(edited)[number]
        except (ClaimSyntaxError, IndexError):
            continue
        diagnosed = judge(claim_id, edited, notation, networks, state.copy())
        if len(diagnosed.links) <= number or diagnosed.links[number].verdict != "wrong":
            continue
        result = diagnosed.links[number]
        site = _site(link, edited, result, style, networks, notation)
        for second in itertools.islice(candidates(site, result.diagnosis), PAIRED):
            twice = second.apply(edited)
            if _accepted(judge(claim_id, twice, notation, networks, _asking(state))):
                return twice, first.what, second.what
    return None


def _derived(verdict: Verdict, notation: Notation, networks: Networks, state: DocumentState,
             style: Style, claims, exact: bool = False) -> Correction | None:
    """No small edit explains the difference: the first wrong link's right side replaced by
    symnet's own derivation of its left side, in the document's notation. `exact`: the first
    link that does not hold exactly, and the result must hold without the document's
    approximations."""
    latex = ascii_latex(verdict.latex)
    found = _first_to_fix(latex, verdict, exact)
    if found is None:
        return None
    link, number = found
    if link.relation == r"\in":   # a space is put right by its sizes, not by a value
        return None
    derived = _counterpart_of(link, latex, notation, networks, state, style, claims)
    if derived is None and number and all(result.verdict == "holds"
                                          for result in verdict.links[:number]):
        # in a chain `a = b \approx c` whose first links hold, c should be what a is
        derived = _counterpart_of(chain_of(latex)[0], latex, notation, networks, state,
                                  style, claims)
    if derived is None:
        return None
    rhs = derived.rhs_entry if derived.entries else derived.rhs
    if rhs is None:   # the claim's index form, and no index form of symnet's line
        return None
    start, end = span(link.rhs, latex)
    _, lhs_end = span(link.lhs, latex)
    # what holds is stated as an equality, whatever relation the claim wrote
    relation = latex[lhs_end:start].replace(r"\approx", "=").replace(r"\simeq", "=")
    edited = latex[:lhs_end] + relation + rhs
    what = "the exact right side, as symnet derives it" if exact else \
        "the right side as symnet derives it"
    if _accepted(judge(verdict.id, edited + latex[end:], notation, networks, _asking(state)),
                 exact):
        return Correction(edited + latex[end:], what)
    # the links after it restate the document's approximation: the exact line ends here
    if end < len(latex.rstrip()) and _accepted(
            judge(verdict.id, edited, notation, networks, _asking(state)), exact=True):
        return Correction(edited, what + "; the later links, which hold only under the "
                                         "approximation, left out")
    return None


def counterpart(claim_id: str, latex: str, notation: Notation, networks: Networks,
                state: DocumentState, style: Style, claims=()) -> Counterpart:
    """`lhs = ...`: symnet's own line for the claim's (first) left side in the document's
    notation (entry by entry when the claim gives entries), confirmed by judging it; else
    why there is none."""
    latex = ascii_latex(latex)
    try:
        chain = chain_of(latex)
    except ClaimSyntaxError:
        return Counterpart(None, "the claim does not read")
    if not chain:
        return Counterpart(None, "the claim states no relation")
    side = LeftSide(chain[0], latex, notation, networks, state, style, tuple(claims))
    return _confirmed(claim_id, side)


def _confirmed(claim_id: str, side: LeftSide) -> Counterpart:
    """The first of symnet's lines for the left side that holds when judged."""
    proposed = set()
    for stated in itertools.islice(lines(side), MAX_TRIES):
        if stated in proposed:
            continue
        proposed.add(stated)
        if _accepted(judge(claim_id, stated, side.notation, side.networks,
                           _asking(side.state))):
            return Counterpart(stated)
    return Counterpart(None, "symnet's own line for it did not hold when checked" if proposed
                       else why_none(side))


def _whole_line(verdict: Verdict, notation: Notation, networks: Networks,
                state: DocumentState, style: Style, claims) -> Correction | None:
    """A one-link claim that neither an edit nor its quantity's step puts right (a derivative
    of one node by another, a function's definition): symnet's own line for its left side."""
    latex = ascii_latex(verdict.latex)
    chain = chain_of(latex)
    if len(chain) != 1:
        return None
    side = LeftSide(chain[0], latex, notation, networks, state, style, tuple(claims))
    found = _confirmed(verdict.id, side)
    return found.latex and Correction(found.latex, "the right side as symnet derives it")


def _counterpart_of(link, latex, notation, networks, state, style, claims) -> Derived | None:
    side = LeftSide(link, latex, notation, networks, state, style, tuple(claims))
    return side.derived(link.lhs, entries=True)


def _first_to_fix(latex: str, verdict: Verdict, exact: bool = False):
    """(link, its number): the first link of the claim that is wrong (or an approximation of
    its own; with `exact`, any link that does not hold), read from `latex`; None when there is
    none or the text no longer reads."""
    try:
        chain = chain_of(latex)
    except ClaimSyntaxError:
        return None
    if len(chain) != len(verdict.links):
        return None
    number = next((n for n, result in enumerate(verdict.links)
                   if (result.verdict != "holds" if exact else _needs_fix(result))), None)
    return None if number is None else (chain[number], number)


def _asking(state: DocumentState) -> DocumentState:
    quick = state.copy()
    quick.diagnose = False
    return quick


def _needs_fix(result: LinkResult) -> bool:
    return result.verdict == "wrong" or (result.verdict == "approximation"
                                         and not result.depends_on)


def _accepted(verdict: Verdict, exact: bool = False) -> bool:
    """Every link holds (or, unless `exact`, holds under an earlier claim's approximation)."""
    if exact:
        return bool(verdict.links) and all(result.verdict == "holds"
                                           for result in verdict.links)
    return bool(verdict.links) and not any(_needs_fix(result) or result.verdict == "unchecked"
                                           for result in verdict.links)


def _improves(edited: Verdict, before: Verdict, number: int) -> bool:
    """The edit puts link `number` right without breaking a link that held."""
    if len(edited.links) != len(before.links) or _needs_fix(edited.links[number]) or \
            edited.links[number].verdict == "unchecked":
        return False
    return all(not (_needs_fix(new) or new.verdict == "unchecked")
               for new, old in zip(edited.links, before.links) if old.verdict == "holds")


def _site(link, latex: str, result: LinkResult, style: Style, networks: Networks,
          notation: Notation) -> Site:
    """Where the edits of a wrong link look, and what its diagnosis found (scale, column)."""
    return Site(link, latex, style, result.scale, tuple(networks.spec.sizes),
                _column(result.message), _layered(notation))


def _layered(notation: Notation) -> frozenset:
    return frozenset(entry.base for entry in notation.entries
                     if entry.meaning.kind in NODE_KINDS and not entry.composite)


def _column(message: str) -> int | None:
    found = re.search(r"column (\d+)", message)
    return int(found.group(1)) if found else None
