"""Every bug in the corpus is caught by the check it names (so it loses points in its exercise),
at the default profile and seed.

The bugs are graded all at once by a module fixture, side by side (tests/workers.py), each
on its named check in an executor of its own.
"""
import pytest

from checks import all_checks, get
from corpus import all_bugs, write_variant
from grading.local import executor_for
from workers import map_in_workers

BUGS = all_bugs()


def _grade(task):
    """The status of a bug's folder on its named check."""
    folder, check_id = task
    with executor_for(folder) as impl:
        return impl.run(get(check_id)).status


@pytest.fixture(scope='module')
def statuses(tmp_path_factory):
    folder = tmp_path_factory.mktemp('variants')
    tasks = [(str(write_variant(bug, folder)), bug.check) for bug in BUGS]
    return dict(zip((bug.name for bug in BUGS), map_in_workers(_grade, tasks)))


def test_every_bug_names_a_check_of_its_exercise():
    known = {c.id: c.exercise for c in all_checks()}
    assert all(known.get(bug.check) == bug.exercise for bug in BUGS), \
        [bug.name for bug in BUGS if known.get(bug.check) != bug.exercise]


@pytest.mark.parametrize('bug', BUGS, ids=[bug.name for bug in BUGS])
def test_bug_is_caught(bug, statuses):
    assert statuses[bug.name] in ('failed', 'error', 'timeout'), (
        f'{bug.check} did not catch {bug.name} ({bug.why}): {statuses[bug.name]}')
