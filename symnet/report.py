"""`symnet report`: one LaTeX report per document (and an index), from the check, the
derivation and the training runs, through Jinja2 templates with LaTeX-safe delimiters
(`\\VAR{...}`, `\\BLOCK{...}`); a PDF with latexmk when TeX is installed.

Everything a document supplies is passed to the template as data, never as template text, so a
claim cannot inject into the template; text is escaped for TeX, and a claim's LaTeX is typeset
only when symnet's grammar reads it (else it is shown as escaped text).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import sympy as sp

from . import __version__
from .check import DocumentResult, check_document
from .derive import derive
from .errors import InputError
from .conventions import ascii_latex
from .grammar import ClaimSyntaxError, blank_layout, parse_claim, source_of
from .verdict import chain_of
from .spec import Document
from .train import train

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&",
                "#": r"\#", "^": r"\^{}", "_": r"\_", "%": r"\%", "~": r"\~{}"}
MESSAGE_LENGTH = 400
TEX_HINT = ("no PDF: TeX is not installed (Debian: apt-get install latexmk "
            "texlive-latex-recommended texlive-pictures), the .tex is written")


def tex_escape(value) -> str:
    return "".join(_TEX_SPECIAL.get(char, char) for char in str(value))


def tex_breakable(value) -> str:
    """Escaped, with a line break allowed after punctuation: formulas quoted as text and
    paths have long runs without spaces."""
    return "".join(_TEX_SPECIAL.get(char, char) + (r"\allowbreak{}" if char in "_{}(),=+-/\\^."
                                                   else "") for char in str(value))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("symnet", "templates"),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_comment_prefix="%%", trim_blocks=True, autoescape=False,
        undefined=jinja2.StrictUndefined)
    environment.filters["tex"] = tex_escape
    environment.filters["texbreak"] = tex_breakable
    return environment


@dataclass
class WrittenReport:
    tex: Path
    pdf: Path | None
    message: str
    overfull: list[str] = field(default_factory=list)   # LaTeX's overfull-box warnings


def _claim_view(claim) -> dict:
    data = claim.to_json() | {"residual": claim.residual}
    data["math"] = _typeset(claim.latex)
    data["message_tex"] = tex_message(claim.message[:1].upper() + claim.message[1:])
    data["links"] = _link_views(claim)
    data["counterexample_rows"] = _counterexample_rows(claim.counterexample)
    correction = claim.correction
    data["correction_math"] = correction and _typeset(correction.latex)
    data["correction_text"] = correction and correction.latex
    data["correction_edit"] = correction and tex_message(correction.edit)
    data["counterpart_math"] = claim.counterpart and _typeset(claim.counterpart)
    data["no_counterpart_tex"] = tex_message(claim.no_counterpart)
    return data


# commands a formula symnet cannot read may still use and be typeset with (anything else, and
# unbalanced braces, is shown as text: a formula must not be able to break the report)
SAFE_COMMANDS = set("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota
kappa lambda mu nu xi pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta
Lambda Xi Pi Sigma Phi Psi Omega frac dfrac tfrac partial nabla sum prod int log ln exp max
min tanh sinh cosh sin cos text mathrm operatorname mathbf boldsymbol bm mathcal mathbb hat
bar overline tilde widehat vec dot ddot cdot times odot circ bullet ast top intercal prime
left right big Big bigl bigr quad qquad approx simeq equiv leftarrow rightarrow Rightarrow
to gets in sim leq geq neq ne lt gt ldots cdots dots mid underbrace Vert vert sqrt""".split())


def _typeset(latex: str) -> str | None:
    """A formula as math-mode material: when symnet's grammar reads it (so TeX will too), or
    when it uses only common math commands with balanced braces; else None."""
    latex = ascii_latex(latex)
    try:
        parse_claim(latex)
    except ClaimSyntaxError:
        return _as_plain_math(latex)
    shown = blank_layout(latex)
    if shown != blank_layout(latex, numpy=False):
        return _as_plain_math(latex)   # `np.sum(X, axis=1)` is shown as written, not respelled
    return " ".join(shown.split())


def _as_plain_math(latex: str) -> str | None:
    text = " ".join(re.sub(r"\\tag\*?\{[^{}]*\}|&|\\\\", " ", latex).split())
    return text if text and _plain_math(text) else None


def _plain_math(text: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    commands = set(re.findall(r"\\([A-Za-z]+)", text))
    return depth == 0 and commands <= SAFE_COMMANDS and not re.search(r"[$#%&^_]\s*$|[$#%]",
                                                                      text)


def tex_message(text: str, limit: int = MESSAGE_LENGTH) -> str:
    """symnet's words as TeX: the math it writes between dollar signs typeset, a fragment of
    the document quoted in '...' as typewriter text, the rest escaped; cut after `limit`
    characters of words, never inside a formula."""
    pieces, length = [], 0
    for part in re.split(r"(\$[^$]+\$)", text):
        if length > limit:
            pieces.append(" \\ldots")
            break
        if len(part) > 2 and part.startswith("$") and part.endswith("$"):
            math = part[1:-1].strip()
            typeset = math if re.fullmatch(r"\\[A-Za-z]+", math) else _typeset(math)
            pieces.append(f"${typeset}$" if typeset else rf"\texttt{{{tex_breakable(math)}}}")
            continue
        for number, piece in enumerate(re.split(r"'([^'\s][^']*)'", part)):
            pieces.append(rf"`\texttt{{{tex_breakable(piece)}}}'" if number % 2 else
                          tex_escape(piece).replace("->", r"$\rightarrow$"))
        length += len(part)
    return "".join(pieces)


def _link_views(claim) -> list[dict]:
    """Each link of a chain as a typeset line with its own verdict (one link: none)."""
    if len(claim.links) < 2:
        return []
    try:
        latex = ascii_latex(claim.latex)
        chain = chain_of(latex)
    except ClaimSyntaxError:
        return []
    if len(chain) != len(claim.links):
        return []
    views = []
    for link, result in zip(chain, claim.links):
        written = f"{source_of(link.lhs, latex)} {link.relation} {source_of(link.rhs, latex)}"
        message = result.described[:1].upper() + result.described[1:]
        views.append({"math": _typeset(written), "text": written, "verdict": result.verdict,
                      "diagnosis": result.diagnosis, "message": tex_message(message)})
    return views


def _counterexample_rows(counterexample: dict | None) -> dict | None:
    """A counterexample as the cells of a short table: sizes, the entry, both sides."""
    if not counterexample:
        return None
    sizes = ", ".join(f"{sp.latex(sp.Symbol(name))} = {value}"
                      for name, value in counterexample["sizes"].items())
    entry = counterexample["entry"]
    where = (", ".join(f"{sp.latex(sp.Symbol(name))} = {value}"
                       for name, value in entry.items()) if isinstance(entry, dict)
             else r"\text{row } %d,\ \text{column } %d" % tuple(entry))
    where = where or r"\text{the only one (a scalar)}"
    return {"sizes": sizes, "entry": where, "left": f"{counterexample['left']:.6g}",
            "right": f"{counterexample['right']:.6g}"}


def _run_view(run) -> dict:
    return run.to_json() | {
        "fd": max(run.finite_difference.values()),
        "curve": _coordinates(run.loss),
        "accuracy_curve": _coordinates(run.accuracy),
        # a thousandth of a degree is signal; below that the BLAS thread schedule speaks
        "angle_curve": _coordinates([round(angle, 3) for angle in run.angle], first=1)
        if run.gradient == "document" else "",
        # rounding makes equal gradients ~1e-6 degrees apart: never scale that up to a plot
        "angle_top": f"{max([1.0] + [1.1 * angle for angle in run.angle]):.3g}",
        "used": ", ".join(f"{name} from {claim}"
                          for name, claim in run.document_gradients.items())}


def _coordinates(values: list, first: int = 0) -> str:
    """pgfplots coordinates `(step,value)`, or "" when there is nothing to plot (no accuracy
    for a regression, no angle for the exact run)."""
    if not values or any(value is None for value in values):
        return ""
    return " ".join(f"({step},{value:.6g})" for step, value in enumerate(values, first))


def render(document: Document, result: DocumentResult, runs: list, training_note: str) -> str:
    derivation = derive(document)
    spec = document.network
    counts = [(verdict, result.count(verdict))
              for verdict in ("holds", "approximation", "wrong", "unchecked")]
    sizes = ", ".join(f"{name} = {value}" for name, value in spec.sizes.items()) or "as numbers"
    return _environment().get_template("report.tex.j2").render(
        version=__version__, title=document.title, source=document.source or "not given",
        file=document.path, counts=counts, claims=[_claim_view(c) for c in result.claims],
        derivation=derivation, sizes=sizes, inputs=str(spec.inputs),
        runs=[_run_view(run) for run in runs], training_note=training_note)


def training_runs(document: Document, steps: int) -> tuple[list, str]:
    """Exact and, where the document states usable gradients, document-gradient runs."""
    runs, notes = [], []
    for gradient in ("exact", "document"):
        try:
            runs.append(train(document, gradient=gradient, steps=steps))
        except InputError as error:
            notes.append(error.message)
    return runs, "; ".join(notes)


def write_report(document: Document, directory: Path, *, steps: int = 100,
                 result: DocumentResult | None = None) -> WrittenReport:
    directory.mkdir(parents=True, exist_ok=True)
    result = result or check_document(document, counterparts=True)
    runs, note = training_runs(document, steps)
    tex = directory / f"{Path(document.path).stem}.tex"
    tex.write_text(render(document, result, runs, note))
    return WrittenReport(tex, *compile_pdf(tex))


def compile_pdf(tex: Path) -> tuple[Path | None, str, list[str]]:
    """The PDF (or None), a line to show, and the overfull boxes LaTeX reported."""
    if shutil.which("latexmk") is None:
        return None, TEX_HINT, []
    # pdfTeX writes the same bytes for the same source when the date is fixed: a report
    # regenerated from an unchanged document leaves `git status` clean
    environment = {**os.environ, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "0"),
                   "FORCE_SOURCE_DATE": "1"}
    completed = subprocess.run(
        ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent, capture_output=True, text=True, env=environment)
    pdf = tex.with_suffix(".pdf")
    log = tex.with_suffix(".log")
    if completed.returncode != 0 or not pdf.exists():
        return None, f"LaTeX failed on {tex.name}; see {log}", []
    overfull = re.findall(r"Overfull \\hbox \(([\d.]+pt) too wide\)", log.read_text(errors="replace"))
    subprocess.run(["latexmk", "-c", tex.name], cwd=tex.parent, capture_output=True,
                   env=environment)
    return pdf, f"wrote {pdf}", overfull


def write_index(entries: list[tuple[Document, DocumentResult, Path]], directory: Path
                ) -> WrittenReport:
    rows = [{"title": document.title, "report": tex.name,
             **{verdict: result.count(verdict)
                for verdict in ("holds", "approximation", "wrong", "unchecked")}}
            for document, result, tex in entries]
    tex = directory / "index.tex"
    tex.write_text(_environment().get_template("index.tex.j2").render(
        version=__version__, rows=rows))
    return WrittenReport(tex, *compile_pdf(tex))
