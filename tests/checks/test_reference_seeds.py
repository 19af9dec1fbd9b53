"""The reference passes every check under 20 seeds, and the shipped stubs lose every exercise."""
import pytest

import exercises
import reference
from checks import all_checks
from grading.local import executor_for


@pytest.fixture(scope='module')
def reference_impl():
    """One executor for the reference, for every seed."""
    with executor_for(reference.__path__[0]) as impl:
        yield impl


@pytest.mark.parametrize('seed', range(20))
def test_reference_passes_every_check(seed, reference_impl):
    failures = [(r.check_id, r.status, r.message, r.case_text)
                for r in (reference_impl.run(check, seed=seed) for check in all_checks())
                if r.status != 'passed']
    assert not failures, failures


def test_stubs_pass_core_and_attempt_no_exercise():
    with executor_for(exercises.__path__[0]) as impl:
        results = [impl.run(check) for check in all_checks()]
    assert all(r.status == 'passed' for r in results if r.exercise == 'core')
    for r in results:
        if r.exercise != 'core':
            assert r.status == 'not_attempted' or r.blocked_by, (r.check_id, r.status, r.message)


def test_every_check_has_points_a_description_and_a_hint():
    checks = all_checks()
    assert len({c.id for c in checks}) == len(checks)
    for c in checks:
        assert c.points > 0 and c.description and c.hint, c.id
