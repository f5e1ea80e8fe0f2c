"""Reports: .tex from the templates, a PDF when TeX is there, the message when not; claims with
characters special to TeX or Jinja cannot break or inject into the template."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from symnet import report as report_module
from symnet.check import check_document
from symnet.cli import main
from symnet.document import load, parse
from symnet.report import tex_escape, write_report

DERIVATIONS = Path(__file__).parent.parent / "derivations"
HAS_TEX = shutil.which("latexmk") is not None and shutil.which("pdftotext") is not None

NASTY = {"document": {"title": "50% of $x & #y_z {braces} \\VAR{title} {{ jinja }}",
                      "source": "a_b.txt"},
         "network": {"samples": "single", "inputs": 2,
                     "layers": [{"units": 2, "activation": "tanh"},
                                {"units": 1, "activation": "identity"}],
                     "loss": {"kind": "squared_error"}},
         "notation": {"W^{(l)}": "weight[l]", "L": "loss"},
         "claim": [{"id": "odd_id %&#", "latex": r"\VAR{7*7} {{ 7*7 }} {% if %} \end{document}"},
                   {"id": "ok", "latex": r"\frac{\partial L}{\partial W^{(2)}} = 0"}]}


def test_text_is_escaped_for_tex():
    assert tex_escape("a_b & 50% {x} $") == r"a\_b \& 50\% \{x\} \$"


def test_claims_cannot_inject_into_the_template(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module.shutil, "which", lambda name: None)
    document = parse(NASTY, "nasty.toml")
    written = write_report(document, tmp_path, steps=2)
    tex = written.tex.read_text()
    assert "49" not in tex and "VAR" in tex and "7*7" in tex
    assert tex.count(r"\end{document}") == 1
    assert written.pdf is None and "no PDF" in written.message


def test_report_without_claims(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module.shutil, "which", lambda name: None)
    data = dict(NASTY, claim=[])
    written = write_report(parse(data, "empty.toml"), tmp_path, steps=2)
    assert r"\section*{The document's formulas}" in written.tex.read_text()


@pytest.mark.skipif(not HAS_TEX, reason="TeX (latexmk) or pdftotext not installed")
@pytest.mark.parametrize("path", sorted(DERIVATIONS.glob("*.toml")), ids=lambda p: p.stem)
def test_seed_reports_compile_and_name_every_claim(path, tmp_path):
    document = load(path)
    written = write_report(document, tmp_path, steps=5)
    assert written.pdf is not None, written.message
    text = subprocess.run(["pdftotext", "-layout", str(written.pdf), "-"], capture_output=True,
                          text=True).stdout
    lines = text.splitlines()
    verdicts = {claim.id: claim.verdict for claim in check_document(document).claims}
    for claim in document.claims:
        heading = [line for line in lines if line.strip().startswith(f"{claim.id}:")]
        assert heading and verdicts[claim.id] in heading[0], claim.id
    assert written.overfull == []


@pytest.mark.skipif(not HAS_TEX, reason="TeX (latexmk) not installed")
def test_nasty_document_compiles(tmp_path):
    assert write_report(parse(NASTY, "nasty.toml"), tmp_path, steps=2).pdf is not None


CLASSIFIER = {
    "document": {"title": "two classes"},
    "network": {"samples": "columns", "batch": "M", "inputs": "N_0",
                "sizes": {"N_0": 2, "N_1": 3, "N_2": 1, "M": 4},
                "layers": [{"units": "N_1", "activation": "tanh"},
                           {"units": "N_2", "activation": "sigmoid"}],
                "loss": {"kind": "binary_cross_entropy", "reduction": "mean"}},
    "notation": {"W^{(l)}": "weight[l]", "A^{(l)}": "activation[l]", "Y": "target",
                 "L": "loss", "\\delta^{(l)}": "adjoint(preactivation[l])"},
    "claim": [{"id": "delta2", "latex": r"\delta^{(2)} = \frac{1}{M} (A^{(2)} - Y)"},
              {"id": "dW2", "latex": r"\frac{\partial L}{\partial W^{(2)}} = "
                                     r"\delta^{(2)} A^{(1)T}"}]}


def test_curves_of_loss_accuracy_and_angle(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module.shutil, "which", lambda name: None)
    tex = write_report(parse(CLASSIFIER, "classes.toml"), tmp_path, steps=3).tex.read_text()
    assert "ylabel={loss}" in tex and "ylabel={training accuracy}" in tex
    assert "angle to exact gradient" in tex
    regression = write_report(parse(NASTY, "nasty.toml"), tmp_path, steps=2).tex.read_text()
    assert "ylabel={loss}" in regression and "training accuracy" not in regression


def test_report_command_writes_the_reports_and_exits_0(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(report_module.shutil, "which", lambda name: None)   # no TeX here
    path = sorted(DERIVATIONS.glob("*.toml"))[0]
    assert main(["report", str(path), "-o", str(tmp_path), "--steps", "2"]) == 0
    assert {p.name for p in tmp_path.iterdir()} >= {f"{path.stem}.tex", "index.tex",
                                                    "check.json"}
    assert "no PDF" in capsys.readouterr().out


# a document with one error of each kind the report has to typeset: a factor (a formula in the
# message), a chain (links with their own verdicts), a counterexample and a correction
WRONG = {"document": {"title": "planted errors"},
         "network": {"samples": "columns", "batch": "M", "sizes": {"n": 3, "p": 4, "M": 5},
                     "inputs": "n",
                     "layers": [{"units": "p", "activation": "tanh"},
                                {"units": 2, "activation": "sigmoid"}],
                     "loss": {"kind": "squared_error", "scale": "1/2", "reduction": "mean"}},
         "claim": [{"id": "chain", "latex": r"L = \frac{1}{2} \sum (A^{(2)} - Y)^2 = "
                                           r"\frac{1}{2M} \sum (A^{(2)} - Y)^2"},
                   {"id": "transpose", "latex": r"\frac{\partial L}{\partial W^{(2)}} = "
                                                r"\delta^{(2)} A^{(1)}"},
                   {"id": "sign", "latex": r"\frac{\partial L}{\partial A^{(2)}} = "
                                           r"\frac{1}{M} (Y - A^{(2)})"}]}


def test_report_shows_corrections_counterparts_and_links_as_mathematics(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module.shutil, "which", lambda name: None)
    tex = write_report(parse(WRONG, "wrong.toml"), tmp_path, steps=2).tex.read_text()
    claims = tex[tex.index("The document's formulas"):tex.index(r"\section*{Training}")]
    assert claims.count("checked by symnet") == 3          # every wrong claim is corrected
    assert r"\fitmath{L = \frac{1}{2 M} \sum" in claims     # the chain's first link put right
    assert "symnet derives:" in claims                     # counterparts next to the claims
    assert r"\begin{longtable}" in claims and "link" not in claims.lower().replace(
        "longtable", "")                                   # links typeset, not quoted
    # no Python syntax and no LaTeX source quoted as text
    assert "{'" not in claims and "textbackslash" not in claims
    assert r"\toprule" in claims                           # the counterexample is a table


@pytest.mark.skipif(not HAS_TEX, reason="TeX Live is not installed")
def test_reports_are_reproducible_byte_for_byte(tmp_path):
    document = parse(WRONG, "wrong.toml")
    first = write_report(document, tmp_path / "a", steps=5)
    second = write_report(document, tmp_path / "b", steps=5)
    assert first.pdf is not None, first.message
    assert first.tex.read_bytes() == second.tex.read_bytes()
    assert first.pdf.read_bytes() == second.pdf.read_bytes()
    text = subprocess.run(["pdftotext", str(first.pdf), "-"], capture_output=True,
                          text=True).stdout
    for source in ("\\frac", "\\partial", "{'", "^{"):
        assert source not in text


def test_a_numpy_sum_is_shown_as_written_not_as_symnet_respells_it(tmp_path, monkeypatch):
    monkeypatch.setattr(report_module.shutil, "which", lambda name: None)
    claim = r"\frac{\partial L}{\partial b^{(2)}} = \frac{1}{M} np.sum(\delta^{(2)}, axis=1)"
    data = {"document": {"title": "np.sum"},
            "network": {"samples": "columns", "batch": "M", "sizes": {"M": 3}, "inputs": 2,
                        "layers": [{"units": 2, "activation": "tanh"},
                                   {"units": 2, "activation": "identity"}],
                        "loss": {"kind": "squared_error", "reduction": "mean"}},
            "claim": [{"id": "bias", "latex": claim}]}
    tex = write_report(parse(data, "sum.toml"), tmp_path, steps=2).tex.read_text()
    assert r"\fitmath{" + claim + "}" in tex
