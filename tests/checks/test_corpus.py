"""Every bug in the corpus loses points in its exercise, at the default profile and seed."""
import pytest

from checks import all_checks, run
from checks.adapters import ArticleAdapter
from corpus import all_bugs, make_variant

BUGS = all_bugs()


@pytest.mark.parametrize('bug', BUGS, ids=[bug.name for bug in BUGS])
def test_bug_is_caught(bug, tmp_path_factory):
    module = make_variant(bug, tmp_path_factory.getbasetemp() / 'variants')
    adapter = ArticleAdapter(module, source_paths=[module.__path__[0]])
    checks = [c for c in all_checks() if c.exercise == bug.exercise]
    results = {c.id: run(c, adapter) for c in checks}
    lost = [r for r in results.values() if r.status != 'passed']
    assert lost, f'{bug.name} ({bug.why}) lost no points in {bug.exercise}'
    if bug.check:
        assert results[bug.check].status in ('failed', 'error', 'timeout'), (
            f'{bug.check} did not catch {bug.name}: {results[bug.check].status}')
