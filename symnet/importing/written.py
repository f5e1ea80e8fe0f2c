"""How a formula writes a name, as the importer reads it: the name of a statement's side, its
layer mark and the key style of that mark, braces some editors put around names."""

from __future__ import annotations

import re

from lark import Token, Tree

from ..resolve.trees import name_of


def layer_mark(tree) -> tuple[str | None, int] | None:
    """A superscript layer mark as (variable, offset): `(2)` -> (None, 2), `{l+1}` ->
    ("l", 1); None when the name has no such mark (a transpose or prime is not one)."""
    if not (isinstance(tree, Tree) and tree.data == "scripted"):
        return None
    tokens = [str(token) for script in tree.children[1].children if script.data == "sup"
              for token in script.scan_values(lambda v: isinstance(v, Token))]
    text = "".join(token for token in tokens
                   if token not in ("T", r"\top", r"\intercal", "'", r"\prime", "(", ")"))
    found = re.fullmatch(r"(?:([A-Za-z])([+-][0-9]+)?|([0-9]+))", text)
    if not found:
        return None
    if found.group(3):
        return None, int(found.group(3))
    return found.group(1), int(found.group(2) or 0)


def row_letter(written: str) -> str:
    """`x_1` -> `x`: the name a numbered row is written with."""
    return re.split(r"[_^]", written, maxsplit=1)[0].strip()


def unbraced(tree):
    """`{{z}^{[l]}}` -> `{z}^{[l]}`; `{z}` -> `z` (braces some editors write around a name)."""
    while isinstance(tree, Tree) and tree.data == "group" and len(tree.children) == 1:
        tree = tree.children[0]
    if isinstance(tree, Tree) and tree.data == "scripted":
        return Tree("scripted", [unbraced(tree.children[0]), *tree.children[1:]], tree.meta)
    return tree


def base_of(tree) -> str | None:
    """The written name of a statement's left side: `A` of `A^{[1]}`, `\\ell` of `\\ell(y, a)`."""
    tree = unbraced(tree)
    if not isinstance(tree, Tree):
        return None
    if tree.data in ("scripted", "call"):
        return name_of(unbraced(tree.children[0])) if isinstance(
            unbraced(tree.children[0]), Tree) else None
    return name_of(tree)


def layer_style(tree) -> str:
    """A notation key's layer mark as `tree` writes its layer: `{(l)}` for `u^{(l)}` and
    `u^{[l]}`, `l` for a bare `u^l` (a key in parentheses does not read bare marks)."""
    grouped = any(node.data == "group" for script in tree.children[1].children
                  if script.data == "sup" for node in script.iter_subtrees())
    return "{(l)}" if grouped else "l"


def is_word(tree) -> bool:
    return isinstance(tree, Tree) and tree.data == "word"


def is_call(tree) -> bool:
    return isinstance(tree, Tree) and tree.data == "call"


def is_input(tree) -> bool:
    return isinstance(tree, Tree) and tree.data in ("name", "styled") and \
        name_of(tree) in ("x", "X")
