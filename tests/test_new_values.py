"""A parameter's new value written with a mark (`w^+`, `W^{new}`, `W_{\\text{new}}`, `W^{(2)+}`,
`\\theta_{t+1}`, `w'`) set to a step from its old value is an update: checked as one, columns
kept, and a recurrence in a step count (`h_{t+1} = \\tanh(W h_t)`) left as written."""

import pytest

from symnet.grammar import blank_layout
from symnet.new_values import respell_new_values

from test_conventions import outcome

RATE = {r"\eta": "learning_rate"}
DESCENT = r"\eta \frac{\partial L}{\partial W^{(2)}}"

MARKED = [
    rf"W^{{(2)}}_{{new}} = W^{{(2)}}_{{old}} - {DESCENT}",
    rf"W^{{(2)}}_{{\text{{new}}}} = W^{{(2)}}_{{\text{{old}}}} - {DESCENT}",
    rf"W^{{(2),new}} = W^{{(2)}} - {DESCENT}",
    rf"W^{{(2)+}} = W^{{(2)}} - {DESCENT}",
    r"W^{(2)}_{t+1} = W^{(2)}_t - \eta \frac{\partial L}{\partial W^{(2)}_t}",
    rf"W^{{(2)}}_{{(t+1)}} := W^{{(2)}}_{{(t)}} - {DESCENT}",
    rf"W^{{(2)\prime}} = W^{{(2)}} - {DESCENT}",
]


@pytest.mark.parametrize("claim", MARKED)
def test_a_marked_new_value_is_an_update_and_its_climbing_step_a_sign_error(claim):
    climbing = claim.replace(r" - \eta", r" + \eta")
    assert outcome([claim, climbing], RATE) == [("holds", None), ("wrong", "sign")]


@pytest.mark.parametrize("text", [r"w_5^+ = w_5 - \eta \delta", r"w^+=w-\eta g",
                                  r"W_{\text{new}} = W_{\text{old}} - \alpha dW",
                                  r"\theta_{t+1} = \theta_t - \eta \nabla_\theta J"])
def test_the_respelling_keeps_every_column(text):
    respelled = respell_new_values(text)
    assert len(respelled) == len(text)
    assert "<-" in respelled or r"\gets" in respelled
    assert respelled.rstrip().endswith(text.rstrip()[-3:])


@pytest.mark.parametrize("text", [r"h_{t+1} = \tanh(W h_t + U x_t)",
                                  r"a_{k+1} = f(W_{k+1} a_k + b_{k+1})",
                                  r"\sigma' = \sigma - \sigma^2",
                                  r"W^{(2)} = W^{(1)} - x"])
def test_a_recurrence_or_a_derivative_is_not_an_update(text):
    assert respell_new_values(text) == text
    assert "<-" not in blank_layout(text)


def test_a_primed_value_without_a_rate_is_not_an_update():
    # `\sigma' = \sigma (1 - \sigma)` is the derivative; a primed weight stepping by a rate is
    # the new weight
    claims = [r"\sigma'(z) = \sigma(z)(1 - \sigma(z))",
              rf"W^{{(2)'}} = W^{{(2)}} - {DESCENT}"]
    assert outcome(claims, RATE, hidden="sigmoid") == [("holds", None), ("holds", None)]
