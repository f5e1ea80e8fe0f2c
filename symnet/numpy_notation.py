"""NumPy written in a formula (`np.dot(W2.T, dZ2)`, `np.sum(dZ, axis=1, keepdims=True)`,
`X @ W`), respelled before parsing as the LaTeX the claim grammar reads, columns kept.

Derivations in notebooks and blog posts often state their gradients as the code that computes
them. Each NumPy function is a row of `CALLS`; a call with arguments or keywords its row does
not expect is left as written (and the grammar then says where it stops).
"""

from __future__ import annotations

import re
import string

# np.<name>(...) -> what it is in the grammar's notation; {0}, {1} are the arguments as written
CALLS = {
    "dot": "(({0})({1}))",
    "matmul": "(({0})({1}))",
    "multiply": r"(({0}) \odot ({1}))",
    "outer": "(({0})({1})^T)",
    "transpose": "(({0})^T)",
    "exp": r"\exp({0})",
    "log": r"\log({0})",
    "tanh": r"\tanh({0})",
    "maximum": r"\max({0}, {1})",
    "sum": r"\sum ({0})",            # without an axis: the sum of every entry
    "square": r"(({0}) \odot ({0}))",
    "mean": r"\text{{mean}}({0})",    # without an axis: the mean of every entry
    # np.where(c, a, b): a where the condition holds, else b (entry by entry)
    "where": r"((({1}) \odot ({0})) + (({2}) \odot (1 - ({0}))))",
    # a cast changes no value: `np.float64(Z > 0)` is the indicator `(Z > 0)`
    **{cast: "({0})" for cast in ("float64", "float32", "int64", "int32", "array", "asarray")},
}
# np.sum(X, axis=1) sums each row, X 1; axis=0 each column, (X^T 1)^T. The axis is NumPy's
# number or pandas' word (`axis='columns'` is axis 1: one sum per row)
AXIS_SUMS = {0: "(({0})^T 1)^T", 1: "(({0}) 1)"}
AXES = {"0": 0, "rows": 0, "row": 0, "index": 0, "1": 1, "columns": 1, "column": 1}
IGNORED_KEYWORDS = {"sum": {"keepdims"}}

_CALL = re.compile(r"(?<![A-Za-z\\])(?:(?:np|numpy)\s*\.\s*(?P<bare>[a-z][a-z0-9]*)|"
                   r"\\(?:text|mathrm|operatorname|texttt|mbox)\s*\{\s*(?:(?:np|numpy)\s*\.\s*)?"
                   r"(?P<wrapped>[a-z][a-z0-9]*)\s*\})\s*(?:\\left\s*)?\(")
_KEYWORD_LAYOUT = re.compile(r"\\(?:text|mathrm|texttt|mbox)\s*\{([^{}]*)\}|\\q?quad|\\[,;!]|\\left"
                             r"|\\right|[~{}'\"\s]")
# `A1.T`, `(W - b).T`: the transpose attribute, after a name, a number or a bracket
_TRANSPOSE = re.compile(r"(?<=[A-Za-z0-9)\]}])\.T(?![A-Za-z0-9_])")
# `X.dot(W)`: the method form of the product (not `np.dot(`)
_DOT_METHOD = re.compile(r"(?<=[A-Za-z0-9)\]}])(?<!np)(?<!numpy)\.dot(?=\s*\()")
# `(Z > 0).astype(float)`: a cast changes no value
_ASTYPE = re.compile(r"(?<=[A-Za-z0-9)\]}])\.astype\s*\([^()]*\)")
# `X @ W`: Python's matrix product operator
_MATMUL = re.compile(r"@")
# `(A - Y)**2`: Python's power operator, before a number or a name
_POWER = re.compile(r"\*\*\s*(?P<exponent>[0-9]+(?:\.[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*)")


def respell_numpy(text: str) -> str:
    """`text` with the NumPy it contains respelled as the grammar's notation, each argument at
    its column where the respelling is no longer than what was written."""
    text = _TRANSPOSE.sub("^T", text)
    text = _DOT_METHOD.sub(r"\\cdot", text)
    text = _ASTYPE.sub(lambda match: " " * len(match.group()), text)
    text = _MATMUL.sub(" ", text)
    text = _POWER.sub(_power, text)
    for match in reversed(list(_CALL.finditer(text))):
        name = match.group("bare") or match.group("wrapped")
        if name not in CALLS:
            continue
        commas, end = _top_level(text, match.end())
        if end is None:
            continue
        spans = list(zip([match.end() - 1] + commas, commas + [end]))
        positional, keywords = [], {}
        for start, stop in spans:
            argument = text[start + 1:stop]
            keyword = _keyword(argument)
            if keyword is None:
                positional.append((start + 1, argument))
            else:
                keywords[keyword[0]] = keyword[1]
        template = _template(name, keywords)
        if template is None or _arity(template) != len(positional):
            continue
        text = text[:match.start()] + _aligned(template, positional, match.start()).ljust(
            end + 1 - match.start()) + text[end + 1:]
    return text


def _power(match: re.Match) -> str:
    """`**2` as `^2 ` (the width kept), a longer exponent in braces."""
    exponent = match.group("exponent")
    return (f"^{exponent}" if len(exponent) == 1 else f"^{{{exponent}}}").ljust(len(match.group()))


def _keyword(argument: str) -> tuple[str, str] | None:
    """`axis=1`, `\\text{axis} = \\text{columns}`: a keyword argument's name and value."""
    plain = re.sub(r"\s", "", _KEYWORD_LAYOUT.sub(lambda m: m.group(1) or "", argument))
    name, equals, value = plain.partition("=")
    return (name, value) if equals and name.isidentifier() else None


def _template(name: str, keywords: dict[str, str]) -> str | None:
    keywords = {key: value for key, value in keywords.items()
                if key not in IGNORED_KEYWORDS.get(name, ())}
    if name == "sum" and "axis" in keywords:
        axis = AXES.get(keywords.pop("axis"))
        return None if axis is None or keywords else AXIS_SUMS[axis]
    return None if keywords else CALLS.get(name)


def _arity(template: str) -> int:
    return len({field for _, field, _, _ in string.Formatter().parse(template) if field})


def _aligned(template: str, arguments: list[tuple[int, str]], start: int) -> str:
    """The template filled in, each argument placed at its column (from `start`) when what
    comes before it is shorter than what was written there."""
    out = ""
    for literal, field, _, _ in string.Formatter().parse(template):
        out += literal
        if field:
            column, argument = arguments[int(field)]
            column += len(argument) - len(argument.lstrip())
            out = out.ljust(column - start) + argument.strip()
    return out


def _top_level(text: str, start: int) -> tuple[list[int], int | None]:
    """The commas at the top level of the parenthesis opened before `start`, and where it
    closes (None if it does not)."""
    depth, commas = 0, []
    for position in range(start, len(text)):
        character = text[position]
        if character in "({[":
            depth += 1
        elif character in ")}]":
            if depth == 0:
                return commas, position if character == ")" else None
            depth -= 1
        elif character == "," and depth == 0:
            commas.append(position)
    return commas, None
