"""Every formula a document states, with the line it is on and the id the document gives it.

One reader per format, in `READERS` by file suffix; each uses the format's own parser
(markdown-it-py with mdit-py-plugins' math rules, pylatexenc, nbformat), so a `$$` inside a code
block, an escaped dollar or a `%` comment is what the format says it is. A display block is
split into its rows the way `symnet check` splits an aligned claim (`grammar.equations`): a row
that starts with `&=` continues the equation before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from ..errors import InputError
from ..grammar import HOLDS_ROWS, ROWS, STARTS_WITH_RELATION, STATES, equations


@dataclass(frozen=True)
class Formula:
    latex: str            # verbatim, as the document writes it (environment markers removed)
    line: int             # 1-based line in the file (in a notebook: in its cell)
    label: str | None     # \tag{..}, \label{..} or a Markdown label `$$ .. $$ (label)`
    numbered: bool        # LaTeX would give it an equation number
    cell: int | None = None   # the notebook cell (1-based), for .ipynb
    given: str | None = None  # the case the prose just before states it for ("if $i = k$,")


@dataclass(frozen=True)
class _Block:
    """A piece of math as the format's parser hands it over."""

    body: str
    line: int
    display: bool
    numbered: bool = False
    label: str | None = None


PROSE = _Block("", 0, False)   # words between two pieces of math (a chain does not go on)


# environments whose body is math; the starred forms are unnumbered
MATH_ENVIRONMENTS = {"equation", "align", "gather", "multline", "eqnarray", "alignat", "flalign",
                     "displaymath", "math"}
_UNNUMBERED = {"displaymath", "math"}
_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_LABEL = re.compile(r"\\label\{([^{}]*)\}")
_NO_NUMBER = re.compile(r"\\(?:nonumber|notag)(?![a-zA-Z])")
# the marks of an environment whose rows are equations (`align`, `aligned`, `split`); a matrix
# or `cases` inside a formula keeps its own
_ENVIRONMENT_MARK = re.compile(rf"\\(?:begin|end)\{{(?!{HOLDS_ROWS}\}})[A-Za-z]+\*?\}}"
                               r"(?:\{[0-9]+\})?")
# `i = 1, \ldots, N`, `l = 1, 2`, `N = 3`, `i = k` (if i = k, ...): a range, a value or a
# case given in prose, not a formula to check (in a display, a claim as any)
_SETTING = re.compile(r"^\s*[A-Za-z]\s*=\s*(?:[0-9.]+\s*$|.*\\[lc]?dots|"
                      r"[0-9A-Za-z]+(?:\s*,\s*[0-9A-Za-z]+)+\s*$|[A-Za-z]\s*$)|"
                      # `n_y = 1`, `w_1 = 0.15`, `\eta = 0.1`: a size or a value the prose gives
                      r"^\s*(?:[A-Za-z]\s*_\s*\{?\s*[A-Za-z0-9]+\s*\}?|\\[A-Za-z]+)\s*=\s*"
                      r"[0-9.]+\s*$")


# an inline case of two index letters, `$i = k$`, `$i \neq k$`, and how far before a display
# it may stand to be that display's case (in lines)
_CASE = re.compile(r"\s*[A-Za-z]\s*(?:=|\\neq?(?![A-Za-z]))\s*[A-Za-z]\s*")
CASE_LINES = 3


def formulas(path: Path) -> list[Formula]:
    """The formulas of a .md, .tex or .ipynb file, in document order."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"cannot import a {path.suffix or 'suffix-less'} file; expected one of "
                         f"{', '.join(sorted(READERS))}", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror})", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=str(path)) from None
    return reader(text, str(path))


def _split(blocks: Iterator[_Block]) -> list[Formula]:
    """Display blocks split into equations; inline math kept when it states something; a
    case of two index letters in the prose ("If $i = k$,") given to the display after it; a
    display that ends with its relation (`\\nabla E(w) =`), or states none before one that
    starts with it, with nothing but blank lines between them, one chain (a blog's long
    derivation in a display per step; a row `&= ...` after a whole statement stays a row of
    its own, as in an aligned block)."""
    found, case, open_chain = [], None, None
    for block in blocks:
        if block is PROSE:
            open_chain = None
            continue
        if not block.display:
            open_chain = None
            if STATES.search(block.body) and not _SETTING.match(block.body):
                found.append(Formula(block.body.strip(), block.line, None, False))
            case = block if _CASE.fullmatch(block.body) else None
            continue
        given = " ".join(case.body.split()) if case and block.line - case.line <= CASE_LINES \
            else None
        case = None
        body = _ENVIRONMENT_MARK.sub("", block.body)
        for piece in equations(body, ROWS):
            label = _TAG.search(piece) or _LABEL.search(piece)
            piece = _LABEL.sub(lambda match: " " * len(match.group()), piece)
            latex = piece.strip()
            if not latex.strip("&\\ \n"):
                continue
            line = block.line + body[:len(piece) - len(piece.lstrip())].count("\n")
            if open_chain is not None and (_ENDS_WITH_RELATION.search(open_chain.latex) or (
                    STARTS_WITH_RELATION.match(latex) and not STATES.search(open_chain.latex))):
                found[-1] = replace(open_chain, latex=f"{open_chain.latex}\n{latex}")
            else:
                found.append(Formula(
                    latex, line, label.group(1) if label else block.label,
                    block.numbered and not _NO_NUMBER.search(latex) and not _TAG.search(latex),
                    given=given))
            open_chain = None
        open_chain = found[-1] if found and not block.numbered else None
    return found


# a display that ends with its relation continues in the next, and one that starts with it
# continues a display that states nothing
_ENDS_WITH_RELATION = re.compile(r"(?<![<>!\\])(?:=|\\approx)\s*$")


# --- Markdown ---------------------------------------------------------------------------------

def _markdown_parser():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_block, amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.texmath import texmath_plugin
    parser = (MarkdownIt("commonmark")
              .use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True,
                   double_inline=True)
              .use(amsmath_plugin)
              .use(texmath_plugin, delimiters="brackets"))
    parser.block.ruler.at("amsmath", _environment_outside_dollars(amsmath_block))
    return parser


def _environment_outside_dollars(rule):
    """The amsmath block rule, except where the environment it would take reaches over a `$$`
    line: `$$ \\begin{align} .. \\end{align}\\\\ $$` (its end not at the end of its line) is
    dollar math, and the rule would otherwise run on to the next `\\end{align}` in the file."""
    def block(state, start: int, end: int, silent: bool) -> bool:
        if not rule(state, start, end, True):
            return False
        taken, state.line = state.line, start
        if any(line.strip() == "$$" for line in
               state.getLines(start, taken, 0, False).splitlines()):
            return False
        return rule(state, start, end, silent)
    return block


def _markdown_blocks(text: str) -> Iterator[_Block]:
    lines = text.splitlines()
    last_line = 0

    def line_of(token, content: str) -> int:
        """The token's first line; tokens without a map are found after the last one seen."""
        nonlocal last_line
        if token.map:
            last_line = token.map[0]
        else:
            probe = content.strip().splitlines()[0] if content.strip() else ""
            for number in range(last_line, len(lines)):
                if probe and probe in lines[number]:
                    last_line = number
                    break
        return last_line + 1

    for token in _markdown_parser().parse(text):
        if token.type == "math_block" and "$$" in token.content:
            # `$$E$$ is the loss: $$E: \ldots$$` on one line is a sentence with two formulas,
            # not one display (the plugin takes a line that starts and ends with `$$` as one)
            line = line_of(token, token.content)
            for piece in token.content.split("$$")[::2]:
                yield _Block(piece, line, False)
        elif token.type in ("math_block", "math_block_label", "math_block_eqno"):
            line = line_of(token, token.content)
            label = token.info if token.type == "math_block_label" else None
            yield _Block(token.content, line, True, label=label or None)
        elif token.type == "fence" and token.info.strip() == "math":
            yield _Block(token.content, line_of(token, token.content) + 1, True)
        elif token.type in ("fence", "code_block", "html_block"):
            yield PROSE
        elif token.type == "amsmath":
            environment = token.meta.get("environment", "")
            yield _Block(token.content, line_of(token, token.content), True,
                         numbered=not environment.endswith("*")
                         and environment not in _UNNUMBERED)
        elif token.type == "inline":
            line = line_of(token, token.content)
            children = token.children or []
            # `$$…$$` is a display when it stands alone in its paragraph or on lines of its
            # own; inside a sentence it is inline math, as kramdown (Jekyll blogs) reads it
            alone = [child for child in children
                     if child.type not in ("softbreak", "hardbreak") and
                     not (child.type == "text" and not child.content.strip())]
            if not any(child.type in ("math_inline", "math_inline_double")
                       for child in children) and token.content.strip():
                yield PROSE
            for child in children:
                if child.type in ("math_inline", "math_inline_double"):
                    offset = _line_offset(token.content, child.content)
                    own_lines = child.content.startswith("\n")
                    yield _Block(child.content, line + offset,
                                 child.type == "math_inline_double" and
                                 (len(alone) == 1 or own_lines))


def _line_offset(paragraph: str, content: str) -> int:
    at = paragraph.find(content)
    return paragraph[:at].count("\n") if at >= 0 else 0


def from_markdown(text: str, name: str = "") -> list[Formula]:
    return _split(_markdown_blocks(text))


# --- LaTeX ------------------------------------------------------------------------------------

def _latex_blocks(text: str) -> Iterator[_Block]:
    from pylatexenc.latexwalker import (LatexCharsNode, LatexEnvironmentNode, LatexGroupNode,
                                        LatexMacroNode, LatexMathNode, LatexWalker,
                                        LatexWalkerError)
    walker = LatexWalker(text, tolerant_parsing=True)
    try:
        nodes, _, _ = walker.get_latex_nodes()
    except LatexWalkerError as error:
        raise InputError(f"the LaTeX cannot be read: {error}") from None

    def line(node) -> int:
        return walker.pos_to_lineno_colno(node.pos)[0]

    def walk(nodes) -> Iterator[_Block]:
        for node in nodes or []:
            if isinstance(node, LatexCharsNode) and node.chars.strip():
                yield PROSE
            elif isinstance(node, LatexMathNode):
                body = node.latex_verbatim()[len(node.delimiters[0]):-len(node.delimiters[1])]
                yield _Block(body, line(node), node.displaytype == "display")
            elif isinstance(node, LatexEnvironmentNode):
                name = node.environmentname
                if name.rstrip("*") in MATH_ENVIRONMENTS:
                    yield _Block(node.latex_verbatim(), line(node), True,
                                 numbered=not name.endswith("*") and name not in _UNNUMBERED)
                elif name not in ("verbatim", "lstlisting", "minted", "comment"):
                    yield from walk(node.nodelist)
            elif isinstance(node, LatexGroupNode):
                yield from walk(node.nodelist)
            elif isinstance(node, LatexMacroNode) and node.nodeargd is not None:
                yield from walk(node.nodeargd.argnlist)

    yield from walk(nodes)


def from_latex(text: str, name: str = "") -> list[Formula]:
    try:
        return _split(_latex_blocks(text))
    except InputError as error:
        raise error.located(file=name) from None


# --- Jupyter ----------------------------------------------------------------------------------

def from_notebook(text: str, name: str = "") -> list[Formula]:
    """The formulas of the Markdown cells; code cells and their outputs are not the document's
    formulas."""
    import nbformat
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as error:   # nbformat raises several kinds for a file that is not JSON
        raise InputError(f"not a Jupyter notebook: {str(error).splitlines()[0]}",
                         file=name) from None
    found = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "markdown":
            found += [Formula(formula.latex, formula.line, formula.label, formula.numbered, number)
                      for formula in from_markdown(cell.source)]
    return found


READERS: dict[str, Callable[[str, str], list[Formula]]] = {
    ".md": from_markdown,
    ".markdown": from_markdown,
    ".tex": from_latex,
    ".ipynb": from_notebook,
}
