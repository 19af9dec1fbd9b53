"""Every bug in the corpus loses points in its exercise, at the default profile and seed."""
import pytest

from checks import all_checks
from corpus import all_bugs, write_variant
from grading.local import executor_for

BUGS = all_bugs()


@pytest.mark.parametrize('bug', BUGS, ids=[bug.name for bug in BUGS])
def test_bug_is_caught(bug, tmp_path_factory):
    folder = write_variant(bug, tmp_path_factory.getbasetemp() / 'variants')
    checks = [c for c in all_checks() if c.exercise == bug.exercise]
    with executor_for(folder) as impl:
        results = {c.id: impl.run(c) for c in checks}
    lost = [r for r in results.values() if r.status != 'passed']
    assert lost, f'{bug.name} ({bug.why}) lost no points in {bug.exercise}'
    if bug.check:
        assert results[bug.check].status in ('failed', 'error', 'timeout'), (
            f'{bug.check} did not catch {bug.name}: {results[bug.check].status}')
