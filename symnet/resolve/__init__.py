"""Claim syntax tree -> SymPy values at concrete sizes, through the document's notation.

The stage is split by what it reads: `layers` (names through the notation table, layers),
`quantities` (network nodes and written symbols), `indices` (subscripts, superscripts, sums),
`algebra` (operations on values), `calculus` (derivatives); `resolver.Resolver` puts them
together and dispatches the syntax-tree rules. `values` holds what they produce.
"""

from .algebra import BUILTIN_FUNCTIONS
from .resolver import Resolver
from .values import (IMPLICIT_SAMPLE, UNIT, Context, FunctionValue, Indexed, IndexMismatch,
                     MatrixValue, NeedsBatch, NoSuchLayer, OfOneExample, OutOfRange,
                     ParameterLeftOut, ShapeMismatch, Unresolvable, as_matrix, merge_ranges)

__all__ = ["BUILTIN_FUNCTIONS", "IMPLICIT_SAMPLE", "UNIT", "Context", "FunctionValue",
           "Indexed", "IndexMismatch", "MatrixValue", "NeedsBatch", "NoSuchLayer", "OfOneExample",
           "OutOfRange", "ParameterLeftOut", "Resolver", "ShapeMismatch", "Unresolvable",
           "as_matrix", "merge_ranges"]
