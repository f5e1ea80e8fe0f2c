"""`symnet import`: formulas read from Markdown, LaTeX and notebooks, the network inferred from
the document's forward pass, and `symnet check DOC` on the document itself. Every document here
is written for the test."""

import json
import tomllib

import pytest

from symnet.cli import main
from symnet.errors import InputError
from symnet.importing import claim_ids, import_document, imported
from symnet.importing.formulas import formulas

MARKDOWN = r"""# Two layers, samples as columns

\$5, \$6: no math. Input $X$; $i = 1, \ldots, m$, $l = 1, 2$, $i = j$, $n_y = 1$, $\eta = 0.1$.
The first layer computes $Z^{[1]} = W^{[1]} X + b^{[1]}$ from the input.

$$
Z^{[1]} = W^{[1]} X + b^{[1]}
$$ (first)

```python
# code, not formulas
cost = "$$ J = 0 $$"
```

    $$ indented = code $$

```math
A^{[1]} = \mathrm{ReLU}(Z^{[1]})
```

\begin{align}
Z^{[2]} &= W^{[2]} A^{[1]} + b^{[2]} \\
A^{[2]} &= \sigma(Z^{[2]}) \tag{out}
\end{align}

$$J = -\frac{1}{m} \sum_{i=1}^{m} \left( y^{(i)} \log a^{[2](i)} + (1 - y^{(i)}) \log (1 - a^{[2](i)}) \right)$$

- the gradients: $$dZ^{[2]} = A^{[2]} - Y$$
"""

LATEX = r"""\documentclass{article}
\title{One sample, a tanh layer}
\begin{document}
\maketitle
% a comment with $z = w$ is not a formula
We write $x$ for the input and \verb|$a = b$| for code.
\begin{equation}\label{eq:z}
z^{(1)} = W^{(1)} x + b^{(1)}
\end{equation}
\begin{align}
a^{(1)} &= \tanh(z^{(1)}) \\
z^{(2)} &= W^{(2)} a^{(1)} + b^{(2)} \nonumber \\
\hat{y} &= z^{(2)}
\end{align}
\begin{align*}
L &= \frac{1}{2} \| \hat{y} - y \|^2 \\
  &= \frac{1}{2} \sum_k (\hat{y}_k - y_k)^2
\end{align*}
\begin{verbatim}
$$ w = 0 $$
\end{verbatim}
\[ \delta^{(2)} = \hat{y} - y \]
$$ \frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} a^{(1)T} $$
\end{document}
"""


def notebook(cells) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": kind, "metadata": {}, "source": source, "id": f"c{number}",
         **({"outputs": [{"output_type": "stream", "name": "stdout",
                          "text": "$$ a = b $$"}], "execution_count": 1}
            if kind == "code" else {})}
        for number, (kind, source) in enumerate(cells)]})


NOTEBOOK = notebook([
    ("markdown", "# Rows of samples\n\nThe forward pass, samples as rows:\n\n"
                 "$$Z_1 = X W_1 + b_1$$\n\n$$A_1 = \\tanh(Z_1)$$"),
    ("code", "import numpy as np\nprint('$$ a = b $$')"),
    ("markdown", "$$\\hat{Y} = A_1 W_2 + b_2$$\n\n"
                 "$$L = \\frac{1}{2} \\sum (\\hat{Y} - Y)^2$$"),
])


@pytest.fixture
def documents(tmp_path):
    (tmp_path / "two.md").write_text(MARKDOWN)
    (tmp_path / "tanh.tex").write_text(LATEX)
    (tmp_path / "rows.ipynb").write_text(NOTEBOOK)
    return tmp_path


def test_markdown_formulas_skip_code_and_escaped_dollars(documents):
    found = formulas(documents / "two.md")
    assert [formula.latex for formula in found] == [
        r"Z^{[1]} = W^{[1]} X + b^{[1]}",
        r"Z^{[1]} = W^{[1]} X + b^{[1]}",
        r"A^{[1]} = \mathrm{ReLU}(Z^{[1]})",
        r"Z^{[2]} &= W^{[2]} A^{[1]} + b^{[2]}",
        r"A^{[2]} &= \sigma(Z^{[2]}) \tag{out}",
        r"J = -\frac{1}{m} \sum_{i=1}^{m} \left( y^{(i)} \log a^{[2](i)} + (1 - y^{(i)}) \log (1 - a^{[2](i)})"
        r" \right)",
        r"dZ^{[2]} = A^{[2]} - Y",
    ]
    assert [formula.line for formula in found] == [4, 7, 18, 22, 23, 26, 28]
    assert claim_ids(found) == ["line4", "first", "line18", "eq1", "out", "line26", "line28"]


def test_latex_formulas_split_aligned_blocks_and_keep_continuations(documents):
    found = formulas(documents / "tanh.tex")
    assert [formula.latex for formula in found] == [
        r"z^{(1)} = W^{(1)} x + b^{(1)}",
        r"a^{(1)} &= \tanh(z^{(1)})",
        r"z^{(2)} &= W^{(2)} a^{(1)} + b^{(2)} \nonumber",
        r"\hat{y} &= z^{(2)}",
        "L &= \\frac{1}{2} \\| \\hat{y} - y \\|^2 \\\\\n  &= \\frac{1}{2} \\sum_k "
        "(\\hat{y}_k - y_k)^2",
        r"\delta^{(2)} = \hat{y} - y",
        r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} a^{(1)T}",
    ]
    assert [formula.line for formula in found] == [8, 11, 12, 13, 16, 22, 23]
    # equation numbers as LaTeX gives them: \nonumber and starred environments take none
    assert claim_ids(found) == ["eq:z", "eq2", "line12", "eq3", "line16", "line22", "line23"]


CHAIN_OVER_DISPLAYS = r"""# One display per step

$$ \frac{\partial E}{\partial w} =
$$

$$ (y - t) \frac{\partial y}{\partial w} =
$$

$$ (y - t) x $$

$$ \frac{\partial E}{\partial b} $$

$$ = y - t $$

A sentence, then a display that starts with its relation: no chain.

$$ = (y - t) \cdot 1 $$

$$ E = \frac{1}{2} (y - t)^2 = $$

```
code between
```

$$ \frac{1}{2} (t - y)^2 $$

$$ y = w x + b $$

$$ = b + w x $$
"""


def test_a_chain_over_displays_is_one_formula_unless_words_stand_between(tmp_path):
    """A display that ends with its relation (`\\frac{\\partial E}{\\partial w} =`), or
    one that starts with it after a display that states nothing, continues the chain of the
    display before it when only blank lines stand between them (blogs write a long derivation
    a display per step); a sentence or a code block between them ends the chain, and a row
    `= ...` after a whole statement stays a formula of its own."""
    path = tmp_path / "steps.md"
    path.write_text(CHAIN_OVER_DISPLAYS)
    found = formulas(path)
    assert [formula.latex for formula in found] == [
        "\\frac{\\partial E}{\\partial w} =\n(y - t) \\frac{\\partial y}{\\partial w} =\n(y - t) x",
        "\\frac{\\partial E}{\\partial b}\n= y - t",
        r"= (y - t) \cdot 1",
        r"E = \frac{1}{2} (y - t)^2 =",
        r"\frac{1}{2} (t - y)^2", r"y = w x + b", r"= b + w x"]
    assert [formula.line for formula in found] == [3, 11, 17, 19, 25, 27, 29]


def test_notebook_formulas_come_from_markdown_cells_only(documents):
    found = formulas(documents / "rows.ipynb")
    assert [(formula.cell, formula.latex) for formula in found] == [
        (1, "Z_1 = X W_1 + b_1"), (1, r"A_1 = \tanh(Z_1)"),
        (3, r"\hat{Y} = A_1 W_2 + b_2"), (3, r"L = \frac{1}{2} \sum (\hat{Y} - Y)^2")]
    assert claim_ids(found)[0] == "cell1-line5"


@pytest.mark.parametrize("name, expected", [
    ("two.md", {"samples": "columns", "activations": ["relu", "sigmoid"],
                "loss": ("binary_cross_entropy", 1, "mean"), "bias": True}),
    ("tanh.tex", {"samples": "single", "activations": ["tanh", "identity"],
                  "loss": ("squared_error", "1/2", "sum"), "bias": True}),
    ("rows.ipynb", {"samples": "rows", "activations": ["tanh", "identity"],
                    "loss": ("squared_error", "1/2", "sum"), "bias": True}),
])
def test_the_network_is_read_from_the_forward_pass(documents, name, expected):
    result = import_document(documents / name)
    network = result.inference.network
    assert network["samples"] == expected["samples"]
    assert [layer["activation"] for layer in network["layers"]] == expected["activations"]
    loss = network["loss"]
    assert (loss["kind"], loss["scale"], loss["reduction"]) == expected["loss"]
    assert all(layer.get("bias", True) == expected["bias"] for layer in network["layers"])
    assert result.inference.forward_holds == result.inference.forward_total > 0
    assert not result.inference.questions


def test_imported_toml_loads_and_keeps_every_claim_verbatim(documents, capsys):
    out = documents / "two.toml"
    assert main(["import", str(documents / "two.md"), "-o", str(out)]) == 0
    data = tomllib.loads(out.read_text())
    assert [claim["latex"] for claim in data["claim"]] == \
        [formula.latex for formula in formulas(documents / "two.md")]
    assert data["claim"][1] == {"id": "first", "latex": r"Z^{[1]} = W^{[1]} X + b^{[1]}",
                                "line": 7}
    assert main(["check", str(out)]) in (0, 1)


def test_check_reads_the_document_with_the_toml_beside_it(documents, capsys):
    main(["import", str(documents / "tanh.tex"), "-o", str(documents / "tanh.toml")])
    capsys.readouterr()
    assert main(["check", str(documents / "tanh.tex")]) == 0
    report = capsys.readouterr().out
    assert "eq:z" in report and "wrong" not in report
    # the document edited: a sign flipped, checked again in one step, the TOML untouched
    path = documents / "tanh.tex"
    path.write_text(path.read_text().replace(r"\delta^{(2)} = \hat{y} - y",
                                             r"\delta^{(2)} = y - \hat{y}"))
    assert main(["check", str(path)]) == 1
    assert "sign" in capsys.readouterr().out


def test_check_infers_the_network_when_no_toml_is_beside_it(documents, capsys):
    assert main(["check", str(documents / "rows.ipynb")]) == 0
    assert "4 claims: 4 holds" in capsys.readouterr().out


def test_what_cannot_be_inferred_is_a_question_not_a_silent_guess(tmp_path, capsys):
    path = tmp_path / "loose.md"
    path.write_text("# Only gradients\n\n$$\\delta = (a - y) \\odot \\sigma'(z)$$\n")
    result = import_document(path)
    assert any("loss" in question for question in result.inference.questions)
    assert "# symnet could not tell: the loss" in result.toml()
    with pytest.raises(InputError, match="could not tell"):
        imported(path)
    assert main(["check", str(path)]) == 2
    assert "symnet import" in capsys.readouterr().err


@pytest.mark.parametrize("name, text, message", [
    ("empty.md", "# Nothing\n\nNo math at all, just \\$5.\n", "no formulas found"),
    ("notes.rst", "z = w", "cannot import a .rst file"),
    ("broken.ipynb", "{not json", "not a Jupyter notebook"),
])
def test_unusable_documents_get_one_line_and_exit_2(tmp_path, capsys, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    assert main(["import", str(path)]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1 and name in error


def test_corpus_documents_written_out_come_back_verbatim():
    """Every corpus document written out as Markdown or LaTeX (benchmarks/import_sources/)
    gives back its claims, verbatim and in order."""
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    sources = sorted((root / "benchmarks" / "import_sources").iterdir())
    assert sources
    for source in sources:
        expected = tomllib.loads((root / "corpus" / f"{source.stem}.toml").read_text())
        assert [formula.latex for formula in formulas(source)] == \
            [claim["latex"].strip() for claim in expected["claim"]], source.name


MACROS = r"""\documentclass{article}
\newcommand{\bW}{\mathbf{W}}
\newcommand{\bz}{\mathbf{z}}
\newcommand{\pd}[2]{\frac{\partial #1}{\partial #2}}
\newcommand{\unused}{\mathbf{u}}
\title{Notes with their own macros}
\begin{document}
\begin{align}
\bz^{(1)} &= \bW^{(1)} x + b^{(1)} \\
a^{(1)} &= \tanh(\bz^{(1)}) \\
\hat{y} &= \bW^{(2)} a^{(1)} + b^{(2)}
\end{align}
\[ L = \frac{1}{2} \| \hat{y} - y \|^2 \]
\[ \pd{L}{\bW^{(2)}} = (\hat{y} - y) a^{(1)T} \]
\[ \pd{L}{\bW^{(2)}} = a^{(1)} (\hat{y} - y)^T \]
\end{document}
"""


def test_a_documents_macros_are_imported_and_its_formulas_read_with_them(tmp_path, capsys):
    path = tmp_path / "macros.tex"
    path.write_text(MACROS)
    result = import_document(path)
    assert result.macros == {r"\bz": r"\mathbf{z}", r"\bW": r"\mathbf{W}",
                             r"\pd": r"\frac{\partial #1}{\partial #2}"}
    text = result.toml()
    assert "[macros]" in text and r"\pd{L}{\bW^{(2)}}" in text   # claims stay verbatim
    (tmp_path / "macros.toml").write_text(text)
    assert main(["check", str(tmp_path / "macros.toml")]) == 1
    out = capsys.readouterr().out
    assert "5 holds, 1 wrong" in out
    assert main(["check", str(path)]) == 1


OWN_NAMES = r"""# A two-layer network in the document's own names

$$ s = V u + c_1 $$
$$ r = \mathrm{ReLU}(s) $$
$$ q = P r + c_2 $$
$$ p = \mathrm{softmax}(q) $$
$$ J = \mathrm{CE}(k, p) $$
$$ \frac{\partial J}{\partial q} = p - k $$
"""

CHAIN_OF_FUNCTIONS = r"""# Layers as subscripts, each with its own function, no biases

$$ \text{Input} = v_0 $$
$$ \text{Hidden} = v_1 = g_1(M_1 v_0) $$
$$ \text{Out} = v_2 = g_2(M_2 v_1) $$
$$ E = \sum_{n \in S} \| o^{(n)} - t^{(n)} \|^2 $$
"""


def test_a_forward_pass_in_the_documents_own_names_is_read_as_a_chain(tmp_path):
    """Names no convention numbers (`s = V u + c_1`, `r = ReLU(s)`) are read in the order the
    forward pass computes them; a loss called by its name (`CE`) is that loss."""
    (tmp_path / "own.md").write_text(OWN_NAMES)
    inference = import_document(tmp_path / "own.md").inference
    network = inference.network
    assert [layer["activation"] for layer in network["layers"]] == ["relu", "softmax"]
    assert network["loss"]["kind"] == "categorical_cross_entropy"
    assert inference.notation["s"] == "preactivation[1]"
    assert inference.notation["V"] == "weight[1]" and inference.notation["P"] == "weight[2]"
    assert inference.notation["r"] == "activation[1]"
    assert inference.notation["q"] == "preactivation[2]"
    assert inference.forward_holds == inference.forward_total == 5
    assert not inference.questions


def test_layers_applied_straight_to_products_with_their_own_functions(tmp_path):
    """`v_1 = g_1(M_1 v_0)`: a layer without a bias, a generic function per layer, the input
    named by its place in the chain; a loss over a named set of samples makes a batch, and
    the names it compares are the output and the target."""
    (tmp_path / "chain.md").write_text(CHAIN_OF_FUNCTIONS)
    inference = import_document(tmp_path / "chain.md").inference
    network = inference.network
    assert [layer["activation"] for layer in network["layers"]] == ["generic", "generic"]
    assert not any(layer.get("bias", True) for layer in network["layers"])
    assert network["samples"] == "columns" and network["batch"] == "S"
    assert inference.notation["v_0"] == "input"
    assert inference.notation["g_2"] == "activation_function[2]"
    assert (inference.notation["o"], inference.notation["t"]) == ("output", "target")
    assert inference.forward_holds == inference.forward_total == 3


KRAMDOWN_ROWS = r"""# One sample as a row

For one sample $$\mathbf{x} \in \mathbb{R}^{1 \times n_0}$$ and a layer $$l$$:

* the weighted input $$r^l = h^{l-1} W^l + b^l$$
* the output $$h^l = \varphi(r^l)$$, with $$h^0 = \mathbf{x}$$ and $$h^L = \mathbf{p}$$

$$\frac{\partial E}{\partial W^L} = \begin{pmatrix} a & b \\ c & d \end{pmatrix}$$

$$\delta^l = \delta^{l+1} (W^{l+1})^\top \odot \varphi'(r^l)$$
"""


def test_kramdown_math_in_sentences_is_inline_and_matrices_keep_their_rows(tmp_path):
    """`$$..$$` inside a sentence is inline math (kept only when it states something); a
    matrix's rows inside a display are not rows of an aligned block."""
    (tmp_path / "rows.md").write_text(KRAMDOWN_ROWS)
    assert [formula.latex for formula in formulas(tmp_path / "rows.md")] == [
        r"r^l = h^{l-1} W^l + b^l", r"h^l = \varphi(r^l)", r"h^0 = \mathbf{x}",
        r"h^L = \mathbf{p}",
        r"\frac{\partial E}{\partial W^L} = \begin{pmatrix} a & b \\ c & d \end{pmatrix}",
        r"\delta^l = \delta^{l+1} (W^{l+1})^\top \odot \varphi'(r^l)"]


def test_a_layered_forward_pass_in_own_letters_with_one_sample_as_a_row(tmp_path):
    """`r^l = h^{l-1} W^l + b^l`: r is the document's preactivation letter (written as the
    document marks layers), the sample a row; `h^L = \\mathbf{p}` names the output; a formula
    that reaches layer l+1 makes three layers, so it is checked at a hidden layer."""
    (tmp_path / "rows.md").write_text(KRAMDOWN_ROWS)
    inference = import_document(tmp_path / "rows.md").inference
    network = inference.network
    assert (network["samples"], network["batch"], network["weights"]) == ("rows", 1, "in_out")
    assert [layer["function"] for layer in network["layers"]] == [r"\varphi"] * 3
    assert inference.notation["r^l"] == "preactivation[l]"
    assert inference.notation["p"] == "output"
    assert "layers_from" not in network     # h^0 = x is the input of a 0-based document


KRAMDOWN_BATCH = r"""# A batch as rows

The $$l$$th layer of a batch of $$B$$ samples:
$$
\begin{align}
G^l = H^{l-1}W^l + \mathbf{1}b^l \in \mathbb{R}^{B \times d_l}
\end{align}\\
$$
where $$\mathbf{1}$$ is a column of ones and $$H^l = \psi(G^l)$$.

The loss sums the samples' terms, $$J = \sum_{r=1}^{B} J^r$$, with
$$
\begin{align}
J = \frac{1}{2B}\sum_{r=1}^{B} \lVert s_r - o_r \rVert^2
\end{align}
$$
and the output is $$o = \psi(G^L)$$.

$$\delta^l = \big\{\delta^{l+1}(W^{l+1})^\top\big\}\odot\psi'(G^l)$$
"""


def test_a_batch_as_rows_with_its_loss_as_a_sum_of_sample_terms(tmp_path):
    """`$$ \\begin{align} .. \\end{align}\\\\ $$` after a line of prose is one display (the
    amsmath rule used to run on to the next `\\end{align}`); `o = \\psi(G^L)` names o the
    output, so s, the other name the loss compares, is the target; a loss averaging over B
    with samples as rows makes B the batch; `J = \\sum_r J^r` declares J the loss (its sample
    terms are read); `d_l` in a space names the sizes; and the imported file checks."""
    (tmp_path / "batch.md").write_text(KRAMDOWN_BATCH)
    result = import_document(tmp_path / "batch.md")
    assert [formula.latex for formula in result.formulas] == [
        r"G^l = H^{l-1}W^l + \mathbf{1}b^l \in \mathbb{R}^{B \times d_l}",
        r"H^l = \psi(G^l)", r"J = \sum_{r=1}^{B} J^r",
        r"J = \frac{1}{2B}\sum_{r=1}^{B} \lVert s_r - o_r \rVert^2", r"o = \psi(G^L)",
        r"\delta^l = \big\{\delta^{l+1}(W^{l+1})^\top\big\}\odot\psi'(G^l)"]
    network, notation = result.inference.network, result.inference.notation
    assert (network["samples"], network["batch"], network["weights"]) == ("rows", "B", "in_out")
    assert network["loss"] == {"kind": "squared_error", "scale": "1/2", "reduction": "mean"}
    assert [layer["units"] for layer in network["layers"]] == ["d_1", "d_2", "d_3"]
    assert (notation["o"], notation["s"], notation["J"]) == ("output", "target", "loss")
    assert result.inference.forward_holds == result.inference.forward_total >= 3


INDEX_NOTATION = r"""# A two-layer network in index notation

Throughout, we use Einstein's summation convention: an index repeated in a product is summed.
One sample $x$ with components $x_k$ goes through

$$h_j = \tanh(U_{jk} x_k + c_j)$$

$$o_i = \sigma(V_{ij} h_j + d_i)$$

and the loss is $E = \frac{1}{2}(o_i - t_i)(o_i - t_i)$.

$$\frac{\partial E}{\partial V_{ij}} = (o_i - t_i) o_i (1 - o_i) h_j$$

$$\frac{\partial E}{\partial U_{jk}} = (o_i - t_i) o_i (1 - o_i) V_{ij} (1 - h_j^2) x_k$$

$$\frac{\partial E}{\partial c_j} = (o_i - t_i) o_i (1 - o_i) V_{ji} (1 - h_j^2)$$
"""


def test_index_notation_with_einsteins_convention_is_imported_and_checked(tmp_path, capsys):
    """Prose that says repeated indices are summed declares `summation = "einstein"`, and so
    does a forward pass that holds only with them summed; the forward pass written entry by entry (`h_j`, `U_{jk}`) names the letters, not the entries;
    `(o_i - t_i)(o_i - t_i)` is a square; the swapped index of the last formula is found."""
    path = tmp_path / "index.md"
    path.write_text(INDEX_NOTATION)
    result = import_document(path)
    assert result.summation == "einstein"
    assert "summation = 'einstein'" in result.toml()
    notation, network = result.inference.notation, result.inference.network
    assert (notation["x"], notation["U"], notation["h"], notation["V"]) == (
        "input", "weight[1]", "activation[1]", "weight[2]")
    assert network["loss"] == {"kind": "squared_error", "scale": "1/2", "reduction": "sum"}
    assert main(["check", str(path), "--json", "-"]) == 1
    verdicts = [claim["verdict"] for claim in
                json.loads(capsys.readouterr().out)["documents"][0]["claims"]]
    assert verdicts == ["holds"] * 5 + ["wrong"]
    path.write_text(INDEX_NOTATION.replace("Throughout, we use Einstein's summation "
                                           "convention: an index repeated in a product is "
                                           "summed.", ""))
    # without the word, the forward pass that holds only with the sums implied implies them,
    # as a question
    result = import_document(path)
    assert result.summation == "einstein"
    assert any("Einstein's convention" in question for question in result.inference.questions)
    assert not any("do not hold" in question for question in result.inference.questions)
    path.write_text(INDEX_NOTATION.replace("Throughout, we use Einstein's summation "
                                           "convention: an index repeated in a product is "
                                           "summed.", "").replace(
        r"\tanh(U_{jk} x_k + c_j)", r"\tanh(\sum_k U_{jk} x_k + c_j)").replace(
        r"\sigma(V_{ij} h_j + d_i)", r"\sigma(\sum_j V_{ij} h_j + d_i)").replace(
        r"\frac{1}{2}(o_i", r"\frac{1}{2} \sum_i (o_i"))
    assert import_document(path).summation == "written"   # (the sums written out)


INPUT_IS_LAYER_ONE = r"""# A regression network, layers counted from the input

The input is the first layer, $a^{(1)} = x$, and each weight is numbered by the layer it
leaves:

$$z^{(2)} = W^{(1)} a^{(1)} + b^{(1)}, \quad a^{(2)} = g(z^{(2)})$$

$$z^{(3)} = W^{(2)} a^{(2)} + b^{(2)}$$

$$\hat{y} = g(z^{(3)})$$

The squashing function and its slope:

$$g(t) = \frac{e^{t} - e^{-t}}{e^{t} + e^{-t}}$$

$$g'(t) = 1 - g(t)^2$$

$$E = \frac{1}{2} \| \hat{y} - y \|^2$$

$$\delta^{(3)} = (\hat{y} - y) \odot g'(z^{(3)})$$

$$\delta^{(2)} = \left( (W^{(2)})^T \delta^{(3)} \right) \odot g'(z^{(2)})$$

$$\frac{\partial E}{\partial W^{(1)}} = \delta^{(2)} (a^{(1)})^T$$

$$\frac{\partial E}{\partial b^{(2)}} = \delta^{(2)}$$
"""


def test_a_document_that_numbers_the_input_layer_one_and_weights_by_the_layer_they_leave(
        tmp_path, capsys):
    """`z^{(2)} = W^{(1)} a^{(1)} + b^{(1)}`: every mark on the right one below the left's. The
    input is layer 1 (`layers_from = 1`), W^{(l)} and b^{(l)} feed layer l+1, and g, which
    the document writes out as tanh, is read as tanh. The last formula gives b^{(2)} the
    error of the layer it leaves, not of the one it feeds: found."""
    path = tmp_path / "from_one.md"
    path.write_text(INPUT_IS_LAYER_ONE)
    inference = import_document(path).inference
    network, notation = inference.network, inference.notation
    assert network["layers_from"] == 1
    assert [layer["activation"] for layer in network["layers"]] == ["tanh", "tanh"]
    assert (notation["W^{(l)}"], notation["b^{(l)}"], notation["g"]) == (
        "weight[l+1]", "bias[l+1]", "activation_function")
    assert inference.forward_holds == inference.forward_total
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims] == ["holds"] * 10 + ["wrong"]


ROWS_IN_OWN_LETTERS = r"""# Rows through two layers

A batch $X$ holds one example per row; there are no biases.

$$p^{(2)} = X U^{(1)}$$

$$q^{(2)} = \phi(p^{(2)})$$

$$p^{(3)} = q^{(2)} U^{(2)}$$

$$\hat{y} = \phi(p^{(3)})$$

$$\phi(p) = \max(0, p)$$

$$E = \sum \frac{1}{2} (y - \hat{y})^2$$

$$\delta^{(3)} = (\hat{y} - y) \odot \phi'(p^{(3)})$$

$$\frac{\partial E}{\partial U^{(2)}} = (q^{(2)})^T \delta^{(3)}$$

$$\delta^{(2)} = \delta^{(3)} (U^{(2)})^T \odot \phi'(p^{(2)})$$

$$\frac{\partial E}{\partial U^{(1)}} = X^T \delta^{(3)}$$
"""


def test_a_chain_in_own_letters_numbered_from_the_input(tmp_path, capsys):
    """The same numbering in the document's own letters, samples as rows: the chain names
    p, q and U layer by layer, the conventions' \\delta^{(3)} is then the output layer's, and
    \\phi is ReLU by its formula; p and U get one row for every layer (in the document's
    numbering). The last formula takes the output layer's error: found."""
    path = tmp_path / "rows.md"
    path.write_text(ROWS_IN_OWN_LETTERS)
    inference = import_document(path).inference
    network, notation = inference.network, inference.notation
    assert (network["samples"], network["layers_from"]) == ("rows", 1)
    assert [layer["activation"] for layer in network["layers"]] == ["relu", "relu"]
    assert (notation["p^{(l)}"], notation["U^{(l)}"], notation[r"\phi"]) == (
        "preactivation[l]", "weight[l+1]", "activation_function")
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims] == ["holds"] * 9 + ["wrong"]


def test_formulas_for_two_functions_leave_a_generic_one_generic(tmp_path):
    """A document that gives g's formulas for the sigmoid and for tanh means either: g stays
    generic (the check then says which function each formula is for)."""
    path = tmp_path / "either.md"
    path.write_text(INPUT_IS_LAYER_ONE.replace(
        "$$g'(t) = 1 - g(t)^2$$", "$$g'(t) = 1 - g(t)^2$$\n\nor, for the logistic function,\n\n"
        "$$g(t) = \\frac{1}{1 + e^{-t}}$$"))
    network = import_document(path).inference.network
    assert [layer["function"] for layer in network["layers"]] == ["g", "g"]


LAYER_LOOP = r"""# A stack of layers

Start from $h^{(0)} = x$ and repeat for $k = 1, \ldots, l$:

$$a^{(k)} = W^{(k)} h^{(k-1)} + b^{(k)}$$

$$h^{(k)} = \phi(a^{(k)})$$

The prediction is $\hat{y} = h^{(l)}$, scored by

$$J = \frac{1}{2} \| \hat{y} - y \|^2$$

$$\nabla_{a^{(k)}} J = \nabla_{h^{(k)}} J \odot \phi'(a^{(k)})$$

$$\nabla_{W^{(k)}} J = \nabla_{a^{(k)}} J \, h^{(k-1)\top}$$

$$\nabla_{h^{(k-1)}} J = W^{(k)} \nabla_{a^{(k)}} J$$
"""


def test_a_layer_variable_other_than_l_and_a_as_the_preactivation(tmp_path, capsys):
    """`h^{(k-1)}`: a letter a layer mark steps from is a layer variable, not a sample's mark;
    `h^{(l)}` with l never stepped is then the last layer (l the number of layers); `a`,
    computed from a weight and taken by the activation function, is the pre-activation. The
    last formula drops a transpose: found."""
    path = tmp_path / "loop.md"
    path.write_text(LAYER_LOOP)
    result = import_document(path)
    inference = result.inference
    network, notation = inference.network, inference.notation
    assert (notation["k"], notation["a^{(l)}"]) == ("layer_variable[1..last]",
                                                     "preactivation[l]")
    assert network["sizes"]["l"] == len(network["layers"])
    assert [layer["function"] for layer in network["layers"]] == [r"\phi"] * 2
    assert inference.forward_holds == inference.forward_total
    path.with_suffix(".toml").write_text(result.toml())   # the number of layers is a guess
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims] == ["holds"] * 7 + ["wrong"]


ERRORS_FROM_THE_INPUT = r"""# Two sigmoid layers, one example as a row

$$z_1 = x W_1 + b_1$$

$$a_1 = \sigma(z_1)$$

$$z_2 = a_1 W_2 + b_2$$

$$\hat{y} = \sigma(z_2)$$

$$E = \frac{1}{2} \sum (\hat{y} - y)^2$$

$$\delta_3 = (\hat{y} - y) \circ \hat{y} \circ (1 - \hat{y})$$

$$\delta_2 = \delta_3 W_2^T \circ a_1 \circ (1 - a_1)$$

$$\frac{\partial E}{\partial W_1} = x^T \delta_2$$

$$\frac{\partial E}{\partial b_2} = \delta_3$$

$$\frac{\partial E}{\partial W_2} = a_1 \delta_3$$
"""


def test_error_terms_numbered_from_the_input_in_a_network_numbered_from_its_first_layer(
        tmp_path, capsys):
    """z_1, z_2 but \\delta_3, \\delta_2: the error terms count the input as layer 1 (the
    output layer's is \\delta_3, one beyond the layers). The last formula drops a transpose."""
    path = tmp_path / "deltas.md"
    path.write_text(ERRORS_FROM_THE_INPUT)
    inference = import_document(path).inference
    assert inference.notation[r"\delta_l"] == "adjoint(preactivation[l-1])"
    assert "layers_from" not in inference.network
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims] == ["holds"] * 9 + ["wrong"]


NEURON_J = r"""# One rule for every unit

A unit $j$ adds up what the units $i$ feeding it send, through the weights $\theta_{ij}$:

$$\text{in}_j = \sum_{i} \theta_{ij} h_i + \beta_j$$

$$h_j = \tanh(\text{in}_j)$$

The output units $k$ are compared with their targets:

$$E = \frac{1}{2} \sum_{k} (h_k - t_k)^2$$

$$\delta_j = (h_j - t_j)(1 - h_j^2)$$

for an output unit, and for any other, with $k$ the units it feeds,

$$\delta_j = (1 - h_j^2) \sum_{k} \theta_{jk} \delta_k$$

$$\frac{\partial E}{\partial \theta_{ij}} = h_i \delta_j$$

$$\frac{\partial E}{\partial \beta_j} = \delta_j$$

$$\frac{\partial E}{\partial \theta_{ij}} = h_j \delta_i$$
"""


def test_neuron_j_of_any_layer(tmp_path, capsys):
    """No layer marks: the index letters say the layer (i the one before, j the unit's own,
    k the next). The letters become `units[l-1]`, `units[l]`, `units[l+1]` rows, the names
    keys with a layer variable, and each claim is checked at every layer its letters exist
    at. The last formula exchanges the indices: found."""
    path = tmp_path / "neuron.md"
    path.write_text(NEURON_J)
    result = import_document(path)
    network, notation = result.inference.network, result.inference.notation
    assert (notation["i"], notation["j"], notation["k"]) == ("units[l-1]", "units[l]",
                                                             "units[l+1]")
    assert (notation["in^{(l)}"], notation["h^{(l)}"], notation[r"\theta^{(l)}"],
            notation[r"\beta^{(l)}"], notation["t"]) == (
        "preactivation[l]", "activation[l]", "weight[l]", "bias[l]", "target")
    assert network["weights"] == "in_out"
    assert {layer["activation"] for layer in network["layers"]} == {"tanh"}
    assert len(network["layers"]) == 3       # a hidden layer with one after it
    path.with_suffix(".toml").write_text(result.toml())   # the number of layers is a guess
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims] == ["holds"] * 7 + ["wrong"]


SCORES = r"""# Scores and probabilities

For example $n$ the class scores are $s = x_n V + c$, turned into probabilities

$$q_k = \frac{\exp(s_k)}{\sum_j \exp(s_j)}$$

$$E_n = -\log q_{y_n}$$

$$E = \frac{1}{M} \sum_n E_n + \frac{\lambda}{2} \sum_k \sum_l V_{k,l}^2$$

$$\frac{\partial E_n}{\partial s_k} = q_k - \mathbb{1}(y_n = k)$$

$$\frac{\partial E_n}{\partial s_k} = q_k - 1$$
"""


def test_a_softmax_written_out_and_a_loss_averaging_its_samples_terms(tmp_path, capsys):
    """`q_k = \\frac{\\exp(s_k)}{\\sum_j \\exp(s_j)}` makes the output a softmax of s (the
    pre-activation); `E = \\frac{1}{M} \\sum_n E_n + ...` averages the samples' terms (n the
    sample, M the batch) with a penalty whose square does not make the loss a squared error;
    `V_{k,l}^2` is a square, not layer 2."""
    path = tmp_path / "scores.md"
    path.write_text(SCORES)
    inference = import_document(path).inference
    network, notation = inference.network, inference.notation
    assert [layer["activation"] for layer in network["layers"]] == ["softmax"]
    assert network["loss"] == {"kind": "categorical_cross_entropy", "scale": 1,
                               "reduction": "mean"}
    assert (network["batch"], network["regularization"]) == ("M", {"l2": "lambda",
                                                                   "scale": "1/2"})
    assert (notation["n"], notation["s"], notation["q"]) == (
        "sample_index", "preactivation[last]", "output")
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims] == ["holds"] * 5 + ["wrong"]


BRACKETS = r"""# Layers in brackets

$$Z[1] = W[1] X + b[1], \quad A[1] = g_{\text{tanh}}(Z[1])$$

$$Z[2] = W[2] A[1] + b[2], \quad A[2] = g_{softmax}(Z[2])$$

$$dZ[2] = A[2] - Y$$

$$dW[2] = \frac{1}{m} dZ[2] A[1]^T$$

$$dW[2] = \frac{1}{m} dZ[2] A[1]$$
"""


def test_layers_in_brackets_and_functions_named_by_their_subscript(tmp_path, capsys):
    """`Z[1]`: a layer in brackets; `g_{\\text{tanh}}`, `g_{softmax}`: the function its
    subscript names; no loss written beside a softmax output: the cross entropy, averaged
    over a batch (a question, not a silent guess)."""
    path = tmp_path / "brackets.md"
    path.write_text(BRACKETS)
    result = import_document(path)
    network = result.inference.network
    assert [layer["activation"] for layer in network["layers"]] == ["tanh", "softmax"]
    assert network["loss"]["kind"] == "categorical_cross_entropy"
    assert network["loss"]["reduction"] == "mean"
    assert any("cross entropy of the softmax output" in question
               for question in result.inference.questions)
    path.with_suffix(".toml").write_text(result.toml())
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims] == ["holds"] * 4 + ["wrong"]


ADJOINTS = r"""# Pullbacks through two layers

$$u = W_1 x + b_1$$

$$v = \tanh.(u)$$

$$p = W_2 v + b_2$$

with the cost $C = \frac{1}{2}\|p - t\|^2$. The pullbacks:

$$\overline{p} = p - t$$

$$\overline{W_2} = \overline{p} v^T$$

$$\overline{v} = W_2^T \overline{p}$$

$$\overline{u} = (1 - \tanh.(u)^2) .* \overline{v}$$

$$\overline{W_1} = \overline{u} x^T$$

$$\overline{b_1} = \overline{v}$$
"""


def test_a_chain_of_own_names_whose_first_step_reads_the_input_is_not_the_output(
        tmp_path, capsys):
    """`u = W_1 x + b_1` followed by more layers is layer 1's pre-activation, not the output
    (`Y = W X` alone would be); adjoints written `\\overline{u}`, Julia's `.(`, `.*`. The last
    formula takes the wrong adjoint: found."""
    path = tmp_path / "pullbacks.md"
    path.write_text(ADJOINTS)
    inference = import_document(path).inference
    assert (inference.notation["u"], inference.notation["p"]) == ("preactivation[1]",
                                                                  "preactivation[2]")
    assert [layer["activation"] for layer in inference.network["layers"]] == ["tanh",
                                                                             "identity"]
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims] == ["holds"] * 9 + ["wrong"]


A_LETTER_PER_LAYER = r"""# Two layers, a letter for each

$$u_j = \tanh\left(\sum_i v_{ij} x_i + c_j\right)$$

$$p_k = \sigma\left(\sum_j w_{jk} u_j + d_k\right)$$

$$E = \frac{1}{2} \sum_k (p_k - t_k)^2$$

$$\frac{\partial E}{\partial w_{jk}} = (p_k - t_k) p_k (1 - p_k) u_j$$

$$\frac{\partial E}{\partial d_k} = (p_k - t_k) p_k (1 - p_k)$$

$$\frac{\partial E}{\partial v_{ij}} = \sum_k (p_k - t_k) p_k (1 - p_k) w_{jk} (1 - u_j^2) x_i$$

$$\frac{\partial E}{\partial c_j} = \sum_k (p_k - t_k) p_k (1 - p_k) w_{kj} (1 - u_j^2)$$
"""


def test_a_letter_per_layer_written_unit_by_unit(tmp_path, capsys):
    """`u_j = \\tanh(\\sum_i v_{ij} x_i + c_j)`, `p_k = \\sigma(\\sum_j w_{jk} u_j + d_k)`: each
    step feeds the next, so i, j, k number the units of layers 0, 1, 2 and u_j, p_k are the
    layers' activations; the weights' and biases' letters name their layers. The last
    formula writes w_{kj}: the index error is found."""
    path = tmp_path / "letters.md"
    path.write_text(A_LETTER_PER_LAYER)
    inference = import_document(path).inference
    network, notation = inference.network, inference.notation
    assert (notation["i"], notation["j"], notation["k"]) == ("units[0]", "units[1]",
                                                             "units[2]")
    assert (notation["u_j"], notation["p_k"], notation["t"]) == (
        "activation[1]", "activation[2]", "target")
    assert (notation["v"], notation["w"], notation["c"], notation["d"]) == (
        "weight[1]", "weight[2]", "bias[1]", "bias[2]")
    assert [layer["activation"] for layer in network["layers"]] == ["tanh", "sigmoid"]
    assert network["weights"] == "in_out"
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 6 + [("wrong", "index")]


SIGNALS = r"""# Signals and sensitivities

For layer $l$ with input $\mathbf{x}^{(l-1)}$:

$$\mathbf{s}^{(l)} = \mathbf{W}^{(l)} \mathbf{x}^{(l-1)}$$

$$\mathbf{x}^{(l)} = \theta(\mathbf{s}^{(l)})$$

with the error $e = \| \mathbf{x}^{(L)} - \mathbf{y} \|^2$ and the sensitivities:

$$\boldsymbol{\delta}^{(l)} = \theta'(\mathbf{s}^{(l)}) \otimes \left[ \mathbf{W}^{(l+1)T} \boldsymbol{\delta}^{(l+1)} \right]$$

$$\frac{\partial e}{\partial \mathbf{W}^{(l)}} = \boldsymbol{\delta}^{(l)} \mathbf{x}^{(l-1)T}$$

$$\boldsymbol{\delta}^{(L)} = (\mathbf{x}^{(L)} - \mathbf{y}) \otimes \theta'(\mathbf{s}^{(L)})$$
"""


def test_x_with_a_layer_is_each_layers_output_and_a_differentiated_name_the_loss(
        tmp_path, capsys):
    """`\\mathbf{x}^{(l)} = \\theta(\\mathbf{s}^{(l)})`: x with a layer variable is each
    layer's activation (x^{(0)} the input); `e = \\|...\\|^2`, differentiated later, is the
    loss; a statement for layer l is no step of a chain of fixed layers. The last formula
    drops the 2 of the square: found."""
    path = tmp_path / "signals.md"
    path.write_text(SIGNALS)
    result = import_document(path)
    notation, network = result.inference.notation, result.inference.network
    assert (notation["x^{(l)}"], notation["s^{(l)}"], notation["e"]) == (
        "activation[l]", "preactivation[l]", "loss")
    assert network["loss"] == {"kind": "squared_error", "scale": 1, "reduction": "sum"}
    assert len(network["layers"]) == 3
    path.with_suffix(".toml").write_text(result.toml())   # the number of layers is a guess
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 5 + [("wrong", "factor")]


THETA = r"""# Learning with Theta

Each example starts as $a^{(1)} = x$, and

$$z^{(2)} = \Theta^{(1)} a^{(1)}$$

$$a^{(2)} = \sigma(z^{(2)})$$

$$z^{(3)} = \Theta^{(2)} a^{(2)}$$

$$a^{(3)} = \sigma(z^{(3)})$$

$$J = -\frac{1}{m} \sum_{i=1}^{m} \left( y^{(i)} \log a^{(3)(i)} + (1 - y^{(i)}) \log (1 - a^{(3)(i)}) \right)$$

For each example, the error terms are

$$\delta^{(3)} = a^{(3)} - y$$

$$\delta^{(2)} = (\Theta^{(2)})^T \delta^{(3)} .* a^{(2)} .* (1 - a^{(2)})$$

$$\delta^{(2)} = (\Theta^{(2)})^T \delta^{(3)} .* a^{(2)}$$
"""


def test_theta_weights_numbered_by_the_layer_they_leave_and_each_examples_error_terms(
        tmp_path, capsys):
    """`z^{(2)} = \\Theta^{(1)} a^{(1)}`: Theta is the weight, numbered by the layer it leaves;
    `\\delta^{(3)} = a^{(3)} - y` beside a loss averaged over m is each example's own error
    term (the formulas that write \\delta hold so, not as the mean's). The last formula drops
    a factor of the sigmoid's derivative: found."""
    path = tmp_path / "theta.md"
    path.write_text(THETA)
    inference = import_document(path).inference
    network, notation = inference.network, inference.notation
    assert network["layers_from"] == 1
    assert notation[r"\Theta^{(l)}"] == "weight[l+1]"
    assert notation[r"\delta^{(l)}"] == "sample_adjoint(preactivation[l])"
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [claim["verdict"] for claim in claims][-3:] == ["holds", "holds", "wrong"]


ACCUMULATED = r"""# Learning the weights

Start from $h^{(1)} = x$ and compute

$$s^{(2)} = V^{(1)} h^{(1)}$$

$$h^{(2)} = \phi(s^{(2)})$$

$$s^{(3)} = V^{(2)} h^{(2)}$$

$$f_V(x) = h^{(3)} = \phi(s^{(3)})$$

with the logistic function $\phi(s) = \frac{1}{1 + e^{-s}}$. Over $N$ examples and $C$ outputs the
cost is

$$E(V) = -\frac{1}{N} \sum_{n=1}^{N} \sum_{c=1}^{C} \left[ t^{(n)}_c \log f_V(x^{(n)})_c + (1 - t^{(n)}_c) \log (1 - f_V(x^{(n)})_c) \right]$$

For each example, backwards:

$$e^{(3)} = h^{(3)} - t$$

$$e^{(2)} = (V^{(2)})^T e^{(3)} \odot \phi'(s^{(2)})$$

and accumulate

$$\Delta^{(l)}_{pq} := \Delta^{(l)}_{pq} + h^{(l)}_q e^{(l+1)}_p$$

Finally

$$G^{(l)} := \frac{1}{N} \Delta^{(l)}$$

$$\frac{\partial E}{\partial V^{(l)}} = G^{(l)}$$

$$\Delta^{(l)}_{pq} := \Delta^{(l)}_{pq} + h^{(l)}_p e^{(l+1)}_q$$

$$\frac{\partial E}{\partial V^{(l)}} = N G^{(l)}$$
"""


def test_gradients_accumulated_example_by_example_in_own_letters(tmp_path, capsys):
    """A chain in own letters numbered from the input (`h^{(1)} = x`, then `s^{(2)} = V^{(1)}
    h^{(1)}`): V and s get one row for every layer; the cross entropy summed over C outputs
    makes C the output's units and t (what multiplies its logs) the target; e, set to the
    output minus the target, names each example's error terms (e^{-s} stays Euler's); the
    accumulator \\Delta^{(l)} and G^{(l)} defined from it are read at every layer. Both
    planted errors (an index swap, a factor N) are found."""
    path = tmp_path / "accumulated.md"
    path.write_text(ACCUMULATED)
    inference = import_document(path).inference
    network, notation = inference.network, inference.notation
    assert network["layers_from"] == 1 and network["layers"][-1]["units"] == "C"
    assert (notation["V^{(l)}"], notation["s^{(l)}"], notation["t"], notation["e^{(l)}"]) == (
        "weight[l+1]", "preactivation[l]", "target", "sample_adjoint(preactivation[l])")
    assert inference.forward_holds == inference.forward_total == 6
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 12 + [("wrong", "index"), ("wrong", "factor")]


DELTA_RULE = r"""# The delta rule, unit by unit

Every unit $j$ adds up what the units $i$ before it send:

$$u_j = \sum_i v_{ji} r_i$$

$$r_j = \sigma(u_j)$$

On one example the error is

$$Q = \frac{1}{2} \sum_{k \in outputs} (s_k - r_k)^2$$

and we call

$$\delta_j = - \frac{\partial Q}{\partial u_j}$$

For the units of the last layer and the units before them

$$\delta_k = r_k (1 - r_k)(s_k - r_k)$$

$$\delta_j = r_j (1 - r_j) \sum_{k \in outputs} v_{kj} \delta_k$$

so each weight moves by

$$\Delta v_{ji} = \eta \delta_j r_i$$

$$\delta_k = r_k (1 - r_k)(r_k - s_k)$$

$$\Delta v_{ji} = -\eta \delta_j r_i$$
"""


def test_an_error_term_defined_as_minus_the_gradient_is_the_delta_rules(tmp_path, capsys):
    """`\\delta_j = -\\frac{\\partial Q}{\\partial u_j}` declares \\delta as minus the gradient
    (the delta rule's sign), so `\\delta_k = r_k(1 - r_k)(s_k - r_k)` and the update `\\Delta
    v_{ji} = \\eta \\delta_j r_i` hold; `k \\in outputs` names the output units, not a batch;
    the planted sign errors are found."""
    path = tmp_path / "delta_rule.md"
    path.write_text(DELTA_RULE)
    result = import_document(path)
    network, notation = result.inference.network, result.inference.notation
    assert network["samples"] == "single" and "outputs" not in network["sizes"]
    assert notation[r"\delta^{(l)}"] == "-adjoint(preactivation[l])"
    path.with_suffix(".toml").write_text(result.toml())   # the number of layers is a guess
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 7 + [("wrong", "sign")] * 2


AT_EACH_STEP = r"""# Learning online, one pattern at a time

At step $r$ unit $q$ of any layer gathers the outputs $h_p(r)$ of the units feeding it:

$$u_q(r) = \sum_{p} c_{qp}(r) h_p(r)$$

$$h_q(r) = \tanh(u_q(r))$$

The output units miss their desired values $\tau_q(r)$ by

$$\epsilon_q(r) = \tau_q(r) - h_q(r)$$

$$\mathcal{J}(r) = \frac{1}{2} \sum_{q} \epsilon_q^2(r)$$

Define

$$g_q(r) = -\frac{\partial \mathcal{J}(r)}{\partial u_q(r)}$$

so that at the output

$$g_q(r) = \epsilon_q(r) (1 - h_q^2(r))$$

and one layer lower

$$g_q(r) = (1 - h_q^2(r)) \sum_{s} g_s(r) c_{sq}(r)$$

$$c_{qp}(r+1) = c_{qp}(r) + \eta g_q(r) h_p(r)$$

$$g_q(r) = \epsilon_q(r) (1 - h_q(r))$$

$$c_{qp}(r+1) = c_{qp}(r) - \eta g_q(r) h_p(r)$$
"""


def test_values_at_each_step_of_online_learning_unit_by_unit(tmp_path, capsys):
    """`u_q(r)`, `h_q(r)`: the values at step r of training (r, written only as the argument of
    names, becomes `'r' = "iteration"`, and the updates to step r+1 are no forward pass);
    `\\epsilon_q(r) = \\tau_q(r) - h_q(r)` defines \\epsilon and makes \\tau, which nothing
    else names, the target; `\\mathcal{J}` is a loss; `g_q(r) = -\\frac{\\partial
    \\mathcal{J}(r)}{\\partial u_q(r)}` makes g the delta rule's error term. Both planted
    errors (a wrong derivative, an ascent step) are found."""
    path = tmp_path / "online.md"
    path.write_text(AT_EACH_STEP)
    result = import_document(path)
    notation = result.inference.notation
    assert (notation["r"], notation[r"\tau"], notation["g^{(l)}"]) == (
        "iteration", "target", "-adjoint(preactivation[l])")
    assert result.inference.forward_holds == result.inference.forward_total
    path.with_suffix(".toml").write_text(result.toml())   # the number of layers is a guess
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 8 + [("wrong", "other"), ("wrong", "sign")]


NAMED_LAYERS = r"""# Two layers, samples in rows

The rows of $A^{(in)}$ are the samples:

$$Z^{(h)} = A^{(in)} U^{(h)}$$

$$A^{(h)} = \psi(Z^{(h)})$$

$$Z^{(out)} = A^{(h)} U^{(out)}$$

$$A^{(out)} = \psi(Z^{(out)})$$

with $\psi(z) = \frac{1}{1 + e^{-z}}$, and the cost

$$J(U) = -\sum_{s=1}^{N} \sum_{c=1}^{C} y_c^{[s]} \log(a_c^{[s]}) + (1 - y_c^{[s]}) \log(1 - a_c^{[s]})$$

Backwards:

$$\delta^{(out)} = A^{(out)} - y$$

$$\delta^{(h)} = \delta^{(out)} (U^{(out)})^T \odot A^{(h)} \odot (1 - A^{(h)})$$

$$\Delta^{(h)} = (A^{(in)})^T \delta^{(h)}$$

$$\Delta^{(out)} = (A^{(h)})^T \delta^{(out)}$$

$$U^{(l)} := U^{(l)} - \eta \Delta^{(l)}$$

$$\Delta^{(h)} = \delta^{(h)} (A^{(in)})^T$$

$$\Delta^{(out)} = (A^{(h)})^T \delta^{(h)}$$
"""


def test_layers_by_name_and_a_rate_times_the_increment_in_the_update(tmp_path, capsys):
    """`A^{(in)}`, `Z^{(h)}`, `Z^{(out)}`: layers by their names (the input, one hidden layer
    and the output, no guess), U named layer by layer gets one row for every layer; the
    update `U^{(l)} := U^{(l)} - \\eta \\Delta^{(l)}` makes \\Delta the weights' gradient; a
    cost summed over samples s (up to N) and outputs c (up to C) names the batch and the
    output units, its second term inside the sums. Both planted errors are found, each fix
    written in the document's marks."""
    path = tmp_path / "named.md"
    path.write_text(NAMED_LAYERS)
    inference = import_document(path).inference
    network, notation = inference.network, inference.notation
    assert not inference.questions
    assert (network["samples"], network["batch"], network["layers"][-1]["units"]) == (
        "rows", "N", "C")
    assert (notation["U^{(l)}"], notation[r"\Delta^{(l)}"]) == ("weight[l]",
                                                                "adjoint(weight[l])")
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 11 + [("wrong", "shape")] * 2
    assert [claim["correction"] for claim in claims[-2:]] == [
        r"\Delta^{(h)} = (A^{(in)})^T \delta^{(h)}",
        r"\Delta^{(out)} = (A^{(h)})^T \delta^{(out)}"]


ONE_UNIT = r"""# One sigmoid unit, one example

An example has three features:

$$z = w^T x + b$$

$$a = \sigma(z)$$

$$\mathcal{L}(a, y) = -(y \log(a) + (1 - y) \log(1 - a))$$

$$dz = a - y$$

$$dw_1 = x_1 dz$$

$$dw_3 = x_3 dz$$

$$db = dz$$

$$dw_2 = x_3 dz$$
"""

ONE_UNIT_BATCH = r"""# One sigmoid unit, every example at once

$$Z = w^T X + b$$

$$A = \sigma(Z)$$

$$J = \frac{1}{m} \sum_{i=1}^{m} \mathcal{L}(a^{(i)}, y^{(i)})$$

$$dZ = A - Y$$

$$dw = \frac{1}{m} X dZ^T$$

$$db = \frac{1}{m} \sum_{i=1}^{m} dz^{(i)}$$

$$dw = \frac{1}{m} dZ X^T$$
"""


def test_one_unit_with_a_weight_vector_and_its_entries(tmp_path, capsys):
    """`z = w^T x + b`: one layer (the chain's names carry no numbers, so `dw_1 = x_1 dz`
    writes entries, not layers), the weights a vector (`in_out`), dw declared the layer's so
    that its subscripts read as entries. The planted error (entry 3 for entry 2) is found."""
    path = tmp_path / "unit.md"
    path.write_text(ONE_UNIT)
    inference = import_document(path).inference
    network, notation = inference.network, inference.notation
    assert len(network["layers"]) == 1 and network["layers"][0]["units"] == 1
    assert network["weights"] == "in_out" and not inference.questions
    assert notation["dw"] == "adjoint(weight[1])"
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 7 + [("wrong", "other")]


def test_a_loss_no_formula_writes_out_is_the_one_the_gradients_are_of(tmp_path, capsys):
    """`J = \\frac{1}{m} \\sum_i \\mathcal{L}(a^{(i)}, y^{(i)})` leaves the loss unwritten: of
    the cross entropy and the squared error, summed or averaged, the one under which the most
    formulas hold is taken (`dZ = A - Y` is the averaged cross entropy's), one output unit,
    said as a question. The planted error (the product in the other order) is found."""
    path = tmp_path / "batch.md"
    path.write_text(ONE_UNIT_BATCH)
    result = import_document(path)
    network = result.inference.network
    assert network["loss"] == {"kind": "binary_cross_entropy", "scale": 1, "reduction": "mean"}
    assert (network["samples"], network["batch"], network["layers"][0]["units"]) == (
        "columns", "m", 1)
    assert any("taken as the binary cross entropy" in question
               for question in result.inference.questions)
    path.with_suffix(".toml").write_text(result.toml())   # the loss is a guess
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 6 + [("wrong", "transpose")]


OUTPUT_BY_NAME = r"""# A regression network, one example

$$z^{[1]} = W^{[1]} x + b^{[1]}$$

$$a^{[1]} = \max(0, z^{[1]})$$

$$r = W^{[2]} a^{[1]} + b^{[2]}$$

$$J = \frac{1}{2}(y - r)^2$$

$$\frac{\partial J}{\partial W^{[2]}} = (r - y) a^{[1]\top}$$

$$\frac{\partial J}{\partial z^{[1]}} = W^{[2]\top} (r - y) \odot 1\{z^{[1]} \geq 0\}$$

$$\frac{\partial J}{\partial b^{[1]}} = W^{[2]\top} (y - r) \odot 1\{z^{[1]} \geq 0\}$$
"""


def test_the_output_named_by_a_letter_of_its_own_beside_conventional_layers(tmp_path, capsys):
    """`r = W^{[2]} a^{[1]} + b^{[2]}` names the output layer's pre-activation r; `z^{[1]}`
    stays the conventions' (the row for one layer's quantity no longer takes the meaning from
    every letter). The planted sign error is found."""
    path = tmp_path / "regression.md"
    path.write_text(OUTPUT_BY_NAME)
    inference = import_document(path).inference
    assert inference.notation["r"] == "preactivation[2]"
    assert inference.forward_holds == inference.forward_total == 4
    assert main(["check", str(path), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert [(claim["verdict"], claim.get("diagnosis")) for claim in claims] == \
        [("holds", None)] * 6 + [("wrong", "sign")]
