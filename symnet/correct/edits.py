"""Small edits of a written formula: the candidates for its correction.

Each generator reads the syntax tree of one link of a claim and proposes edits of the LaTeX as
written (flip the sign, put the factor right, add or remove a transpose, change an index letter
or a layer mark, add a prime, write a product as a Hadamard product), so that a correction keeps
the document's symbols, layout and spacing everywhere but where the error is. Generators only
propose: every edit is checked by symnet before it is shown (`symnet.correct`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import sympy as sp
from lark import Token, Tree
from lark.tree import Meta

from ..conventions import LAYER_NAMES
from ..grammar import Relation, blank_layout, source_of
from ..resolve.trees import is_coefficient


@dataclass(frozen=True)
class Edit:
    """Replacements `(start, end, text)` in the claim's LaTeX, and what they change."""

    what: str
    changes: tuple[tuple[int, int, str], ...]
    # what the error is when this edit alone puts the claim right (diagnosis, message)
    finding: tuple[str, str] | None = None

    def apply(self, latex: str) -> str:
        for start, end, text in sorted(self.changes, reverse=True):
            latex = latex[:start] + text + latex[end:]
        return latex


@dataclass(frozen=True)
class Style:
    """How the document writes what an edit may add: its transpose mark, its Hadamard
    product, and how it glues a transpose to a superscript (`W^{(2)T}` or `(W^{(2)})^T`)."""

    transpose: str = "T"
    hadamard: str = r"\odot"
    transpose_inside: bool = True

    @classmethod
    def of(cls, claims: Iterable[str]) -> "Style":
        text = " ".join(claims)
        marks = {mark: len(re.findall(pattern, text)) for mark, pattern in (
            ("T", r"\^\{?T\b|[)\]]T\}"), (r"\top", r"\\top\b"), (r"\intercal", r"\\intercal"))}
        products = {symbol: text.count(symbol) for symbol in (r"\odot", r"\circ", r"\bullet")}
        inside = len(re.findall(r"[)\]](?:T|\\top)\}", text)) >= len(
            re.findall(r"\)\^\{?(?:T|\\top)", text))
        return cls(max(marks, key=lambda mark: (marks[mark], mark == "T")),
                   max(products, key=lambda symbol: (products[symbol], symbol == r"\odot"))
                   if any(products.values()) else r"\odot", inside)


@dataclass(frozen=True)
class Site:
    """One wrong link of a claim, as the generators see it."""

    link: Relation
    latex: str
    style: Style
    scale: sp.Expr | None = None     # right side / exact, for a wrong factor
    sizes: tuple[str, ...] = ()      # the document's size names (they may appear in factors)
    column: int | None = None        # where symnet located the error, if it did
    layered: frozenset = frozenset()  # the symbols the notation gives a layer (W, z, ...)

    def text(self, node) -> str:
        return source_of(node, self.latex)

    def read(self, node) -> str:
        """The node as the grammar read it, without spaces (`W^{(2)}` of `W^{(2)+} = ...`,
        the new value's mark respelled), to compare two written quantities."""
        return _plain(source_of(node, blank_layout(self.latex)))


# -- the parts of a syntax tree the edits act on ---------------------------------------------
def span(node, latex: str | None = None) -> tuple[int, int]:
    """Where a node was written; with `latex`, a `\\left` (blanked for the parser) before it
    belongs to it."""
    if isinstance(node, Token):
        return node.start_pos, node.end_pos
    start, end = node.meta.start_pos, node.meta.end_pos
    if latex is not None:
        sized = re.search(r"\\(?:left|bigl|Bigl|biggl|Biggl|big|Big)\s*$", latex[:start])
        start = sized.start() if sized else start
    return start, end


def _is_product(node) -> bool:
    return isinstance(node, Tree) and (node.data == "juxtaposition" or (
        node.data == "binary" and getattr(node.children[1], "type", "") == "MULOP"))


def factors(node) -> list:
    """The operands of a product, left to right (nested products flattened); `\\frac{1}{m}
    (a - y)`, which the grammar reads as a call, is a coefficient times a group."""
    if isinstance(node, Tree) and node.data == "call" and is_coefficient(node.children[0]):
        callee, *arguments = node.children
        meta = Meta()
        meta.start_pos, meta.end_pos, meta.empty = callee.meta.end_pos, node.meta.end_pos, False
        return [callee, Tree("group", arguments, meta)]
    if not _is_product(node):
        return [node]
    operands = [node.children[0], node.children[-1]]
    return [factor for operand in operands for factor in factors(operand)]


def _terms(node) -> list[tuple[Token | None, Tree]]:
    """The terms of a sum with the sign written before each (None for the first)."""
    if isinstance(node, Tree) and node.data == "binary" and \
            getattr(node.children[1], "type", "") == "ADDOP":
        return _terms(node.children[0]) + [(node.children[1], node.children[2])]
    if isinstance(node, Tree) and node.data == "unary":
        return [(node.children[0], node.children[1])]
    return [(None, node)]


def _subtrees(node) -> Iterator[Tree]:
    if isinstance(node, Tree):
        yield from node.iter_subtrees_topdown()


def _values(node) -> Iterator[Tree]:
    """The subtrees of `node` outside its scripts (a letter in a layer mark, `(h)`, is no
    symbol of its own)."""
    if isinstance(node, Tree):
        yield node
        for child in node.children:
            if not (isinstance(child, Tree) and child.data == "scripts"):
                yield from _values(child)


MATRIX_LIKE = {"name", "scripted", "command", "group", "accent", "styled", "frac", "primed",
               "word"}


def _is_transposed(node) -> Token | None:
    """The transpose mark of `W^T`, `W^{(2)T}`, `(A)^\\top`, if the node carries one."""
    if not (isinstance(node, Tree) and node.data == "scripted"):
        return None
    for script in node.children[1].children:
        if script.data != "sup":
            continue
        for token in script.scan_values(lambda v: isinstance(v, Token)):
            if str(token) in ("T", r"\top", r"\intercal"):
                return token
    return None


def _with_transpose_toggled(node, site: Site) -> tuple[str, str] | None:
    """The node's text with its transpose removed or added, and what that does."""
    start, end = span(node, site.latex)
    text = site.latex[start:end]
    mark = _is_transposed(node)
    if mark is not None:
        sup = next(s for s in node.children[1].children if s.data == "sup")
        sup_start, sup_end = span(sup)
        if site.text(sup).replace(" ", "") in (f"^{mark}", f"^{{{mark}}}"):
            cut = (sup_start - start, sup_end - start)
        else:
            cut = (mark.start_pos - start, mark.end_pos - start)
        return text[:cut[0]] + text[cut[1]:], f"transpose removed from ${text}$"
    if not (isinstance(node, Tree) and node.data in MATRIX_LIKE):
        return None
    mark = site.style.transpose
    sups = [s for s in node.children[1].children if s.data == "sup"] \
        if node.data == "scripted" else []
    if sups:
        braced = site.text(sups[0]).rstrip().endswith("}")
        if braced and site.style.transpose_inside:
            end = span(sups[0])[1] - start
            close = text.rindex("}", 0, end + 1)
            glue = " " if mark.startswith("\\") else ""
            return text[:close] + glue + mark + text[close:], f"transpose added to ${text}$"
        return rf"\left({text}\right)^{_script(mark)}", f"transpose added to ${text}$"
    return text + f"^{_script(mark)}", f"transpose added to ${text}$"


def _script(mark: str) -> str:
    return mark if len(mark) == 1 else "{" + mark + "}"


# -- the generators ----------------------------------------------------------------------------
def negated(site: Site) -> Iterator[Edit]:
    """The right side with the opposite sign, term by term (`a - b` -> `-a + b`); in an update
    (`W \\leftarrow W + \\eta ...`), the step's sign."""
    terms = _terms(site.link.rhs)
    old = site.read(site.link.lhs)
    kept = terms[1:] if len(terms) > 1 and site.read(terms[0][1]) == old else terms
    changes = []
    for sign, term in kept:
        if sign is None:
            changes.append((span(term)[0], span(term)[0], "-"))
        elif str(sign) == "-" and (sign, term) == terms[0]:
            changes.append((sign.start_pos, sign.end_pos, ""))
        else:
            changes.append((sign.start_pos, sign.end_pos, "+" if str(sign) == "-" else "-"))
    what = "the sign of the step" if kept is not terms else "the sign of the right side"
    yield Edit(what, tuple(changes))


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def rescaled(site: Site) -> Iterator[Edit]:
    """The right side divided by the wrong factor: a leading coefficient put right
    (`\\frac{1}{2}` -> `\\frac{1}{2 M}`) or, without one, the missing factor written first."""
    if site.scale is None or site.scale == 0:
        return
    rhs = site.link.rhs
    terms = _terms(rhs)
    if len(terms) == 1 and terms[0][0] is None:
        first = factors(rhs)[0]
        value = _coefficient(first, site)
        if value is not None and len(factors(rhs)) > 1:
            new = sp.nsimplify(value / site.scale)
            start, end = span(first)
            following = span(factors(rhs)[1])[0]
            following += len(site.latex[following:]) - len(site.latex[following:].lstrip())
            if new == 1:
                yield Edit(f"${site.text(first)}$ removed", ((start, following, ""),))
            else:
                yield Edit(f"${site.text(first)}$ -> ${_coefficient_latex(new)}$",
                           ((start, end, _coefficient_latex(new)),))
    start, end = span(rhs, site.latex)
    inner = site.latex[start:end]
    wrapped = rf"\left({inner}\right)" if len(terms) > 1 or terms[0][0] is not None else inner
    factor = _coefficient_latex(1 / site.scale)
    yield Edit(f"${factor}$ written first", ((start, end, f"{factor} {wrapped}"),))


def _coefficient(node, site: Site) -> sp.Expr | None:
    """A constant factor as written (`2`, `\\frac{1}{2M}`, `\\frac12`, `M`), or None."""
    if isinstance(node, Tree) and node.data == "number":
        return sp.Rational(str(node.children[0]))
    if isinstance(node, Tree) and node.data == "name" and str(node.children[0]) in site.sizes:
        return sp.Symbol(str(node.children[0]))
    if isinstance(node, Tree) and node.data == "frac":
        top, bottom = (_coefficient(part, site) for part in node.children[1:3])
        return None if top is None or bottom is None else top / bottom
    if isinstance(node, Tree) and node.data == "frac_pair":
        digits = re.sub(r"\\[dt]?frac|\s", "", str(node.children[0]))
        parts = [sp.Rational(c) if c.isdigit() else sp.Symbol(c) if c in site.sizes else None
                 for c in digits]
        return None if None in parts else parts[0] / parts[1]
    if isinstance(node, Tree) and node.data == "frac_first":
        top = re.sub(r"\\[dt]?frac|\s", "", str(node.children[0]))
        bottom = _coefficient(node.children[1], site)
        return None if bottom is None or not top.isdigit() else sp.Rational(top) / bottom
    if _is_product(node):
        parts = [_coefficient(part, site) for part in factors(node)]
        return None if None in parts else sp.Mul(*parts)
    return None


def _coefficient_latex(value: sp.Expr) -> str:
    top, bottom = sp.fraction(sp.nsimplify(value))
    if bottom == 1:
        return sp.latex(top)
    return rf"\frac{{{sp.latex(top)}}}{{{sp.latex(bottom)}}}"


def transposes(site: Site) -> Iterator[Edit]:
    """One operand of a product on the right side with its transpose added or removed."""
    for node in _subtrees(site.link.rhs):
        if not _is_product(node):
            continue
        for operand in (node.children[0], node.children[-1]):
            if _is_product(operand):
                continue
            toggled = _with_transpose_toggled(operand, site)
            if toggled:
                start, end = span(operand, site.latex)
                yield Edit(toggled[1], ((start, end, toggled[0]),))


def reversed_product(site: Site) -> Iterator[Edit]:
    """`A^T B` -> `B^T A`: the right side's product transposed factor by factor."""
    rhs = site.link.rhs
    written = factors(rhs)
    if len(written) < 2:
        return
    constant = [f for f in written if _coefficient(f, site) is not None]
    matrices = [f for f in written if _coefficient(f, site) is None]
    if len(matrices) < 2 or written[:len(constant)] != constant:
        return
    toggled = [_with_transpose_toggled(f, site) for f in reversed(matrices)]
    if None in toggled:
        return
    start, end = span(matrices[0], site.latex)[0], span(rhs)[1]
    yield Edit("the product transposed", ((start, end, " ".join(t[0] for t in toggled)),))


def swapped_factors(site: Site) -> Iterator[Edit]:
    """`\\delta X^T` -> `X^T \\delta`: the two matrices of the right side's product in the
    other order, as written (a product written in the order of the other layout)."""
    rhs = site.link.rhs
    written = factors(rhs)
    constant = [f for f in written if _coefficient(f, site) is not None]
    matrices = [f for f in written if _coefficient(f, site) is None]
    if len(matrices) != 2 or written[:len(constant)] != constant:
        return
    (start, middle), (after, end) = span(matrices[0], site.latex), span(matrices[1], site.latex)
    first, second = site.latex[start:middle], site.latex[after:end]
    yield Edit("the factors swapped", ((start, end, f"{second} {first}"),))


def transposed_whole(site: Site) -> Iterator[Edit]:
    start, end = span(site.link.rhs, site.latex)
    yield Edit("the right side transposed",
               ((start, end, rf"\left({site.latex[start:end]}\right)^"
                             f"{_script(site.style.transpose)}"),))


def index_letters(site: Site) -> Iterator[Edit]:
    """One index letter of a subscript changed to another index letter of the link; the
    letters nearest to where symnet located the error are tried first."""
    letters, sites = [], []
    for side in (site.link.lhs, site.link.rhs):
        for node in _subtrees(side):
            for script in (node.children[1].children if node.data == "scripted" else []):
                if script.data != "sub":
                    continue
                for token in script.scan_values(lambda v: isinstance(v, Token)):
                    if token.type == "LETTER":
                        sites.append(token)
                        letters.append(str(token))
            if node.data == "big_sum":
                for token in node.children[1].scan_values(lambda v: isinstance(v, Token)):
                    if token.type == "LETTER":
                        letters.append(str(token))
    letters = list(dict.fromkeys(letters))
    if site.column is not None:
        sites.sort(key=lambda token: abs(token.start_pos - site.column))
    for token in sites:
        for letter in letters:
            if letter != str(token):
                yield Edit(f"index ${token}$ -> ${letter}$ (column {token.start_pos + 1})",
                           ((token.start_pos, token.end_pos, letter),))


def layers(site: Site) -> Iterator[Edit]:
    """One layer mark (`(2)`, `[l-1]`, `^{(k+1)}`) moved by one layer."""
    marks = []
    for side in (site.link.rhs, site.link.lhs):
        for node in _subtrees(side):
            if node.data != "sup":
                continue
            for group in _subtrees(node):
                if group.data == "group" and len(group.children) == 1:
                    marks.append(group.children[0])
    if site.column is not None:
        marks.sort(key=lambda mark: abs(span(mark)[0] - site.column))
    # `(h)`, `(out)`, `(in)`: a layer by its name moves to another name the link writes
    names = list(dict.fromkeys(text for text in (_plain(site.text(mark)) for mark in marks)
                               if text in LAYER_NAMES))
    for mark in marks:
        text = _plain(site.text(mark))
        for name in names if text in LAYER_NAMES else ():
            if name != text:
                start, end = span(mark)
                yield Edit(f"layer $({text})$ -> $({name})$", ((start, end, name),))
        number = re.fullmatch(r"([A-Za-z]?)([+-]?[0-9]*)", text)
        if not number or not text:
            continue
        letter, offset = number.group(1), number.group(2)
        value = int(offset) if offset not in ("", "+", "-") else 0
        for shift in (1, -1):
            new = value + shift
            if letter:
                written = letter + (f"{new:+d}" if new else "")
            elif new < 0:
                continue
            else:
                written = str(new)
            start, end = span(mark)
            yield Edit(f"layer $({text})$ -> $({written})$", ((start, end, written),))


def missing_layers(site: Site) -> Iterator[Edit]:
    """A layer mark written elsewhere in the link given to a layered symbol written without
    one (`W_{ij}` -> `W_{ij}^{(k+1)}`)."""
    marks = []
    for side in (site.link.lhs, site.link.rhs):
        for node in _subtrees(side):
            if node.data == "sup" and any(group.data == "group" for group in _subtrees(node)):
                marks.append(_plain(site.text(node)))
    marks = list(dict.fromkeys(marks))
    for node in _values(site.link.rhs):
        if node.data == "scripted" and any(s.data == "sup" for s in node.children[1].children):
            continue
        base = node if node.data in ("name", "command") else \
            node.children[0] if node.data == "scripted" else None
        if base is None or site.text(base).strip() not in site.layered:
            continue
        end = span(node)[1]
        for mark in marks:
            yield Edit(f"${site.text(node)}$ -> ${site.text(node)}{mark}$",
                       ((end, end, mark),))


def primes(site: Site) -> Iterator[Edit]:
    """A function applied on the right side written with its derivative's prime."""
    for node in _subtrees(site.link.rhs):
        if node.data == "call" and node.children[0].data in ("command", "name", "scripted"):
            head = node.children[0]
            _, end = span(head)
            yield Edit(f"prime added to ${site.text(head)}$", ((end, end, "'"),))


def hadamard(site: Site) -> Iterator[Edit]:
    """A product on the right side written as a Hadamard (element-wise) product."""
    symbol = site.style.hadamard
    for node in _subtrees(site.link.rhs):
        if node.data == "juxtaposition":
            right = node.children[-1]
            start = span(right)[0]
            yield Edit(f"${symbol}$ before ${site.text(right)}$",
                       ((start, start, f"{symbol} "),))
        elif _is_product(node) and str(node.children[1]) != symbol:
            token = node.children[1]
            yield Edit(f"${token}$ -> ${symbol}$", ((token.start_pos, token.end_pos, symbol),))


def swapped_sizes(site: Site) -> Iterator[Edit]:
    """`\\in \\mathbb{R}^{d \\times h}` -> `\\in \\mathbb{R}^{h \\times d}`: a space's two sizes
    exchanged."""
    if site.link.relation != r"\in":
        return
    start, end = span(site.link.rhs, site.latex)
    found = re.search(r"\{\s*([^{}\\]+?)\s*\\times\s*([^{}\\]+?)\s*\}", site.latex[start:end])
    if found:
        first, second = found.group(1), found.group(2)
        yield Edit(f"${first}$ and ${second}$ exchanged", (
            (start + found.start(1), start + found.end(1), second),
            (start + found.start(2), start + found.end(2), first)))


def term_by_term(site: Site) -> Iterator[Edit]:
    """One term of a sum on the right side (or in an update's step, `W - \\eta (dW + 2 \\lambda
    W)`) with its sign flipped or its coefficient put right: a number under a symbol dropped
    (`\\frac{\\lambda}{2}` -> `\\lambda`), a number removed, halved or doubled, or a 2 or a half
    written before it. The signs of every term first, then the coefficients."""
    terms = _summed_terms(site)
    for sign, term in terms:
        text, start = site.text(term), span(term)[0]
        flipped = (start, start, "-") if sign is None else \
            (sign.start_pos, sign.end_pos, "+" if str(sign) == "-" else "-")
        yield Edit(f"the sign of ${text}$", (flipped,),
                   ("sign", f"the term ${text}$ has the opposite sign"))
    coefficients: list[list[Edit]] = [[], [], [], []]
    for _, term in terms:
        text, start = site.text(term), span(term)[0]
        parts = factors(term)
        first = site.text(parts[0])
        halved = _over_a_number(parts[0], site)
        if halved is not None:   # `\frac{\lambda}{2} W` -> `\lambda W`
            coefficients[0].append(Edit(f"${first}$ -> ${site.text(halved)}$", (
                (start, span(parts[0])[1], site.text(halved)),)))
        value = _coefficient(parts[0], site) if len(parts) > 1 else None
        if value is None:
            coefficients[3] += [Edit(f"${_coefficient_latex(new)}$ written before ${text}$",
                                     ((start, start, _coefficient_latex(new) + " "),))
                                for new in (sp.Integer(2), sp.Rational(1, 2))]
            continue
        coefficients[1].append(Edit(f"${first}$ removed", ((start, span(parts[1])[0], ""),)))
        coefficients[2] += [Edit(f"${first}$ -> ${_coefficient_latex(new)}$",
                                 ((start, span(parts[0])[1], _coefficient_latex(new)),))
                            for new in (value / 2, value * 2) if new != 1]
    for edits in coefficients:
        yield from edits


def _over_a_number(node, site: Site):
    """The numerator of `\\frac{\\lambda}{2}`: a fraction of a symbol by a number."""
    if isinstance(node, Tree) and node.data == "frac" and \
            _coefficient(node.children[2], site) is not None and \
            _coefficient(node.children[1], site) is None:
        return node.children[1]
    return None


def _summed_terms(site: Site) -> list:
    """The terms of the right side's sum, or of the sums in its one product's parentheses
    (`\\eta (A + B)`, `(a - y) \\odot a \\odot (1 - a)`); the updated quantity itself (`W`
    of `W - \\eta ...`) is none of them."""
    terms = _terms(site.link.rhs)
    old = site.read(site.link.lhs)
    terms = [(sign, term) for sign, term in terms if site.read(term) != old]
    if len(terms) == 1:
        terms = [term for inner in _sums_in_parentheses(terms[0][1]) for term in _terms(inner)]
    return terms if len(terms) > 1 else []


def _sums_in_parentheses(node) -> list:
    """The sums in a product's parentheses, however deep they nest (`((a - y) \\odot a \\odot
    (1 - a)) x^\\top`; `\\eta \\left( ... \\right)` and `a (1 - a)` read as calls)."""
    found = []
    for factor in factors(node):
        parts = factor.children[1:] if isinstance(factor, Tree) and factor.data == "call" else \
            factor.children if isinstance(factor, Tree) and factor.data == "group" and \
            len(factor.children) == 1 else []
        for part in parts:
            found += [part] if len(_terms(part)) > 1 else _sums_in_parentheses(part)
    return found


# a name as a product writes it: `h_j`, `a^{(1)}`, `y_{k}` (a letter, its scripts)
_NAME = r"(?<![\\A-Za-z])[A-Za-z](?:\s*_\s*(?:\{[^{}]*\}|[A-Za-z0-9]))?(?:\s*\^\s*\{[^{}]*\})?"
# the derivative of a squashing function as the document writes it beside its value:
# `y (1 - y)` (the logistic's), `(1 - y^2)` (tanh's)
# (with the product sign written between them, which the added factor is written with too)
_TIMES = r"\s*(\\odot|\\circ|\\cdot|\*)?\s*"
_DERIVATIVE_FORMS = [
    (re.compile(rf"({_NAME}){_TIMES}\(\s*1\s*-\s*\1\s*\)"), "(1 - {})"),
    (re.compile(rf"(?:{_TIMES})\(\s*1\s*-\s*\(?\s*({_NAME})\s*\)?\s*\^\s*\{{?\s*2\s*\}}?\s*\)"),
     "(1 - {}^2)")]


def missing_derivative(site: Site) -> Iterator[Edit]:
    """The derivative the right side writes for one value (`y (1 - y)`) left out for another
    it multiplies (`... w_j h_j` for `... w_j h_j (1 - h_j)`): the same form written after
    each other name of the right side that lacks it."""
    start, end = span(site.link.rhs, site.latex)
    text = site.latex[start:end]
    for pattern, form in _DERIVATIVE_FORMS:
        found = list(pattern.finditer(text))
        if not found:
            continue
        written = {_plain(match.group(match.lastindex if form.endswith("^2)") else 1))
                   for match in found}
        times = next((group for match in found for group in match.groups()
                      if group in (r"\odot", r"\circ", r"\cdot", "*")), None)
        for name in re.finditer(_NAME, text):
            value = _plain(name.group())
            written_name = name.group().strip()
            if form.endswith("^2)") and "^" in written_name:   # (`(1 - (a^{(1)})^2)`)
                written_name = f"({written_name})"
            factor = form.format(written_name)
            after = text[name.end():]
            if value in written or _plain(factor) in _plain(after)[:len(_plain(factor)) + 8] \
                    or after.lstrip().startswith(("(", "_", "^", "'")):
                continue   # (it has the form already; or it is a function, or scripted on)
            added = f" {times} {factor}" if times else f" {factor}"
            yield Edit(f"${factor}$ written after ${name.group().strip()}$",
                       ((start + name.end(), start + name.end(), added),),
                       ("other", f"the right side lacks the factor ${factor}$"))


Generator = Callable[[Site], Iterator[Edit]]

# which edits may explain a diagnosis, most likely first; every edit is verified by symnet
BY_DIAGNOSIS: dict[str, tuple[Generator, ...]] = {
    "sign": (negated,),
    "factor": (rescaled,),
    "transpose": (reversed_product, transposes, transposed_whole),
    "shape": (swapped_sizes, transposes, hadamard, reversed_product, swapped_factors,
              index_letters, layers, missing_layers),
    "index": (index_letters, layers, missing_layers, transposes, hadamard),
    "other": (primes, term_by_term, missing_derivative, hadamard, layers, missing_layers,
              index_letters, negated, transposes),
    None: (primes, term_by_term, missing_derivative, hadamard, layers, missing_layers,
           index_letters, negated, transposes),
}


def candidates(site: Site, diagnosis: str | None) -> Iterator[Edit]:
    seen = set()
    for generator in BY_DIAGNOSIS.get(diagnosis, BY_DIAGNOSIS[None]):
        for edit in generator(site):
            if edit.changes not in seen:
                seen.add(edit.changes)
                yield edit
