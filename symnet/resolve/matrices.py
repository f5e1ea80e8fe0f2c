"""Matrices written out entry by entry (`\\begin{bmatrix} ... \\end{bmatrix}`, `array`), also
with entries elided (`\\cdots`, `\\vdots`, `\\ddots`), where the written ones show the pattern."""

from __future__ import annotations

import re

import sympy as sp
from lark import Tree

from ..grammar import ClaimSyntaxError, parse_claim, source_of
from .trees import column_of
from .values import Indexed, MatrixValue, OutOfRange, Unresolvable

# a cell's LaTeX in tokens: a command, a letter, a digit (an index is one of the last two)
_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z]|[0-9]|\S")
# `H^L_{12}` is `H_{12}^L`: a superscript before a subscript, put after it
_SUPERSCRIPT_FIRST = re.compile(r"\^(\{[^{}]*\}|\\[A-Za-z]+|\S)\s*_(\{[^{}]*\}|\\[A-Za-z]+|\S)")
# letters for the row and the column of the pattern, the first two the claim does not use
_PATTERN_LETTERS = "rcpqsuvgkhjiabdefxyz"


class MatrixReader:
    """Matrices written out. A part of `Resolver`."""

    def _rule_ellipsis(self, tree):
        raise Unresolvable(f"symnet reads {tree.children[0]} only among a matrix's entries, "
                           "where the entries written out show the pattern", column_of(tree))

    def _rule_matrix(self, tree):
        grid = [list(row.children) for row in tree.children]
        if any(_is_ellipsis(cell) for row in grid for cell in row):
            return self._elided_matrix(grid, tree)
        if self._at_other_sizes():
            # (written for the document's sizes: the second set of sizes has no such matrix)
            raise OutOfRange("a matrix written entry by entry", column_of(tree))
        if len({len(row) for row in grid}) != 1:
            raise Unresolvable("the rows of this matrix have different numbers of entries",
                               column_of(tree))
        return MatrixValue(sp.Matrix([[self._matrix_entry(cell) for cell in row]
                                      for row in grid]))

    def _matrix_entry(self, cell) -> sp.Expr:
        value = self.resolve(cell)
        if isinstance(value, Indexed) and not value.free:
            return value.at({})
        if isinstance(value, MatrixValue) and value.shape == (1, 1):
            return value.matrix[0, 0]
        raise Unresolvable("symnet reads matrices of numbers, not of matrices or of entries "
                           "with a free index", column_of(cell))

    def _elided_matrix(self, grid, tree) -> MatrixValue:
        """The written entries are one entry with its row and column indices changed (`W_{11}`,
        `W_{12}`, `W_{21}`): those that change along the first row number the columns, those
        along the first column the rows. The matrix is that entry at every row and column its
        indices range over; each written entry must sit where its indices say."""
        written = {(r, c): cell for r, row in enumerate(grid) for c, cell in enumerate(row)
                   if not _is_ellipsis(cell)}
        if (0, 0) not in written:
            raise Unresolvable("a matrix with elided entries is read from its first entry, "
                               "which is elided here", column_of(tree))
        latex = self.context.latex
        texts = {position: _SUPERSCRIPT_FIRST.sub(r"_\2^\1", source_of(cell, latex))
                 for position, cell in written.items()}
        tokens = {position: list(_TOKEN.finditer(text)) for position, text in texts.items()}
        first = tokens[(0, 0)]
        by_row, by_column = set(), set()
        for (r, c), found in tokens.items():
            differing = _differing(first, found, column_of(written[(r, c)]))
            if r == 0:
                by_column |= differing
            elif c == 0:
                by_row |= differing
        if not by_row | by_column or by_row & by_column:
            raise Unresolvable("the entries written out do not show which index numbers the "
                               "rows and which the columns", column_of(tree))
        letters = [letter for letter in _PATTERN_LETTERS
                   if not re.search(rf"(?<![\\A-Za-z]){letter}(?![A-Za-z])", latex)][:2]
        if len(letters) < 2:
            raise Unresolvable("the claim uses every letter symnet would number the matrix's "
                               "rows and columns with", column_of(tree))
        row_letter, column_letter = letters
        text = texts[(0, 0)]
        for number in sorted(by_row | by_column, reverse=True):
            start, end = first[number].span()
            text = text[:start] + (row_letter if number in by_row else column_letter) + \
                text[end:]
        entry = self._pattern_entry(text, written[(0, 0)])
        free = {row_letter, column_letter} & entry.free
        if entry.free - free:
            raise Unresolvable("the entries of this matrix have an index of their own",
                               column_of(tree))
        rows = entry.ranges.get(row_letter, 1) if by_row else 1
        columns = entry.ranges.get(column_letter, 1) if by_column else 1
        for (r, c), found in tokens.items():
            self._where_written(found, by_row, r, len(grid), rows, written[(r, c)])
            self._where_written(found, by_column, c, len(grid[r]), columns, written[(r, c)])
        self.notes.append("a matrix with elided entries read from the pattern of the entries "
                          "written out")
        return MatrixValue(sp.Matrix(rows, columns, lambda i, j: entry.at(
            {**({row_letter: i} if row_letter in free else {}),
             **({column_letter: j} if column_letter in free else {})})))

    def _pattern_entry(self, text: str, cell) -> Indexed:
        """The first entry with its row and column indices replaced by letters, read."""
        try:
            tree = parse_claim(text)
        except ClaimSyntaxError as error:
            raise Unresolvable(f"the pattern of the matrix's entries: {error.message}",
                               column_of(cell)) from None
        outer = self.context.latex
        self.context.latex = text
        try:
            value = self.resolve(tree.children[0])
        except Unresolvable as error:
            raise Unresolvable(f"the pattern of the matrix's entries, {text.strip()}: {error}",
                               column_of(cell)) from None
        finally:
            self.context.latex = outer
        if not isinstance(value, Indexed):
            raise Unresolvable("symnet reads matrices of numbers, not of matrices",
                               column_of(cell))
        return value

    def _where_written(self, found, positions: set, place: int, places: int, size: int,
                       cell) -> None:
        """An entry's index along one direction is its place there, counted from the first
        before the dots and from the last after them (a letter, `a_n`, stands for the last)."""
        values = {found[number].group() for number in positions}
        if not values:
            return
        if len(values) != 1:
            raise Unresolvable("an entry written with two different values of one index",
                               column_of(cell))
        value = values.pop()
        index = int(value) - self.context.index_origin if value.isdigit() else None
        if index is None and place > 0 or index in (place, size - (places - place)) and \
                0 <= index < size:
            return
        message = (f"an entry written with the index {value} in place {place + 1} of a matrix "
                   f"of {size} along that index")
        # (`a_4` last: the matrix is written for the document's sizes)
        raise (OutOfRange if self._at_other_sizes() else Unresolvable)(message, column_of(cell))

    def _at_other_sizes(self) -> bool:
        """The claim is read at the second set of sizes, not at the document's."""
        return self.network.sizes != dict(self.network.spec.sizes)


def _differing(first, found, column) -> set[int]:
    """The token positions where an entry differs from the first: indices (letters, digits)."""
    if len(found) != len(first) or any(
            a.group() != b.group() and not (_is_index(a.group()) and _is_index(b.group()))
            for a, b in zip(first, found)):
        raise Unresolvable("the entries written out differ in more than their indices",
                           column)
    return {number for number, (a, b) in enumerate(zip(first, found))
            if a.group() != b.group()}


def _is_index(token: str) -> bool:
    return len(token) == 1 and token.isalnum()


def _is_ellipsis(cell) -> bool:
    """Dots, or an entry left empty beside them."""
    return cell is None or isinstance(cell, Tree) and cell.data == "ellipsis"
