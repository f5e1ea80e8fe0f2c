"""`symnet import`: a derivation file written from the document itself (.md, .tex, .ipynb).

    formulas.py   every formula, verbatim, with its line and id     (the format's own parser)
    infer.py      the network, from the document's forward pass    (checked by symnet itself)
    toml.py       the derivation file, questions marked as such

`imported(path)` gives the `Document` that `symnet check DOC.md` judges: the network of the
derivation file next to the document when there is one (`DOC.toml`, written by `symnet import`
and perhaps edited since), otherwise the inferred one, and always the claims as the document
states them now.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError
from ..macros import definitions_in, expand, macro
from .formulas import READERS, Formula, formulas
from .infer import Inference, infer_network
from .trials import check_with
from .toml import derivation_text

__all__ = ["READERS", "Imported", "import_document", "imported", "is_document"]


@dataclass(frozen=True)
class Imported:
    path: Path
    title: str
    formulas: list[Formula]
    ids: list[str]
    inference: Inference
    macros: dict[str, str] = field(default_factory=dict)   # the document's, that formulas use
    summation: str = "written"   # "einstein" where the prose says repeated indices are summed

    def toml(self) -> str:
        return derivation_text(self)

    def header(self, source: str) -> dict:
        return document_table(self.title, self.summation, source)


def is_document(path: Path) -> bool:
    return path.suffix.lower() in READERS


def import_document(path: str | Path, found: list[Formula] | None = None) -> Imported:
    """The document's formulas (read here unless given) and the network they describe."""
    path = Path(path)
    found = formulas(path) if found is None else found
    if not found:
        raise InputError("no formulas found (display math, or inline math that states an "
                         "equation)", file=str(path))
    title, summation = _title(path), summation_of(path)
    macros = document_macros(path, found)
    every = [_expanded(formula.latex, macros) for formula in found]
    inference = infer_network(every, check_with(document_table(title, summation)))
    if summation == "written" and inference.forward_holds < inference.forward_total:
        inference, summation = _with_sums_implied(inference, every, title)
    return Imported(path, title, found, claim_ids(found), inference, macros, summation)


def _with_sums_implied(inference: Inference, every: list[str], title: str) -> tuple:
    """`z_i = W_{ij} x_j + b_i` and no word on the convention: the network read again with the
    sums the formulas leave out implied (Einstein's convention), taken when more of the
    document's formulas hold so, as a question; else the inference as it was."""
    implied = infer_network(every, check_with(document_table(title, "einstein")))
    held = {convention: check_with(document_table(title, convention))(
        found.network, found.notation, every) or 0
        for convention, found in (("written", inference), ("einstein", implied))}
    if held["einstein"] <= held["written"]:
        return inference, "written"
    return replace(implied, questions=[
        *implied.questions, "whether repeated indices are summed: more of the formulas hold "
        "if they are (Einstein's convention); guessed so"]), "einstein"


def document_table(title: str, summation: str, source: str | None = None) -> dict:
    """A derivation file's [document] table (the default summation left out)."""
    table = {"title": title} if source is None else {"title": title, "source": source}
    if summation != "written":
        table["summation"] = summation
    return table


# what documents say when they drop the sums over repeated indices
_EINSTEIN = re.compile(r"einstein(?:'s)?\s+(?:summation|notation|convention)|"
                       r"summation\s+convention|"
                       r"repeated\s+ind(?:ices|ex)\s+(?:are|is)\s+(?:implicitly\s+)?summed|"
                       r"summ?ed\s+over\s+repeated\s+ind", re.I)


def summation_of(path: Path) -> str:
    """"einstein" when the document's text says that an index repeated in a product is summed
    (Einstein's convention), else "written": only the sums it writes."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "written"
    return "einstein" if _EINSTEIN.search(text) else "written"


def document_macros(path: Path, found: list[Formula]) -> dict[str, str]:
    """The macros the document defines (`\\newcommand`, `\\def`, `\\DeclareMathOperator`, in a
    preamble or a math block) that its formulas use, directly or through another macro."""
    try:
        defined = definitions_in(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}
    used, text = {}, " ".join(formula.latex for formula in found)
    while True:
        more = {name: body for name, body in defined.items()
                if name not in used and re.search(re.escape(name) + r"(?![A-Za-z])", text)}
        if not more:
            return used
        used.update(more)
        text = " ".join(more.values())


def _expanded(latex: str, macros: dict[str, str]) -> str:
    """The formula as symnet reads it; as written where a macro is used wrongly (the check
    then reports it)."""
    try:
        return expand(latex, _definitions(tuple(macros.items())))
    except InputError:
        return latex


@functools.lru_cache(maxsize=8)
def _definitions(macros: tuple[tuple[str, str], ...]) -> dict:
    """The macros read once per document, not once per formula."""
    return {name: macro(name, body) for name, body in macros}


def claim_ids(found: list[Formula]) -> list[str]:
    """The document's own ids: `\\tag`, `\\label`, its equation numbers; else the line."""
    ids, seen, number = [], set(), 0
    for formula in found:
        number += formula.numbered   # a labelled equation has its number too
        if formula.label:
            claim_id = formula.label
        elif formula.numbered:
            claim_id = f"eq{number}"
        else:
            claim_id = f"line{formula.line}" if formula.cell is None else \
                f"cell{formula.cell}-line{formula.line}"
        unique, suffix = claim_id, 2
        while unique in seen:
            unique, suffix = f"{claim_id}-{suffix}", suffix + 1
        seen.add(unique)
        ids.append(unique)
    return ids


def _title(path: Path) -> str:
    """The document's first heading (`# ...`, `\\title{...}`, `\\section{...}`), else its name."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return path.stem
    if path.suffix == ".ipynb":
        match = re.search(r'"#\s+([^"\\]+)', text)
    elif path.suffix == ".tex":
        match = re.search(r"\\(?:title|section)\*?\{([^{}]+)\}", text)
    else:
        match = re.search(r"^#\s+(.+)$", text, re.M)
    return match.group(1).strip() if match else path.stem


def imported(path: str | Path):
    """The `Document` to check for a .md/.tex/.ipynb file (see the module's docstring)."""
    from ..document import load, parse
    from ..spec import ClaimSpec
    path = Path(path)
    found = formulas(path)
    ids = claim_ids(found)
    macros = document_macros(path, found)
    claims = tuple(ClaimSpec(claim_id, _expanded(formula.latex, macros), line=formula.line,
                             given=formula.given)
                   for claim_id, formula in zip(ids, found))
    beside = path.with_suffix(".toml")
    if beside.exists():
        document = load(beside)
        return replace(document, path=str(path), source=document.source or str(path),
                       claims=claims)
    result = import_document(path, found)   # the formulas just read, not read again
    if result.inference.questions:
        raise InputError("symnet could not tell " + "; ".join(result.inference.questions) +
                         f". Run `symnet import {path} -o {beside}`, answer the questions in "
                         "it and check again", file=str(path))
    document = parse({"document": result.header(str(path)),
                      "network": result.inference.network,
                      "notation": result.inference.notation}, str(path))
    return replace(document, claims=claims)
