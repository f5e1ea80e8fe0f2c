"""What a difference between the two sides is: `sign`, `factor` (a number or a power of a size),
`transpose`, `index` (two free indices swapped, a layer off by one), `shape`, else `other`
with a counterexample; and the term an approximation drops."""

from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from ..network import Network
from ..printing import latex as to_latex
from ..reading import Reading, read_sides
from ..resolve import Indexed, MatrixValue, NeedsBatch, Unresolvable
from ..size_sets import Networks
from .numbers import PROOF_SECONDS, Comparison, budget, evaluate, side_entries
from .results import LinkResult


def _ratio(comparison: Comparison) -> float | None:
    a, b = comparison.lhs, comparison.rhs
    mask = np.abs(a) > 1e-9 * max(np.abs(a).max(initial=0), 1e-300)
    if not mask.any() or np.any(np.abs(b[~mask]) > 1e-9 * max(np.abs(b).max(initial=0), 1)):
        return None
    ratios = b[mask] / a[mask]
    if np.ptp(ratios) <= 1e-7 * max(abs(ratios).max(), 1):
        return float(ratios.mean())
    return None


def diagnosis_of(link, latex, notation, networks, readings, comparison,
                 position=0) -> LinkResult:
    first = comparison[0] if not comparison[0].equal else comparison[1]
    index = comparison.index(first)
    reading = readings[index]
    if not first.shape_ok:
        transposed = _transposed(reading)
        if transposed is not None and transposed.equal:
            return LinkResult("wrong", diagnosis="transpose", message="the right side is "
                              "the transpose of the exact value")
        kind = "index" if "free indices" in first.message else "shape"
        return LinkResult("wrong", diagnosis=kind, message=first.message)
    ratios = [_ratio(c) if c.shape_ok and c.lhs is not None else None for c in comparison]
    if all(r is not None for r in ratios):
        scale = _factor(ratios, networks)
        if scale == -1:
            return LinkResult("wrong", diagnosis="sign", message="the right side has the "
                              "opposite sign", counterexample=_counterexample(reading, first))
        if scale is not None:
            factor = to_latex(scale)
            return LinkResult("wrong", diagnosis="factor", factor=factor, scale=scale,
                              message=f"the right side is ${factor}$ times the exact value",
                              counterexample=_counterexample(reading, first))
    transposed = _transposed(reading)
    if transposed is not None and transposed.equal:
        return LinkResult("wrong", diagnosis="transpose", message="the right side is the "
                          "transpose of the exact value")
    swapped = _swapped_indices(reading)
    if swapped:
        return LinkResult("wrong", diagnosis="index", message=f"holds with indices "
                          f"{swapped[0]} and {swapped[1]} exchanged on the right side",
                          counterexample=_counterexample(reading, first))
    changed = _one_change(link, latex, notation, networks, readings[0], position)
    if changed:
        return LinkResult("wrong", diagnosis="index", message=changed,
                          counterexample=_counterexample(reading, first))
    return LinkResult("wrong", diagnosis="other", message="the two sides differ",
                      counterexample=_counterexample(reading, first))


MAX_CHANGES = 40


def _one_change(link, latex, notation, networks, reading: Reading,
                position: int = 0) -> str | None:
    """The right side made to hold by changing one thing written on it: an index letter, or a
    layer superscript by one, or by exchanging two index letters everywhere on it (which,
    where the letters number the units of layers, also changes the layers). Says which, and
    where."""
    tries = []
    for kind, column, written in reading.rhs_sites:
        if kind == "index":
            tries += [(dict(index_change={column: letter}),
                       f"column {column}: index {written} should be {letter}")
                      for letter in reading.scope if letter != written and
                      not letter.startswith("_")]
        else:
            tries += [(dict(layer_shift={column: shift}),
                       f"column {column}: layer ({written}) should be ({written + shift})")
                      for shift in (1, -1)]
    tries = tries[:MAX_CHANGES] + _exchanges(reading.rhs_sites)
    for changes, message in tries:
        try:
            changed = [read_sides(link, latex, notation, networks, size_set, {},
                                  position=position, batch=reading.batch, **changes)
                       for size_set in (0, 1)]
            if all(evaluate(reading.but(lhs=c.lhs, rhs=c.rhs, network=c.network,
                                        dummies=c.dummies), seeds=[0]).equal
                   for c in changed):
                return message
        except (Unresolvable, NeedsBatch, IndexError, KeyError):
            continue
    return None


def _exchanges(sites) -> list[tuple[dict, str]]:
    """Two index letters exchanged at every place the right side writes them."""
    columns: dict[str, list[int]] = {}
    for kind, column, written in sites:
        if kind == "index":
            columns.setdefault(written, []).append(column)
    return [(dict(index_change={**{c: b for c in columns[a]}, **{c: a for c in columns[b]}}),
             f"holds with indices {a} and {b} exchanged on the right side")
            for a, b in itertools.combinations(sorted(columns), 2)][:MAX_CHANGES]


def _factor(ratios: list[float], networks: Networks) -> sp.Expr | None:
    """The factor: the same number at both size sets, or k * size^p (a claim checked at the
    document's sizes only, its entries written by number, has one: a number)."""
    first, second = ratios if len(ratios) == 2 else (ratios[0], ratios[0])
    if abs(first - second) <= 1e-7 * max(abs(first), 1):
        return sp.nsimplify(first, rational=True, tolerance=1e-9)
    small, large = networks.size_sets
    fits = []
    for name in small:
        for power in (1, -1, 2, -2):
            k1, k2 = first / small[name] ** power, second / large[name] ** power
            if abs(k1 - k2) <= 1e-7 * max(abs(k1), 1):
                fits.append((sp.nsimplify(k1, rational=True, tolerance=1e-9), name, power))
    if not fits:
        return None
    # two sizes that change alike both fit (1/n, or n_0/6): the plainest reading is the one
    k, name, power = min(fits, key=lambda fit: (abs(fit[2]), _plainness(fit[0])))
    return k * sp.Symbol(name) ** power


def _plainness(number: sp.Expr) -> float:
    """How plain a coefficient reads: 1 before 6 before 1/6 (a rational's numerator and
    denominator); anything else after every rational."""
    return abs(number.p) + number.q if number.is_Rational else float("inf")


def _transposed(reading: Reading):
    lhs, rhs = reading.lhs, reading.rhs
    if isinstance(lhs, MatrixValue) and isinstance(rhs, MatrixValue) and \
            lhs.shape == rhs.shape[::-1] and lhs.shape != (1, 1):
        return evaluate(reading.but(rhs=MatrixValue(rhs.matrix.T)), seeds=[0])
    return None


def _swapped_indices(reading: Reading):
    lhs, rhs = reading.lhs, reading.rhs
    if not (isinstance(lhs, Indexed) and isinstance(rhs, Indexed)) or len(rhs.free) < 2:
        return None
    ranges = {**lhs.ranges, **rhs.ranges}
    for a, b in itertools.combinations(sorted(rhs.free), 2):
        if ranges.get(a) != ranges.get(b):
            continue
        swapped = Indexed(rhs.free, rhs.ranges,
                          lambda asg, a=a, b=b: rhs.at({**asg, a: asg[b], b: asg[a]}))
        if evaluate(reading.but(rhs=swapped), seeds=[0]).equal:
            return a, b
    return None


def _counterexample(reading: Reading, comparison: Comparison) -> dict | None:
    if comparison.lhs is None:
        return None
    differences = np.abs(comparison.lhs[0] - comparison.rhs[0])
    worst = int(differences.argmax())
    label = comparison.labels[worst]
    network = reading.network
    sizes = {name: value for name, value in network.sizes.items()}
    if isinstance(network.spec.batch, str):   # a named batch size (`batch = 1` names none)
        sizes[network.spec.batch] = network.batch
    point = {symbol.name: round(float(value), 6) for symbol, value in
             list(comparison.point.items())[:24] if not symbol.name.startswith("_eta")}
    return {"sizes": sizes, "entry": label if isinstance(label, dict) else list(label),
            "point": point, "left": float(comparison.lhs[0][worst]),
            "right": float(comparison.rhs[0][worst])}


def _node_level(network: Network, expression: sp.Expr, rounds: int = 8) -> sp.Expr:
    """Adjoint symbols replaced by their one-step definitions until only node values remain
    (or the expression would grow past reading)."""
    adjoints = network.adjoints
    local = {bar: value for name in adjoints.bars
             for bar, value in zip(adjoints.bars[name], adjoints.local[name])}
    for _ in range(rounds):
        bars = {symbol: local[symbol] for symbol in expression.free_symbols if symbol in local}
        if not bars:
            break
        expanded = expression.xreplace(bars)
        if sp.count_ops(expanded) > 400:
            break
        expression = expanded
    # write activations as the document does (A), not as their definitions (exp(z) / sum)
    activations = {definition: symbol for node in network.graph.nodes.values()
                   if node.kind == "activation"
                   for symbol, definition in zip(node.symbols, node.definition)}
    return expression.subs(activations)


def residual_of(reading: Reading, comparison: Comparison) -> tuple[str, float]:
    left, right = side_entries(reading)
    dropped = _node_level(reading.network, sp.sympify(left[0] - right[0]))
    try:
        with budget(PROOF_SECONDS):
            dropped = sp.factor(sp.expand(dropped))
    except (TimeoutError, RecursionError):
        pass   # out of budget: the term as it is, unfactored, is still the dropped term
    text = to_latex(dropped)   # whole: a cut would leave unbalanced braces in a report
    a, b = comparison.lhs, comparison.rhs
    size = float(np.linalg.norm(a - b) / max(np.linalg.norm(a), 1e-300))
    return text, size
