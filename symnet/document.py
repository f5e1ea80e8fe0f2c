"""Read a derivation file (TOML) into a `Document`, validating every key.

Any problem raises `InputError` naming the file and the key (`network.layers[2].activation`)
and saying what was expected. Layers are counted from 1, as the network numbers them.
"""

from __future__ import annotations

import re
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import sympy as sp

from .errors import InputError
from .macros import Macro, expand, macro
from .notation import build_notation
from .registry import ACTIVATIONS, LOSSES, generic_activation, generic_loss
from .spec import (ClaimSpec, Document, L2Spec, LayerSpec, LossSpec, NetworkSpec, SizeRef,
                   TrainingSpec)

_MISSING = object()
SUMMATIONS = ("written", "einstein")   # [document] summation: see `Document.summation`


class _Table:
    """One TOML table being read: typed access by key, and an error for every key left over."""

    def __init__(self, data: Any, key: str):
        if not isinstance(data, dict):
            raise InputError(f"expected a table, found {_kind(data)}", key=key or None)
        self.data, self.key, self.used = data, key, set()

    def path(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def get(self, name: str, types: type | tuple[type, ...], default: Any = _MISSING,
            expected: str | None = None) -> Any:
        self.used.add(name)
        if name not in self.data:
            if default is _MISSING:
                raise InputError(f"missing; expected {expected or _names(types)}",
                                 key=self.path(name))
            return default
        value = self.data[name]
        if isinstance(value, bool) and bool not in _tuple(types) or not isinstance(value, types):
            raise InputError(f"expected {expected or _names(types)}, found {_kind(value)}",
                             key=self.path(name))
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self.get(name, str, default, expected=_one_of(choices))
        if value not in choices:
            raise InputError(f"unknown value {value!r}; expected {_one_of(choices)}",
                             key=self.path(name))
        return value

    def finish(self) -> None:
        unknown = [name for name in self.data if name not in self.used]
        if unknown:
            raise InputError(f"unknown key; expected one of {', '.join(sorted(self.used))}",
                             key=self.path(unknown[0]))


def load(path: str | Path) -> Document:
    """Read and validate one derivation file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror})", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"invalid TOML: {error}", file=str(path)) from None
    try:
        return parse(data, str(path))
    except InputError as error:
        raise error.located(file=str(path)) from None


def parse(data: dict, path: str = "<string>") -> Document:
    top = _Table(data, "")
    header = _Table(top.get("document", dict), "document")
    title = header.get("title", str)
    source = header.get("source", str, "")
    summation = header.choice("summation", SUMMATIONS, "written")
    header.finish()
    network = _network(_Table(top.get("network", dict), "network"))
    macros = _macros(top.get("macros", dict, {}))
    notation = _notation({expand(symbol, macros): meaning
                          for symbol, meaning in top.get("notation", dict, {}).items()})
    claims = _claims(top.get("claim", list, [], expected="an array of [[claim]] tables"), macros)
    training = _training(_Table(top.get("training", dict, {}), "training"), network)
    top.finish()
    return Document(path, title, source, network, notation, claims, training, summation)


def _training(table: _Table, network: NetworkSpec) -> TrainingSpec:
    functions = table.get("functions", dict, {}, expected="a table such as { g = \"tanh\" }")
    generic = {layer.activation.name: ACTIVATIONS for layer in network.layers
               if layer.activation.generic}
    if network.loss.loss.generic:
        generic[network.loss.loss.name] = LOSSES
    for name, choice in functions.items():
        key = f"training.functions.{name}"
        if name not in generic:
            raise InputError(f"{name!r} is not a generic function of the network "
                             f"(generic: {', '.join(generic) or 'none'})", key=key)
        if not isinstance(choice, str) or choice not in generic[name]:
            raise InputError(f"expected one of {_one_of(tuple(generic[name]))}", key=key)
    defaults = TrainingSpec()
    spec = TrainingSpec(
        dict(functions),
        _positive(table.get("steps", int, defaults.steps), "training.steps"),
        float(table.get("learning_rate", (int, float), defaults.learning_rate)),
        _positive(table.get("samples", int, defaults.samples), "training.samples"),
        table.get("seed", int, defaults.seed))
    table.finish()
    return spec


def _positive(value: int, key: str) -> int:
    if value < 1:
        raise InputError(f"expected a positive integer, found {value}", key=key)
    return value


def _network(table: _Table) -> NetworkSpec:
    samples = table.choice("samples", ("columns", "rows", "single"))
    sizes, aliases = _sizes(table.get("sizes", dict, {}), table.path("sizes"))
    size_of = _size_reader(sizes)
    inputs = size_of(table.get("inputs", (str, int), expected="a size name or a number"),
                     table.path("inputs"))
    batch = table.get("batch", (str, int), None, expected="a size name or a number")
    if samples == "single" and batch is not None:
        raise InputError("a single sample has no batch size; remove it or set samples to "
                         "'columns' or 'rows'", key=table.path("batch"))
    if samples != "single":
        if batch is None:
            raise InputError(f"missing; samples = '{samples}' needs the batch size "
                             "(a size name such as 'M')", key=table.path("batch"))
        batch = size_of(batch, table.path("batch"))
    weights = table.choice("weights", ("out_in", "in_out"), "out_in")
    layers_from = table.get("layers_from", int, 0, expected="0 or 1")
    if layers_from not in (0, 1):
        raise InputError(f"{layers_from}: expected 0 (the input is layer 0) or 1 (the input "
                         "is layer 1, as in a^1 = x)", key=table.path("layers_from"))
    raw_layers = table.get("layers", list, expected="an array of layer tables")
    if not raw_layers:
        raise InputError("expected at least one layer", key=table.path("layers"))
    layers = tuple(_layer(_Table(layer, f"{table.path('layers')}[{number}]"), size_of)
                   for number, layer in enumerate(raw_layers, start=1))
    for number, layer in enumerate(layers, start=1):
        units = layer.units if isinstance(layer.units, int) else sizes[layer.units]
        if layer.activation.per_sample is not None and units < 2:
            raise InputError(f"{layer.activation.name} over a single unit is the constant 1; "
                             "give the layer at least 2 units",
                             key=f"{table.path('layers')}[{number}].units")
    loss = _loss(_Table(table.get("loss", dict), table.path("loss")), layers[-1])
    l2 = table.get("regularization", dict, None)
    l2 = None if l2 is None else _l2(_Table(l2, table.path("regularization")))
    table.finish()
    return NetworkSpec(samples, sizes, inputs, layers, loss, batch, weights, l2, layers_from,
                       aliases)


def _sizes(raw: dict, key: str) -> tuple[dict[str, int], dict[str, str]]:
    """The sizes, and the names given as another size's name (`n = "m"`: the prose says
    they are equal, so they stay equal wherever symnet checks)."""
    aliases = {name: value for name, value in raw.items() if isinstance(value, str)}
    for name, value in raw.items():
        if not name.isidentifier():
            raise InputError("expected a name of letters, digits and '_'", key=f"{key}.{name}")
        if name in aliases:
            if value not in raw or isinstance(raw[value], str):
                raise InputError(f"{value!r} is not a size given as a number; expected a "
                                 "positive integer or the name of one", key=f"{key}.{name}")
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise InputError(f"expected a positive integer, found {value!r}", key=f"{key}.{name}")
    sizes = {name: raw[aliases.get(name, name)] for name in raw}
    return sizes, aliases


def _size_reader(sizes: dict[str, int]) -> Callable[[Any, str], SizeRef]:
    def size_of(value: str | int, key: str) -> SizeRef:
        if isinstance(value, int):
            if value < 1:
                raise InputError(f"expected a positive integer, found {value}", key=key)
            return value
        if value not in sizes:
            known = ", ".join(sizes) or "none declared"
            raise InputError(f"unknown size {value!r}; declare it in network.sizes "
                             f"(known: {known})", key=key)
        return value
    return size_of


def _layer(table: _Table, size_of: Callable[[Any, str], SizeRef]) -> LayerSpec:
    units = size_of(table.get("units", (str, int), expected="a size name or a number"),
                    table.path("units"))
    activation = _registry_row(table, "activation", ACTIVATIONS, generic_activation, "g")
    bias = table.get("bias", (bool, str), True, expected="true, false or 'shared'")
    if isinstance(bias, str) and bias != "shared":
        raise InputError(f"unknown value {bias!r}; expected true, false or 'shared' (one bias "
                         "for all the layer's units)", key=table.path("bias"))
    repeat = size_of(table.get("repeat", (str, int), 1, expected="a size name or a number"),
                     table.path("repeat"))
    weights = table.choice("weights", ("out_in", "in_out"), None) if "weights" in table.data \
        else None
    table.finish()
    return LayerSpec(units, activation, bias, repeat, weights)


def _loss(table: _Table, output: LayerSpec) -> LossSpec:
    loss = _registry_row(table, "kind", LOSSES, generic_loss, "Loss")
    kind = loss.name
    scale = _rational(table.get("scale", (str, int, float), loss.default_scale,
                                expected="a number such as 1 or '1/2'"), table.path("scale"))
    reduction = table.choice("reduction", ("mean", "sum"), "mean")
    outputs = table.choice("outputs", ("sum", "mean"), "sum")
    table.finish()
    activation = output.activation
    if loss.needs_probabilities and not (activation.probabilities or activation.generic):
        raise InputError(f"{kind} takes the log of the output, which needs an output activation "
                         f"with values in (0, 1) such as sigmoid or softmax, not "
                         f"{activation.name}", key=table.path("kind"))
    return LossSpec(loss, scale, reduction, outputs)


def _l2(table: _Table) -> L2Spec:
    raw = table.get("l2", (str, int, float), expected="a coefficient name such as 'lambda' "
                    "or a number")
    coefficient = (sp.Symbol(raw, positive=True) if isinstance(raw, str) and raw.isidentifier()
                   else _rational(raw, table.path("l2")))
    scale = _rational(table.get("scale", (str, int, float), sp.Rational(1, 2),
                                expected="a number such as 1 or '1/2'"), table.path("scale"))
    reduction = table.choice("reduction", ("sum", "mean"), "sum")
    table.finish()
    return L2Spec(coefficient, scale, reduction)


def _registry_row(table: _Table, key: str, rows: dict, generic, default_function: str):
    """A registry row by name, or a generic one named by the table's `function` key."""
    noun = "loss" if key == "kind" else key
    name = table.get(key, str, expected=f"a {noun} name")
    if name == "generic":
        return generic(_function_name(table, default_function))
    if name not in rows:
        raise InputError(f"unknown {noun} {name!r}; expected {_one_of(tuple(rows) + ('generic',))}",
                         key=table.path(key))
    return rows[name]


# `\ell`, and a letter in a calligraphic or blackboard face as documents name losses
_COMMAND_NAME = re.compile(r"\\[A-Za-z]+|\\math(?:cal|bb)\{[A-Za-z]\}")


def _function_name(table: _Table, default: str) -> str:
    name = table.get("function", str, default, expected="a function name such as 'g'")
    if not (name.isidentifier() or _COMMAND_NAME.fullmatch(name)):
        raise InputError(f"expected a name such as 'g', '\\ell' or '\\mathcal{{L}}', "
                         f"found {name!r}",
                         key=table.path("function"))
    return name


def _rational(value: str | int | float, key: str) -> sp.Rational:
    """A number written as 2, 0.5 or '1/2' (read with `Fraction`, never evaluated)."""
    try:
        return sp.Rational(Fraction(str(value).strip()))
    except (ValueError, ZeroDivisionError):
        raise InputError(f"expected a number such as 1, 0.5 or '1/2', found {value!r}",
                         key=key) from None


def _notation(raw: Any) -> dict[str, str]:
    table = _Table(raw, "notation")
    for symbol, meaning in raw.items():
        table.get(symbol, str, expected="a network quantity such as 'weight[l]'")
    build_notation(raw)   # every meaning must be one symnet knows
    return dict(raw)


VERDICTS = ("holds", "approximation", "wrong", "unchecked")


def _macros(raw: dict) -> dict[str, Macro]:
    """The document's LaTeX macros: a claim is read with them expanded (the file keeps it
    verbatim)."""
    table = _Table(raw, "macros")
    for name in raw:
        table.get(name, str, expected=r"the macro's body, such as '\frac{\partial #1}{#2}'")
    return {name: macro(name, body, key=table.path(name)) for name, body in raw.items()}


# a claim's `given`: the condition on two index letters its prose states (`i = k`)
_CONDITION = re.compile(r"\s*[A-Za-z]\s*(?:=|\\neq?)\s*[A-Za-z]\s*")


def _claims(raw: list, macros: dict[str, Macro]) -> tuple[ClaimSpec, ...]:
    claims, seen = [], set()
    for number, item in enumerate(raw, start=1):
        table = _Table(item, f"claim[{number}]")
        claim_id = table.get("id", str, expected="a claim id such as 'eq16'")
        latex = table.get("latex", str, expected="the formula's LaTeX, verbatim")
        expect = table.get("expect", str, None, expected="a verdict such as 'holds'")
        if expect is not None and expect not in VERDICTS:
            raise InputError(f"{expect!r}: expected one of {', '.join(VERDICTS)}",
                             key=table.path("expect"))
        diagnosis = table.get("expect_diagnosis", str, None,
                              expected="a diagnosis such as 'sign'")
        evidence = table.get("evidence", str, None, expected="where the expectation comes from")
        line = table.get("line", int, None, expected="the line of the source document")
        given = table.get("given", str, None, expected="a condition on two index letters such "
                          "as 'i = k' or 'i \\neq k'")
        if given is not None and not _CONDITION.fullmatch(given):
            raise InputError(f"{given!r}: expected a condition on two index letters such as "
                             "'i = k' or 'i \\neq k'", key=table.path("given"))
        table.finish()
        if claim_id in seen:
            raise InputError(f"duplicate claim id {claim_id!r}", key=table.path("id"))
        seen.add(claim_id)
        try:
            latex = expand(latex, macros)
        except InputError as error:
            raise error.located(key=table.path("latex")) from None
        claims.append(ClaimSpec(claim_id, latex, expect, diagnosis, evidence, line, given))
    return tuple(claims)


def _tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _names(types: type | tuple[type, ...]) -> str:
    words = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             dict: "a table", list: "an array"}
    return " or ".join(words.get(t, t.__name__) for t in _tuple(types))


def _kind(value: Any) -> str:
    return f"{_names(type(value))} ({value!r})" if not isinstance(value, (dict, list)) \
        else _names(type(value))


def _one_of(choices: tuple[str, ...]) -> str:
    return "one of " + ", ".join(repr(choice) for choice in choices)
