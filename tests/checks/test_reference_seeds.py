"""The reference passes every check under 2 seeds (docs/quality.md measures 50 seeds of the thorough
profile, with every correct variant), and the shipped stubs lose every exercise."""
import pytest

import exercises
import reference
from checks import all_checks, article_checks
from checks.profiles import DEFAULT_SEED
from grading.local import executor_for
from workers import map_in_workers


SEEDS = range(2)  # CI's time; tests/quality/measure.py runs many more (docs/quality.md, 2)


def _grade(task):
    """[(check id, exercise, status, message, case text, blocked by)] of every check of the
    article's API, for (package folder, seed)."""
    folder, seed = task
    with executor_for(folder) as impl:
        return [(r.check_id, r.exercise, r.status, r.message, r.case_text, r.blocked_by)
                for r in (impl.run(check, seed=seed) for check in article_checks())]


@pytest.fixture(scope='module')
def graded():
    """{seed: the reference's results, 'stubs': the stubs' at the default seed}, graded side by
    side (tests/workers.py)."""
    tasks = [(reference.__path__[0], seed) for seed in SEEDS]
    tasks.append((exercises.__path__[0], DEFAULT_SEED))
    results = map_in_workers(_grade, tasks)
    return {**dict(zip(SEEDS, results)), 'stubs': results[-1]}


@pytest.mark.parametrize('seed', SEEDS)
def test_reference_passes_every_check(seed, graded):
    failures = [row for row in graded[seed] if row[2] != 'passed']
    assert not failures, failures


def test_stubs_pass_core_and_attempt_no_exercise(graded):
    results = graded['stubs']
    assert all(status == 'passed' for _, exercise, status, *_ in results if exercise == 'core')
    for check_id, exercise, status, message, _, blocked_by in results:
        if exercise != 'core':
            assert status == 'not_attempted' or blocked_by, (check_id, status, message)


def test_every_check_has_points_a_description_and_a_hint():
    checks = all_checks()
    assert len({c.id for c in checks}) == len(checks)
    for c in checks:
        assert c.points > 0 and c.description and c.hint, c.id
