"""The command line: derive's outputs, help text, and exit status 2 with one line for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from symnet.cli import main

DERIVATIONS = Path(__file__).parent.parent / "derivations"


def test_every_derivation_file_derives(tmp_path, capsys):
    out = tmp_path / "derive.json"
    assert main(["derive", str(DERIVATIONS), "--json", str(out), "-o", str(tmp_path)]) == 0
    documents = json.loads(out.read_text())["documents"]
    files = sorted(DERIVATIONS.glob("*.toml"))
    assert [Path(d["file"]).name for d in documents] == [f.name for f in files]
    for document, file in zip(documents, files):
        assert document["source"] and document["title"]
        names = {eq["lhs_latex"] for eq in document["gradients"]}
        assert r"\bar{W}^{(1)}" in names
        assert all(eq["rhs_latex"] and eq["rhs_text"] for eq in document["gradients"])
        assert (tmp_path / f"{file.stem}.derive.tex").read_text().count(r"\begin{align*}") >= 2
    printed = capsys.readouterr().out
    assert "forward pass:" in printed and r"\begin{align*}" in printed


def test_small_network_prints_its_closed_form(tmp_path, capsys):
    path = tmp_path / "small.toml"
    path.write_text('''[document]
title = "small"
[network]
samples = "single"
inputs = 2
layers = [{ units = 2, activation = "relu", bias = false },
          { units = 1, activation = "identity", bias = false }]
loss = { kind = "squared_error" }
''')
    assert main(["derive", str(path), "--json", "-"]) == 0
    printed = capsys.readouterr().out
    closed = "yhat = W2_1,1*Max(0, W1_1,1*x_1 + W1_1,2*x_2) + W2_1,2*Max(0, W1_2,1*x_1 + W1_2,2*x_2)"
    assert closed in printed
    assert r"\max\left(0, W^{(1)}_{1,1} x_{1}" in printed


@pytest.mark.parametrize("content,expected", [
    ("[network\n", "invalid TOML"),
    ("[document]\ntitle = 'x'\n[network]\nsamples = 'rows'\n", "key 'network.inputs'"),
    ("[document]\ntitle = 'x'\nauthor = 'me'\n", "key 'document.author'"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, content, expected):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    result = subprocess.run([sys.executable, "-m", "symnet", "derive", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if not line.startswith("deriving")]
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_path_exits_2(tmp_path, capsys):
    assert main(["derive", str(tmp_path / "none.toml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_every_command_has_help():
    for argv in (["--help"], ["derive", "--help"], ["check", "--help"], ["codegen", "--help"]):
        result = subprocess.run([sys.executable, "-m", "symnet", *argv],
                                capture_output=True, text=True)
        assert result.returncode == 0 and "usage:" in result.stdout


def test_codegen_writes_a_module_or_says_why_not(tmp_path, capsys):
    out = tmp_path / "net.py"
    assert main(["codegen", str(DERIVATIONS / "003_hidden_layers.toml"), "-o", str(out)]) == 0
    assert "def gradients(" in out.read_text()
    assert main(["codegen", str(DERIVATIONS / "001_neural_network_derivations.toml")]) == 2
    assert "generic" in capsys.readouterr().err
