from pathlib import Path

from checks.catalog import render


def test_docs_checks_md_is_current():
    written = (Path(__file__).resolve().parents[2] / 'docs' / 'checks.md').read_text()
    assert written == render(), 'run: python -m checks.catalog > docs/checks.md'


def test_every_clause_names_real_checks_or_says_how_it_is_judged():
    from checks import all_checks
    from checks.clauses import CLAUSES
    ids = {c.id for c in all_checks()}
    for section, clause, guards, how in CLAUSES:
        assert set(guards) <= ids, (clause, set(guards) - ids)
        assert guards or how, clause


def test_every_check_guards_some_clause():
    from checks import all_checks
    from checks.clauses import CLAUSES
    guarding = {i for _, _, guards, _ in CLAUSES for i in guards}
    assert {c.id for c in all_checks()} - guarding == set()
