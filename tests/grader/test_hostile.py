"""The grader against hostile submissions that crash, hang, flood or lie (tests/hostile/).

Each submission is the reference engine with one thing overridden, graded in the sandbox mode
this machine gives by default. For each one: the exit code, that the report exists and parses,
the affected check's status, message and score 0, that another selected check still gets its
points (the damage stays with the check that did it), and that no forged score gets through.
Attacks on the verdicts are in test_hostile_trust.py; containment mode by mode in
test_sandbox.py.
"""
import json
import re
import sys

import pytest

from checks import get
from hostile_runs import assert_outcome, hostile, limits, message, printed

POSIX_ONLY = pytest.mark.skipif(sys.platform == 'win32', reason='POSIX-only behaviour')

# A hang: the judge's deadline for one example stops it (three hangs, then the smallest is shown).
HANG_LIMITS = limits(example_seconds=0.5)
MEMORY_LIMITS = limits(memory_mb=512)
FLOOD_LIMITS = limits(example_seconds=1, check_wall_seconds=8)

RUNS = {
    'hang_add': hostile('hang_add', 'core.add', 'core.multiply', config=HANG_LIMITS, slow=True),
    'hang_swallow_add': hostile('hang_swallow_add', 'core.add', 'core.multiply',
                                config=HANG_LIMITS, slow=True),
    'block_signals': hostile('block_signals', 'core.add', 'core.multiply', config=HANG_LIMITS,
                             slow=True),
    'sleep_add': hostile('sleep_add', 'core.add', 'core.multiply', config=HANG_LIMITS, slow=True),
    'pause_add': hostile('pause_add', 'core.add', 'core.multiply', config=HANG_LIMITS),
    'recursion_multiply': hostile('recursion_multiply', 'core.add', 'core.multiply'),
    'exit_at_import': hostile('exit_at_import', 'core.add', 'ex1.by_hand'),
    'exit_in_check': hostile('exit_in_check', 'core.add', 'core.sigmoid', 'core.sgd_step'),
    'os_exit_in_check': hostile('os_exit_in_check', 'core.add', 'core.relu', 'core.sigmoid'),
    'exit_mid_answer': hostile('exit_mid_answer', 'core.add', 'core.multiply'),
    'memory_bomb_relu': hostile('memory_bomb_relu', 'core.add', 'core.relu', 'core.sigmoid',
                                config=MEMORY_LIMITS),
    'segfault_sigmoid': hostile('segfault_sigmoid', 'core.add', 'core.sigmoid', 'core.sgd_step'),
    'output_flood': hostile('output_flood', 'core.add', 'core.multiply', config=FLOOD_LIMITS,
                            slow=True),
    'answer_flood': hostile('answer_flood', 'core.add', 'core.multiply'),
    'print_into_answers': hostile('print_into_answers', 'core.add', 'core.multiply'),
    'lying_object': hostile('lying_object', 'core.add', 'core.multiply'),
    'lying_float': hostile('lying_float', 'core.add', 'core.multiply'),
    'nan_everywhere': hostile('nan_everywhere', 'core.add', 'core.losses'),
    'del_raises': hostile('del_raises', 'core.add', 'core.sgd_step'),
    'shared_model': hostile('shared_model', 'ex1.tree'),
}


# --- hangs ----------------------------------------------------------------------------------------


@pytest.mark.runs('hang_add')
def test_hang_is_a_timeout_and_the_next_check_still_runs(grader):
    run = grader['hang_add']
    assert_outcome(run, 1, {'core.add': 'timeout', 'core.multiply': 'passed'}, 2, 4)
    assert 'used more than 0.5 s of CPU time' in message(run, 'core.add')
    assert run.checks()['core.add']['case'] is not None  # the smallest hanging example is shown
    assert run.seconds < 30


@pytest.mark.runs('hang_swallow_add', 'block_signals')
@pytest.mark.parametrize('name', ['hang_swallow_add', 'block_signals'])
def test_hang_that_swallows_exceptions_or_blocks_signals_is_stopped_alike(grader, name):
    """No timer runs where the student's code does: the judge waits, then kills."""
    run = grader[name]
    assert_outcome(run, 1, {'core.add': 'timeout', 'core.multiply': 'passed'}, 2, 4)
    assert 'used more than 0.5 s of CPU time' in message(run, 'core.add')
    assert run.seconds < 30


@pytest.mark.runs('sleep_add')
def test_an_example_that_waits_forever_is_stopped_by_the_wall_clock(grader):
    """The per-example limit is CPU time; code that waits uses none, and the wall-clock backstop
    (5 times the limit) stops it, saying it waits."""
    run = grader['sleep_add']
    assert_outcome(run, 1, {'core.add': 'timeout', 'core.multiply': 'passed'}, 2, 4)
    assert 'still running after 2.5 s (wall clock) without using 0.5 s of CPU time' in \
        message(run, 'core.add')
    assert run.seconds < 40


@pytest.mark.runs('pause_add')
def test_an_example_slow_on_the_wall_clock_alone_is_not_a_time_out(grader):
    """What a loaded machine does to a correct solution (a 1 s pause, no work) costs no point."""
    assert_outcome(grader['pause_add'], 0, {'core.add': 'passed', 'core.multiply': 'passed'}, 4, 4)


# --- crashes and exits ----------------------------------------------------------------------------


@pytest.mark.runs('recursion_multiply')
def test_infinite_recursion_is_an_error(grader):
    run = grader['recursion_multiply']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.multiply': 'error'}, 2, 4)
    assert 'maximum recursion depth exceeded' in message(run, 'core.multiply')
    traceback = run.checks()['core.multiply']['traceback']
    # The student's own frames, under the path the student knows (not the sandbox's copy).
    assert f'{run.tmp}/recursion_multiply/__init__.py' in traceback, traceback


@pytest.mark.runs('exit_at_import')
def test_sys_exit_at_import_is_an_error_for_every_check(grader):
    run = grader['exit_at_import']
    checks = assert_outcome(run, 1, {'core.add': 'error', 'ex1.by_hand': 'error'}, 0, 4)
    for check in checks.values():
        assert check['message'] == f'importing {run.tmp}/exit_at_import called sys.exit(0)'
    assert 'Traceback' not in run.stderr


@pytest.mark.runs('exit_in_check')
def test_sys_exit_in_a_check_is_an_error_of_that_check(grader):
    run = grader['exit_in_check']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.sigmoid': 'error',
                            'core.sgd_step': 'passed'}, 4, 5)
    assert message(run, 'core.sigmoid') == 'the implementation called sys.exit(0)'


@pytest.mark.runs('os_exit_in_check')
def test_os_exit_in_a_check_blames_it_and_a_fresh_executor_goes_on(grader):
    run = grader['os_exit_in_check']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.relu': 'error',
                            'core.sigmoid': 'passed'}, 3, 4)
    assert message(run, 'core.relu').startswith(
        'the process running your code exited with status 0')
    assert run.checks()['core.relu']['case'] is not None  # shrunk like any failure


@pytest.mark.runs('exit_mid_answer')
def test_half_an_answer_then_exit_is_an_error_and_the_report_is_written(grader):
    run = grader['exit_mid_answer']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.multiply': 'error'}, 2, 4)
    assert 'exited with status 0' in message(run, 'core.multiply')


@POSIX_ONLY  # RLIMIT_AS
@pytest.mark.runs('memory_bomb_relu')
def test_memory_bomb_is_stopped_by_the_memory_limit(grader):
    run = grader['memory_bomb_relu']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.relu': 'error',
                            'core.sigmoid': 'passed'}, 3, 4)
    assert message(run, 'core.relu').startswith('MemoryError')
    assert run.report['limits']['memory_mb'] == 512


@POSIX_ONLY  # a segfault is a signal
@pytest.mark.runs('segfault_sigmoid')
def test_segfault_blames_the_check_and_a_fresh_executor_goes_on(grader):
    run = grader['segfault_sigmoid']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.sigmoid': 'error',
                            'core.sgd_step': 'passed'}, 4, 5)
    assert message(run, 'core.sigmoid') == \
        'the process running your code crashed: SIGSEGV (a segmentation fault)'


# --- floods ---------------------------------------------------------------------------------------


@pytest.mark.runs('output_flood')
def test_output_flood_is_kept_to_its_head_and_tail_and_the_report_is_written(grader):
    """16 MB per op() call: the judge keeps 64 KB of head and of tail per executor, counts the
    rest, and the checks end within their limits."""
    run = grader['output_flood']
    checks = run.checks()
    assert run.returncode in (0, 1), run.describe()
    assert checks['core.multiply']['status'] == 'passed'
    # A correct solution that prints a lot keeps its points, unless printing makes it too slow.
    assert checks['core.add']['status'] in ('passed', 'timeout'), run.describe()
    assert len(run.report_text) < 300_000  # the report itself stays small
    assert re.search(r'\[\.\.\. \d+ lines not shown \.\.\.\]', printed(run))
    assert run.seconds < 60


@pytest.mark.runs('answer_flood')
def test_an_answer_announced_as_3_gb_is_refused_not_read(grader):
    run = grader['answer_flood']
    assert_outcome(run, 1, {'core.add': 'error', 'core.multiply': 'passed'}, 2, 4)
    assert 'more than the 16 MB an answer may have' in message(run, 'core.add')


@pytest.mark.runs('print_into_answers')
def test_prints_pushed_into_the_answer_channel_are_garbage_not_answers(grader):
    run = grader['print_into_answers']
    assert_outcome(run, 1, {'core.add': 'error', 'core.multiply': 'passed'}, 2, 4)
    assert message(run, 'core.add').startswith('the process running your code sent') or \
        'not JSON' in message(run, 'core.add') or 'an answer of' in message(run, 'core.add')


# --- wrong values in disguise ---------------------------------------------------------------------


@pytest.mark.runs('lying_object')
def test_object_equal_to_everything_with_a_garbage_float_fails(grader):
    run = grader['lying_object']
    assert_outcome(run, 1, {'core.add': 'failed', 'core.multiply': 'passed'}, 2, 4)
    assert message(run, 'core.add').startswith('Add.forward() is a Liar, which float() cannot '
                                               'read (TypeError:')


@pytest.mark.runs('lying_float')
def test_float_subclass_that_lies_is_read_as_the_number_it_is(grader):
    run = grader['lying_float']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.multiply': 'failed'}, 2, 4)
    check = run.checks()['core.multiply']
    assert check['what'] == 'Multiply.forward()'
    # Read through float itself: the true (wrong) number, one more than the product.
    assert check['actual'] == pytest.approx(check['expected'] + 1.0)


@pytest.mark.runs('nan_everywhere')
def test_nan_from_every_operation_fails_and_the_report_is_still_written(grader):
    run = grader['nan_everywhere']
    assert_outcome(run, 1, {'core.add': 'failed', 'core.losses': 'passed'}, 2, 4)
    assert message(run, 'core.add') == 'Add.forward() is NaN'
    # Strict JSON, as json_format promises (allow_nan=False): no NaN or Infinity constants.
    json.loads(run.report_text, parse_constant=lambda name: pytest.fail(f'{name} in the report'))


@pytest.mark.runs('del_raises')
def test_exception_from_del_is_only_output(grader):
    run = grader['del_raises']
    assert_outcome(run, 0, {'core.add': 'passed', 'core.sgd_step': 'passed'}, 4, 4)
    assert 'RuntimeError: HOSTILE __del__ raised' in printed(run)


# --- graphs too big to write out --------------------------------------------------------------


@pytest.mark.runs('shared_model')
def test_a_model_too_deep_and_too_shared_to_write_out_fails_in_seconds(grader):
    """The report shows the wrong model cut short: the judge neither crashes on its depth (it
    did: 'the grader failed') nor writes its 2^40 paths (it did, until the backstop, 150 s)."""
    run = grader['shared_model']
    assert_outcome(run, 1, {'ex1.tree': 'failed'}, 0, get('ex1.tree').points)
    notes = run.checks()['ex1.tree']['notes']
    assert 'the model: ' in notes and '...' in notes and len(notes) < 3000, notes
    assert run.seconds < 30
