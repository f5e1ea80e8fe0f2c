"""A parameter's new value written with a mark of its own (`w_5^+`, `W^{new}`, `W_{\\text{new}}`,
`W^{(2)+}`, `\\theta_{t+1}`; in bold, `\\pmb{v}`, beside a plain `v` less a rate's step) set
equal to an expression of its old value (`W_{old}`, `\\theta_t`, or the name unmarked): an
update, respelled `W \\gets W - ...` before parsing, with every other character kept in its
column.

The marks are rows: a word or sign that marks the new value, and the word that marks the old.
A step count (`t+1` against `t`) marks an update only when the right side starts from the old
value (`\\theta_{t+1} = \\theta_t - \\ldots`); a recurrence such as `h_{t+1} = f(W h_t)` is not
an update and is left as written.
"""

from __future__ import annotations

import re

# (the mark of the new value, the mark of the old one) as a script's content
WORD_MARKS = [("new", "old"), ("next", "current"), ("updated", "old"), (r"\+", None)]
STEP_MARKS = [("t", r"t\s*\+\s*1"), (r"\\tau", r"\\tau\s*\+\s*1"), ("k", r"k\s*\+\s*1")]

_WORD = r"(?:\\(?:text|mathrm|textrm|mbox|operatorname)\s*\{{\s*)?{word}(?:\s*\}})?"
# a new value in bold beside the old one plain (`\\pmb{v_{jk}} = v_{jk} - ...`)
_STYLED_NEW = re.compile(r"\s*\\(?:pmb|boldsymbol|bm|mathbf)\s*\{\s*(?P<name>[^{}]*(?:\{[^{}]*\})?"
                         r"[^{}]*?)\s*\}\s*$")
_RELATION = re.compile(r"(?<![<>!:\\])(?::=|=)(?!=)")
_NAME = r"(?:\\(?:mathbf|boldsymbol|bm)\s*\{\s*)?(?:\\[A-Za-z]+|[A-Za-z])(?:\s*\})?"


def _script(content: str) -> str:
    """A sub- or superscript holding `content` alone: `^+`, `_{new}`, `^{(new)}`, `_\\text{new}`."""
    return (rf"[_^]\s*(?:\{{\s*\(?\s*{content}\s*\)?\s*\}}|\(\s*{content}\s*\)|{content})"
            r"(?![A-Za-z0-9])")


def _in_layer_script(content: str) -> str:
    """A mark after the layer inside one superscript: `^{(2)+}`, `^{(2),new}`, `^{[l] new}`."""
    return rf"(?P<keep>\^\s*\{{\s*[(\[][^{{}}]*?[)\]])\s*,?\s*{content}\s*\}}"


def respell_new_values(text: str) -> str:
    """`text` with a marked new value's update respelled as `\\gets` (see the module)."""
    relation = _RELATION.search(text)
    if relation is None or "\\gets" in text or "\\leftarrow" in text:
        return text
    lhs, rhs = text[:relation.start()], text[relation.end():]
    for new, old in WORD_MARKS:
        word = _WORD.format(word=new)
        marked = _marked(lhs, word)
        if marked is not None:
            if old is not None:
                rhs = _blank(rhs, _script(_WORD.format(word=old)))
            return _with_arrow(marked, text[relation.start():relation.end()], rhs)
    styled = _STYLED_NEW.match(lhs)   # (`\\pmb{v_{jk}} = v_{jk} - \\gamma ...`: bold is new)
    if styled and re.match(rf"\s*{re.escape(styled.group('name').strip())}\s*[-+]\s*"
                           r"\\[a-z]+", rhs):   # (a step by a rate: `- \gamma \delta_j x_i`)
        blank = " " * styled.start("name") + styled.group("name") + \
            " " * (len(lhs) - styled.end("name"))
        return _with_arrow(blank, text[relation.start():relation.end()], rhs)
    for old, new in STEP_MARKS:
        marked = _marked(lhs, new)
        if marked is None:
            continue
        stripped = _blank(rhs, _script(old))
        if stripped != rhs and re.match(rf"\s*{re.escape(marked.strip())}\s*[-+]", stripped):
            return _with_arrow(marked, text[relation.start():relation.end()], stripped)
    return text


def _marked(lhs: str, mark: str) -> str | None:
    """The left side without its new-value mark, if it is one name carrying that mark."""
    if not re.match(rf"\s*{_NAME}", lhs):
        return None
    for pattern in (_script(mark), _in_layer_script(mark)):
        found = list(re.finditer(pattern, lhs))
        if len(found) == 1:
            match = found[0]
            keep = match.groupdict().get("keep")
            blank = (keep + "}").ljust(len(match.group())) if keep else " " * len(match.group())
            return lhs[:match.start()] + blank + lhs[match.end():]
    return None


def _blank(text: str, pattern: str) -> str:
    return re.sub(pattern, lambda match: " " * len(match.group()), text)


def _with_arrow(lhs: str, relation: str, rhs: str) -> str:
    """`lhs \\gets rhs` in the columns the mark and the relation took (`<-`, pseudo-code's
    arrow, where `\\gets` does not fit): the notation's rows are matched as written, by
    column."""
    room = len(lhs) - len(lhs.rstrip()) + len(relation)
    arrow = r" \gets " if room >= 7 else " <- " if room >= 4 else "<- "
    return lhs.rstrip() + arrow.ljust(room) + rhs
