"""`symnet check`: every claim of every document judged, as data, with text and JSON views.

A document is prepared in order first (its networks, and what the claims before each one
established: definitions and approximations); its claims are then judged, corrected and given
symnet's own line each on its own, in forked worker processes when there are several cores.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator

from .correct import Style, correct, counterpart, diagnosed_by_correction
from .loss_samples import defined_sample_losses
from .notation import Notation, notation_of
from .spec import Document
from .size_sets import Networks
from .verdict import DocumentState, Verdict, clear_caches, establish, judge
from .verdict.redefinitions import redefinition, respelled

SYMBOLS = {"holds": "ok", "approximation": "~", "wrong": "X", "unchecked": "?"}


@dataclass
class DocumentResult:
    file: str
    title: str
    source: str
    claims: list[Verdict] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(1 for claim in self.claims if claim.verdict == verdict)

    def to_json(self) -> dict:
        return {"file": self.file, "title": self.title, "source": self.source,
                "claims": [claim.to_json() for claim in self.claims]}


@dataclass
class PreparedDocument:
    """A document whose claims can be judged in any order: its networks, and the state (what
    earlier claims defined and approximated) before each claim."""

    document: Document
    notation: Notation
    networks: Networks
    style: Style
    claims: tuple[str, ...]          # every claim's LaTeX (corrections reuse the document's)
    before: list[DocumentState]
    counterparts: bool = False
    # each claim as judged: with the functions the document redefined before it respelled
    # (`\sigma` as the rectifier after `\sigma(z) = \max(0, z)`), and the redefinitions, by
    # claim number, with what they say
    renames: list[dict[str, str]] = field(default_factory=list)
    redefining: dict[int, str] = field(default_factory=dict)

    def text(self, number: int) -> str:
        """Claim `number` as it is judged (the functions redefined before it respelled)."""
        return respelled(self.document.claims[number].judged, self.renames[number])

    @classmethod
    def of(cls, document: Document, counterparts: bool = False) -> "PreparedDocument":
        networks = Networks(document.network)
        claims = tuple(claim.judged for claim in document.claims)
        notation = defined_sample_losses(notation_of(document), claims, networks)
        state, before, renamed, renames, redefining = DocumentState(), [], [], {}, {}
        for number, claim in enumerate(document.claims):
            before.append(state.copy())
            renamed.append(renames)
            text = respelled(claim.judged, renames)
            found = redefinition(claim.judged, renames, lambda candidate: judge(
                claim.id, candidate, notation, networks,
                replace(state.copy(), diagnose=False)).verdict == "holds")
            if found is not None:
                name, spelling, words = found
                renames = {key: value for key, value in renames.items() if key != name}
                renames.update({name: spelling} if spelling else {})
                redefining[number] = (f"defines ${name}$ as {words}, which symnet reads it as "
                                      "in the claims after this one (until it is defined again)")
            establish(claim.id, text, notation, networks, state)
        return cls(document, notation, networks, Style.of(claims), claims, before, counterparts,
                   renamed, redefining)

    def verdict(self, number: int) -> Verdict:
        """Claim `number` judged, with its correction when it is wrong (and, with
        `counterparts`, symnet's own line for its left side, for the report)."""
        claim, before = self.document.claims[number], self.before[number]
        if number in self.redefining:
            return Verdict(claim.id, claim.judged, "unchecked",
                           message=self.redefining[number])
        renames, text = self.renames[number], self.text(number)
        verdict = judge(claim.id, text, self.notation, self.networks, before.copy())
        verdict.correction = _safely(correct, verdict, self.notation, self.networks, before,
                                     self.style, self.claims)
        diagnosed_by_correction(verdict)
        if text != claim.judged:
            verdict = _as_written(verdict, claim.judged, renames)   # (shown as written)
        if self.counterparts and verdict.verdict != "unchecked":
            found = _safely(counterpart, claim.id, claim.judged, self.notation, self.networks,
                            before, self.style, self.claims)
            verdict.counterpart = found and found.latex
            verdict.no_counterpart = "" if found is None else found.reason
        return verdict


def _as_written(verdict: Verdict, written: str, renames: dict[str, str]) -> Verdict:
    """A verdict on the claim with a redefined function respelled, shown with the claim as
    the document writes it (a correction put back in its spelling too)."""
    verdict.latex = written
    if verdict.correction is not None:
        verdict.correction = replace(verdict.correction, latex=respelled(
            verdict.correction.latex, {new: old for old, new in renames.items()}))
    said = ", ".join(f"${old}$ as ${new}$" for old, new in renames.items())
    verdict.message = (verdict.message + "; " if verdict.message else "") + \
        f"read with {said}, as an earlier claim defines it"
    return verdict


def check_document(document: Document, counterparts: bool = False,
                   workers: int = 1) -> DocumentResult:
    """Every claim judged, with its correction when it is wrong; with `counterparts`, also
    symnet's own line for each claim's left side (for the report)."""
    return check_documents([document], counterparts, workers)[0]


def check_documents(documents: list[Document], counterparts: bool = False, workers: int = 1,
                    progress: Callable[[int, int], None] | None = None
                    ) -> list[DocumentResult]:
    """Every claim of every document, on `workers` processes; `progress(done, total)` after
    each claim."""
    prepared = [PreparedDocument.of(document, counterparts) for document in documents]
    tasks = [(index, number) for index, ready in enumerate(prepared)
             for number in range(len(ready.document.claims))]
    results = [DocumentResult(document.path, document.title, document.source)
               for document in documents]
    verdicts: dict[tuple[int, int], Verdict] = {}
    for task, verdict in _verdicts(prepared, tasks, workers):
        verdicts[task] = verdict
        if progress:
            progress(len(verdicts), len(tasks))
    for index, number in tasks:
        results[index].claims.append(verdicts[index, number])
    clear_caches()
    return results


def count_holding(document: Document) -> int:
    """How many of the document's claims hold, judged without explanations or proofs: what
    `symnet import` weighs the networks a document may describe by."""
    ready = PreparedDocument.of(document)
    held = sum(number not in ready.redefining and judge(
        claim.id, ready.text(number), ready.notation, ready.networks,
        replace(before, diagnose=False)).verdict == "holds"
        for number, (claim, before) in enumerate(zip(document.claims, ready.before)))
    clear_caches()
    return held


# the running check's documents: forked workers inherit them (with every network and cache
# built so far), so only the task numbers and the verdicts cross between processes
_PREPARED: list[PreparedDocument] = []


def _verdicts(prepared: list[PreparedDocument], tasks: list[tuple[int, int]],
              workers: int) -> Iterator[tuple[tuple[int, int], Verdict]]:
    """(task, verdict) for every task, in an order of their own."""
    if workers < 2 or len(tasks) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from ((task, prepared[task[0]].verdict(task[1])) for task in tasks)
        return
    # the longest claims first (their chains of links take longest): no worker is left with
    # a long one at the end while the others wait
    ordered = sorted(tasks, key=lambda task: -len(prepared[task[0]].document.claims[task[1]]
                                                   .latex))
    global _PREPARED
    _PREPARED = prepared
    try:
        with ProcessPoolExecutor(min(workers, len(tasks)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            yield from zip(ordered, pool.map(_verdict_in_worker, ordered))
    finally:
        _PREPARED = []


def _verdict_in_worker(task: tuple[int, int]) -> Verdict:
    index, number = task
    return _PREPARED[index].verdict(number)


def _safely(find, *arguments):
    """A correction or counterpart, or None: what symnet adds to a verdict must never cost
    the verdicts (judge keeps a bug in one claim from hiding the others the same way)."""
    try:
        return find(*arguments)
    except Exception:   # noqa: BLE001 - a bug here leaves the line out, and only the line
        return None


def as_text(result: DocumentResult) -> str:
    width = max((len(claim.id) for claim in result.claims), default=4)
    lines = [f"{result.file}: {result.title}"]
    for claim in result.claims:
        reason = claim.message
        if claim.diagnosis:
            reason = f"{claim.diagnosis}" + (f" {claim.factor}" if claim.factor else "") + \
                (f": {reason}" if reason else "")
        if claim.proof and claim.verdict == "holds":
            proof = claim.proof + (", for all sizes" if claim.all_sizes else "")
            reason = f"({proof})" + (f" {reason}" if reason else "")
        lines.append(f"  {claim.id:<{width}}  {claim.verdict:<13} {reason}"[:200])
        if claim.correction is not None:
            lines.append(f"  {'':<{width}}  {'fix:':<13} {_one_line(claim.correction.latex)}")
            lines.append(f"  {'':<{width}}  {'':<13} ({claim.correction.edit})")
    lines.append("  " + summary(result))
    return "\n".join(lines)


def _one_line(latex: str) -> str:
    return " ".join(latex.replace("&", " ").split())


def summary(result: DocumentResult) -> str:
    counts = ", ".join(f"{result.count(v)} {v}" for v in
                       ("holds", "approximation", "wrong", "unchecked") if result.count(v))
    return f"{len(result.claims)} claims: {counts or 'none'}"
