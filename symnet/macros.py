"""The document's own LaTeX macros (`\\newcommand{\\pd}[2]{\\frac{\\partial #1}{\\partial #2}}`):
read from a TOML `[macros]` table or a LaTeX preamble, and expanded in a claim before it is read.

Lecture notes define their notation as macros (`\\bW`, `\\yhat`, `\\pd{J}{\\bW}`); the claims stay
verbatim in the derivation file and symnet reads them with the document's definitions applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InputError

NAME = re.compile(r"\\[A-Za-z]+")
MAX_DEPTH = 12          # macros that use macros; deeper is a definition that calls itself
_PARAMETER = re.compile(r"#([1-9])")


@dataclass(frozen=True)
class Macro:
    name: str            # with its backslash: "\\pd"
    body: str            # "\\frac{\\partial #1}{\\partial #2}"
    arguments: int


def macro(name: str, body: str, key: str = "macros") -> Macro:
    """One definition, checked: a command name and a body whose parameters are #1..#9."""
    if not NAME.fullmatch(name):
        raise InputError(f"{name!r} is not a macro name; expected a command such as '\\pd'",
                         key=key)
    numbers = [int(number) for number in _PARAMETER.findall(body)]
    return Macro(name, body, max(numbers, default=0))


def expand(latex: str, macros: dict[str, Macro]) -> str:
    """`latex` with every use of a macro replaced by its body, its arguments put in."""
    if not macros:
        return latex
    for _ in range(MAX_DEPTH):
        expanded = _expand_once(latex, macros)
        if expanded == latex:
            return expanded
        latex = expanded
    names = sorted({match.group() for match in NAME.finditer(latex)} & macros.keys())
    raise InputError(f"the macro {names[0] if names else ''} keeps expanding "
                     f"(more than {MAX_DEPTH} levels); a definition that uses itself?")


def _expand_once(latex: str, macros: dict[str, Macro]) -> str:
    out, position = [], 0
    for match in NAME.finditer(latex):
        if match.start() < position or match.group() not in macros:
            continue
        if match.start() > 0 and latex[match.start() - 1] == "\\":   # `\\bW` is a line break
            continue
        definition = macros[match.group()]
        arguments, end = _arguments(latex, match.end(), definition.arguments)
        if arguments is None:
            raise InputError(f"{definition.name} takes {definition.arguments} argument(s); "
                             f"found fewer", column=match.start() + 1)
        body = _PARAMETER.sub(lambda number: arguments[int(number.group(1)) - 1],
                              definition.body)
        # a body that ends in a command must not run into the letters after it (`\bW x`)
        if re.search(r"\\[A-Za-z]+$", body) and end < len(latex) and latex[end].isalpha():
            body += " "
        out += [latex[position:match.start()], body]
        position = end
    out.append(latex[position:])
    return "".join(out)


def _arguments(latex: str, start: int, count: int) -> tuple[list[str] | None, int]:
    """`count` arguments after `start`: each a braced group or one token, as TeX reads them."""
    arguments, position = [], start
    for _ in range(count):
        while position < len(latex) and latex[position].isspace():
            position += 1
        if position >= len(latex):
            return None, position
        if latex[position] == "{":
            end = _closing(latex, position)
            if end is None:
                return None, position
            arguments.append(latex[position + 1:end])
            position = end + 1
        else:
            command = NAME.match(latex, position)
            end = command.end() if command else position + 1
            arguments.append(latex[position:end])
            position = end
    return arguments, position


def _closing(text: str, start: int) -> int | None:
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "\\":
            continue
        if text[index] == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif text[index] == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return None


# \newcommand{\pd}[2]{...}, \renewcommand\pd[2]{...}, \def\pd#1#2{...},
# \DeclareMathOperator{\sgn}{sgn}
_DEFINITION = re.compile(
    r"\\(?P<kind>(?:re|provide)?newcommand\*?|def|DeclareMathOperator\*?)\s*"
    r"(?:\{\s*(?P<braced>\\[A-Za-z]+)\s*\}|(?P<bare>\\[A-Za-z]+))\s*"
    r"(?:\[(?P<count>\d)\]|(?P<hashes>(?:#\d)+))?\s*(?:\[[^\]]*\])?\s*\{")


def definitions_in(text: str) -> dict[str, str]:
    """The macros a LaTeX source defines (name -> body), in the form of a `[macros]` table."""
    found = {}
    for match in _DEFINITION.finditer(text):
        end = _closing(text, match.end() - 1)
        if end is None:
            continue
        body = text[match.end():end].strip()
        if match.group("kind").startswith("DeclareMathOperator"):
            body = rf"\operatorname{{{body}}}"
        found[match.group("braced") or match.group("bare")] = body
    return found
