"""The Python API: `symnet.load(path)` and the results' notebook displays.

    >>> import symnet
    >>> document = symnet.load("derivations/003_hidden_layers.toml")
    >>> document.check()       # verdicts; a table in Jupyter
    >>> document.derive()      # forward pass and gradients; LaTeX in Jupyter
    >>> document.train(steps=50, gradient="document")

Results are the same data the command line prints; `_repr_markdown_` / `_repr_latex_` are one
more view of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .check import DocumentResult, check_document
from .derive import Derivation, as_latex, derive
from .document import load as load_document
from .spec import Document
from .train import TrainingRun, train


@dataclass
class LoadedDocument:
    """A derivation file, read and validated."""

    document: Document

    def check(self) -> DocumentResult:
        return check_document(self.document)

    def derive(self) -> Derivation:
        return derive(self.document)

    def train(self, **options) -> TrainingRun:
        """`steps`, `learning_rate`, `samples`, `seed`, `gradient` ('exact' or 'document'),
        `dtype`: as the command line's options."""
        return train(self.document, **options)

    def _repr_markdown_(self) -> str:
        spec = self.document.network
        return (f"**{self.document.title}** (`{self.document.path}`): {len(spec.layers)} "
                f"layer blocks, samples as {spec.samples}, {len(self.document.claims)} claims")


def load(path: str | Path) -> LoadedDocument:
    """Read a derivation file (raises `InputError` with the one-line message on bad input)."""
    return LoadedDocument(load_document(path))


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def check_markdown(result: DocumentResult) -> str:
    rows = ["| id | claim | verdict | why |", "|---|---|---|---|"]
    for claim in result.claims:
        why = " ".join(part for part in (claim.diagnosis or "", claim.factor and f"${claim.factor}$"
                                         or "", claim.message) if part)
        rows.append(f"| {_escape(claim.id)} | ${_escape(claim.latex)}$ | **{claim.verdict}** | "
                    f"{_escape(why)[:300]} |")
    return f"**{result.title}** (`{result.file}`)\n\n" + "\n".join(rows)


def run_markdown(run: TrainingRun) -> str:
    accuracy = "" if run.accuracy[-1] is None else \
        f", accuracy {run.accuracy[0]:.2f} → {run.accuracy[-1]:.2f}"
    return (f"**{run.gradient} gradient** on `{run.file}` ({run.task}, {run.samples} samples): "
            f"loss {run.loss[0]:.4g} → {run.loss[-1]:.4g} in {run.steps} steps{accuracy}; "
            f"finite-difference check {max(run.finite_difference.values()):.1e}")


def derivation_latex(derivation: Derivation) -> str:
    return "\n".join(line for line in as_latex(derivation).splitlines()
                     if not line.startswith("%"))


# the displays, attached to the result classes (which stay plain data)
DocumentResult._repr_markdown_ = check_markdown
TrainingRun._repr_markdown_ = run_markdown
Derivation._repr_latex_ = derivation_latex
