"""A function symnet knows, defined by the document as another one for a while: tutorials
write `\\sigma` for "the activation function" and, section by section, `\\sigma(z) = \\max(0, z)`
then `\\sigma'(z) = ...` for the rectifier, `\\sigma(z) = \\tanh(z)` for tanh.

A claim that defines the function as one of the rows below (its right side holds with the left
side's function read as that row's) changes what the function means for the claims after it,
until another such claim; the defining claim itself is reported unchecked, saying so (it is a
definition, not a result), and the claims after it are judged with the function respelled.
"""

from __future__ import annotations

import re
from typing import Callable

# the functions symnet knows that a document may define as another: (what it is in words, its
# spelling for the grammar, None for symnet's own meaning)
REDEFINABLE = {
    r"\sigma": [("the logistic sigmoid", None), ("the rectifier", r"\operatorname{ReLU}"),
                ("tanh", r"\tanh")],
}
# `\sigma(z) = ...`: the function of one letter, defined
_DEFINED = re.compile(r"^\s*(?P<name>" + "|".join(re.escape(name) for name in REDEFINABLE) +
                      r")\s*(?:\\left)?\(\s*[A-Za-z]\s*(?:\\right)?\)\s*&?\s*=")


def respelled(latex: str, renames: dict[str, str]) -> str:
    """The claim with the functions the document redefined respelled as what they are now."""
    for name, spelling in renames.items():
        latex = re.sub(re.escape(name) + r"(?![A-Za-z])", lambda _: spelling, latex)
    return latex


def redefinition(latex: str, renames: dict[str, str],
                 holds: Callable[[str], bool]) -> tuple[str, str | None, str] | None:
    """(name, new spelling or None, the function in words) when `latex` defines a function
    of `REDEFINABLE` as another than it means now (`holds(text)`: whether a claim holds);
    None for any other claim, and for a definition of what the function already means."""
    defined = _DEFINED.match(latex)
    if defined is None:
        return None
    name = defined.group("name")
    current = renames.get(name)
    if holds(respelled(latex, renames)):
        return None   # (what it means already)
    for words, spelling in REDEFINABLE[name]:
        if spelling != current and holds(respelled(latex, {name: spelling or name})):
            return name, spelling, words
    return None
