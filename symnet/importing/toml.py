"""The derivation file `symnet import` writes: TOML text, a question above every guess.

Written by hand rather than by a TOML library because the file is meant to be read and edited:
one claim per table, LaTeX in literal strings (no escaping), the questions as comments where the
answer goes.
"""

from __future__ import annotations

from fractions import Fraction


def toml_string(text: str) -> str:
    """A TOML string that holds `text` exactly: a literal string where one can."""
    if "'" not in text and "\n" not in text:
        return f"'{text}'"
    if "'''" not in text and not text.endswith("'"):
        return f"'''{text}'''" if not text.startswith("\n") else f"'''\n{text}'''"
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, Fraction):
        return f'"{value.numerator}/{value.denominator}"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_value(item)}" for key, item in value.items()) + " }"
    return toml_string(str(value)) if "\\" in str(value) else f'"{value}"'


def derivation_text(imported) -> str:
    network = imported.inference.network
    lines = [f"# Imported by `symnet import` from {imported.path.name}: the formulas verbatim,",
             "# the network read from the document's forward pass. Check it with",
             f"#   symnet check {imported.path.name}",
             "# (which reads the formulas from the document again and this file's network).", ""]
    lines.append("[document]")
    lines += [f"{key} = {toml_string(value)}"
              for key, value in imported.header(imported.path.name).items()]
    if imported.summation == "einstein":
        lines[-1] += "   # the document sums over an index repeated in a product"
    lines.append("")
    for question in imported.inference.questions:
        lines.append(f"# symnet could not tell: {question}")
    lines.append("[network]")
    for key in ("samples", "sizes", "inputs", "batch", "weights", "layers_from"):
        if network.get(key, {}) != {}:   # (one unit per layer names no size)
            lines.append(f"{key} = {_value(network[key])}")
    lines.append("layers = [")
    lines += [f"  {_value(layer)}," for layer in network["layers"]]
    lines.append("]")
    lines.append(f"loss = {_value(network['loss'])}")
    if "regularization" in network:
        lines.append(f"regularization = {_value(network['regularization'])}")
    if imported.inference.notation:
        lines += ["", "# the document's own symbols (the conventions cover the others)",
                  "[notation]"]
        lines += [f"{toml_string(symbol)} = {_value(meaning)}"
                  for symbol, meaning in imported.inference.notation.items()]
    if imported.macros:
        lines += ["", "# the document's own macros: claims are read with them expanded",
                  "[macros]"]
        lines += [f"{toml_string(name)} = {toml_string(body)}"
                  for name, body in imported.macros.items()]
    for formula, claim_id in zip(imported.formulas, imported.ids):
        lines += ["", "[[claim]]", f"id = {toml_string(claim_id)}",
                  f"latex = {toml_string(formula.latex)}", f"line = {formula.line}"]
        if formula.given:   # (the prose states it for this case only: "if $i = k$,")
            lines.append(f"given = {toml_string(formula.given)}")
    return "\n".join(lines) + "\n"
