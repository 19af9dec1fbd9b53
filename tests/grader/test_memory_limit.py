"""The memory limit bounds memory used, not address space reserved (grading/memory.py).

Graded by `python grader.py` in this machine's default sandbox mode, as tests/grader/
test_hostile.py does: a submission with JAX's memory profile (1.5 GB of address space reserved,
256 MB used) passes under the default memory_mb = 1024; one that fills memory is stopped at the
limit with a report that says so; deaths near a limit (an abort after an allocation was refused,
or with memory near the limit) and a MemoryError are reported as the memory limit, never as a
crash of the code; and the report says how memory is measured.
"""
import sys

import pytest

from hostile_runs import assert_outcome, hostile, limits, message

pytestmark = pytest.mark.skipif(not sys.platform.startswith('linux'),
                                reason='the memory watchdog reads /proc (Linux)')

# Filling memory takes time on a loaded machine: examples get 8 s, so that the memory limit, not
# the clock, is what stops them.
MEMORY_512 = limits(memory_mb=512, example_seconds=8, check_cpu_seconds=20, check_wall_seconds=40)

RUNS = {
    'reserve_address_space': hostile('reserve_address_space', 'core.add', 'core.relu',
                                     config=limits(memory_mb=1024)),
    'fill_memory': hostile('fill_memory', 'core.add', 'core.relu', 'core.sigmoid',
                           config=MEMORY_512, slow=True),
    'abort_at_backstop': hostile('abort_at_backstop', 'core.add', 'core.relu',
                                 config=MEMORY_512, slow=True),
    'abort_near_limit': hostile('abort_near_limit', 'core.add', 'core.relu',
                                config=MEMORY_512, slow=True),
    'memory_bomb_relu': hostile('memory_bomb_relu', 'core.add', 'core.relu',
                                config=MEMORY_512),
}


@pytest.mark.runs('reserve_address_space')
def test_address_space_reserved_but_not_used_passes_under_the_default_limit(grader):
    run = grader['reserve_address_space']
    assert_outcome(run, 0, {'core.add': 'passed', 'core.relu': 'passed'}, 3, 3)
    limits = run.report['limits']
    assert (limits['memory_mb'], limits['memory_measure']) == (1024, 'resident')
    assert limits['address_space_mb'] == 4096   # the backstop: 4 x memory_mb


@pytest.mark.runs('fill_memory')
def test_filling_memory_is_stopped_at_the_limit_and_the_report_says_so(grader):
    run = grader['fill_memory']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.relu': 'error',
                            'core.sigmoid': 'passed'}, 3, 4)
    text = message(run, 'core.relu')
    assert text.startswith('the memory limit was hit: the process running your code used '), text
    assert 'more than the 512 MB it may use (memory_mb)' in text
    assert 'crash' not in text and 'SIG' not in text
    used = int(text.split(' used ')[1].split(' MB')[0])
    assert 512 < used < 512 + 64, text   # stopped close to the limit, not far past it


@pytest.mark.parametrize('name, what', [
    ('abort_at_backstop', 'had reserved '),
    ('abort_near_limit', 'was using '),
])
@pytest.mark.runs('abort_at_backstop', 'abort_near_limit')
def test_a_death_near_a_limit_is_the_memory_limit_not_a_crash(grader, name, what):
    run = grader[name]
    assert_outcome(run, 1, {'core.add': 'passed', 'core.relu': 'error'}, 2, 3)
    text = message(run, 'core.relu')
    assert text.startswith(f'the memory limit was hit: the process running your code {what}'), \
        text
    assert 'when it was ended by SIGABRT' in text and '512 MB' in text
    assert 'crashed' not in text and 'a crash of the code' in text


@pytest.mark.runs('memory_bomb_relu')
def test_a_memory_error_says_the_memory_limit_was_hit_and_what_it_is(grader):
    run = grader['memory_bomb_relu']
    assert_outcome(run, 1, {'core.add': 'passed', 'core.relu': 'error'}, 2, 3)
    text = message(run, 'core.relu')
    assert text.startswith('MemoryError'), text
    assert 'the memory limit was hit' in text and '512 MB of memory (memory_mb)' in text
