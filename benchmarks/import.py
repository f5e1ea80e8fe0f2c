"""`symnet import` on the corpus: for each corpus document whose formulas are written out as a
Markdown or LaTeX source (benchmarks/import_sources/, the formulas only, in the source's order),
whether every claim comes back verbatim and whether the inferred network is the hand-written
TOML's network (the same samples layout, weight orientation, first layer number, layers with
their activations and biases, loss kind, scale and reduction, and regularisation). Then what a
user who only imports gets: the formulas checked under the imported network and notation,
beside the hand-written file's verdicts (how many are left unchecked, how many are wrong where
the hand-written file's are not, and the other way round).

    python benchmarks/import.py > benchmarks/import.txt
"""

from __future__ import annotations

import platform
import sys
import time
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from symnet.check import check_document  # noqa: E402
from symnet.document import load, parse  # noqa: E402
from symnet.importing import import_document  # noqa: E402


def shape(network) -> dict:
    """What a network is, without the names its sizes and functions are given."""
    return {
        "samples": network.samples, "weights": network.weights,
        "layers_from": network.layers_from,
        "layers": [("generic" if layer.activation.generic else layer.activation.name,
                    layer.bias) for layer in network.layers],
        "loss": (network.loss.loss.name if not network.loss.loss.generic else "generic",
                 network.loss.scale, network.loss.reduction),
        "l2": network.l2 is not None,
    }


def main() -> None:
    print("# import: symnet import on the corpus documents written out as Markdown/LaTeX "
          "(benchmarks/import_sources/)")
    print(f"# {platform.machine()}, Python {platform.python_version()}, {date.today()}")
    print(f"{'document':<42} {'claims':>6} {'verbatim':>9} {'network':>8} {'s':>6}  "
          "differences")
    sources = sorted(path for path in (ROOT / "benchmarks" / "import_sources").iterdir()
                     if path.suffix in (".md", ".tex", ".ipynb"))
    verbatim_total = same_total = 0
    verdicts = dict.fromkeys(("claims", "unchecked", "unchecked by hand", "wrong, not by hand",
                              "wrong by hand, not"), 0)
    for source in sources:
        expected = load(ROOT / "corpus" / f"{source.stem}.toml")
        written = tomllib.loads((ROOT / "corpus" / f"{source.stem}.toml").read_text())
        started = time.perf_counter()
        result = import_document(source)
        seconds = time.perf_counter() - started
        claims = [formula.latex for formula in result.formulas]
        verbatim = claims == [claim["latex"].strip() for claim in written["claim"]]
        imported = parse({"document": result.header(source.name),
                          "network": result.inference.network,
                          "notation": result.inference.notation, "macros": result.macros,
                          "claim": [{"id": f"c{number}", "latex": latex}
                                    for number, latex in enumerate(claims)]})
        inferred = imported.network
        if verbatim:
            pairs = list(zip(check_document(imported).claims,
                             check_document(expected).claims))
            verdicts["claims"] += len(pairs)
            verdicts["unchecked"] += sum(got.verdict == "unchecked" for got, _ in pairs)
            verdicts["unchecked by hand"] += sum(want.verdict == "unchecked" for _, want in pairs)
            verdicts["wrong, not by hand"] += sum(got.verdict == "wrong" != want.verdict
                                                  for got, want in pairs)
            verdicts["wrong by hand, not"] += sum(want.verdict == "wrong" != got.verdict
                                                  for got, want in pairs)
        want, got = shape(expected.network), shape(inferred)
        differences = [f"{key}: {got[key]} for {want[key]}" for key in want
                       if want[key] != got[key]]
        verbatim_total += verbatim
        same_total += not differences
        print(f"{source.name:<42} {len(claims):>6} {'yes' if verbatim else 'NO':>9} "
              f"{'same' if not differences else 'differs':>8} {seconds:>6.1f}  "
              f"{'; '.join(differences)}")
    count = len(sources)
    share = same_total / count if count else 0
    print(f"\nclaims recovered verbatim: {verbatim_total} of {count} documents")
    print(f"inferred network equals the hand-written one: {same_total} of {count} documents "
          f"({share:.0%}; target at least 80%: {'met' if share >= 0.8 else 'NOT met'})")
    total = verdicts["claims"] or 1
    print(f"\nthe formulas checked as imported, beside the hand-written files' verdicts "
          f"({verdicts['claims']} formulas):")
    print(f"  unchecked: {verdicts['unchecked']} ({verdicts['unchecked'] / total:.0%}); "
          f"with the hand-written files {verdicts['unchecked by hand']}")
    print(f"  wrong as imported, not in the hand-written file: {verdicts['wrong, not by hand']}")
    print(f"  wrong in the hand-written file, not as imported: {verdicts['wrong by hand, not']}")


if __name__ == "__main__":
    main()
