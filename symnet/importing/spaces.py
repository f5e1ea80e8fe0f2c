"""The sizes a document names in its spaces: `\\mathbf{x} \\in \\mathbb{R}^{d}`, `W^{(1)} \\in
\\mathbb{R}^{h \\times d}`. The network keeps the document's names for its widths, so the
formulas that write them (`\\frac{\\partial L}{\\partial W^{(1)}} \\in \\mathbb{R}^{h \\times d}`,
`\\sum_{j=1}^{h}`) are read, and checked."""

from __future__ import annotations

import re

from lark import Tree

from ..conventions import SYMBOLS
from ..grammar import links, source_of
from .chain import LAYERED_KINDS
from .written import base_of, layer_mark, unbraced

# `R`, `\mathbb{R}`, `\mathbf{R}`: the reals, raised to the space's shape
_REALS = re.compile(r"^\s*(?:\\math(?:bb|bf|rm)\s*\{\s*R\s*\}|R)\s*$")
_SIZE = re.compile(r"^\s*([A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?)\s*$")
_BY_KIND = {"weight": "weight", "bias": "vector", "preactivation": "vector",
            "activation": "vector"}


def read_spaces(tree, equation: str) -> list[tuple[str, Tree, list[str]]]:
    """(the node as written, its tree, the sizes written) of each `node \\in R^{...}` of an
    equation whose left side is one node, or a derivative by one (`\\frac{\\partial
    L}{\\partial \\mathbf{o}} \\in \\mathbb{R}^q` has the shape of o)."""
    found = []
    for link in links(tree):
        if link.relation != r"\in":
            continue
        node, dims = _by(unbraced(link.lhs)), _dims(link.rhs, equation)
        if node is not None and dims:
            found.append((" ".join(source_of(node, equation).split()), node, dims))
    return found


def _by(tree):
    """The node of `\\frac{\\partial L}{\\partial N}`, or the tree itself."""
    if isinstance(tree, Tree) and tree.data == "frac":
        bottom = unbraced(tree.children[2])
        if isinstance(bottom, Tree) and bottom.data == "juxtaposition" and \
                isinstance(bottom.children[0], Tree) and bottom.children[0].data == "partial":
            return unbraced(bottom.children[-1])
        return None
    return tree


def _node(written: str, tree, rows: dict) -> tuple[str, int | None] | None:
    """What a node is (`"weight"`, `"vector"` of a layer, `"input"`, `"output"`) and its layer
    number: by the document's own row for it, else by the conventions' letters."""
    meaning = re.fullmatch(r"(input|output|weight|bias|preactivation|activation)"
                           r"(?:\[([0-9]+|last)\])?", rows.get(written, ""))
    if meaning:
        kind, layer = meaning.groups()
        if kind in ("input", "output") or layer == "last":
            return ("input", 0) if kind == "input" else ("output", None)
        return _BY_KIND[kind], int(layer) if layer else None
    base = base_of(tree)
    if base is None:
        return None
    if SYMBOLS.get(base) == "input" or base in ("x", "X"):
        return "input", 0
    if SYMBOLS.get(base) == "output":
        return "output", None
    kind = _BY_KIND.get(LAYERED_KINDS.get(base, ""))
    number = _layer_number(tree)
    return (kind, number) if kind and number is not None else None


def _layer_number(tree) -> int | None:
    """`W^{(2)}`, `\\mathbf{b}^{[1]}`, `W_2`: the layer's number, as written."""
    mark = layer_mark(tree)
    if mark is not None and mark[0] is None:
        return mark[1]
    if isinstance(tree, Tree) and tree.data == "scripted":
        subs = [script for script in tree.children[1].children if script.data == "sub"]
        text = "".join(str(token) for sub in subs
                       for token in sub.scan_values(lambda value: True))
        return int(text) if text.isdigit() and len(subs) == 1 else None
    return None


def _dims(rhs, equation: str) -> list[str]:
    """`h \\times d` of `\\mathbb{R}^{h \\times d}` (`\\mathbb{R}^{h}`: one); [] for anything
    else, a number among them too (`\\mathbb{R}^{3}` names no size)."""
    rhs = unbraced(rhs)
    if not (isinstance(rhs, Tree) and rhs.data == "scripted"):
        return []
    scripts = rhs.children[1].children
    if len(scripts) != 1 or scripts[0].data != "sup" or \
            not _REALS.match(source_of(rhs.children[0], equation)):
        return []
    text = source_of(scripts[0], equation).strip()[1:].strip()
    text = text[1:-1] if text.startswith("{") and text.endswith("}") else text
    dims = [_SIZE.match(part) for part in re.split(r"\\times|,", text)]
    return [dim.group(1).replace("{", "").replace("}", "") for dim in dims] \
        if dims and all(dims) and len(dims) <= 2 else []


def named_sizes(network: dict, spaces: list[tuple[str, Tree, list[str]]],
                rows: dict[str, str]) -> dict:
    """The network with the sizes the document names in its spaces (`d`, `h`, `k` for
    `n_0`, `n_1`, `n_out`; a weight's as the network lays it out, which its forward pass
    confirmed), where the names say one width per layer; else as it was."""
    depth = len(network["layers"])
    names: dict[int, str] = {}
    batch = network.get("batch")
    spaces = [(*node, dims) for written, tree, dims in spaces
              if (node := _node(written, tree, rows)) is not None]
    for kind, number, dims in spaces:
        layer = depth if kind == "output" else number
        # (`X \in \mathbb{R}^{m \times d}`: the batch's size beside the layer's)
        dims = [dim for dim in dims if dim != batch] if len(dims) == 2 else dims
        if kind in ("input", "vector", "output") and len(dims) == 1 and layer is not None:
            names.setdefault(layer, dims[0])
    for kind, number, dims in spaces:   # a weight's sizes, laid out as the network's
        if kind == "weight" and len(dims) == 2 and 1 <= number <= depth:
            layout = network["layers"][number - 1].get("weights",
                                                       network.get("weights", "out_in"))
            out, into = dims if layout == "out_in" else dims[::-1]
            names.setdefault(number, out)
            names.setdefault(number - 1, into)
    current = [network["inputs"], *(layer["units"] for layer in network["layers"])]
    renamed = {old: names[layer] for layer, old in enumerate(current)
               if layer in names and isinstance(old, str)}
    taken = set(network["sizes"]) - set(renamed)
    if not renamed or set(renamed.values()) & taken or \
            len(set(renamed.values())) != len(set(renamed)):
        return network
    sizes = {renamed.get(name, name): value for name, value in network["sizes"].items()}
    return {**network, "sizes": sizes, "inputs": renamed.get(network["inputs"],
                                                             network["inputs"]),
            "layers": [{**layer, "units": renamed.get(layer["units"], layer["units"])}
                       for layer in network["layers"]]}

