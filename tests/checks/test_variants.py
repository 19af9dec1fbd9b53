"""Correct implementations that differ from the reference (tests/corpus/variants) pass every check.

A check that fails one of them is wrong (a false positive), not the variant. The quick test runs,
at the default seed and profile, the checks where each variant differs from the reference (its
`focus`, which for a caching design includes the checks where caching meets the other features),
spread over the machine's cores: every check of every variant took CI past its time. Every check
of every variant runs in the false-positive measurement (tests/quality/measure.py, and the slow
test below), over many seeds of both profiles (docs/quality.md, section 2).
"""
import ast
from pathlib import Path

import pytest

import reference
from checks import EXERCISES, all_checks
from checks.profiles import DEFAULT_SEED
from corpus.variants import HERE, all_variants, by_name, failures, load
from workers import map_in_workers

VARIANTS = all_variants()
EXTRA_SEEDS = ()  # CI time: the slow measurement covers 50 seeds
FALSE_POSITIVE_SEEDS = range(50)
REFERENCE_FOLDER = Path(reference.__path__[0])


# --- the corpus itself --------------------------------------------------------------------------


def test_at_least_ten_variants_each_listed_once():
    assert len(VARIANTS) >= 10
    on_disk = {p.name for p in HERE.iterdir() if (p / '__init__.py').is_file()}
    assert on_disk == {v.name for v in VARIANTS}


@pytest.mark.parametrize('variant', VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant_is_a_package_that_says_what_differs(variant):
    doc = ast.get_docstring(ast.parse((variant.folder / '__init__.py').read_text()))
    assert doc and doc.startswith('Correct variant: ') and len(doc) > 80, variant.name
    ids = {c.id for c in all_checks()}
    assert variant.focus and all(f in EXERCISES or f in ids for f in variant.focus), variant.focus
    module = load(variant)
    assert module.__name__ == f'correct_{variant.name}'
    assert module.Add.__module__.startswith(f'correct_{variant.name}.')
    assert module.Add is not reference.Add
    differs = [p.name for p in variant.folder.glob('*.py') if p.name != '__init__.py' and (
        not (REFERENCE_FOLDER / p.name).is_file()
        or p.read_text() != (REFERENCE_FOLDER / p.name).read_text())]
    assert differs, f'{variant.name} is a copy of the reference'


# --- every variant passes ---------------------------------------------------------------------


def _run(task):
    return task, failures(*task)


def _selected(session):
    """The variants whose test_variant_passes_where_it_differs is part of this session."""
    return [item.callspec.params['variant'] for item in session.items
            if getattr(item, 'originalname', None) == 'test_variant_passes_where_it_differs']


@pytest.fixture(scope='module')
def verdicts(request):
    """{variant name: failures}: the checks of its focus at the default seed and EXTRA_SEEDS, for
    every selected variant at once, in worker processes when the platform can fork."""
    tasks = []
    for variant in _selected(request.session):
        tasks += [(variant.name, seed, 'quick', True) for seed in (DEFAULT_SEED,) + EXTRA_SEEDS]
    # The longest first (the most checks covered), so that no long one starts last and runs alone.
    checks = all_checks()
    tasks.sort(key=lambda task: -sum(by_name(task[0]).covers(c) for c in checks))
    done = map_in_workers(_run, tasks)
    found = {}
    for (name, *_), lines in done:
        found.setdefault(name, []).extend(lines)
    return found


@pytest.mark.parametrize('variant', VARIANTS, ids=[v.name for v in VARIANTS])
def test_variant_passes_where_it_differs(variant, verdicts):
    found = verdicts[variant.name]
    assert not found, f'{variant.name} ({variant.summary}) is correct, yet:\n' + '\n'.join(found)


@pytest.mark.parametrize('variant', [v for v in VARIANTS if v.beyond],
                         ids=[v.name for v in VARIANTS if v.beyond])
def test_variant_fails_the_clause_its_design_does_not_meet(variant):
    from checks import registry
    from corpus.variants import implementation
    with implementation(variant.name) as impl:
        statuses = {c: impl.run(registry.get(c)).status for c in variant.beyond}
    assert statuses == {c: 'failed' for c in variant.beyond}


# --- the false-positive measurement (slow) ----------------------------------------------------

IMPLEMENTATIONS = ['reference'] + [v.name for v in VARIANTS]


@pytest.mark.slow
@pytest.mark.parametrize('seed', FALSE_POSITIVE_SEEDS)
@pytest.mark.parametrize('name', IMPLEMENTATIONS)
def test_no_false_positive_under_50_thorough_seeds(name, seed):
    found = failures(name, seed, profile='thorough')
    assert not found, f'{name} is correct, yet:\n' + '\n'.join(found)
