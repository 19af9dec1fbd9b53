"""Every bug in the corpus loses points in its exercise, at the default profile and seed.

The bugs are graded all at once by a module fixture, side by side (tests/checks/workers.py).
"""
import pytest

from checks import all_checks
from corpus import all_bugs, write_variant
from grading.local import executor_for
from workers import map_in_workers

BUGS = all_bugs()


def _grade(task):
    """{check id: status} of a bug's folder on every check of its exercise."""
    folder, exercise = task
    with executor_for(folder) as impl:
        return {c.id: impl.run(c).status for c in all_checks() if c.exercise == exercise}


@pytest.fixture(scope='module')
def statuses(tmp_path_factory):
    folder = tmp_path_factory.mktemp('variants')
    tasks = [(str(write_variant(bug, folder)), bug.exercise) for bug in BUGS]
    return dict(zip((bug.name for bug in BUGS), map_in_workers(_grade, tasks)))


@pytest.mark.parametrize('bug', BUGS, ids=[bug.name for bug in BUGS])
def test_bug_is_caught(bug, statuses):
    results = statuses[bug.name]
    lost = [status for status in results.values() if status != 'passed']
    assert lost, f'{bug.name} ({bug.why}) lost no points in {bug.exercise}'
    if bug.check:
        assert results[bug.check] in ('failed', 'error', 'timeout'), (
            f'{bug.check} did not catch {bug.name}: {results[bug.check]}')
