"""End to end on derivations/: every file loads, derives and is checked; every claim gets a
verdict; at most 10% are unchecked, each with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from symnet.check import check_document
from symnet.document import load

FILES = sorted((Path(__file__).parent.parent / "derivations").glob("*.toml"))


@pytest.fixture(scope="module")
def results():
    return [check_document(load(path)) for path in FILES]


def test_there_is_one_file_per_seed_document():
    sources = {load(path).source for path in FILES}
    assert len(FILES) == 4 and all(source.endswith(".txt") for source in sources)


def test_every_claim_gets_one_verdict(results):
    for path, result in zip(FILES, results):
        document = load(path)
        assert [claim.id for claim in result.claims] == [c.id for c in document.claims]
        for claim in result.claims:
            assert claim.verdict in ("holds", "approximation", "wrong", "unchecked")
            if claim.verdict == "wrong":
                assert claim.diagnosis in ("sign", "factor", "transpose", "index", "shape",
                                           "other")
            if claim.verdict == "unchecked":
                assert claim.message


def test_at_most_a_tenth_unchecked(results):
    claims = [claim for result in results for claim in result.claims]
    unchecked = [claim for claim in claims if claim.verdict == "unchecked"]
    assert len(unchecked) <= 0.1 * len(claims), [c.id for c in unchecked]


def test_committed_reports_match_the_code(results):
    """reports/ is the main job's output and is committed: its verdicts are today's."""
    committed = json.loads((FILES[0].parent.parent / "reports" / "check.json").read_text())
    by_file = {Path(document["file"]).name: document for document in committed["documents"]}
    for path, result in zip(FILES, results):
        assert path.name in by_file, f"reports/check.json lacks {path.name}: rerun the main job"
        stored = [(c["id"], c["verdict"], c["diagnosis"]) for c in by_file[path.name]["claims"]]
        assert stored == [(c.id, c.verdict, c.diagnosis) for c in result.claims], \
            f"reports/ is stale for {path.name}: rerun `symnet report derivations/`"
        assert (path.parent.parent / "reports" / f"{path.stem}.tex").exists()


def test_derive_of_a_large_network_says_the_closed_form_is_omitted():
    from symnet.derive import derive
    from symnet.document import parse
    document = parse({"document": {"title": "large"}, "network": {
        "samples": "columns", "sizes": {"N_0": 784, "N_1": 256, "N_2": 10, "M": 256},
        "batch": "M", "inputs": "N_0",
        "layers": [{"units": "N_1", "activation": "relu"},
                   {"units": "N_2", "activation": "softmax"}],
        "loss": {"kind": "categorical_cross_entropy"}}})
    derivation = derive(document)
    assert derivation.closed_form is None and "203264 weights" in derivation.closed_form_note
    assert len(derivation.gradients) >= 4
