"""A failure is run once more in a fresh executor: "depends on earlier calls" is said when it
passes there, and only then (checks/runner.py, _confirmed and _in_a_fresh_process)."""
from checks import get
from corpus.bugs_engine import BUGS, ENGINE, write_engine_variant
from grading.local import executor_for

# From the fourth backward() of a process on, every gradient is doubled: state kept across calls.
DRIFTING = '''
_calls = [0]
_original_backward = Value.backward


def _drifting_backward(self):
    _calls[0] += 1
    _original_backward(self)
    if _calls[0] > 3:
        for v in self._prev:
            v.grad *= 2


Value.backward = _drifting_backward
'''

# Every second backward() of a process is wrong: it passes and fails by turns, in any process.
ALTERNATING = DRIFTING.replace('if _calls[0] > 3:', 'if _calls[0] % 2 == 0:')


def _engine(tmp_path, name, extra):
    path = tmp_path / f'{name}.py'
    path.write_text(ENGINE.read_text() + extra)
    return path


def test_a_failure_that_passes_in_a_fresh_process_depends_on_earlier_calls(tmp_path):
    with executor_for(_engine(tmp_path, 'drifting', DRIFTING)) as impl:
        result = impl.run(get('core.engine_mul'))
    assert result.status == 'failed'
    assert 'passes in a fresh process' in result.message and 'earlier calls' in result.message
    assert result.expected is not None and result.actual is not None  # what it did, still shown


def test_a_plain_bug_never_depends_on_earlier_calls(tmp_path):
    bug = next(b for b in BUGS if b.name == 'tanh_not_squared')
    with executor_for(write_engine_variant(bug, tmp_path)) as impl:
        result = impl.run(get(bug.check))
    assert result.status == 'failed' and 'earlier calls' not in result.message


def test_an_example_that_also_fails_in_a_fresh_process_is_a_plain_failure(tmp_path):
    with executor_for(_engine(tmp_path, 'alternating', ALTERNATING)) as impl:
        result = impl.run(get('core.engine_mul'))
    assert result.status == 'failed', (result.status, result.message)
    assert 'earlier calls' not in result.message, result.message
