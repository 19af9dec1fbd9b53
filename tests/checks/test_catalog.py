from pathlib import Path

from checks.catalog import render


def test_docs_checks_md_is_current():
    written = (Path(__file__).resolve().parents[2] / 'docs' / 'checks.md').read_text()
    assert written == render(), 'run: python -m checks.catalog > docs/checks.md'
