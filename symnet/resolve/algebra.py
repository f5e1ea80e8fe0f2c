"""Algebra on values: sums, products (matrix, Hadamard, broadcast), quotients, transposes,
powers, norms, function calls; the functions every document knows."""

from __future__ import annotations

from dataclasses import replace

import sympy as sp
from lark import Token, Tree
from sympy.matrices.expressions import HadamardProduct, MatMul, OneMatrix

from ..matrix_rules import Softmax
from ..conventions import FUNCTION_NAMES
from ..registry import ACTIVATIONS
from .trees import column_of, name_of, written_tokens
from .values import (EVERY, ONES, UNIT, UNIT_T, as_matrix, broadcast, broadcast_sum_form,
                     entrywise_form, formed, FunctionValue, Jacobian, Indexed, map_entries,
                     MatrixValue, merge_ranges, PoweredFunction, renamed, scalar_plus_matrix,
                     ShapeMismatch, Unresolvable)


class AlgebraReader:
    """Operations on values. A part of `Resolver`."""

    def _rule_norm(self, tree):
        value = self.resolve(tree.children[0])
        if isinstance(value, MatrixValue):
            return Indexed.scalar(sp.sqrt(sum(entry ** 2 for entry in value.matrix)))
        # |A^{(2),m} - Y^m|, \|o_{r\cdot} - t_{r\cdot}\|: the norm of one sample's vector
        vector = next((index for index in (UNIT, EVERY) if isinstance(value, Indexed) and
                       index in value.free), None)
        if vector is not None:
            units = value.ranges[vector]
            ranges = {k: v for k, v in value.ranges.items() if k != vector}
            return Indexed(value.free - {vector}, ranges, lambda asg: sp.sqrt(sp.Add(*(
                value.at({**asg, vector: k}) ** 2 for k in range(units)))))
        return map_entries(value, lambda e: sp.sqrt(e ** 2))

    def _scale(self, value, factor, tree):
        if isinstance(value, MatrixValue):
            return MatrixValue(value.matrix * factor, formed(lambda m: factor * m, value.form),
                               either_layout=value.either_layout)
        if isinstance(value, Indexed):
            return map_entries(value, lambda e: factor * e, lambda f: factor * f)
        raise Unresolvable("a function without arguments in a sum", column_of(tree))

    def _add(self, a, b, tree):
        a, b = self._along_units(a, b), self._along_units(b, a)
        if isinstance(a, Indexed) and isinstance(b, Indexed):
            # a term without an index is constant along it (b_i added for every sample m)
            return Indexed(a.free | b.free, merge_ranges(a, b, tree=tree),
                           lambda asg: a.at(asg) + b.at(asg),
                           form=formed(lambda x, y: x + y, a.form, b.form))
        scalar_form = scalar_plus_matrix(a, b) or scalar_plus_matrix(b, a)
        a, b = self._as_matrix(a, b, tree), self._as_matrix(b, a, tree)
        return MatrixValue(broadcast(a.matrix, b.matrix, lambda x, y: x + y, tree, bias=True),
                           scalar_form or broadcast_sum_form(a, b))

    def _along_units(self, value, other):
        """A vector added to a sample's vector that has other free indices (`W a_n + b`, for
        each n): its entries along the sample vector's units index; else `value` unchanged."""
        if not (isinstance(value, MatrixValue) and isinstance(other, Indexed) and
                other.free & {UNIT, UNIT_T} and not other.free <= {UNIT, UNIT_T}):
            return value
        if 1 not in value.shape:
            return value
        down, across = self.unit_axes()
        axis = down if down in other.free else across
        # (either way round: a bias is added to a sample's vector as NumPy's 1-D vectors are)
        entries = list(value.matrix)
        return Indexed(frozenset({axis}), {axis: len(entries)},
                       lambda asg: entries[asg[axis]])

    def _as_matrix(self, value, other, tree) -> MatrixValue:
        if isinstance(value, MatrixValue):
            return value
        if value is ONES and isinstance(other, MatrixValue):
            return MatrixValue(sp.ones(*other.shape),
                               formed(lambda m: OneMatrix(*m.shape), other.form))
        matrix = as_matrix(value) or self.units_matrix(value)
        if matrix is not None:
            return matrix
        raise Unresolvable("an indexed quantity combined with a matrix", column_of(tree))

    def units_matrix(self, value) -> MatrixValue | None:
        """A sample's vector (`A^{[2](i)}`) or an outer product of two (`\\delta_n a_n^T`,
        summed over n) as the matrix it is; None for anything else."""
        if not (isinstance(value, Indexed) and value.free and value.free <= {UNIT, UNIT_T}):
            return None
        down, across = self.unit_axes()
        return MatrixValue(sp.Matrix(value.ranges.get(down, 1), value.ranges.get(across, 1),
                                     lambda i, j: value.at({down: i, across: j})))

    def is_elementwise(self, op: str) -> bool:
        """Whether the product sign `op` multiplies entry by entry in this document."""
        return op in (r"\odot", r"\circ", r"\bullet", ".*") or (
            op == "*" and "*" in self.context.notation.marker("hadamard"))

    def _multiply(self, a, b, op, tree):
        if op == r"\otimes":
            return self._tensor_product(a, b, tree)
        hadamard = self.is_elementwise(op)
        if isinstance(a, Jacobian) or isinstance(b, Jacobian):
            if not hadamard:
                chained = self._chained(a, b, tree)
                if chained is not None:
                    return chained
            a, b = self._diagonal_of(a, tree), self._diagonal_of(b, tree)
        if isinstance(a, Indexed) and isinstance(b, Indexed):
            inner = self._inner_product(a, b, tree)
            if inner is not None:
                return inner
            # (a column times a row, `\delta_n a_n^T`, is their outer product: the two have
            # different unit indices, each kept)
            product = Indexed(a.free | b.free, merge_ranges(a, b, tree=tree),
                              lambda asg: a.at(asg) * b.at(asg),
                              form=formed(lambda x, y: x * y, a.form, b.form))
            if self.term_repeats:   # (summed where the term ends, under Einstein's convention)
                self.term_repeats[-1].update(a.free & b.free)
            return product
        # (a scalar times a derivative by a vector is one too: `(s - y) \frac{\partial s}
        # {\partial h}`, in either layout)
        if isinstance(a, Indexed) and not a.free and isinstance(b, MatrixValue):
            return MatrixValue(b.matrix * a.at({}), formed(lambda s, m: s * m, a.form, b.form),
                               either_layout=b.either_layout)
        if isinstance(b, Indexed) and not b.free and isinstance(a, MatrixValue):
            return MatrixValue(a.matrix * b.at({}), formed(lambda m, s: s * m, a.form, b.form),
                               either_layout=a.either_layout)
        if a is ONES and isinstance(b, MatrixValue):
            if hadamard:
                return b
            if b.shape[1] == 1 and (b.one_d or self.is_one_d(b)):
                # `\mathbf{1} b` with samples as rows: the bias, a row, on every row
                return MatrixValue(b.matrix.T, formed(lambda m: m.T, b.form))
            form = formed(lambda m: MatMul(OneMatrix(1, m.shape[0]), m), b.form)
            return MatrixValue(sp.ones(1, b.shape[0]) * b.matrix, form) \
                if b.shape[0] != 1 else MatrixValue(sp.ones(1, 1) * b.matrix, b.form)
        if a is ONES and isinstance(b, Indexed):
            return b
        if b is ONES and isinstance(a, MatrixValue):
            form = formed(lambda m: MatMul(m, OneMatrix(m.shape[1], 1)), a.form)
            return MatrixValue(a.matrix * sp.ones(a.shape[1], 1), form) if not hadamard else a
        if isinstance(a, MatrixValue) and isinstance(b, MatrixValue):
            one_sample = self.context.batch or self.network.spec.batch is None or \
                self.context.one_example
            if op == "" and a.shape == b.shape and a.shape[0] != a.shape[1] and one_sample:
                # `h(1 - h)`, `\delta W^T f'(Z)`: two vectors or matrices of one shape side by
                # side have no matrix product; they are multiplied entry by entry, as NumPy's
                # `*` would (not where a batch formula is only being tried on one sample)
                kind = "vectors" if 1 in a.shape else "matrices"
                self.notes.append(f"two {kind} of the same shape written side by side read "
                                  "as their element-wise product")
                hadamard = True
            elif op in (r"\cdot", r"\times") and a.shape == b.shape and 1 in a.shape and \
                    a.shape[0] != a.shape[1]:
                # `\mathbf{w} \cdot \mathbf{x}` beside a number: the dot product (beside
                # anything else two vectors of one shape have no product: `\cdot` is not
                # `\odot`)
                dot = self._dot_product(a, b, op)
                if dot is not None:
                    return dot
            if not hadamard and op == "*" and a.shape == b.shape and a.shape != (1, 1) and \
                    "*" not in self.context.notation.marker("matmul"):
                # `W^T dZ * g'(Z)`: NumPy's `*` between two matrices of one shape
                self.notes.append("`*` between two matrices of the same shape read as their "
                                  "element-wise product")
                hadamard = True
            if hadamard and op != "*" and _column_and_row(a.shape, b.shape):
                # (NumPy's `*` would broadcast them to their outer product; `\odot` does not)
                raise ShapeMismatch(f"the element-wise product of a {a.shape[0]}x{a.shape[1]} "
                                    f"and a {b.shape[0]}x{b.shape[1]} matrix", column_of(tree))
            if hadamard:
                form = formed(HadamardProduct, a.form, b.form) if a.shape == b.shape else None
                return MatrixValue(broadcast(a.matrix, b.matrix, lambda x, y: x * y, tree),
                                   form)
            if a.shape[1] != b.shape[0]:
                raise ShapeMismatch(f"a {a.shape[0]}x{a.shape[1]} matrix times a "
                                    f"{b.shape[0]}x{b.shape[1]} matrix", column_of(tree))
            return MatrixValue(a.matrix * b.matrix, formed(MatMul, a.form, b.form))
        product = self._vector_times_sample_vector(a, b, tree) if hadamard else \
            self._matrix_and_sample_vector(a, b, tree)
        if product is not None:
            return product
        raise Unresolvable("an indexed quantity multiplied with a matrix", column_of(tree))

    def _dot_product(self, a: MatrixValue, b: MatrixValue, op: str) -> Indexed | None:
        """`\\mathbf{w} \\cdot \\mathbf{x}` of two vectors of one shape beside a number: the
        dot product `w^T x`; None beside anything but a number."""
        other = self.counterpart
        if not (isinstance(other, Indexed) and not other.free or
                isinstance(other, MatrixValue) and other.shape == (1, 1)):
            return None
        self.notes.append(f"{op} between two vectors read as their dot product")
        return Indexed.scalar(sum((x * y for x, y in zip(a.matrix, b.matrix)), sp.Integer(0)))

    def _vector_times_sample_vector(self, a, b, tree) -> Indexed | None:
        """`\\mathbf{v} \\odot \\mathbf{h}_n`: a vector of the network (a weight column) entry
        by entry with a sample's vector of as many entries; None for anything else."""
        down, across = self.unit_axes()
        matrix, vector = (a, b) if isinstance(a, MatrixValue) else (b, a)
        if not (isinstance(matrix, MatrixValue) and isinstance(vector, Indexed)):
            return None
        axis = down if down in vector.free else across if across in vector.free else None
        entries = list(matrix.matrix) if 1 in matrix.shape else None
        if axis is None or entries is None or vector.ranges[axis] != len(entries):
            return None
        return Indexed(vector.free, vector.ranges,
                       lambda asg: entries[asg[axis]] * vector.at(asg))

    def _tensor_product(self, a, b, tree):
        """`\\delta \\otimes x` of two vectors: their outer product, `\\delta x^T`; or, where
        they have one shape and so does the other side, their element-wise product (as some
        notes write it). Said in the verdict either way; between matrices (a Kronecker
        product) it is not read."""
        if not (self._is_vector(a) and self._is_vector(b)):
            raise Unresolvable("\\otimes is read between two vectors (their outer product), "
                               "not between matrices", column_of(tree))
        other = self.counterpart
        if isinstance(a, MatrixValue) and isinstance(b, MatrixValue) and a.shape == b.shape \
                and isinstance(other, MatrixValue) and other.shape == a.shape:
            self.notes.append("\\otimes between two vectors of the shape of the other side "
                              "read as their element-wise product")
            return self._multiply(a, b, r"\odot", tree)
        self.notes.append("\\otimes between two vectors read as their outer product")
        down, across = self.unit_axes()
        column = a if self._is_vector(a, down) else self._transpose(a, tree)
        row = b if self._is_vector(b, across) else self._transpose(b, tree)
        return self._multiply(column, row, "", tree)

    def _is_vector(self, value, axis: str | None = None) -> bool:
        """Whether `value` is a vector (along `axis`: a column for the first unit axis, a row
        for the second), a matrix with one column or row or one sample's vector."""
        down, across = self.unit_axes()
        if isinstance(value, MatrixValue):
            if axis is None:
                return 1 in value.shape
            return value.shape[1] == 1 if axis == down else value.shape[0] == 1
        if not isinstance(value, Indexed):
            return False
        units = value.free & {down, across}
        return len(units) == 1 and (axis is None or units == {axis})

    def _matrix_and_sample_vector(self, a, b, tree) -> Indexed | None:
        """`W^T \\delta_n`: a matrix times a sample's column, or a sample's row times a
        matrix (`a_n^T W`), is that sample's vector, its other indices kept; None for any
        other product of a matrix and an indexed value."""
        down, across = self.unit_axes()
        if isinstance(a, MatrixValue) and isinstance(b, Indexed) and down in b.free and \
                across not in b.free:
            matrix, vector, axis, inner = a.matrix, b, down, a.shape[1]

            def entry(asg, k):
                return matrix[asg[axis], k] * vector.at({**asg, axis: k})
            size = a.shape[0]
        elif isinstance(b, MatrixValue) and isinstance(a, Indexed) and across in a.free and \
                down not in a.free:
            matrix, vector, axis, inner = b.matrix, a, across, b.shape[0]

            def entry(asg, k):
                return vector.at({**asg, axis: k}) * matrix[k, asg[axis]]
            size = b.shape[1]
        else:
            return None
        if vector.ranges.get(axis, inner) != inner:
            count = vector.ranges[axis]
            raise ShapeMismatch(f"a matrix with {inner} columns times a vector of {count} "
                                "entries" if axis == down else f"a vector of {count} entries "
                                f"times a matrix with {inner} rows", column_of(tree))
        return Indexed(vector.free, {**vector.ranges, axis: size},
                       lambda asg: sp.Add(*(entry(asg, k) for k in range(inner))))

    def unit_axes(self) -> tuple[str, str]:
        """The index of a sample's vector along rows and along columns: a vector is a column
        (`UNIT`) and its transpose a row (`UNIT_T`), the other way round with samples as
        rows."""
        return (UNIT_T, UNIT) if self.network.spec.samples == "rows" else (UNIT, UNIT_T)

    def _inner_product(self, a: Indexed, b: Indexed, tree) -> Indexed | None:
        """`a_n^T \\delta_n`: a sample's row vector times a column vector, the sum over their
        units; None for any other product of indexed values."""
        down, across = self.unit_axes()
        if not (across in a.free and down not in a.free and down in b.free and
                across not in b.free):
            return None
        if a.ranges[across] != b.ranges[down]:
            raise ShapeMismatch(f"a row of {a.ranges[across]} times a column of "
                                f"{b.ranges[down]}", column_of(tree))
        units = a.ranges[across]
        ranges = {**{k: v for k, v in a.ranges.items() if k != across},
                  **{k: v for k, v in b.ranges.items() if k != down}}
        return Indexed((a.free - {across}) | (b.free - {down}), ranges, lambda asg: sp.Add(*(
            a.at({**asg, across: k}) * b.at({**asg, down: k}) for k in range(units))))

    def _chained(self, a, b, tree) -> MatrixValue | Jacobian | None:
        """A product with a Jacobian `\\frac{\\partial B}{\\partial C}` as the chain rule reads
        it: a factor shaped like B before it (or a vector with B's entries) is contracted with
        it over B's entries, giving a matrix shaped like C; two Jacobians compose. None where
        the product is not a chain (a Jacobian first, before a matrix)."""
        if isinstance(a, Jacobian) and a.transposed and isinstance(b, MatrixValue):
            return self._transposed_chain(a, b, tree)
        if isinstance(a, Jacobian) and isinstance(b, MatrixValue) and 1 in a.of_shape and \
                1 in a.by.shape and 1 in b.shape and len(b.matrix) == a.matrix.rows:
            # `\frac{\partial \mathbf{z}}{\partial \mathbf{h}} \frac{\partial L}{\partial
            # \mathbf{z}}`: the chain rule in the denominator layout, whose Jacobian has a row
            # per entry of h (the numerator layout's would need its transpose written)
            self.notes.append("a derivative of a vector by a vector before a vector of its "
                              "entries, read in the denominator layout (row i, column j: entry "
                              "j differentiated by entry i)")
            return self._transposed_chain(a, b, tree, noted=True)
        if isinstance(a, Jacobian) and isinstance(b, Jacobian):
            if a.transposed or b.transposed:
                return None
            if a.by.shape != b.of_shape:
                raise ShapeMismatch(_chain_mismatch(a.by.shape, b), column_of(tree))
            return Jacobian(a.of_shape, b.by, a.matrix * b.matrix)
        if not isinstance(a, MatrixValue):
            return None
        if a.shape != b.of_shape and not (1 in a.shape and 1 in b.of_shape and
                                          len(a.matrix) == b.matrix.rows):
            if b.diagonal is not None and a.shape[1] == b.diagonal.shape[0]:
                return None   # not a chain: a matrix times the diagonal, an ordinary product
            raise ShapeMismatch(_chain_mismatch(a.shape, b), column_of(tree))
        row = sp.Matrix(1, len(a.matrix), list(a.matrix)) * b.matrix
        self.notes.append("a derivative of a matrix by a matrix read as the chain rule does: "
                          "the factor before it contracted with its Jacobian")
        return MatrixValue(sp.Matrix(*b.by.shape, list(row)), one_d=self.is_one_d(b.by),
                           either_layout=self.either_layout(b.by))

    def _transposed_chain(self, jacobian: Jacobian, vector: MatrixValue, tree,
                          noted: bool = False) -> MatrixValue:
        """`(\\frac{\\partial a}{\\partial z})^T \\frac{\\partial L}{\\partial a}`: the
        transposed Jacobian times a vector of a's entries, a matrix shaped like z (the chain
        rule with the Jacobian written first)."""
        if 1 not in vector.shape or len(vector.matrix) != jacobian.matrix.rows:
            rows, columns = jacobian.of_shape
            raise ShapeMismatch(f"a transposed derivative of a {rows}x{columns} matrix before "
                                f"a {vector.shape[0]}x{vector.shape[1]} matrix: the chain rule "
                                "needs a vector of that matrix's entries after it",
                                column_of(tree))
        column = jacobian.matrix.T * sp.Matrix(list(vector.matrix))
        if not noted:
            self.notes.append("a transposed Jacobian times the vector after it, as the chain "
                              "rule reads it")
        return MatrixValue(sp.Matrix(*jacobian.by.shape, list(column)),
                           one_d=self.is_one_d(jacobian.by),
                           either_layout=self.either_layout(jacobian.by))

    def as_compared(self, value, other, tree):
        """A Jacobian that is a whole side (`\\frac{\\partial z}{\\partial a} = W`) of vectors:
        its matrix, row i, column j the derivative of entry i by entry j, or that transposed
        where only the transpose has the other side's shape (the other layout); else, where
        that is all it has, its diagonal (`\\frac{\\partial a}{\\partial z} = \\sigma'(z)`)."""
        if not isinstance(value, Jacobian):
            return value
        shape = other.matrix.shape if isinstance(other, Jacobian) else \
            other.shape if isinstance(other, MatrixValue) else None
        matrix = value.matrix.T if value.transposed else value.matrix
        vectors = 1 in value.of_shape and 1 in value.by.shape
        if vectors and shape == matrix.shape:
            self.notes.append("a derivative of a vector by a vector read as its Jacobian matrix "
                              "(row i, column j: entry i differentiated by entry j)")
            return MatrixValue(matrix)
        if vectors and shape == matrix.shape[::-1]:
            self.notes.append("a derivative of a vector by a vector read as its Jacobian, "
                              "transposed (row i, column j: entry j differentiated by entry i)")
            return MatrixValue(matrix.T)
        return self._diagonal_of(value, tree)

    def _chain_product(self, values, tree):
        """`\\text{prod}(a, b)` (Dive into Deep Learning): a times b "after the necessary
        operations, such as transposition and swapping input positions": a Jacobian is
        contracted with the other factor, a scalar scales, two matrices are multiplied in the
        one way their shapes allow, or that gives the other side's shape (more than one is
        ambiguous, and said so)."""
        if len(values) != 2:
            raise Unresolvable(f"prod takes 2 arguments, found {len(values)}", column_of(tree))
        a, b = values
        if isinstance(b, Jacobian) != isinstance(a, Jacobian):
            jacobian, other = (b, a) if isinstance(b, Jacobian) else (a, b)
            if isinstance(other, Indexed) and not other.free:
                other = MatrixValue(sp.Matrix([[other.at({})]]))
            return self._multiply(other, jacobian, "", tree)
        a, b = self._diagonal_of(a, tree), self._diagonal_of(b, tree)
        if not (isinstance(a, MatrixValue) and isinstance(b, MatrixValue)):
            return self._multiply(a, b, "", tree)
        if a.shape == (1, 1) or b.shape == (1, 1):
            scalar, matrix = (a, b) if a.shape == (1, 1) else (b, a)
            return self._scale(matrix, scalar.matrix[0, 0], tree)
        products = {f"{x}{y}": (p, q) for x, y, p, q in (
            ("a", "b", a.matrix, b.matrix), ("b", "a", b.matrix, a.matrix),
            ("a", "b^T", a.matrix, b.matrix.T), ("a^T", "b", a.matrix.T, b.matrix),
            ("b", "a^T", b.matrix, a.matrix.T), ("b^T", "a", b.matrix.T, a.matrix))
            if p.shape[1] == q.shape[0]}
        results = {}   # each different value, with the first way that gives it
        for name, (p, q) in products.items():
            results.setdefault(sp.ImmutableMatrix(p * q), name)
        wanted = getattr(self.counterpart, "shape", None)   # the gradient's own shape
        if len({value.shape for value in results}) > 1 and \
                any(value.shape == wanted for value in results):
            results = {value: name for value, name in results.items() if value.shape == wanted}
        if len(results) != 1:
            raise Unresolvable("prod of a " + "x".join(map(str, a.shape)) + " and a " +
                               "x".join(map(str, b.shape)) + " matrix: " +
                               ("no product fits" if not results else
                                "several products fit (" + ", ".join(results.values()) + ")"),
                               column_of(tree))
        return MatrixValue(sp.Matrix(next(iter(results))))

    def _diagonal_of(self, value, tree):
        """A Jacobian outside a chain of products: its diagonal, where that is all it has."""
        if not isinstance(value, Jacobian):
            return value
        if value.diagonal is None:
            raise Unresolvable("the derivative of a matrix by a matrix is a Jacobian that is not "
                               "diagonal here; symnet reads it after a factor it is contracted "
                               "with (a chain of products), or write it entry by entry",
                               column_of(tree))
        self.notes.append("a derivative of a matrix by a matrix read entry by entry (its "
                          "Jacobian is diagonal)")
        return value.diagonal

    def _divide(self, a, b, tree):
        if isinstance(b, Indexed) and not b.free and isinstance(a, MatrixValue):
            return MatrixValue(a.matrix / b.at({}), formed(lambda m, s: m / s, a.form, b.form))
        if isinstance(b, MatrixValue):   # entrywise, as in 1 / (1 + exp(-x))
            a = self._as_matrix(a, b, tree)
            return MatrixValue(broadcast(a.matrix, b.matrix, lambda x, y: x / y, tree))
        if isinstance(a, Indexed) and isinstance(b, Indexed):
            return Indexed(a.free | b.free, merge_ranges(a, b, tree=tree),
                           lambda asg: a.at(asg) / b.at(asg),
                           form=formed(lambda x, y: x / y, a.form, b.form))
        raise Unresolvable("a division by a matrix", column_of(tree))

    def _transpose(self, value, tree):
        if isinstance(value, Jacobian):
            return replace(value, transposed=not value.transposed)
        if isinstance(value, MatrixValue):
            return MatrixValue(value.matrix.T, formed(lambda m: m.T, value.form))
        if isinstance(value, Indexed) and not value.free:
            return value
        if isinstance(value, Indexed) and value.free & {UNIT, UNIT_T}:
            # a sample's vector (`a_n^T`) or an outer product of two: its units change sides
            return renamed(value, {UNIT: UNIT_T, UNIT_T: UNIT})
        raise Unresolvable("a transpose of an indexed entry", column_of(tree))

    def _power(self, value, power_tree, tree):
        exponent = self._layer_expression(power_tree) if not (
            isinstance(power_tree, Tree) and power_tree.data == "unary") else None
        if exponent is None:
            exponent = self.resolve(power_tree)
            if not isinstance(exponent, Indexed) or exponent.free:
                raise Unresolvable("a power that is not a number", column_of(tree))
            exponent = exponent.at({})
        if isinstance(value, FunctionValue):
            return PoweredFunction(value, power_tree, exponent)
        if isinstance(value, MatrixValue):
            if value.shape == (1, 1):
                return Indexed.scalar(value.matrix[0, 0] ** exponent)
            other = self.counterpart
            beside_scalar = isinstance(other, Indexed) and not other.free or \
                isinstance(other, MatrixValue) and other.shape == (1, 1)
            if 1 in value.shape and beside_scalar:
                # `E = (y - h)^2` of vectors, beside a number: the sum of the entries' powers
                self.notes.append("a power of a vector beside a number read as the sum of its "
                                  "entries' powers")
                return Indexed.scalar(sp.Add(*(e ** exponent for e in value.matrix)))
            # a matrix (or a vector beside a vector) squared in a backpropagation formula is
            # squared entry by entry (NumPy's `a1**2`): matrix powers do not occur there
            return MatrixValue(value.matrix.applyfunc(lambda e: e ** exponent),
                               formed(lambda m: entrywise_form(IDENTITY, exponent, m),
                                      value.form))
        return map_entries(value, lambda e: e ** exponent, lambda f: f ** exponent)

    def sampled_on_both_signs(self, trees) -> None:
        """The claim's variables written in `trees` (a condition, a kinked function's
        argument) take values on both sides of 0 at the points the claim is judged at."""
        self.context.signed.update(self.context.dummies[str(token)]
                                   for token in written_tokens(trees)
                                   if str(token) in self.context.dummies)

    def _of_matrix(self, function, arguments, tree) -> Indexed:
        """`mean(X)`, `\\operatorname{tr}(A)`: a number from the whole argument, which is read
        entry by entry (a vector squared in it stays a vector, whatever the other side is)."""
        if len(arguments) != 1:
            raise Unresolvable(f"{function.name} takes 1 argument, found {len(arguments)}",
                               column_of(tree))
        outer, self.counterpart = self.counterpart, None
        try:
            value = self._argument(arguments[0])
        finally:
            self.counterpart = outer
        if isinstance(value, MatrixValue):
            try:
                return Indexed.scalar(function.of_matrix(value.matrix))
            except sp.matrices.exceptions.NonSquareMatrixError:
                raise ShapeMismatch(f"the {function.name} of a {value.shape[0]}x"
                                    f"{value.shape[1]} matrix, which is not square",
                                    column_of(tree)) from None
        if isinstance(value, Indexed) and not value.free:
            return value
        raise Unresolvable(f"{function.name} of something with free indices", column_of(tree))

    def _call(self, function, argument_tree, tree):
        arguments = (argument_tree.children if isinstance(argument_tree, Tree)
                     and argument_tree.data == "group" else [argument_tree])
        arguments = [arg for arg in arguments if not isinstance(arg, Token)]
        exponent = 1
        if isinstance(function, PoweredFunction):
            function, exponent = function.function, function.exponent
        if function.chain_product:
            return self._chain_product([self.resolve(arg, factor=True) for arg in arguments],
                                       tree)
        if function.of_matrix is not None:
            return self._of_matrix(function, arguments, tree)
        values = [self._argument(arg) for arg in arguments]
        if function.name in KINKED:
            # (`\max(0, p)` is not the leaky rectifier, which positive p alone would not show)
            self.sampled_on_both_signs(arguments)
        if function.random_matrix:
            sizes = [v.at({}) for v in values if isinstance(v, Indexed) and not v.free]
            if len(sizes) != 2 or not all(size.is_Integer and size > 0 for size in sizes):
                raise Unresolvable(f"{function.name} takes two sizes", column_of(tree))
            return MatrixValue(sp.zeros(int(sizes[0]), int(sizes[1])))
        if function.per_sample is not None:
            return self._call_per_sample(function, values, tree)
        if function.arity != len(values):
            if function.arity == 1 and len(values) == 2 and isinstance(values[1], Indexed):
                values = values[:1]    # `\sigma(Z^{(2)}, i)`: the index is documentation
            else:
                raise Unresolvable(f"{function.name} takes {function.arity} argument(s), "
                                   f"found {len(values)}", column_of(tree))
        if any(isinstance(v, MatrixValue) for v in values):
            if function.of_matrices is not None and len(values) == 2 and \
                    all(isinstance(v, MatrixValue) for v in values) and \
                    values[0].shape == values[1].shape:
                prediction, target = values
                if self._is_target(prediction) and not self._is_target(target):
                    # `CE(y, \hat{y})`: the target written first, as many notes do
                    prediction, target = target, prediction
                    self.notes.append(f"{function.name}'s arguments read as (target, "
                                      "prediction): the first is the target")
                return Indexed.scalar(function.of_matrices(prediction.matrix, target.matrix))
            matrices = [k for k, v in enumerate(values) if isinstance(v, MatrixValue)]
            numbers = [v.at({}) for v in values if isinstance(v, Indexed) and not v.free]
            if len(values) > 1 and len(matrices) == 1 and len(numbers) == len(values) - 1:
                # `\max(0, Z)`: the numbers go with every entry of the one matrix
                k = matrices[0]
                return MatrixValue(values[k].matrix.applyfunc(lambda e: function.apply(
                    *numbers[:k], e, *numbers[k:]) ** exponent))
            if function.name == "max" and len(matrices) == 2 and \
                    values[0].shape == values[1].shape:
                # `\max(0.01 Z, Z)`: the larger entry, of two matrices of one shape
                first, second = (value.matrix for value in values)
                return MatrixValue(sp.Matrix(*first.shape, lambda i, j: function.apply(
                    first[i, j], second[i, j]) ** exponent))
            if len(values) != 1:
                raise Unresolvable("a function of several matrices", column_of(tree))
            return MatrixValue(values[0].matrix.applyfunc(
                lambda e: function.apply(e) ** exponent),
                formed(lambda m: entrywise_form(function, exponent, m), values[0].form))
        free = frozenset().union(*(v.free for v in values))
        ranges = merge_ranges(*values, tree=tree)
        return Indexed(free, ranges, lambda asg: function.apply(
            *(v.at(asg) for v in values)) ** exponent)

    def _is_target(self, value: MatrixValue) -> bool:
        owners = {self.graph.owner(entry) for entry in value.matrix
                  if isinstance(entry, sp.Symbol)}
        return len(owners) == len(value.matrix) and all(
            owner is not None and self.graph.nodes[owner[0]].kind == "target" for owner in owners)

    def _call_per_sample(self, function, values, tree):
        """softmax(Z): each sample (a column, or a row) through the vector definition."""
        definition, axis = function.per_sample
        if len(values) == 1 and isinstance(values[0], Indexed) and len(values[0].free) == 1 \
                and next(iter(values[0].free)) in values[0].ranges:
            # `softmax(z_j)`: of one number it would be 1; written of the j-th entry, it is the
            # j-th entry of the function of the vector
            entry = values[0]
            index = next(iter(entry.free))
            vector = definition([entry.at({index: k}) for k in range(entry.ranges[index])])
            self.notes.append(f"{function.name} of an entry read as that entry of "
                              f"{function.name} of the whole vector")
            return Indexed(entry.free, entry.ranges, lambda asg: vector[asg[index]])
        if not values or not isinstance(values[0], MatrixValue):
            raise Unresolvable(f"{function.name} acts on a whole sample: give it the matrix "
                               "(or the vector of one sample)", column_of(tree))
        matrix = values[0].matrix if axis == 0 else values[0].matrix.T
        columns = [sp.Matrix(definition(list(matrix[:, k]))) for k in range(matrix.cols)]
        result = sp.Matrix.hstack(*columns)
        result = result if axis == 0 else result.T
        if len(values) == 1:
            return MatrixValue(result, formed(lambda m: Softmax(m, axis), values[0].form))
        if len(values) == 2 and isinstance(values[1], Indexed):   # sigma(Z, i): component i
            index = values[1]
            if not (axis == 0 and result.cols == 1 or axis == 1 and result.rows == 1):
                raise Unresolvable(f"{function.name}(Z, i) of a whole batch: the component "
                                   "of which sample?", column_of(tree))
            if not index.free and not sp.sympify(index.at({})).is_Integer:
                raise Unresolvable(f"{function.name}(Z, i): the component is neither a number "
                                   "nor an index of the formula", column_of(tree))
            vector = list(result)
            return Indexed(index.free, index.ranges,
                           lambda asg: vector[int(index.at(asg)) - 1])
        return MatrixValue(result)

    def _argument(self, tree):
        """A function argument; a single unknown letter there is a dummy variable."""
        name = name_of(tree) if isinstance(tree, Tree) and tree.data == "name" else None
        try:
            value = self.resolve(tree)
        except Unresolvable:
            if name is None or len(name) != 1:
                raise
            self.context.dummies.setdefault(name, sp.Symbol(f"_{name}", real=True))
            value = Indexed.scalar(self.context.dummies[name])
        if isinstance(value, FunctionValue):
            raise Unresolvable(f"{value.name} needs an argument", column_of(tree))
        return value

    def _apply_operator(self, operator, right, tree):
        """`\\partial_{W} L`, `\\nabla_W L`: the derivative of `right` by the subscript."""
        if operator.subscript is None:
            raise Unresolvable("a derivative without its variable", column_of(tree))
        return self._derivative(right, operator.subscript, tree)


def _chain_mismatch(shape: tuple[int, int], jacobian: Jacobian) -> str:
    rows, columns = jacobian.of_shape
    return (f"a {shape[0]}x{shape[1]} matrix before a derivative of a {rows}x{columns} matrix: "
            f"the chain rule contracts the factor before it over that matrix's entries")


# the functions whose argument's sign matters (their kink is at 0)
KINKED = {"max", "Heaviside", "sgn", "relu", "leaky_relu"}


def _builtin(name: str, definition, arity: int = 1) -> FunctionValue:
    return FunctionValue(name, definition, arity)


BUILTIN_FUNCTIONS: dict[str, FunctionValue] = {
    r"\exp": _builtin("exp", sp.exp),
    r"\log": _builtin("log", sp.log),
    r"\ln": _builtin("ln", sp.log),
    r"\tanh": _builtin("tanh", sp.tanh),
    # the hyperbolic functions tanh's derivative is written with (`\operatorname{sech}^2`)
    **{name: _builtin(name.lstrip("\\"), function) for name, function in (
        ("sech", sp.sech), (r"\cosh", sp.cosh), (r"\sinh", sp.sinh))},
    r"\sigma": _builtin("sigmoid", ACTIVATIONS["sigmoid"].elementwise),
    r"\max": _builtin("max", sp.Max, 2),
    # the unit step (a rectifier's derivative), by its names
    **{name: _builtin("Heaviside", lambda z: sp.Heaviside(z, sp.Rational(1, 2)))
       for name in ("H", "step", "Heaviside")},
    # the signum: `\sgn(\relu(x))` is how some notes write ReLU's derivative
    **{name: _builtin("sgn", sp.sign)
       for name in (r"\sgn", "sgn", "sign", r"\operatorname{sgn}")},
    # Dive into Deep Learning's prod(a, b): the product the chain rule needs
    "prod": FunctionValue("prod", None, 2, chain_product=True),
    # NumPy's mean (`np.mean(X)`): of every entry
    "mean": FunctionValue("mean", None, of_matrix=lambda matrix: sp.Add(*matrix) /
                          len(matrix)),
    # the trace of a square matrix (a loss written as one, `\operatorname{tr}(E^T E)`)
    **{name: FunctionValue("trace", None, of_matrix=lambda matrix: matrix.trace())
       for name in ("tr", "Tr", "trace")},
    # rand(n, m): a random n x m matrix, for initialisations `W \sim rand(N_1, N_0)`
    **{name: FunctionValue(name, None, 2, random_matrix=True) for name in ("rand", "randn")},
    # element-wise activations by the names documents write them with (conventions table)
    **{alias: _builtin(name, ACTIVATIONS[name].elementwise)
       for alias, name in FUNCTION_NAMES.items() if ACTIVATIONS[name].elementwise is not None},
}


IDENTITY = _builtin("identity", lambda u: u)


def per_sample_function(name: str, samples: str) -> FunctionValue | None:
    """An activation that acts on a whole sample (softmax), by a name documents use."""
    activation = ACTIVATIONS.get(FUNCTION_NAMES.get(name.lstrip("\\"), ""))
    if activation is None or activation.per_sample is None:
        return None
    axis = 1 if samples == "rows" else 0
    return FunctionValue(activation.name, None, per_sample=(activation.per_sample, axis))


def _column_and_row(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether one shape is a column and the other a row (each longer than one)."""
    return any(first[1] == 1 < first[0] and second[0] == 1 < second[1]
               for first, second in ((a, b), (b, a)))
