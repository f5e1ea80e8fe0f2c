"""The development corpus (corpus/*.toml): real public derivations with the expected verdict
of each formula from its evidence. Every file loads, has its source and an expectation with
evidence on every claim; no formula symnet reads gets a verdict its evidence contradicts (no
false alarm, no documented error judged to hold or given another diagnosis). How many
formulas, and documented errors, symnet still leaves unchecked is measured by
benchmarks/corpus.py (with its targets), not asserted here."""

from __future__ import annotations

from pathlib import Path

import pytest

from symnet.check import check_document
from symnet.document import load

CORPUS = sorted((Path(__file__).parent.parent / "corpus").glob("*.toml"))


def test_the_corpus_is_there():
    assert CORPUS


@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_corpus_document_loads_with_sources_and_expectations(path):
    document = load(path)
    assert document.source.startswith("https://"), "the exact place: URL (and commit)"
    for claim in document.claims:
        assert claim.expect in ("holds", "approximation", "wrong"), claim.id
        assert claim.evidence, f"{claim.id}: where does the expectation come from?"
        if claim.expect == "wrong":
            assert claim.expect_diagnosis, f"{claim.id}: which kind of error?"


@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_no_verdict_contradicts_the_evidence(path):
    document = load(path)
    expected = {claim.id: claim for claim in document.claims}
    for verdict in check_document(document).claims:
        claim = expected[verdict.id]
        if verdict.verdict == "unchecked":
            continue
        if claim.expect == "wrong":
            assert (verdict.verdict, verdict.diagnosis) == ("wrong", claim.expect_diagnosis), \
                (verdict.id, verdict.verdict, verdict.message)
        else:
            assert verdict.verdict in ("holds", "approximation"), \
                (verdict.id, verdict.diagnosis, verdict.message)
