"""The vector form as NumPy code: a standalone module with the forward pass, the loss, the
gradients and a training step, at the matrix level (matmuls and element-wise kernels).

The printer is a subclass of SymPy's NumPy printer with one method per matrix class, as SymPy's
own printers are written. Products with a ones matrix (`b 1^T`, `dZ 1`) become broadcasting and
`sum(axis=...)`, never a matrix of ones. Element-wise functions become small kernels: a
registry activation uses its stable NumPy expression; any other function (a derivative) is
printed from its SymPy definition.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Callable

import numpy as np

import sympy as sp
from sympy.matrices.expressions import (HadamardPower, HadamardProduct, MatAdd, MatMul,
                                        MatrixSymbol, OneMatrix, Transpose)
from sympy.printing.numpy import NumPyPrinter

from .functions import NamedFunction, concretize, named_functions_in
from .matrix_rules import Elementwise, EntrySum, Softmax, distribute, scaled, split_coefficient
from .printing import text_name
from .registry import ACTIVATIONS
from .spec import Document
from .vector_form import Step, VectorForm, vector_form


class CodegenError(Exception):
    """The network cannot be compiled as it is (a generic function has no NumPy kernel)."""


@dataclass
class Kernel:
    name: str
    source: str     # a Python function definition


class MatrixNumPyPrinter(NumPyPrinter):
    """Matrix expressions of the vector form as NumPy source."""

    def __init__(self, names: dict, kernels: dict, definitions: dict | None = None):
        super().__init__({"fully_qualified_modules": False, "inline": True,
                          "allow_unknown_functions": False})
        self._module = "np"
        self.names, self.kernels = names, kernels
        self.definitions = definitions or {}   # activation symbol -> its defining expression

    # numbers and sizes
    def _print_Symbol(self, expr) -> str:
        return self.names.get(expr, expr.name)

    def _print_Rational(self, expr) -> str:
        return f"({expr.p}/{expr.q})"

    # matrices
    def _print_MatrixSymbol(self, expr) -> str:
        return self.names[expr]

    def _print_OneMatrix(self, expr) -> str:
        return "1.0"    # alone (in a sum or an entrywise product) it broadcasts

    def _print_Transpose(self, expr) -> str:
        return f"{self._wrap(expr.arg)}.T"

    def _print_MatAdd(self, expr) -> str:
        return " + ".join(self._print(term) for term in expr.args).replace("+ -", "- ")

    def _print_HadamardProduct(self, expr) -> str:
        return " * ".join(self._wrap(factor) for factor in expr.args)

    def _print_HadamardPower(self, expr) -> str:
        base, exponent = expr.args
        if exponent == -1:
            return f"1.0 / {self._wrap(base)}"
        return f"{self._wrap(base)} ** {self._print(exponent)}"

    def _print_MatMul(self, expr) -> str:
        coefficient, matrices = expr.as_coeff_matrices()
        text, waiting = None, []
        for matrix in matrices:
            if isinstance(matrix, Transpose) and isinstance(matrix.arg, OneMatrix):
                matrix = OneMatrix(matrix.arg.shape[1], matrix.arg.shape[0])
            if isinstance(matrix, OneMatrix):
                if text is None:
                    waiting.append(matrix)
                elif matrix.shape[0] != 1:     # X 1 = the row sums (1 1^T: repeated)
                    text = f"{self._wrap(text, raw=True)}.sum(axis=1, keepdims=True)"
                continue                        # a column times 1^T: broadcasting does it
            printed = self._wrap(matrix)
            if text is None:
                text = printed
                if any(ones.shape[1] != 1 for ones in waiting):   # 1^T X = the column sums
                    text = f"{printed}.sum(axis=0, keepdims=True)"
                waiting = []
            else:
                text = f"{text} @ {printed}"
        if text is None:
            raise CodegenError("a product of ones matrices only")
        if coefficient == 1:
            return text
        if coefficient == -1:
            return f"-{self._wrap(text, raw=True)}"
        return f"{self._print(coefficient)} * ({text})"

    def _print_Elementwise(self, expr) -> str:
        stable = self._stable_log(expr)
        if stable is not None:
            return stable
        kernel = self.kernels[expr.function]
        return f"{kernel.name}({', '.join(self._print(m) for m in expr.matrices)})"

    def _stable_log(self, expr) -> str | None:
        """log of a softmax or a sigmoid (a cross-entropy) from the pre-activation: log-sum-exp
        and logaddexp, finite where the activation rounds to 0 or 1."""
        variable = expr.function.variables[0] if len(expr.function.variables) == 1 else None
        if variable is None or expr.function.expr != sp.log(variable):
            return None
        argument, sign = expr.matrices[0], 1
        if isinstance(argument, MatAdd) and len(argument.args) == 2 and \
                any(isinstance(a, OneMatrix) for a in argument.args):   # log(1 - A)
            other = next(a for a in argument.args if not isinstance(a, OneMatrix))
            coefficient, argument = split_coefficient(other)
            if coefficient != -1:
                return None
            sign = -1
        definition = self.definitions.get(argument)
        if isinstance(definition, Softmax) and sign == 1:
            return f"log_softmax({self._print(definition.matrix)}, axis={definition.axis})"
        if isinstance(definition, Elementwise) and getattr(
                definition.function.expr, "base_name", None) == "sigmoid" and \
                not any(definition.function.expr.orders):
            z = self._print(definition.matrices[0])
            return f"(-np.logaddexp(0.0, {'-' if sign == 1 else ''}{self._wrap(z, raw=True)}))"
        return None

    def _print_Softmax(self, expr) -> str:
        return f"softmax({self._print(expr.matrix)}, axis={expr.axis})"

    def _print_EntrySum(self, expr) -> str:
        return f"np.sum({self._print(expr.matrix)})"

    def _wrap(self, expr, raw: bool = False) -> str:
        """Parentheses around anything but a name (`W1`, `A1.T`)."""
        text = expr if raw else self._print(expr)
        simple = text.replace("_", "").replace(".T", "").isalnum()
        return text if simple else f"({text})"

    def _print_Pow(self, expr, rational=False) -> str:
        if expr.exp == -1:
            return f"1/{self._wrap(expr.base)}"
        return super()._print_Pow(expr, rational)


class ScalarNumPyPrinter(NumPyPrinter):
    """Scalar definitions (a kernel's body) as NumPy source."""

    def _print_Heaviside(self, expr) -> str:
        value = expr.args[1] if len(expr.args) > 1 else sp.Rational(1, 2)
        argument = self._print(expr.args[0])
        return f"heaviside({argument}, {float(value)!r})"


# Helpers a module gets when its code calls them (softmax always: forward uses it by name).
HELPERS = {
    "softmax": '''def softmax(z, axis):
    """Softmax of each sample along `axis`, shifted by the maximum (no overflow)."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)''',
    "log_softmax": '''def log_softmax(z, axis):
    """log(softmax(z)) by log-sum-exp: finite where the softmax rounds to 0."""
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))''',
    # np.heaviside is about 30 times slower than a comparison; exact zeros are rare, so they
    # are looked for once and set apart (H(0) = 1/2 in SymPy, as in the engine).
    "heaviside": '''def heaviside(u, at_zero):
    """The step function, `at_zero` where u == 0."""
    h = np.asarray(u > 0, dtype=np.result_type(u, 0.5))
    zero = u == 0
    if zero.any():
        h[zero] = at_zero
    return h''',
}


def _kernel(function: sp.Lambda, used: set[str]) -> Kernel:
    body = function.expr
    base = type(body).__name__ if isinstance(body, sp.Function) else "f"
    name = _identifier(base.replace("'", "_prime"), used)
    variables = [f"u{index}" for index in range(len(function.variables))]
    row = ACTIVATIONS.get(getattr(body, "base_name", None))
    orders = getattr(body, "orders", (1,))
    if row is not None and row.numpy_source and not any(orders):
        expression = row.numpy_source.format(u=variables[0])
        return Kernel(name, f"def {name}({variables[0]}):\n    return {expression}")
    concrete = concretize(body)
    if named_functions_in(concrete) or concrete.has(sp.Function) and any(
            isinstance(node, NamedFunction) for node in concrete.atoms(sp.Function)):
        raise CodegenError(f"{body} is a generic function: name a concrete one to compile it")
    concrete = concrete.xreplace(dict(zip(function.variables, sp.symbols(variables))))
    source = ScalarNumPyPrinter().doprint(concrete).replace("numpy.", "np.")
    if not _can_overflow(concrete):
        return Kernel(name, f"def {name}({', '.join(variables)}):\n    return {source}")
    # limits such as inf / inf in a derivative at a saturated unit are 0, not nan
    return Kernel(name, f"def {name}({', '.join(variables)}):\n"
                        f"    with np.errstate(over='ignore', invalid='ignore', divide='ignore'):\n"
                        f"        return np.nan_to_num({source}, nan=0.0)")


def _can_overflow(expression: sp.Expr) -> bool:
    """exp, log or a division in a kernel can meet inf / inf or log(0) at saturated units."""
    return bool(expression.atoms(sp.exp, sp.log)) or any(
        power.exp.is_negative for power in expression.atoms(sp.Pow))


def _identifier(base: str, used: set[str]) -> str:
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in base).strip("_") or "f"
    name = name.lower() if name[0].isupper() else name
    if keyword.iskeyword(name) or name in used or name == "np" or name in HELPERS:
        name += "_"
    while name in used:
        name += "_"
    used.add(name)
    return name


def _names(form: VectorForm) -> dict:
    """Matrix symbol -> its name in generated code (`W^{(2)}` -> `W2`, `\\bar{Z}` -> `dZ`)."""
    names = {symbol: text_name(symbol.name) for symbol in form.symbols.values()}
    names.update({symbol: text_name(symbol.name) for symbol in form.adjoint_symbols.values()})
    return names


def _kernels(expressions) -> dict:
    """One kernel per element-wise function the expressions apply."""
    kernels, used = {}, set()
    for expression in expressions:
        for node in expression.atoms(Elementwise) | _elementwise_in(expression):
            if node.function not in kernels:
                kernels[node.function] = _kernel(node.function, used)
    return kernels


def _support(text: str, kernels: dict) -> list[str]:
    """The helpers and kernels that `text` calls, as source."""
    used = [kernel.source for kernel in kernels.values() if f"{kernel.name}(" in text]
    helpers = [source for name, source in HELPERS.items()
               if name == "softmax" or any(f"{name}(" in code for code in [text, *used])]
    return helpers + used


def compile_expression(form: VectorForm, expression) -> Callable[[dict], np.ndarray]:
    """A matrix expression of the vector form as a NumPy function of the named arrays (the
    generated module's names: `W2`, `A1`, `X`, ...), printed as `symnet codegen` prints the
    exact gradients; sizes are read from the arrays' shapes."""
    names = _names(form)
    kernels = _kernels([expression])
    printer = MatrixNumPyPrinter(names, kernels,
                                 {step.target: step.value for step in form.forward})
    value = printer.doprint(expression)
    # the sizes are read from the input and the parameters, as in `gradients`
    leaves = [form.symbols[name] for name in ["X"] + form.parameters()]
    arrays = sorted({names[symbol] for symbol in expression.free_symbols if symbol in names}
                    | {names[symbol] for symbol in leaves})
    lines = ["def evaluate(arrays):"]
    lines += [f"    {name} = arrays[{name!r}]" for name in arrays]
    lines += _size_bindings(form, names)
    lines += [f"    return np.asarray({value}, dtype=float)"]
    text = "\n".join(lines)
    module: dict = {"np": np}
    source = "\n\n".join(_support(text, kernels) + [text])
    exec(compile(source, "<document gradient>", "exec"), module)
    return module["evaluate"]


def generate(document: Document) -> str:
    """The module's source."""
    form = vector_form(document.network)
    names = _names(form)
    spec = form.spec
    extra = []
    if spec.l2 is not None and isinstance(spec.l2.coefficient, sp.Symbol):
        names[spec.l2.coefficient] = "l2"
        extra = ["l2"]
    kernels = _kernels(step.value for step in form.forward + form.backward)
    printer = MatrixNumPyPrinter(names, kernels,
                                 {step.target: step.value for step in form.forward})
    parameters = [names[form.symbols[name]] for name in form.parameters()]
    leaves = [names[form.symbols["X"]]] + parameters
    arguments = ", ".join(leaves + extra)
    data = f"{names[form.symbols['X']]}, {names[form.symbols['Y']]}"
    sizes = _size_bindings(form, names)

    def lines(steps):
        return [line for step in steps
                for line in _assignment(names[step.target], step.value, printer)]

    forward_steps = [step for step in form.forward if step.node != "loss"]
    loss_step = form.forward[-1]
    backward = _inlined([step for step in form.backward if step.node not in ("X", "Y")])
    outputs = _parameter_adjoints(form, names, backward)
    body = [
        f"def forward({arguments}):",
        '    """Every pre-activation and activation, by name."""',
        *sizes,
        *lines(forward_steps),
        "    return {" + ", ".join(f'"{names[step.target]}": {names[step.target]}'
                                   for step in forward_steps) + "}",
        "",
        "",
        f"def loss({data}, {', '.join(parameters + extra)}):",
        *sizes,
        *lines(forward_steps),
        f"    return float({printer.doprint(loss_step.value)})",
        "",
        "",
        f"def gradients({data}, {', '.join(parameters + extra)}):",
        '    """The loss and its gradient with respect to every parameter, each a new array."""',
        *sizes,
        *lines(forward_steps),
        f"    {names[loss_step.target]} = float({printer.doprint(loss_step.value)})",
        *lines(backward),
        f"    return {names[loss_step.target]}, {{{outputs}}}",
        "",
        "",
        *_step(form, names, printer, backward, extra, data, sizes, lines(forward_steps)),
    ]
    text = "\n".join(body)
    source = [
        '"""Generated by symnet: the forward pass, the loss and its exact gradients, at the',
        "matrix level; needs NumPy only. Samples are " + {
            "columns": "the columns of X", "rows": "the rows of X",
            "single": "one: x is a column vector"}[spec.samples] + '."""',
        "",
        "import numpy as np",
        "",
        # the file's words go in as string literals (repr), never as code or docstring text
        f"SOURCE = {document.path!r}",
        f"TITLE = {document.title!r}",
        "",
        "PARAMETERS = (" + "".join(f'"{name}", ' for name in parameters) + ")",
        "",
        *(source + "\n" for source in _support(text, kernels)),
        "",
        text,
    ]
    return "\n".join(source)


LEARNING_RATE = sp.Symbol("learning_rate", positive=True)


def _step(form: VectorForm, names: dict, printer: MatrixNumPyPrinter, backward: list[Step],
          extra: list[str], data: str, sizes: list[str], forward: list[str]) -> list[str]:
    """`step`: the backward pass seeded with dL/dL = -learning_rate instead of 1. Reverse mode
    is linear in its seed, so every adjoint, and every gradient, comes out already multiplied
    by -learning_rate, for the price of scaling the seed's terms (the output's small adjoint),
    not every gradient; the parameter is then added in place. Without visible linearity (no
    rule of ours breaks it) the gradients are computed and scaled one by one."""
    signature = f"def step(parameters, {data}, learning_rate{', l2' if extra else ''}):"
    loss_step = form.forward[-1]
    seeded = _seeded(backward, set(form.adjoint_symbols.values()), -LEARNING_RATE)
    if seeded is None:
        return [
            signature,
            '    """One step of gradient descent: (loss, updated parameters). Each gradient is a',
            '    new array and becomes its updated parameter in place: no temporaries."""',
            f"    value, grads = gradients({data}, **parameters{', l2=l2' if extra else ''})",
            "    for name, gradient in grads.items():",
            "        gradient *= -learning_rate",
            "        gradient += parameters[name]",
            "        grads[name] = gradient   # (a NumPy scalar is rebound, not updated in place)",
            "    return value, grads",
            ""]
    parameters = [names[form.symbols[name]] for name in form.parameters()]
    updates = _parameter_adjoints(form, names, seeded)
    return [
        signature,
        '    """One step of gradient descent: (loss, updated parameters), new arrays. The',
        "    backward pass starts from -learning_rate instead of 1, so that it yields the",
        '    updates themselves."""',
        f"    {', '.join(parameters)}{',' * (len(parameters) == 1)} = "
        "(parameters[name] for name in PARAMETERS)",
        *sizes,
        *forward,
        f"    {names[loss_step.target]} = float({printer.doprint(loss_step.value)})",
        *(line for step in seeded for line in _assignment(names[step.target], step.value,
                                                           printer)),
        f"    updates = {{{updates}}}",
        "    for name, update in updates.items():",
        "        update += parameters[name]",
        "        updates[name] = update     # (a NumPy scalar is rebound, not updated in place)",
        f"    return {names[loss_step.target]}, updates",
        ""]


def _assignment(target: str, value, printer: MatrixNumPyPrinter) -> list[str]:
    """`Z1 = W1 @ X + b1` as `Z1 = W1 @ X` then `Z1 += b1`: a product of matrices is a new
    array of the whole sum's shape, so the other terms are added into it rather than into a
    temporary (one array and one pass less per layer)."""
    products = [term for term in value.args if _makes_an_array(term, value.shape)] \
        if isinstance(value, MatAdd) else []
    if not products:
        return [f"    {target} = {printer.doprint(value)}"]
    return [f"    {target} = {printer.doprint(products[0])}"] + [
        f"    {target} += {printer.doprint(term)}" for term in value.args
        if term is not products[0]]


def _makes_an_array(term, shape) -> bool:
    """Whether `term` is a product of two matrices or more, none of them ones (which print as
    broadcasting or sums), of the full `shape`: its value is always a new array."""
    return isinstance(term, MatMul) and term.shape == shape and sum(
        not isinstance(factor, OneMatrix) and not (isinstance(factor, Transpose) and isinstance(
            factor.arg, OneMatrix)) for factor in term.as_coeff_matrices()[1]) >= 2


def _seeded(steps: list[Step], adjoints: set, seed: sp.Expr) -> list[Step] | None:
    """The backward steps for dL/dL = `seed`: the terms that hold no adjoint are the ones the
    seed reaches directly, so they are multiplied by it; the others are linear in adjoints
    that already carry it. None when a term is not linear in the adjoints."""
    seeded = []
    for step in steps:
        terms = step.value.args if isinstance(step.value, MatAdd) else (step.value,)
        if not all(_linear_in(term, adjoints) for term in terms):
            return None
        terms = [term if term.free_symbols & adjoints else scaled(seed, term) for term in terms]
        seeded.append(Step(step.node, step.target, terms[0] if len(terms) == 1
                           else MatAdd(*terms)))
    return seeded


def _linear_in(expression, adjoints: set) -> bool:
    """Whether `expression` is linear in the adjoints (or free of them): sums of linear
    terms, products with one linear factor, transposes and sums of entries of them."""
    if expression in adjoints or not expression.free_symbols & adjoints:
        return True
    holding = [arg for arg in expression.args if arg.free_symbols & adjoints]
    if isinstance(expression, MatAdd):
        return len(holding) == len(expression.args) and all(
            _linear_in(arg, adjoints) for arg in holding)
    if isinstance(expression, (MatMul, HadamardProduct, Transpose, EntrySum)):
        return len(holding) == 1 and _linear_in(holding[0], adjoints)
    return False


def _inlined(steps: list[Step]) -> list[Step]:
    """An adjoint used by one later step only, and holding an inverse (Y / A of a
    cross-entropy), is written into that step and simplified there: the softmax rule then
    gives A * (1^T Y) - Y, without dividing by the softmax."""
    steps = list(steps)
    for index, step in enumerate(steps):
        if not step.value.atoms(HadamardPower) or not any(
                power.args[1] == -1 for power in step.value.atoms(HadamardPower)):
            continue
        users = [later for later in steps[index + 1:] if step.target in later.value.free_symbols]
        if len(users) == 1:
            user = users[0]
            value = distribute(user.value.xreplace({step.target: step.value}))
            steps[steps.index(user)] = Step(user.node, user.target, value)
            steps[index] = None
    return [step for step in steps if step is not None]


def _made_arrays(steps: list[Step], names: dict) -> set[str]:
    """The names of the steps that compute a new array (not a name or a transposed name)."""
    def is_view(value) -> bool:
        return isinstance(value, (sp.Symbol, MatrixSymbol)) or \
            isinstance(value, Transpose) and is_view(value.arg)
    return {names[step.target] for step in steps if not is_view(step.value)}


def _parameter_adjoints(form: VectorForm, names: dict, steps: list[Step]) -> str:
    """The items of a dict literal, each parameter's name to its adjoint's array, which the
    caller may update in place."""
    made = _made_arrays(steps, names)
    return ", ".join(f'"{names[form.symbols[name]]}": '
                     + _fresh(names[form.adjoint_symbols[name]], made)
                     for name in form.parameters())


def _fresh(name: str, made: set[str]) -> str:
    """The gradient's name, copied when it is not an array made in `gradients` (an input
    itself, say), so that `step` can update it in place."""
    return name if name in made else f"{name}.copy()"


def _elementwise_in(expression) -> set:
    return {node for node in sp.preorder_traversal(expression) if isinstance(node, Elementwise)}


def _size_bindings(form: VectorForm, names: dict) -> list[str]:
    """`M = X.shape[1]`, ...: every symbolic size, read from an argument's shape."""
    bindings, seen = [], set()
    for name in ["X"] + form.parameters():
        symbol = form.symbols[name]
        for axis, size in enumerate(symbol.shape):
            if isinstance(size, sp.Symbol) and size not in seen:
                seen.add(size)
                bindings.append(f"    {names.get(size, size.name)} = "
                                f"{names[symbol]}.shape[{axis}]")
    return bindings

