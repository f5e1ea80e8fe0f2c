"""Judge one claim: read each link of its chain, compare both sides, and diagnose differences.

Equality is decided numerically first (float64 at random points, at two different size sets,
then 50-digit confirmation) and proved symbolically second, under a time budget. A difference
is explained: `sign`, `factor` (a number or a power of a size), `transpose`, `index` (two free
indices swapped, or a layer superscript off by one), `shape`, else `other` with a counterexample.
"""

from __future__ import annotations

import itertools
import re
import signal
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import mpmath
import numpy as np
import sympy as sp
from lark import Tree

from .conventions import FUNCTION_NAMES, LOSS_NAMES, ascii_latex
from .grammar import ClaimSyntaxError, Relation, equations, links, parse_claim, source_of
from .matrix_proof import holds_for_all_sizes
from .network import Network
from .notation import PARAMETER_KINDS, Notation, marks_layer_with, normalise
from .numeric import Evaluation, NotNumeric
from .printing import latex as to_latex
from .reading import (Reading, layer_positions, layer_variables, read_sides,
                      uses_layer_variable)
from .resolve.trees import labelled_name, name_of, written_tokens
from .resolve.values import INDEX_NAMES
from .resolve import (BUILTIN_FUNCTIONS, Context, Indexed, IndexMismatch, MatrixValue,
                      NeedsBatch, NoSuchLayer, OutOfRange, ParameterLeftOut, Resolver,
                      ShapeMismatch, Unresolvable, merge_ranges)
from .size_sets import Networks
from .statements import (ACCUMULATED, ARROWS, INCREMENT, UPDATE, accumulates, increments,
                         statements)
from .vector_form import vector_form_of

EXACT = {"=", ":=", r"\equiv"}
APPROXIMATE = {r"\approx", r"\simeq"}
DISTRIBUTED = {r"\sim", r"\in"}   # `W \sim rand(n, m)`, `W \in R^{n \times m}`: shapes
TOLERANCE = 1e-9
POINTS = 2
# the proof's work is bounded by PROOF_MAX_OPS and its steps (the slowest seed proof takes
# 0.35 s); the clock is only the guard against a hang, set well above, so that whether a claim
# is proved does not depend on how loaded the machine is (reports must not change with it)
PROOF_SECONDS = 2.0
BUDGET_REPEAT = 0.2   # seconds between alarms once a budget has run out
PROOF_MAX_OPS = 400   # larger differences are left to the numbers


@dataclass
class Verdict:
    id: str
    latex: str
    verdict: str                      # holds | approximation | wrong | unchecked
    proof: str | None = None          # symbolic | numeric
    diagnosis: str | None = None      # sign | factor | transpose | index | shape | other
    factor: str | None = None         # LaTeX, for diagnosis = factor
    depends_on: list[str] = field(default_factory=list)
    message: str = ""
    counterexample: dict | None = None
    residual: str | None = None       # LaTeX of the dropped term (approximation)
    relative_size: float | None = None
    links: list = field(default_factory=list, repr=False)   # LinkResult of each link
    correction: Any = None            # correct.Correction: the line that holds, when found
    counterpart: str | None = None    # symnet's `lhs = ...` in the document's notation
    no_counterpart: str = ""          # why there is none (when counterparts were asked for)
    all_sizes: bool = False           # proof: symbolic as matrix algebra, for every size

    def to_json(self) -> dict:
        """The verdict as JSON data; measured numbers rounded to what they can say (the last
        digits of a float differ with the BLAS thread schedule, and a report must not)."""
        keys = ("id", "latex", "verdict", "proof", "diagnosis", "factor", "depends_on",
                "message")
        result = {key: getattr(self, key) for key in keys}
        result["depends_on"] = list(self.depends_on)
        counterexample = self.counterexample and dict(self.counterexample)
        if counterexample:
            counterexample["left"] = _significant(counterexample["left"], 6)
            counterexample["right"] = _significant(counterexample["right"], 6)
        result["counterexample"] = counterexample
        if self.residual is not None:
            result["residual"] = self.residual
            result["relative_size"] = _significant(self.relative_size, 3)
        if self.correction is not None:
            result["correction"] = self.correction.latex
            result["correction_edit"] = self.correction.edit
        if self.counterpart is not None:
            result["counterpart"] = self.counterpart
        elif self.no_counterpart:
            result["no_counterpart"] = self.no_counterpart
        if self.proof == "symbolic":
            result["for_all_sizes"] = self.all_sizes
        return result


def _significant(value: float | None, digits: int) -> float | None:
    return None if value is None else float(f"{value:.{digits}g}")


@dataclass
class DocumentState:
    """What earlier claims established for later ones: the symbols they define (`E = ...`) and
    the approximations they make (`\\partial L / \\partial Z \\approx A - Y`)."""

    definitions: dict = field(default_factory=dict)       # name -> (tree, latex)
    approximations: list = field(default_factory=list)    # (claim id, Relation, latex)
    # False when only "does it hold?" is asked (a candidate correction): no diagnosis, no
    # symbolic proof, no search for the loss it would be exact for
    diagnose: bool = True
    running: set = field(default_factory=set)   # names an algorithm reassigns (`g \leftarrow`)

    def copy(self) -> "DocumentState":
        return DocumentState(dict(self.definitions), list(self.approximations), self.diagnose,
                             set(self.running))


@dataclass
class LinkResult:
    verdict: str
    proof: str | None = None
    diagnosis: str | None = None
    factor: str | None = None
    depends_on: list[str] = field(default_factory=list)
    message: str = ""
    counterexample: dict | None = None
    residual: str | None = None
    relative_size: float | None = None
    missing_layer: bool = False     # unreadable only because a layer variable overshot
    parameter_left_out: bool = False   # unreadable while `w` (no layer) has no layer bound
    all_sizes: bool = False         # proved as matrix algebra, for every size
    scale: Any = None               # for diagnosis = factor: right side / exact, a SymPy number


def judge(claim_id: str, latex: str, notation: Notation,
          networks: Networks, state: DocumentState | None = None) -> Verdict:
    """The verdict on one claim. `state` carries what earlier claims defined and approximated;
    this claim's definitions and approximations are added to it."""
    state = DocumentState() if state is None else state
    definitions = state.definitions
    # Unicode math (σ, ∂, ᵀ) is read as the LaTeX it stands for; the verdict keeps the text as
    # written (columns in messages are those of the LaTeX reading)
    written, latex = latex, ascii_latex(latex)
    try:
        chain = increments(chain_of(latex), notation)
    except ClaimSyntaxError as error:
        return Verdict(claim_id, written, "unchecked",
                       message=_where(error.column) + error.message)
    if not chain:
        return Verdict(claim_id, written, "unchecked",
                       message="no relation (=, \\approx, \\leftarrow ...) to check")
    if accumulates(chain):   # later claims' `\Delta W` is the sum this claim accumulates
        definitions[INCREMENT] = (ACCUMULATED, latex)
    defined = _definition(chain, notation, networks, definitions, latex)
    if defined:
        definitions[defined] = (_defined(chain[0], notation), latex)
        scripted = scripted_name(chain[0].lhs, notation) or labelled_name(chain[0].lhs, latex)
        name = defined if scripted is None else ' '.join(source_of(chain[0].lhs, latex).split())
        return Verdict(claim_id, written, "holds", "symbolic",
                       message=f"defines {name} (used by later claims)")
    running = _running(chain, notation, networks, state)
    results, messages = [], []
    positions = layer_positions(latex, notation, networks.spec)
    if running:   # the first link assigns; the others read the value from before it
        results.append(LinkResult("holds", "symbolic"))
        messages.append(f"assigns {running}")
        positions = _at_the_first_iteration(chain[1:], latex, notation, state, positions,
                                            messages)
    for number, link in enumerate(chain, start=1):
        if running and number == 1:
            continue
        label = _label(link, notation, networks, definitions)
        if label is not None:
            definitions[label] = (link.rhs, latex)
            results.append(LinkResult("holds", "symbolic"))
            messages.append(f"'{label}' names what follows it")
            continue
        result = _judge_at_positions(link, latex, notation, networks, state, positions)
        if result.verdict == "approximation" and link.relation in APPROXIMATE:
            state.approximations.append((claim_id, link, latex))
        message = result.message
        # a link that does not hold is named; a holding link's remarks (how symnet read it)
        # are said once for the chain
        if len(chain) > 1 and result.verdict != "holds":
            message = f"link {number} ({' '.join(source_of(link.lhs, latex).split())[:30]} " \
                      f"{link.relation} ...): {message}".rstrip(": ")
        results.append(result)
        messages.append(message)
    if running:
        definitions[running] = (chain[0].rhs, latex)
        state.running.add(running)
    return _combine(claim_id, written, results, messages)


def establish(claim_id: str, latex: str, notation: Notation, networks: Networks,
              state: DocumentState) -> None:
    """Add to `state` what judging the claim would (its definitions and approximations) at
    the cost of what can add to it: only a link written as an approximation needs judging,
    and then without explanations; the names a claim defines need reading only. Later claims
    can then be judged in any order, each from the state before it."""
    read = ascii_latex(latex)
    try:
        chain = increments(chain_of(read), notation)
    except ClaimSyntaxError:
        return
    running = _running(chain, notation, networks, state)
    if running:
        state.definitions[running] = (chain[0].rhs, read)
        state.running.add(running)
        return
    if any(link.relation in APPROXIMATE for link in chain):
        # a view of the same definitions and approximations, judged without explanations
        judge(claim_id, latex, notation, networks, replace(state, diagnose=False))
        return
    definitions = state.definitions
    if accumulates(chain):
        definitions[INCREMENT] = (ACCUMULATED, read)
    defined = _definition(chain, notation, networks, definitions, read)
    if defined:
        definitions[defined] = (_defined(chain[0], notation), read)
        return
    for link in chain:
        label = _label(link, notation, networks, definitions)
        if label is not None:
            definitions[label] = (link.rhs, read)


def _running(chain, notation: Notation, networks: Networks, state: DocumentState) -> str | None:
    """`g \\leftarrow \\nabla_{a^{(k)}} J = g \\odot f'(a^{(k)})`: the name an algorithm's
    step assigns with an arrow (its running gradient), a bare name the network does not read
    bare (nor updates: `W \\leftarrow W - \\eta \\nabla_W J` is a parameter's update), or one
    assigned so before. Later claims, and the links after the arrow, read it as the value it
    was last assigned."""
    first = chain[0] if chain else None
    if first is None or first.relation not in UPDATE or \
            not (isinstance(first.lhs, Tree) and first.lhs.data == "name"):
        return None
    name = name_of(first.lhs)
    if name in state.running:
        return name
    entries = notation.by_base(name)
    functions = {layer.activation.name for layer in networks.spec.layers}
    if name in functions or name in {str(token) for token in written_tokens([first.rhs])} or \
            any(entry.meaning.kind in PARAMETER_KINDS for entry in entries):
        return None
    unread = all(entry.variable is not None or entry.layer is not None for entry in entries)
    return name if unread and name not in state.definitions and \
        name not in networks.spec.sizes else None


def _at_the_first_iteration(links, latex: str, notation: Notation, state: DocumentState,
                            positions: list[int], messages: list[str]) -> list[int]:
    """The layer positions a claim that reads a running name is checked at: where the value it
    was last assigned is written without the claim's layer variable (assigned before the
    loop), the loop's first iteration only, the last layer (a backward pass runs from it)."""
    if len(positions) < 2:
        return positions
    names = {str(token) for token in written_tokens([link.rhs for link in links])}
    variables = [entry.base for entry in notation.entries
                 if entry.meaning.kind == "layer_variable" and
                 marks_layer_with(latex, entry.base, notation)]
    for name in sorted(names & state.running):
        tree, source = state.definitions[name]
        value = source_of(tree, source)
        if not any(marks_layer_with(value, variable, notation) for variable in variables):
            messages.append(f"{name} read as assigned before the loop: at its first "
                            f"iteration only ({', '.join(variables)} the last layer)")
            return positions[:1]
    return positions


def _label(link: Relation, notation: Notation, networks: Networks, definitions) -> str | None:
    """`\\mbox{Input} = x_0` in a block: prose naming a quantity, the name it gives."""
    if isinstance(link.lhs, Tree) and link.lhs.data == "word":
        return new_name(link.lhs, notation, networks, definitions)
    return None


def chain_of(latex: str) -> list[Relation]:
    """The links a claim states (its LaTeX read as ASCII), arrows between statements left
    out. Raises ClaimSyntaxError."""
    chain = []
    for equation in equations(latex):
        chain += links(parse_claim(equation))
    return statements(chain)


def _judge_at_positions(link: Relation, latex: str, notation: Notation, networks: Networks,
                        state: DocumentState, positions: list[int]) -> LinkResult:
    """The link at every layer position its layer variables take. A weight or bias written
    without its layer (`w \\rightarrow w - \\eta \\frac{\\partial C}{\\partial w}`) makes
    it a claim about the parameters of any layer: it is checked at every layer."""
    results = [_judge_link_safely(link, latex, notation, networks, state, position,
                                  len(positions) > 1) for position in positions]
    if any(result.parameter_left_out for result in results):
        anywhere = notation.with_parameters_at_any_layer(networks.spec.layers_from + 1)
        layers = layer_positions(latex, anywhere, networks.spec)
        retried = [_judge_link_safely(link, latex, anywhere, networks, state, position,
                                      len(layers) > 1) for position in layers]
        # (read so at no layer, it stays unchecked for what it was first: a layer left out)
        if any(result.verdict != "unchecked" for result in retried):
            results = retried
    return _worst(_at_existing_layers(results))


def _at_existing_layers(results: list[LinkResult]) -> list[LinkResult]:
    """A formula with `l+1` is meant for every l but the last: the values of the layer
    variables at which it names a layer the network lacks are left out (and said so), as
    long as it can be read at some other value."""
    kept = [result for result in results if not result.missing_layer]
    if not kept or len(kept) == len(results):
        return results
    skipped = "; ".join(result.message for result in results if result.missing_layer)
    for result in kept:
        result.message = "; ".join(filter(None, [result.message, f"not read {skipped}"]))
    return kept


def _worst(results: list[LinkResult]) -> LinkResult:
    """The verdict that counts; among wrong ones, a shape error first (a formula that does
    not fit at some layer is wrong in shape, whatever it gives where it happens to fit)."""
    order = ["wrong", "unchecked", "approximation", "holds"]
    return min(results, key=lambda r: (order.index(r.verdict), r.diagnosis != "shape"))


def _judge_link_safely(link, latex, notation, networks, state, position,
                       several: bool) -> LinkResult:
    """One link at one layer position; every failure becomes a result, never an exception."""
    try:
        result = _judge_link(link, latex, notation, networks, state, position)
    except ShapeMismatch as error:
        result = LinkResult("wrong", diagnosis="index" if isinstance(error, IndexMismatch)
                            else "shape", message=_where(error.column) + error.message)
    except (Unresolvable, NeedsBatch) as error:
        result = LinkResult("unchecked", message=str(error),
                            parameter_left_out=isinstance(error, ParameterLeftOut))
    except Exception as error:   # a bug in symnet must not hide the other claims
        result = LinkResult("unchecked", message=f"symnet failed on this link "
                            f"({type(error).__name__}: {error}); please report it")
    if several and result.verdict != "holds":
        values = ", ".join(f"{name} = {value}" for name, value in layer_variables(
            notation, networks.get(0, True), position)
            if uses_layer_variable(latex, name, notation))
        result.message = f"with {values}: {result.message}"
    return result


def _combine(claim_id: str, latex: str, results: list[LinkResult],
             messages: list[str]) -> Verdict:
    worst = _worst(results)
    proofs = {r.proof for r in results if r.verdict in ("holds", "approximation")}
    proof = None if not proofs else "symbolic" if proofs == {"symbolic"} else "numeric"
    messages = "; ".join(dict.fromkeys(message for message in messages if message))
    depends_on = sorted({name for r in results for name in r.depends_on})
    all_sizes = proof == "symbolic" and all(r.all_sizes for r in results)
    return Verdict(claim_id, latex, worst.verdict, proof if worst.verdict != "unchecked"
                   else None, worst.diagnosis, worst.factor, depends_on, messages,
                   worst.counterexample, worst.residual, worst.relative_size, links=results,
                   all_sizes=all_sizes and worst.verdict == "holds")


def _definition(chain, notation: Notation, networks: Networks, definitions,
                latex: str) -> str | None:
    """The name a claim `E = ...` defines: a bare symbol neither the notation, the sizes nor
    an earlier definition knows (or such a symbol with a layer variable or entry letters,
    `scripted_name`; or with a label, `E_{o1}`, stored as written). Entries defined without a
    layer (`e_j = d_j - y_j`) are no forward-pass step: their right side writes no weight."""
    if len(chain) != 1 or chain[0].relation not in ("=", ":="):
        return None
    labelled = labelled_name(chain[0].lhs, latex)
    if labelled is not None:   # (unless the notation names it: `'E_{total}' = "loss"`)
        known = {entry.base for entry in notation.entries} | set(definitions)
        return None if labelled in known or normalise(labelled) in known or \
            notation.named_entry(name_of(chain[0].lhs.children[0]),
                                 normalise(labelled.split("_", 1)[1])) else labelled
    lhs = scripted_name(chain[0].lhs, notation)
    if lhs is not None and not _has_layer(lhs) and any(
            entry.meaning.kind == "weight" for token in written_tokens([chain[0].rhs])
            for entry in notation.by_base(str(token))):
        return None
    return new_name(chain[0].lhs, notation, networks, definitions)


def new_name(lhs, notation: Notation, networks: Networks, definitions) -> str | None:
    """`E` in `E = ...`, `Input` in `\\text{Input} = x_0`: a bare symbol (or word) that
    neither the notation, the sizes, an earlier definition nor a function name knows; also
    such a symbol with a layer variable or entry letters (`scripted_name`)."""
    scripted = scripted_name(lhs, notation)
    lhs = scripted.children[0] if scripted is not None else _at_no_iteration(lhs, notation)
    if not (isinstance(lhs, Tree) and lhs.data in ("name", "command", "word")):
        return None
    name = name_of(lhs)
    known = {entry.base for entry in notation.entries} | set(networks.spec.sizes) | \
        set(definitions) | set(BUILTIN_FUNCTIONS) | set(FUNCTION_NAMES) | set(LOSS_NAMES)
    return None if name in known else name


def scripted_name(lhs, notation: Notation) -> Tree | None:
    """`D^{(l)}`, `D^{[l]}_{ij}`, `e_j`, `e_j(n)` (at the iteration n): a name with a layer
    variable of the notation in parentheses or brackets and at most entry letters under it,
    or with entry letters only; the scripted name, else None. (A name with a layer number,
    `s^{(2)} = ...`, is a forward pass the notation does not know, not a definition.)"""
    lhs = _at_no_iteration(lhs, notation)
    if not (isinstance(lhs, Tree) and lhs.data == "scripted"):
        return None
    scripts = {script.data: script.children[0] for script in lhs.children[1].children}
    letters = [str(token) for token in written_tokens([scripts.get("sub")])]
    if not all(letter.isalpha() for letter in letters) or len(letters) > 3:
        return None   # (`E_{total}`: a word labels the name, it numbers no entries)
    mark = scripts.get("sup")
    if mark is None:
        return lhs if letters else None
    if mark.data == "script_list" and len(mark.children) == 1:
        mark = mark.children[0]
    variables = {entry.base for entry in notation.entries
                 if entry.meaning.kind == "layer_variable"}
    layered = isinstance(mark, Tree) and mark.data == "group" and len(mark.children) == 1 \
        and name_of(mark.children[0]) in variables
    return lhs if layered else None


def _has_layer(scripted: Tree) -> bool:
    return any(script.data == "sup" for script in scripted.children[1].children)


def _at_no_iteration(tree, notation: Notation):
    """`e_j(n)` with n the iteration's letter: `e_j`, the value at any step."""
    if isinstance(tree, Tree) and tree.data == "call" and len(tree.children) == 2 and \
            name_of(tree.children[1]) in notation.marker("iteration"):
        return tree.children[0]
    return tree


def _defined(link: Relation, notation: Notation):
    """What a definition stores: its right side; with the left side's scripts, when it
    defines a name with a layer or entries."""
    scripted = scripted_name(link.lhs, notation)
    if scripted is not None:
        return Tree("scripted_definition", [scripted, link.rhs], link.lhs.meta)
    return link.rhs


def _where(column: int | None) -> str:
    return f"column {column}: " if column else ""


def _judge_link(link: Relation, latex: str, notation: Notation, networks: Networks,
                state: DocumentState, position: int = 0) -> LinkResult:
    definitions = state.definitions
    if link.unreadable:
        return LinkResult("unchecked", message=link.unreadable)
    if link.relation not in EXACT | APPROXIMATE | UPDATE | DISTRIBUTED | ARROWS:
        return LinkResult("unchecked", message=f"symnet does not check the relation "
                                               f"{link.relation}")
    try:
        # (a term accumulated in a loop over the samples is one sample's)
        batch = False if link.one_sample and networks.spec.samples != "single" else None
        readings = [read_sides(link, latex, notation, networks, 0, definitions,
                               position=position, batch=batch)]
        try:
            readings.append(read_sides(link, latex, notation, networks, 1, definitions,
                                       position=position, batch=batch))
        except OutOfRange:
            # entries written by their numbers (`w_{j1} a_1 + w_{j2} a_2 + w_{j3} a_3`) are
            # the document's sizes': the second, smaller size set has no such entries
            readings[0].notes.append("its entries are numbered for the document's sizes: "
                                     "checked at those only")
    except ShapeMismatch as error:
        kind = "index" if isinstance(error, IndexMismatch) else "shape"
        return LinkResult("wrong", diagnosis=kind, message=_where(error.column) + error.message)
    except Unresolvable as error:
        return LinkResult("unchecked", message=_where(error.column) + error.message,
                          missing_layer=isinstance(error, NoSuchLayer),
                          parameter_left_out=isinstance(error, ParameterLeftOut))
    result = _judge_readings(link, latex, notation, networks, state, position, readings)
    notes = [link.note, *readings[0].notes]
    if any(notes):   # how symnet read an informal notation, said with the verdict
        result.message = "; ".join(filter(None, [result.message, *notes]))
    return result


def _judge_readings(link, latex, notation, networks, state, position, readings) -> LinkResult:
    definitions = state.definitions
    if link.relation in DISTRIBUTED:
        return _judge_shapes(readings, link.relation)
    update = link.relation in UPDATE or _is_update(link, readings[0])
    if update:
        return _judge_update(readings)
    if link.relation in ARROWS:
        return LinkResult("unchecked", message=f"symnet does not check the relation "
                                               f"{link.relation} here (it reads it as an "
                                               "update of a parameter, or between statements)")
    comparison = [_compare(reading, confirm=index == 0)
                  for index, reading in enumerate(readings)]
    if all(c.equal for c in comparison):
        # a proof as matrix algebra holds at every size, the sizes checked among them
        every_size = state.diagnose and _for_all_sizes(link, latex, notation, networks,
                                                       definitions, position, readings[0])
        proof = "symbolic" if every_size else _prove(_smallest(readings)) if state.diagnose \
            else "numeric"
        return LinkResult("holds", proof=proof, all_sizes=every_size,
                          message="" if link.relation not in APPROXIMATE
                          else "exact, although written as an approximation")
    failing = next(c for c in comparison if not c.equal)
    if not state.diagnose:   # the same order of readings as below, without explanations
        if link.relation in APPROXIMATE and failing.shape_ok:
            return LinkResult("approximation")
        chained = state.approximations and _under_approximations(readings, state, notation)
        if chained and all(_compare(reading, confirm=False).equal for reading in chained[0]):
            return LinkResult("approximation", depends_on=chained[1])
        return LinkResult("wrong")
    identity = (_what_it_is(link, latex, notation, networks, definitions, position,
                            readings[0].batch)
                if _is_loss_derivative(readings[0]) else "")
    if link.relation in APPROXIMATE and failing.shape_ok:
        residual, size = _residual(readings[comparison.index(failing)], failing)
        return LinkResult("approximation", proof="numeric", residual=residual,
                          relative_size=size,
                          message=f"drops ${residual}$ (relative size {size:.2g})" + identity)
    if state.approximations:
        chained = _under_approximations(readings, state, notation)
        if chained is not None:
            result = _judge_in_chain(link, latex, notation, networks, *chained,
                                     position=position)
            result.message += identity
            return result
    concrete = _about_functions(readings[0]) and _concrete_function(
        link, latex, notation, networks, definitions, position, readings[0].batch)
    if concrete:
        return LinkResult("unchecked", message=concrete)
    result = _diagnose(link, latex, notation, networks, readings, comparison, position)
    result.message += identity
    return result


def _for_all_sizes(link, latex, notation, networks: Networks, definitions, position,
                   reading: Reading) -> bool:
    """A link between whole matrices proved as matrix algebra in the vector form's symbolic
    sizes (`matrix_proof`), within the proof's time budget."""
    if not (isinstance(reading.lhs, MatrixValue) and isinstance(reading.rhs, MatrixValue)):
        return False
    # as symnet read it, else on the batch (one sample's reading may not carry matrix forms)
    for batch in dict.fromkeys([reading.batch, True]):
        form = vector_form_of(networks.spec, one_sample=not batch)
        try:
            with _budget(PROOF_SECONDS):
                formed = read_sides(link, latex, notation, networks, 0, definitions,
                                    position=position, batch=batch, forms=form)
                lhs, rhs = (getattr(side, "form", None) for side in (formed.lhs, formed.rhs))
                if lhs is not None and rhs is not None and \
                        holds_for_all_sizes(lhs, rhs, form):
                    return True
        except Exception:   # noqa: BLE001 - not shown is not proved; the verdict stands
            continue
    return False


def _is_loss_derivative(reading: Reading) -> bool:
    """The left side is a derivative of the loss (it is written in adjoint symbols). Only the
    left side is written out: the right one may have an index the left does not bind."""
    lhs = reading.lhs
    names = lhs.free if isinstance(lhs, Indexed) else None
    entries, _ = _entries(_scalar_form(lhs), merge_ranges(lhs, reading.rhs), names)
    owners = reading.network.adjoints.owner_of_bar
    return bool(entries) and bool(sp.sympify(entries[0]).free_symbols & owners.keys())


def _what_it_is(link, latex, notation, networks: Networks, definitions, position=0,
                batch=None) -> str:
    """`; it is the exact gradient for the cross entropy loss ...` when the stated formula
    holds exactly for a network that differs from the declared one in its loss or output."""
    for text, alternative in networks.alternatives():
        try:
            # (at points that exercise a ReLU alternative's units: off, both sides are 0)
            if all(_evaluate(read_sides(link, latex, notation, alternative, size_set, definitions,
                                        position=position, batch=batch)).equal
                   for size_set in (0, 1)):
                return f"; it is exact for {text} instead of the declared one"
        except (Unresolvable, NeedsBatch, ShapeMismatch):
            continue
    return ""


def _about_functions(reading: Reading) -> bool:
    """The link speaks of functions of its own variables (`f'(u) = f(u)(1 - f(u))`), not of
    the network's quantities."""
    variables = set(reading.dummies.values())
    try:
        left, right = _side_entries(reading)
    except Exception:   # noqa: BLE001 - sides not written out entry by entry: not shown
        return False
    return all(sp.sympify(entry).free_symbols <= variables for entry in left + right)


def _concrete_function(link, latex, notation, networks: Networks, definitions, position=0,
                       batch=None) -> str:
    """A formula of a generic function that holds only if it is a particular activation
    (`f'(u) = \\frac{e^{-u}}{(1+e^{-u})^2}` with f declared generic) says which function the
    document means, not that it is wrong: what to declare, or "" when no activation makes it
    hold (its variables take both signs, so ReLU is not the identity)."""
    for name, layer, activation, alternative in networks.concrete_functions():
        if not re.search(r"(?<![A-Za-z\\])" + re.escape(name) + r"(?![A-Za-z])", latex):
            continue
        function = notation.with_function(name, layer)
        try:
            readings = [read_sides(link, latex, function, alternative, size_set, definitions,
                                   position=position, batch=batch) for size_set in (0, 1)]
        except (Unresolvable, NeedsBatch, ShapeMismatch):
            continue
        if all(_evaluate(reading.but(signed=frozenset(reading.dummies.values())),
                         seeds=[0, 1]).equal for reading in readings):
            return (f"{name} is a generic function in [network], and this formula holds "
                    f"when {name} is {activation}: declare activation = \"{activation}\" "
                    f"for its layers and '{name}' = \"activation_function\" in [notation]")
    return ""


def _judge_in_chain(link, latex, notation, networks, readings, used,
                    position=0) -> LinkResult:
    """The second pass: the link read with the document's earlier approximations in place of
    the exact adjoints they approximate."""
    comparison = [_compare(reading, confirm=index == 0)
                  for index, reading in enumerate(readings)]
    names = ", ".join(used)
    if all(c.equal for c in comparison):
        return LinkResult("approximation", proof="numeric", depends_on=used,
                          message=f"holds only under the approximation in {names}")
    result = _diagnose(link, latex, notation, networks, readings, comparison, position)
    result.depends_on = used
    result.message = f"wrong even under the approximation in {names}: {result.message}"
    return result


def _under_approximations(readings: list, state: DocumentState, notation: Notation):
    """The readings with the earlier approximations as overrides, and the claims used."""
    changed, used = [], set()
    for reading in readings:
        overrides, winners = {}, {}
        for claim_id, link, latex in state.approximations:
            try:
                found = _overrides(link, latex, reading, notation, state)
            except (Unresolvable, NeedsBatch):
                continue
            for bar, value in found.items():
                overrides[bar], winners[bar] = value, claim_id
        if not overrides:
            return None
        used.update(winners.values())
        changed.append(reading.but(overrides=overrides))
    return changed, sorted(used)


def _overrides(link: Relation, latex: str, reading: Reading, notation: Notation,
               state: DocumentState) -> dict:
    """adjoint symbol -> the approximation's value for it, in the reading's network."""
    context = Context(reading.network, notation, latex, reading.batch,
                      definitions=state.definitions)
    for variable, value in layer_variables(notation, reading.network):
        context.layers[variable] = value
    resolver = Resolver(context)
    lhs = resolver.side(link.lhs, average=False)
    resolver.keep_free(lhs)
    rhs = resolver.side(link.rhs, average=False)
    ranges = {**getattr(lhs, "ranges", {}), **getattr(rhs, "ranges", {})}
    left, _ = _entries(_scalar_form(lhs), ranges)
    right, _ = _entries(_scalar_form(rhs), ranges)
    bars = reading.network.adjoints.owner_of_bar
    found = {}
    for stated, value in zip(left, right):
        coefficient, symbol = sp.sympify(stated).as_coeff_Mul()
        if symbol in bars:
            found[symbol] = value / coefficient
    return found


# -- numbers ---------------------------------------------------------------------------------
@dataclass
class _Comparison:
    equal: bool
    shape_ok: bool
    lhs: np.ndarray | None = None
    rhs: np.ndarray | None = None
    labels: list | None = None
    message: str = ""
    point: dict | None = None


def _point(network: Network, seed: int, dummies: dict, digits: int | None = None,
           signed: frozenset = frozenset()) -> dict:
    """Random values for the leaves (targets in (0, 1)), the link's dummy variables and the
    learning rate; the leaves depend only on the seed, so every link sees the same network.
    The dummies are positive (`log x`), those a condition tests (`signed`) are negative at
    every other seed, so both cases of `1 if x > 0, else 0` are exercised."""
    rng = np.random.default_rng(seed)
    number = (lambda x: mpmath.mpf(float(x))) if digits else float
    point = {}
    for node in network.graph.leaves:
        low, high = (0.1, 0.9) if node.kind == "target" else (-1.5, 1.5)
        values = rng.uniform(low, high, node.shape)
        if node.kind == "target" and network.spec.loss.loss.distribution_targets:
            axis = 1 if network.spec.samples == "rows" else 0   # each sample sums to 1
            values = values / values.sum(axis=axis, keepdims=True)
        for symbol, value in zip(node.symbols, values.flat):
            point[symbol] = number(value)
    for symbol in sorted(dummies.values(), key=str):
        sign = -1 if symbol in signed and seed % 2 else 1
        point[symbol] = number(sign * rng.uniform(0.2, 1.2))
    point[sp.Symbol("_eta", positive=True)] = number(0.1)
    l2 = network.spec.l2
    if l2 is not None and isinstance(l2.coefficient, sp.Symbol):   # lambda, a named constant
        point[l2.coefficient] = number(0.37)
    return point


def _values(network: Network, point: dict, overrides: dict | None = None,
            key: tuple | None = None) -> Evaluation:
    """The values of the network's nodes and adjoints at the point, computed as they are
    asked for; `overrides` replaces the backward rule of some adjoints by the document's own
    (approximate) formula for them. Values without overrides are kept on the network under
    `key` (seed, digits): every claim of a document reads the same points."""
    definitions = _definitions(network)
    digits = key[1] if key is not None else None
    if overrides:
        return Evaluation(dict(point), digits, {**definitions, **overrides})
    cache = network.__dict__.setdefault("_numeric_values", {})
    if key is None:
        return Evaluation(dict(point), digits, definitions)
    if key not in cache:
        cache[key] = {}
    values = cache[key]
    values.update(point)   # the leaves depend on the seed only; a link's dummies are added
    return Evaluation(values, digits, definitions)


def forward_definitions(network: Network) -> dict:
    """Every non-leaf entry symbol -> its forward expression."""
    return {symbol: value for node in network.graph.nodes.values()
            if node.definition is not None
            for symbol, value in zip(node.symbols, node.definition)}


def _definitions(network: Network) -> dict:
    """Every non-leaf entry symbol -> its forward expression, every adjoint symbol -> its
    backward step."""
    found = network.__dict__.get("_definitions")
    if found is None:
        found = forward_definitions(network)
        graph, adjoints = network.graph, network.adjoints
        for name in graph.nodes:
            found.update(zip(adjoints.bars[name], adjoints.local[name]))
        network.__dict__["_definitions"] = found
    return found


_ENTRY_CACHE: dict = {}


def _entries(value, ranges: dict, names=None) -> tuple[list, list]:
    """The value's entries (and their labels), over `names` (default: its free indices).
    Kept per value: the same side is evaluated at many points and in several diagnoses."""
    key = (id(value), tuple(sorted(names or ())), tuple(sorted(ranges.items())))
    cached = _ENTRY_CACHE.get(key)
    if cached is not None and cached[0] is value:
        return cached[1]
    result = _compute_entries(value, ranges, names)
    _ENTRY_CACHE[key] = (value, result)
    return result


def clear_caches() -> None:
    """Forget the entries kept for a document's values (call between documents)."""
    _ENTRY_CACHE.clear()


def _compute_entries(value, ranges: dict, names=None) -> tuple[list, list]:
    if isinstance(value, MatrixValue):
        return ([value.matrix[i, j] for i in range(value.shape[0])
                 for j in range(value.shape[1])],
                [(i + 1, j + 1) for i in range(value.shape[0]) for j in range(value.shape[1])])
    names = sorted(value.free if names is None else names)
    missing = [name for name in names if name not in ranges]
    if missing:
        raise Unresolvable(f"the range of index {missing[0]} is not known")
    assignments = [dict(zip(names, combo))
                   for combo in itertools.product(*(range(ranges[n]) for n in names))]
    return ([value.at(a) for a in assignments],
            [{k: v + 1 for k, v in a.items()} for a in assignments])


def _shape_of(value) -> str:
    if isinstance(value, MatrixValue):
        return f"{value.shape[0]}x{value.shape[1]}"
    return "indexed by " + (", ".join(sorted(INDEX_NAMES.get(index, index)
                                             for index in value.free)) or "nothing (a scalar)")


CANDIDATE_SEEDS = 6
MAX_POINTS = POINTS + 1


def _exercising_seeds(network: Network) -> list[int]:
    """The points a claim is evaluated at. With ReLU layers, chosen among CANDIDATE_SEEDS so
    that every ReLU pre-activation entry is positive at one point and negative at another (as
    far as MAX_POINTS points allow): where a unit is off, both sides of a claim can agree by
    accident, and a missing ReLU' factor would go unnoticed."""
    cached = network.__dict__.get("_seeds")
    if cached is not None:
        return cached
    kinks = [symbol for number, layer in enumerate(network.layers, start=1)
             if layer.activation.name == "relu"
             for symbol in network.graph.nodes[f"Z[{number}]"].symbols]
    seeds = list(range(POINTS))
    if kinks:
        covers = {}
        for seed in range(CANDIDATE_SEEDS):
            values = _values(network, _point(network, seed, {}), key=(seed, None))
            covers[seed] = {(symbol, values(symbol) > 0) for symbol in kinks}
        seeds, covered = [], set()
        while len(seeds) < MAX_POINTS and len(covered) < 2 * len(kinks):
            best = max((seed for seed in covers if seed not in seeds),
                       key=lambda seed: len(covers[seed] - covered))
            if not covers[best] - covered and len(seeds) >= POINTS:
                break
            seeds.append(best)
            covered |= covers[best]
    network.__dict__["_seeds"] = seeds
    return seeds


def _evaluate(reading: Reading, seeds=None, digits=None) -> _Comparison:
    lhs, rhs = reading.lhs, reading.rhs
    seeds = _exercising_seeds(reading.network) if seeds is None else seeds
    if isinstance(lhs, MatrixValue) != isinstance(rhs, MatrixValue) and not (
            _is_scalar(lhs) and _is_scalar(rhs)):
        return _Comparison(False, False, message=f"the left side is {_shape_of(lhs)}, the "
                                                 f"right side {_shape_of(rhs)}")
    if isinstance(lhs, MatrixValue) and isinstance(rhs, MatrixValue) and lhs.shape != rhs.shape:
        return _Comparison(False, False, message=f"the left side is {_shape_of(lhs)}, the "
                                                 f"right side {_shape_of(rhs)}")
    # the right side may be constant along an index of the left (dz_i/dW_ij = h_j, every i);
    # an index free only on the right is unbound
    if isinstance(lhs, Indexed) and isinstance(rhs, Indexed) and not rhs.free <= lhs.free:
        left, right = (", ".join(sorted(side.free)) or "none" for side in (lhs, rhs))
        message = f"free indices differ: {left} on the left, {right} on the right"
        repeated = sorted(rhs.free - lhs.free)
        if repeated and set(repeated) <= reading.repeated:
            # `z_i = W_{ij} x_j` in a document that leaves such sums implicit
            message += (f" ({', '.join(repeated)} repeated in a product and not summed; if the "
                        "document sums repeated indices, declare summation = \"einstein\" "
                        "in [document])")
        return _Comparison(False, False, message=message)
    ranges = merge_ranges(lhs, rhs)
    names = lhs.free if isinstance(lhs, Indexed) else None
    left, labels = _entries(_scalar_form(lhs), ranges, names)
    right, _ = _entries(_scalar_form(rhs), ranges, names)
    lefts, rights, point0 = [], [], None
    for seed in seeds:
        point = _point(reading.network, seed, reading.dummies, digits, reading.signed)
        values = _values(reading.network, point, reading.overrides, key=(seed, digits))
        point0 = point0 or point
        lefts.append([_number(e, values) for e in left])
        rights.append([_number(e, values) for e in right])
    a, b = np.array(lefts, dtype=float), np.array(rights, dtype=float)
    scale = max(np.abs(a).max(initial=0), np.abs(b).max(initial=0), 1.0)
    equal = bool(np.all(np.abs(a - b) <= TOLERANCE * scale))
    return _Comparison(equal, True, a, b, labels, point=point0)


def _side_entries(reading: Reading) -> tuple[list, list]:
    """The entries of both sides, over the left side's free indices."""
    ranges = merge_ranges(reading.lhs, reading.rhs)
    names = reading.lhs.free if isinstance(reading.lhs, Indexed) else None
    left, _ = _entries(_scalar_form(reading.lhs), ranges, names)
    right, _ = _entries(_scalar_form(reading.rhs), ranges, names)
    return left, right


def _is_scalar(value) -> bool:
    return (isinstance(value, Indexed) and not value.free) or (
        isinstance(value, MatrixValue) and value.shape == (1, 1))


def _scalar_form(value):
    if isinstance(value, MatrixValue) and value.shape == (1, 1):
        return Indexed.scalar(value.matrix[0, 0])
    return value


def _number(expression, values: Evaluation) -> float:
    try:
        return values.number(expression)
    except NotNumeric as error:
        raise Unresolvable(f"a value symnet cannot evaluate: {error}") from None


def _compare(reading: Reading, confirm: bool = True) -> _Comparison:
    """Float64 at POINTS points; then, when `confirm`, one more point at 50 digits."""
    comparison = _evaluate(reading)
    if comparison.equal and confirm:   # float64 misses a relative error of 1e-12
        precise = _evaluate(reading, seeds=[CANDIDATE_SEEDS + 1], digits=50)
        if not precise.equal:
            return precise
    return comparison


@contextmanager
def _budget(seconds: float):
    """Stop the work inside with TimeoutError after `seconds`. The alarm repeats until the work
    has stopped: an exception raised where Python ignores it (a garbage collector's callback
    running at that moment) must not let the work run on unbounded."""
    def stop(signum, frame):
        raise TimeoutError
    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds, BUDGET_REPEAT)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _prove(reading: Reading) -> str:
    """`symbolic` when the difference of the two sides is 0 as algebra, within the budget:
    first with the adjoints and nodes written out one step at a time (a formula usually holds
    one or two steps from its symbols), then with every adjoint written out in full; `numeric`
    otherwise."""
    try:
        with _budget(PROOF_SECONDS):
            left, right = _side_entries(reading)
            differences = [sp.sympify(a - b) for a, b in zip(left, right)]
            if all(_vanishes_stepwise(d, reading.network) for d in differences):
                return "symbolic"
            explicit = reading.network.adjoints.explicit_map()
            for difference in differences:
                difference = difference.xreplace(explicit)
                if sp.count_ops(difference) > PROOF_MAX_OPS:
                    return "numeric"
                if sp.expand(difference) != 0 and sp.simplify(difference) != 0:
                    return "numeric"
        return "symbolic"
    except (TimeoutError, RecursionError, Unresolvable):
        return "numeric"


def _smallest(readings: list[Reading]) -> Reading:
    """The reading at the size set with the fewest network entries: a proof as algebra there
    is as much a proof as at the other (both sets are checked in numbers), and the work of
    expanding products of sums grows quickly with the sizes."""
    return min(readings, key=lambda reading: sum(
        len(node.symbols) for node in reading.network.graph.nodes.values()))


PROOF_STEPS = 12
CANCEL_MAX_OPS = 200


def _vanishes_stepwise(difference: sp.Expr, network: Network) -> bool:
    """0 after writing symbols out by their one-step definitions, the last computed first (a
    gradient before the adjoints it is made of, those before the nodes): the two sides of a
    true formula usually meet a few steps from what was written."""
    local, rank = _definitions(network), _computation_order(network)
    for _ in range(PROOF_STEPS):
        if sp.count_ops(difference) > PROOF_MAX_OPS:
            return False
        expanded = sp.expand(difference)
        if expanded == 0:
            return True
        # fractions (a cross entropy's derivative) cancel only over a common denominator;
        # worth trying on small differences only
        if sp.count_ops(expanded) < CANCEL_MAX_OPS and expanded.has(sp.Pow) and \
                sp.cancel(expanded) == 0:
            return True
        known = [symbol for symbol in expanded.free_symbols if symbol in local]
        if not known:   # only leaves left: an identity of functions (tanh as exponentials)
            return sp.cancel(expanded.rewrite(sp.exp)) == 0 or sp.simplify(expanded) == 0
        last = max(rank.get(symbol, -1) for symbol in known)
        difference = expanded.xreplace({symbol: local[symbol] for symbol in known
                                        if rank.get(symbol, -1) == last})
    return False


def _computation_order(network: Network) -> dict:
    """Entry symbol -> when it is computed: the forward nodes in order, then the adjoints from
    the loss back."""
    found = network.__dict__.get("_order")
    if found is None:
        names = list(network.graph.nodes)
        found = {symbol: number for number, name in enumerate(names)
                 for symbol in network.graph.nodes[name].symbols}
        found.update({bar: len(names) + number for number, name in enumerate(reversed(names))
                      for bar in network.adjoints.bars[name]})
        network.__dict__["_order"] = found
    return found


def _judge_shapes(readings: list[Reading], relation: str) -> LinkResult:
    """`W \\sim rand(n, m) - 1/2`: the shapes must agree at both size sets; what the entries
    are drawn from is a statement symnet does not check."""
    for reading in readings:
        shapes = [side.shape if isinstance(side, MatrixValue) else (1, 1)
                  for side in (reading.lhs, reading.rhs)]
        # `z \\in \\mathbb{R}^n` says how long z is, not whether it stands or lies
        vectors = all(1 in shape for shape in shapes) and \
            max(shapes[0]) == max(shapes[1])
        if shapes[0] != shapes[1] and not vectors:
            return LinkResult("wrong", diagnosis="shape", message=f"the left side is "
                              f"{shapes[0][0]}x{shapes[0][1]}, the right side "
                              f"{shapes[1][0]}x{shapes[1][1]}")
    return LinkResult("holds", proof="symbolic", message="the shapes agree" + (
        "; the distribution of the entries is not checked" if relation == r"\sim" else ""))


# -- updates ---------------------------------------------------------------------------------
def _is_update(link: Relation, reading: Reading) -> bool:
    """`W = W - \\alpha \\partial_W L`: a parameter, and on the right that parameter plus or
    minus a step."""
    if not (isinstance(link.lhs, Tree) and link.lhs.data in ("name", "scripted", "command",
                                                              "call", "juxtaposition")
            and isinstance(link.rhs, Tree) and link.rhs.data == "binary"
            and str(link.rhs.children[1]) in "+-"):
        return False
    lhs = reading.lhs
    entries = (list(lhs.matrix) if isinstance(lhs, MatrixValue)
               else [lhs.at({k: 0 for k in lhs.free})])
    first = entries[0]
    owner = reading.network.graph.owner(first) if isinstance(first, sp.Symbol) else None
    if owner is None or reading.network.graph.nodes[owner[0]].kind not in ("weight", "bias"):
        return False
    rhs = reading.rhs
    sample = (rhs.matrix[0] if isinstance(rhs, MatrixValue)
              else rhs.at({k: 0 for k in rhs.free}))
    return first in sp.sympify(sample).free_symbols


def _judge_update(readings: list[Reading]) -> LinkResult:
    """The step (new - old) must point against the gradient: step = -c * gradient, c > 0."""
    reading = readings[0]
    network = reading.network
    left, right = _side_entries(reading)
    for seed in range(10):   # a point where the gradient is not 0 (ReLU units may be off)
        point = _point(network, seed, reading.dummies)
        values = _values(network, point, key=(seed, None))
        steps, gradients = [], []
        for old, new in zip(left, right):
            owner = network.graph.owner(old)
            if owner is None:
                return LinkResult("unchecked", message="the updated quantity is not a "
                                                       "parameter")
            bar = network.adjoints.bars[owner[0]][owner[1]]
            steps.append(_number(new - old, values))
            gradients.append(_number(bar, values))
        steps, gradients = np.array(steps), np.array(gradients)
        if np.abs(gradients).max() > 0:
            break
    else:
        return LinkResult("unchecked", message="the gradient is 0 at every sample point tried")
    alignment = float(steps @ gradients / (np.linalg.norm(steps) * np.linalg.norm(gradients)
                                           or 1))
    if alignment < -1 + 1e-9:
        return LinkResult("holds", proof="numeric", message="a descent step")
    if alignment > 1 - 1e-9:
        return LinkResult("wrong", diagnosis="sign", message="the step climbs the gradient "
                          "(gradient ascent): the step needs the opposite sign")
    return LinkResult("wrong", diagnosis="other", message=f"the step is not along the "
                      f"gradient (cosine {alignment:.3f})")


# -- diagnosis -------------------------------------------------------------------------------
def _ratio(comparison: _Comparison) -> float | None:
    a, b = comparison.lhs, comparison.rhs
    mask = np.abs(a) > 1e-9 * max(np.abs(a).max(initial=0), 1e-300)
    if not mask.any() or np.any(np.abs(b[~mask]) > 1e-9 * max(np.abs(b).max(initial=0), 1)):
        return None
    ratios = b[mask] / a[mask]
    if np.ptp(ratios) <= 1e-7 * max(abs(ratios).max(), 1):
        return float(ratios.mean())
    return None


def _diagnose(link, latex, notation, networks, readings, comparison,
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
            if all(_evaluate(reading.but(lhs=c.lhs, rhs=c.rhs, network=c.network,
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
    """The factor: the same number at both size sets, or k * size^p."""
    first, second = ratios
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
        return _evaluate(reading.but(rhs=MatrixValue(rhs.matrix.T)), seeds=[0])
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
        if _evaluate(reading.but(rhs=swapped), seeds=[0]).equal:
            return a, b
    return None


def _counterexample(reading: Reading, comparison: _Comparison) -> dict | None:
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


def _residual(reading: Reading, comparison: _Comparison) -> tuple[str, float]:
    left, right = _side_entries(reading)
    dropped = _node_level(reading.network, sp.sympify(left[0] - right[0]))
    try:
        with _budget(PROOF_SECONDS):
            dropped = sp.factor(sp.expand(dropped))
    except (TimeoutError, RecursionError):
        pass   # out of budget: the term as it is, unfactored, is still the dropped term
    text = to_latex(dropped)   # whole: a cut would leave unbalanced braces in a report
    a, b = comparison.lhs, comparison.rhs
    size = float(np.linalg.norm(a - b) / max(np.linalg.norm(a), 1e-300))
    return text, size
