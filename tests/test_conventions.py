"""The notations of the conventions table, each in a small document written for the test with
no `[notation]` (or only what the test is about): correct formulas hold, and one planted error
per convention is found, so a convention that is read but misread fails too."""

from __future__ import annotations

import pytest

from symnet.check import check_document
from symnet.conventions import (ascii_latex, marks_layers_with_superscripts,
                                subscripted_digits)
from symnet.document import parse
from symnet.errors import InputError


def network(samples="columns", hidden="tanh", output="sigmoid", loss="squared_error",
            scale="1/2", reduction="sum", outputs=2, **extra) -> dict:
    table = {"samples": samples, "sizes": {"n": 3, "p": 4, "q": outputs, "m": 5},
             "inputs": "n",
             "layers": [{"units": "p", "activation": hidden},
                        {"units": "q", "activation": output}],
             "loss": {"kind": loss, "scale": scale, "reduction": reduction}, **extra}
    if samples != "single":
        table["batch"] = "m"
    return table


def verdicts_in(table: dict, claims: list[str], notation: dict | None = None,
                summation: str = "written") -> list:
    """The verdicts of `claims` in a document with the network `table`."""
    document = parse({"document": {"title": "conventions", "summation": summation},
                      "network": table,
                      "notation": notation or {},
                      "claim": [{"id": str(k), "latex": latex}
                                for k, latex in enumerate(claims)]})
    return check_document(document).claims


def verdicts(claims: list[str], notation: dict | None = None, **setup) -> list:
    return verdicts_in(network(**setup), claims, notation)


def outcomes(results: list) -> list[tuple]:
    return [(v.verdict, v.diagnosis) for v in results]


def outcome(claims: list[str], notation: dict | None = None, **setup) -> list[tuple]:
    return outcomes(verdicts(claims, notation, **setup))


HOLDS = ("holds", None)
# the network of code-like derivations (dZ, dW, 1/m): ReLU, one sigmoid unit, mean cross-entropy
CODE_LIKE = {"hidden": "relu", "reduction": "mean", "loss": "binary_cross_entropy", "scale": 1,
             "outputs": 1}
# a softmax classifier of three classes
SOFTMAX_CE = {"output": "softmax", "loss": "categorical_cross_entropy", "scale": 1, "outputs": 3}

# (convention, setup, correct formulas, (formula index, old, new, planted verdict))
CASES = [
    ("layer marks in parentheses and brackets", {}, [
        r"Z^{(1)} = W^{(1)} X + b^{(1)}",
        r"A^{[1]} = \tanh(Z^{[1]})",
        r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} A^{(1)T}",
    ], (2, r"A^{(1)T}", r"A^{(1)}", ("wrong", "shape"))),
    ("bare layer superscripts", {}, [
        r"z^2 = W^2 a^1 + b^2",
        r"\delta^{l} = (W^{l+1})^T \delta^{l+1} \odot (1 - \tanh^2(z^l))",
        r"\frac{\partial L}{\partial w^2_{jk}} = \sum_m a^1_{km} \delta^2_{jm}",
    ], (2, r"a^1_{km}", r"a^1_{jm}", ("wrong", "index"))),
    ("subscript layers and glued layer numbers, samples as rows",
     {"samples": "rows", "weights": "in_out", "output": "softmax",
      "loss": "categorical_cross_entropy", "scale": 1}, [
        r"z_1 = xW_1 + b_1",
        r"a_1 = \tanh(z_1)",
        r"\hat{y} = \mathrm{softmax}(a_1 W_2 + b_2)",
        r"\delta_2 = \hat{y} - y",
        r"\delta1 = \delta2 W2^T \circ (1 - a1^2)",
        r"\frac{\partial L}{\partial W_2} = a_1^T \delta_2",
        r"\frac{\partial L}{\partial b_2} = \sum \delta_2",
    ], (5, r"a_1^T \delta_2", r"\delta_2^T a_1", ("wrong", "transpose"))),
    ("a layer, a comma and the entry's indices in one subscript",
     {"samples": "single", **SOFTMAX_CE}, [
        r"z_1 = W_1 x + b_1",
        r"\frac{\partial L}{\partial z_{2,j}} = a_{2,j} - y_j",
        r"\frac{\partial L}{\partial W_{2,ij}} = (a_{2,i} - y_i) a_{1,j}",
        r"\frac{\partial L}{\partial a_{1,k}} = \sum_i W_{2,ik} (a_{2,i} - y_i)",
        r"\frac{\partial a_{2,i}}{\partial z_{2,j}} = a_{2,i} (\delta_{ij} - a_{2,j})",
    ], (3, r"W_{2,ik}", r"W_{2,ki}", ("wrong", "index"))),
    ("the unit step by its names", {"samples": "single", "hidden": "relu"}, [
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot \mathrm{step}(z^{(1)})",
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot H(z^{(1)})",
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot \operatorname{Heaviside}(z^{(1)})",
    ], (0, r"(z^{(1)})", r"(-z^{(1)})", ("wrong", "other"))),
    ("a loss as a trace, tanh's derivative with hyperbolic functions", {}, [
        r"L = \frac12 \operatorname{tr}\left((A^{(2)} - Y)^T (A^{(2)} - Y)\right)",
        r"L = \frac12 \mathrm{Tr}\left((A^{(2)} - Y) (A^{(2)} - Y)^T\right)",
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot \operatorname{sech}^2(Z^{(1)})",
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot \frac{1}{\cosh^2(Z^{(1)})}",
    ], (2, r"\operatorname{sech}^2", r"\operatorname{sech}", ("wrong", "other"))),
    ("matrices written entry by entry, also with entries elided", {"samples": "single"}, [
        r"\frac{\partial L}{\partial b^{(2)}} = \begin{bmatrix} \delta^{(2)}_1 \\ "
        r"\delta^{(2)}_2 \end{bmatrix}",
        r"\frac{\partial L}{\partial W^{(2)}} = \begin{bmatrix} \delta^{(2)}_1 a^{(1)}_1 & "
        r"\cdots & \delta^{(2)}_1 a^{(1)}_p \\ \vdots & \ddots & \vdots \\ \delta^{(2)}_q "
        r"a^{(1)}_1 & \cdots & \delta^{(2)}_q a^{(1)}_p \end{bmatrix}",
        r"\frac{\partial z^{(2)}}{\partial a^{(1)}} = \begin{pmatrix} \frac{\partial "
        r"z^{(2)}_1}{\partial a^{(1)}_1} & \frac{\partial z^{(2)}_1}{\partial a^{(1)}_2} & "
        r"\cdots \\ \frac{\partial z^{(2)}_2}{\partial a^{(1)}_1} & \cdots & \cdots \\ "
        r"\vdots & & \ddots \end{pmatrix} = W^{(2)}",
        r"\frac{\partial L}{\partial a^{(1)}} = \left[\begin{array}{c} \sum_k W^{(2)}_{k1} "
        r"\delta^{(2)}_k \\ \vdots \\ \sum_k W^{(2)}_{kp} \delta^{(2)}_k "
        r"\end{array}\right]",
    ], (0, r"\delta^{(2)}_2 \end", r"\delta^{(2)}_1 \end", ("wrong", "other"))),
    ("every entry summed by ones vectors, a function after an element-wise product",
     {"reduction": "mean", **SOFTMAX_CE}, [
        r"L = -\frac{1}{m} \mathbf{1}^\top \left[Y \odot \log A^{(2)}\right] \mathbf{1}",
        r"L = -\frac{1}{m} \mathbf{1}^\top \left(Y \odot \log A^{(2)}\right) \mathbf{1}",
        r"L = -\frac{1}{m} \operatorname{tr}\left(Y^\top \log A^{(2)}\right)",
    ], (0, r"[Y \odot", r"[(1 - Y) \odot", ("wrong", "other"))),
    ("named layers", {}, [
        r"Z^h = W^h X + b^h",
        r"\hat{Y} = \sigma(W^o A^h + b^{o})",
        r"\frac{\partial L}{\partial b^o} = \sum \delta^o",
    ], (1, r"\sigma(", r"\tanh(", ("wrong", "other"))),
    ("adjoint bars", {}, [
        r"\bar{W}^{(2)} = \bar{z}^{(2)} a^{(1)T}",
        r"\overline{a^{(1)}} = W^{(2)T} \overline{z^{(2)}}",
        r"\overline{\mathcal{L}} = 1",
    ], (1, r"W^{(2)T}", r"-W^{(2)T}", ("wrong", "sign"))),
    ("d-names of code-like derivations", CODE_LIKE, [
        r"dZ^{[2]} = A^{[2]} - Y",
        r"dW^{[2]} = \frac{1}{m} dZ^{[2]} A^{[1]T}",
        r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot \mathbb{1}(Z^{[1]} > 0)",
        r"\mathrm{d}W^{[2]} = \frac{1}{m} \mathrm{d}Z^{[2]} A^{[1]T}",
        r"J = -\frac1m \sum_{i \in m} (y_i \log \hat{y}_i + (1 - y_i) \log(1 - \hat{y}_i))",
    ], (1, r"\frac{1}{m}", "", ("wrong", "factor"))),
    ("piecewise definitions with cases", {"hidden": "relu"}, [
        r"\operatorname{ReLU}'(z) = \begin{cases} 1 & \text{if } z > 0 \\ 0 & \text{otherwise} \end{cases}",
        r"\max(0, x) = \begin{cases} x, & x > 0, \\ 0, & x \leq 0. \end{cases}",
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot \begin{cases} 1 & Z^{(1)} > 0 \\ 0 & \text{else} \end{cases}",
    ], (0, r"\text{if } z > 0", r"\text{if } z < 0", ("wrong", "other"))),
    ("primes, exponentials, short fractions", {"hidden": "sigmoid"}, [
        r"\sigma^\prime(z) = \sigma(z)(1 - \sigma(z))",
        r"A^{(1)} = \frac{1}{1 + e^{-Z^{(1)}}}",
        r"\frac{\partial L}{\partial A^{(2)}} = A^{(2)} - Y",
        r"L = \frac12 \sum (A^{(2)} - Y)^2",
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot \sigma.(Z^{(1)}) \odot (1 - \sigma.(Z^{(1)}))",
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \odot \dot\sigma(Z^{(1)})",
        r"\dot{\sigma}(z) = \sigma(z)(1 - \sigma(z))",
    ], (2, r"A^{(2)} - Y", r"Y - A^{(2)}", ("wrong", "sign"))),
    ("total derivatives and operators", {}, [
        r"\frac{dL}{dW^{(2)}} = \delta^{(2)} A^{(1)T}",
        r"\frac{\partial}{\partial W^{(2)}} L = \delta^{(2)} A^{(1)T}",
        r"\frac{\partial L}{\partial W^{(2)}} = \underbrace{\delta^{(2)}}_{\text{error}} A^{(1)T}",
    ], (0, r"\delta^{(2)} A", r"2 \delta^{(2)} A", ("wrong", "factor"))),
    ("updates: time steps and arrows", {}, [
        r"W^{(2)}(t+1) = W^{(2)}(t) - \eta \frac{\partial L}{\partial W^{(2)}}",
        r"w^2 \rightarrow w^2 - \eta \nabla_{w^2} L",
        r"W^{(2)} \rightarrow W^{(2)\prime} = W^{(2)} - \eta \nabla_{W^{(2)}} L",
        r"A^{(2)} = \sigma(Z^{(2)}) \rightarrow \frac{\partial A^{(2)}}{\partial Z^{(2)}} = "
        r"\sigma'(Z^{(2)})",
    ], (0, r"- \eta", r"+ \eta", ("wrong", "sign"))),
    ("layers in square brackets after the name", CODE_LIKE, [
        r"Z[1] = W[1]X + b[1]",
        r"dZ[2] = A[2] - Y",
        r"dW[2] = \frac{1}{m} dZ[2] A[1]^T",
        r"db[2] = \frac{1}{m} \sum_{i=1}^{m} dZ[2]",
        r"A[1] = g_{\text{ReLU}}(Z[1]) = \max(0, Z[1])",
        r"W[2] := W[2] - \eta dW[2]",
    ], (2, r"A[1]^T", r"A[1]", ("wrong", "shape"))),
    ("element-wise products, logarithms, norms, a sum with only an upper limit",
     {"samples": "single"}, [
        r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \bullet (1 - \tanh^2(z^{(1)}))",
        r"\delta^{(1)} = (W^{(2)T} \delta^{(2)}) .* (1 - a^{(1)} .* a^{(1)})",
        r"L = \frac12 \Vert a^{(2)} - y \Vert_2^2",
        r"L = \frac12 \sum_i^q (a^{(2)}_i - y_i)^2",
        r"\ln(a^{(2)}_j) = -\ln(1 + e^{-z^{(2)}_j})",
    ], (2, r"\frac12 ", "", ("wrong", "factor"))),
    ("scripts after a call's parentheses belong to its value", {}, [
        r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot (1 - \tanh(Z^{(1)})^2)",
        r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} \tanh(Z^{(1)})^T",
        r"\delta^{(2)}_{ij} = (\sigma(Z^{(2)})_{ij} - Y_{ij}) \sigma(Z^{(2)})_{ij} "
        r"(1 - \sigma(Z^{(2)})_{ij})",
        r"\frac{\partial L}{\partial b^{(1)}} = \left((W^{(2)})^T \delta^{(2)} \odot "
        r"(1 - \tanh (Z^{(1)})^{2})\right) \mathbf{1}",
    ], (1, r"\tanh(Z^{(1)})^T", r"\tanh(Z^{(1)})", ("wrong", "shape"))),
    ("indicators in braces, brackets, a subscript or \\mathbb{I}; NumPy's * between matrices;"
     " g^{[l]} and \\alpha", CODE_LIKE, [
        r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot \mathbb{1}\{Z^{[1]} > 0\}",
        r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot 1[Z^{[1]} > 0]",
        r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot \mathbb{1}_{Z^{[1]} > 0}",
        r"dZ^{[1]} = W^{[2]T} dZ^{[2]} \odot \mathbb{I}(Z^{[1]} > 0)",
        r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g^{[1]\prime}(Z^{[1]})",
        r"W^{[1]} := W^{[1]} - \alpha\, dW^{[1]}",
    ], (0, "> 0", "< 0", ("wrong", "other"))),
    ("Jacobians written with diag, and a derivative with slashes", {"samples": "single"}, [
        r"\delta^{(1)} = \operatorname{diag}(1 - \tanh^2(z^{(1)})) W^{(2)T} \delta^{(2)}",
        r"\partial L / \partial z^{(2)} = (a^{(2)} - y) \odot a^{(2)} \odot (1 - a^{(2)})",
        r"\frac{\partial L}{\partial z^{(1)}} = \mathrm{diag}(1 - a^{(1)} \odot a^{(1)}) "
        r"(W^{(2)})^\top \frac{\partial L}{\partial z^{(2)}}",
    ], (0, "W^{(2)T}", "W^{(2)}", ("wrong", "shape"))),
    ("NumPy's sums along an axis, as code-like notes write them", CODE_LIKE, [
        r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=1, keepdims=True)",
        r"db^{[1]} = \frac{1}{m} \text{np.sum}(dZ^{[1]}, \text{axis} = 1)",
        r"db^{[1]} = \frac{1}{m} \text{sum}(dZ^{[1]}, \quad \text{axis} = \text{columns})",
    ], (0, "axis=1", "axis=0", ("wrong", "shape"))),
    ("unicode", {}, [
        "Z⁽¹⁾ = W^{(1)} X + b^{(1)}".replace("⁽¹⁾", "^{(1)}"),
        "∂L/∂W^{(2)} = δ^{(2)} A^{(1)ᵀ}".replace("∂L/∂W^{(2)}", r"\frac{∂L}{∂W^{(2)}}"),
        "Ŷ = σ(Z^{(2)})",
        "δ^{(1)} = (W^{(2)ᵀ} δ^{(2)}) ⊙ (1 − tanh^2(Z^{(1)}))",
        "∇_{W^{(2)}} L = δ^{(2)} A^{(1)ᵀ}",
    ], (3, "1 −", "2 −", ("wrong", "other"))),
]


@pytest.mark.parametrize("name,setup,claims,planted", CASES, ids=[case[0] for case in CASES])
def test_convention_reads_correct_formulas_and_finds_a_planted_error(name, setup, claims,
                                                                     planted):
    results = verdicts(claims, **setup)
    for claim, result in zip(claims, results):
        assert (result.verdict, result.diagnosis) == HOLDS, (claim, result.message)
    index, old, new, expected = planted
    assert old in claims[index]
    wrong = verdicts([claims[index].replace(old, new, 1)], **setup)[0]
    assert (wrong.verdict, wrong.diagnosis) == expected, wrong.message


def test_the_documents_notation_wins_over_the_conventions():
    # `E` is a loss by convention; a document that names its loss `L` uses E for its own
    claims = [r"E = \sum_j A_j^{(2)}", r"L = \frac12 \sum_j (A_j^{(2)} - Y_j)^2"]
    assert outcome(claims, {"L": "loss"}, samples="single") == [HOLDS, HOLDS]
    # a symbol the document declares keeps the document's meaning (here y is the output)
    assert outcome([r"y = \sigma(z^{(2)})"], {"y": "output"}, samples="single") == [HOLDS]
    # a size's name is not a convention's symbol: L the number of layers is not the loss
    document = network(samples="single")
    document["sizes"]["L"] = 2
    claim = r"\delta^L = (a^L - y) \odot \sigma'(z^L)"
    assert outcomes(verdicts_in(document, [claim])) == [HOLDS]


def test_layers_numbered_from_one():
    # a^1 = x: the input is layer 1, the first hidden layer 2 (a common textbook numbering)
    claims = [r"a^1 = x", r"z^2 = w^2 a^1 + b^2", r"\delta^3 = (a^3 - y) \odot \sigma'(z^3)",
              r"\frac{\partial C}{\partial w^3_{jk}} = a^2_k \delta^3_j"]
    setup = {"samples": "single", "layers_from": 1}
    assert outcome(claims, **setup) == [HOLDS] * 4
    assert outcome([r"z^2 = w^3 a^1 + b^2"], **setup) == [("wrong", "shape")]


def test_weights_numbered_apart_from_activations():
    # z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)} with a^{(1)} = x: W^{(l)} feeds layer l+1
    notation = {"W^{(l)}": "weight[l+1]", "b^{(l)}": "bias[l+1]"}
    claims = [r"z^{(2)} = W^{(1)} a^{(1)} + b^{(1)}", r"z^{(3)} = W^{(2)} a^{(2)} + b^{(2)}",
              r"\delta^{(2)} = (W^{(2)T} \delta^{(3)}) \odot (1 - \tanh^2(z^{(2)}))"]
    setup = {"samples": "single", "layers_from": 1}
    assert outcome(claims, notation, **setup) == [HOLDS] * 3
    assert outcome([r"z^{(3)} = W^{(1)} a^{(2)} + b^{(2)}"], notation, **setup)[0][0] == "wrong"


def test_a_key_with_a_layer_offset_is_read():
    notation = {"z^{(l+1)}": "preactivation[l]", "a^{(l+1)}": "activation[l]"}
    assert outcome([r"z^{(3)} = W^{(2)} a^{(2)} + b^{(2)}"], notation,
                   samples="single") == [HOLDS]


def test_named_layers_next_to_a_layer_variable():
    # `W^o` declared as the output layer, `A^L` with L the number of layers: no confusion
    notation = {"W^o": "weight[2]", "A^L": "activation[L]", "A^h": "activation[1]"}
    document = network(samples="single")
    document["sizes"]["L"] = 2
    claims = [r"A^L = \sigma(W^o A^h + b^{(2)})", r"A^L = \sigma(W^L A^{L-1} + b^L)"]
    assert outcomes(verdicts_in(document, claims, notation)) == [HOLDS, HOLDS]


def test_a_declared_subscript_layer_composes_with_a_transpose():
    notation = {"W_2": "weight[2]", "a_1": "activation[1]",
                "\\delta_2": "adjoint(preactivation[2])"}
    assert outcome([r"\frac{\partial L}{\partial W_2} = \delta_2 a_1^T",
                    r"\frac{\partial L}{\partial a_1} = W_2^T \delta_2"], notation,
                   samples="single") == [HOLDS, HOLDS]


def test_a_broadcast_bias_with_samples_as_rows_holds():
    assert outcome([r"Z^{(1)} = X W^{(1)} + b^{(1)}"], samples="rows",
                   weights="in_out") == [HOLDS]
    assert outcome([r"Z^{(1)} = X W^{(1)} + b^{(1)T}"], samples="rows",
                   weights="in_out") == [HOLDS]


def test_sizes_the_document_equates_stay_equal():
    # the prose says "here n = q": a sum over n entries of the output is right
    table = network(samples="single")
    table["sizes"].update({"q": 3, "r": "q"})
    claim = r"L = \frac12 \sum_{j=1}^{r} (a_j^{(2)} - y_j)^2"
    assert outcomes(verdicts_in(table, [claim])) == [HOLDS]


def test_a_size_alias_must_name_a_size():
    table = network()
    table["sizes"]["r"] = "nothing"
    with pytest.raises(InputError, match="network.sizes.r"):
        parse({"document": {"title": "t"}, "network": table})


def test_layers_from_accepts_zero_or_one():
    with pytest.raises(InputError, match="network.layers_from"):
        parse({"document": {"title": "t"}, "network": network(layers_from=2)})


def test_an_ambiguous_hidden_layer_name_is_unchecked_with_the_reason():
    table = network(samples="single")
    table["layers"].insert(0, {"units": "p", "activation": "tanh"})
    result = verdicts_in(table, [r"a^h = \tanh(z^h)"])[0]
    assert result.verdict == "unchecked"
    assert "hidden layer" in result.message


def test_unicode_is_read_as_the_latex_it_stands_for():
    assert ascii_latex("σ(z)ᵀ ⊙ ∂L").split() == r"\sigma (z)^T \odot \partial L".split()
    assert ascii_latex("A^{(1)ᵀ}") == "A^{(1)T}"
    assert ascii_latex(r"\sigma(z)") == r"\sigma(z)"
    # a [notation] key in Unicode is read as the claims are: `'β' = "learning_rate"`
    claims = [r"W^{(1)} = W^{(1)} - β dW^{(1)}", r"W^{(1)} = W^{(1)} - \beta dW^{(1)}"]
    assert outcome(claims, {"β": "learning_rate"}, **CODE_LIKE) == [HOLDS, HOLDS]
    assert outcome([claims[0].replace("-", "+")], {"β": "learning_rate"},
                   **CODE_LIKE) == [("wrong", "sign")]


def test_unicode_sub_and_superscripts_are_scripts_and_broadcast_dots_are_operators():
    """`W₁`, `a⁽²⁾ᵀ`: a run of Unicode script characters is one script; Julia's `.+`, `.-`,
    `.*` are the operators entry by entry; `log p` without a backslash is `\\log p`."""
    assert ascii_latex("W₁₂ a⁽ˡ⁾ᵀ yₖ x²") == "W_{12} a^{(l)T} y_{k} x^2"
    single = {"samples": "single", "hidden": "sigmoid", **SOFTMAX_CE}
    claims = ["∂L/∂z⁽²⁾ = a⁽²⁾ − y", "∂L/∂W⁽²⁾ = (a⁽²⁾ − y) a⁽¹⁾ᵀ",
              r"\overline{z^{(1)}} = W^{(2)T} (a^{(2)} - y) .* a^{(1)} .* (1 .- a^{(1)})",
              r"L = -\sum_k y_k log a^{(2)}_k"]
    assert outcome(claims, **single) == [HOLDS] * 4
    assert outcome(["∂L/∂W⁽²⁾ = a⁽¹⁾ (a⁽²⁾ − y)ᵀ"], **single) == [("wrong", "transpose")]
    assert outcome([claims[2].replace(".- a", ".+ a")], **single) == [("wrong", "sign")]


def test_digits_after_a_letter_are_its_subscript_but_not_in_a_label_or_a_word():
    """`\\hat{y1}`, `E_y1` as plain text writes them: `\\hat{y}_{1}`, `E_{y1}`; `w1 * x1` is
    `w_{1} * x_{1}` where the notation names `w_1` an entry (a network worked out by hand),
    else a layered letter's glued layer (`A1`, code's names); a label already under a name
    (`out_{h1}`), words (`\\text{Z1}`), a name of several letters (`net1`) and a command
    (`\\log2`) stay as written."""
    assert ascii_latex(r"\hat{y1} + E_y1 + A1") == r"\hat{y}_{1} + E_{y1} + A1"
    assert subscripted_digits(r"z1 = w1 * x1 + A1") == r"z_{1} = w_{1} * x_{1} + A_{1}"
    kept = r"out_{h1} + \text{Z1} + net1 + \log2 + W^{(2)} x_1"
    assert subscripted_digits(kept) == kept
    neurons = {"samples": "single", "sizes": {}, "inputs": 1,
               "layers": [{"units": 1, "activation": "sigmoid"}] * 2,
               "loss": {"kind": "squared_error", "scale": "1/2", "reduction": "sum"}}
    notation = {"v_1": "weight[1](1,1)", "v_2": "weight[2](1,1)", "u_1": "activation[1](1)",
                "s_2": "preactivation[2](1)", "c_2": "bias[2](1)"}
    claims = [r"s2 = v2 * u1 + c2", r"s2 = v1 * u1 + c2"]
    found = outcomes(verdicts_in(neurons, claims, notation))
    assert found[0] == HOLDS and found[1][0] == "wrong"


def test_a_space_with_a_size_the_network_does_not_have_says_so():
    """`W^{(1)} \\in \\mathbb{R}^{p \\times n}` holds (p and n the network's sizes); with `h`,
    a size only the prose names, the link is unchecked saying which size is missing."""
    found = verdicts([r"W^{(1)} \in \mathbb{R}^{p \times n}",
                      r"W^{(1)} \in \mathbb{R}^{h \times n}",
                      r"W^{(1)} \in \mathbb{R}^{n \times p}"])
    assert [verdict.verdict for verdict in found] == ["holds", "unchecked", "wrong"]
    assert "the size 'h' of this space is none of the network's sizes" in found[1].message


def test_a_derivative_operator_inside_a_product_applies_to_what_follows_it():
    """`(a_k - y_k) \\frac{\\partial}{\\partial W_{kj}} a_k`: the factors before the operator
    multiply what it makes of the factors after it."""
    claims = [r"\frac{\partial L}{\partial W^{(2)}_{kj}} = (a^{(2)}_k - y_k) "
              r"\frac{\partial}{\partial W^{(2)}_{kj}} a^{(2)}_k",
              r"\frac{\partial L}{\partial W^{(2)}_{kj}} = (a^{(2)}_k - y_k) "
              r"\frac{\partial}{\partial W^{(2)}_{kj}} z^{(2)}_k"]
    found = outcome(claims, samples="single", hidden="sigmoid")
    assert found[0] == HOLDS and found[1][0] == "wrong"


def test_sigma_defined_as_another_function_is_read_so_until_defined_again():
    """A tutorial's `\\sigma(z) = \\max(0, z)` in a section on the rectifier: the claims after
    it read \\sigma as the rectifier (and after `\\sigma(z) = \\tanh(z)` as tanh) until it is
    defined again; each definition is unchecked, saying so. A definition that is none of
    them, `\\frac{1}{1 + e^{z}}`, is a wrong sigmoid as before."""
    derivative = r"\sigma'(z) = \sigma(z)(1 - \sigma(z))"
    claims = [r"\sigma(z) = \frac{1}{1 + e^{z}}",
              r"\sigma(z) = \max(0, z)",
              r"\sigma'(z) = \begin{cases} 1 & \text{if } z > 0 \\ 0 & \text{if } z < 0 "
              r"\end{cases}",
              r"\sigma(z) = \tanh(z)", r"\sigma'(z) = 1 - \sigma(z)^2", derivative,
              r"\sigma(z) = \frac{1}{1 + e^{-z}}", derivative]
    found = verdicts(claims, samples="single", hidden="sigmoid")
    assert [verdict.verdict for verdict in found] == [
        "wrong", "unchecked", "holds", "unchecked", "holds", "wrong", "unchecked", "holds"]
    assert "as the rectifier" in found[1].message and found[2].latex == claims[2]
    assert r"read with $\sigma$ as $\tanh$" in found[5].message


def test_differentials_of_a_batch_by_the_declared_d():
    """`'d' = "differential"`: `\\mathrm{d} Z^{(1)} = \\mathrm{d}W^{(1)} X` (the input held), the
    loss's differential a trace against the adjoint; a product in the wrong order is a shape
    error, a wrong factor a wrong value."""
    notation = {"d": "differential", r"\delta^{(l)}": "adjoint(preactivation[l])"}
    claims = [r"\mathrm{d} Z^{(1)} = \mathrm{d}W^{(1)} X",
              r"dL = \operatorname{tr}(\delta^{(2)T} dZ^{(2)})",
              r"dZ^{(2)} = W^{(2)} dA^{(1)} + dW^{(2)} A^{(1)}"]
    planted = [r"\mathrm{d} Z^{(1)} = X \mathrm{d}W^{(1)}",
               r"dL = 2 \operatorname{tr}(\delta^{(2)T} dZ^{(2)})"]
    assert outcome(claims + planted, notation) == [HOLDS] * 3 + [
        ("wrong", "shape"), ("wrong", "factor")]
    # a `d` before nothing is no differential
    lone = verdicts([r"dZ^{(1)} d = dW^{(1)} X"], notation)[0]
    assert lone.verdict == "unchecked" and "cannot stand here" in lone.message


def test_index_letters_compared_in_cases_and_a_sum_that_leaves_one_out():
    """`\\text{if } i = k`, `\\text{if } i \\neq k` in cases, and `\\sum_{i \\neq k}` (every i
    but k): the softmax's Jacobian by cases and the cross entropy's gradient by its terms."""
    single = {"samples": "single", "hidden": "sigmoid", **SOFTMAX_CE}
    claims = [r"\frac{\partial a^{(2)}_i}{\partial z^{(2)}_k} = \begin{cases} a^{(2)}_k "
              r"(1 - a^{(2)}_k) & \text{if } i = k \\ -a^{(2)}_i a^{(2)}_k & \text{if } "
              r"i \neq k \end{cases}",
              r"\frac{\partial L}{\partial z^{(2)}_k} = -y_k (1 - a^{(2)}_k) + "
              r"\sum_{i \neq k} y_i a^{(2)}_k"]
    planted = [claims[0].replace(r"-a^{(2)}_i a^{(2)}_k", r"a^{(2)}_i a^{(2)}_k"),
               claims[1].replace(r"\sum_{i \neq k}", r"\sum_{i}")]
    assert outcome(claims, **single) == [HOLDS] * 2
    assert [verdict for verdict, _ in outcome(planted, **single)] == ["wrong"] * 2


def test_a_formula_stated_under_a_condition_on_its_indices_is_checked_where_it_holds():
    """`\\quad \\text{if } i = k`, `, \\quad i \\neq k`, `\\text{ for } i = j` after a formula:
    its sides are compared where the condition holds, and the verdict says so; without the
    condition the same formula is wrong."""
    single = {"samples": "single", "hidden": "sigmoid", **SOFTMAX_CE}
    jacobian = r"\frac{\partial a^{(2)}_i}{\partial z^{(2)}_k} = "
    claims = [jacobian + r"a^{(2)}_k (1 - a^{(2)}_k) \quad \text{if } i = k",
              jacobian + r"-a^{(2)}_i a^{(2)}_k, \quad i \neq k",
              r"\frac{\partial a^{(2)}_i}{\partial z^{(2)}_j} = a^{(2)}_i (1 - a^{(2)}_j) "
              r"\text{ for } i = j"]
    results = verdicts(claims, **single)
    assert outcomes(results) == [HOLDS] * 3
    assert "checked where i \\neq k" in results[1].message
    planted = [jacobian + r"a^{(2)}_i a^{(2)}_k, \quad i \neq k",
               jacobian + r"a^{(2)}_k (1 - a^{(2)}_k)"]
    assert outcome(planted, **single) == [("wrong", "sign"), ("wrong", "other")]


def test_a_worked_examples_numbers_are_arithmetic_and_its_values_the_documents():
    """`z = 0.15 \\cdot 0.05 + ... = 0.3775`: the link between numbers is arithmetic, checked
    to the places its result is written with; a quantity set equal to numbers is its value at
    the document's own weights and inputs, unchecked (never a false alarm); a definition
    followed by its value defines and checks the arithmetic."""
    single = {"samples": "single", "hidden": "sigmoid"}
    claims = [r"z^{(1)}_1 = 0.15 \cdot 0.05 + 0.2 \cdot 0.1 + 0.35 = 0.3775",
              r"\frac{1}{1 + e^{-0.3775}} = 0.5933",
              r"\frac{1}{2} (0.01 - 0.75136507)^2 = 0.274811083",
              r"E_{o1} = \frac{1}{2} (y_1 - a^{(2)}_1)^2 = \frac{1}{2} (0.01 - 0.75)^2 = 0.2738"]
    results = verdicts(claims, **single)
    assert outcomes(results) == [("unchecked", None), HOLDS, HOLDS, ("unchecked", None)]
    assert "numbers the document gives" in results[0].message
    assert "defines E_{o1}" in results[3].message
    planted = [claims[0].replace("0.3775", "0.4775"), r"\frac{1}{1 + e^{-0.3775}} = 0.5934"]
    assert outcome(planted, **single) == [("wrong", "other")] * 2
    # a whole number is an exact value, checked as any
    assert outcome([r"\frac{\partial z^{(1)}_1}{\partial b^{(1)}_1} = 1",
                    r"\frac{\partial z^{(1)}_1}{\partial b^{(1)}_1} = 2"], **single) == [
        HOLDS, ("wrong", "factor")]


def test_a_chain_keeps_its_first_left_sides_variable_a_boxed_result_and_a_power_of_numbers():
    """`\\sigma'(x) = ... = \\boxed{\\sigma(x)(1 - \\sigma(x))}`: x, the variable of the first
    left side, is the whole chain's (not the network's input), a box is its content, and
    `^{-1-1}` is the power -2."""
    claim = (r"\sigma'(x) = (1 + e^{-x})^{-1-1} \cdot e^{-x} = \frac{e^{-x}}{(1 + e^{-x})^{2}} "
             r"= \boxed{\sigma(x) (1 - \sigma(x))}.")
    planted = claim.replace("(1 - \\sigma(x))", "(1 + \\sigma(x))")
    assert outcome([claim, planted], samples="single", hidden="sigmoid") == [
        HOLDS, ("wrong", "sign")]


def test_the_declared_generic_function_with_a_layer_under_it():
    """`f_L'(z^{(L)})` beside layers declared with the generic `f`: the last layer's function,
    as `f^{(L)}` would be."""
    table = network(samples="single", hidden="generic", output="generic", scale=1)
    for layer in table["layers"]:
        layer["function"] = "f"
    claims = [r"\delta^{(2)} = 2 (a^{(2)} - y) \odot f_2'(z^{(2)})",
              r"\delta^{(L)} = 2 (a^{(L)} - y) \odot f_L'(z^{(L)})",
              r"\delta^{(2)} = 2 (a^{(2)} - y) \odot f_2(z^{(2)})"]
    assert [result.verdict for result in verdicts_in(table, claims)] == [
        "holds", "holds", "wrong"]


def test_a_primed_layered_function_written_bare_takes_its_arguments_layer():
    """`g'(z^{[1]})` with the conventions' `g^{[l]}`: layer 1's function, primed."""
    claims = [r"\delta^{[1]} = (W^{[2]})^T \delta^{[2]} \odot g'(z^{[1]})",
              r"\delta^{[1]} = (W^{[2]})^T \delta^{[2]} \odot g(z^{[1]})"]
    assert [verdict for verdict, _ in outcome(claims, samples="single", hidden="tanh")] == [
        "holds", "wrong"]


def test_a_dot_between_two_vectors_beside_a_number_is_their_dot_product():
    """`(W^{(2)})^T \\cdot a^{(1)}` beside a number: the dot product; beside a vector, two
    columns joined by `\\cdot` have no product (it is not `\\odot`)."""
    claims = [r"z^{(2)} = (W^{(2)})^T \cdot a^{(1)} + b^{(2)}",
              r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \cdot \sigma'(z^{(1)})"]
    assert outcome(claims, samples="single", hidden="sigmoid", outputs=1) == [
        HOLDS, ("wrong", "shape")]


def test_layer_superscripts_are_told_from_powers_and_transposes():
    assert marks_layers_with_superscripts([r"W^{(2)}"])
    assert marks_layers_with_superscripts([r"w^l_{jk}"])
    assert not marks_layers_with_superscripts([r"W_2^T x + a_1^2"])
    # a sample's mark over a layer's subscript (`z_1^{(i)}`, i the sample) is no layer mark
    assert marks_layers_with_superscripts([r"z_1^{(i)} = W_1 x^{(i)}"])
    assert not marks_layers_with_superscripts([r"z_1^{(i)} = W_1 x^{(i)}"], frozenset("i"))


def test_a_chain_of_jacobians_is_read_as_the_chain_rule():
    # row vectors (x W + b): each derivative of a matrix by a matrix is contracted with the
    # factor before it; a factor that does not fit it is a shape error, alone it is unread
    notation = {"W": "weight[1]", "U": "weight[2]", r"\theta": "preactivation[2]",
                "h": "activation[1]",
                "z": "preactivation[1]", r"\delta_1": "adjoint(preactivation[2])",
                r"\delta_2": "adjoint(preactivation[1])"}
    table = network(samples="rows", output="softmax", loss="categorical_cross_entropy",
                    scale="1", weights="in_out", outputs=3)
    table["batch"] = 1
    claims = [
        r"\frac{\partial J}{\partial U} = \frac{\partial J}{\partial \hat{y}} "
        r"\frac{\partial \hat{y}}{\partial \theta} \frac{\partial \theta}{\partial U}",
        r"\frac{\partial J}{\partial U} = \delta_1 \frac{\partial \theta}{\partial U} "
        r"= h^T \delta_1",
        r"\delta_2 = \delta_1 \frac{\partial \theta}{\partial h} \frac{\partial h}{\partial z}"
        r" = \delta_1 U^T \frac{\partial h}{\partial z}",
        r"\frac{\partial J}{\partial W} = \delta_1 \frac{\partial z}{\partial W}",
        r"\frac{\partial J}{\partial U} = \delta_1 \frac{\partial \theta}{\partial U} "
        r"= \delta_1 h^T",
        r"\frac{\partial \theta}{\partial U} = h",
    ]
    results = verdicts_in(table, claims, notation)
    assert outcomes(results)[:5] == [HOLDS, HOLDS, HOLDS, ("wrong", "shape"),
                                     ("wrong", "shape")]
    assert "chain rule" in results[0].message
    assert results[5].verdict == "unchecked" and "not diagonal" in results[5].message


def test_a_bias_gradient_with_samples_as_rows_is_a_1d_vector():
    notation = {r"\delta": "adjoint(preactivation[2])"}
    table = network(samples="rows", weights="in_out")
    table["batch"] = 1
    assert outcomes(verdicts_in(table, [r"\frac{\partial L}{\partial b^{(2)}} = \delta",
                                        r"\frac{\partial L}{\partial b^{(2)}} = \delta^T",
                                        r"\frac{\partial L}{\partial b^{(2)}} = -\delta"],
                                notation)) == [HOLDS, HOLDS, ("wrong", "sign")]
    # the gradient of a weight keeps its orientation
    assert outcome([r"\frac{\partial L}{\partial W^{(2)}} = \delta^T A^{(1)}"],
                   notation, samples="rows", weights="in_out")[0] == ("wrong", "transpose")


def test_a_loss_written_with_the_target_first():
    notation = {"CE": "loss_function"}
    setup = dict(samples="single", output="softmax", loss="categorical_cross_entropy",
                 scale="1", outputs=3)
    results = verdicts([r"J = CE(y, \hat{y})", r"J = CE(\hat{y}, y)", r"J = CE(y, y)"],
                       notation, **setup)
    assert outcomes(results)[:2] == [HOLDS, HOLDS]
    assert "target" in results[0].message
    assert results[2].verdict == "wrong"


def test_the_signum_of_a_relu_activation_is_its_derivative():
    assert outcome([r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \circ \text{sgn}(a^{(1)})",
                    r"\delta^{(1)} = W^{(2)T} \delta^{(2)} \circ \text{sgn}(z^{(1)} - 1)"],
                   samples="single", hidden="relu") == [HOLDS, ("wrong", "other")]


def test_prod_is_the_product_the_chain_rule_needs():
    claims = [
        r"\frac{\partial L}{\partial W^{(2)}} = \text{prod}\left(\frac{\partial L}"
        r"{\partial z^{(2)}}, \frac{\partial z^{(2)}}{\partial W^{(2)}}\right)",
        r"\frac{\partial L}{\partial a^{(1)}} = \text{prod}\left(\frac{\partial L}"
        r"{\partial z^{(2)}}, W^{(2)}\right)",
        r"\frac{\partial L}{\partial a^{(1)}} = \text{prod}\left(\frac{\partial L}"
        r"{\partial z^{(2)}}, 2 W^{(2)}\right)",
        r"\frac{\partial L}{\partial z^{(1)}} = \text{prod}\left(\frac{\partial L}"
        r"{\partial a^{(1)}}, \frac{\partial a^{(1)}}{\partial z^{(1)}}\right)",
    ]
    # sizes that stay different at the second size set: prod's reading is the same at both
    assert outcome(claims, samples="single", outputs=5) == [HOLDS, HOLDS, ("wrong", "factor"),
                                                           HOLDS]
    # where two products give the gradient's shape (a square weight), prod is ambiguous
    square = outcome(claims[1:2], samples="single", outputs=4)
    assert square == [("unchecked", None)]


def test_a_derivative_by_a_quantity_an_earlier_claim_defined():
    # L = D + s with D and s defined by the document: dL/ds = 1, dL/dD = 1
    table = network(samples="single", regularization={"l2": "lambda", "scale": "1/2"})
    claims = [r"D = \frac12 \|\hat{y} - y\|^2",
              r"s = \frac{\lambda}{2} (\|W^{(1)}\|_F^2 + \|W^{(2)}\|_F^2)",
              r"L = D + s",
              r"\frac{\partial L}{\partial s} = 1",
              r"\frac{\partial L}{\partial D} = 2",
              r"\frac{\partial s}{\partial W^{(2)}} = \lambda W^{(2)}",
              r"\frac{\partial D}{\partial s} = 1"]
    results = verdicts_in(table, claims)
    assert outcomes(results)[2:6] == [HOLDS, HOLDS, ("wrong", "factor"), HOLDS]
    assert results[6].verdict == "unchecked" and "not written in terms of" in results[6].message


def test_a_braced_symbol_with_its_layer_then_transposed():
    assert outcome([r"\frac{\partial L}{\partial a^{(1)}} = {W^{(2)}}^\top \delta^{(2)}",
                    r"\frac{\partial L}{\partial a^{(1)}} = {W^{(2)}} \delta^{(2)}"],
                   samples="single", outputs=5) == [HOLDS, ("wrong", "shape")]


def test_a_word_naming_a_quantity_in_a_block_is_prose_and_the_rest_is_checked():
    claims = [r"\mbox{Input} = x \\ \mbox{Hidden output} = a^{(1)} = \tanh(W^{(1)} x + b^{(1)})",
              r"\mbox{Input} = x \\ \mbox{Output} = \hat{y} = \sigma(W^{(2)} a^{(1)})"]
    results = verdicts(claims, samples="single")
    assert outcomes(results) == [HOLDS, ("wrong", "other")]
    assert "'Input' names" in results[0].message


def test_a_standard_loss_called_by_its_name_is_that_loss():
    """`CE(y, \\hat{y})`, `\\mathrm{CE}(\\hat{y}, y)`: the cross entropy the output fits, whatever
    loss the document declares; `BCE` on a softmax output is not the declared loss."""
    results = verdicts([r"J = CE(y, \hat{y})", r"J = \mathrm{CE}(\hat{y}, y)",
                        r"J = BCE(y, \hat{y})"], samples="single", hidden="relu",
                       output="softmax", loss="categorical_cross_entropy", scale=1, outputs=3)
    assert [claim.verdict for claim in results] == ["holds", "holds", "wrong"]


def test_a_sample_mark_in_a_network_of_one_sample_is_that_sample():
    """`x^{(i)}` where the network takes one sample at a time: the i-th is the one; and
    `\\operatorname{e}^{-z}` is the exponential, as `e^{-z}` is."""
    results = verdicts([
        r"\mathbf{a}_1^{(i)} = \sigma(\mathbf{W}_1 \mathbf{x}^{(i)} + \mathbf{b}_1)",
        r"\hat{\mathbf{y}}^{(i)} = \mathbf{W}_2 \mathbf{x}^{(i)} + \mathbf{b}_2",
        r"\sigma(z) = \frac{1}{1 + \operatorname{e}^{-z}}",
    ], {"i": "sample_index"}, samples="single", hidden="sigmoid", output="identity")
    assert [claim.verdict for claim in results] == ["holds", "wrong", "holds"]


def test_one_sample_as_a_row_with_the_last_layer_L_and_a_function_by_its_name():
    """A document that writes one sample as a row (`s^l = h^{l-1} W^l + b^l`), its layers'
    generic function by the name the [network] gives it (`\\psi`), `L` for the last layer,
    `k_l` for the width of layer l, and prose around its rows (`\\text{Likewise,}\\quad`,
    `\\Rightarrow`, `\\bigg[`, a typographic prime)."""
    table = {"samples": "rows", "batch": 1, "weights": "in_out",
             "sizes": {"k_0": 3, "k_1": 4, "k_2": 2}, "inputs": "k_0",
             "layers": [{"units": "k_1", "activation": "generic", "function": r"\psi"},
                        {"units": "k_2", "activation": "generic", "function": r"\psi"}],
             "loss": {"kind": "generic", "function": "C"}}
    claims = [
        r"s^l = h^{l-1} W^l + b^l \in \mathbb{R}^{1 \times k_l}",
        r"h^l = \psi(s^l)",
        r"\frac{\partial C}{\partial W^L} = (h^{L-1})^\top \bigg[ \frac{\partial C}{\partial h^L}"
        r" \odot \psi’(s^L) \bigg]",
        r"\text{Likewise,}\quad \frac{\partial C}{\partial b^L} = \frac{\partial C}{\partial h^L}"
        r" \odot \psi'(s^L)",
        r"\Rightarrow \frac{\partial C}{\partial s^{L-1}} = \frac{\partial C}{\partial s^L} "
        r"(W^L)^\top \odot \psi'(s^{L-1})",
    ]
    notation = {"s^l": "preactivation[l]"}
    assert outcomes(verdicts_in(table, claims, notation)) == [HOLDS] * 5
    planted = [claims[4].replace(r"(W^L)^\top", "W^L"), claims[0].replace("k_l", "k_{l-1}")]
    assert outcomes(verdicts_in(table, planted, notation)) == [("wrong", "shape")] * 2


@pytest.mark.parametrize("samples", ["columns", "rows"])
def test_a_sum_over_the_batch_makes_its_letter_the_sample(samples):
    """`\\sum_{k \\in m} \\|\\hat{y}_k - y_k\\|^2` with m the batch: k is a sample (a subscript
    or a mark in parentheses), not an entry index, without declaring it."""
    setup = {"samples": samples}
    if samples == "rows":
        setup["weights"] = "in_out"
    claims = [r"L = \frac12 \sum_{k \in m} \| \hat{y}_k - y_k \|^2",
              r"L = \frac{1}{2} \sum_{k=1}^{m} \| \hat{y}^{(k)} - y^{(k)} \|^2"]
    assert outcome(claims, **setup) == [HOLDS, HOLDS]
    planted = [claim.replace(r"\frac12", "").replace(r"\frac{1}{2}", "") for claim in claims]
    assert outcome(planted, **setup) == [("wrong", "factor")] * 2


def test_a_batch_as_rows_with_per_sample_terms_and_row_slices():
    """A document that stacks its samples as rows (`G^k = F^{k-1} V^k + \\mathbf{1} c^k`, the
    bias a row repeated by a column of ones), writes its loss as the sum of the samples' terms
    (`J = \\sum_{r=1}^{B} J^r`, J declared its loss), a whole row as `\\delta_{r\\cdot}`, an
    entry of a parenthesised product as `(\\mathbf{1}^\\top \\Delta)_i` or `\\pmatrix{..}_i`,
    and its norm as `\\lVert .. \\rVert`."""
    table = {"samples": "rows", "batch": "B", "weights": "in_out",
             "sizes": {"B": 4, "d_0": 3, "d_1": 5, "d_2": 2}, "inputs": "d_0",
             "layers": [{"units": "d_1", "activation": "tanh"},
                        {"units": "d_2", "activation": "sigmoid"}],
             "loss": {"kind": "squared_error", "scale": "1/2", "reduction": "mean"}}
    notation = {"G^k": "preactivation[k]", "F^k": "activation[k]", "V^k": "weight[k]",
                "c^k": "bias[k]", "J": "loss", r"\Delta^k": "adjoint(preactivation[k])",
                "k": "layer_variable[1..2]"}
    claims = [
        r"G^k = F^{k-1} V^k + \mathbf{1} c^k \in \mathbb{R}^{B \times d_k}",
        r"J = \frac{1}{2B} \sum_{r=1}^{B} \lVert F^2_{r\cdot} - Y_{r\cdot} \rVert^2",
        r"J = \sum_{r=1}^{B} J^r",
        r"\frac{\partial J^r}{\partial G^2_{ri}} = \frac{\partial J}{\partial G^2_{ri}}",
        r"\Delta^2_{r\cdot} = \frac{\partial J^r}{\partial F^2_{r\cdot}} \odot F^2_{r\cdot}"
        r" \odot (1 - F^2_{r\cdot})",
        r"\begin{pmatrix} \frac{\partial J}{\partial V^2} \end{pmatrix}_{ji} = "
        r"\sum_r F^1_{rj} \Delta^2_{ri}",
        r"\pmatrix{\frac{\partial J}{\partial c^2}}_i = (\mathbf{1}^\top \Delta^2)_i",
        r"\frac{\partial J}{\partial c^k} = \mathbf{1}_B^\top \Delta^k",
        r"\frac{\partial J}{\partial V^1_{ij}} = \sum_r \frac{\partial J^r}{\partial V^1_{ij}}",
    ]
    assert outcomes(verdicts_in(table, claims, notation)) == [HOLDS] * 9
    planted = [claims[1].replace(r"\frac{1}{2B}", r"\frac{1}{2}"),
               claims[3].replace(r"\frac{\partial J}", r"2 \frac{\partial J}"),
               claims[4].replace(r"\odot F^2_{r\cdot} \odot", r"\odot"),
               claims[5].replace(r"\Delta^2_{ri}", r"\Delta^2_{rj}")
               .replace(r"F^1_{rj}", r"F^1_{ri}"),
               claims[6].replace(r"\mathbf{1}^\top", r"-\mathbf{1}^\top"),
               claims[8].replace(r"\sum_r", r"\frac{1}{B} \sum_r")]
    assert outcomes(verdicts_in(table, planted, notation)) == [
        ("wrong", "factor"), ("wrong", "factor"), ("wrong", "other"), ("wrong", "index"),
        ("wrong", "sign"), ("wrong", "factor")]


# a softmax classifier with samples as rows, its scores u and probabilities o named
SCORES = ({"u": "preactivation[2]", "o": "activation[2]"},
          network(samples="rows", weights="in_out", output="softmax",
                  loss="categorical_cross_entropy", scale=1, outputs=3, reduction="mean"))


def test_a_sample_mark_on_a_conventional_mean_loss_is_unchecked_with_both_readings():
    """`E = \\frac1m \\sum_i E^i` (the sample's own loss) and `E = \\sum_i E^i` (its term of
    the mean) both occur: where the document neither declares nor defines it, neither is
    guessed, and the message says how to say which."""
    notation, table = SCORES
    result = verdicts_in(table, [r"\frac{\partial E^n}{\partial u_{nk}} = o_{nk} - y_{nk}"],
                         notation)[0]
    assert result.verdict == "unchecked"
    assert "'E' = \"loss\"" in result.message and "\"sample_loss\"" in result.message


def test_a_claim_that_defines_the_loss_from_its_samples_says_what_a_samples_loss_is():
    notation, table = SCORES
    gradient = r"\frac{\partial E}{\partial W^{(2)}} = \frac{1}{m}\sum_{n=1}^{m} " \
        r"\frac{\partial E_n}{\partial W^{(2)}}"
    # the mean of the samples' own losses, defined after the claims that use it
    own = [r"\frac{\partial E_n}{\partial u_{nk}} = o_{nk} - y_{nk}", gradient,
           r"E = \frac{1}{m}\sum_{n=1}^{m} E_n"]
    assert outcomes(verdicts_in(table, own, notation)) == [HOLDS] * 3
    planted = [own[0].replace("= o_{nk} - y_{nk}", r"= \frac{1}{m}(o_{nk} - y_{nk})"),
               gradient.replace(r"\frac{1}{m}\sum", r"\sum"), own[2]]
    results = verdicts_in(table, planted, notation)
    assert outcomes(results) == [("wrong", "factor"), ("wrong", "factor"), HOLDS]
    assert [r.factor for r in results[:2]] == [r"\frac{1}{m}", "m"]
    # the sum of the samples' terms: the same derivative is 1/m of the sample's own
    term = [r"E = \sum_{n=1}^{m} E^n",
            r"\frac{\partial E^n}{\partial u_{nk}} = \frac{1}{m}(o_{nk} - y_{nk})",
            r"\frac{\partial E^n}{\partial u_{nk}} = o_{nk} - y_{nk}"]
    assert outcomes(verdicts_in(table, term, notation)) == [HOLDS, HOLDS, ("wrong", "factor")]


def test_a_samples_own_loss_declared_in_the_notation():
    notation, table = SCORES
    claims = [r"\frac{\partial E_n}{\partial u_{nk}} = o_{nk} - y_{nk}",
              r"\frac{\partial E_n}{\partial u_{nk}} = \frac{1}{m}(o_{nk} - y_{nk})"]
    own = verdicts_in(table, claims, {**notation, "E_n": "sample_loss"})
    assert outcomes(own) == [HOLDS, ("wrong", "factor")]
    term = verdicts_in(table, claims, {**notation, "E": "loss"})
    assert outcomes(term) == [("wrong", "factor"), HOLDS]


def test_one_samples_own_loss_is_written_with_its_vectors_and_beside_a_regularization():
    """`J = \\frac1m \\sum_i J_i + \\frac\\lambda2 \\|W\\|^2`: J_i is the sample's loss without
    the regularization, written with that sample's vectors (`\\|y - a\\|^2`), its gradients
    averaged into the loss's."""
    table = network(hidden="sigmoid", output="sigmoid", reduction="mean",
                    regularization={"l2": "lambda"})
    claims = [r"J = \frac{1}{m}\sum_{i=1}^{m} J_i + \frac{\lambda}{2}\left(\|W^{(1)}\|^2 + "
              r"\|W^{(2)}\|^2\right)",
              r"J_i = \frac{1}{2}\|y - a^{(2)}\|^2",
              r"\frac{\partial J_i}{\partial b^{(2)}} = (a^{(2)} - y) \odot a^{(2)} \odot "
              r"(1 - a^{(2)})",
              r"\frac{\partial J}{\partial W^{(2)}} = \frac{1}{m}\sum_{i=1}^{m} "
              r"\frac{\partial J_i}{\partial W^{(2)}} + \lambda W^{(2)}"]
    assert outcomes(verdicts_in(table, claims)) == [HOLDS] * 4
    planted = [claims[0], claims[1].replace(r"\frac{1}{2}", ""),
               claims[2].replace(r" \odot a^{(2)} \odot (1 - a^{(2)})", ""),
               claims[3].replace(r" + \lambda W^{(2)}", "")]
    assert outcomes(verdicts_in(table, planted))[1:] == [("wrong", "factor"),
                                                         ("wrong", "other"), ("wrong", "other")]


def test_a_regularized_loss_of_examples_with_sums_over_the_layers():
    """The loss called with one example's data (`E(W, b; x^{(n)}, t^{(n)})`) is that example's
    own loss; a function subscripted with the parameters and called with the input
    (`f_{W,b}(x)`, `f_\\theta(x^{(n)})`) is the network's output; a sum over the layer letter
    (`\\sum_{l=1}^{L}`, or `\\sum_l` over every layer) adds its body at each layer."""
    table = network(hidden="tanh", output="sigmoid", reduction="mean",
                    regularization={"l2": "lambda"})
    penalty = r"\frac{\lambda}{2}\sum_{l}\|W^{(l)}\|^2"
    claims = [
        r"E(\theta) = \frac{1}{2m}\sum_{n=1}^{m}\|f_\theta(x^{(n)}) - y^{(n)}\|^2 + "
        r"\frac{\lambda}{2}\sum_{l=1}^{L}\sum_{j,k}\left(W^{(l)}_{jk}\right)^2",
        r"E(W, b; x, y) = \frac{1}{2}\|f_{W,b}(x) - y\|^2",
        r"E(W, b) = \frac{1}{m}\sum_{n=1}^{m} E(W, b; x^{(n)}, y^{(n)}) + " + penalty,
        r"\frac{\partial}{\partial W^{(1)}_{jk}} E(W, b) = \frac{1}{m}\sum_{n=1}^{m}"
        r"\frac{\partial}{\partial W^{(1)}_{jk}} E(W, b; x^{(n)}, y^{(n)}) + \lambda W^{(1)}_{jk}",
        r"\frac{\partial}{\partial W^{(2)}_{jk}} E(W, b; x, y) = (a^{(2)}_j - y_j) a^{(2)}_j "
        r"(1 - a^{(2)}_j) a^{(1)}_k"]
    results = verdicts_in(table, claims)
    assert outcomes(results) == [HOLDS] * 5, [r.message for r in results]
    planted = [claims[0].replace(r"\sum_{l=1}^{L}", r"\sum_{l=1}^{1}"),
               claims[1].replace(r"\frac{1}{2}", ""),
               claims[2].replace(r"\frac{1}{m}\sum", r"\sum"),
               claims[3].replace(r" + \lambda W^{(1)}_{jk}", ""),
               claims[4].replace(r" a^{(2)}_j (1 - a^{(2)}_j)", "")]
    assert outcomes(verdicts_in(table, planted)) == [
        ("wrong", "other"), ("wrong", "factor"), ("wrong", "other"), ("wrong", "other"),
        ("wrong", "other")]
    # a sum over a letter the body uses as an entry index is a sum over entries
    assert outcomes(verdicts_in(table, [
        r"\delta^{(1)}_k = (1 - (a^{(1)}_k)^2) \sum_{l} W^{(2)}_{lk} \delta^{(2)}_l"])) == [HOLDS]


def test_a_cost_before_its_penalty_and_a_sum_over_every_weight():
    """Beside a regularization, which belongs to no sample, `E_0` is the loss without it; a sum
    over the weight letter (`\\sum_w w^2`) adds its body at every weight of every layer; a
    penalty may be averaged over the samples as the loss is (`\\frac{\\mu}{2m}`)."""
    table = network(hidden="sigmoid", output="tanh", reduction="mean",
                    regularization={"l2": "mu", "reduction": "mean"})
    notation = {r"\mu": "regularization"}
    claims = [r"E = E_0 + \frac{\mu}{2m} \sum_w w^2",
              r"E_0 = \frac{1}{2m} \sum_{i=1}^{m} \sum_j (A^{(2)}_{ji} - Y_{ji})^2",
              r"\nabla_{W^{(1)}} E = \nabla_{W^{(1)}} E_0 + \frac{\mu}{m} W^{(1)}",
              r"\frac{\partial E_0}{\partial b^{(2)}} = \frac{\partial E}{\partial b^{(2)}}"]
    assert outcomes(verdicts_in(table, claims, notation)) == [HOLDS] * 4
    planted = [claims[0].replace("2m", "m"), claims[1].replace("2m", "m"),
               claims[2].replace(r"\frac{\mu}{m}", r"\frac{\mu}{2m}"),
               claims[3].replace(r"b^{(2)}} =", r"b^{(2)}} = 2")]
    assert outcomes(verdicts_in(table, planted, notation)) == [
        ("wrong", "other"), ("wrong", "factor"), ("wrong", "other"), ("wrong", "factor")]
    # a penalty summed, not averaged, over the samples: the same claim no longer holds
    summed = network(hidden="sigmoid", output="tanh", reduction="mean",
                     regularization={"l2": "mu"})
    assert outcomes(verdicts_in(summed, claims[:1], notation)) == [("wrong", "other")]
    assert outcomes(verdicts_in(summed, [claims[0].replace("2m", "2")], notation)) == [HOLDS]


@pytest.mark.parametrize("samples", ["columns", "single"])
def test_a_weight_or_bias_without_its_layer_is_any_layers(samples):
    """`w \\leftarrow w - \\alpha \\frac{\\partial E}{\\partial w}` is said of every
    layer's weights: a claim whose parameters carry no layer is checked at every layer, and a
    wrong one is reported at a layer where it fails."""
    table = network(samples=samples, hidden="sigmoid", output="tanh",
                    regularization={"l2": "mu", "reduction": "mean"})
    notation = {r"\mu": "regularization"}
    m = "1" if samples == "single" else "m"
    claims = [rf"\frac{{\partial E}}{{\partial w}} = \frac{{\partial E_0}}{{\partial w}} + "
              rf"\frac{{\mu}}{{{m}}} w",
              r"\frac{\partial E}{\partial b} = \frac{\partial E_0}{\partial b}",
              rf"w \leftarrow \left(1 - \frac{{\alpha \mu}}{{{m}}}\right) w - \alpha "
              r"\frac{\partial E_0}{\partial w}",
              r"b \leftarrow b - \alpha \frac{\partial E}{\partial b}",
              rf"\frac{{\partial E}}{{\partial w_{{jk}}}} = \frac{{\partial E_0}}"
              rf"{{\partial w_{{jk}}}} + \frac{{\mu}}{{{m}}} w_{{jk}}"]
    assert outcomes(verdicts_in(table, claims, notation)) == [HOLDS] * 5
    planted = verdicts_in(table, [
        claims[0].replace(r"E_0}", "E}"),
        claims[1] + r" + \mu b",
        claims[3].replace("b - ", "b + "),
        claims[4].replace(r"w_{jk}", r"w_{kj}").replace(r"w_{kj}}", r"w_{jk}}"),
        # which layer's w is meant, beside a^{(1)}; a w met on the right only (as the letters
        # of a word may be) is no claim about the parameters
        r"\frac{\partial E}{\partial w} = a^{(1)}",
        r"\frac{\partial E}{\partial z^{(1)}} = w \delta^{(2)}"], notation)
    assert outcomes(planted) == [("wrong", "other"), ("wrong", "other"), ("wrong", "sign"),
                                 ("wrong", "index"), ("unchecked", None), ("unchecked", None)]
    assert "with the parameters' layer = " in planted[2].message
    assert all("'w' without its layer" in result.message for result in planted[4:])
    # the code-like update of every layer's parameters
    code = ["W = W - \\alpha dW", "b = b - \\alpha db"]
    assert outcome(code, **CODE_LIKE) == [HOLDS, HOLDS]
    assert outcome(["W = W + \\alpha dW"], **CODE_LIKE) == [("wrong", "sign")]


@pytest.mark.parametrize("samples", ["columns", "rows"])
def test_a_matrix_times_one_samples_vector(samples):
    """`W^T \\delta_n` with n a sample: the matrix times that sample's vector (a row times the
    matrix with samples as rows), for each n or inside a sum over the samples; a bias added
    to it is added to each sample's."""
    table = network(samples=samples, hidden="tanh", output="sigmoid",
                    weights="in_out" if samples == "rows" else "out_in")
    notation = {"n": "sample_index"}
    if samples == "columns":
        claims = [r"z^{(2)}_n = W^{(2)} a^{(1)}_n + b^{(2)}",
                  r"\delta^{(1)}_n = (W^{(2)T} \delta^{(2)}_n) \odot (1 - (a^{(1)}_n)^2)",
                  r"\frac{\partial L}{\partial b^{(1)}} = \sum_{n} W^{(2)T} \delta^{(2)}_n \odot "
                  r"(1 - a^{(1)}_n \odot a^{(1)}_n)",
                  r"\frac{\partial L}{\partial W^{(1)}} = \sum_{n} (W^{(2)T} \delta^{(2)}_n \odot "
                  r"(1 - a^{(1)}_n \odot a^{(1)}_n)) x_n^T"]
        swapped = (r"W^{(2)T} \delta^{(2)}_n) \odot", r"W^{(2)} \delta^{(2)}_n) \odot")
    else:
        claims = [r"z^{(2)}_n = a^{(1)}_n W^{(2)} + b^{(2)}",
                  r"\delta^{(1)}_n = (\delta^{(2)}_n W^{(2)T}) \odot (1 - (a^{(1)}_n)^2)",
                  r"\frac{\partial L}{\partial b^{(1)}} = \sum_{n} \delta^{(2)}_n W^{(2)T} \odot "
                  r"(1 - a^{(1)}_n \odot a^{(1)}_n)",
                  r"\frac{\partial L}{\partial W^{(1)}} = \sum_{n} x_n^T (\delta^{(2)}_n W^{(2)T} "
                  r"\odot (1 - a^{(1)}_n \odot a^{(1)}_n))"]
        swapped = (r"\delta^{(2)}_n W^{(2)T})", r"\delta^{(2)}_n W^{(2)})")
    assert outcomes(verdicts_in(table, claims, notation)) == [HOLDS] * 4
    planted = [claims[0].replace("+ b", "- b"), claims[1].replace(*swapped),
               claims[2][:claims[2].index(r" \odot")], claims[3].replace("x_n", "2 x_n")]
    assert outcomes(verdicts_in(table, planted, notation)) == [
        ("wrong", "sign"), ("wrong", "shape"), ("wrong", "other"), ("wrong", "factor")]


def test_a_tensor_product_of_two_vectors_and_a_sans_serif_transpose():
    """`\\delta \\otimes x` is the outer product `\\delta x^T` (for one sample, or each
    sample in a sum), unless the other side has the two vectors' shape: then, as some notes
    write it, the element-wise product; said in the verdict. `x^{\\mathsf{T}}` is `x^T`."""
    single = network(samples="single", hidden="tanh", output="sigmoid")
    claims = [r"\frac{\partial L}{\partial W^{(1)}} = \delta^{(1)} \otimes x",
              r"\delta^{(1)} = W^{(2)\mathsf{T}} \delta^{(2)} \otimes (1 - a^{(1)} \odot a^{(1)})",
              r"\frac{\partial L}{\partial W^{(1)}} = \delta^{(1)} x^{\mathsf{T}}"]
    results = verdicts_in(single, claims)
    assert outcomes(results) == [HOLDS] * 3
    assert "outer product" in results[0].message and "element-wise" in results[1].message
    planted = [r"\frac{\partial L}{\partial W^{(1)}} = x \otimes \delta^{(1)}",
               claims[1].replace("1 - a", "1 + a"),
               r"\frac{\partial L}{\partial W^{(1)}} = W^{(1)} \otimes x"]
    assert outcomes(verdicts_in(single, planted)) == [
        ("wrong", "transpose"), ("wrong", "sign"), ("unchecked", None)]
    batch = network(samples="columns", hidden="tanh", output="sigmoid")
    summed = r"\frac{\partial L}{\partial W^{(1)}} = \sum_n \delta^{(1)}_n \otimes x_n"
    assert outcomes(verdicts_in(batch, [summed, summed.replace(r"\delta^{(1)}_n \otimes x_n",
                                                                r"x_n \otimes \delta^{(1)}_n")],
                                {"n": "sample_index"})) == [HOLDS, ("wrong", "transpose")]


def test_einstein_summation_sums_an_index_repeated_in_a_product():
    """With `summation = "einstein"`, an index that two factors of one product term have is
    summed over that whole term (`(a_k - y_k) a_k (1 - a_k) W_{kj}` sums k once), unless the
    left side keeps it free or a written \\sum binds it; a product inside a function's
    argument is a term of its own. Without the declaration the same formulas are index errors
    whose message suggests it."""
    single = network(samples="single", hidden="tanh", output="sigmoid")
    claims = [r"a^{(1)}_j = \tanh(W^{(1)}_{jk} x_k + b^{(1)}_j)",
              r"L = \frac{1}{2} (a^{(2)}_k - y_k)(a^{(2)}_k - y_k)",
              r"\delta^{(1)}_j = (1 - (a^{(1)}_j)^2) W^{(2)}_{kj} \delta^{(2)}_k",
              r"\frac{\partial L}{\partial W^{(1)}_{jm}} = (a^{(2)}_k - y_k) a^{(2)}_k "
              r"(1 - a^{(2)}_k) W^{(2)}_{kj} (1 - (a^{(1)}_j)^2) x_m",
              r"\frac{\partial L}{\partial x_m} = W^{(1)}_{jm} \delta^{(1)}_j",
              r"z^{(2)}_k = \sum_j W^{(2)}_{kj} a^{(1)}_j + b^{(2)}_k"]
    assert outcomes(verdicts_in(single, claims, summation="einstein")) == [HOLDS] * 6
    planted = [claims[0].replace("W^{(1)}_{jk}", "W^{(1)}_{kj}"),
               claims[2].replace("W^{(2)}_{kj}", "W^{(2)}_{jk}"),
               claims[3].replace("(1 - a^{(2)}_k)", "(1 + a^{(2)}_k)"),
               claims[4].replace("W^{(1)}_{jm}", "2 W^{(1)}_{jm}")]
    assert outcomes(verdicts_in(single, planted, summation="einstein")) == [
        ("wrong", "index"), ("wrong", "index"), ("wrong", "sign"), ("wrong", "factor")]
    written = verdicts_in(single, claims[:3], summation="written")
    assert outcomes(written) == [("wrong", "index")] * 3
    assert all('summation = "einstein"' in result.message for result in written)
    # in a chain, the first left side's letters stay free in the later links' products
    chain = [r"\frac{\partial L}{\partial W^{(1)}_{jm}} = \frac{\partial L}{\partial "
             r"z^{(1)}_j} \frac{\partial z^{(1)}_j}{\partial W^{(1)}_{jm}} = \delta^{(1)}_j x_m"]
    assert outcomes(verdicts_in(single, chain, summation="einstein")) == [HOLDS]
    batch = network(samples="columns", hidden="tanh", output="sigmoid")
    assert outcomes(verdicts_in(
        batch, [r"\frac{\partial L}{\partial W^{(2)}_{kj}} = \delta^{(2)}_{kn} a^{(1)}_{jn}",
                r"\frac{\partial L}{\partial W^{(2)}_{kj}} = \delta^{(2)}_{kn} a^{(1)}_{kn}"],
        {"n": "sample_index"}, summation="einstein")) == [HOLDS, ("wrong", "index")]


@pytest.mark.parametrize("declared", [False, True])
def test_the_loss_of_one_example_makes_whole_vectors_that_examples(declared):
    """`\\nabla_{c} E(V, c; x, t) = \\epsilon`: the loss called with the data unindexed is the
    loss of the example (x, t), so the vectors a batch document writes whole beside it are
    that example's (read on the batch they would be every sample's, a false shape error);
    whether its error term is declared the sample's own adjoint or left to the conventions."""
    table = network(samples="columns", hidden="tanh", output="sigmoid", reduction="mean")
    notation = {"V^{(l)}": "weight[l]", "c^{(l)}": "bias[l]", "n": "sample_index",
                "t": "target"}
    if declared:
        notation[r"\epsilon^{(l)}"] = "sample_adjoint(preactivation[l])"
    else:
        notation[r"\epsilon^{(l)}"] = "adjoint(preactivation[l])"
    claims = [r"\nabla_{c^{(l)}} E(V,c;x,t) = \epsilon^{(l)}",
              r"\nabla_{V^{(l)}} E(V,c;x,t) = \epsilon^{(l)} (a^{(l-1)})^T",
              r"\frac{\partial}{\partial V^{(2)}_{jk}} E(V,c;x,t) = \epsilon^{(2)}_j a^{(1)}_k"]
    planted = [claims[0].replace(r"\epsilon^{(l)}", r"-\epsilon^{(l)}"),
               claims[1].replace(r"(a^{(l-1)})^T", r"a^{(l-1)}"),
               claims[2].replace(r"a^{(1)}_k", r"2 a^{(1)}_k")]
    assert outcomes(verdicts_in(table, claims + planted, notation)) == [HOLDS] * 3 + [
        ("wrong", "sign"), ("wrong", "shape"), ("wrong", "factor")]


@pytest.mark.parametrize("samples", ["single", "columns", "rows"])
def test_a_function_of_a_whole_vector_defined_entry_by_entry(samples):
    """`\\mathrm{softmax}(v)_k = \\frac{e^{v_k}}{\\sum_m e^{v_m}}` defines softmax for every
    vector v (a letter the claim writes with an index, or softmax's argument, is a vector of
    variables); its Jacobian written entry by entry too."""
    table = network(samples=samples, **SOFTMAX_CE)
    claims = [r"\mathrm{softmax}(v)_k = \frac{e^{v_k}}{\sum_m e^{v_m}}",
              r"\operatorname{softmax}(v)_k = \frac{\exp(v_k)}{\sum_{m=1}^{q} \exp(v_m)}",
              r"\frac{\partial \mathrm{softmax}(v)_k}{\partial v_m} = "
              r"\mathrm{softmax}(v)_k (\delta_{km} - \mathrm{softmax}(v)_m)"]
    planted = [claims[0].replace("e^{v_m}", "e^{-v_m}"),
               claims[1].replace(r"\exp(v_k)}", r"2 \exp(v_k)}"),
               claims[2].replace(r"(\delta_{km} - \mathrm{softmax}(v)_m)", r"\delta_{km}")]
    assert outcomes(verdicts_in(table, claims + planted)) == [HOLDS] * 3 + [
        ("wrong", "other"), ("wrong", "factor"), ("wrong", "other")]


def test_an_accumulated_increment_is_the_gradient_summed_over_the_samples():
    """`\\Delta V := \\Delta V + \\nabla_V E(V,c;x,t)` in a loop over the samples adds one
    sample's share of the data loss's gradient (a regularization belongs to no sample); a later
    claim's `\\Delta V` is the sum, so `V := V - \\eta(\\frac{1}{n} \\Delta V + \\lambda V)`
    is a full step. Before any accumulation `\\Delta` is read as it was (unchecked)."""
    table = network(samples="columns", hidden="tanh", output="sigmoid", reduction="mean",
                    regularization={"l2": "lambda"})
    table["sizes"]["n"] = table["sizes"].pop("m")
    table["batch"] = "n"
    notation = {"V^{(l)}": "weight[l]", "c^{(l)}": "bias[l]", "t": "target"}
    update = r"V^{(l)} := V^{(l)} - \eta \left(\frac{1}{n} \Delta V^{(l)} + \lambda V^{(l)}\right)"
    claims = [r"\Delta V^{(l)} := \Delta V^{(l)} + \nabla_{V^{(l)}} E(V,c;x,t)",
              r"\Delta c^{(l)} := \Delta c^{(l)} + \nabla_{c^{(l)}} E(V,c;x,t)",
              update, r"c^{(l)} := c^{(l)} - \frac{\eta}{n} \Delta c^{(l)}"]
    planted = [update.replace(r"+ \lambda V^{(l)}", r"- \lambda V^{(l)}"),
               update.replace(r"- \eta", r"+ \eta")]
    results = verdicts_in(table, claims + planted, notation)
    assert outcomes(results) == [HOLDS] * 4 + [("wrong", "sign"), ("wrong", "sign")]
    assert "accumulated over the samples" in results[0].message
    assert outcomes(verdicts_in(table, [update], notation)) == [("unchecked", None)]


@pytest.mark.parametrize("samples", ["rows", "single"])
def test_a_delta_follows_the_documents_numbering_of_its_preactivation(samples):
    """With the input numbered 1 and W^{(l)} feeding z^{(l+1)} (declared `'z^{(l+1)}' =
    "preactivation[l]"`), the conventional `\\delta^{(l)}` is z^{(l)}'s adjoint, in the same
    numbering."""
    table = network(samples=samples, hidden="sigmoid", output="sigmoid", outputs=1,
                    weights="in_out" if samples == "rows" else "out_in")
    for layer in table["layers"]:
        layer["bias"] = False
    notation = {r"W^{(l)}": "weight[l]", r"z^{(l+1)}": "preactivation[l]",
                r"a^{(l+1)}": "activation[l]", "f": "activation_function[1]", "J": "loss"}
    if samples == "rows":
        claims = [r"\delta^{(3)} = (\hat{y} - y) \odot f'(z^{(3)})",
                  r"\frac{\partial J}{\partial W^{(2)}} = (a^{(2)})^T \delta^{(3)}",
                  r"\delta^{(2)} = \delta^{(3)} (W^{(2)})^T \odot f'(z^{(2)})",
                  r"\frac{\partial J}{\partial W^{(1)}} = X^T \delta^{(2)}"]
        planted = [claims[3].replace(r"X^T \delta^{(2)}", r"\delta^{(2)} X^T"),
                   claims[2].replace(r" \odot f'(z^{(2)})", "")]
    else:
        claims = [r"\delta^{(3)} = (\hat{y} - y) \odot f'(z^{(3)})",
                  r"\nabla_{W^{(l)}} J = \delta^{(l+1)} (a^{(l)})^T",
                  r"\delta^{(2)} = \left((W^{(2)})^T \delta^{(3)}\right) \odot f'(z^{(2)})",
                  r"\delta^{(2)}_i = \left(\sum_{j} W^{(2)}_{ji} \delta^{(3)}_j\right) "
                  r"f'(z^{(2)}_i)"]
        planted = [claims[1].replace(r"\delta^{(l+1)}", r"\delta^{(l)}"),
                   claims[2].replace(r" \odot f'(z^{(2)})", "")]
    assert outcomes(verdicts_in(table, claims, notation)) == [HOLDS] * 4
    assert outcomes(verdicts_in(table, planted, notation)) == [("wrong", "shape"),
                                                               ("wrong", "other")]


def test_a_primed_capital_sigma_is_the_diagonal_matrix_of_the_derivative():
    # `\Sigma'(z)`: diag(\sigma'(z)), the derivative of the activation as a matrix
    claims = [r"\delta^{(2)} = \Sigma'(z^{(2)}) (a^{(2)} - y)",
              r"\delta^{(1)} = \Sigma'(z^{(1)}) (W^{(2)})^T \Sigma'(z^{(2)}) (a^{(2)} - y)"]
    setup = {"samples": "single", "hidden": "sigmoid", "output": "sigmoid"}
    assert outcome(claims, **setup) == [HOLDS, HOLDS]
    assert outcome([claims[1].replace(r"\Sigma'(z^{(1)}) (W^{(2)})^T",
                                      r"(W^{(2)})^T \Sigma'(z^{(1)})"),
                    claims[0].replace(r"\Sigma'", r"\Sigma''")], **setup) == [
        ("wrong", "shape"), ("wrong", "other")]


def test_a_jacobian_written_as_a_whole_side_or_transposed_before_a_vector():
    """`\\frac{\\partial a}{\\partial z} = \\mathrm{diag}(\\sigma'(z))`: a derivative of a vector
    by a vector beside a matrix is its Jacobian (or, where only that has the other side's
    shape, the Jacobian transposed); `(\\frac{\\partial a}{\\partial z})^T v` is the chain rule
    with the Jacobian first."""
    setup = dict(samples="single", hidden="sigmoid", output="softmax",
                 loss="categorical_cross_entropy", scale=1, outputs=3)
    claims = [r"\frac{\partial a^{(1)}}{\partial z^{(1)}} = \mathrm{diag}(\sigma'(z^{(1)}))",
              r"\frac{\partial z^{(2)}}{\partial a^{(1)}} = W^{(2)}",
              r"\frac{\partial a^{(2)}}{\partial z^{(2)}} = \mathrm{diag}(a^{(2)}) - a^{(2)} "
              r"(a^{(2)})^T",
              r"\frac{\partial L}{\partial z^{(1)}} = \left(\frac{\partial z^{(2)}}"
              r"{\partial z^{(1)}}\right)^T \frac{\partial L}{\partial z^{(2)}}",
              r"\frac{\partial z^{(2)}}{\partial a^{(1)}} = W^{(2)T}",
              r"\frac{\partial a^{(1)}}{\partial z^{(1)}} = \sigma'(z^{(1)})"]
    results = verdicts(claims, **setup)
    assert outcomes(results) == [HOLDS] * 6, [r.message for r in results]
    assert "Jacobian matrix" in results[0].message and "transposed" in results[4].message
    assert "entry by entry" in results[5].message
    planted = [claims[0].replace(r"\sigma'", r"\sigma"), claims[1].replace("= W", "= 2 W"),
               claims[2].replace("(a^{(2)})^T", "a^{(2)}"),
               claims[3].replace(r"^T \frac{\partial L}{\partial z^{(2)}}",
                                 r"^T \frac{\partial L}{\partial a^{(2)}}")]
    assert outcomes(verdicts(planted, **setup)) == [
        ("wrong", "other"), ("wrong", "factor"), ("wrong", "other"), ("wrong", "other")]


def test_a_prime_before_the_layer_mark_and_softmax_written_of_an_entry():
    # index-form notes name each layer's function f^{(l)} and write its derivative f'^{(l)};
    # `f^{(2)}(z_j^{(2)})` with a softmax f^{(2)} means the j-th entry of softmax(z^{(2)})
    setup = dict(samples="single", hidden="relu", output="softmax",
                 loss="categorical_cross_entropy", scale=1, outputs=3)
    notation = {"f^{(l)}": "activation_function[l]"}
    claims = [r"a_j^{(2)} = f^{(2)}\bigl(z_j^{(2)}\bigr)",
              r"\frac{\partial z_k^{(2)}}{\partial z_j^{(1)}} = W_{kj}^{(2)} f'^{(1)}(z_j^{(1)})",
              r"\delta_j^{(1)} = f'^{(1)}(z_j^{(1)}) \sum_k W_{kj}^{(2)} \delta_k^{(2)}"]
    results = verdicts(claims, notation, **setup)
    assert outcomes(results) == [HOLDS] * 3, [r.message for r in results]
    assert "entry" in results[0].message
    # the layer mark after the prime is read: layer 2's function is the softmax, and the
    # prime is read (without it, the ReLU itself is a wrong factor)
    other = verdicts([claims[2].replace("f'^{(1)}", "f'^{(2)}")], notation, **setup)[0]
    assert other.verdict == "unchecked" and "softmax" in other.message
    unprimed = verdicts([claims[2].replace("f'^{(1)}", "f^{(1)}")], notation, **setup)[0]
    assert unprimed.verdict == "wrong", unprimed.message
    planted = verdicts([claims[2].replace(r"W_{kj}", r"W_{jk}")], notation, **setup)[0]
    assert (planted.verdict, planted.diagnosis) == ("wrong", "index"), planted.message
    # `\sigma(Z, i)` with i bound nowhere is not a component (it was once read as a number)
    unbound = verdicts([r"f^{(2)}(z^{(2)}, i) \equiv f^{(2)}(z_i^{(2)})"], notation, **setup)[0]
    assert unbound.verdict == "unchecked" and "failed" not in unbound.message, unbound.message


def test_a_layered_function_written_bare_takes_its_arguments_layer():
    results = verdicts([r"A[l] = g(Z[l])", r"A^{[1]} = g(Z^{[1]})", r"A^{[2]} = g(Z^{[1]})",
                        r"A^{[1]} = g(X)"], {"g^{[l]}": "activation_function[l]"},
                       hidden="relu")
    assert outcomes(results[:3]) == [HOLDS, HOLDS, ("wrong", "shape")]
    assert results[3].verdict == "unchecked" and "'g' without its layer" in results[3].message


def test_plain_text_formulas_of_one_sample():
    """A README's table: `dL/dW2` for the derivative, layers glued on (`h2(1-h2)`), a function
    by its capitalised name, a vector squared for the sum of its squares, and two vectors side
    by side multiplied entry by entry; each reading said in the verdict."""
    claims = [r"L = (y - a2)^2", r"a2 = Sigmoid(z2)", r"dL/da2 = 2(a2 - y)",
              r"da1/dz1 = a1(1-a1)", r"dL/dW2 = -(y-a2)"]
    results = verdicts(claims, samples="single", hidden="sigmoid", scale=1)
    assert outcomes(results) == [HOLDS] * 4 + [("wrong", "shape")]
    assert "sum of its entries' powers" in results[0].message
    assert "element-wise product" in results[3].message
    planted = verdicts([claims[2].replace("2(a2", "(a2")], samples="single", hidden="sigmoid",
                       scale=1)
    assert outcomes(planted) == [("wrong", "factor")]
    # side by side in a batch formula: entry by entry only where there is no matrix product
    batch = verdicts([r"\delta^{(1)} = (W^{(2)T} \delta^{(2)}) \sigma'(Z^{(1)})",
                      r"\delta^{(1)} = (W^{(2)T} \delta^{(2)}) \sigma'(Z^{(1)})^T"],
                     {r"\delta^{(l)}": "adjoint(preactivation[l])"}, hidden="sigmoid")
    assert outcomes(batch) == [HOLDS, ("wrong", "shape")]


@pytest.mark.parametrize("samples", ["columns", "single"])
def test_an_increment_is_an_accumulated_gradient_or_the_step_of_an_update(samples):
    # `\Delta W := \Delta W + ...` in a loop over the samples adds one sample's gradient;
    # `\Delta W = -\eta ...` is the change an update makes
    accumulations = [r"\Delta W^{(2)} := \Delta W^{(2)} + \delta^{(2)} a^{(1)T}",
                     r"\Delta b^{(1)} := \Delta b^{(1)} + \delta^{(1)}"]
    step = r"\Delta W^{(1)} = -\eta \frac{\partial L}{\partial W^{(1)}}"
    setup = {"hidden": "sigmoid", "samples": samples}
    results = verdicts([*accumulations, step], **setup)
    assert outcomes(results) == [HOLDS] * 3
    assert "accumulated over the samples" in results[0].message
    assert "step of an update" in results[2].message
    assert outcome([accumulations[0].replace(r"\delta^{(2)} a^{(1)T}",
                                             r"a^{(1)} \delta^{(2)T}")],
                   **setup) == [("wrong", "transpose")]
    assert outcome([step.replace("-", "")], **setup) == [("wrong", "sign")]
    # without a rate it may be either: both readings named, nothing guessed
    ambiguous = verdicts([r"\Delta W^{(2)} = \delta^{(2)} a^{(1)T}"], **setup)[0]
    assert ambiguous.verdict == "unchecked"
    assert "step of an update" in ambiguous.message and "accumulated" in ambiguous.message
    # the document's own meaning of the symbol wins
    assert outcome([r"\Delta W^{(2)} = \delta^{(2)} a^{(1)T}"],
                   {r"\Delta W^{(2)}": "adjoint(weight[2])"}, **setup) == [HOLDS]


@pytest.mark.parametrize("samples", ["columns", "rows", "single"])
def test_a_label_written_as_the_class_index(samples):
    # `p_{y_i}`, `\mathbb{1}(y_i = k)`: y_i is sample i's class, the one where its one-hot
    # target is 1
    notation = {"p": "output", "z": "preactivation[2]"}
    setup = {**SOFTMAX_CE, "samples": samples,
             **({"weights": "in_out"} if samples == "rows" else {})}
    if samples == "single":
        claims = [r"L = -\log p_{y}", r"L = -z_y + \log \sum_j e^{z_j}",
                  r"\frac{\partial L}{\partial z_k} = p_k - 1(y = k)"]
    else:
        notation["i"] = "sample_index"
        claims = [r"L_i = -\log\left(\frac{e^{z_{y_i}}}{\sum_j e^{z_j}}\right)",
                  r"L = \sum_i -\log p_{y_i}",
                  r"\frac{\partial L_i}{\partial z_k} = p_k - \mathbb{1}(y_i = k)"]
    assert outcome(claims, notation, **setup) == [HOLDS] * 3
    assert outcome([claims[2].replace("p_k -", "-p_k +")], notation,
                   **setup) == [("wrong", "sign")]
    # the indicator with its condition as a subscript, `\mathbb{1}_{k = y_i}`
    label = "y" if samples == "single" else "y_i"
    subscripted = claims[2][:claims[2].index("- ")] + rf"- \mathbb{{1}}_{{k = {label}}}"
    assert outcome([subscripted], notation, **setup) == [HOLDS]
    # Iverson's bracket, `[y_i = k]`
    iverson = claims[2][:claims[2].index("- ")] + rf"- [{label} = k]"
    assert outcome([iverson, iverson.replace("- [", "+ [")], notation, **setup) == [
        HOLDS, ("wrong", "sign")]
    assert outcome([claims[0].replace("-", "", 1)], notation, **setup)[0][0] == "wrong"


def test_an_entry_beside_one_samples_loss_is_that_samples():
    # `\frac{\partial E^q}{\partial z_k} = a_k - y_k`: z_k and a_k are sample q's
    setup = SOFTMAX_CE
    notation = {"a": "output", "z": "preactivation[2]"}
    claims = [r"\frac{\partial L_q}{\partial z_k} = a_k - y_k",
              r"\frac{\partial E^q}{\partial z_k} = a_k - y_k"]
    assert outcome(claims, notation, **setup) == [HOLDS, HOLDS]
    assert outcome([r"\frac{\partial L_q}{\partial z_k} = y_k - a_k"], notation,
                   **setup) == [("wrong", "sign")]


def test_the_cost_of_example_0_with_its_arguments_left_out():
    # `C_0(...)`: the cost of the first example, counted from 0, as a function of whatever
    single = [r"C_0(...) = \frac12 \sum_j (a^{(2)}_j - y_j)^2",
              r"\frac{\partial C_0}{\partial a^{(2)}_j} = a^{(2)}_j - y_j"]
    assert outcome(single, samples="single") == [HOLDS, HOLDS]
    assert outcome([single[1].replace("=", "= 2(", 1) + ")"],
                   samples="single") == [("wrong", "factor")]
    # (a claim that counts its examples from 0 counts its entries so too)
    first = r"C_0(\ldots) = \frac12 \sum_j (A^{(2)}_{j0} - Y_{j0})^2"
    assert outcome([first]) == [HOLDS]
    assert outcome([first.replace("j0", "j2")])[0][0] == "wrong"


def test_colours_and_long_arrows_between_statements():
    # `\textcolor{blue}{w}` is w; `\longrightarrow` joins a definition to its derivative (of a
    # one-unit output layer)
    claims = [r"\textcolor{green}{z^{(2)}} = \textcolor{blue}{w^{(2)}} a^{(1)} + b^{(2)} "
              r"\quad \longrightarrow \quad \frac{\textcolor{green}{\partial z^{(2)}}}"
              r"{\textcolor{pink}{\partial b^{(2)}}} = 1",
              r"\frac{\textcolor{red}{\partial C}}{\partial a^{(2)}} = \color{red} a^{(2)} - y"]
    assert outcome(claims, samples="single", outputs=1) == [HOLDS, HOLDS]
    assert outcome([claims[0].replace("= 1", "= 2")], samples="single",
                   outputs=1)[0][0] == "wrong"


def test_entries_numbered_from_zero():
    # a claim that writes an entry 0 numbers its entries from 0; entries written one by one
    # exist at the document's sizes only, where they are checked
    claim = (r"z_j^{(2)} = w_{j0}^{(2)} a_0^{(1)} + w_{j1}^{(2)} a_1^{(1)} + "
             r"w_{j2}^{(2)} a_2^{(1)} + w_{j3}^{(2)} a_3^{(1)} + b_j^{(2)}")
    result = verdicts([claim], samples="single")[0]
    assert (result.verdict, result.diagnosis) == HOLDS
    assert "document's sizes" in result.message
    assert outcome([claim.replace("a_3^{(1)}", "a_2^{(1)}")], samples="single")[0][0] == "wrong"


@pytest.mark.parametrize("samples", ["single", "columns"])
def test_a_sum_whose_upper_limit_is_an_expression(samples):
    body = (r"\frac{\partial z_j^{(2)}}{\partial a_k^{(1)}} \frac{\partial a_j^{(2)}}"
            r"{\partial z_j^{(2)}} \frac{\partial C}{\partial a_j^{(2)}}")
    claims = [r"\frac{\partial C}{\partial a_k^{(1)}} = \sum_{j=0}^{q-1} " + body,
              r"\frac{\partial C}{\partial a_k^{(1)}} = \sum_{j=0}^{q} " + body]
    assert outcome(claims[:1], samples=samples) == [HOLDS]
    assert outcome(claims[1:], samples=samples)[0] == ("wrong", "shape")


def test_a_loss_of_one_samples_vectors_in_a_batch_network_keeps_its_sign_error():
    # `\mathcal{L}(z, y) = y \log \sigma(z) + ...` (the minus sign missing), samples as rows and
    # a one-unit output: z and y are one sample's, not the batch's 5x1 columns, so the error is
    # the sign, not a shape
    table = network(samples="rows", weights="out_in", output="sigmoid",
                    loss="binary_cross_entropy", scale=1, reduction="mean", outputs=1)
    notation = {r"\mathcal{L}": "loss_of_preactivation", "z": "preactivation[2]"}
    claim = r"\mathcal{L}(z, y) = -(y \log(\sigma(z)) + (1 - y) \log(1 - \sigma(z)))"
    assert outcomes(verdicts_in(table, [claim], notation)) == [HOLDS]
    wrong = claim.replace("-(", "(", 1)
    assert outcomes(verdicts_in(table, [wrong], notation)) == [("wrong", "sign")]


@pytest.mark.parametrize("samples,slice_", [("columns", ":,i"), ("rows", "i,:")])
def test_a_slice_of_every_unit_summed_over_the_samples_is_a_vector(samples, slice_):
    """`\\sum_i \\delta_{:,i}` (NumPy's and MATLAB's slices): the sum of the samples' columns
    (rows), a vector like the bias it is the gradient of."""
    setup = {"samples": samples, "weights": "in_out" if samples == "rows" else "out_in"}
    claims = [rf"\nabla_{{b^{{(2)}}}} L = \sum_{{i}} \delta^{{(2)}}_{{{slice_}}}",
              rf"\nabla_{{b^{{(2)}}}} L = 2 \sum_{{i}} \delta^{{(2)}}_{{{slice_}}}",
              rf"\nabla_{{b^{{(2)}}}} L = \sum_{{i}} \delta^{{(1)}}_{{{slice_}}}"]
    assert outcome(claims, **setup) == [HOLDS, ("wrong", "factor"), ("wrong", "shape")]


# Bishop's notation: no layer is written, the index letters say which (i the inputs, j the
# hidden units, k the outputs); a is the pre-activation, z the activation, t the target
BY_INDEX_LETTERS = [
    r"a_j = \sum_i w_{ji} x_i + b_j",
    r"z_j = \tanh(a_j)",
    r"y_k = \sigma(\sum_j w_{kj} z_j + b_k)",
    r"\delta_j = (1 - z_j^2) \sum_k w_{kj} \delta_k",
    r"\frac{\partial E}{\partial w_{ji}} = \delta_j x_i",
    r"\frac{\partial E}{\partial w_{kj}} = \delta_k z_j",
    r"\frac{\partial E}{\partial b_k} = \delta_k",
]
LETTERS_DECLARED = {"a^{(l)}": "preactivation[l]", "z^{(l)}": "activation[l]", "t": "target",
                    "y": "output", "i": "units[0]", "j": "units[1]", "k": "units[last]"}
# the same said by the keys: `a_j` is a pre-activation and j numbers layer 1's units
KEYS_DECLARED = {"a_j": "preactivation[1]", "z_j": "activation[1]", "a_k": "preactivation[2]",
                 "t": "target", "y": "output"}


@pytest.mark.parametrize("notation", [LETTERS_DECLARED, KEYS_DECLARED])
def test_index_letters_that_number_a_layers_units_name_the_layer(notation):
    setup = {"samples": "single"}
    assert outcome(BY_INDEX_LETTERS, notation, **setup) == [HOLDS] * len(BY_INDEX_LETTERS)
    # exchanging j and k on the right also changes the layers they name: still an index error
    exchanged = verdicts([r"\frac{\partial E}{\partial w_{kj}} = \delta_j z_k"], notation, **setup)
    assert outcomes(exchanged) == [("wrong", "index")]
    assert "j and k exchanged" in exchanged[0].message


def test_index_letters_name_the_layer_with_samples_and_either_weight_layout():
    notation = {**LETTERS_DECLARED, "n": "sample_index"}
    batch = [r"\frac{\partial E}{\partial w_{kj}} = \sum_n \delta_k^{(n)} z_j^{(n)}",
             r"\delta_j^{(n)} = (1 - (z_j^{(n)})^2) \sum_k w_{kj} \delta_k^{(n)}",
             r"\frac{\partial E}{\partial b_j} = \sum_n \delta_j^{(n)} x_1^{(n)}"]
    assert outcome(batch, notation) == [HOLDS, HOLDS, ("wrong", "other")]
    # weights as (in, out): w_{ij} joins input i to hidden unit j, and w_{kj} joins nothing
    rows = [r"a_j = \sum_i x_i w_{ij} + b_j", r"\frac{\partial E}{\partial w_{jk}} = \delta_k z_j",
            r"\frac{\partial E}{\partial w_{kj}} = \delta_k z_j"]
    assert outcome(rows, LETTERS_DECLARED, samples="single", weights="in_out") == \
        [HOLDS, HOLDS, ("wrong", "index")]


def test_an_index_letter_of_no_layer_is_unchecked_with_how_to_declare_it():
    [result] = verdicts([r"a_j = \sum_i w^{(1)}_{ji} x_i + b^{(1)}_j"], samples="single")
    assert result.verdict == "unchecked"
    assert """'j' = "units[1]" for layer 1""" in result.message


@pytest.mark.parametrize("key,meaning,expected", [
    ("j", "units", "needs the layer"), ("j", "units[1..2]", "needs the layer"),
    ("jk", "units[1]", "one index letter")])
def test_a_units_row_needs_one_letter_and_a_layer(key, meaning, expected):
    with pytest.raises(InputError, match=expected):
        verdicts([r"a_j = 1"], {key: meaning})


def test_a_star_declared_a_matrix_product_is_one():
    claim = r"dZ^{[1]} = W^{[2]T} dZ^{[2]} * g^{[1]\prime}(Z^{[1]})"
    assert outcome([claim], {"*": "matmul"}, **CODE_LIKE) == [("wrong", "shape")]


def test_diag_of_a_matrix_of_several_samples_is_unchecked_with_the_reason():
    [result] = verdicts([r"\delta^{(1)} = \operatorname{diag}(1 - A^{(1)} \odot A^{(1)}) "
                         r"W^{(2)T} \delta^{(2)} \frac{1}{m}"])
    assert result.verdict == "unchecked" and "diag of a 4x5 matrix" in result.message


def test_numpy_sums_over_the_rows_with_samples_as_rows_and_other_keywords_unread():
    setup = {**CODE_LIKE, "samples": "rows", "weights": "in_out"}
    claims = [r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=0, keepdims=True)",
              r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=1, keepdims=True)",
              r"db^{[1]} = \frac{1}{m} np.sum(dZ^{[1]}, axis=0, dtype=float)"]
    assert [result.verdict for result in verdicts(claims, **setup)] == \
        ["holds", "wrong", "unchecked"]


def test_an_elementwise_product_before_a_matrix_product_groups_the_way_the_shapes_fit():
    # `A \odot B C`: left to right where that fits, A \odot (B C) where only that does
    claims = [r"\delta^{(1)} = \sigma'(Z^{(1)}) \odot W^{(2)T} \delta^{(2)}",
              r"\nabla_{W^{(2)}} L = (A^{(2)} - Y) \odot \sigma'(Z^{(2)}) A^{(1)T}"]
    results = verdicts(claims, hidden="sigmoid")
    assert outcomes(results) == [HOLDS, HOLDS]
    assert "read as `A \\odot (B C)`" in results[0].message
    assert "read as" not in results[1].message
    # neither grouping fits: the written one's mismatch is reported
    wrong = verdicts([claims[0].replace("W^{(2)T}", "W^{(2)}")], hidden="sigmoid")[0]
    assert (wrong.verdict, wrong.diagnosis) == ("wrong", "shape")
    assert "a 4x5 and a 2x4 matrix do not fit" in wrong.message   # the product written first


def test_matrices_of_one_shape_side_by_side_multiply_entry_by_entry():
    # samples as rows: \delta^{(2)} W^{(2)} and \sigma'(Z^{(1)}) are both M x N_1
    claims = [r"\delta^{(1)} = \delta^{(2)} W^{(2)} \sigma'(Z^{(1)})",
              r"\delta^{(2)} = (A^{(2)} - Y) \sigma'(Z^{(2)})"]
    results = verdicts(claims, samples="rows", hidden="sigmoid")
    assert outcomes(results) == [HOLDS, HOLDS]
    assert "two matrices of the same shape written side by side" in results[0].message
    # a product that has a matrix product stays one: W^{(2)T} here is N_2 x N_1
    planted = verdicts([claims[0].replace("W^{(2)}", "W^{(2)T}")], samples="rows",
                       hidden="sigmoid")[0]
    assert (planted.verdict, planted.diagnosis) == ("wrong", "shape")


def test_an_activation_without_its_layer_by_which_the_loss_is_differentiated_is_the_output():
    # the loss is a function of the output layer's activation: `\nabla_h E` needs no layer
    notation = {"h^{[l]}": "activation[l]", "E": "loss"}
    claims = [r"\nabla_h E = h^{[2]} - y", r"\frac{\partial E}{\partial h_k} = h^{[2]}_k - y_k",
              r"\delta^{[2]} = \nabla_h E \odot \sigma'(z^{[2]})"]
    results = verdicts(claims, notation, samples="single")
    assert outcomes(results) == [HOLDS] * 3
    assert "read as the output layer's" in results[0].message
    assert outcome([r"\nabla_h E = y - h^{[2]}"], notation, samples="single") == \
        [("wrong", "sign")]
    # anything else written without its layer stays unread
    [other] = verdicts([r"\frac{\partial z^{[2]}_1}{\partial h_k} = W^{[2]}_{1k}"], notation,
                       samples="single")
    assert other.verdict == "unchecked" and "'h' without its layer" in other.message


@pytest.mark.parametrize("samples,weights,product,transposed", [
    ("columns", "out_in", r"\delta^{(2)}_n a^{(1)T}_n", r"a^{(1)}_n \delta^{(2)T}_n"),
    ("rows", "in_out", r"a^{(1)T}_n \delta^{(2)}_n", r"\delta^{(2)T}_n a^{(1)}_n"),
])
def test_a_sum_over_samples_of_products_of_their_vectors(samples, weights, product, transposed):
    # each sample's vectors (a column, or a row with samples as rows) multiplied as matrices:
    # an outer product for a weight's gradient, an inner product for a squared error
    table = network(samples=samples, weights=weights, hidden="sigmoid", reduction="mean")
    notation = {r"\delta^{(l)}": "sample_adjoint(preactivation[l])"}
    inner = r"(a^{(2)}_n - y_n)^T (a^{(2)}_n - y_n)" if samples == "columns" else \
        r"(a^{(2)}_n - y_n) (a^{(2)}_n - y_n)^T"
    claims = [r"\frac{\partial L}{\partial W^{(2)}} = \frac{1}{m} \sum_{n=1}^{m} " + product,
              r"L = \frac{1}{2m} \sum_{n=1}^{m} " + inner]
    assert outcomes(verdicts_in(table, claims, notation)) == [HOLDS, HOLDS]
    planted = claims[0].replace(product, transposed)
    assert outcomes(verdicts_in(table, [planted], notation))[0][0] == "wrong"


def test_a_sum_over_samples_leaves_each_samples_mark_implicit_in_its_body():
    # \sum_{n=1}^{m} over the batch: the body's quantities are sample n's
    table = network(hidden="sigmoid", reduction="mean")
    claims = [r"\frac{\partial L}{\partial b^{(2)}_j} = \frac{1}{m} \sum_{n=1}^{m} "
              r"(a^{(2)}_j - y_j) a^{(2)}_j (1 - a^{(2)}_j)"]
    assert outcomes(verdicts_in(table, claims)) == [HOLDS]
    planted = claims[0].replace("(1 - a^{(2)}_j)", "(1 + a^{(2)}_j)")
    assert outcomes(verdicts_in(table, [planted]))[0][0] == "wrong"


def test_a_sum_over_the_training_inputs_runs_over_the_samples():
    # `\sum_x` with x the input: x stands for each sample, in `t(x)`, `h^{(1)}(x)` and as a
    # sample mark beside a layer (`\delta^{(2),x}`, `h^{x,(1)}`)
    table = network(hidden="sigmoid", reduction="mean")
    table["sizes"]["n"], table["batch"] = table["sizes"].pop("m"), "n"
    notation = {"h^{(l)}": "activation[l]", "t": "target", "E": "loss",
                r"\delta^{(l)}": "sample_adjoint(preactivation[l])"}
    claims = [r"E = \frac{1}{2n} \sum_x \|t(x) - h^{(2)}(x)\|^2",
              r"W^{(2)} \leftarrow W^{(2)} - \frac{\eta}{n} \sum_x \delta^{(2),x} (h^{x,(1)})^T",
              r"b^{(2)} \leftarrow b^{(2)} - \frac{\eta}{n} \sum_x \delta^{x,(2)}"]
    assert outcomes(verdicts_in(table, claims, notation)) == [HOLDS] * 3
    planted = [claims[0].replace("2n", "n"), claims[1].replace("- \\frac", "+ \\frac"),
               claims[0].replace("h^{(2)}(x)", "h^{(1)}(x)")]
    assert outcomes(verdicts_in(table, planted, notation)) == \
        [("wrong", "factor"), ("wrong", "sign"), ("wrong", "index")]
    # a sum over a letter that is not the input is no sum over samples
    [other] = verdicts_in(table, [r"E = \frac{1}{2n} \sum_u \|t(u) - h^{(2)}(u)\|^2"], notation)
    assert other.verdict != "holds"


def test_a_generic_function_is_read_by_its_name_and_its_closed_forms_named():
    """A layer declared with a generic `g` reads `g` applied to anything (the conventions'
    layered `g^{[l]}` does not hide it). A formula that holds only if g is a particular
    activation says which function the document means: unchecked, with what to declare;
    one that holds for no activation is wrong."""
    table = network(samples="single")
    table["layers"][0] = {"units": "p", "activation": "generic", "function": "g"}
    results = verdicts_in(table, [
        r"\delta^{(1)} = (W^{(2)T} \delta^{(2)}) \odot g'(z^{(1)})",
        r"g'(u) = g(u)(1 - g(u))",
        r"g'(u) = 1 - g(u)^2",
        r"g'(u) = 2 g(u)",
    ])
    assert outcomes(results)[0] == HOLDS
    assert [result.verdict for result in results[1:]] == ["unchecked", "unchecked", "wrong"]
    assert 'activation = "sigmoid"' in results[1].message
    assert 'activation = "tanh"' in results[2].message


def test_index_letters_of_any_layer_read_a_claim_at_every_layer_they_exist_at():
    """Neuron j of any layer: `'j' = "units[l]"`, i the layer before, k the next. A claim is
    read at every layer where its letters number units (the target's only at the output
    layer), and the planted errors are found."""
    table = network(samples="single", hidden="sigmoid", output="sigmoid", weights="in_out")
    table["sizes"]["r"] = 3
    table["layers"].insert(1, {"units": "r", "activation": "sigmoid"})
    for layer in table["layers"]:
        layer["bias"] = False
    notation = {"i": "units[l-1]", "j": "units[l]", "k": "units[l+1]",
                "s^{(l)}": "preactivation[l]", "o^{(l)}": "activation[l]", "t": "target"}
    results = verdicts_in(table, [
        r"s_j = \sum_i w_{ij} o_i",
        r"o_j = \sigma(s_j)",
        r"E = \frac{1}{2} \sum_k (o_k - t_k)^2",
        r"\delta_j = (o_j - t_j) o_j (1 - o_j)",
        r"\delta_j = o_j (1 - o_j) \sum_k w_{jk} \delta_k",
        r"\frac{\partial E}{\partial w_{ij}} = \delta_j o_i",
        r"\delta_j = o_j (1 - o_j) \sum_k w_{kj} \delta_k",
        r"\frac{\partial E}{\partial w_{ij}} = \delta_i o_j",
    ], notation)
    assert outcomes(results)[:6] == [HOLDS] * 6
    assert "'t' is the output layer's, and j numbers layer 1's units" in results[3].message
    assert [result.verdict for result in results[6:]] == ["wrong", "wrong"]
    assert results[6].diagnosis == "index"


def test_a_network_of_one_layer_reads_its_letters_without_a_layer():
    """With one layer there is one W, one z: written without a layer they are that layer's.
    `\\sum_l W_{k,l}^2` sums entries (l is in an entry pair, not a layer mark)."""
    table = network(samples="rows", output="softmax", loss="categorical_cross_entropy",
                    scale=1, reduction="mean", outputs=3, weights="in_out",
                    regularization={"l2": "lambda", "scale": "1/2"})
    table["layers"] = table["layers"][1:]
    table["sizes"].pop("p")
    results = verdicts_in(table, [
        r"Z = X W + b",
        r"L = -\frac{1}{m} \sum_{n} \sum_{k} Y_{nk} \log A_{nk} + \frac{1}{2} \lambda "
        r"\sum_k \sum_l W_{k,l}^2",
        r"\frac{\partial L}{\partial W} = \frac{1}{m} X^T (A - Y) + \lambda W",
        r"\frac{\partial L}{\partial W} = \frac{1}{m} X^T (A - Y) + 2 \lambda W",
    ])
    assert outcomes(results) == [HOLDS, HOLDS, HOLDS, ("wrong", "other")]


@pytest.mark.parametrize("samples", ["columns", "single"])
def test_a_left_side_beside_one_samples_loss_is_that_samples(samples):
    """`\\delta_j \\equiv \\frac{\\partial E_n}{\\partial z_j}` (Bishop: E_n is pattern n's
    error): the left side leaves the sample implicit, as the right side's z_j does."""
    table = network(samples=samples, hidden="sigmoid", output="sigmoid")
    results = verdicts_in(table, [
        r"\delta^{(2)}_j \equiv \frac{\partial E_n}{\partial z^{(2)}_j}",
        r"\frac{\partial E_n}{\partial w^{(2)}_{jk}} = \delta^{(2)}_j a^{(1)}_k",
        r"\delta^{(2)}_j = 2 \frac{\partial E_n}{\partial z^{(2)}_j}",
    ])
    assert outcomes(results) == [HOLDS, HOLDS, ("wrong", "factor")]


def test_an_entry_index_reused_as_the_sum_over_samples_letter_stays_the_entrys():
    """`\\frac{\\partial J}{\\partial W_{nk}} = \\frac1m \\sum_{n=1}^m \\frac{\\partial}{\\partial
    W_{nk}} J(W,b;x^{(n)},y^{(n)})`: inside the sum over the samples, n in a subscript is
    still the left side's entry index (the samples are marked in superscripts)."""
    table = network(samples="columns", hidden="sigmoid", reduction="mean",
                    regularization={"l2": "lambda", "scale": "1/2"})
    claims = [
        r"\frac{\partial}{\partial W_{nk}^{[2]}} J(W,b) = \frac{1}{m} \sum_{n=1}^{m} "
        r"\frac{\partial}{\partial W_{nk}^{[2]}} J(W,b; x^{(n)}, y^{(n)}) + \lambda W_{nk}^{[2]}",
        r"\frac{\partial}{\partial b_{n}^{[1]}} J(W,b) = \frac{1}{m} \sum_{n=1}^{m} "
        r"\frac{\partial}{\partial b_{n}^{[1]}} J(W,b; x^{(n)}, y^{(n)})",
        r"\frac{\partial}{\partial W_{nk}^{[2]}} J(W,b) = \frac{1}{m} \sum_{n=1}^{m} "
        r"\frac{\partial}{\partial W_{nk}^{[2]}} J(W,b; x^{(n)}, y^{(n)})",
    ]
    results = verdicts_in(table, claims)
    assert outcomes(results)[:2] == [HOLDS, HOLDS]
    assert "read as the left side's n" in results[0].message
    assert results[2].verdict == "wrong"     # the penalty's gradient left out


def test_a_running_gradient_assigned_with_an_arrow_is_read_in_order():
    """An algorithm's backward loop keeps one running gradient: `r \\leftarrow
    \\nabla_{u^{(k)}} E = r \\odot \\phi'(u^{(k)})`. The first link assigns r, the others and
    later claims read the value it was last assigned; a line that reads the value assigned
    before the loop (no k in it) is checked at the loop's first iteration, the last layer."""
    table = network(samples="single", hidden="tanh", output="tanh")
    table["sizes"]["n_L"] = 2
    notation = {"k": "layer_variable[1..last]", "u^{(l)}": "preactivation[l]",
                "v^{(l)}": "activation[l]"}
    results = verdicts_in(table, [
        r"r \leftarrow \nabla_{v^{(n_L)}} E = v^{(n_L)} - y",
        r"r \leftarrow \nabla_{u^{(k)}} E = r \odot (1 - \tanh^2(u^{(k)}))",
        r"\nabla_{W^{(k)}} E = r \, v^{(k-1)\top}",
        r"r \leftarrow \nabla_{v^{(k-1)}} E = W^{(k)\top} r",
        r"\nabla_{W^{(k)}} E = r \, v^{(k-1)\top}",
        r"r \leftarrow \nabla_{u^{(k)}} E = r \odot \tanh(u^{(k)})",
    ], notation)
    assert outcomes(results)[:4] == [HOLDS] * 4
    assert "at its first iteration only" in results[1].message
    assert results[4].verdict == "wrong"   # r is now the gradient on the layer before
    assert results[5].verdict == "wrong"


@pytest.mark.parametrize("samples,weights,affine", [
    ("rows", "in_out", r"s = x_n V + c"), ("columns", "out_in", r"s = V x_n + c")])
def test_a_whole_left_side_beside_one_written_samples_vector_is_that_samples(
        samples, weights, affine):
    """`s = x_n V + c` (the scores of example n): the batch's matrix on the left, sample n's
    vector on the right, so the left is sample n's; a bias left out is still found."""
    table = network(samples=samples, weights=weights, output="softmax",
                    loss="categorical_cross_entropy", scale=1, reduction="mean", outputs=3)
    table["layers"] = table["layers"][1:]
    table["sizes"].pop("p")
    notation = {"s": "preactivation[1]", "V": "weight[1]", "c": "bias[1]", "n": "sample_index"}
    results = verdicts_in(table, [affine, affine.replace(" + c", "")], notation)
    assert outcomes(results)[0] == HOLDS
    assert results[1].verdict == "wrong"


def test_a_one_unit_output_indexed_inside_a_sum_over_the_training_inputs():
    """`\\frac{1}{m} \\sum_x (a_j - y_j)` with one output unit: j numbers the unit and the sum
    runs over the samples (outside such a sum, `a_i` of a one-unit layer is sample i's)."""
    table = network(samples="columns", output="sigmoid", loss="binary_cross_entropy", scale=1,
                    reduction="mean", outputs=1)
    results = verdicts_in(table, [
        r"C = -\frac{1}{m} \sum_x \sum_j \left[ y_j \ln a^{(2)}_j + (1 - y_j) \ln (1 - a^{(2)}_j)"
        r" \right]",
        r"\frac{\partial C}{\partial w^{(2)}_{jk}} = \frac{1}{m} \sum_x a^{(1)}_k (a^{(2)}_j - y_j)",
        r"\frac{\partial C}{\partial w^{(2)}_{jk}} = \frac{1}{m} \sum_x a^{(1)}_j (a^{(2)}_k - y_k)",
    ])
    assert outcomes(results) == [HOLDS, HOLDS, ("wrong", "index")]


def test_a_derivative_operator_applies_to_the_whole_product_after_it():
    """`\\frac{\\partial}{\\partial z_i} \\frac{1}{2} \\|y - a\\|^2`: the operator takes
    everything after it, not only the 1/2 (which would make the derivative 0)."""
    table = network(samples="single", output="sigmoid")
    results = verdicts_in(table, [
        r"\frac{\partial}{\partial z^{(2)}_i} \frac{1}{2} \left\| a^{(2)} - y \right\|^2 = "
        r"(a^{(2)}_i - y_i) a^{(2)}_i (1 - a^{(2)}_i)",
        r"\frac{\partial}{\partial z^{(2)}_i} \frac{1}{2} \left\| a^{(2)} - y \right\|^2 = "
        r"(a^{(2)}_i - y_i)",
    ])
    assert outcomes(results)[0] == HOLDS
    assert results[1].verdict == "wrong"


def test_the_error_beside_a_parameter_of_any_layer_is_that_layers():
    """`\\frac{\\partial C}{\\partial b} = \\delta`: a claim about the biases of any layer, with
    the error term of the same neuron; checked at every layer."""
    table = network(samples="single", hidden="sigmoid", output="sigmoid")
    results = verdicts_in(table, [r"\frac{\partial C}{\partial b} = \delta",
                                  r"\frac{\partial C}{\partial b} = 2 \delta"])
    assert outcomes(results) == [HOLDS, ("wrong", "factor")]


def test_a_maximum_with_its_arguments_in_braces():
    results = verdicts([r"A^{(1)} = \max\{0, Z^{(1)}\}", r"A^{(1)} = \max\{0, -Z^{(1)}\}"],
                       hidden="relu")
    assert outcomes(results)[0] == HOLDS
    assert results[1].verdict == "wrong"


def test_a_sum_whose_letter_the_body_does_not_write_runs_over_the_samples():
    """`\\frac{\\partial E}{\\partial b_2} = \\sum_i \\delta_2` with samples as rows: i is not
    written in the body, a batch matrix; the sum runs over its samples (NumPy's axis=0)."""
    table = network(samples="rows", weights="in_out", output="sigmoid")
    notation = {r"\delta_2": "adjoint(preactivation[2])"}
    results = verdicts_in(table, [r"\frac{\partial L}{\partial b^{(2)}} = \sum_i \delta_2",
                                  r"\frac{\partial L}{\partial b^{(2)}} = \sum_i 2 \delta_2"],
                          notation)
    assert outcomes(results)[0] == HOLDS
    assert "read as over the samples" in results[0].message
    assert results[1].verdict == "wrong"


def test_a_product_whose_last_factor_only_fits_entry_by_entry():
    """`X^T \\delta^{(2)} W^{(2)T} (1 - \\tanh^2(Z^{(1)}))`: the shapes do not fit as matrix
    products; read as `X^T (\\delta^{(2)} W^{(2)T} \\odot (1 - \\tanh^2(Z^{(1)})))`, the grouping
    whose shapes do, and said so. A formula whose shapes fit no grouping stays a shape error."""
    table = network(samples="rows", weights="in_out", hidden="tanh", output="identity")
    results = verdicts_in(table, [
        r"\frac{\partial L}{\partial W^{(1)}} = X^T \delta^{(2)} W^{(2)T} (1 - \tanh^2(Z^{(1)}))",
        r"\frac{\partial L}{\partial W^{(1)}} = X^T \delta^{(2)} W^{(2)} (1 - \tanh^2(Z^{(1)}))",
    ])
    assert outcomes(results)[0] == HOLDS
    assert "the grouping whose shapes fit" in results[0].message
    assert outcomes(results)[1] == ("wrong", "shape")


def test_an_accumulator_with_a_layer_and_a_name_defined_at_every_layer():
    """`\\Delta^{(k)} := \\Delta^{(k)} + \\delta^{(k+1)} (h^{(k)})^T` in a loop over the
    samples accumulates the gradient of the weights written with that layer (`U^{(k)}`), also
    entry by entry; `P^{(k)} := \\frac{1}{M} \\Delta^{(k)}` defines P at every layer, read at
    the layer (and entries) a later claim writes."""
    table = network(samples="columns", hidden="sigmoid", output="sigmoid",
                    loss="binary_cross_entropy", scale=1, reduction="mean", outputs=3,
                    layers_from=1)
    table["sizes"]["M"] = table["sizes"].pop("m")
    table["batch"] = "M"
    for layer in table["layers"]:
        layer["bias"] = False
    notation = {"U^{(k)}": "weight[k+1]", "h^{(k)}": "activation[k]",
                "k": "layer_variable[1..last]"}
    claims = [r"\Delta^{(k)} := \Delta^{(k)} + \delta^{(k+1)} (h^{(k)})^T",
              r"\Delta^{(k)}_{rs} := \Delta^{(k)}_{rs} + h^{(k)}_s \delta^{(k+1)}_r",
              r"P^{(k)} := \frac{1}{M} \Delta^{(k)}",
              r"Q^{(k)}_{rs} := \frac{1}{M} \Delta^{(k)}_{rs}",
              r"\frac{\partial J}{\partial U^{(k)}} = P^{(k)}",
              r"\frac{\partial J}{\partial U^{(k)}_{rs}} = Q^{(k)}_{rs}",
              r"\frac{\partial J}{\partial U^{(1)}_{12}} = Q^{(1)}_{12}"]
    planted = [claims[1].replace(r"h^{(k)}_s \delta^{(k+1)}_r", r"h^{(k)}_r \delta^{(k+1)}_s"),
               claims[0].replace(r"(h^{(k)})^T", r"(h^{(k+1)})^T"),
               r"\frac{\partial J}{\partial U^{(k)}_{sr}} = Q^{(k)}_{rs}",
               r"\frac{\partial J}{\partial U^{(k)}} = M P^{(k)}"]
    results = verdicts_in(table, claims + planted, notation)
    assert outcomes(results) == [HOLDS] * 7 + [
        ("wrong", "index"), ("wrong", "shape"), ("wrong", "index"), ("wrong", "factor")]
    assert "accumulated over the samples" in results[0].message
    assert "defines P^{(k)}" in results[2].message
    # before any accumulation, \Delta^{(k)} is nobody's
    assert outcomes(verdicts_in(table, claims[2:3] + claims[4:5], notation))[1][0] == \
        "unchecked"


def test_entry_k_of_the_network_named_by_its_parameters_for_one_sample():
    """`(f_\\theta(x^{(n)}))_k` and `f_\\theta(x^{(n)})_k` in a cost summed over the samples n
    and the outputs k: entry k of the network's output for sample n (the log of it, in
    `\\log f_\\theta(x^{(n)})_k`)."""
    table = network(samples="columns", hidden="tanh", output="sigmoid",
                    loss="binary_cross_entropy", scale=1, reduction="mean", outputs=3)
    notation = {"n": "sample_index", r"\theta": "weight[1]"}
    cost = (r"J(\theta) = -\frac{1}{m} \sum_{n=1}^{m} \sum_{k=1}^{q} \left[ y^{(n)}_k "
            r"\log (f_\theta(x^{(n)}))_k + (1 - y^{(n)}_k) \log (1 - (f_\theta(x^{(n)}))_k)"
            r" \right]")
    claims = [cost, cost.replace(r"(f_\theta(x^{(n)}))_k", r"f_\theta(x^{(n)})_k"),
              r"(f_\theta(x^{(n)}))_k = a^{(2)}_{kn}", r"f_\theta(x^{(n)})_2 = a^{(2)}_{2n}"]
    planted = [cost.replace(r"\log (1 - (f_\theta(x^{(n)}))_k)", r"\log (f_\theta(x^{(n)}))_k"),
               r"(f_\theta(x^{(n)}))_k = a^{(1)}_{kn}"]
    assert outcomes(verdicts_in(table, claims + planted, notation)) == [HOLDS] * 4 + [
        ("wrong", "other"), ("wrong", "index")]
    assert verdicts_in(table, [r"(f_\theta(x^{(n)}))_4 = 0"], notation)[0].message == \
        "column 1: index 4 is out of range (1..3)"


def test_e_with_a_layer_mark_is_a_letter_and_its_other_powers_eulers_number():
    """`e^{(2)}` is a letter with a layer (unknown until declared), not Euler's number squared;
    with `e^{(l)}` declared, `e^{-z}` is still Euler's."""
    table = network(samples="single", hidden="sigmoid", output="sigmoid")
    unknown = verdicts_in(table, [r"e^{(2)} = \delta^{(2)}"])[0]
    assert unknown.verdict == "unchecked" and "'e' with a layer" in unknown.message
    declared = {"e^{(l)}": "adjoint(preactivation[l])"}
    claims = [r"e^{(2)} = (a^{(2)} - y) \odot \sigma'(z^{(2)})",
              r"\sigma(z) = \frac{1}{1 + e^{-z}}",
              r"e^{(1)} = (W^{(2)})^T e^{(2)} \odot \sigma'(z^{(1)})"]
    planted = [r"e^{(1)} = (W^{(2)})^T e^{(2)}"]
    assert outcomes(verdicts_in(table, claims + planted, declared)) == [HOLDS] * 3 + [
        ("wrong", "other")]


def test_an_error_term_declared_minus_the_gradient_reads_the_delta_rule():
    """`'\\delta^{(l)}' = "-adjoint(preactivation[l])"`: the delta rule's error term,
    `\\delta_j = -\\frac{\\partial E}{\\partial net_j}` (Rumelhart's and Mitchell's sign),
    so `\\delta = (y - a) \\odot \\sigma'(z)` holds and `\\Delta W = \\eta \\delta a^T` is a
    descent step; the sign errors of that convention are found."""
    table = network(samples="single", hidden="sigmoid", output="sigmoid")
    notation = {r"\delta^{(l)}": "-adjoint(preactivation[l])"}
    claims = [r"\delta^{(2)} = -\frac{\partial L}{\partial z^{(2)}}",
              r"\delta^{(2)} = (y - a^{(2)}) \odot \sigma'(z^{(2)})",
              r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot \sigma'(z^{(1)})",
              r"W^{(2)} \leftarrow W^{(2)} + \eta \delta^{(2)} (a^{(1)})^T"]
    planted = [claims[1].replace("(y - a^{(2)})", "(a^{(2)} - y)"),
               claims[3].replace(r"+ \eta", r"- \eta")]
    results = verdicts_in(table, claims + planted, notation)
    assert outcomes(results) == [HOLDS] * 4 + [("wrong", "sign"), ("wrong", "sign")]
    assert "opposite sign" in results[-1].message
    with pytest.raises(InputError, match="a minus sign goes only before an adjoint"):
        verdicts_in(table, claims, {r"\delta^{(l)}": "-preactivation[l]"})


def test_values_at_a_training_step_and_entries_defined_by_a_formula():
    """`'m' = "iteration"`: `u_j(m)`, `\\mathcal{E}(m)` are the values at step m of training
    (Haykin's notation); `r_j(m) = s_j(m) - o_j(m)` defines r entry by entry, read at the
    entries later claims write (`\\sum_k r_k^2(m)`). A formula with a weight on its right is a
    forward-pass step, not a definition."""
    table = network(samples="single", hidden="sigmoid", output="sigmoid", outputs=3)
    for layer in table["layers"]:
        layer["bias"] = False
    notation = {"m": "iteration", "s": "target", "o^{(l)}": "activation[l]",
                "u^{(l)}": "preactivation[l]", "k": "units[last]", "j": "units[last]"}
    claims = [r"r_j(m) = s_j(m) - o_j(m)",
              r"\mathcal{E}(m) = \frac{1}{2} \sum_k r_k^2(m)",
              r"\frac{\partial \mathcal{E}(m)}{\partial u_j(m)} = -r_j(m) \sigma'(u_j(m))",
              r"\frac{\partial \mathcal{E}(m)}{\partial o_j(m)} = -r_j(m)"]
    planted = [claims[2].replace("= -r_j(m)", "= r_j(m)"),
               r"\mathcal{E}(m) = \sum_k r_k^2(m)"]
    results = verdicts_in(table, claims + planted, notation)
    assert outcomes(results) == [HOLDS] * 4 + [("wrong", "sign"), ("wrong", "factor")]
    assert "defines r_j" in results[0].message
    step = verdicts_in(table, [r"q_j = \sum_i W^{(2)}_{ji} a^{(1)}_i"], notation)[0]
    assert step.verdict == "unchecked" and "unknown symbol 'q'" in step.message


def test_terms_after_a_sum_that_write_its_indices_are_inside_it():
    """`-\\sum_n \\sum_k y_k^{(n)} \\log a_k^{(n)} + (1 - y_k^{(n)}) \\log(1 - a_k^{(n)})`: the
    grammar ends the sums at the first term, but the second writes their letters: it is
    inside them, as such formulas mean (and `a` in the loss's formula is the output's); terms
    with sums of their own, or without the letters, stay outside."""
    table = network(samples="columns", hidden="tanh", output="sigmoid",
                    loss="binary_cross_entropy", scale=1, reduction="sum", outputs=3)
    notation = {"n": "sample_index"}
    loss = (r"L = -\sum_{n=1}^{m} \sum_{k=1}^{q} y_k^{(n)} \log a_k^{(n)} + (1 - y_k^{(n)}) "
            r"\log(1 - a_k^{(n)})")
    claims = [loss, r"z^{(2)}_k = \sum_j W^{(2)}_{kj} a^{(1)}_j + b^{(2)}_k",
              r"\sum_k y_k^{(n)} + \sum_k z^{(2)(n)}_k = \sum_k (y_k^{(n)} + z^{(2)(n)}_k)"]
    planted = [loss.replace(r"\log(1 - a_k^{(n)})", r"\log(a_k^{(n)})")]
    results = verdicts_in(table, claims + planted, notation)
    assert outcomes(results) == [HOLDS] * 3 + [("wrong", "other")]
    assert "read inside it" in results[0].message and "read inside" not in results[1].message


def test_a_layer_named_in_is_the_input():
    """`A^{(in)}`, beside `W^{(h)}` and `A^{(out)}`: the input, the activation of layer 0."""
    table = network(samples="rows", hidden="sigmoid", output="sigmoid", weights="in_out")
    claims = [r"Z^{(h)} = A^{(in)} W^{(h)} + b^{(h)}",
              r"\frac{\partial L}{\partial W^{(h)}} = (A^{(in)})^T \delta^{(h)}"]
    planted = [r"\frac{\partial L}{\partial W^{(h)}} = (A^{(h)})^T \delta^{(h)}"]
    assert outcomes(verdicts_in(table, claims + planted)) == [HOLDS] * 2 + [("wrong", "shape")]


def test_a_layer_mark_symnet_cannot_read_leaves_the_claim_unchecked():
    """`\\delta^{(q^{(r)})}` is no layer: unchecked (it was read as any layer's)."""
    [result] = verdicts([r"\frac{\partial L}{\partial z^{(2)}} = \delta^{(q^{(r)})}"])
    assert result.verdict == "unchecked" and "layer mark" in result.message


def test_an_element_wise_product_of_a_column_and_a_row_is_a_shape_error():
    """`\\delta \\odot a^T`: no element-wise product (NumPy's `*` would broadcast it to the
    outer product, which the document does not write)."""
    results = verdicts([r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} \odot (a^{(1)})^T",
                        r"\frac{\partial L}{\partial W^{(2)}} = \delta^{(2)} (a^{(1)})^T"],
                       samples="single")
    assert outcomes(results) == [("wrong", "shape"), HOLDS]


def test_a_name_for_one_layers_quantity_leaves_the_other_layers_conventional():
    """`'o' = "preactivation[2]"` names the output layer's pre-activation only: `z^{[1]}` is
    still the conventions' (it was unknown: the row took the meaning from every letter)."""
    table = network(samples="single", hidden="relu", output="identity")
    notation = {"o": "preactivation[2]"}
    claims = [r"z^{[1]} = W^{[1]} x + b^{[1]}", r"o = W^{[2]} a^{[1]} + b^{[2]}",
              r"\frac{\partial L}{\partial z^{[1]}} = W^{[2]\top} (o - y) \odot 1\{z^{[1]} \geq 0\}"]
    planted = [claims[2].replace(r"W^{[2]\top} (o - y)", r"W^{[2]\top} (y - o)")]
    assert outcomes(verdicts_in(table, claims + planted, notation)) == [HOLDS] * 3 + [
        ("wrong", "sign")]


def test_a_layered_function_written_bare_is_any_layers_function():
    """`f'(u) = 1 - f(u)^2` beside `'f^{(l)}' = "activation_function[l]"`: a claim about the
    function of any layer, checked where the layer's function has a derivative of one
    variable (the hidden tanh; not the softmax output), as a claim about any layer's
    parameters is."""
    table = network(samples="single", hidden="tanh", **SOFTMAX_CE)
    notation = {"f^{(l)}": "activation_function[l]"}
    claims = [r"f'(u) = 1 - f(u)^2", r"f'(u) = 1 - \tanh^2(u)"]
    planted = [r"f'(u) = 1 + f(u)^2"]
    results = verdicts_in(table, claims + planted, notation)
    assert outcomes(results) == [HOLDS] * 2 + [("wrong", "sign")]   # (of one term)
    assert "softmax" in results[0].message


def test_a_sum_over_the_training_set_of_a_body_written_for_one_sample():
    """`\\sum_{(\\mathbf{x}, \\mathbf{y}) \\in \\mathcal{D}} \\|\\mathbf{a}^{(2)} - \\mathbf{y}\\|^2`
    and `\\sum_{x \\in D}`: the samples (the pair's input names them, as `\\sum_x` does); the
    body's whole matrices already sum every sample of the batch. A network of one sample has
    no training set to sum: unchecked, saying so."""
    for claim in (r"L = \frac{1}{2} \sum_{x \in D} \|a^{(2)} - y\|^2",
                  r"L = \frac{1}{2} \sum_x \|y(x) - a^{(2)}(x)\|^2"):   # (not y times x)
        single = verdicts_in(network(samples="single", hidden="sigmoid", output="sigmoid"),
                             [claim])[0]
        assert single.verdict == "unchecked" and "single sample" in single.message
    table = network(samples="columns", hidden="sigmoid", output="sigmoid")
    claims = [r"L = \frac{1}{2} \sum_{(\mathbf{x}, \mathbf{y}) \in \mathcal{D}} "
              r"\|\mathbf{a}^{(2)} - \mathbf{y}\|^2",
              r"L = \frac{1}{2} \sum_{x \in D} \|a^{(2)} - y\|^2"]
    planted = [claims[1].replace(r"\frac{1}{2} ", "")]
    results = verdicts_in(table, claims + planted)
    assert outcomes(results) == [HOLDS] * 2 + [("wrong", "factor")]
    assert "training set" in results[0].message


def test_a_name_labelled_by_its_subscript_beside_layers_named_so():
    """`E_{\\text{total}}`, `E_{o1}`: a name with a word or a numbered label under it is one
    name, defined by a claim for later ones (`E_{total}` is not E with five entry letters);
    `z_{\\text{hidden}}`, `a_{\\text{output}}` keep their layer names. An undefined sibling
    (`E_{o2}` beside `E_{o1}`) is unchecked, saying which are defined. The planted missing
    factor is found."""
    table = network(samples="single", hidden="sigmoid", output="sigmoid")
    named_layers = [r"z_{\text{hidden}} = W_{\text{hidden}} x + b_{\text{hidden}}",
                    r"E_{\text{total}} = \frac{1}{2} \|a_{\text{output}} - y\|^2",
                    r"\frac{\partial E_{\text{total}}}{\partial z_{\text{output}}} = "
                    r"(a_{\text{output}} - y) \odot a_{\text{output}} "
                    r"\odot (1 - a_{\text{output}})",
                    r"\frac{\partial E_{\text{total}}}{\partial z_{\text{output}}} = "
                    r"(a_{\text{output}} - y) \odot a_{\text{output}}"]
    assert outcomes(verdicts_in(table, named_layers)) == [HOLDS] * 3 + [("wrong", "other")]
    labelled = [r"E_{o1} = \frac{1}{2} (a^{(2)}_1 - y_1)^2",
                r"\frac{\partial E_{o1}}{\partial a^{(2)}_1} = a^{(2)}_1 - y_1",
                r"\frac{\partial E_{o2}}{\partial a^{(2)}_2} = a^{(2)}_2 - y_2"]
    results = verdicts_in(table, labelled)
    assert outcomes(results) == [HOLDS] * 2 + [("unchecked", None)]
    assert "E_o2 is not defined" in results[2].message


def test_a_loss_letter_labelled_by_a_word_beside_its_penalty_is_the_data_loss():
    """`J = J_{\\text{MLE}} + \\lambda (\\sum_{i,j} (W^{(1)}_{i,j})^2 + ...)`: the loss letter
    with a word under it, undefined, is the loss without its penalty (as `C_0` is); a
    numbered label (`J_{o1}`) would be a part of the loss, and stays unread. The planted
    doubled penalty is found."""
    table = network(samples="rows", hidden="relu", output="softmax",
                    loss="categorical_cross_entropy", scale=1, reduction="mean", outputs=3,
                    regularization={"l2": "lambda", "scale": 1}, weights="in_out")
    penalty = (r"\lambda \left( \sum_{i,j} \left(W^{(1)}_{i,j}\right)^2 + "
               r"\sum_{i,j} \left(W^{(2)}_{i,j}\right)^2 \right)")
    claims = [rf"J = J_{{\text{{MLE}}}} + {penalty}", rf"J = J_{{data}} + {penalty}",
              rf"J = J_{{o1}} + {penalty}", rf"J = J_{{\text{{MLE}}}} + 2 {penalty}"]
    assert outcomes(verdicts_in(table, claims)) == [HOLDS] * 2 + [("unchecked", None),
                                                                   ("wrong", "other")]


def test_a_sums_bound_that_names_nothing_runs_over_every_value_of_its_index():
    """`\\sum_{k=1}^{r} W_{jk} x_k` with r no size: r is the number of values k takes, said
    with the verdict (a swapped index is still found); a sum that starts elsewhere, `k=2`,
    is no such reading: unchecked, naming the bound and how to declare it."""
    claims = [r"z^{(1)}_j = \sum_{k=1}^{r} W^{(1)}_{jk} x_k + b^{(1)}_j",
              r"z^{(1)}_j = \sum_{k=1}^{r} W^{(1)}_{kj} x_k + b^{(1)}_j",
              r"z^{(1)}_j = \sum_{k=2}^{r} W^{(1)}_{jk} x_k + b^{(1)}_j"]
    results = verdicts_in(network(samples="single"), claims)
    assert outcomes(results) == [HOLDS, ("wrong", "index"), ("unchecked", None)]
    assert "the sum's bound r, which no size names" in results[0].message
    assert "the sum's bound r is not a number, a size or a layer variable" in results[2].message
    assert "[network].sizes" in results[2].message


def test_one_examples_loss_declared_beside_the_batchs():
    """`'\\ell' = "example_loss"`: a formula of \\ell is read for one example (its whole
    vectors that example's, its loss not divided by the batch), a formula of the batch with
    \\ell is unchecked and says why, and J stays the mean loss of the batch."""
    notation = {r"\ell": "example_loss", "J": "loss"}
    claims = [r"\frac{\partial \ell}{\partial z^{(2)}} = (a^{(2)} - y) \odot a^{(2)} \odot "
              r"(1 - a^{(2)})",
              r"\frac{\partial J}{\partial Z^{(2)}} = \frac{1}{m} (A^{(2)} - Y) \odot A^{(2)} "
              r"\odot (1 - A^{(2)})",
              r"\frac{\partial \ell}{\partial z^{(2)}} = \frac{1}{m} (a^{(2)} - y) \odot "
              r"a^{(2)} \odot (1 - a^{(2)})",
              r"\frac{\partial \ell}{\partial b^{(2)}} = \sum_{i=1}^{m} (a^{(2)(i)} - "
              r"y^{(i)}) \odot a^{(2)(i)} \odot (1 - a^{(2)(i)})"]
    results = verdicts(claims, notation, reduction="mean")
    assert outcomes(results) == [HOLDS, HOLDS, ("wrong", "factor"), ("unchecked", None)]
    assert "one example's loss, in a formula of the batch" in results[3].message


def test_the_trace_of_a_matrix_that_is_not_square_is_a_shape_error():
    result = verdicts([r"L = \frac12 \operatorname{tr}(A^{(2)} - Y)"])[0]
    assert (result.verdict, result.diagnosis) == ("wrong", "shape")
    assert "not square" in result.message



@pytest.mark.parametrize("claim,message", [
    (r"\frac{\partial L}{\partial b^{(2)}} = \begin{bmatrix} \delta^{(2)}_1 \\ \vdots \\ "
     r"a^{(2)}_q \end{bmatrix}", "differ in more than their indices"),
    (r"L = (a^{(2)}_1 - y_1)^2 + \cdots + (a^{(2)}_q - y_q)^2", "only among a matrix's entries"),
    (r"\frac{\partial L}{\partial b^{(2)}} = \begin{bmatrix} \delta^{(2)}_2 \\ \vdots \\ "
     r"\delta^{(2)}_q \end{bmatrix}", "index 2 in place 1")])
def test_a_matrix_whose_elided_entries_follow_no_pattern_is_unchecked(claim, message):
    result = verdicts([claim], samples="single")[0]
    assert result.verdict == "unchecked" and message in result.message, result.message
