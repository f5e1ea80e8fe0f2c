"""The claim grammar: a formula as a person writes it in LaTeX -> a syntax tree with positions.

The grammar knows notation, not meaning: `g(z)` is a name followed by a parenthesised group
(a call or a product: the notation table decides), `W_{ij}^{(2)T}` is a name with a subscript
and a superscript whose parts (layer, sample index, transpose) the resolver reads. Layout-only
LaTeX (`\\left`, `\\quad`, `&`, `\\\\`, `\\tag{..}`, trailing punctuation) is blanked out before
parsing, keeping every other character's column, so errors point at the column the user wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from .conventions import FUNCTION_NAMES
from .new_values import respell_new_values
from .numpy_notation import respell_numpy

GRAMMAR = r"""
?start: chain

chain: expr (RELATION expr)*

?expr: sum
?sum: product
    | sum ADDOP product          -> binary
    | ADDOP product              -> unary

// a sum takes the rest of the product as its body: the grammar lets it stand only last
?product: factors
    | factors big_sum              -> juxtaposition
    | factors MULOP big_sum        -> binary
    | big_sum
?factors: power
    | factors MULOP power          -> binary
    | factors power                -> juxtaposition

?power: postfix
    | derivative_operator

// \partial_{W} L, \nabla_W L: the derivative of what follows by the subscript
derivative_operator: (PARTIAL | NABLA) sub power

big_sum: SUM scripts sum_body
    | SUM sum_body              -> bare_sum
// `\sum_i -\log p_i`: a body may start with its sign
?sum_body: product
    | ADDOP product              -> unary

// a name (or primed / scripted name) followed by parentheses is a call or a product, decided
// by the notation table; the parser always shifts the "(" so `x * g'(z)` reads as x * (g'(z))
?postfix: head
    | head "(" argument (SEPARATOR argument)* ")"  -> call
?head: atom
    | atom scripts               -> scripted
    | atom PRIME+                -> primed
    | atom scripts PRIME+        -> scripted_primed
    | atom PRIME+ scripts        -> primed_scripted

scripts: sub | sup | sub sup | sup sub
sub: "_" script
sup: "^" script
?script: "{" script_list "}" | script_atom
script_list: script_item (SEPARATOR script_item)*
    |                            -> empty
?script_item: expr | expr RELATION expr -> limit
    | expr COMPARE expr -> comparison   // \mathbb{1}_{z > 0}: an indicator's condition
// `1(z > 0)`, `\mathbb{1}\{y_i = k\}`: a condition as an argument
?argument: expr | expr (COMPARE | RELATION) expr -> comparison
condition: expr (COMPARE | RELATION) expr -> comparison
script_atom: LETTER | NUMBER | COMMAND | TOP

?atom: LETTER                    -> name
    | COMMAND                    -> command
    | FUNCTION_WORD              -> command
    | TOP                        -> command
    | NUMBER                     -> number
    | "(" argument (SEPARATOR argument)* ")"   -> group
    | _GROUP_PAREN expr (SEPARATOR expr)* ")"   -> group
    | "[" expr "]"               -> group
    | "[" condition "]"          -> group   // Iverson's [z > 0]
    | "\\{" argument "\\}"           -> group
    | "{" expr "}"
    | FRAC "{" expr "}" "{" expr "}"        -> frac
    | FRAC_PAIR                            -> frac_pair
    | FRAC_FIRST "{" expr "}"              -> frac_first
    | WORD                                 -> word
    | ACCENT "{" expr "}"                  -> accent
    | ACCENT LETTER                        -> accent
    | STYLE "{" expr "}"                   -> styled
    | STYLE LETTER                         -> styled
    | _OPEN_BAR expr _CLOSE_BAR            -> norm
    | PARTIAL                              -> partial
    | NABLA                                -> nabla
    | SLICE                                -> slice
    | _CASES_OPEN case_row (_ROW_BREAK case_row)* _ROW_BREAK? _CASES_CLOSE -> cases
    | _MATRIX_OPEN matrix_row (_ROW_BREAK matrix_row)* _ROW_BREAK? _MATRIX_CLOSE -> matrix
    | ELLIPSIS                             -> ellipsis

// `\begin{cases} 1 & z > 0 \\ 0 & \text{otherwise} \end{cases}`: a value and its condition
case_row: expr _CELL argument
// `\begin{bmatrix} a_{11} & \cdots & a_{1n} \\ \vdots & \ddots & \vdots \end{bmatrix}`: entries
matrix_row: [expr] (_CELL [expr])*   // an entry may be left empty beside dots

// LaTeX commands end where the letters end: \to must not match the start of \top
RELATION.2: /=|:=|<-|\\(?:in|approx|simeq|equiv|leftarrow|rightarrow|longleftarrow|longrightarrow|Rightarrow|Longrightarrow|implies|gets|to|sim)(?![a-zA-Z])/
ADDOP: "+" | "-"
COMPARE.2: /[<>]|\\(?:geq?|leq?|neq|ne|gt|lt)(?![a-zA-Z])/
SEPARATOR: "," | ";"
MULOP.2: /\*|\.\*|\.(?![*0-9(])|\/|\\(?:cdot|times|odot|otimes|circ|bullet|ast)(?![a-zA-Z])/
SUM.2: /\\sum(?![a-zA-Z])/
// `\delta_{q\cdot}`, `W_{:,j}`: a whole row or column (an index standing for all of them)
SLICE.3: /\\cdot(?=\s*[},])|(?<=[{,]):(?=\s*[},])/
FRAC.2: /\\[dt]?frac(?![a-zA-Z])/
// TeX's short forms: `\frac12`, `\frac1m`, `\frac1{2m}`
FRAC_PAIR.3: /\\[dt]?frac\s*[0-9A-Za-z]\s*[0-9A-Za-z](?![0-9A-Za-z])/
FRAC_FIRST.3: /\\[dt]?frac\s*[0-9A-Za-z](?=\s*\{)/
// \text{Loss}: one token, the word inside read by the resolver
WORD.2: /\\(?:text|mbox|mathrm|operatorname|textrm|mathit)\s*\{[^{}]*\}/
ACCENT.2: /\\(?:hat|bar|overline|tilde|widehat|vec|dot)(?![a-zA-Z])/
STYLE.2: /\\(?:mathbf|boldsymbol|bm|mathcal|mathbb|pmb|mathsf|mathtt|mathscr)(?![a-zA-Z])/
PARTIAL.2: /\\partial(?![a-zA-Z])/
NABLA.2: /\\nabla(?![a-zA-Z])/
TOP.2: /\\(?:top|intercal)(?![a-zA-Z])/
PRIME: "'" | "\\prime"
_CASES_OPEN.3: /\\begin\{[dr]?cases\*?\}/
_CASES_CLOSE.3: /\\end\{[dr]?cases\*?\}/
_MATRIX_OPEN.3: /\\begin\{(?:[pbBvV]?matrix\*?|array)\}(?:\s*\{[lcr|\s]*\})?/
_MATRIX_CLOSE.3: /\\end\{(?:[pbBvV]?matrix\*?|array)\}/
ELLIPSIS.3: /\\(?:cdots|vdots|ddots|ldots|dots)(?![a-zA-Z])/
_ROW_BREAK: "\\\\"
_CELL: "&"
// |x|, ||x||, \|x\|, \Vert x \Vert, \lVert x \rVert: whether a bar opens or closes is
// decided after lexing
BAR: "||" | "\\|" | "|" | /\\[lr]?Vert(?![a-zA-Z])|\\[lr]vert(?![a-zA-Z])/
%declare _OPEN_BAR _CLOSE_BAR _GROUP_PAREN
// exp(x) written without its backslash; `log p`, `ln y` also before a letter, as `\log p`
FUNCTION_WORD.3: /(?<![\\a-zA-Z])(<FUNCTION_WORDS>)(?=\s*(?:\^\s*\{?\s*[0-9]+\s*\}?\s*)?\()|(?<![\\a-zA-Z])(?:log|ln)(?=\s+(?:[A-Za-z]|\\[A-Za-z]))/
COMMAND: /\\(?!(?:in|geq?|leq?|neq|ne|gt|lt|sum|d?frac|tfrac|text|mbox|mathrm|operatorname|textrm|mathit|hat|bar|overline|tilde|widehat|vec|dot|mathbf|boldsymbol|bm|mathcal|mathbb|pmb|mathsf|mathtt|mathscr|partial|nabla|top|intercal|prime|cdot|times|odot|otimes|circ|bullet|ast|approx|simeq|equiv|leftarrow|rightarrow|longleftarrow|longrightarrow|Rightarrow|Longrightarrow|implies|gets|to|sim|[lr]?Vert|[lr]vert)(?![a-zA-Z]))[a-zA-Z]+/
LETTER: /[a-zA-Z]/
NUMBER: /[0-9]+(\.[0-9]+)?/

%ignore /[ \t\n\r]+/
"""

# functions written without a backslash before their parenthesis: the usual ones, and the
# activations by the names of the conventions table
_FUNCTION_WORDS = {"exp", "log", "ln", "tanh", "sinh", "cosh", "sin", "cos", "max", "min",
                   *FUNCTION_NAMES}
# longest first (`tanh` before `tan`), then alphabetical: the same grammar text in every
# process, whatever the order of the set (Lark's cache is keyed by that text)
GRAMMAR = GRAMMAR.replace("<FUNCTION_WORDS>", "|".join(
    sorted(_FUNCTION_WORDS, key=lambda word: (-len(word), word))))


# `\lVert`, `\rvert`: the left and right forms of a bar are one kind of bar
_BAR_KIND = re.compile(r"\\[lr](?=[vV]ert)")


class _Disambiguate:
    """Decides, before parsing, what an LALR parser cannot see from one token ahead:

    - whether a bar opens or closes a norm (`|a| |b|`): it closes the innermost open bar of
      its kind when it follows an operand;
    - whether `(` after a name opens a call: not when its `)` is followed by a script or a
      prime, so `\\delta (A)^T` is a product with a transposed factor, not `(\\delta(A))^T`.
    """

    always_accept = ("BAR",)   # used by no rule: the parser sees _OPEN_BAR and _CLOSE_BAR
    _OPENS_AFTER = {"(", "[", "{", "\\{", "^", "_"}
    _OPENS_AFTER_TYPES = {"ADDOP", "MULOP", "RELATION", "SEPARATOR", "SUM", "FRAC", "ACCENT",
                          "STYLE", "_OPEN_BAR", "_CASES_OPEN", "_MATRIX_OPEN", "_CELL",
                          "_ROW_BREAK", "COMPARE"}
    _SCRIPTS = {"^", "_", "'", "\\prime"}

    def process(self, stream):
        # Tokens are held back only from a "(" to the token after its ")", so a lexing error
        # further on still comes after the parser has seen (and rejected) what precedes it.
        held: list[Token] = []
        open_parens: list[int] = []
        just_closed = None           # where the "(" of a ")" just seen is in `held`
        try:
            for token in self._norm_bars(stream):
                if just_closed is not None and str(token) in self._SCRIPTS:
                    held[just_closed] = Token.new_borrow_pos("_GROUP_PAREN", "(",
                                                             held[just_closed])
                just_closed = None
                held.append(token)
                if token.type == "LPAR":
                    open_parens.append(len(held) - 1)
                elif token.type == "RPAR" and open_parens:
                    just_closed = open_parens.pop()
                if not open_parens and just_closed is None:
                    yield from held
                    held.clear()
        except LarkError:
            yield from held
            raise
        yield from held

    def _norm_bars(self, stream):
        open_bars: list[str] = []
        previous = None
        for token in stream:
            if token.type == "BAR":
                kind = _BAR_KIND.sub(r"\\", str(token)).replace("\\vert", "|")
                after_operand = previous is not None and not (
                    previous.type in self._OPENS_AFTER_TYPES or str(previous) in self._OPENS_AFTER)
                closes = after_operand and not str(token).startswith("\\l") or \
                    str(token).startswith("\\r")
                if closes and open_bars and open_bars[-1] == kind:
                    open_bars.pop()
                    token = Token.new_borrow_pos("_CLOSE_BAR", str(token), token)
                else:
                    open_bars.append(kind)
                    token = Token.new_borrow_pos("_OPEN_BAR", str(token), token)
            previous = token
            yield token


# LALR with Lark's basic lexer: about 50 times faster than the Earley parser it replaced
# (benchmarks/latency.txt), with the same tokens. Shift/reduce conflicts are resolved as shifts, on purpose: a sum takes
# the rest of the product, `f(` opens a call and `\partial_W` a derivative operator.
# `cache`: Lark keeps the analysed tables in a file of the temporary directory, keyed by the
# grammar and Lark's version (4 ms to load instead of 47 ms to build, in every process)
_PARSER = Lark(GRAMMAR, parser="lalr", lexer="basic", propagate_positions=True,
               postlex=_Disambiguate(), cache=True)

# Layout that carries no meaning: replaced by spaces (same length) before parsing.
_LAYOUT = re.compile(r"\\\\"
                     r"|\\tag\*?\{[^{}]*\}|\\(?:left|right|[bB]igg?[lrm]?)(?![a-zA-Z])"
                     r"|\\(?:quad|qquad|displaystyle|limits|nonumber|notag)(?![a-zA-Z])|\\label\{[^{}]*\}"
                     # font sizes (`\large{(} ... \large{)} \small`): a size says nothing
                     r"|\\(?:tiny|scriptsize|footnotesize|small|normalsize|large|Large|LARGE|huge|"
                     r"Huge|textstyle|scriptstyle)(?![a-zA-Z])"
                     r"|\\[,;:! ]"
                     r"|~|\\(?:text|mbox|mathrm)\s*\{\s*\}"   # ~ and \text{ } are spaces
                     # a colour says nothing: `\textcolor{red}{\partial C}` is `{\partial C}`
                     r"|\\(?:textcolor|color)\s*\{[^{}]*\}")
# trailing punctuation, and an equation number `(12)` that text extraction glued to the formula
_TRAILING = re.compile(r"(?:[\s,]+\(\d+\))?[\s.,;]*$")
# a remark after the formula: `, \quad \text{size } [N \times M]`, `\qquad (As, ...)`
_REMARK = re.compile(r",?\s*(?:\\q?quad\s*(?:\\(?:text|mbox)\{|\()|,\s*\\(?:text|mbox)\{).*$",
                     re.S)
# the range of a formula's indices, before or after it: `\forall i, j:`, `\quad \forall i, j`,
# `, \; k = 1, \ldots, K`, `\text{ for all } i, j` (symnet checks every entry anyway)
_LETTERS = r"[a-zA-Z](?:\s*,\s*[a-zA-Z])*"
_QUANTIFIED_AFTER = re.compile(
    r"(?:\s|,|\\[;,:! ]|\\q?quad(?![a-zA-Z])|~)*"
    r"(?:\\forall\s*" + _LETTERS + r"(?:\s*\\in\s*[^=]*)?"
    r"|[a-zA-Z]\s*=\s*[01]\s*,\s*(?:[0-9]\s*,\s*)?(?:\\[lc]?dots|\.\.\.)\s*,\s*[^,=]{1,12}"
    r"|\\(?:text|mbox)\s*\{\s*(?:for\s+(?:all|every|each)|for)\s*\}\s*" + _LETTERS + r")"
    r"\s*[.,;]?\s*$")
_QUANTIFIED_BEFORE = re.compile(r"^\s*\\forall\s*" + _LETTERS + r"\s*[:,]")
# prose at the start of a line: `\mbox{Let }\delta_3 = ...`, `\text{Hidden layer output} = h
# = ...`, `\text{Output} = x_3 = ...` (a label, when a relation follows in the same line)
_PROSE_START = re.compile(r"\s*\\(?:text|mbox)\s*\{([^{}]*)\}(\s*&?\s*=)?(\s*\\q?quad)?")
# an arrow or a "therefore" that opens a line says how it follows from the one before
_LEADING_CONNECTIVE = re.compile(r"(?:^|(?<=\\\\))\s*&?\s*\\(?:Rightarrow|Longrightarrow|implies"
                                 r"|therefore|because|hence)(?![a-zA-Z])")
MAX_LENGTH = 4000   # characters; longer input is not a formula a person wrote


class ClaimSyntaxError(Exception):
    """The claim is not in the notation symnet reads; `column` is 1-based."""

    def __init__(self, message: str, column: int | None):
        super().__init__(message)
        self.message, self.column = message, column


# spellings with a shorter equivalent the grammar reads, padded to the same length:
# `f^\prime` is `f'`, Julia's broadcast call `\sigma.(x)` is `\sigma(x)` (and `.+` is `+`),
# `C(...)` is `C`, and Newton's dot over a function that is called, `\dot\sigma(z)`, is its
# derivative `\sigma'(z)` (over anything else, a time derivative, it stays an unknown accent)
_RESPELLED = [# a function's value primed, `\sigma(x)^{'}`, `f(z)'`: the derivative at it, `f'(x)`
              (re.compile(r"(\\[A-Za-z]+|(?<![A-Za-z\\])[A-Za-z])\s*\(([^()]*)\)\s*"
                          r"(?:\^\s*\{\s*(?:'|\\prime)\s*\}|')"),
               lambda match: f"{match.group(1)}'({match.group(2)})"),
              (re.compile(r"\^\s*(?:\{\s*(?:\\prime|')\s*\}|\\prime)"), "'"),   # also `^{'}`
              (re.compile(r"(?<=[A-Za-z}'])\.(?=\()"), ""),   # `\sigma'.(x)` too
              # Julia's (and MATLAB's) broadcast operators, `W x .+ b`, `1 .- a`, `a.^2`:
              # the operators, entry by entry as symnet reads them anyway
              (re.compile(r"(?<![0-9])\.(?=[+\-^/])"), " "),
              # `C(...)`, `J(\ldots)`: a function's arguments left out, the function itself
              (re.compile(r"(?<=[A-Za-z0-9}])\s*\(\s*(?:\.\.\.|\\[lc]?dots)\s*\)"), ""),
              (re.compile(r"\\dot\s*(?:\{\s*(?P<braced>\\[a-zA-Z]+|[A-Za-z])\s*\}|"
                          r"(?P<bare>\\[a-zA-Z]+|[A-Za-z]))(?=\s*(?:\\left)?\s*\()"),
               lambda match: (match.group("braced") or match.group("bare")) + "'"),
              # a parenthesis in braces of its own (`\large{(}`, once the size is blanked)
              (re.compile(r"(?<!\\)\{\s*([()\[\]])\s*\}"), lambda match: " " + match.group(1)),
              # an upright differential's d, `\mathrm{d}W`, is the d of `dW`
              (re.compile(r"\\mathrm\s*\{\s*d\s*\}(?=\s*(?:[A-Za-z]|\\[A-Za-z]))"), "d")]
# `\max\{0, z\}`: the braces of a maximum's arguments are its parentheses
_MAX_BRACES = re.compile(r"(\\max\s*)\\\{((?:[^{}]|\{[^{}]*\})*?)\\\}")
# words in a script of their own, CJK (`这里\ \sigma(x) = ...`, "here"): prose, never math
_PROSE_SCRIPT = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
                           r"\uac00-\ud7af\uff00-\uffef]+(?:\\ )?")
# `\boxed{...}`, `\fbox{...}`: a framed result
_BOXED = re.compile(r"\\(?:boxed|fbox|framebox)\s*\{")
# `\underbrace{x}_{\text{...}}`: the braced formula counts, the label under it does not
_UNDERBRACE = re.compile(r"\\underbrace(?![a-zA-Z])")


def blank_layout(latex: str, numpy: bool = True) -> str:
    """The formula with layout-only LaTeX replaced by as many spaces (columns are kept), and
    (with `numpy`) the NumPy written in it respelled as the notation the grammar reads."""
    text = _REMARK.sub(lambda match: " " * len(match.group()),
                       respell_numpy(latex) if numpy else latex)
    text = _PROSE_SCRIPT.sub(lambda match: " " * len(match.group()), text)
    text = _blank_prose(text)
    for pattern in (_QUANTIFIED_AFTER, _QUANTIFIED_BEFORE):
        text = pattern.sub(lambda match: " " * len(match.group()), text)
    text = _LEADING_CONNECTIVE.sub(lambda match: " " * len(match.group()), text)
    text = _one_entry_matrices(text)
    # (a line break is matched, so that `\\ 1` is not read as `\` and a control space;
    # `_blank_alignment` decides about it)
    text = _LAYOUT.sub(lambda match: match.group() if match.group() == "\\\\" else
                       " " * len(match.group()), text)
    text = _blank_alignment(text)
    for pattern, replacement in _RESPELLED:
        text = pattern.sub(lambda match: _respelling(replacement, match), text)
    text = respell_new_values(text)
    text = _MAX_BRACES.sub(lambda match: f"{match.group(1)} ({match.group(2)}) ", text)
    text = _blank_underbrace_labels(text)
    text = _unboxed(text)
    text = tex_fractions(text)
    trailing = _TRAILING.search(text)
    if trailing:
        text = text[:trailing.start()] + " " * len(trailing.group())
    return text


def _blank_prose(text: str) -> str:
    """Words at the start of a line are prose (`\\mbox{Let }`), and so is a one-word label
    before `=` where the line goes on to a relation of its own (`\\text{Output} = x_3 = ...`);
    a single `\\text{Loss} = ...` is a name the claim defines, and stays."""
    starts = [0] + [match.end() for match in re.finditer(r"\\\\", text)]
    for start in reversed(starts):
        match = _PROSE_START.match(text, start)
        if match is None:
            continue
        words, relation, spaced = match.group(1), match.group(2), match.group(3)
        line = re.split(r"\\\\", text[match.end():], maxsplit=1)[0]
        several_words = re.search(r"\s", words.strip()) or words.endswith(" ") or spaced
        if not several_words and (relation is None or "=" not in line):
            continue
        text = text[:start] + " " * (match.end() - start) + text[match.end():]
    return text


# `&`, `\\` and environments align the lines of a block; inside `cases` they separate a value
# from its condition and one case from the next, and words such as `\text{if }` are prose
_ALIGNMENT = re.compile(r"&|\\\\|\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}")
_CASES = re.compile(r"\\begin\{[dr]?cases\*?\}.*?\\end\{[dr]?cases\*?\}", re.S)
# a matrix's cells and rows are its own (a matrix of one entry is a pair of parentheses)
_MATRIX = re.compile(r"\\begin\{((?:[pbBvV]?matrix|array)\*?)\}.*?\\end\{\1\}", re.S)
_CASE_PROSE = re.compile(r"\\(?:text|mbox|mathrm|textrm)\s*\{\s*,?\s*(?:if|for|when|where)?\s*\}"
                         r"|,(?=\s*(?:&|\\\\|\\end\{))|(?<=&)\s*,|\.(?=\s*(?:\\\\|\\end\{))")


def _blank_alignment(text: str) -> str:
    cases = [match.span() for match in _CASES.finditer(text)]
    kept = cases + [match.span() for match in _MATRIX.finditer(text)]

    def blank(match) -> str:
        inside = any(start <= match.start() < end for start, end in kept)
        return match.group() if inside and _ALIGNMENT.fullmatch(match.group()) else \
            " " * len(match.group())
    text = _ALIGNMENT.sub(blank, text)
    for start, end in cases:
        text = text[:start] + _CASE_PROSE.sub(lambda match: " " * len(match.group()),
                                              text[start:end]) + text[end:]
    return text


def _one_entry_matrices(text: str) -> str:
    """`\\begin{pmatrix} X \\end{pmatrix}_{ij}` and plain TeX's `\\pmatrix{X}_j`: a matrix of
    one entry is a pair of parentheses (around an expression whose entry is taken)."""
    for match in reversed(list(_ONE_ENTRY_OPEN.finditer(text))):
        if match.group("plain"):
            end = _closing_brace(text, match.end() - 1)
            if end is None:
                continue
            close = end - 1
        else:
            closing = text.find(rf"\end{{{match.group('env')}}}", match.end())
            if closing < 0:
                continue
            close, end = closing, closing + len(rf"\end{{{match.group('env')}}}")
        if re.search(r"&|\\\\", text[match.end():close]):
            continue   # rows or columns: a matrix of several entries
        text = (text[:match.start()] + " " * (match.end() - match.start() - 1) + "(" +
                text[match.end():close] + ")" + " " * (end - close - 1) + text[end:])
    return text


_ONE_ENTRY_OPEN = re.compile(r"\\(?P<plain>[pb]matrix)\s*\{|\\begin\{(?P<env>[pb]matrix)\}")


def _respelling(replacement, match: re.Match) -> str:
    """What `match` is respelled as (a string, or made from the match), padded to its length."""
    text = replacement(match) if callable(replacement) else replacement
    return text.ljust(len(match.group()))


def _blank_underbrace_labels(text: str) -> str:
    for match in reversed(list(_UNDERBRACE.finditer(text))):
        end = _closing_brace(text, match.end())
        label = re.match(r"\s*_\s*(?:\\text\s*)?", text[end:]) if end is not None else None
        if label:
            stop = _closing_brace(text, end + label.end()) if text[end + label.end():][:1] \
                == "{" else end + label.end() + 1
            if stop is not None:
                text = text[:end] + " " * (stop - end) + text[stop:]
        text = text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]
    return text


def _unboxed(text: str) -> str:
    """`\\boxed{a^{[2]} - y}` is its content (a box, or a chain in one, says nothing more)."""
    for match in reversed(list(_BOXED.finditer(text))):
        end = _closing_brace(text, match.end() - 1)
        if end is not None:
            text = text[:match.start()] + " " * (match.end() - match.start()) + \
                text[match.end():end - 1] + " " + text[end:]
    return text


# plain TeX's fraction, `{1 \over 2}`, `{\partial E \over \partial w}` (spaced, as written)
_OVER = re.compile(r"\s\\over\s")


def tex_fractions(text: str) -> str:
    """`{A \\over B}` respelled `\\frac{A}{B}`, in the same columns: the spaces around
    `\\over` make room for `\\frac`. From the last `\\over` back, so that one inside a
    numerator is respelled after its fraction."""
    before = len(text)
    while True:
        match = None
        for match in _OVER.finditer(text, 0, before):
            pass
        if match is None:
            return text
        before = match.start()
        depth, start = 0, None
        for index in range(match.start(), -1, -1):
            depth += {"}": 1, "{": -1}.get(text[index], 0)
            if depth < 0:
                start = index
                break
        end = _closing_brace(text, start) if start is not None else None
        if end is None or end <= match.end():
            continue
        numerator, denominator = text[start + 1:match.start()], text[match.end():end - 1]
        text = text[:start] + r"\frac{" + numerator + "}{" + denominator + "}" + text[end:]
        before = match.start() + len(r"\frac")   # (the numerator, moved by `\frac`)


def _closing_brace(text: str, start: int) -> int | None:
    """The index just after the `}` matching the `{` at `start` (after spaces)."""
    position = start
    while position < len(text) and text[position] == " ":
        position += 1
    if position >= len(text) or text[position] != "{":
        return None
    depth = 0
    for index in range(position, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index + 1
    return None


@lru_cache(maxsize=4096)
def parse_claim(latex: str) -> Tree:
    """The syntax tree of one formula (a chain of relations), or `ClaimSyntaxError`. Kept per
    text: check, training and the report read the same claims (trees are never modified)."""
    if len(latex) > MAX_LENGTH:
        raise ClaimSyntaxError(f"too long to be one formula ({len(latex)} characters; at most "
                               f"{MAX_LENGTH}): split it into its lines", 1)
    text = blank_layout(latex)
    if not text.strip():
        raise ClaimSyntaxError("empty formula", 1)
    try:
        return _PARSER.parse(text)
    except UnexpectedCharacters as error:
        raise ClaimSyntaxError(f"unexpected {text[error.pos_in_stream]!r}; "
                               f"{_expected(error.allowed)}", error.column) from None
    except UnexpectedToken as error:
        if error.token.type == "$END":
            raise ClaimSyntaxError(f"the formula ends early; {_expected(error.expected)}",
                                   len(latex)) from None
        raise ClaimSyntaxError(f"unexpected {str(error.token)!r}; {_expected(error.expected)}",
                               getattr(error, "column", None)) from None
    except UnexpectedEOF as error:
        raise ClaimSyntaxError(f"the formula ends early; {_expected(error.expected)}",
                               len(latex)) from None
    except LarkError as error:   # anything else Lark reports: still one line
        raise ClaimSyntaxError(str(error).splitlines()[0], None) from None
    except RecursionError:
        raise ClaimSyntaxError("the formula nests too deeply to read", None) from None


def _expected(names) -> str:
    readable = sorted({_TOKEN_NAMES.get(name, name.lower()) for name in names or ()
                       if not name.startswith("__") and name not in _UNSUGGESTED})
    if not readable:
        return "this is not notation symnet reads"
    return "expected " + ", ".join(readable[:6]) + (" ..." if len(readable) > 6 else "")


# the marks of a `cases` block: LALR's merged states expect them where they would not help
_UNSUGGESTED = {"_CASES_OPEN", "_CASES_CLOSE", "_MATRIX_OPEN", "_MATRIX_CLOSE", "ELLIPSIS",
                "_ROW_BREAK", "_CELL"}
_TOKEN_NAMES = {"RBRACE": "'}'", "LBRACE": "'{'", "RPAR": "')'", "LPAR": "'('", "RSQB": "']'",
                "LETTER": "a letter", "NUMBER": "a number", "DIGIT": "a digit",
                "COMMAND": "a LaTeX command", "RELATION": "a relation such as '='",
                "ADDOP": "'+' or '-'", "MULOP": "a product such as '\\cdot'",
                "$END": "the end of the formula", "SEPARATOR": "','", "CIRCUMFLEX": "'^'",
                "UNDERSCORE": "'_'", "_OPEN_BAR": "'|'", "_CLOSE_BAR": "'|'",
                "_GROUP_PAREN": "'('", "COMMA": "','",
                "COMPARE": "a comparison such as '>'"}


# between two equations: a line break, or `, \quad` before a formula (not before a remark)
_LINE_BREAK = re.compile(r"\\\\|,\s*\\q?quad(?!\s*(?:\\text|\())"
                         r"|(?:\\q?quad\s*)?\\text\{\s*(?:and|or|,)\s*\}(?:\s*\\q?quad)?")
STARTS_WITH_RELATION = re.compile(r"^\s*&?\s*(=|:=|\\approx|\\simeq|\\equiv|\\leftarrow)")
# a row that starts with an operator (`+& ...`, `&- ...`) goes on with the expression before it
_STARTS_WITH_OPERATOR = re.compile(r"^\s*&?\s*(?:[+-]|\\(?:cdot|times|odot)(?![A-Za-z]))")


ROWS = re.compile(r"\\\\")
# what holds rows of its own (`\begin{pmatrix} a \\ b \end{pmatrix}`, `cases`) or a group: a
# separator inside one does not end an equation
HOLDS_ROWS = r"(?:[pbBvV]?matrix|smallmatrix|[dr]?cases|array|subarray)\*?"
_NESTING = re.compile(rf"\\(?:begin|end)\{{{HOLDS_ROWS}\}}|(?<!\\)[{{}}]")


def _depths(latex: str) -> list[int]:
    """The nesting depth (environments and braces) at each character of `latex`."""
    depths, depth, at = [], 0, 0
    for match in _NESTING.finditer(latex):
        depths.extend([depth] * (match.start() - at))
        opening = match.group().startswith("\\begin") or match.group() == "{"
        depth = depth + 1 if opening else max(depth - 1, 0)
        depths.extend([depth if opening else depth + 1] * (match.end() - match.start()))
        at = match.end()
    return depths + [depth] * (len(latex) - at + 1)


# a condition on index letters after a formula: `\quad \text{if } i = k`, `, \; i \neq k`,
# `\text{ for } i = j` (a case of a formula written by cases in prose)
_CONDITION_AFTER = re.compile(
    r"(?:,|\\[;,:! ]|\\q?quad(?![a-zA-Z])|~|\s)+"
    r"(?:\\(?:text|mbox|mathrm)\s*\{\s*(?:if|for|when|where)\s*\}\s*)?\(?\s*"
    r"(?P<left>[A-Za-z])\s*(?P<relation>=|\\neq?(?![a-zA-Z]))\s*(?P<right>[A-Za-z])"
    r"\s*\)?\s*[.,]?\s*$")


def condition_after(equation: str) -> tuple[str, tuple[str, str, str]] | None:
    """The equation without a condition on two of its index letters written after it, and
    the condition (`i`, `=` or `\\neq`, `k`); None where it states none. Both letters must
    be indices of the formula before it (`a = b, \\quad c = d` states two formulas)."""
    found = _CONDITION_AFTER.search(equation)
    if found is None or found.group("left") == found.group("right"):
        return None
    before = equation[:found.start()]
    if not all(re.search(rf"_\s*\{{?[^}}=]*?{letter}", before)
               for letter in (found.group("left"), found.group("right"))):
        return None
    relation = "=" if found.group("relation") == "=" else r"\neq"
    return (before + " " * (len(equation) - found.start()),
            (found.group("left"), relation, found.group("right")))


def continuing(equation: str) -> str | None:
    """A line that starts with its relation (`&= A = B`, the rows after the first of an
    aligned derivation, kept as claims of their own) without that relation, whose own links
    can be checked (`A = B`); None for any other line."""
    found = STARTS_WITH_RELATION.match(blank_layout(equation))
    if found is None:
        return None
    return " " * found.end() + equation[found.end():]


def equations(latex: str, separators: re.Pattern = _LINE_BREAK) -> list[str]:
    """The separate equations of an aligned block (`a &= b \\\\ c &= d`) or of a line
    (`a = b, \\quad c = d`); a line that starts with a relation (`&= ...`), or a row that
    starts with an operator (`+& ...`) or is aligned and states no relation (`& g'(z)`),
    continues the one before. Each comes back as the whole text with the other equations
    blanked, so columns stay those of the claim. With `separators=ROWS`, only the rows of an
    aligned block are split (`symnet import`: a row is a claim)."""
    starts, ends = [0], []
    depths = _depths(latex)
    found = [match for match in separators.finditer(latex) if depths[match.start()] == 0]
    for match, after in zip(found, found[1:] + [None]):
        row = latex[match.end():after.start() if after else len(latex)]
        if not STARTS_WITH_RELATION.match(row) and not (
                match.group().startswith("\\\\") and row.strip() and (
                    _STARTS_WITH_OPERATOR.match(row) or
                    row.lstrip().startswith("&") and not STATES.search(row))):
            ends.append(match.start())    # the separator (`\\`, `\text{and}`) belongs to neither
            starts.append(match.end())
    if separators is _LINE_BREAK:   # (`A = B \quad C = D`: a space between two equations)
        starts, ends = _split_at_spaces(latex, depths, starts, ends)
    # a line break at the end of a block (`... \\` before `\end{align}`) ends nothing, and
    # the range of the indices after an equation (`, \quad i = 1, \dots, n`) is no equation
    bounds = [(start, end) for start, end in zip(starts, ends + [len(latex)])
              if (latex[start:end].strip() and not _QUANTIFIED_AFTER.fullmatch(latex[start:end]))
              or len(starts) == 1]
    return [" " * start + latex[start:end] + " " * (len(latex) - end) for start, end in bounds]


_QUAD = re.compile(r"\\q?quad(?![a-zA-Z])")
# `A = B \quad \longrightarrow \quad C = D`: a step of an argument, not two statements
# a statement's relation: an equation, a definition or an update (`a > 0` and `x \in X` are
# none)
STATES = re.compile(r"(?<![<>!\\])=|\\(?:leftarrow|gets|approx|coloneqq)(?![a-zA-Z])")


def _split_at_spaces(latex: str, depths: list[int], starts: list, ends: list) -> tuple:
    """The equations' bounds, split also at a `\\quad` that stands between two statements
    (each side of it in the equation states a relation of its own)."""
    bounds, found = list(zip(starts, ends + [len(latex)])), ([], [])
    for start, end in bounds:
        pieces = [start]
        for match in _QUAD.finditer(latex, start, end):
            before, after = latex[pieces[-1]:match.start()], latex[match.end():end]
            if depths[match.start()] == 0 and STATES.search(before) and \
                    STATES.search(after) and not STARTS_WITH_RELATION.match(after) and \
                    _closed(latex[start:match.start()]) and _closed(after) and \
                    not _AN_ARROW_BESIDE.search(before) and not _AN_ARROW_BESIDE.match(after):
                found[1].append(match.start())
                pieces.append(match.end())
        found[0].extend(pieces)
        found[1].append(end)
    return found[0], found[1][:-1]


def _closed(text: str) -> bool:
    """Whether `text` closes as many parentheses and brackets as it opens (a `\\quad` inside
    `\\text{sum}((A - Y), \\quad \\text{axis} = 1)` is inside a call, and one followed by
    an unopened `)` too)."""
    return text.count("(") + text.count("[") == text.count(")") + text.count("]")


@dataclass(frozen=True)
class Relation:
    """One link `lhs REL rhs` of a chain, with the relation as written (and, for a link read
    as what it states, how it was read, or why it cannot be)."""

    relation: str
    lhs: Tree
    rhs: Tree
    note: str = ""
    unreadable: str = ""
    one_sample: bool = False   # both sides are one sample's
    # a condition on two index letters it is stated under (`i`, `=` or `\\neq`, `k`)
    condition: tuple[str, str, str] | None = None
    # the index letters of the chain's first left side, which its later links keep free
    # (`\frac{\partial J}{\partial W_{ij}} = \frac{\partial J}{\partial Z_i} \frac{\partial
    # Z_i}{\partial W_{ij}} = ...`: i is repeated in the middle, and not summed)
    kept: frozenset = frozenset()
    # the chain's first left side, for a later link: its arguments (`\sigma'(x) = ... = ...`)
    # are the whole chain's variables
    head: Tree | None = None


# arrows between two statements (`A = \\sigma(Z) \\rightarrow \\frac{\\partial A}{\\partial Z} =
# \\sigma'(Z)`): each statement is a chain of its own
ARROWS = {r"\rightarrow", r"\longrightarrow", r"\to", r"\Rightarrow", r"\Longrightarrow",
          r"\implies"}
_ARROW = "(?:" + "|".join(re.escape(arrow) for arrow in sorted(ARROWS)) + ")(?![a-zA-Z])"
_AN_ARROW_BESIDE = re.compile(rf"^(?:\s|&|\\q?quad)*{_ARROW}|{_ARROW}(?:\s|&|\\q?quad)*$")


def links(tree: Tree) -> list[Relation]:
    """`a = b \\approx c` -> [a = b, b \\approx c]; a formula without relation -> []. A
    later link of a chain knows the chain's first left side (its `head`), and the index
    letters that side keeps free; an arrow starts a new chain."""
    parts, found, head = tree.children, [], 0
    for i in range(1, len(parts), 2):
        relation = str(parts[i])
        later = i > head + 1 and relation not in ARROWS
        found.append(Relation(relation, parts[i - 1], parts[i + 1],
                              kept=frozenset(_subscript_letters(parts[head])) if later
                              else frozenset(), head=parts[head] if later else None))
        if relation in ARROWS:
            head = i + 1
    return found


def _subscript_letters(tree) -> set[str]:
    """The single letters a tree writes in its subscripts (`W_{ij}`: i, j)."""
    return {str(token) for node in (tree.iter_subtrees() if isinstance(tree, Tree) else ())
            if node.data == "sub"
            for token in node.scan_values(lambda value: isinstance(value, Token))
            if token.type == "LETTER" and len(str(token)) == 1}


def source_of(tree: Tree | Token, latex: str) -> str:
    """The LaTeX a subtree was parsed from."""
    if isinstance(tree, Token):
        return str(tree)
    meta = tree.meta
    if getattr(meta, "empty", True):
        return ""
    return latex[meta.start_pos:meta.end_pos]
