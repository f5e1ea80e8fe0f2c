"""The claim grammar: every notation item of DESIGN.md parses, errors name a column, and no
input crashes it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symnet.grammar import ClaimSyntaxError, blank_layout, equations, links, parse_claim

NOTATION = [
    r"W^{(2)} = w^l",                                   # layer superscripts
    r"z^{(k+1)} = z^{(L+1)}",                           # layer arithmetic
    r"W_{ij} = W_{i,j} = W_{1j} = W_{\alpha\beta}",     # entry subscripts
    r"Z_i^{(1),m} = Z_{im}",                            # sample index
    r"A^T = A^{T} = A^\top = A^{(2)T} = (W)^T",         # transposes
    r"a b = a \cdot b = a \times b = a * b = a \odot b = a \circ b = a \bullet b = a .* b",
    r"\sum_j x_j = \sum_{i=1}^{N} x_i = \sum_{m,\alpha} x = \sum_{\alpha\beta} x",
    r"\delta_{\alpha\beta} = \delta^{(2)}",
    r"\frac{\partial L}{\partial W_{ij}} = \nabla_W L = \partial_{W^{(i)}} L",
    r"\overline{z} = \bar z = \bar{z} = \delta^l",
    r"\sigma(x) = \tanh(x) = \tanh^2(x) = \exp(x) = \log(x) = \ln(x) = \max(0, z)",
    r"g'(z) = \sigma'(z) = g''(z)",
    r"\|x\|^2 = ||x||^2 = |x|^2 = \Vert x \Vert = \lVert x \rVert = \lvert x \rvert",
    r"\delta_{q\cdot} = W_{:,j} = W_{j,:}",              # a whole row or column
    r"\pmatrix{\frac{\partial E}{\partial b}}_j = \begin{pmatrix} x \end{pmatrix}_{ij}",
    r"1 = \mathbf{1}",
    r"\left( x \right) = \text{Loss}(x) = \mathrm{d} = \mathbf{x} = \hat{y}",
    r"a = b \approx c \equiv d := e \simeq f",
    r"W \leftarrow W - \eta \nabla_W L",
    r"a &= b \\ &= c \tag{3}",
    r"f'(z) = \begin{cases} 1, & \text{if } z > 0 \\ 0 & \text{otherwise} \end{cases}",  # cases
]


@pytest.mark.parametrize("latex", NOTATION)
def test_notation_parses(latex):
    tree = parse_claim(latex)
    assert links(tree)


def test_chain_is_split_into_links():
    relations = [link.relation for link in links(parse_claim(r"a = b \approx c = d"))]
    assert relations == ["=", r"\approx", "="]


def test_sum_takes_the_rest_of_the_product():
    tree = parse_claim(r"y = \sum_j W_{ij} x_j + b_i")
    rhs = links(tree)[0].rhs
    assert rhs.data == "binary" and rhs.children[0].data == "big_sum"


def test_layout_is_blanked_keeping_columns():
    text = r"x = y, \quad \text{size } [N \times M] (12)"
    blanked = blank_layout(text)
    assert len(blanked) == len(text) and blanked.rstrip() == "x = y"


@pytest.mark.parametrize("latex,column", [("x = \\frac{1}{", 13), ("x = y )", 7), ("@", 1)])
def test_errors_name_the_column(latex, column):
    with pytest.raises(ClaimSyntaxError) as caught:
        parse_claim(latex)
    assert caught.value.column == column
    assert "\n" not in caught.value.message


def test_overlong_input_is_refused_quickly():
    with pytest.raises(ClaimSyntaxError, match="too long"):
        parse_claim("x" * 100_000)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("xyzW_^{}()[]+-=*/|,.'1\\ ") +
                                [r"\frac", r"\sum", r"\partial", r"\left", r"\alpha",
                                 r"\text{a}", "&", r"\\"]), max_size=40).map("".join))
def test_arbitrary_input_never_crashes(latex):
    try:
        parse_claim(latex)
    except ClaimSyntaxError as error:
        assert error.message and "\n" not in error.message


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_unicode_never_crashes(latex):
    try:
        parse_claim(latex)
    except ClaimSyntaxError:
        pass


def test_norm_bars_open_and_close_by_what_precedes_them():
    rhs = links(parse_claim(r"x = |a| |b| + \|c\|^2"))[0].rhs
    product = rhs.children[0]
    assert product.data == "juxtaposition"
    assert [child.data for child in product.children] == ["norm", "norm"]


def test_parentheses_followed_by_a_script_are_a_group_not_a_call():
    rhs = links(parse_claim(r"x = \delta^{(2)} (A^{(1)})^T"))[0].rhs
    assert rhs.data == "juxtaposition" and rhs.children[1].data == "scripted"
    call = links(parse_claim(r"x = g'(z) y"))[0].rhs
    assert call.data == "juxtaposition" and call.children[0].data == "call"


@pytest.mark.parametrize("latex, kept", [
    (r"\mbox{Let }\delta_3 = a", r"\delta_3 = a"),                       # words before a symbol
    (r"\text{Hidden layer output} = x_1 = f(z)", r"x_1 = f(z)"),         # a label in a chain
    (r"\mbox{Output} = x_3 = f_3(W_3x_2)", r"x_3 = f_3(W_3x_2)"),
    (r"\text{Loss} = \frac12 e^2", r"\text{Loss} = \frac12 e^2"),       # a name it defines
    (r"w = w - a \quad \mbox{for all the weights } w", r"w = w - a"),   # a remark after
    (r"\forall i, j: d_{ij} = a_i b_j", r"d_{ij} = a_i b_j"),           # the indices' range
    (r"d_{ij} = a_i b_j \quad \forall i, j", r"d_{ij} = a_i b_j"),
    (r"d_{ij} = a_i b_j \text{ for all } i, j", r"d_{ij} = a_i b_j"),
    (r"d_k = a_k b_k, \; k = 1, \ldots, K.", r"d_k = a_k b_k"),
])
def test_prose_around_a_formula_is_blanked_keeping_columns(latex, kept):
    blanked = blank_layout(latex)
    assert len(blanked) == len(latex) and blanked.strip() == kept


def test_a_line_break_that_ends_a_block_ends_no_equation():
    from symnet.grammar import equations
    assert [text.strip() for text in equations(r"a &= b \\ c &= d \\")] == [r"a &= b", r"c &= d"]


@pytest.mark.parametrize("latex,shape", [
    (r"A = \begin{bmatrix} a & b \\ c & d \end{bmatrix}", [2, 2]),
    (r"A = \left[\begin{array}{cc} a & b \\ c & d \\ e & f \end{array}\right]", [2, 2, 2]),
    (r"A = \begin{pmatrix} a_1 & \cdots & a_n \\ \vdots & & \vdots \end{pmatrix}", [3, 3]),
])
def test_a_matrix_of_several_entries_keeps_its_rows_and_cells(latex, shape):
    """A matrix is a value of its own (its `&` and `\\\\` are not layout); an entry beside dots
    may be left empty."""
    matrix = next(parse_claim(latex).find_data("matrix"))
    assert [len(row.children) for row in matrix.children] == shape


def test_the_range_of_the_indices_after_an_equation_is_no_equation_of_its_own():
    latex = r"d_{ij} = a_i b_j, \quad i = 1, \dots, n"
    assert [text.strip() for text in equations(latex)] == [r"d_{ij} = a_i b_j"]
    assert len(equations(r"a = b, \quad c = d")) == 2


def test_plain_tex_fractions_are_fractions_in_the_same_columns():
    """`{1 \\over 2}`, nested, and `{\\partial E \\over \\partial w}`: plain TeX's fraction is
    `\\frac`, every other character in its column; `\\overline` and an `\\over` outside
    braces are not one."""
    latex = r"{\partial E \over \partial w} = {a + {1 \over 2} \over c} + \overline{x}"
    blanked = blank_layout(latex)
    assert blanked == r"\frac{\partial E}{\partial w} = \frac{a + \frac{1}{2}}{c} + \overline{x}"
    assert parse_claim(latex) == parse_claim(blanked)
    assert blank_layout(r"x \over y") == r"x \over y"


def test_a_row_that_starts_with_an_operator_goes_on_with_the_one_before():
    """So does an aligned row that states no relation (`& g'(z)`, a product continued)."""
    latex = r"E &= a \\ &+ b \\ +& c \\ & g'(z) \\ F &= d"
    assert [text.strip() for text in equations(latex)] == [r"E &= a \\ &+ b \\ +& c \\ & g'(z)",
                                                            r"F &= d"]


@pytest.mark.parametrize("latex,parts", [
    (r"a = b \quad c = d \qquad e = f", ["a = b", "c = d", "e = f"]),
    # a step of an argument, a `\quad` inside a call, one before an unopened `)`
    (r"z = w a \quad \longrightarrow \quad \frac{dz}{dw} = a", None),
    (r"a &= \sigma(z) \quad &\Longrightarrow \quad \frac{da}{dz} &= \sigma'(z)", None),
    (r"L = \text{sum}((A - Y), \quad \text{axis} = 1)", None),
    (r"L = \text{sum} [A - Y], \quad \text{axis} = 1 ).", None),
    (r"a = b \quad \text{for } b > 0", None),
])
def test_a_space_between_two_statements_splits_them(latex, parts):
    """`a = b \\quad c = d`: each side of the space states a relation of its own."""
    assert [text.strip() for text in equations(latex)] == (parts or [latex])
