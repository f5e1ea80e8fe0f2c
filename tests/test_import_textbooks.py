"""`symnet import` on the notations of well-known textbooks and lecture notes, each in a document
written for the test (own letters and words): the network and the notation are read from the
formulas, every formula holds but the planted errors, and the planted errors are found."""

import json

from symnet.cli import main
from symnet.importing import import_document


def imported_and_checked(tmp_path, capsys, name: str, text: str):
    """The document's inference, and the (verdict, diagnosis) of each of its formulas."""
    path = tmp_path / name
    path.write_text(text)
    result = import_document(path)
    path.with_suffix(".toml").write_text(result.toml())   # (a guessed layer count is asked)
    main(["check", str(path), "--json", "-"])
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    return result.inference, [(claim["verdict"], claim.get("diagnosis")) for claim in claims]


LETTERS_PER_LAYER = r"""# The delta rule, output and hidden units

Each unit $j$ takes the outputs $o_i$ of the units feeding it:

$$net_j = \sum_i w_{ji} o_i$$

$$o_j = \sigma(net_j)$$

The error on one example is $E = \frac{1}{2} \sum_{k \in outputs} (t_k - o_k)^2$, and

$$\delta_j = - \frac{\partial E}{\partial net_j}$$

An output unit $k$ gets

$$\delta_k = o_k (1 - o_k)(t_k - o_k)$$

and a hidden unit $h$

$$\delta_h = o_h (1 - o_h) \sum_{k \in outputs} w_{kh} \delta_k$$

$$\Delta w_{ji} = \eta \delta_j o_i$$

$$\delta_h = o_h (1 - o_h) \sum_{k \in outputs} w_{hk} \delta_k$$

$$\delta_k = o_k (1 - o_k)(o_k - t_k)$$
"""


def test_letters_that_number_the_outputs_and_the_hidden_units_whatever_the_layer(
        tmp_path, capsys):
    """`\\sum_{k \\in outputs}` makes k the output layer's units and h, which a weight pairs
    with k (`w_{kh}`), the hidden layer's, beside j and i written for any layer. Both planted
    errors (the weight's letters swapped, the difference the wrong way round) are found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "delta.md", LETTERS_PER_LAYER)
    notation = inference.notation
    assert (notation["j"], notation["k"], notation["h"]) == ("units[l]", "units[last]",
                                                             "units[1]")
    assert verdicts == [("holds", None)] * 7 + [("wrong", "index"), ("wrong", "sign")]


MINIBATCH = r"""# Four equations and a mini-batch step

$$a^l = \sigma(w^l a^{l-1} + b^l)$$

with $z^l = w^l a^{l-1} + b^l$ and the cost of one example $C = \frac{1}{2}\|y - a^L\|^2$.

$$\delta^L = (a^L - y) \odot \sigma'(z^L)$$

$$\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)$$

$$\frac{\partial C}{\partial w^l_{jk}} = a^{l-1}_k \delta^l_j$$

Over a mini-batch of $m$ examples $x$, with rate $\eta$:

$$w^l \rightarrow w^l - \frac{\eta}{m} \sum_x \delta^{x,l} (a^{x,l-1})^T$$

$$b^l \rightarrow b^l - \frac{\eta}{m} \sum_x \delta^{x,l}$$

$$w^l \rightarrow w^l - \frac{\eta}{m} \sum_x \delta^{x,l} a^{x,l-1}$$
"""


def test_a_step_summed_over_a_mini_batch_makes_the_samples_a_batch(tmp_path, capsys):
    """`\\frac{\\eta}{m} \\sum_x \\delta^{x,l}`: terms marked with the sum's letter beside
    their layer are samples', so the network has a batch of m (columns), and the formulas
    written for one example are read per example. The planted missing transpose is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "batch.md", MINIBATCH)
    network = inference.network
    assert (network["samples"], network["batch"]) == ("columns", "m")
    assert verdicts[:-1] == [("holds", None)] * 8
    assert verdicts[-1][0] == "wrong"


OUTPUT_LAYER_BY_NAME = r"""# Notes on the error terms

With $a^{(1)} = x$, each layer computes

$$z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}$$

$$a^{(l+1)} = f(z^{(l+1)})$$

where $f$ is the logistic function, up to the output layer $n_l$. For one example

$$J(W,b;x,y) = \frac{1}{2} \left\| h_{W,b}(x) - y \right\|^2$$

$$\delta^{(n_l)}_i = -(y_i - a^{(n_l)}_i) \cdot f'(z^{(n_l)}_i)$$

$$\delta^{(l)}_i = \left( \sum_{j=1}^{s_{l+1}} W^{(l)}_{ji} \delta^{(l+1)}_j \right) f'(z^{(l)}_i)$$

$$\frac{\partial}{\partial W_{ij}^{(l)}} J(W,b;x,y) = a^{(l)}_j \delta_i^{(l+1)}$$

$$\delta^{(n_l)}_i = (y_i - a^{(n_l)}_i) \cdot f'(z^{(n_l)}_i)$$

$$\frac{\partial}{\partial W_{ij}^{(l)}} J(W,b;x,y) = a^{(l)}_i \delta_j^{(l+1)}$$
"""


def test_the_output_layer_named_by_a_letter_and_a_function_applied_at_every_next_layer(
        tmp_path, capsys):
    """`a^{(l+1)} = f(z^{(l+1)})` applies f at every layer (it was a guess before);
    `\\delta^{(n_l)}` marks the output layer by the name of the number of layers, a size. Both
    planted errors (the sign, the letters of the weight's gradient swapped) are found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "named.md",
                                               OUTPUT_LAYER_BY_NAME)
    network = inference.network
    assert not [question for question in inference.questions if "activation" in question]
    assert network["sizes"]["n_l"] == len(network["layers"]) + 1
    assert verdicts == [("holds", None)] * 7 + [("wrong", "sign"), ("wrong", "index")]


TARGET_LETTER_COMPUTED = r"""# One hidden layer, no biases

$$h = W_1 x$$

$$z = \sigma(h)$$

$$y = W_2 z$$

The loss is $E = \frac{1}{2} \| y - t \|_2^2$, so

$$\frac{\partial E}{\partial y} = y - t$$

$$\frac{\partial E}{\partial W_2} = (y - t) z^T$$

$$\frac{\partial E}{\partial h} = \sigma(h) \odot (1 - \sigma(h)) \odot W_2^T (y - t)$$

$$\frac{\partial E}{\partial W_1} = \left[\sigma(h) \odot (1 - \sigma(h)) \odot W_2^T (y - t)\right] x^T$$

$$\frac{\partial E}{\partial W_2} = z (y - t)^T$$
"""


def test_the_conventional_target_letter_computed_by_the_forward_pass_is_the_output(
        tmp_path, capsys):
    """`y = W_2 z` computes y, so y is the output (an identity layer: no function is applied)
    and t, which the loss compares it with, the target. The planted transpose is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "computed.md",
                                               TARGET_LETTER_COMPUTED)
    notation, network = inference.notation, inference.network
    assert (notation["y"], notation["t"]) == ("preactivation[2]", "target")
    assert network["layers"][-1]["activation"] == "identity"
    assert verdicts == [("holds", None)] * 8 + [("wrong", "transpose")]


SCORES_BY_SAMPLE = r"""# A linear softmax classifier

The $N$ examples are the rows of $X$, and $S = X W + b$. For example $n$:

$$q_{n,c} = \frac{e^{S_{n,c}}}{\sum_d e^{S_{n,d}}}$$

$$L = \frac{1}{N} \sum_n -\log q_{n,y_n}$$

$$\frac{\partial L}{\partial S_{n,c}} = \frac{1}{N} \left(q_{n,c} - \mathbb{1}(y_n = c)\right)$$

$$\frac{\partial L}{\partial W} = X^T \frac{\partial L}{\partial S}$$

$$\frac{\partial L}{\partial S_{n,c}} = q_{n,c} - \mathbb{1}(y_n = c)$$
"""


def test_a_softmax_written_out_with_the_samples_index(tmp_path, capsys):
    """`q_{n,c} = \\frac{e^{S_{n,c}}}{\\sum_d e^{S_{n,d}}}` is the softmax of S for sample n:
    S the output layer's pre-activation, q the output. The planted missing 1/N is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "scores.md", SCORES_BY_SAMPLE)
    notation, network = inference.notation, inference.network
    assert (notation["S"], notation["q"]) == ("preactivation[last]", "output")
    assert (network["samples"], network["layers"][-1]["activation"]) == ("rows", "softmax")
    assert verdicts == [("holds", None)] * 5 + [("wrong", "factor")]


MEAN_OVER_OUTPUTS = r"""# A perceptron with one hidden layer

$$h = \sigma(U x + c)$$

$$\hat{y} = \sigma(V h + d)$$

The error is the mean of the squared differences over the $n$ outputs:

$$E = \frac{1}{n} \sum_{i=1}^{n} (\hat{y}_i - y_i)^2$$

$$\frac{\partial E}{\partial V} = \frac{2}{n} \left[(\hat{y} - y) \odot \hat{y} \odot (1 - \hat{y})\right] h^T$$

$$\frac{\partial E}{\partial d} = \frac{2}{n} (\hat{y} - y) \odot \hat{y} \odot (1 - \hat{y})$$

$$\frac{\partial E}{\partial U} = \left[V^T \left(\frac{2}{n} (\hat{y} - y) \odot \hat{y} \odot (1 - \hat{y})\right) \odot h \odot (1 - h)\right] x^T$$

$$\frac{\partial E}{\partial V} = 2 \left[(\hat{y} - y) \odot \hat{y} \odot (1 - \hat{y})\right] h^T$$
"""


def test_a_mean_over_the_output_units_of_one_sample(tmp_path, capsys):
    """`\\frac{1}{n} \\sum_{i=1}^{n} (\\hat{y}_i - y_i)^2` beside a forward pass of one sample
    averages the n output units (`loss.outputs = "mean"`), not n samples: no question about
    the samples is left. The planted missing 1/n is found as the factor n, not as another
    size that changes alike between the two size sets."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "mse.md", MEAN_OVER_OUTPUTS)
    network = inference.network
    assert (network["samples"], network["layers"][-1]["units"]) == ("single", "n")
    assert (network["loss"]["reduction"], network["loss"]["outputs"]) == ("sum", "mean")
    assert not [question for question in inference.questions if "samples" in question]
    assert verdicts == [("holds", None)] * 6 + [("wrong", "factor")]
    assert main(["check", str(tmp_path / "mse.md"), "--json", "-"]) == 1
    claim = json.loads(capsys.readouterr().out)["documents"][0]["claims"][-1]
    assert claim["factor"] == "n"


INNER_PRODUCT_OUTPUT = r"""# A scoring network

$$z = W x + b$$

$$a = \max\{0, z\}$$

$$s = u^T a$$

$$J = \frac{1}{2}(s - y)^2$$

$$\frac{\partial J}{\partial u} = (s - y) a$$

$$\frac{\partial J}{\partial z} = (s - y) u \odot \mathbb{1}(z > 0)$$

$$\frac{\partial J}{\partial W} = \frac{\partial J}{\partial z} x^T$$

$$\frac{\partial J}{\partial W} = x \frac{\partial J}{\partial z}^T$$
"""


def test_a_score_as_the_inner_product_of_a_weight_vector(tmp_path, capsys):
    """`s = u^T a` beside `z = W x + b`: u is a vector (one output unit) laid out as (inputs,
    units) in a network whose W is (units, inputs), and its step adds no bias;
    `\\max\\{0, z\\}` is a rectifier layer. `\\frac{\\partial J}{\\partial z}^T` is read, so the
    planted transpose is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "score.md",
                                               INNER_PRODUCT_OUTPUT)
    hidden, output = inference.network["layers"]
    assert inference.notation["u"] == "weight[2]"
    assert hidden == {"units": "n_1", "activation": "relu"}
    assert output == {"units": 1, "activation": "identity", "bias": False, "weights": "in_out"}
    assert verdicts == [("holds", None)] * 7 + [("wrong", "transpose")]
    # the document's gradients train (one of one sample, read entry by entry, named as the
    # generated module names them)
    assert main(["train", str(tmp_path / "score.toml"), "--gradient", "document",
                 "--steps", "3", "--json", "-"]) == 0
    run = json.loads(capsys.readouterr().out)
    assert set(run["document_gradients"]) == {"W2"}


WORKED_BY_HAND = r"""# A small network worked by hand

Inputs $x_1, x_2$, hidden neurons $h1, h2$ and outputs $o1, o2$, all logistic; one bias per layer.

$$z_{h1} = \theta_1 \cdot x_1 + \theta_2 \cdot x_2 + \beta_1$$

$$y_{h1} = \sigma(z_{h1})$$

$$z_{h2} = \theta_3 \cdot x_1 + \theta_4 \cdot x_2 + \beta_1$$

$$y_{h2} = \sigma(z_{h2})$$

$$z_{o1} = \theta_5 \cdot y_{h1} + \theta_6 \cdot y_{h2} + \beta_2$$

$$y_{o1} = \sigma(z_{o1})$$

$$z_{o2} = \theta_7 \cdot y_{h1} + \theta_8 \cdot y_{h2} + \beta_2$$

$$y_{o2} = \sigma(z_{o2})$$

$$E = \frac{1}{2}(t_{o1} - y_{o1})^2 + \frac{1}{2}(t_{o2} - y_{o2})^2$$

$$\frac{\partial E}{\partial \theta_5} = (y_{o1} - t_{o1}) \, y_{o1}(1 - y_{o1}) \, y_{h1}$$

$$\frac{\partial E}{\partial \beta_2} = (y_{o1} - t_{o1}) y_{o1}(1 - y_{o1}) + (y_{o2} - t_{o2}) y_{o2}(1 - y_{o2})$$

$$\frac{\partial E}{\partial \theta_1} = \left[(y_{o1} - t_{o1}) y_{o1}(1 - y_{o1}) \theta_5 + (y_{o2} - t_{o2}) y_{o2}(1 - y_{o2}) \theta_7\right] y_{h1}(1 - y_{h1}) x_1$$

$$\theta_5^{+} = \theta_5 - \eta \frac{\partial E}{\partial \theta_5}$$

$$\frac{\partial E}{\partial \theta_6} = (y_{o1} - t_{o1}) \, y_{o1}(1 - y_{o1}) \, y_{h1}$$

$$\frac{\partial E}{\partial \beta_2} = (y_{o1} - t_{o1}) y_{o1}(1 - y_{o1})$$
"""


def test_a_network_written_out_weight_by_weight_and_unit_by_unit(tmp_path, capsys):
    """`z_{h1} = \\theta_1 \\cdot x_1 + \\theta_2 \\cdot x_2 + \\beta_1`, `y_{h1} =
    \\sigma(z_{h1})`, ...: every name is one entry (`'\\theta_5' = "weight[2](1,1)"`), units fed
    by the inputs are layer 1's and units fed by those layer 2's; a bias every unit of a layer
    adds is its one shared bias; the sizes are the document's numbers. `\\theta_5^{+} = ...` is
    an update. Both planted errors (the wrong hidden unit, one output's term of the shared bias
    left out) are found; neither is called exact for a rectifier output, which only points
    where the rectifier is off would say."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "byhand.md", WORKED_BY_HAND)
    notation, network = inference.notation, inference.network
    assert (network["inputs"], network["sizes"]) == (2, {})
    assert [(layer["units"], layer["bias"]) for layer in network["layers"]] == \
        [(2, "shared"), (2, "shared")]
    assert (notation[r"\theta_6"], notation["y_{h2}"], notation[r"\beta_2"],
            notation["t_{o2}"]) == ("weight[2](1,2)", "activation[1](2)", "bias[2](1)",
                                    "target(2)")
    assert verdicts == [("holds", None)] * 13 + [("wrong", "other")] * 2
    assert main(["check", str(tmp_path / "byhand.md"), "--json", "-"]) == 1
    claims = json.loads(capsys.readouterr().out)["documents"][0]["claims"]
    assert not any("relu" in claim["message"] for claim in claims)


UNITS_AS_CALLS = r"""# Two inputs, two hidden units, one output

$$h_1 = \sigma(w_1 x_1 + w_2 x_2 + b_1)$$

$$h_2 = \sigma(w_3 x_1 + w_4 x_2 + b_2)$$

$$o_1 = \sigma(w_5 h_1 + w_6 h_2 + b_3)$$

$$E = \frac{1}{2}(t_1 - o_1)^2$$

$$\frac{\partial E}{\partial w_5} = (o_1 - t_1) o_1 (1 - o_1) h_1$$

$$\frac{\partial E}{\partial w_1} = (o_1 - t_1) o_1 (1 - o_1) w_5 h_1 (1 - h_1) x_1$$

$$\frac{\partial E}{\partial b_2} = (o_1 - t_1) o_1 (1 - o_1) w_6 h_2 (1 - h_2)$$

$$\frac{\partial E}{\partial w_4} = (o_1 - t_1) o_1 (1 - o_1) w_5 h_2 (1 - h_2) x_2$$
"""


def test_units_written_as_a_function_of_their_weighted_sum(tmp_path, capsys):
    """`h_1 = \\sigma(w_1 x_1 + w_2 x_2 + b_1)`: the sum written inside the function, a bias
    for each unit; the one output unit makes the output layer. The planted wrong weight is
    found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "inside.md", UNITS_AS_CALLS)
    assert [layer["units"] for layer in inference.network["layers"]] == [2, 1]
    assert (inference.notation["b_2"], inference.notation["t_1"]) == ("bias[1](2)",
                                                                      "target(1)")
    assert verdicts == [("holds", None)] * 7 + [("wrong", "other")]


ERROR_NAMED_E = r"""# Error signals

Forward, for a batch with examples as columns of $X$:

$$H = \tanh(W_1 X + b_1)$$

$$\hat{Y} = W_2 H + b_2$$

$$J = \frac{1}{2N} \|\hat{Y} - Y\|_F^2$$

Let $E = \hat{Y} - Y$ be the error. Then

$$\nabla_{W_2} J = \frac{1}{N} E H^T$$

$$\nabla_{b_2} J = \frac{1}{N} E \mathbf{1}$$

$$\nabla_{W_1} J = \frac{1}{N} \left[(W_2^T E) \odot (1 - H^2)\right] X^T$$

$$\nabla_{W_1} J = \frac{1}{N} \left[(W_2^T E) \odot (1 - H)^2\right] X^T$$
"""


def test_the_error_named_with_a_loss_letter_beside_the_loss_and_squares_over_layers(
        tmp_path, capsys):
    """`E = \\hat{Y} - Y` beside the loss `J = \\frac{1}{2N} \\|\\hat{Y} - Y\\|_F^2`: E is the
    error the later formulas write (J is declared the loss, which frees E); layers numbered
    under the letters (`W_1`) with nothing over them but a square (`1 - H^2`) stay
    subscripts. The planted wrong square is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "error.md", ERROR_NAMED_E)
    assert inference.notation["J"] == "loss"
    assert verdicts == [("holds", None)] * 7 + [("wrong", "other")]


GRADIENT_NAMED_BY_A_LETTER = r"""# Backprop for an MLP

$$\mathbf{z}_1 = \mathbf{W}_1 \mathbf{x}$$

$$\mathbf{a}_1 = \varphi(\mathbf{z}_1)$$

$$\mathbf{z}_2 = \mathbf{W}_2 \mathbf{a}_1$$

$$\mathcal{L} = \frac{1}{2} \|\mathbf{z}_2 - \mathbf{y}\|_2^2$$

The backward pass:

$$\mathbf{u}_2 = \nabla_{\mathbf{z}_2} \mathcal{L} = \mathbf{z}_2 - \mathbf{y}$$

$$\nabla_{\mathbf{W}_2} \mathcal{L} = \mathbf{u}_2 \mathbf{a}_1^\top$$

$$\mathbf{u}_1 = (\mathbf{W}_2^\top \mathbf{u}_2) \odot \varphi'(\mathbf{z}_1)$$

$$\nabla_{\mathbf{W}_1} \mathcal{L} = \mathbf{u}_1 \mathbf{x}^\top$$

$$\nabla_{\mathbf{W}_1} \mathcal{L} = \mathbf{x} \mathbf{u}_1^\top$$
"""


def test_a_letter_of_the_documents_own_for_the_gradient_by_a_preactivation(tmp_path, capsys):
    """`\\mathbf{u}_2 = \\nabla_{\\mathbf{z}_2} \\mathcal{L} = ...` names the gradient by layer 2's
    pre-activation (`'u_l' = "adjoint(preactivation[l])"`, the layer under the letter as the
    document writes it); a squared error of `\\mathbf{z}_2` makes the output layer an identity.
    The planted transpose is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "u.md",
                                               GRADIENT_NAMED_BY_A_LETTER)
    assert inference.notation["u_l"] == "adjoint(preactivation[l])"
    assert inference.network["layers"][-1]["activation"] == "identity"
    assert verdicts == [("holds", None)] * 8 + [("wrong", "transpose")]


ONE_HOT_BASIS_VECTOR = r"""# Softmax and cross-entropy

For one example with class $y$:

$$\mathbf{z} = \mathbf{W}\mathbf{x} + \mathbf{b}$$

$$\mathbf{p} = \mathrm{softmax}(\mathbf{z})$$

$$\ell = -\log p_y$$

$$\nabla_{\mathbf{z}} \ell = \mathbf{p} - \mathbf{e}_y$$

$$\nabla_{\mathbf{W}} \ell = (\mathbf{p} - \mathbf{e}_y)\mathbf{x}^\top$$

$$\nabla_{\mathbf{b}} \ell = \mathbf{p} - \mathbf{e}_y$$

$$\nabla_{\mathbf{z}} \ell = \mathbf{e}_y - \mathbf{p}$$
"""


def test_the_basis_vector_at_the_class_is_the_one_hot_target(tmp_path, capsys):
    """`\\mathbf{p} - \\mathbf{e}_y` with y the class of a softmax classifier: e_y is the one-hot
    target. The planted sign error is found."""
    _, verdicts = imported_and_checked(tmp_path, capsys, "onehot.md", ONE_HOT_BASIS_VECTOR)
    assert verdicts == [("holds", None)] * 6 + [("wrong", "sign")]


DERIVATIVE_STATED = r"""# The last two layers

$$z^L = W^L a^{L-1} + b^L$$

$$\frac{\partial a^{L-1}}{\partial z^{L-1}} = \text{ReLU}'(z^{L-1})$$

$$\frac{\partial J}{\partial z^L} = a^L - y$$

$$\frac{\partial J}{\partial W^L} = (a^L - y)(a^{L-1})^T$$

$$\frac{\partial J}{\partial z^{L-1}} = (W^L)^T (a^L - y) \odot \text{ReLU}'(z^{L-1})$$

$$\frac{\partial J}{\partial z^{L-1}} = (W^L)^T (a^L - y)$$
"""

ONE_HIDDEN_FUNCTION_STATED = r"""# Three layers

$$z^{[1]} = W^{[1]} x + b^{[1]}$$

$$z^{[2]} = W^{[2]} a^{[1]} + b^{[2]}$$

$$z^{[3]} = W^{[3]} a^{[2]} + b^{[3]}$$

$$\frac{\partial a^{[2]}}{\partial z^{[2]}} = \tanh'(z^{[2]})$$

$$\frac{\partial J}{\partial z^{[3]}} = a^{[3]} - y$$

$$\frac{\partial J}{\partial z^{[1]}} = (W^{[2]})^T \left((W^{[3]})^T (a^{[3]} - y) \odot (1 - (a^{[2]})^2)\right) \odot (1 - (a^{[1]})^2)$$

$$\frac{\partial J}{\partial z^{[1]}} = (W^{[2]})^T \left((W^{[3]})^T (a^{[3]} - y) \odot (1 - (a^{[2]})^2)\right)$$
"""


def test_a_layers_function_from_its_stated_derivative_and_an_unwritten_loss(tmp_path, capsys):
    """`\\frac{\\partial a^{L-1}}{\\partial z^{L-1}} = \\text{ReLU}'(z^{L-1})` says layer L-1
    applies ReLU; J, differentiated but never written out, is the loss under which most of
    the formulas hold (`a^L - y`: the cross entropy of the sigmoid output). The planted
    missing ReLU' is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "stated.md", DERIVATIVE_STATED)
    network = inference.network
    assert [layer["activation"] for layer in network["layers"]] == ["relu", "sigmoid"]
    assert network["loss"]["kind"] == "binary_cross_entropy"
    assert verdicts == [("holds", None)] * 5 + [("wrong", "other")]


def test_hidden_layers_take_the_one_function_stated_for_a_hidden_layer(tmp_path, capsys):
    """Only layer 2's function is stated (tanh): layer 1, a hidden layer too, is taken to apply
    it, and the question says so. The planted missing derivative of layer 1 is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "shared.md",
                                               ONE_HIDDEN_FUNCTION_STATED)
    assert [layer["activation"] for layer in inference.network["layers"]] == [
        "tanh", "tanh", "sigmoid"]
    assert any("took the other hidden layers' tanh" in question
               for question in inference.questions)
    assert verdicts == [("holds", None)] * 6 + [("wrong", "other")]


CASES_BY_UNIT = r"""# The error of each neuron

Neuron $j$ computes

$$\text{net}_j = \sum_{k} w_{kj} o_k$$

$$o_j = \varphi(\text{net}_j) = \frac{1}{1 + e^{-\text{net}_j}}$$

and the error is $E = \frac{1}{2} \sum_{j} (t_j - o_j)^2$ over the output neurons.

$$\frac{\partial E}{\partial w_{ij}} = o_i \delta_j$$

$$\delta_j = \frac{\partial E}{\partial o_j} \frac{\partial o_j}{\partial \text{net}_j} = \begin{cases} (o_j - t_j) o_j (1 - o_j) & \text{if } j \text{ is an output neuron,} \\ \left(\sum_{\ell \in L} w_{j\ell} \delta_\ell\right) o_j (1 - o_j) & \text{if } j \text{ is an inner neuron.} \end{cases}$$

$$\Delta w_{ij} = -\eta o_i \delta_j$$

$$\delta_j = \begin{cases} (t_j - o_j) o_j (1 - o_j) & \text{if } j \text{ is an output neuron,} \\ \left(\sum_{\ell \in L} w_{j\ell} \delta_\ell\right) o_j (1 - o_j) & \text{if } j \text{ is an inner neuron.} \end{cases}$$

$$\delta_j = \begin{cases} (o_j - t_j) o_j (1 - o_j) & \text{if } j \text{ is an output neuron,} \\ \left(\sum_{\ell \in L} w_{j\ell} \delta_\ell\right) (1 - o_j) & \text{otherwise} \end{cases}$$
"""


def test_cases_for_the_output_and_the_inner_neurons(tmp_path, capsys):
    """`\\delta_j = \\begin{cases} ... & \\text{if } j \\text{ is an output neuron,} \\\\ ... &
    \\text{if } j \\text{ is an inner neuron.} \\end{cases}`: the case of the layer the claim is
    read at; `w_{ij}` beside `w_{kj}` makes i the layer before's, `w_{j\\ell}` \\ell the layer
    after's; `o_j = \\varphi(net_j) = \\frac{1}{1 + e^{-net_j}}` applies \\varphi, the logistic
    function, at every layer. Both planted errors (a sign in the output case, a missing factor
    in the inner case, after `\\text{otherwise}`) are found at the layer they are wrong at."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "roles.md", CASES_BY_UNIT)
    notation = inference.notation
    assert (notation["i"], notation["k"], notation[r"\ell"]) == ("units[l-1]", "units[l-1]",
                                                                "units[l+1]")
    assert {layer["activation"] for layer in inference.network["layers"]} == {"sigmoid"}
    assert verdicts == [("holds", None)] * 6 + [("wrong", "sign"), ("wrong", "other")]


NUMERATOR_LAYOUT = r"""# Backpropagation as a product of Jacobians

The derivative of a scalar by a column vector is a row vector (numerator layout). One example
$\mathbf{v}$ with target $\mathbf{g}$:

$$\mathbf{p} = \mathbf{A}\mathbf{v} + \mathbf{e}$$

$$\mathbf{q} = \tanh(\mathbf{p})$$

$$\mathbf{s} = \mathbf{B}\mathbf{q} + \mathbf{f}$$

$$C = \frac{1}{2}\|\mathbf{s} - \mathbf{g}\|^2$$

$$\frac{\partial C}{\partial \mathbf{s}} = (\mathbf{s} - \mathbf{g})^\top$$

$$\frac{\partial C}{\partial \mathbf{q}} = \frac{\partial C}{\partial \mathbf{s}} \frac{\partial \mathbf{s}}{\partial \mathbf{q}} = (\mathbf{s} - \mathbf{g})^\top \mathbf{B}$$

$$\frac{\partial C}{\partial \mathbf{p}} = (\mathbf{s} - \mathbf{g})^\top \mathbf{B} \, \mathrm{diag}(1 - \mathbf{q}^2)$$

$$\frac{\partial C}{\partial \mathbf{e}} = \frac{\partial C}{\partial \mathbf{p}}$$

$$\frac{\partial C}{\partial \mathbf{B}} = (\mathbf{s} - \mathbf{g}) \mathbf{q}^\top$$

$$\frac{\partial C}{\partial \mathbf{f}} = (\mathbf{g} - \mathbf{s})^\top$$

$$\frac{\partial C}{\partial \mathbf{v}} = 2 (\mathbf{s} - \mathbf{g})^\top \mathbf{B} \, \mathrm{diag}(1 - \mathbf{q}^2) \mathbf{A}$$

$$\frac{\partial C}{\partial \mathbf{B}} = \mathbf{q} (\mathbf{s} - \mathbf{g})^\top$$
"""


def test_gradients_by_vectors_written_as_rows_in_the_numerator_layout(tmp_path, capsys):
    """The derivative of a scalar by a vector may be written as a row (the numerator layout,
    where it is the vector's Jacobian), whole or as a chain of Jacobians; the verdict says it
    was read so. A weight's gradient keeps the weight's shape, so its planted transpose is
    found, as are the planted sign and factor. The target, a letter the conventions do not
    know, is read from `\\|\\mathbf{s} - \\mathbf{g}\\|`. Training uses the row-written bias
    gradients in the biases' shape."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "rows.md", NUMERATOR_LAYOUT)
    assert inference.notation["g"] == "target" and inference.network["samples"] == "single"
    assert verdicts == [("holds", None)] * 9 + [("wrong", "sign"), ("wrong", "factor"),
                                                 ("wrong", "transpose")]
    main(["check", str(tmp_path / "rows.md"), "--json", "-"])
    messages = [claim.get("message", "") for claim in
                json.loads(capsys.readouterr().out)["documents"][0]["claims"]]
    assert "numerator layout" in messages[5] and "numerator layout" not in messages[8]
    assert main(["train", str(tmp_path / "rows.toml"), "--gradient", "document",
                 "--steps", "3", "--json", "-"]) == 0
    run = json.loads(capsys.readouterr().out)
    assert set(run["document_gradients"]) == {"b1", "b2"}


EXAMPLE_LOSS_AND_COST = r"""# A two-layer classifier: the loss of one example and the cost

For one example:

$$z^{[1]} = W^{[1]} x + b^{[1]}$$

$$a^{[1]} = \tanh(z^{[1]})$$

$$z^{[2]} = W^{[2]} a^{[1]} + b^{[2]}$$

$$\hat{y} = a^{[2]} = \sigma(z^{[2]})$$

$$\mathcal{L}(\hat{y}, y) = -y \log \hat{y} - (1 - y) \log(1 - \hat{y})$$

Over the $m$ training examples the cost is

$$J = \frac{1}{m} \sum_{i=1}^{m} \mathcal{L}(\hat{y}^{(i)}, y^{(i)})$$

For one example:

$$\frac{\partial \mathcal{L}}{\partial z^{[2]}} = a^{[2]} - y$$

$$\frac{\partial \mathcal{L}}{\partial W^{[2]}} = (a^{[2]} - y) a^{[1]T}$$

$$\frac{\partial \mathcal{L}}{\partial z^{[1]}} = W^{[2]T} (a^{[2]} - y) \odot (1 - (a^{[1]})^2)$$

Vectorized over the examples, with $A^{[0]} = X$:

$$Z^{[1]} = W^{[1]} X + b^{[1]}$$

$$A^{[1]} = \tanh(Z^{[1]})$$

$$\frac{\partial J}{\partial W^{[2]}} = \frac{1}{m} (A^{[2]} - Y) A^{[1]T}$$

$$\frac{\partial J}{\partial b^{[2]}} = \frac{1}{m} \sum_{i=1}^{m} (a^{[2](i)} - y^{(i)})$$

$$\frac{\partial J}{\partial W^{[1]}} = \frac{1}{m} \left(W^{[2]T} (A^{[2]} - Y) \odot (1 - (A^{[1]})^2)\right) X^T$$

$$\frac{\partial \mathcal{L}}{\partial W^{[2]}} = \frac{1}{m} (a^{[2]} - y) a^{[1]T}$$

$$\frac{\partial J}{\partial W^{[1]}} = \frac{1}{m} \left(W^{[2]T} (A^{[2]} - Y) \odot (1 - A^{[1]})\right) X^T$$
"""


def test_the_loss_of_one_example_beside_the_cost_of_the_batch(tmp_path, capsys):
    """`\\mathcal{L}(\\hat{y}, y)` written for one example and `J = \\frac{1}{m} \\sum_i
    \\mathcal{L}(\\hat{y}^{(i)}, y^{(i)})`: L is one example's loss, J the network's (the mean),
    and the samples are columns. Formulas of L are read for one example, those of J for the
    batch; the planted 1/m in a formula of one example and the planted derivative of tanh are
    found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "cost.md",
                                               EXAMPLE_LOSS_AND_COST)
    assert inference.notation[r"\mathcal{L}"] == "example_loss"
    assert inference.notation["J"] == "loss"
    assert inference.network["samples"] == "columns"
    assert inference.network["loss"]["reduction"] == "mean"
    assert verdicts == [("holds", None)] * 15 + [("wrong", "factor"), ("wrong", "other")]


LOGISTIC_REGRESSION = r"""# Logistic regression as a one-neuron network

For one example $x \in \mathbb{R}^{n}$ with label $y \in \{0, 1\}$:

$$z = w^T x + b$$

$$a = \sigma(z)$$

$$\mathcal{L}(a, y) = -\left(y \log a + (1 - y) \log(1 - a)\right)$$

$$\frac{\partial \mathcal{L}}{\partial a} = -\frac{y}{a} + \frac{1 - y}{1 - a}$$

$$\frac{\partial \mathcal{L}}{\partial z} = a - y$$

$$\frac{\partial \mathcal{L}}{\partial w} = x (a - y)$$

$$\frac{\partial \mathcal{L}}{\partial b} = a - y$$

For $m$ examples stacked as columns of $X$:

$$Z = w^T X + b$$

$$A = \sigma(Z)$$

$$J = -\frac{1}{m} \sum_{i=1}^{m} \left(y^{(i)} \log a^{(i)} + (1 - y^{(i)}) \log(1 - a^{(i)})\right)$$

$$\frac{\partial J}{\partial w} = \frac{1}{m} X (A - Y)^T$$

$$\frac{\partial J}{\partial b} = \frac{1}{m} \sum_{i=1}^{m} (a^{(i)} - y^{(i)})$$

$$w := w - \alpha \frac{\partial J}{\partial w}$$

$$\frac{\partial J}{\partial w} = \frac{1}{m} X^T (A - Y)$$

$$\frac{\partial J}{\partial b} = \sum_{i=1}^{m} (a^{(i)} - y^{(i)})$$
"""


def test_the_loss_of_one_example_and_the_cost_both_written_out(tmp_path, capsys):
    """The cost written out as the mean of what the example's loss writes: the same reading;
    the weight vector of `w^T X` is a column beside samples as columns. The planted transpose
    of X (a shape error) and the planted missing 1/m are found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "logistic.md",
                                               LOGISTIC_REGRESSION)
    assert (inference.notation[r"\mathcal{L}"], inference.notation["J"]) == ("example_loss",
                                                                           "loss")
    assert (inference.network["samples"], inference.network["weights"]) == ("columns",
                                                                             "in_out")
    assert verdicts == [("holds", None)] * 13 + [("wrong", "shape"), ("wrong", "factor")]


LEAKY_RECTIFIER = r"""# A leaky ReLU layer

$$z = W x + b$$

$$h = \mathrm{LeakyReLU}(z) = \max(0.01 z, z)$$

$$\hat{y} = v^T h + c$$

$$L = \frac{1}{2}(\hat{y} - y)^2$$

$$\frac{\partial L}{\partial v} = (\hat{y} - y) h$$

$$\frac{\partial L}{\partial z} = (\hat{y} - y) v \odot \begin{cases} 1 & z > 0 \\ 0.01 & z \leq 0 \end{cases}$$

$$\frac{\partial L}{\partial W} = \left[(\hat{y} - y) v \odot \mathrm{LeakyReLU}'(z)\right] x^T$$

$$\frac{\partial L}{\partial z} = (\hat{y} - y) v \odot \mathbb{1}[z > 0]$$
"""


def test_a_leaky_rectifier_named_and_written_out(tmp_path, capsys):
    """`h = \\mathrm{LeakyReLU}(z) = \\max(0.01 z, z)`: the step is read from the side that
    applies the function by its name (the last side is the maximum of two matrices, read entry
    by entry); its derivative in `cases` holds, the planted rectifier's derivative is found."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "leaky.md", LEAKY_RECTIFIER)
    assert inference.network["layers"][0]["activation"] == "leaky_relu"
    assert verdicts == [("holds", None)] * 7 + [("wrong", "other")]


EXAMPLE_LOSS_AS_ELL = r"""# Loss and cost

One example:

$$z = W x + b$$

$$\hat{y} = \sigma(z)$$

$$\ell(\hat{y}, y) = \frac{1}{2}(\hat{y} - y)^2$$

The cost over $n$ examples:

$$C = \frac{1}{n} \sum_{k=1}^{n} \ell(\hat{y}^{(k)}, y^{(k)})$$

$$\frac{\partial \ell}{\partial z} = (\hat{y} - y) \hat{y} (1 - \hat{y})$$

$$\frac{\partial \ell}{\partial W} = \left[(\hat{y} - y) \odot \hat{y} \odot (1 - \hat{y})\right] x^T$$

$$\frac{\partial C}{\partial b} = \frac{1}{n} \sum_{k=1}^{n} (\hat{y}^{(k)} - y^{(k)}) \odot \hat{y}^{(k)} \odot (1 - \hat{y}^{(k)})$$

$$\frac{\partial C}{\partial W} = \frac{1}{n} \sum_{k=1}^{n} \frac{\partial \ell^{(k)}}{\partial W}$$

$$\frac{\partial \ell}{\partial b} = (\hat{y} - y) \odot \hat{y}$$
"""


def test_one_examples_loss_by_its_own_letter_and_symnets_line_for_it(tmp_path, capsys):
    """`\\ell` for one example beside the cost C: a formula of \\ell multiplies one example's
    vectors entry by entry, and symnet's line for a wrong one is written with \\ell, not C."""
    inference, verdicts = imported_and_checked(tmp_path, capsys, "ell.md", EXAMPLE_LOSS_AS_ELL)
    assert (inference.notation[r"\ell"], inference.notation["C"]) == ("example_loss", "loss")
    assert verdicts == [("holds", None)] * 8 + [("wrong", "other")]
    main(["check", str(tmp_path / "ell.md"), "--json", "-"])
    last = json.loads(capsys.readouterr().out)["documents"][0]["claims"][-1]
    assert r"\partial \ell}{\partial z}" in last["correction"]
