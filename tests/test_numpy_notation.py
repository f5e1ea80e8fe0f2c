"""NumPy written in a formula: respelled as the grammar's notation, columns kept, and read in
documents written for the tests (code-like gradients, samples as rows)."""

from __future__ import annotations

import pytest

from symnet.numpy_notation import respell_numpy

from test_conventions import HOLDS, SOFTMAX_CE, outcomes, verdicts


@pytest.mark.parametrize("written,respelled,arguments", [
    ("dW = np.dot(A.T, dZ)", "dW = ((A^T)(dZ))", ["A", "dZ"]),
    ("dW = A.T.dot(dZ)", r"dW = A^T\cdot(dZ)", ["A"]),
    ("dW = A.T @ dZ", "dW = A^T dZ", ["A", "dZ"]),
    ("G = np.multiply(D, numpy.float64(Z > 0))", r"G = ((D) \odot ((Z > 0)))", ["D"]),
    ("G = D * (Z > 0).astype(float)", "G = D * (Z > 0)", ["D", "Z"]),
    ("b = np.sum(D, axis=1, keepdims=True)", "b = ((D) 1)", ["D"]),
    ("b = np.sum(D, axis=0)", "b = ((D)^T 1)^T", ["D"]),
    ("s = np.sum(D)", r"s = \sum (D)", ["D"]),
    (r"A = \text{np.maximum}(0, Z)", r"A = \max(0, Z)", ["0", "Z"]),
    # (a respelling longer than what was written moves what follows it)
    ("c = np.mean(D)", r"c = \text{mean}(D)", []),
    ("G = np.where(Z > 0, D, 0)", r"G = (((D) \odot (Z > 0)) + ((0) \odot (1 - (Z > 0))))",
     ["D"]),
    ("s = np.sum((A - Y)**2)", r"s = \sum ((A - Y)^2)", ["A", "Y"]),
    ("s = (A - Y)**12", r"s = (A - Y)^{12}", ["A", "Y"]),
])
def test_numpy_is_respelled_with_each_argument_at_its_column(written, respelled, arguments):
    result = respell_numpy(written)
    assert " ".join(result.split()).replace("( ", "(") == respelled
    for argument in arguments:
        assert result.index(argument) == written.index(argument)


@pytest.mark.parametrize("written", [
    "x = np.power(a, 2)",                     # a call no row knows
    "b = np.sum(D, axis=0, dtype=float)",     # a keyword the row does not expect
    "d = np.dot(a)",                          # too few arguments
    "y = W x + b",                            # no NumPy at all
    r"y = a.b",                               # a dot that is a product sign, not `.T`
])
def test_numpy_that_no_row_expects_is_left_as_written(written):
    assert respell_numpy(written) == written


# the gradients of a ReLU / softmax network, samples as rows, written as NumPy code; the names
# are the code's (`dZ2`: the gradient of Z2, its layer glued on)
CODE_NAMES = {"dZ2": "adjoint(preactivation[2])", "dZ1": "adjoint(preactivation[1])",
              "dA1": "adjoint(activation[1])", "dW2": "adjoint(weight[2])",
              "dW1": "adjoint(weight[1])", "db1": "adjoint(bias[1])"}
ROWS_CODE = {"samples": "rows", "weights": "in_out", "reduction": "mean", **SOFTMAX_CE,
             "hidden": "relu"}
CODE_CLAIMS = [
    r"Z1 = np.dot(X, W1) + b1",
    r"A1 = np.maximum(0, Z1)",
    r"dW2 = np.dot(A1.T, dZ2)",
    r"dW2 = A1.T.dot(dZ2)",
    r"dW2 = A1.T @ dZ2",
    r"dA1 = dZ2 @ W2.T",
    r"dZ1 = np.multiply(dA1, np.int64(A1 > 0))",
    r"dZ1 = dA1 * (Z1 > 0).astype(float)",
    r"dZ1 = np.where(Z1 > 0, dA1, 0)",
    r"dZ1 = dA1 * np.where(A1 > 0, 1.0, 0.0)",
    r"db1 = np.sum(dZ1, axis=0)",
    r"dW1 = X.T @ dZ1",
]


def test_gradients_written_as_numpy_code_hold():
    results = verdicts(CODE_CLAIMS, CODE_NAMES, **ROWS_CODE)
    for claim, result in zip(CODE_CLAIMS, results):
        assert (result.verdict, result.diagnosis) == HOLDS, (claim, result.message)


@pytest.mark.parametrize("claim,old,new,expected", [
    (r"dW1 = X.T @ dZ1", "X.T", "X", ("wrong", "shape")),
    (r"dW2 = np.dot(A1.T, dZ2)", "np.dot(A1.T, dZ2)", "np.dot(dZ2.T, A1)", ("wrong", "transpose")),
    (r"db1 = np.sum(dZ1, axis=0)", "axis=0", "axis=1", ("wrong", "shape")),
    (r"dZ1 = dA1 * (Z1 > 0).astype(float)", "> 0", "< 0", ("wrong", "other")),
    (r"dZ1 = np.where(Z1 > 0, dA1, 0)", "dA1, 0", "0, dA1", ("wrong", "other")),
])
def test_an_error_in_numpy_code_is_found(claim, old, new, expected):
    assert claim in CODE_CLAIMS and old in claim
    assert outcomes(verdicts([claim.replace(old, new)], CODE_NAMES, **ROWS_CODE)) == [expected]


def test_a_cost_written_as_numpy_code_with_mean_and_powers():
    # the mean of every entry, Python's `**`; `np.sum` for `np.mean` is m times the loss
    setup = {"hidden": "relu", "reduction": "mean", "loss": "binary_cross_entropy", "scale": 1,
             "outputs": 1}
    claims = [r"L = -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))",
              r"L = -np.sum(Y * np.log(A2) + (1 - Y) * np.log(1 - A2)) / m"]
    assert outcomes(verdicts(claims, **setup)) == [HOLDS, HOLDS]
    assert outcomes(verdicts([claims[0].replace("mean", "sum")], **setup)) == [
        ("wrong", "factor")]
    squared = {**setup, "loss": "squared_error", "scale": "1/2"}
    assert outcomes(verdicts([r"L = np.mean((A2 - Y)**2) / 2", r"L = np.mean((A2 - Y)**2)"],
                             **squared)) == [HOLDS, ("wrong", "factor")]


def test_a_code_name_with_its_layer_glued_on_joins_inside_a_product():
    # `dZ2` declared: `A1^T dZ2` is A1^T times dZ2, not A1^T d Z 2 (d unknown)
    claims = [r"dW2 = A1^T dZ2", r"dW2 = A^{[1]T} dZ2", r"dW2 = (A1^T) (dZ2)"]
    assert outcomes(verdicts(claims, CODE_NAMES, **ROWS_CODE)) == [HOLDS] * 3
