"""The Python API: load, check, derive, train, and their notebook displays."""

from __future__ import annotations

from pathlib import Path

import pytest

import symnet
from symnet.errors import InputError

DERIVATIONS = Path(__file__).parent.parent / "derivations"


def test_load_check_derive_train_display():
    document = symnet.load(DERIVATIONS / "002_umons_neural_network.toml")
    assert "25 claims" in document._repr_markdown_()
    result = document.check()
    table = result._repr_markdown_()
    assert "| vector-W |" in table and "**wrong**" in table and "transpose" in table
    latex = document.derive()._repr_latex_()
    assert latex.startswith(r"\begin{align*}") and r"\bar{W}^{(1)}" in latex
    run = document.train(steps=3)
    assert "exact gradient" in run._repr_markdown_() and len(run.loss) == 4


def test_every_claim_is_a_row_of_the_table_even_with_bars():
    document = symnet.load(DERIVATIONS / "003_hidden_layers.toml")
    table = document.check()._repr_markdown_()
    assert table.count("\n| ") == len(document.document.claims) + 1   # header row too
    assert "| 11 |" in table


def test_bad_file_raises_the_one_line_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[document]\ntitle = 1\n")
    with pytest.raises(InputError, match="document.title"):
        symnet.load(path)
