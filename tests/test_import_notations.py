"""`symnet import` on notations of blog posts and course notes, each in a document written for
the test: layers under the letters with a layer variable of the document's own, a function
written with each layer's mark, error terms named by their definition, an objective with a
penalty, a loss never written out, single neurons, code written as formulas. Every formula
holds but the planted errors, and the planted errors are found."""

import json

from symnet.cli import main
from symnet.importing import import_document
from test_import_textbooks import imported_and_checked

LAYER_UNDER_THE_LETTER = r"""# Backpropagation with the layer under the letter

Every layer $k = 1, \dots, L$ computes, from $a_0 = x$,

$$z_k = W_k a_{k-1} + b_k$$

$$a_k = \tanh(z_k)$$

and the error of one example is

$$E = \frac{1}{2} \|a_L - y\|^2$$

The error terms, from the last layer down:

$$\delta_L = (a_L - y) \odot (1 - a_L \odot a_L)$$

$$\delta_k = (W_{k+1}^T \delta_{k+1}) \odot (1 - a_k \odot a_k)$$

$$\frac{\partial E}{\partial W_k} = \delta_k a_{k-1}^T$$

$$\frac{\partial E}{\partial b_k} = \delta_k$$

Each parameter has its own step size:

$$W_k \leftarrow W_k - \eta_{W_k} \frac{\partial E}{\partial W_k}$$

$$b_k \leftarrow b_k + \eta_{b_k} \frac{\partial E}{\partial b_k}$$

$$\frac{\partial E}{\partial W_k} = \delta_k a_{k}^T$$
"""


def test_a_layer_variable_of_its_own_under_the_letters(tmp_path, capsys):
    """`z_k = W_k a_{k-1} + b_k`: k steps from layer to layer, so it is a layer variable and
    the network has layers to step over; a step size labelled with what it updates
    (`\\eta_{W_k}`) is the learning rate. The planted climbing update and the planted
    activation of the wrong layer are found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "layers.md",
                                               LAYER_UNDER_THE_LETTER)
    assert inference.notation["k"] == "layer_variable[1..last]"
    assert len(inference.network["layers"]) >= 2
    assert {layer["activation"] for layer in inference.network["layers"]} == {"tanh"}
    assert verdicts == [("holds", None)] * 9 + [("wrong", "sign"), ("wrong", "shape")]


EACH_LAYERS_FUNCTION = r"""# Each layer with its own function

For $l = 1, \ldots, L$, with $a^{(0)} = x$:

$$z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}$$

$$a^{(l)} = \varphi^{(l)}(z^{(l)})$$

$$C = \frac{1}{2} \|a^{(L)} - y\|^2$$

$$\delta^{(L)} = (a^{(L)} - y) \odot \varphi'^{(L)}(z^{(L)})$$

$$\delta^{(l)} = (W^{(l+1)})^T \delta^{(l+1)} \odot \varphi^{(l)\prime}(z^{(l)})$$

$$\frac{\partial C}{\partial W^{(l)}} = \delta^{(l)} (a^{(l-1)})^T$$

$$\frac{\partial C}{\partial b^{(l)}} = \delta^{(l)} \odot \varphi'^{(l)}(z^{(l)})$$
"""


def test_a_function_written_with_each_layers_mark(tmp_path, capsys):
    """`\\varphi^{(l)}` beside layers declared with the undefined function `\\varphi`: layer
    l's function, primed as `\\varphi'^{(L)}` or `\\varphi^{(l)\\prime}`. The planted extra
    derivative in the bias gradient is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "phi.md",
                                               EACH_LAYERS_FUNCTION)
    assert {layer["activation"] for layer in inference.network["layers"]} == {"generic"}
    assert verdicts == [("holds", None)] * 7 + [("wrong", "other")]


NAMED_FUNCTION_WITH_LAYERS = r"""# A squashing function named f

$$u^{(l)} = W^{(l)} v^{(l-1)}, \quad v^{(0)} = x$$

$$v^{(l)} = f^{(l)}(u^{(l)})$$

where the hidden layers squash with

$$f(t) = \frac{1}{1 + e^{-t}}, \qquad f'(t) = f(t) (1 - f(t))$$

$$E = \frac{1}{2} \|v^{(L)} - y\|^2$$

$$\frac{\partial E}{\partial u^{(L)}} = (v^{(L)} - y) \odot f'^{(L)}(u^{(L)})$$

$$f'(t) = f(t) (1 + f(t))$$
"""


def test_a_function_the_document_writes_out_keeps_its_layer_marks(tmp_path, capsys):
    """`f` written out as the sigmoid and applied as `f^{(l)}`: its layers take the sigmoid
    and the notation keeps `f^{(l)}` as each layer's function. The planted derivative is
    found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "f.md",
                                               NAMED_FUNCTION_WITH_LAYERS)
    assert inference.notation["f^{(l)}"] == "activation_function[l]"
    assert inference.network["layers"][0]["activation"] == "sigmoid"
    assert verdicts == [("holds", None)] * 5 + [("wrong", "sign")]   # (of one term)


ERRORS_NAMED_FROM_THE_TOP = r"""# A classifier on row vectors

One example is a row $\mathbf{x}$:

$$\mathbf{r} = \mathbf{x} \mathbf{A} + \mathbf{c}$$

$$\mathbf{g} = \sigma(\mathbf{r})$$

$$\mathbf{s} = \mathbf{g} \mathbf{B} + \mathbf{d}$$

$$\mathbf{p} = \operatorname{softmax}(\mathbf{s})$$

$$J = -\sum_k t_k \log p_k$$

The error terms are numbered from the output down:

$$\mathbf{e}_1 = \frac{\partial J}{\partial \mathbf{s}} = \mathbf{p} - \mathbf{t}$$

$$\mathbf{e}_2 = \frac{\partial J}{\partial \mathbf{r}} = \mathbf{e}_1 \mathbf{B}^T \odot \mathbf{g} \odot (1 - \mathbf{g})$$

$$\frac{\partial J}{\partial \mathbf{B}} = \mathbf{g}^T \mathbf{e}_1$$

$$\frac{\partial J}{\partial \mathbf{A}} = \mathbf{x}^T \mathbf{e}_2$$

$$\frac{\partial J}{\partial \mathbf{A}} = \mathbf{x}^T \mathbf{e}_1$$
"""


def test_error_terms_named_by_their_definition(tmp_path, capsys):
    """`\\mathbf{e}_1 = \\frac{\\partial J}{\\partial \\mathbf{s}}` with s the document's own
    letter for layer 2's pre-activation: e_1 is its adjoint, whatever its subscript's number
    says. The planted error term of the wrong layer is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "rows.md",
                                               ERRORS_NAMED_FROM_THE_TOP)
    assert inference.notation[r"\mathbf{e}_1"] == "adjoint(preactivation[2])"
    assert inference.notation[r"\mathbf{e}_2"] == "adjoint(preactivation[1])"
    assert inference.network["samples"] == "rows"
    assert verdicts == [("holds", None)] * 9 + [("wrong", "shape")]


NO_LOSS_WRITTEN = r"""# Vectorised backward pass

For a batch of $m$ examples in the columns of $X = A^{[0]}$:

$$Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$$

$$A^{[l]} = g^{[l]}(Z^{[l]})$$

Backward, from $dA^{[L]}$:

$$dZ^{[l]} = dA^{[l]} * g^{[l]\prime}(Z^{[l]})$$

$$dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]T}$$

$$dA^{[l-1]} = W^{[l]T} dZ^{[l]}$$

$$db^{[l]} = \frac{1}{m} \sum_{i=1}^{m} dZ^{[l](i)}$$

$$dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]}$$
"""


def test_a_loss_never_written_is_averaged_when_the_gradients_say_so(tmp_path, capsys):
    """No formula writes the loss, and the gradients divide by m: the loss is a mean over the
    batch (a sum made every `\\frac{1}{m}` a false factor error). The planted weight gradient
    without its transpose is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "noloss.md",
                                               NO_LOSS_WRITTEN)
    assert inference.network["loss"]["reduction"] == "mean"
    assert any("the loss (no formula defines it)" in question and "averaged" in question
               for question in inference.questions)
    assert verdicts == [("holds", None)] * 7 + [("wrong", "shape")]


OBJECTIVE_WITH_PENALTY = r"""# A regularised objective

$$\mathbf{u} = \mathbf{V} \mathbf{x}$$

$$\mathbf{q} = \psi(\mathbf{u})$$

$$\mathbf{o} = \mathbf{U} \mathbf{q}$$

$$L = \ell(\mathbf{o}, y)$$

$$r = \frac{\lambda}{2} \left(\|\mathbf{V}\|_F^2 + \|\mathbf{U}\|_F^2\right)$$

$$J = L + r$$

$$\frac{\partial J}{\partial \mathbf{o}} = \frac{\partial L}{\partial \mathbf{o}} \in \mathbb{R}^{k}$$

$$\frac{\partial J}{\partial \mathbf{U}} = \frac{\partial L}{\partial \mathbf{o}} \mathbf{q}^\top + \lambda \mathbf{U}$$

$$\frac{\partial J}{\partial \mathbf{q}} = \mathbf{U}^\top \frac{\partial L}{\partial \mathbf{o}}$$

$$\frac{\partial r}{\partial \mathbf{V}} = 2 \lambda \mathbf{V}$$
"""


def test_an_objective_that_adds_a_penalty_to_a_named_loss(tmp_path, capsys):
    """`J = L + r` with r the weights' L2 penalty: J is the loss trained on, L its data term
    (written with the undefined loss `\\ell`, read as the network's own loss function); the
    space of a derivative by the output names the output's size. The planted factor 2 on the
    penalty's gradient is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "penalty.md",
                                               OBJECTIVE_WITH_PENALTY)
    assert inference.notation["J"] == "loss"
    assert "regularization" in inference.network
    assert inference.network["layers"][-1]["units"] == "k"
    assert verdicts == [("holds", None)] * 9 + [("wrong", "factor")]


SINGLE_NEURONS = r"""# A chain of single neurons

Each layer has one neuron; the last one's activation is compared with the target:

$$z^{(L)} = w^{(L)} a^{(L-1)} + b^{(L)}$$

$$a^{(L)} = \sigma(z^{(L)})$$

$$C = (a^{(L)} - y)^2$$

$$\frac{\partial C}{\partial w^{(L)}} = \frac{\partial z^{(L)}}{\partial w^{(L)}} \frac{\partial a^{(L)}}{\partial z^{(L)}} \frac{\partial C}{\partial a^{(L)}}$$

$$\frac{\partial z^{(L)}}{\partial w^{(L)}} = a^{(L-1)}$$

$$\frac{\partial C}{\partial w^{(L)}} = a^{(L-1)} \sigma'(z^{(L)}) 2 (a^{(L)} - y)$$

$$\frac{\partial C}{\partial a^{(L-1)}} = w^{(L)} \sigma'(z^{(L)}) 2 (a^{(L)} - y)$$

$$\frac{\partial C}{\partial b^{(L)}} = a^{(L-1)} \sigma'(z^{(L)}) 2 (a^{(L)} - y)$$
"""


def test_a_chain_of_single_neurons(tmp_path, capsys):
    """No entry, transpose or entry-wise product anywhere, and derivatives by a weight
    written as numbers: one unit per layer, said in the questions. The planted bias gradient
    with the previous activation in it is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "single.md", SINGLE_NEURONS)
    assert [layer["units"] for layer in inference.network["layers"]] == \
        [1] * len(inference.network["layers"])
    assert len(inference.network["layers"]) >= 2
    assert any("one unit each" in question for question in inference.questions)
    assert verdicts == [("holds", None)] * 7 + [("wrong", "other")]


def test_vectors_are_not_taken_for_single_neurons(tmp_path, capsys):
    """The same chain with a transpose in it is a chain of vectors: the layers keep their
    widths."""
    text = SINGLE_NEURONS.replace(r"w^{(L)} \sigma'(z^{(L)})", r"(w^{(L)})^T \sigma'(z^{(L)})")
    inference, _ = imported_and_checked(tmp_path, capsys, "vectors.md", text)
    assert any(layer["units"] != 1 for layer in inference.network["layers"])


CODE_AS_FORMULAS = r"""# Backprop from scratch, in the code's names

$$z1 = xW1$$

$$h1 = Sigmoid(z1)$$

$$z2 = h1W2$$

$$h2 = Sigmoid(z2)$$

$$Error = (h2 - y)^2$$

$$dError/dh2 = 2(h2 - y)$$

$$dh2/dz2 = h2(1 - h2)$$

$$dh1/dz1 = h1(1 + h1)$$
"""


def test_code_written_as_formulas(tmp_path, capsys):
    """`z2 = h1W2`, `Error = (h2 - y)^2`: a letter and its layer's number, a word that the
    document differentiates (`dError/dh2`) as its loss; two layers, samples as rows. The
    planted derivative of the sigmoid is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "code.md", CODE_AS_FORMULAS)
    assert inference.notation["Error"] == "loss"
    assert len(inference.network["layers"]) == 2
    assert inference.network["samples"] == "rows"
    assert verdicts == [("holds", None)] * 7 + [("wrong", "sign")]   # (of one term)


SAMPLES_AS_SUBSCRIPTS = r"""# Summed over the training set

Training pairs $(\mathbf{x}_n, \mathbf{t}_n)$, one hidden layer without biases:

$$\mathbf{a}_n = \mathbf{W} \mathbf{x}_n$$

$$\mathbf{h}_n = \tanh(\mathbf{a}_n)$$

$$\mathbf{y}_n = \mathbf{V} \mathbf{h}_n$$

$$E = \frac{1}{2} \sum_{n=1}^{N} \|\mathbf{y}_n - \mathbf{t}_n\|^2$$

$$\frac{\partial E}{\partial \mathbf{V}} = \sum_{n=1}^{N} (\mathbf{y}_n - \mathbf{t}_n) \mathbf{h}_n^T$$

$$\boldsymbol{\delta}_n = (1 - \mathbf{h}_n \odot \mathbf{h}_n) \odot \mathbf{V}^T (\mathbf{y}_n - \mathbf{t}_n)$$

$$\frac{\partial E}{\partial \mathbf{W}} = \sum_{n=1}^{N} \boldsymbol{\delta}_n \mathbf{x}_n^T$$

$$\frac{\partial E}{\partial \mathbf{W}} = \sum_{n=1}^{N} \mathbf{x}_n \boldsymbol{\delta}_n^T$$
"""


def test_samples_numbered_by_a_subscript_and_an_error_term_without_a_layer(tmp_path, capsys):
    """The loss sums over n, which subscripts the input: n numbers the samples (N of them,
    not the output's units). `\\boldsymbol{\\delta}_n`, never given a layer, is the error term
    of the layer under which its formulas hold. The planted transpose is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "samples.md",
                                               SAMPLES_AS_SUBSCRIPTS)
    network, notation = inference.network, inference.notation
    assert notation["n"] == "sample_index"
    assert (network["samples"], network["batch"]) == ("columns", "N")
    assert network["layers"][-1]["units"] != "N"
    assert notation[r"\delta"] == "adjoint(preactivation[1])"
    assert verdicts == [("holds", None)] * 7 + [("wrong", "transpose")]


BOLD_ERROR_MATRIX = r"""# A ReLU network, compactly

For a batch of $m$ examples as the columns of $\mathbf{X}$:

$$\mathbf{H} = \max(0, \mathbf{W}_1 \mathbf{X} + \mathbf{b}_1 \mathbf{1}_m^\top)$$

$$\hat{\mathbf{Y}} = \mathbf{W}_2 \mathbf{H} + \mathbf{b}_2 \mathbf{1}_m^\top$$

$$\mathcal{L} = \frac{1}{2m} \lVert \hat{\mathbf{Y}} - \mathbf{Y} \rVert_F^2$$

$$\mathbf{E} = \frac{1}{m} (\hat{\mathbf{Y}} - \mathbf{Y})$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{W}_2} = \mathbf{E} \mathbf{H}^\top$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{b}_2} = \mathbf{E} \mathbf{1}_m$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{W}_1} = \left( \mathbf{W}_2^\top \mathbf{E} \odot \mathbb{I}[\mathbf{H} > 0] \right) \mathbf{X}^\top$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{b}_1} = \left( \mathbf{W}_2^\top \mathbf{E} \odot [\mathbf{H} > 0] \right) \mathbf{1}_m$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{W}_1} = \left( \mathbf{W}_2^\top \mathbf{E} \odot \mathbf{1}_{\mathbf{H} > 0} \right) \mathbf{X}^\top$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{b}_1} = \mathbf{W}_2^\top \mathbf{E} \odot [\mathbf{H} > 0]$$
"""


def test_a_bold_letter_of_the_loss_set_to_the_error_and_biases_copied_by_ones(tmp_path, capsys):
    """`\\mathbf{E} = \\frac{1}{m} (\\hat{\\mathbf{Y}} - \\mathbf{Y})` beside the loss
    `\\mathcal{L}`: E is a name for the scaled error, defined for the later formulas, not a
    loss; a bias copied to every sample (`\\mathbf{b}_1 \\mathbf{1}_m^\\top`) is the bias. The
    rectifier's derivative as `\\mathbb{I}[\\cdot]`, an Iverson bracket or `\\mathbf{1}_{\\cdot}`.
    The planted bias gradient without its sum over the samples is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "bold.md", BOLD_ERROR_MATRIX)
    assert inference.notation[r"\mathcal{L}"] == "loss"
    assert not any("1" in key for key in inference.notation)
    assert verdicts == [("holds", None)] * 9 + [("wrong", "shape")]


WEIGHTED_INPUT_CALLED_A = r"""# The weighted input called a

Node $j$ in layer $k$ sums what the nodes of layer $k-1$ output:

$$a_j^k = \sum_{i=1}^{r_{k-1}} w_{ij}^k o_i^{k-1}$$

$$o_j^k = g(a_j^k)$$

The error on one example, with $m$ the output layer:

$$E = \frac{1}{2} \sum_{j} (o_j^m - y_j)^2$$

$$\delta_j^k = \frac{\partial E}{\partial a_j^k}$$

$$\frac{\partial E}{\partial w_{ij}^k} = \delta_j^k o_i^{k-1}$$

$$\delta_j^m = (o_j^m - y_j) g'(a_j^m)$$

$$\delta_j^k = g'(a_j^k) \sum_{l=1}^{r_{k+1}} w_{jl}^{k+1} \delta_l^{k+1}$$

$$\delta_j^k = g'(a_j^k) \sum_{l=1}^{r_{k+1}} w_{lj}^{k+1} \delta_l^{k+1}$$
"""


def test_own_letters_of_unit_j_in_layer_k(tmp_path, capsys):
    """`a_j^k = \\sum_i w_{ij}^k o_i^{k-1}`, `o_j^k = g(a_j^k)`: a (the conventions'
    activation) is the pre-activation here, o each layer's output, k a bare layer variable,
    the weight's first index the layer before's; the loss compares `o^m`, so m is the last
    layer. The planted exchanged weight indices are found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "units.md",
                                               WEIGHTED_INPUT_CALLED_A)
    notation, network = inference.notation, inference.network
    assert (notation["a^l"], notation["o^l"]) == ("preactivation[l]", "activation[l]")
    assert network["weights"] == "in_out"
    assert network["sizes"]["m"] == len(network["layers"])
    assert verdicts == [("holds", None)] * 7 + [("wrong", "index")]


ONE_LINE_NETWORK = r"""# A network in one line

$$\hat{y} = \sigma\left(\mathbf{w}_2^\top \tanh(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1) + b_2\right)$$

$$\mathcal{L} = -y \log \hat{y} - (1 - y) \log(1 - \hat{y})$$

With $\mathbf{h} = \tanh(\mathbf{W}_1 \mathbf{x} + \mathbf{b}_1)$:

$$\frac{\partial \mathcal{L}}{\partial b_2} = \hat{y} - y$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{w}_2} = (\hat{y} - y) \mathbf{h}$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{b}_1} = (\hat{y} - y) \mathbf{w}_2 \odot (1 - \mathbf{h}^2)$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{W}_1} = \left((\hat{y} - y) \mathbf{w}_2 \odot (1 - \mathbf{h}^2)\right) \mathbf{x}^\top$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{W}_1} = \left((\hat{y} - y) \mathbf{w}_2 \odot (1 - \mathbf{h})^2\right) \mathbf{x}^\top$$
"""


def test_a_network_in_one_line_with_a_weight_column(tmp_path, capsys):
    """`\\sigma(\\mathbf{w}_2^\\top \\tanh(...) + b_2)`: the output's weight is a column (one
    unit, laid out `in_out`). The planted derivative of tanh is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "line.md", ONE_LINE_NETWORK)
    output = inference.network["layers"][-1]
    assert (output["units"], output["weights"]) == (1, "in_out")
    assert verdicts == [("holds", None)] * 7 + [("wrong", "other")]


THE_NETWORK_AS_A_FUNCTION = r"""# The network as a function

$$f(\mathbf{x}) = \operatorname{softmax}\left(\mathbf{c} + \mathbf{V} \tanh(\mathbf{b} + \mathbf{U} \mathbf{x})\right)$$

$$h(\mathbf{x}) = \tanh(\mathbf{b} + \mathbf{U} \mathbf{x})$$

$$\ell = -\sum_k y_k \log f_k(\mathbf{x})$$

$$\frac{\partial \ell}{\partial \mathbf{c}} = f(\mathbf{x}) - \mathbf{y}$$

$$\frac{\partial \ell}{\partial \mathbf{V}} = (f(\mathbf{x}) - \mathbf{y}) h(\mathbf{x})^\top$$

$$\frac{\partial \ell}{\partial \mathbf{b}} = (1 - h(\mathbf{x})^2) \odot \mathbf{V}^\top (f(\mathbf{x}) - \mathbf{y})$$

$$\frac{\partial \ell}{\partial \mathbf{U}} = \left[(1 - h(\mathbf{x})^2) \odot \mathbf{V}^\top (f(\mathbf{x}) - \mathbf{y})\right] \mathbf{x}^\top$$

$$\frac{\partial \ell}{\partial \mathbf{V}} = h(\mathbf{x}) (f(\mathbf{x}) - \mathbf{y})^\top$$
"""


def test_the_network_written_as_a_function_of_its_input(tmp_path, capsys):
    """`f(\\mathbf{x}) = \\operatorname{softmax}(\\mathbf{c} + \\mathbf{V} \\tanh(\\mathbf{b} +
    \\mathbf{U} \\mathbf{x}))`: one step written inside the next (bias first), the calls of x
    the document's names for the layers (`h(\\mathbf{x})^\\top`, `f_k(\\mathbf{x})` its entry).
    The planted transposed weight gradient is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "function.md",
                                               THE_NETWORK_AS_A_FUNCTION)
    notation = inference.notation
    assert (notation[r"f(\mathbf{x})"], notation[r"h(\mathbf{x})"]) == (
        "activation[2]", "activation[1]")
    assert [layer["activation"] for layer in inference.network["layers"]] == ["tanh", "softmax"]
    assert verdicts == [("holds", None)] * 7 + [("wrong", "transpose")]


SHAPES_FIRST = r"""# Shapes first

One example, a hidden layer and the outputs:

$$\mathbf{W}^{(1)} \in \mathbb{R}^{h \times d}, \quad \mathbf{b}^{(1)} \in \mathbb{R}^{h}$$

$$\mathbf{W}^{(2)} \in \mathbb{R}^{k \times h}, \quad \mathbf{b}^{(2)} \in \mathbb{R}^{k}$$

$$\mathbf{z}^{(1)} = \mathbf{W}^{(1)} \mathbf{x} + \mathbf{b}^{(1)}$$

$$\mathbf{a}^{(1)} = \sigma(\mathbf{z}^{(1)})$$

$$\mathbf{z}^{(2)} = \mathbf{W}^{(2)} \mathbf{a}^{(1)} + \mathbf{b}^{(2)}$$

$$L = \frac{1}{2} \|\mathbf{z}^{(2)} - \mathbf{y}\|^2$$

$$\frac{\partial L}{\partial \mathbf{W}^{(2)}} = (\mathbf{z}^{(2)} - \mathbf{y}) \mathbf{a}^{(1)\top} \in \mathbb{R}^{k \times h}$$

$$\boldsymbol{\delta}^{(1)} = \mathbf{W}^{(2)\top} (\mathbf{z}^{(2)} - \mathbf{y}) \odot \mathbf{a}^{(1)} \odot (1 - \mathbf{a}^{(1)}) \in \mathbb{R}^{h}$$

$$\frac{\partial L}{\partial \mathbf{W}^{(1)}} = \boldsymbol{\delta}^{(1)} \mathbf{x}^\top \in \mathbb{R}^{d \times h}$$
"""


def test_sizes_named_in_the_documents_spaces(tmp_path, capsys):
    """`\\mathbf{W}^{(1)} \\in \\mathbb{R}^{h \\times d}`: the network's widths take the
    document's names (laid out as its forward pass lays the weights out), so every space it
    states is checked; the squared error of the last pre-activation makes the output an
    identity. The planted space with its sizes exchanged is found, and its fix exchanges
    them back."""
    path = tmp_path / "shapes.md"
    inference, verdicts = imported_and_checked(tmp_path, capsys, "shapes.md", SHAPES_FIRST)
    network = inference.network
    assert (network["inputs"], [layer["units"] for layer in network["layers"]]) == (
        "d", ["h", "k"])
    assert network["layers"][-1]["activation"] == "identity"
    assert verdicts == [("holds", None)] * 8 + [("wrong", "shape")]
    main(["check", str(path), "--json", "-"])
    last = json.loads(capsys.readouterr().out)["documents"][0]["claims"][-1]
    assert last["correction"].endswith(r"\in \mathbb{R}^{h \times d}")


ENTRIES_WRITTEN_ONE_BY_ONE = r"""# Two hidden units, written out

$$h_i^{[1]} = \sigma(z_i^{[1]}), \quad z_i^{[1]} = \sum_{j} w_{ij}^{[1]} x_j + b_i^{[1]}$$

$$z_k^{[2]} = w_{k1}^{[2]} h_1^{[1]} + w_{k2}^{[2]} h_2^{[1]} + b_k^{[2]}$$

$$\hat{y}_k = \sigma(z_k^{[2]})$$

$$E = \frac{1}{2} \sum_k (\hat{y}_k - y_k)^2$$

$$\frac{\partial E}{\partial w_{k2}^{[2]}} = (\hat{y}_k - y_k) \hat{y}_k (1 - \hat{y}_k) h_2^{[1]}$$

$$\frac{\partial E}{\partial b_k^{[2]}} = (\hat{y}_k - y_k) \hat{y}_k (1 - \hat{y}_k)$$

$$\frac{\partial E}{\partial w_{k1}^{[2]}} = (\hat{y}_k - y_k) \hat{y}_k (1 - \hat{y}_k) h_2^{[1]}$$
"""


def test_a_layer_written_entry_by_entry_has_as_many_units(tmp_path, capsys):
    """`w_{k1}^{[2]} h_1^{[1]} + w_{k2}^{[2]} h_2^{[1]}`: the hidden layer has two units, and
    no other width of the import's own equals two; the sum written out is checked at those
    sizes only (another size set would leave it incomplete). The planted wrong entry is
    found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "entries.md",
                                               ENTRIES_WRITTEN_ONE_BY_ONE)
    sizes, network = inference.network["sizes"], inference.network
    assert sizes[network["layers"][0]["units"]] == 2
    assert list(sizes.values()).count(2) == 1
    assert verdicts[-1][0] == "wrong" and set(verdicts[:-1]) == {("holds", None)}


FROM_THE_OUTPUT_BACK = r"""# Jacobians, from the output back

$$\mathbf{z} = \mathbf{W} \mathbf{h} + \mathbf{b}, \qquad \mathbf{h} = \tanh(\mathbf{u}), \qquad \mathbf{u} = \mathbf{V} \mathbf{x}$$

$$L = \frac{1}{2} \|\mathbf{z} - \mathbf{t}\|^2$$

$$\frac{\partial L}{\partial \mathbf{z}} = \mathbf{z} - \mathbf{t}$$

$$\frac{\partial \mathbf{z}}{\partial \mathbf{h}} = \mathbf{W}$$

$$\frac{\partial L}{\partial \mathbf{h}} = \left(\frac{\partial \mathbf{z}}{\partial \mathbf{h}}\right)^\top \frac{\partial L}{\partial \mathbf{z}}$$

$$\frac{\partial \mathbf{h}}{\partial \mathbf{u}} = \operatorname{diag}(1 - \mathbf{h}^2)$$

$$\frac{\partial L}{\partial \mathbf{u}} = \frac{\partial \mathbf{h}}{\partial \mathbf{u}} \frac{\partial L}{\partial \mathbf{h}}$$

$$\frac{\partial L}{\partial \mathbf{V}} = \frac{\partial L}{\partial \mathbf{u}} \mathbf{x}^\top$$

$$\frac{\partial L}{\partial \mathbf{V}} = \mathbf{x} \left(\frac{\partial L}{\partial \mathbf{u}}\right)^\top$$
"""


def test_a_forward_pass_written_from_the_output_back(tmp_path, capsys):
    """`\\mathbf{z} = \\mathbf{W} \\mathbf{h} + \\mathbf{b}, \\; \\mathbf{h} = \\tanh(\\mathbf{u}),
    \\; \\mathbf{u} = \\mathbf{V} \\mathbf{x}`: the steps are read once the ones after them are
    known; a Jacobian before the vector of its entries is the chain rule in the denominator
    layout. The planted transposed gradient is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "back.md",
                                               FROM_THE_OUTPUT_BACK)
    notation = inference.notation
    assert (notation[r"\mathbf{u}"], notation[r"\mathbf{z}"]) == (
        "preactivation[1]", "preactivation[2]")
    assert [layer["activation"] for layer in inference.network["layers"]] == [
        "tanh", "identity"]
    assert verdicts == [("holds", None)] * 8 + [("wrong", "transpose")]


REGRESSION_OVER_EXAMPLES = r"""# A regression network over N examples

For example $n$:

$$\mathbf{h}_n = \sigma(\mathbf{W} \mathbf{x}_n)$$

$$\hat{y}_n = \mathbf{v}^\top \mathbf{h}_n$$

$$E = \frac{1}{N} \sum_{n=1}^{N} (\hat{y}_n - y_n)^2$$

$$\frac{\partial E}{\partial \mathbf{v}} = \frac{2}{N} \sum_{n=1}^{N} (\hat{y}_n - y_n) \mathbf{h}_n$$

$$\frac{\partial E}{\partial \mathbf{W}} = \frac{2}{N} \sum_{n=1}^{N} (\hat{y}_n - y_n) \left(\mathbf{v} \odot \mathbf{h}_n \odot (1 - \mathbf{h}_n)\right) \mathbf{x}_n^\top$$

$$\frac{\partial E}{\partial \mathbf{v}} = \frac{1}{N} \sum_{n=1}^{N} (\hat{y}_n - y_n) \mathbf{h}_n$$
"""


def test_one_output_unit_per_example_numbered_by_a_subscript(tmp_path, capsys):
    """`\\hat{y}_n = \\mathbf{v}^\\top \\mathbf{h}_n`: sample n's number (a layer of one unit has
    no unit index), `\\mathbf{v} \\odot \\mathbf{h}_n` a weight column entry by entry with
    sample n's vector. The planted factor is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "regression.md",
                                               REGRESSION_OVER_EXAMPLES)
    assert inference.notation["n"] == "sample_index"
    assert inference.network["layers"][-1]["units"] == 1
    assert verdicts == [("holds", None)] * 5 + [("wrong", "factor")]


NUMBERED_LETTERS_OF_ITS_OWN = r"""# Mini-batch backprop, samples as columns

$$\mathbf{Z}_1 = \mathbf{W}_1 \mathbf{X} + \mathbf{b}_1 \mathbf{1}^\top, \quad \mathbf{H} = \operatorname{ReLU}(\mathbf{Z}_1)$$

$$\mathbf{Z}_2 = \mathbf{W}_2 \mathbf{H} + \mathbf{b}_2 \mathbf{1}^\top, \quad \mathbf{P} = \operatorname{softmax}(\mathbf{Z}_2)$$

$$\mathcal{L} = -\frac{1}{B} \sum_{b=1}^{B} \sum_{k} Y_{kb} \log P_{kb}$$

$$\mathbf{G}_2 = \frac{1}{B} (\mathbf{P} - \mathbf{Y})$$

$$\nabla_{\mathbf{W}_2} \mathcal{L} = \mathbf{G}_2 \mathbf{H}^\top, \quad \nabla_{\mathbf{b}_2} \mathcal{L} = \mathbf{G}_2 \mathbf{1}$$

$$\mathbf{G}_1 = (\mathbf{W}_2^\top \mathbf{G}_2) \odot \mathbb{1}[\mathbf{Z}_1 > 0]$$

$$\nabla_{\mathbf{W}_1} \mathcal{L} = \mathbf{G}_1 \mathbf{X}^\top, \quad \nabla_{\mathbf{b}_1} \mathcal{L} = \mathbf{G}_1 \mathbf{1}$$

$$\nabla_{\mathbf{W}_1} \mathcal{L} = \mathbf{G}_1^\top \mathbf{X}^\top$$
"""


def test_numbered_letters_of_the_documents_own_defined_from_each_other(tmp_path, capsys):
    """`\\mathbf{G}_2 = \\frac{1}{B} (\\mathbf{P} - \\mathbf{Y})`, then `\\mathbf{G}_1` from
    `\\mathbf{G}_2`: a letter no row names, numbered, is a definition, read inside later
    definitions too; its transpose is a transpose. The planted transposed factor is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "numbered.md",
                                               NUMBERED_LETTERS_OF_ITS_OWN)
    assert inference.network["samples"] == "columns"
    assert verdicts == [("holds", None)] * 7 + [("wrong", "shape")]


ONE_UNIT_OF_EACH_LAYER = r"""# A worked example, one neuron of each layer written out

Three inputs feed two hidden neurons, which feed two outputs; every neuron is logistic. The
first hidden neuron:

$$net_{h1} = w_1 * i_1 + w_2 * i_2 + w_3 * i_3 + b_1 * 1$$

$$out_{h1} = \frac{1}{1 + e^{-net_{h1}}}$$

and the second one the same way. The first output:

$$net_{o1} = w_7 * out_{h1} + w_8 * out_{h2} + b_2 * 1$$

$$out_{o1} = \frac{1}{1 + e^{-net_{o1}}}$$

$$net_{o2} = w_9 * out_{h1} + w_{10} * out_{h2} + b_2 * 1$$

The error of each output, and in total:

$$E_{o1} = \frac{1}{2}(target_{o1} - out_{o1})^{2}$$

$$E_{total} = E_{o1} + E_{o2}$$

$$\frac{\partial E_{o1}}{\partial out_{o1}} = -(target_{o1} - out_{o1})$$

$$\frac{\partial out_{o1}}{\partial net_{o1}} = out_{o1}(1 - out_{o1})$$

$$\frac{\partial E_{total}}{\partial w_7} = \frac{\partial E_{o1}}{\partial out_{o1}} \cdot \frac{\partial out_{o1}}{\partial net_{o1}} \cdot out_{h1}$$

$$w_7^+ = w_7 - \eta \cdot \frac{\partial E_{total}}{\partial w_7}$$

$$\frac{\partial E_{total}}{\partial out_{h1}} = \frac{\partial E_{o1}}{\partial out_{h1}} + \frac{\partial E_{o2}}{\partial out_{h1}}$$

$$\frac{\partial out_{h1}}{\partial net_{h1}} = out_{h1}(1 + out_{h1})$$

$$w_2^+ = w_2 + \eta \cdot \frac{\partial E_{total}}{\partial w_2}$$
"""


def test_a_worked_example_with_one_neuron_of_each_layer_written_out(tmp_path, capsys):
    """`out_{h2}` fed to an output beside `out_{h1}`, where only h1's neuron is written out: a
    neuron of h1's layer done the same way; `E_{o2}` beside `E_{o1} = \\frac{1}{2}(target_{o1} -
    out_{o1})^2` is o2's error the same way; `w_7^+ = ...` is an update. The planted sign
    inside a parenthesis is a sign error of that term, and the climbing update is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "by_hand.md",
                                               ONE_UNIT_OF_EACH_LAYER)
    assert [layer["units"] for layer in inference.network["layers"]] == [2, 2]
    assert inference.network["inputs"] == 3
    assert inference.notation["out_{h2}"] == "activation[1](2)"
    assert inference.notation["target_{o2}"] == "target(2)"
    assert verdicts == [("holds", None)] * 12 + [("wrong", "sign")] * 2


EXAMPLE_WITH_A_CLASS_LABEL = r"""# A linear classifier, one example at a time

Example $n$ has the features $\mathbf{x}_n$ and the class $y_n$. Its scores, probabilities
and loss:

$$\mathbf{s} = \mathbf{W} \mathbf{x}_n + \mathbf{b}$$

$$p_c = \frac{\exp(s_c)}{\sum_{d} \exp(s_d)}$$

$$\ell_n = -\log p_{y_n}$$

$$\frac{\partial \ell_n}{\partial s_c} = p_c - [c = y_n]$$

$$\frac{\partial \ell_n}{\partial \mathbf{b}} = \mathbf{p} - \mathbf{e}_{y_n}$$

$$\frac{\partial \ell_n}{\partial \mathbf{W}} = (\mathbf{p} - \mathbf{e}_{y_n}) \mathbf{x}_n^\top$$

$$\frac{\partial \ell_n}{\partial s_c} = p_c + [c = y_n]$$
"""


def test_an_example_numbered_by_a_subscript_and_its_class_label(tmp_path, capsys):
    """`\\ell_n` beside `\\mathbf{x}_n`: n numbers the example, and `\\mathbf{x}_n` is that
    example's input in a network of one sample; `\\mathbf{e}_{y_n}` is the basis vector at its
    class, the one-hot target. The planted sign of one term is diagnosed `sign`."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "labels.md",
                                               EXAMPLE_WITH_A_CLASS_LABEL)
    assert inference.notation["n"] == "sample_index"
    assert verdicts == [("holds", None)] * 6 + [("wrong", "sign")]


THE_OUTPUT_LAYER_ALONE = r"""# The softmax output with cross-entropy

The output layer computes $z_i = \sum_j w_{ij} h_j + b_i$ and

$$y_i = \frac{e^{z_i}}{\sum_k e^{z_k}}$$

with the cross-entropy error against the targets $t_i$:

$$E = -\sum_i t_i \ln y_i$$

Then

$$\frac{\partial y_i}{\partial z_j} = y_i (\delta_{ij} - y_j)$$

$$\frac{\partial E}{\partial z_j} = \sum_i \frac{\partial E}{\partial y_i} \frac{\partial y_i}{\partial z_j} = -\sum_i \frac{t_i}{y_i} y_i (\delta_{ij} - y_j) = y_j - t_j$$

$$\frac{\partial E}{\partial w_{jk}} = (y_j - t_j) h_k$$

$$\frac{\partial E}{\partial h_k} = \sum_j (y_j - t_j) w_{jk}$$

$$\frac{\partial E}{\partial w_{jk}} = (y_j - t_j) h_j$$
"""


def test_the_output_layer_alone_takes_what_the_document_calls_h(tmp_path, capsys):
    """`z_i = \\sum_j w_{ij} h_j + b_i` for the one layer a document derives: h, a hidden
    layer's letter in the conventions, is what that layer takes. The planted index is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "output.md",
                                               THE_OUTPUT_LAYER_ALONE)
    assert inference.notation["h"] == "input"
    assert verdicts == [("holds", None)] * 7 + [("wrong", "index")]


EACH_LAYER_ITS_OWN_FUNCTION = r"""# Three hidden layers

$$\mathbf{z}^{[1]} = \mathbf{W}^{[1]} \mathbf{x} + \mathbf{b}^{[1]}, \quad \mathbf{a}^{[1]} = g^{[1]}(\mathbf{z}^{[1]})$$

$$\mathbf{z}^{[2]} = \mathbf{W}^{[2]} \mathbf{a}^{[1]} + \mathbf{b}^{[2]}, \quad \mathbf{a}^{[2]} = g^{[2]}(\mathbf{z}^{[2]})$$

$$\mathbf{z}^{[3]} = \mathbf{W}^{[3]} \mathbf{a}^{[2]} + \mathbf{b}^{[3]}, \quad \mathbf{a}^{[3]} = g^{[3]}(\mathbf{z}^{[3]})$$

$$\mathbf{z}^{[4]} = \mathbf{W}^{[4]} \mathbf{a}^{[3]} + \mathbf{b}^{[4]}, \quad \hat{y} = \sigma(\mathbf{z}^{[4]})$$

$$\mathcal{L} = -y \log \hat{y} - (1 - y) \log(1 - \hat{y})$$

$$\boldsymbol{\delta}^{[4]} = \hat{y} - y$$

$$\boldsymbol{\delta}^{[3]} = \mathbf{W}^{[4]\top} \boldsymbol{\delta}^{[4]} \odot g^{[3]\prime}(\mathbf{z}^{[3]})$$

$$\boldsymbol{\delta}^{[2]} = \mathbf{W}^{[3]\top} \boldsymbol{\delta}^{[3]} \odot g^{[2]\prime}(\mathbf{z}^{[2]})$$

$$\boldsymbol{\delta}^{[1]} = \mathbf{W}^{[2]\top} \boldsymbol{\delta}^{[2]} \odot g^{[1]\prime}(\mathbf{z}^{[1]})$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{W}^{[l]}} = \boldsymbol{\delta}^{[l]} \mathbf{a}^{[l-1]\top}$$

$$\frac{\partial \mathcal{L}}{\partial \mathbf{b}^{[l]}} = \boldsymbol{\delta}^{[l]}$$

$$\boldsymbol{\delta}^{[2]} = \mathbf{W}^{[3]\top} \boldsymbol{\delta}^{[3]} \odot g^{[3]\prime}(\mathbf{z}^{[2]})$$
"""


def test_each_layer_its_own_function_through_four_layers(tmp_path, capsys):
    """`g^{[1]}`, `g^{[2]}`, `g^{[3]}`, never `g` alone: each layer's own generic function, so
    the planted function of the wrong layer is found; three generic layers stacked keep the
    sigmoid after them checkable (no overflow to an unreadable value)."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "deep.md",
                                               EACH_LAYER_ITS_OWN_FUNCTION)
    assert [layer.get("function") for layer in inference.network["layers"]] == [
        "g_1", "g_2", "g_3", None]
    assert verdicts == [("holds", None)] * 11 + [("wrong", "index")]


BY_DIFFERENTIALS = r"""# Gradients by differentials

For one layer $\mathbf{z} = \mathbf{W}\mathbf{x} + \mathbf{b}$, $\mathbf{a} = \sigma(\mathbf{z})$
and $\ell = \frac{1}{2}\|\mathbf{a} - \mathbf{y}\|^2$:

$$d\ell = (\mathbf{a} - \mathbf{y})^\top d\mathbf{a}$$

$$d\mathbf{a} = \sigma'(\mathbf{z}) \odot d\mathbf{z}$$

$$d\mathbf{z} = d\mathbf{W}\, \mathbf{x} + \mathbf{W}\, d\mathbf{x}$$

$$d\ell = \operatorname{tr}\left( \mathbf{x} \boldsymbol{\delta}^\top d\mathbf{W} \right), \quad \boldsymbol{\delta} = (\mathbf{a} - \mathbf{y}) \odot \sigma'(\mathbf{z})$$

$$\frac{\partial \ell}{\partial \mathbf{W}} = \boldsymbol{\delta} \mathbf{x}^\top$$

$$d\mathbf{a} = \sigma(\mathbf{z}) \odot d\mathbf{z}$$

$$d\ell = \operatorname{tr}\left( \boldsymbol{\delta} \mathbf{x}^\top d\mathbf{W} \right)$$
"""


def test_a_derivation_by_differentials(tmp_path, capsys):
    """`d\\ell = ... d\\mathbf{a}`: the loss's differential along the network's makes `d` a
    differential; each link's left side is its quantity's change along the right side's
    differentials. The planted missing prime and the trace of a product that does not fit are
    found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "differentials.md",
                                               BY_DIFFERENTIALS)
    assert inference.notation["d"] == "differential"
    assert verdicts == [("holds", None)] * 8 + [("wrong", "other"), ("wrong", "shape")]


ONE_LETTER_FOR_EVERY_LAYER = r"""# One letter for every layer's outputs

The inputs are $o_a$; each layer's units take the outputs of the layer before:

$$o_b = f\left(\sum w_{ab} o_a\right) = f(s_b)$$

$$o_c = f\left(\sum w_{bc} o_b\right) = f(s_c)$$

with $f$ the logistic function, $f(s) = \frac{1}{1 + e^{-s}}$, and the error

$$E = \frac{1}{2} \sum (t_c - o_c)^2$$

$$\frac{\partial E}{\partial w_{bc}} = (o_c - t_c) o_c (1 - o_c) o_b$$

$$\frac{\partial E}{\partial o_b} = \sum (o_c - t_c) o_c (1 - o_c) w_{bc}$$

$$\frac{\partial E}{\partial w_{ab}} = \frac{\partial E}{\partial o_b} o_b (1 - o_b) o_a$$

$$\frac{\partial E}{\partial w_{bc}} = (o_c - t_c) o_c (1 - o_c) o_c$$
"""


def test_one_letter_for_every_layers_outputs_with_sums_that_leave_their_index_out(tmp_path,
                                                                                capsys):
    """`o_b = f(\\sum w_{ab} o_a) = f(s_b)`: the same letter for every layer's outputs, the
    index letter saying which layer; a `\\sum` without its index sums the letter two of its
    factors write; `f(s_b)` names the sum; `(t_c - o_c)` puts the target first. The planted
    index is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "letters.md",
                                               ONE_LETTER_FOR_EVERY_LAYER)
    assert (inference.notation["b"], inference.notation["o_c"], inference.notation["s_b"],
            inference.notation["t"]) == ("units[1]", "activation[2]", "preactivation[1]",
                                         "target")
    assert verdicts == [("holds", None)] * 7 + [("wrong", "index")]


CASES_IN_THE_PROSE = r"""# The softmax's derivative, case by case

With $s_c = \frac{e^{z_c}}{\sum_d e^{z_d}}$ and the loss $E = -\sum_c t_c \log s_c$:

If $c = k$,

$$\frac{\partial s_c}{\partial z_k} = \frac{e^{z_k} \sum_d e^{z_d} - e^{z_k} e^{z_k}}{(\sum_d e^{z_d})^2} = s_k (1 - s_k)$$

and if $c \neq k$,

$$\frac{\partial s_c}{\partial z_k} = -s_c s_k$$

so that

$$\frac{\partial E}{\partial z_k} = -\sum_c \frac{t_c}{s_c} \frac{\partial s_c}{\partial z_k} = s_k - t_k$$

If $c \neq k$,

$$\frac{\partial s_c}{\partial z_k} = s_c s_k$$
"""


def test_a_case_the_prose_states_before_a_formula_is_its_condition(tmp_path, capsys):
    """"If $c = k$," just before a display: the formula is stated for that case, and checked
    where it holds (`given = 'c = k'` in the TOML); so is "if $c \\neq k$,". The planted sign
    in the last case is found."""
    path = tmp_path / "cases.md"
    path.write_text(CASES_IN_THE_PROSE)
    assert "given = 'c = k'" in import_document(path).toml()
    _, verdicts = imported_and_checked(tmp_path, capsys, "cases.md", CASES_IN_THE_PROSE)
    assert verdicts == [("holds", None)] * 5 + [("wrong", "sign")]


IMPLICIT_SUMS_AND_A_TYPO = r"""# Index notation, sums left implicit

Layer $l$ computes, for its unit $p$,

$$ z^{(l)}_{p} = w^{(l)}_{pq} a^{(l-1)}_{q} + b^{(L)}_p$$

$$ a^{(l)}_p = \phi^{(l)}(z^{(l)}_p)$$

and the cost of one example is

$$E = - \large{(} \small y \log\left(a^{(L)}\right) + (1-y) \log\left(1- a^{(L)}\right) \large{)} \small$$

$$\frac{\partial E}{\partial w^{(l)}_{pq}} = \frac{\partial E}{\partial z^{(l)}_p} \frac{\partial z^{(l)}_p}{\partial w^{(l)}_{pq}} = \frac{\partial E}{\partial z^{(l)}_p} a^{(l-1)}_q$$

$$\frac{\partial E}{\partial a^{(l)}_p} = \frac{\partial E}{\partial z^{(l+1)}_q} w^{(l+1)}_{qp}$$

$$\frac{\partial E}{\partial z^{(l)}_p} = \frac{\partial E}{\partial a^{(l)}_p} \phi'^{(l)}(z^{(l)}_p)$$
"""


def test_sums_left_implicit_are_implied_despite_a_typo_in_the_forward_pass(tmp_path, capsys):
    """No word on the convention, and the forward pass's bias written with the last layer's
    mark (`c^{(L)}_p`, a typo): the formulas hold with repeated indices summed, so the import
    says so; in a chain the first left side's p stays free; the cross entropy of a generic
    output is evaluated. The typo is found."""
    path = tmp_path / "implicit.md"
    path.write_text(IMPLICIT_SUMS_AND_A_TYPO)
    assert import_document(path).summation == "einstein"
    _, verdicts = imported_and_checked(tmp_path, capsys, "implicit.md",
                                       IMPLICIT_SUMS_AND_A_TYPO)
    assert verdicts[0][0] == "wrong"
    assert verdicts[1:] == [("holds", None)] * 5


CODE_NAMES_FOR_THE_COSTS_GRADIENT = r"""# Backprop with the cost's own gradients named dA, dZ

Columns are the $m$ samples of $X$; the cost is $L = \frac{1}{m} \sum (Y - A^{[2]})^2$ and

$$Z^{[1]} = W^{[1]} X + b^{[1]}, \quad A^{[1]} = \tanh(Z^{[1]})$$

$$Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]}, \quad A^{[2]} = Z^{[2]}$$

$$\frac{\partial L}{\partial A^{[2]}} = \frac{2}{m}(A^{[2]} - Y) = dA^{[2]}$$

$$\frac{\partial L}{\partial W^{[2]}} = dA^{[2]} (A^{[1]})^T = dW^{[2]}$$

$$\frac{\partial L}{\partial b^{[2]}} = \sum dA^{[2]} = db^{[2]}$$

$$dZ^{[1]} = (W^{[2]})^T dA^{[2]} \odot (1 - (A^{[1]})^2)$$

$$dW^{[1]} = dZ^{[1]} X^T = \begin{bmatrix} 0.1 & 0.2 \\ 0.3 & 0.4 \end{bmatrix} \begin{bmatrix} 1 & 0 \\ 2 & 1 \end{bmatrix} = \begin{bmatrix} 0.5 & 0.2 \\ 1.1 & 0.4 \end{bmatrix}$$

$$\frac{\partial L}{\partial W^{[1]}} = \frac{1}{m} dZ^{[1]} X^T$$
"""


def test_code_names_for_the_costs_own_gradient_and_a_worked_matrix_product(tmp_path, capsys):
    """`\\frac{\\partial L}{\\partial A^{[2]}} = \\frac{2}{m}(A^{[2]} - Y) = dA^{[2]}`: a document
    whose dA and dZ carry the 1/m (the cost's gradient, not each sample's as the conventions
    read them) is read so; in a chain the middle `\\sum dA^{[2]}` stands beside the first left
    side, a vector, and sums the samples; a product of matrices written out in numbers is
    arithmetic. The planted extra 1/m is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "codenames.md",
                                               CODE_NAMES_FOR_THE_COSTS_GRADIENT)
    assert inference.notation["dA^{(l)}"] == "adjoint(activation[l])"
    assert verdicts[:-2] == [("holds", None)] * 7
    assert verdicts[-2][0] == "unchecked"   # (the document's numbers, its arithmetic holds)
    assert verdicts[-1] == ("wrong", "factor")


A_MEAN_LOSS_RESTATED_FOR_ONE_EXAMPLE = r"""# A batch of rows, and the loss of one example in an appendix

$$Z^{[1]} = X W^{[1]} + b^{[1]}, \quad A^{[1]} = \tanh(Z^{[1]})$$

$$Z^{[2]} = A^{[1]} W^{[2]} + b^{[2]}, \quad \hat{Y} = \sigma(Z^{[2]})$$

$$L = -\frac{1}{m} \sum_{i=1}^{m} \left[ y_i \log(\hat{y}_i) + (1 - y_i) \log(1 - \hat{y}_i) \right]$$

$$\frac{\partial L}{\partial Z^{[2]}} = \frac{1}{m} (\hat{Y} - Y)$$

$$\frac{\partial L}{\partial b^{[2]}} = \sum_{i=1}^{m} \frac{\partial L}{\partial Z_i^{[2]}}$$

Appendix: for one example,

$$L = -\left[ y \log(\hat{y}) + (1 - y) \log(1 - \hat{y}) \right]$$

$$\frac{\partial L}{\partial Z^{[2]}} = \hat{Y} - Y$$
"""


def test_a_mean_loss_restated_for_one_example_stays_the_loss(tmp_path, capsys):
    """`L = -\\frac{1}{m} \\sum_{i=1}^{m} [y_i \\log \\hat{y}_i + ...]`, then the same letter for
    one example in an appendix: the batch's mean stays the loss, and the letter its sum runs
    over, up to the mean's m, numbers the samples. The batch's gradient without its 1/m is a
    factor error."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "appendix.md",
                                               A_MEAN_LOSS_RESTATED_FOR_ONE_EXAMPLE)
    assert inference.network["loss"]["reduction"] == "mean"
    assert inference.notation["i"] == "sample_index"
    assert verdicts[:5] == [("holds", None)] * 5
    assert verdicts[-1] == ("wrong", "factor")


PROSE_IN_ANOTHER_SCRIPT = r"""# 誤差逆伝播

$$ s_j=\sum_i u_{ij} x_i+p_j
\\G_j = \sigma(s_j)
\\ここで\ \sigma(x) = \frac{1}{1+e^{-x}}
\\また\  \sigma(x)^{'} = \sigma(x)(1-\sigma(x))
\\r_k=\sum_j m_{jk} G_j+q_k
\\R_k = \sigma(r_k)
\\E(R) = \frac{1}{2} \sum_k (T_k-R_k)^2
$$

$$
\frac{\partial E}{\partial m_{jk}} = (R_k- T_k) R_k(1-R_k) G_j \quad \frac{\partial E}{\partial q_k}=(R_k- T_k) R_k(1-R_k)
$$

$$
\frac{\partial E}{\partial u_{ij}} = \sum_k (R_k- T_k) R_k(1-R_k) m_{jk} G_j(1-G_j) x_i \quad \frac{\partial E}{\partial p_j} = \sum_k (R_k- T_k) R_k (1-R_k) m_{jk} G_j
$$

$$
\pmb{m_{jk}}  = m_{jk}-\lambda (R_k- T_k) R_k(1-R_k) G_j \quad \pmb{q_k} = q_k - \lambda (R_k- T_k) R_k(1-R_k)
$$
"""


def test_prose_in_another_script_and_statements_side_by_side(tmp_path, capsys):
    """Words in Japanese before a formula (`ここで\\ \\sigma(x) = ...`, "here") are prose; a
    function's value primed, `\\sigma(x)^{'}`, is its derivative; two statements beside each
    other with a `\\quad` between are two formulas; the loss written as a function of the
    outputs, `E(R)`, is the loss; a new value in bold beside the old one plain, less a step
    by `\\lambda` (in a network with no penalty), is an update with \\lambda the learning rate.
    The planted dropped factor of the bias gradient is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "cjk.md",
                                               PROSE_IN_ANOTHER_SCRIPT)
    assert inference.notation[r"\lambda"] == "learning_rate"
    # (a row of two statements is one formula of two links, each judged: the row of the
    # hidden layer's gradients holds only if both do)
    assert verdicts == [("holds", None)] * 8 + [("wrong", "other"), ("holds", None)]


ONE_OUTPUT_UNIT_STEP_BY_STEP = r"""# One output unit, derived a display per step

Each hidden unit computes $$h_j = \tanh(s_j)$$ of $$s_j = \sum_{i} a_{ji} x_i + c_j$$, and the
output unit

$$ o = \sigma(r), \quad r = \sum_j q_j h_j + d $$

with the error

$$ E = \frac{1}{2} (o - t)^2 $$

Differentiating:

$$ \frac{\partial E}{\partial q_2} =
$$

$$ (o - t) \frac{\partial o}{\partial q_2} =
$$

$$ (o - t) o (1 - o) h_2
$$

And for the hidden layer:

$$ \frac{\partial E}{\partial a_{ji}} = $$

$$ (o - t) o (1 - o) q_j (1 - h_j^2) x_i $$

$$ \frac{\partial E}{\partial c_j} $$

$$ = (o - t) o (1 - o) q_j h_j $$
"""


def test_one_output_unit_and_a_derivation_a_display_per_step(tmp_path, capsys):
    """A layer of one unit written without an index (`r = \\sum_j q_j h_j + d`, `o =
    \\sigma(r)`) after a layer written unit by unit, each function written before the sum it
    applies to; a chain over displays is one formula; `h_2` beside `h_j` is an entry of the
    hidden layer. The planted error (the tanh's derivative left out of c's) is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "steps.md",
                                               ONE_OUTPUT_UNIT_STEP_BY_STEP)
    assert inference.network["layers"][-1]["units"] == 1
    assert inference.notation["r"] == "preactivation[2]"
    assert verdicts[:-1] == [("holds", None)] * 6
    assert verdicts[-1][0] == "wrong"


MIXED_WEIGHT_ORDERS = r"""# Weights named into layer 1 but out of layer 1

$$z_j = \sum_{k} v_{jk} x_k + c_j, \qquad h_j = \sigma(z_j)$$

$$u_m = \sum_j w_{jm} h_j + b_m, \qquad y_m = \sigma(u_m)$$

$$ E = \frac{1}{2} \sum_m (y_m - t_m)^2 $$

$$ \frac{\partial E}{\partial w_{jm}} = (y_m - t_m) y_m (1 - y_m) h_j $$

$$ \frac{\partial E}{\partial v_{jk}} = \sum_m (y_m - t_m) y_m (1 - y_m) w_{jm} h_j (1 - h_j) x_k $$

$$ \frac{\partial E}{\partial v_{jk}} = \sum_m (y_m - t_m) y_m (1 - y_m) w_{jm} h_j (1 - h_j) x_j $$
"""


def test_each_layers_weight_in_the_order_its_sum_writes_it(tmp_path, capsys):
    """`v_{jk}` (the unit's own index first) into layer 1 beside `w_{jm}` (the unit before's
    first) out of it: each layer's weight keeps its own order, and m, summed over the output
    units, numbers them (not the samples). The planted index error is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "orders.md",
                                               MIXED_WEIGHT_ORDERS)
    layouts = [layer.get("weights", inference.network.get("weights", "out_in"))
               for layer in inference.network["layers"]]
    assert layouts == ["out_in", "in_out"]
    assert inference.notation["m"] == "units[2]"
    assert verdicts[:-1] == [("holds", None)] * 5
    assert verdicts[-1][0] == "wrong"


OWN_FUNCTIONS_WORKED_OUT_IN_PLAIN_TEX = r"""# Two inputs, three hidden units, one output, in plain TeX

$a_1=\phi(p_1 v_{11} + p_2 v_{21})$

$a_2=\phi(p_1 v_{12} + p_2 v_{22})$

$a_3=\phi(p_1 v_{13} + p_2 v_{23})$

$s_1=g(a_1 c_{11} + a_2 c_{21} + a_3 c_{31})$

$$
E={1 \over 2} (g(a_1 c_{11} + a_2 c_{21} + a_3 c_{31}) - r_1)^2
$$

$$
\begin{aligned}
{\partial E \over \partial c_{21}} =&
a_2 (g(a_1 c_{11} + a_2 c_{21} + a_3 c_{31}) - r_1)
\\
& g'(a_1 c_{11} + a_2 c_{21} + a_3 c_{31})
\\
{\partial E \over \partial v_{21}} =&
(g(a_1 c_{11} + a_2 c_{21} + a_3 c_{31}) - r_1)
g'(a_1 c_{11} + a_2 c_{21} + a_3 c_{31})
\\
&\cdot c_{11} p_2 \phi'(p_1 v_{11} + p_2 v_{21})
\\
{\partial E \over \partial v_{12}} =&
(g(a_1 c_{11} + a_2 c_{21} + a_3 c_{31}) - r_1)
g'(a_1 c_{11} + a_2 c_{21} + a_3 c_{31})
\\
+& c_{21} p_2 \phi'(p_1 v_{12} + p_2 v_{22})
\end{aligned}
$$
"""


def test_a_network_worked_out_with_functions_and_weight_letters_of_its_own(tmp_path, capsys):
    """Units written out with the document's own functions (`\\phi`, `g`), weights of a letter
    of its own numbered by pairs (`v_{21}`, `c_{31}`), the target a numbered name the loss's
    square compares with the output's formula (`r_1`), fractions in plain TeX (`{1 \\over
    2}`), and rows that go on with an operator (`&\\cdot ...`, `+& ...`). The planted error
    (a product continued as a sum) is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "plain.md",
                                               OWN_FUNCTIONS_WORKED_OUT_IN_PLAIN_TEX)
    layers = inference.network["layers"]
    assert [(layer["units"], layer.get("function")) for layer in layers] == [(3, r"\phi"),
                                                                             (1, "g")]
    assert inference.notation["r_1"] == "target(1)"
    assert verdicts[:-1] == [("holds", None)] * 7
    assert verdicts[-1][0] == "wrong"


NAMES_WITH_DIGITS_WITHOUT_UNDERSCORES = r"""# A worked example in plain names

$$z1 = w1 * x1 + w2 * x2 + b1$$

$$z2 = w3 * x1 + w4 * x2 + b1$$

$$h1 = \sigma(z1), \quad h2 = \sigma(z2)$$

$$u1 = w5 * h1 + w6 * h2 + b2$$

$$y1 = \sigma(u1)$$

$$E = \frac{1}{2}(t1 - y1)^2$$

$$\frac{\partial E}{\partial w5} = (y1 - t1) \, y1 (1 - y1) \, h1$$

$$\frac{\partial E}{\partial w1} = (y1 - t1) \, y1 (1 - y1) \, w5 \, h1 (1 - h1) \, x1$$

$$\frac{\partial E}{\partial w2} = (y1 - t1) \, y1 (1 - y1) \, w5 \, h1 (1 - h1) \, x1$$
"""


def test_a_worked_example_whose_names_carry_their_digits_without_underscores(tmp_path,
                                                                              capsys):
    """`w1 * x1`: plain text's names with their numbers, read as `w_1 * x_1`; the network is
    read from them as from subscripts. The planted error (x1 for x2) is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "plain_names.md",
                                               NAMES_WITH_DIGITS_WITHOUT_UNDERSCORES)
    assert inference.notation["w_5"] == "weight[2](1,1)"
    assert verdicts[:-1] == [("holds", None)] * 8
    assert verdicts[-1][0] == "wrong"



EACH_UNITS_FUNCTION_BY_ITS_LETTER = r"""# Unit by unit, each unit's function by its letter

The hidden units take the inputs $$o_p$$ through weights $$v_{pq}$$: $$s_q = c_q + \sum_p o_p v_{pq}$$
and $$o_q = h_q(s_q)$$. The output units take them through $$v_{qr}$$: $$s_r = c_r + \sum_q o_q v_{qr}$$,
$$o_r = h_r(s_r)$$.

$$
E = \frac{1}{2} \sum_r (o_r - y_r)^2
$$

$$
\frac{\partial E}{\partial v_{qr}} = (o_r - y_r) h_r'(s_r) o_q
$$

$$
\frac{\partial E}{\partial c_r} = (o_r - y_r) h_r'(s_r)
$$

$$
\frac{\partial E}{\partial v_{pq}} = \sum_r (o_r - y_r) h_r'(s_r) v_{qr} h_q'(s_q) o_p
$$

$$
\frac{\partial E}{\partial c_q} = \sum_r (o_r - y_r) h_r'(s_r) v_{qr} h_q'(s_r)
$$
"""


def test_each_units_function_by_its_letter_and_the_bias_before_the_sum(tmp_path, capsys):
    """`s_q = c_q + \\sum_p o_p v_{pq}` (the bias first) and `o_q = h_q(s_q)`: a letter per
    layer, the function subscripted with the unit's letter being that layer's (`h_r'(s_r)`);
    the planted index error is found as one."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "unit_functions.md",
                                               EACH_UNITS_FUNCTION_BY_ITS_LETTER)
    assert inference.notation["r"] == "units[2]"
    assert [layer.get("function") for layer in inference.network["layers"]] == ["h", "h"]
    assert verdicts[:-1] == [("holds", None)] * 8
    assert verdicts[-1] == ("wrong", "index")



NOTATION_DEFINED_BEFORE_THE_NETWORK = r"""# Notation first, then the network

For vectors,

$$\mathbf{p} \cdot \mathbf{q} = \sum_i p_i q_i$$

and

$$(\mathbf{p} \odot \mathbf{Q})_i = p_i Q_i$$

$$\mathbf{s} = \mathbf{U} \mathbf{x} + \mathbf{c}$$

$$\mathbf{h} = \tanh(\mathbf{s})$$

$$\mathbf{o} = \mathbf{V} \mathbf{h} + \mathbf{d}$$

$$E = \frac{1}{2} \|\mathbf{o} - \mathbf{y}\|^2$$

$$\frac{\partial E}{\partial \mathbf{d}} = \mathbf{o} - \mathbf{y}$$

$$\frac{\partial E}{\partial \mathbf{V}} = (\mathbf{o} - \mathbf{y}) \mathbf{h}^T$$

$$\frac{\partial E}{\partial \mathbf{c}} = \mathbf{V}^T (\mathbf{o} - \mathbf{y}) \odot (1 - \mathbf{h} \odot \mathbf{h})$$

$$\frac{\partial E}{\partial \mathbf{U}} = \left(\mathbf{V}^T (\mathbf{o} - \mathbf{y}) \odot (1 - \mathbf{h} \odot \mathbf{h})\right) \mathbf{x}$$
"""


def test_notation_defined_before_the_network_is_no_step_of_it(tmp_path, capsys):
    """`\\mathbf{p} \\cdot \\mathbf{q} = \\sum_i p_i q_i`, `(\\mathbf{p} \\odot \\mathbf{Q})_i =
    ...`: a left side that is an operation defines notation; the forward pass is the chain of
    named steps after it, and the planted missing transpose is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "preamble.md",
                                               NOTATION_DEFINED_BEFORE_THE_NETWORK)
    assert inference.notation[r"\mathbf{U}"] == "weight[1]"
    assert [verdict for verdict, _ in verdicts[2:]] == ["holds"] * 7 + ["wrong"]



LAYERS_UNDER_SAMPLES_OVER = r"""# Layers by subscript, samples by superscript

$$\bm z_1^{(i)} = \bm W_1^T \bm x^{(i)} + \bm b_1$$

$$\bm a_1^{(i)} = \tanh(\bm z_1^{(i)})$$

$$z_2^{(i)} = \bm w_2^T \bm a_1^{(i)} + b_2$$

$$a_2^{(i)} = \sigma(z_2^{(i)})$$

$$L = -\frac{1}{m}\sum_{i=1}^m \left(y^{(i)} \log a_2^{(i)} + (1 - y^{(i)}) \log(1 - a_2^{(i)})\right)$$

$$\frac{\partial L}{\partial z_2^{(i)}} = \frac{1}{m}(a_2^{(i)} - y^{(i)})$$

$$\frac{\partial L}{\partial b_2} = \frac{1}{m}\sum_{i=1}^m (a_2^{(i)} - y^{(i)})$$

$$\frac{\partial L}{\partial b_2} = \sum_{i=1}^m (a_2^{(i)} - y^{(i)})$$
"""


def test_layers_under_the_letters_and_samples_over_them(tmp_path, capsys):
    """`\\bm z_1^{(i)} = \\bm W_1^T \\bm x^{(i)} + \\bm b_1`: the subscript is the layer and
    the superscript the sample (i, summed over the batch), not a layer variable; each layer's
    function is read at its layer. The planted missing 1/m is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "samples_over.md",
                                               LAYERS_UNDER_SAMPLES_OVER)
    assert [layer["activation"] for layer in inference.network["layers"]] == ["tanh",
                                                                              "sigmoid"]
    assert verdicts[:-1] == [("holds", None)] * 7
    assert verdicts[-1] == ("wrong", "factor")
