"""The `symnet` command line: one subcommand per job, a one-line message for bad input.

Exit status: 0 done, 2 unusable input (missing file, invalid TOML, unknown key, a network that
cannot be built); `check` adds 1 for a wrong claim.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

import numpy as np
from pathlib import Path

from . import __version__
from .check import check_document, check_documents
from .codegen import CodegenError, generate
from .check import as_text as check_text
from .derive import as_latex, as_text, derive
from .document import load as load_derivation
from .importing import import_document, imported, is_document
from .errors import InputError
from .report import write_index, write_report
from .train import train
from .watch import watch_and_check

EXIT_OK, EXIT_WRONG, EXIT_INPUT = 0, 1, 2


def derivation_files(paths: list[str]) -> list[Path]:
    """The files named (derivation files, or documents to import: .md, .tex, .ipynb), and the
    `*.toml` files (sorted) in the directories named."""
    files = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise InputError("no derivation files (*.toml) in this directory", file=raw)
            files += found
        elif path.exists():
            files.append(path)
        else:
            raise InputError("no such file or directory", file=raw)
    return files


def load(path: str | Path):
    """A derivation file, or a document (.md, .tex, .ipynb) with its network imported."""
    return imported(path) if is_document(Path(path)) else load_derivation(path)


def write_json(target: str | None, documents: list) -> None:
    """`{"documents": [...]}` to a file, or to stdout for '-'."""
    if not target:
        return
    payload = json.dumps({"documents": [document.to_json() for document in documents]},
                         indent=2)
    if target == "-":
        print(payload)
    else:
        Path(target).write_text(payload + "\n")


def run_derive(args: argparse.Namespace) -> int:
    results = []
    for path in derivation_files(args.paths):
        print(f"deriving {path} ...", file=sys.stderr, flush=True)
        derivation = derive(load(path))
        results.append(derivation)
        print(as_text(derivation))
        print()
        print(as_latex(derivation))
        print()
        if args.output:
            out = Path(args.output)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{path.stem}.derive.tex").write_text(as_latex(derivation) + "\n")
            (out / f"{path.stem}.derive.json").write_text(
                json.dumps(derivation.to_json(), indent=2) + "\n")
    write_json(args.json, results)
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs {args.jobs}: expected a number of processes, at least 1")
    files = derivation_files(args.paths)
    documents = [load(path) for path in files]   # every file valid before any work, or exit 2
    workers = args.jobs or os.cpu_count() or 1
    if args.watch:
        if args.json:
            raise InputError("--watch prints what changes as text; use --json without --watch")
        watch_and_check(files, workers=workers)
        return EXIT_OK
    shown = sys.stderr.isatty()
    if shown:
        print(f"checking {len(files)} document(s) on {workers} core(s) ...", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        print(f"\r  {done}/{total} claims", end="" if done < total else "\n",
              file=sys.stderr, flush=True)

    results = check_documents(documents, workers=workers, progress=progress if shown else None)
    for result in results:
        if args.json != "-":
            print(check_text(result))
    write_json(args.json, results)
    verdicts = [claim.verdict for result in results for claim in result.claims]
    if "wrong" in verdicts or args.strict and "unchecked" in verdicts:
        return EXIT_WRONG
    return EXIT_OK


def run_import(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise InputError("no such file", file=args.path)
    if sys.stderr.isatty():
        print(f"importing {path}: reading the formulas and inferring the network ...",
              file=sys.stderr, flush=True)
    result = import_document(path)
    text = result.toml()
    if args.output in (None, "-"):
        print(text, end="")
    else:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}: {len(result.formulas)} claims", file=sys.stderr)
    inference = result.inference
    if inference.forward_total:
        print(f"network: {inference.forward_holds} of {inference.forward_total} forward-pass "
              "and loss formulas hold under it", file=sys.stderr)
    for question in inference.questions:
        print(f"symnet could not tell: {question}", file=sys.stderr)
    return EXIT_OK


def run_codegen(args: argparse.Namespace) -> int:
    document = load(args.path)
    try:
        source = generate(document)
    except CodegenError as error:
        raise InputError(str(error), file=args.path) from None
    if args.output in (None, "-"):
        print(source)
    else:
        Path(args.output).write_text(source)
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def run_train(args: argparse.Namespace) -> int:
    document = load(args.path)
    for option in ("steps", "batch"):
        value = getattr(args, option)
        if value is not None and value < 1:
            raise InputError(f"--{option} {value}: expected a positive integer")
    if args.lr is not None and not args.lr > 0:
        raise InputError(f"--lr {args.lr}: expected a positive learning rate")

    def progress(step: int, steps: int, loss: float) -> None:
        if sys.stderr.isatty():
            done = int(30 * step / steps)
            print(f"\r[{'#' * done}{' ' * (30 - done)}] step {step}/{steps}  loss {loss:.6g}",
                  end="" if step < steps else "\n", file=sys.stderr, flush=True)
    options = dict(steps=args.steps, learning_rate=args.lr, samples=args.batch, seed=args.seed,
                   dtype=args.dtype)
    kinds = ("exact", "document") if args.compare else (args.gradient,)
    runs = {kind: train(document, gradient=kind, progress=progress, **options) for kind in kinds}
    summary = sys.stderr if args.json == "-" else sys.stdout   # (stdout is the JSON's then)
    for run in runs.values():
        worst = max(run.finite_difference.values())
        accuracy = "" if run.accuracy[-1] is None else \
            f", accuracy {run.accuracy[0]:.2f} -> {run.accuracy[-1]:.2f}"
        used = "" if not run.document_gradients else " (" + ", ".join(
            f"{name} from {claim}" for name, claim in run.document_gradients.items()) + \
            f"; mean angle to the exact gradient {np.mean(run.angle):.1f} degrees)"
        print(f"{document.path}: {run.task}, {run.samples} samples, {run.gradient} gradient"
              f"{used}, finite-difference check {worst:.1e}; loss {run.loss[0]:.6g} -> "
              f"{run.loss[-1]:.6g} in {run.steps} steps{accuracy}", file=summary)
        for note in run.notes:
            print(f"  note: {note}", file=summary)
    if args.json:
        data = ({kind: run.to_json() for kind, run in runs.items()} if args.compare
                else runs[args.gradient].to_json())
        text = json.dumps(data, indent=2)
        print(text) if args.json == "-" else Path(args.json).write_text(text + "\n")
    return EXIT_OK


def _report_file(path: Path, directory: Path, steps: int):
    """One document's check, training runs and report, in a worker process."""
    started = time.perf_counter()
    document = load(path)
    result = check_document(document, counterparts=True)
    written = write_report(document, directory, steps=steps, result=result)
    return result, written, time.perf_counter() - started


def run_report(args: argparse.Namespace) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise InputError(f"--jobs {args.jobs}: expected a number of processes, at least 1")
    files = derivation_files(args.paths)
    documents = {path: load(path) for path in files}   # every file valid first, or exit 2
    directory = Path(args.output)
    workers = min(len(files), args.jobs or os.cpu_count() or 1)
    print(f"reporting on {len(files)} document(s) on {workers} core(s) ...", file=sys.stderr,
          flush=True)
    done = {}
    with ProcessPoolExecutor(workers) as pool:
        futures = {pool.submit(_report_file, path, directory, args.steps): path
                   for path in files}
        for future in as_completed(futures):
            path = futures[future]
            result, written, seconds = future.result()
            done[path] = (documents[path], result, written.tex)
            print(f"[{len(done)}/{len(files)}] {written.tex}: {written.message} "
                  f"({seconds:.1f} s)", flush=True)
    entries = [done[path] for path in files]
    index = write_index(entries, directory)
    print(f"{index.tex}: {index.message}")
    write_json(str(directory / "check.json"), [result for _, result, _ in entries])
    return EXIT_OK


def add_paths(command: argparse.ArgumentParser) -> None:
    command.add_argument("paths", nargs="+", metavar="PATH",
                         help="derivation files (.toml) or directories of them; a document "
                              "(.md, .tex, .ipynb) is imported first (see `symnet import`)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="symnet", description="Check hand-written backpropagation derivations.")
    top.add_argument("--version", action="version", version=f"symnet {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    derive_command = commands.add_parser(
        "derive", help="derive the forward pass and every gradient of a network",
        description="Print the network, its forward pass (in closed form when small) and the "
                    "gradient of the loss with respect to every node, as text and LaTeX.")
    add_paths(derive_command)
    derive_command.add_argument("--json", metavar="OUT",
                                help="also write the results as JSON to OUT ('-': stdout)")
    derive_command.add_argument("-o", "--output", metavar="DIR",
                                help="also write <name>.derive.tex and .json files into DIR")
    derive_command.set_defaults(run=run_derive)
    check_command = commands.add_parser(
        "check", help="judge every formula (claim) of derivation files",
        description="Read each claim's LaTeX, compare it with symnet's own derivation and say "
                    "whether it holds, is an approximation, is wrong (and how) or could not be "
                    "read. Exit status: 0 nothing wrong, 1 a claim is wrong (or unchecked, with "
                    "--strict), 2 unusable input.")
    add_paths(check_command)
    check_command.add_argument("--json", metavar="OUT",
                               help="write the verdicts as JSON to OUT ('-': stdout only)")
    check_command.add_argument("--strict", action="store_true",
                               help="also exit 1 when a claim is unchecked")
    check_command.add_argument("-j", "--jobs", type=int, metavar="N",
                               help="worker processes judging claims in parallel (default: one "
                                    "per core)")
    check_command.add_argument("--watch", action="store_true",
                               help="check again whenever a file is saved and print only the "
                                    "verdicts that changed (Ctrl-C to stop)")
    check_command.set_defaults(run=run_check)
    import_command = commands.add_parser(
        "import", help="write a derivation file from a Markdown, LaTeX or Jupyter document",
        description="Read every display formula of DOC (and inline formulas that state an "
                    "equation) as a claim, verbatim, infer the network from the document's "
                    "forward pass and loss, and write a derivation file. What symnet could not "
                    "tell is marked '# symnet could not tell: ...' above the guess it took.")
    import_command.add_argument("path", metavar="DOC", help="a .md, .tex or .ipynb file")
    import_command.add_argument("-o", "--output", metavar="FILE",
                                help="where to write the TOML (default: stdout)")
    import_command.set_defaults(run=run_import)
    codegen_command = commands.add_parser(
        "codegen", help="write the network's forward pass and gradients as a NumPy module",
        description="Write a standalone module (NumPy only) with forward(), loss(), "
                    "gradients() and step() for the network of a derivation file.")
    codegen_command.add_argument("path", metavar="FILE", help="a derivation file (.toml)")
    codegen_command.add_argument("-o", "--output", metavar="MODULE",
                                 help="where to write the module (default: stdout)")
    codegen_command.set_defaults(run=run_codegen)
    train_command = commands.add_parser(
        "train", help="train the network with its exact gradients on synthetic data",
        description="Compile the gradients, check them against finite differences, and train "
                    "the network by gradient descent on a synthetic data set matched to its "
                    "task; defaults come from the file's [training] table.")
    train_command.add_argument("path", metavar="FILE", help="a derivation file (.toml)")
    train_command.add_argument("--gradient", choices=("exact", "document"), default="exact",
                               help="the gradient to train with (default: exact)")
    train_command.add_argument("--compare", action="store_true",
                               help="train with both gradients from the same start and data")
    train_command.add_argument("--steps", type=int, metavar="N", help="gradient steps")
    train_command.add_argument("--lr", type=float, metavar="X", help="learning rate")
    train_command.add_argument("--batch", type=int, metavar="M", help="number of samples")
    train_command.add_argument("--seed", type=int, metavar="S", help="seed of data and start")
    train_command.add_argument("--dtype", choices=("float64", "float32"), default="float64",
                               help="precision of data, parameters and arithmetic")
    train_command.add_argument("--json", metavar="OUT",
                               help="write the run (settings, check, curves) as JSON ('-')")
    train_command.set_defaults(run=run_train)
    report_command = commands.add_parser(
        "report", help="write a LaTeX (and, with TeX installed, PDF) report per document",
        description="Check, derive and train each document and write one report per "
                    "document plus an index; PDFs need latexmk and TeX Live.")
    add_paths(report_command)
    report_command.add_argument("-o", "--output", default="reports", metavar="DIR",
                                help="where to write the reports (default: reports/)")
    report_command.add_argument("--steps", type=int, default=100, metavar="N",
                                help="training steps for the curves (default: 100)")
    report_command.add_argument("-j", "--jobs", type=int, metavar="N",
                                help="documents reported in parallel (default: one per core)")
    report_command.set_defaults(run=run_report)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        print(f"symnet: error: {error}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("symnet: interrupted", file=sys.stderr)
        return 130


def run() -> None:
    """The `symnet` command: `main`, then the process ends without freeing what it built.
    A check leaves millions of SymPy objects behind; freeing them one by one took 0.2 s of
    a 3 s check (the output is flushed first; nothing else is pending at that point)."""
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
