"""On a terminal, a failure shows as soon as its check is over, while the other checks still run;
the full report still comes at the end, the same as without a terminal."""
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from corpus import all_bugs, write_variant

ROOT = Path(__file__).resolve().parents[2]
# core.add first, then checks that take seconds: time for the failure to show before they end.
CHECKS = ('--check', 'core.add', '--check', 'core.relu', '--check', 'core.forward', '--check',
          'core.gradients')


def _run_on_a_terminal(folder):
    """(what went to the terminal on stderr, when each character of it arrived, stdout) of a grade
    of CHECKS, with stderr a pseudo-terminal (the progress line and the early failures)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / 'grader.py'), '--impl', str(folder), *CHECKS, '-j', '1'],
        stdout=subprocess.PIPE, stderr=follower, cwd=ROOT,
        env={**os.environ, 'NO_COLOR': '1'})
    os.close(follower)
    seen, times = b'', []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed: the grader is over
            break
        if not chunk:
            break
        text = chunk.decode('utf-8', 'replace')
        seen += chunk
        times += [time.monotonic()] * len(text)
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    return seen.decode('utf-8', 'replace'), times, stdout.decode()


def test_a_failure_reaches_the_terminal_before_the_last_check_ends(tmp_path):
    bug = next(b for b in all_bugs() if b.check == 'core.add')
    terminal, times, report = _run_on_a_terminal(write_variant(bug, tmp_path))
    early = terminal.find('✗ core.add')
    counts = [(m.start(), int(m.group(1)), int(m.group(2)))
              for m in re.finditer(r'\[(\d+)/(\d+)\]', terminal)]
    assert early >= 0, terminal
    assert 'details in the report below' in terminal[early:early + 300]
    last = max(position for position, done, total in counts if done == total)
    assert early < last
    # Not all at once when the exercise is over: core's other checks take seconds after it.
    assert times[last] - times[early] > 0.5, 'the failure came only once every check was over'
    assert '✗ core.add' in report and 'Total:' in report  # the full report, as always
