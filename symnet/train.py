"""`symnet train`: the network trained by gradient descent with its compiled exact gradients,
on a synthetic data set matched to its task, after a finite-difference check of the gradients.

The run is plain data (`TrainingRun`: the settings, the check, loss and accuracy per step);
the terminal line and the JSON are views of it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Callable

import numpy as np

from .codegen import generate
from .document_gradients import document_gradients
from .errors import InputError
from .registry import ACTIVATIONS, LOSSES
from .spec import Document, NetworkSpec

FD_STEP = 1e-6
FD_ENTRIES = 8    # entries checked per parameter


@dataclass
class TrainingRun:
    file: str
    gradient: str
    task: str
    dtype: str
    steps: int
    learning_rate: float
    samples: int
    seed: int
    functions: dict
    finite_difference: dict          # parameter -> largest relative error
    loss: list[float] = field(default_factory=list)          # before step 1, ..., after last
    accuracy: list[float | None] = field(default_factory=list)
    document_gradients: dict = field(default_factory=dict)   # parameter -> claim id used
    notes: list[str] = field(default_factory=list)
    angle: list[float] = field(default_factory=list)  # degrees between used and exact, per step

    def to_json(self) -> dict:
        return asdict(self)


def concrete(document: Document) -> NetworkSpec:
    """The network with every generic function replaced by the concrete one the file names
    in `[training] functions`."""
    spec, chosen = document.network, document.training.functions
    layers = []
    for layer in spec.layers:
        activation = layer.activation
        if activation.generic:
            if activation.name not in chosen:
                raise InputError(f"the generic activation {activation.name!r} needs a concrete "
                                 f"one for training: add [training] functions = "
                                 f"{{ {activation.name} = \"tanh\" }}", file=document.path)
            activation = ACTIVATIONS[chosen[activation.name]]
        layers.append(replace(layer, activation=activation))
    loss = spec.loss
    if loss.loss.generic:
        if loss.loss.name not in chosen:
            raise InputError(f"the generic loss {loss.loss.name!r} needs a concrete one for "
                             f"training: add [training] functions = "
                             f"{{ {loss.loss.name} = \"squared_error\" }}", file=document.path)
        loss = replace(loss, loss=LOSSES[chosen[loss.loss.name]])
    return replace(spec, layers=tuple(layers), loss=loss)


def synthetic_data(spec: NetworkSpec, samples: int, seed: int) -> tuple[np.ndarray, np.ndarray,
                                                                        str]:
    """Inputs and targets made up for the network's task, units x samples: several classes
    for a softmax output, two for a sigmoid output, else a regression on a smooth teacher."""
    rng = np.random.default_rng(seed)
    inputs = spec.size(spec.inputs)
    outputs = spec.size(spec.expanded_layers()[-1].units)
    x = rng.normal(size=(inputs, samples))
    teacher = rng.normal(size=(outputs, inputs)) / np.sqrt(inputs)
    scores = teacher @ np.tanh(x)
    output = spec.expanded_layers()[-1].activation.name
    if output == "softmax":
        return x, np.eye(outputs)[:, scores.argmax(axis=0)], "classes"
    if output == "sigmoid":
        return x, (scores > 0).astype(float), "two classes"
    return x, 0.5 * scores, "regression"


def initial_parameters(spec: NetworkSpec, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Weights normal with variance 1/inputs, biases zero; shapes as the file lays them out."""
    widths = [spec.size(spec.inputs)] + [spec.size(layer.units)
                                         for layer in spec.expanded_layers()]
    parameters = {}
    for number, layer in enumerate(spec.expanded_layers(), start=1):
        shape = (widths[number], widths[number - 1])
        weight = rng.normal(size=shape) / np.sqrt(widths[number - 1])
        parameters[f"W{number}"] = weight.T if spec.weight_order(layer) == "in_out" else weight
        if layer.bias:
            parameters[f"b{number}"] = np.zeros((1 if layer.bias == "shared" else
                                                 widths[number], 1))
    return parameters


def finite_difference_check(loss: Callable, gradients: dict, parameters: dict,
                            rng: np.random.Generator) -> dict[str, float]:
    """Largest relative error between the compiled gradient and central differences of the
    compiled loss, over a few random entries of every parameter."""
    errors = {}
    for name, value in parameters.items():
        worst = 0.0
        flat = value.reshape(-1)
        for index in rng.choice(flat.size, size=min(FD_ENTRIES, flat.size), replace=False):
            saved = flat[index]
            flat[index] = saved + FD_STEP
            up = loss(parameters)
            flat[index] = saved - FD_STEP
            down = loss(parameters)
            flat[index] = saved
            numeric = (up - down) / (2 * FD_STEP)
            exact = gradients[name].reshape(-1)[index]
            worst = max(worst, abs(numeric - exact) / max(abs(exact), abs(numeric), 1e-8))
        errors[name] = worst
    return errors


def train(document: Document, *, steps: int | None = None, learning_rate: float | None = None,
          samples: int | None = None, seed: int | None = None, gradient: str = "exact",
          dtype: str = "float64", progress: Callable[[int, int, float], None] | None = None) -> TrainingRun:
    settings = document.training
    steps = settings.steps if steps is None else steps
    learning_rate = settings.learning_rate if learning_rate is None else learning_rate
    samples = settings.samples if samples is None else samples
    seed = settings.seed if seed is None else seed
    spec = concrete(document)
    module: dict = {}
    exec(compile(generate(replace(document, network=spec)), document.path, "exec"), module)
    x, y, task = synthetic_data(spec, samples, seed)
    x, y = x.astype(dtype), y.astype(dtype)   # the generated code keeps the arrays' precision
    rows, single = spec.samples == "rows", spec.samples == "single"
    data = (x.T, y.T) if rows else (x, y)
    rng = np.random.default_rng(seed + 1)
    parameters = {name: value.astype(dtype)
                  for name, value in initial_parameters(spec, rng).items()}
    extra = {"l2": 0.01} if spec.l2 is not None and not spec.l2.coefficient.is_number else {}

    def batches():
        if not single:
            yield data
            return
        for m in range(samples):
            yield x[:, m:m + 1], y[:, m:m + 1]

    def total_loss(values) -> float:
        losses = [module["loss"](bx, by, **values, **extra) for bx, by in batches()]
        return float(np.mean(losses))

    # the check is of the formulas, so it runs in float64 whatever the training precision
    first_x, first_y = (array.astype(np.float64) for array in next(batches()))
    wide = {name: value.astype(np.float64) for name, value in parameters.items()}
    _, exact = module["gradients"](first_x, first_y, **wide, **extra)
    check = finite_difference_check(
        lambda values: module["loss"](first_x, first_y, **values, **extra), exact, wide, rng)
    run = TrainingRun(document.path, gradient, task, dtype, steps, learning_rate, samples, seed,
                      dict(settings.functions), check)
    stated = {}
    if gradient == "document":
        stated, run.notes = document_gradients(document, spec, 1 if single else samples)
        if not stated:
            raise InputError("the document states no parameter gradient in vector form that "
                             "symnet can compile" + (f" ({'; '.join(run.notes)})"
                                                     if run.notes else ""), file=document.path)
        run.document_gradients = {name: found.claim for name, found in stated.items()}

    def update(values, bx, by):
        _, exact = module["gradients"](bx, by, **values, **extra)
        used = dict(exact)
        if stated:
            nodes = dict(module["forward"](bx, **values, **extra), **values)
            nodes.update({"X": bx, "Y": by, "x": bx, "y": by})
            used.update({name: found.evaluate(nodes) for name, found in stated.items()})
        return {name: values[name] - learning_rate * used[name] for name in values}, \
            _angle(used, exact)

    run.loss.append(total_loss(parameters))
    run.accuracy.append(_accuracy(module, spec, x, y, parameters, task, extra))
    for number in range(1, steps + 1):
        angles = []
        for bx, by in batches():
            parameters, angle = update(parameters, bx, by)
            angles.append(angle)
        run.angle.append(float(np.mean(angles)))
        run.loss.append(total_loss(parameters))
        run.accuracy.append(_accuracy(module, spec, x, y, parameters, task, extra))
        if progress:
            progress(number, steps, run.loss[-1])
    return run


def _angle(used: dict, exact: dict) -> float:
    """Degrees between the gradient used and the exact one, all parameters together."""
    a = np.concatenate([used[name].reshape(-1) for name in exact])
    b = np.concatenate([exact[name].reshape(-1) for name in exact])
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    if norms == 0:
        return 0.0
    return float(np.degrees(np.arccos(np.clip(a @ b / norms, -1.0, 1.0))))


def _accuracy(module, spec, x, y, parameters, task, extra) -> float | None:
    """The fraction of samples classified right (None for a regression)."""
    if task == "regression":
        return None
    rows, single = spec.samples == "rows", spec.samples == "single"
    output = f"{'a' if single else 'A'}{len(spec.expanded_layers())}"
    if single:
        predictions = np.hstack([module["forward"](x[:, m:m + 1], **parameters, **extra)[output]
                                 for m in range(x.shape[1])])
    else:
        predictions = module["forward"](x.T if rows else x, **parameters, **extra)[output]
        predictions = predictions.T if rows else predictions
    if task == "classes":
        return float(np.mean(predictions.argmax(axis=0) == y.argmax(axis=0)))
    return float(np.mean((predictions > 0.5) == (y > 0.5)))

