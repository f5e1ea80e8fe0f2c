"""Judge one claim: read each link of its chain, compare its sides (`numbers`), explain a
difference (`diagnosis`); what a claim defines or approximates is kept for later claims."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import sympy as sp
from lark import Tree

from ..conventions import FUNCTION_NAMES, LOSS_NAMES, ascii_latex, subscripted_digits
from ..grammar import (ClaimSyntaxError, Relation, condition_after, continuing, equations,
                       links, parse_claim, source_of)
from ..matrix_proof import holds_for_all_sizes
from ..notation import PARAMETER_KINDS, Notation, marks_layer_with, normalise
from ..reading import (Reading, layer_positions, layer_variables, read_sides,
                      uses_layer_variable)
from ..resolve.trees import labelled_name, name_of, numbered_name, written_tokens
from ..resolve import (BUILTIN_FUNCTIONS, Context, Indexed, IndexMismatch, MatrixValue,
                      NeedsBatch, NoSuchLayer, OutOfRange, ParameterLeftOut, Resolver,
                      ShapeMismatch, Unresolvable, merge_ranges)
from ..size_sets import Networks
from ..statements import (ACCUMULATED, ARROWS, INCREMENT, UPDATE, accumulates, increments,
                         statements)
from ..vector_form import vector_form_of
from .arithmetic import (is_substitution, judge_arithmetic, numbers_only, of_numbers,
                         substituted)
from .numbers import (PROOF_SECONDS, budget, compare, entries_of, evaluate, number_at, point_values,
                      prove, random_point, scalar_form, side_entries, smallest)
from .diagnosis import diagnosis_of, residual_of
from .results import DocumentState, LinkResult, Verdict

EXACT = {"=", ":=", r"\equiv"}
APPROXIMATE = {r"\approx", r"\simeq"}
DISTRIBUTED = {r"\sim", r"\in"}   # `W \sim rand(n, m)`, `W \in R^{n \times m}`: shapes


def read_as(latex: str, notation: Notation) -> str:
    """The claim as symnet reads it: Unicode as LaTeX, and a letter with digits glued on as
    the entry the notation names so (`w5` beside `'w_5' = "weight[2](1,1)"`)."""
    return subscripted_digits(ascii_latex(latex), lambda letter, digits: notation.named_entry(
        letter, digits) is not None)


def judge(claim_id: str, latex: str, notation: Notation,
          networks: Networks, state: DocumentState | None = None) -> Verdict:
    """The verdict on one claim. `state` carries what earlier claims defined and approximated;
    this claim's definitions and approximations are added to it."""
    state = DocumentState() if state is None else state
    definitions = state.definitions
    # Unicode math (σ, ∂, ᵀ) is read as the LaTeX it stands for; the verdict keeps the text as
    # written (columns in messages are those of the LaTeX reading)
    written, latex = latex, read_as(latex, notation)
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
    # (`E_{o1} = \frac12 (t_{o1} - o_{o1})^2 = \frac12 (0.01 - 0.75)^2 = 0.27`: a definition,
    # then its value at the document's numbers)
    numeric = [link for link in chain if of_numbers(link)]
    defined = _definition([link for link in chain if link not in numeric], notation, networks,
                          definitions, latex)
    results, messages, said = [], [], set()
    if defined:
        definitions[defined] = (_defined(chain[0], notation), latex)
        scripted = scripted_name(chain[0].lhs, notation) or labelled_name(
            chain[0].lhs, latex) or numbered_name(chain[0].lhs, latex)
        name = defined if scripted is None else ' '.join(source_of(chain[0].lhs, latex).split())
        if not numeric:
            return Verdict(claim_id, written, "holds", "symbolic",
                           message=f"defines {name} (used by later claims)")
        results.append(LinkResult("holds", "symbolic"))
        messages.append(f"defines {name} (used by later claims)")
        chain = numeric
    running = _running(chain, notation, networks, state)
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
        # a link that does not hold is named; how a link read a notation is said once for
        # the chain
        notes = [note for note in result.notes if note not in said]
        said.update(result.notes)
        message = "; ".join(filter(None, [result.message, *notes]))
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
    read = read_as(latex, notation)
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
    conditioned = condition_after(latex)
    if conditioned is not None:   # (`... \quad \text{if } i = k`: where i = k)
        latex, condition = conditioned
    for number, equation in enumerate(equations(latex)):
        rest = continuing(equation) if number == 0 else None
        if rest is not None:   # (`&= A = B`: its left side is the line before's)
            chain += links(parse_claim(rest))
            if not chain:
                raise ClaimSyntaxError("the line continues the formula before it (its left "
                                       "side is there) and states nothing more to check", 1)
            continue
        chain += links(parse_claim(equation))
    if conditioned is not None:
        letter, relation, other = condition
        chain = [replace(link, condition=condition,
                         note=f"checked where {letter} {relation} {other}, as it says")
                 for link in chain]
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
    numbered = numbered_name(chain[0].lhs, latex)
    if numbered is not None and new_name(chain[0].lhs.children[0], notation, networks,
                                         definitions) is not None:
        return numbered   # `\mathbf{G}_2 = \frac{1}{B} (\mathbf{P} - \mathbf{Y})`: a letter
        # of the document's own, numbered
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
    if not (isinstance(lhs, Tree) and lhs.data in ("name", "command", "word", "styled")):
        return None   # (`\mathbf{E}`: a bold letter is the letter)
    name = name_of(lhs)
    if name is None or lhs.data == "styled" and name.startswith(r"\math"):
        return None   # (`\mathcal{L}` is a letter of its own)
    known = {entry.base for entry in notation.entries} | set(networks.spec.sizes) | \
        set(definitions) | set(BUILTIN_FUNCTIONS) | set(FUNCTION_NAMES) | set(LOSS_NAMES)
    return None if name in known or notation.by_base(normalise(name)) else name


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
    if is_substitution(link):   # (`net_{h1} = 0.15 * 0.05 + ...`: the document's numbers)
        return substituted()
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
    if numbers_only(link.lhs) and numbers_only(link.rhs):
        return judge_arithmetic(link, latex, readings[0].lhs, readings[0].rhs)
    result = _judge_readings(link, latex, notation, networks, state, position, readings)
    # how symnet read an informal notation, said with the verdict
    result.notes = [note for note in [link.note, *readings[0].notes] if note]
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
    comparison = [compare(reading, confirm=index == 0)
                  for index, reading in enumerate(readings)]
    if all(c.equal for c in comparison):
        # a proof as matrix algebra holds at every size, the sizes checked among them
        every_size = state.diagnose and _for_all_sizes(link, latex, notation, networks,
                                                       definitions, position, readings[0])
        proof = "symbolic" if every_size else prove(smallest(readings)) if state.diagnose \
            else "numeric"
        return LinkResult("holds", proof=proof, all_sizes=every_size,
                          message="" if link.relation not in APPROXIMATE
                          else "exact, although written as an approximation")
    failing = next(c for c in comparison if not c.equal)
    if not state.diagnose:   # the same order of readings as below, without explanations
        if link.relation in APPROXIMATE and failing.shape_ok:
            return LinkResult("approximation")
        chained = state.approximations and _under_approximations(readings, state, notation)
        if chained and all(compare(reading, confirm=False).equal for reading in chained[0]):
            return LinkResult("approximation", depends_on=chained[1])
        return LinkResult("wrong")
    identity = (_what_it_is(link, latex, notation, networks, definitions, position,
                            readings[0].batch)
                if _is_loss_derivative(readings[0]) else "")
    if link.relation in APPROXIMATE and failing.shape_ok:
        residual, size = residual_of(readings[comparison.index(failing)], failing)
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
    result = diagnosis_of(link, latex, notation, networks, readings, comparison, position)
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
            with budget(PROOF_SECONDS):
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
    entries, _ = entries_of(scalar_form(lhs), merge_ranges(lhs, reading.rhs), names)
    owners = reading.network.adjoints.owner_of_bar
    return bool(entries) and bool(sp.sympify(entries[0]).free_symbols & owners.keys())


def _what_it_is(link, latex, notation, networks: Networks, definitions, position=0,
                batch=None) -> str:
    """`; it is the exact gradient for the cross entropy loss ...` when the stated formula
    holds exactly for a network that differs from the declared one in its loss or output."""
    for text, alternative in networks.alternatives():
        try:
            # (at points that exercise a ReLU alternative's units: off, both sides are 0)
            if all(evaluate(read_sides(link, latex, notation, alternative, size_set, definitions,
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
        left, right = side_entries(reading)
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
        if all(evaluate(reading.but(signed=frozenset(reading.dummies.values())),
                        seeds=[0, 1]).equal for reading in readings):
            return (f"{name} is a generic function in [network], and this formula holds "
                    f"when {name} is {activation}: declare activation = \"{activation}\" "
                    f"for its layers and '{name}' = \"activation_function\" in [notation]")
    return ""


def _judge_in_chain(link, latex, notation, networks, readings, used,
                    position=0) -> LinkResult:
    """The second pass: the link read with the document's earlier approximations in place of
    the exact adjoints they approximate."""
    comparison = [compare(reading, confirm=index == 0)
                  for index, reading in enumerate(readings)]
    names = ", ".join(used)
    if all(c.equal for c in comparison):
        return LinkResult("approximation", proof="numeric", depends_on=used,
                          message=f"holds only under the approximation in {names}")
    result = diagnosis_of(link, latex, notation, networks, readings, comparison, position)
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
    left, _ = entries_of(scalar_form(lhs), ranges)
    right, _ = entries_of(scalar_form(rhs), ranges)
    bars = reading.network.adjoints.owner_of_bar
    found = {}
    for stated, value in zip(left, right):
        coefficient, symbol = sp.sympify(stated).as_coeff_Mul()
        if symbol in bars:
            found[symbol] = value / coefficient
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
    left, right = side_entries(reading)
    for seed in range(10):   # a point where the gradient is not 0 (ReLU units may be off)
        point = random_point(network, seed, reading.dummies)
        values = point_values(network, point, key=(seed, None))
        steps, gradients = [], []
        for old, new in zip(left, right):
            owner = network.graph.owner(old)
            if owner is None:
                return LinkResult("unchecked", message="the updated quantity is not a "
                                                       "parameter")
            bar = network.adjoints.bars[owner[0]][owner[1]]
            steps.append(number_at(new - old, values))
            gradients.append(number_at(bar, values))
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
