"""What judging gives: a claim's verdict (the contract of `symnet check --json`), each link's
result, and what earlier claims of a document defined and approximated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Verdict:
    id: str
    latex: str
    verdict: str                      # holds | approximation | wrong | unchecked
    proof: str | None = None          # symbolic | numeric
    diagnosis: str | None = None      # sign | factor | transpose | index | shape | other
    factor: str | None = None         # LaTeX, for diagnosis = factor
    depends_on: list[str] = field(default_factory=list)
    message: str = ""
    counterexample: dict | None = None
    residual: str | None = None       # LaTeX of the dropped term (approximation)
    relative_size: float | None = None
    links: list = field(default_factory=list, repr=False)   # LinkResult of each link
    correction: Any = None            # correct.Correction: the line that holds, when found
    counterpart: str | None = None    # symnet's `lhs = ...` in the document's notation
    no_counterpart: str = ""          # why there is none (when counterparts were asked for)
    all_sizes: bool = False           # proof: symbolic as matrix algebra, for every size

    def to_json(self) -> dict:
        """The verdict as JSON data; measured numbers rounded to what they can say (the last
        digits of a float differ with the BLAS thread schedule, and a report must not)."""
        keys = ("id", "latex", "verdict", "proof", "diagnosis", "factor", "depends_on",
                "message")
        result = {key: getattr(self, key) for key in keys}
        result["depends_on"] = list(self.depends_on)
        counterexample = self.counterexample and dict(self.counterexample)
        if counterexample:
            counterexample["left"] = _significant(counterexample["left"], 6)
            counterexample["right"] = _significant(counterexample["right"], 6)
        result["counterexample"] = counterexample
        if self.residual is not None:
            result["residual"] = self.residual
            result["relative_size"] = _significant(self.relative_size, 3)
        if self.correction is not None:
            result["correction"] = self.correction.latex
            result["correction_edit"] = self.correction.edit
        if self.counterpart is not None:
            result["counterpart"] = self.counterpart
        elif self.no_counterpart:
            result["no_counterpart"] = self.no_counterpart
        if self.proof == "symbolic":
            result["for_all_sizes"] = self.all_sizes
        return result


def _significant(value: float | None, digits: int) -> float | None:
    return None if value is None else float(f"{value:.{digits}g}")


@dataclass
class DocumentState:
    """What earlier claims established for later ones: the symbols they define (`E = ...`) and
    the approximations they make (`\\partial L / \\partial Z \\approx A - Y`)."""

    definitions: dict = field(default_factory=dict)       # name -> (tree, latex)
    approximations: list = field(default_factory=list)    # (claim id, Relation, latex)
    # False when only "does it hold?" is asked (a candidate correction): no diagnosis, no
    # symbolic proof, no search for the loss it would be exact for
    diagnose: bool = True
    running: set = field(default_factory=set)   # names an algorithm reassigns (`g \leftarrow`)

    def copy(self) -> "DocumentState":
        return DocumentState(dict(self.definitions), list(self.approximations), self.diagnose,
                             set(self.running))


@dataclass
class LinkResult:
    verdict: str
    proof: str | None = None
    diagnosis: str | None = None
    factor: str | None = None
    depends_on: list[str] = field(default_factory=list)
    message: str = ""
    counterexample: dict | None = None
    residual: str | None = None
    relative_size: float | None = None
    missing_layer: bool = False     # unreadable only because a layer variable overshot
    parameter_left_out: bool = False   # unreadable while `w` (no layer) has no layer bound
    all_sizes: bool = False         # proved as matrix algebra, for every size
    scale: Any = None               # for diagnosis = factor: right side / exact, a SymPy number
    notes: list[str] = field(default_factory=list)   # how it read informal notations

    @property
    def described(self) -> str:
        """The message, with how the link read the document's notations."""
        return "; ".join(filter(None, [self.message, *self.notes]))
