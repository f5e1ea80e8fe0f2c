"""`symnet check`: every claim of every document judged, as data, with text and JSON views."""

from __future__ import annotations

from dataclasses import dataclass, field

from .correct import Style, correct, counterpart
from .notation import notation_of
from .spec import Document
from .verdict import DocumentState, Networks, Verdict, clear_caches, judge

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


def check_document(document: Document, progress=None, counterparts: bool = False
                   ) -> DocumentResult:
    """Every claim judged in order, with its correction when it is wrong; with
    `counterparts`, also symnet's own line for each claim's left side (for the report)."""
    notation = notation_of(document)
    networks = Networks(document.network)
    result = DocumentResult(document.path, document.title, document.source)
    state = DocumentState()
    claims = tuple(claim.latex for claim in document.claims)
    style = Style.of(claims)
    for claim in document.claims:
        if progress:
            progress(claim.id)
        before = state.copy()
        verdict = judge(claim.id, claim.latex, notation, networks, state)
        verdict.correction = _safely(correct, verdict, notation, networks, before, style,
                                     claims)
        if counterparts and verdict.verdict != "unchecked":
            found = _safely(counterpart, claim.id, claim.latex, notation, networks, before,
                            style, claims)
            verdict.counterpart = found and found.latex
            verdict.no_counterpart = "" if found is None else found.reason
        result.claims.append(verdict)
    clear_caches()
    return result


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
    lines.append("  " + summary(result))
    return "\n".join(lines)


def _one_line(latex: str) -> str:
    return " ".join(latex.replace("&", " ").split())


def summary(result: DocumentResult) -> str:
    counts = ", ".join(f"{result.count(v)} {v}" for v in
                       ("holds", "approximation", "wrong", "unchecked") if result.count(v))
    return f"{len(result.claims)} claims: {counts or 'none'}"
