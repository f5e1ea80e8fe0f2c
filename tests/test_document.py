"""Derivation files: what loads, and the one-line error for everything that does not."""

from __future__ import annotations

import pytest

from symnet.check import check_document
from symnet.document import load, parse
from symnet.errors import InputError

VALID = '''
[document]
title = "t"
source = "s.txt"

[network]
samples = "columns"
sizes = { N_0 = 3, N_1 = 4, M = 5 }
batch = "M"
inputs = "N_0"
layers = [
  { units = "N_1", activation = "relu" },
  { units = 2, activation = "softmax", bias = false },
]
loss = { kind = "squared_error", scale = "1/2", reduction = "mean" }

[notation]
'W^{(l)}' = "weight[l]"

[[claim]]
id = "eq1"
latex = 'Z = W A'
'''


def write(tmp_path, text: str):
    path = tmp_path / "doc.toml"
    path.write_text(text)
    return path


def test_valid_file_loads_with_every_part(tmp_path):
    document = load(write(tmp_path, VALID))
    network = document.network
    assert (document.title, document.source) == ("t", "s.txt")
    assert network.samples == "columns" and network.batch == "M"
    assert [layer.activation.name for layer in network.layers] == ["relu", "softmax"]
    assert network.layers[1].bias is False
    assert str(network.loss.scale) == "1/2" and network.loss.reduction == "mean"
    assert document.notation == {"W^{(l)}": "weight[l]"}
    assert document.claims[0].id == "eq1"


@pytest.mark.parametrize("old,new,key,expected", [
    ('samples = "columns"', 'samples = "diagonal"', "network.samples", "expected one of"),
    ('N_1 = 4', 'N_1 = 0', "network.sizes.N_1", "positive integer"),
    ('N_1 = 4', 'N_1 = "four"', "network.sizes.N_1", "positive integer"),
    ('activation = "relu"', 'activation = "gelu"', "network.layers[1].activation",
     "unknown activation 'gelu'"),
    ('kind = "squared_error"', 'kind = "hinge"', "network.loss.kind", "unknown loss 'hinge'"),
    ('units = "N_1"', 'units = "N_9"', "network.layers[1].units", "unknown size 'N_9'"),
    ('batch = "M"', '', "network.batch", "needs the batch size"),
    ('title = "t"', 'title = 3', "document.title", "expected a string, found an integer"),
    ('inputs = "N_0"', 'inputs = "N_0"\ncolour = "red"', "network.colour", "unknown key"),
    ('bias = false', 'bias = "no"', "network.layers[2].bias", "true, false or 'shared'"),
    ('scale = "1/2"', 'scale = "half"', "network.loss.scale", "expected a number"),
    ('units = 2, activation = "softmax"', 'units = 1, activation = "softmax"',
     "network.layers[2].units", "at least 2 units"),
    ('reduction = "mean"', 'reduction = "mean", foo = 1', "network.loss.foo", "unknown key"),
    ('reduction = "mean"', 'reduction = "mean", outputs = "avg"', "network.loss.outputs",
     "expected one of"),
    ('inputs = "N_0"', 'inputs = "N_0"\nregularization = { l2 = "lambda", reduction = "avg" }',
     "network.regularization.reduction", "expected one of"),
    ('title = "t"', 'title = 1979-05-27', "document.title", "expected a string"),
    ('title = "t"', 'title = "t"\nsummation = "implicit"', "document.summation",
     "expected one of"),
    ("latex = 'Z = W A'", "latex = 'Z = W A'\n[[claim]]\nid = 'eq1'\nlatex = 'x'",
     "claim[2].id", "duplicate"),
    ("'W^{(l)}' = \"weight[l]\"", "'w_5' = \"weight(1,1)\"", "notation.w_5",
     "one entry is of one layer"),
    ("'W^{(l)}' = \"weight[l]\"", "'E_1' = \"loss(1)\"", "notation.E_1",
     "the numbers of one entry"),
    ("'W^{(l)}' = \"weight[l]\"", "'w^2' = \"weight[2](1,1)\"", "notation.w^2",
     "a name with an optional subscript"),
    ("latex = 'Z = W A'", "latex = 'Z = W A'\ngiven = 'i < k'", "claim[1].given",
     "a condition on two index letters"),
])
def test_malformed_files_name_the_file_and_key(tmp_path, old, new, key, expected):
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message and f"key '{key}'" in message and expected in message
    assert "\n" not in message


def test_cross_entropy_needs_a_probability_output(tmp_path):
    text = VALID.replace('activation = "softmax"', 'activation = "relu"').replace(
        'kind = "squared_error"', 'kind = "binary_cross_entropy"')
    with pytest.raises(InputError, match="sigmoid or softmax"):
        load(write(tmp_path, text))


def test_broken_toml_names_line_and_column(tmp_path):
    with pytest.raises(InputError) as caught:
        load(write(tmp_path, VALID.replace('title = "t"', 'title = "t')))
    assert "invalid TOML" in str(caught.value) and "line 3" in str(caught.value)


def test_missing_file_and_non_utf8(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load(tmp_path / "absent.toml")
    path = tmp_path / "latin.toml"
    path.write_bytes(b"title = '\xe9'")
    with pytest.raises(InputError, match="UTF-8"):
        load(path)


def test_single_sample_takes_no_batch():
    data = {"document": {"title": "t"}, "network": {
        "samples": "single", "inputs": 2, "batch": 3,
        "layers": [{"units": 1, "activation": "identity"}], "loss": {"kind": "squared_error"}}}
    with pytest.raises(InputError, match="single sample has no batch"):
        parse(data)


def test_generic_functions_take_their_names():
    data = {"document": {"title": "t"}, "network": {
        "samples": "single", "inputs": 2,
        "layers": [{"units": 2, "activation": "generic", "function": "f"}],
        "loss": {"kind": "generic", "function": "\\ell"}}}
    network = parse(data).network
    assert network.layers[0].activation.name == "f" and network.loss.loss.name == "\\ell"
    data["network"]["layers"][0]["function"] = "f(x)"
    with pytest.raises(InputError, match="network.layers\\[1\\].function"):
        parse(data)


def test_a_generic_loss_may_be_named_in_a_calligraphic_face():
    # `symnet import` names a loss the way the document writes it: \mathcal{L}(\hat{y}, y)
    data = {"document": {"title": "t"}, "network": {
        "samples": "single", "inputs": 2, "layers": [{"units": 2, "activation": "sigmoid"}],
        "loss": {"kind": "generic", "function": "\\mathcal{L}"}},
        "claim": [{"id": "1", "latex": r"\frac{\partial \mathcal{L}}{\partial z_j^{(1)}} = "
                                      r"\frac{\partial \mathcal{L}}{\partial a_j^{(1)}} "
                                      r"\sigma'(z_j^{(1)})"}]}
    document = parse(data)
    assert document.network.loss.loss.name == "\\mathcal{L}"
    assert check_document(document).claims[0].verdict == "holds"
    data["network"]["loss"]["function"] = "\\mathcal{LL}"
    with pytest.raises(InputError, match="network.loss.function"):
        parse(data)
