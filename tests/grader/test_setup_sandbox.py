"""python grader.py --setup-sandbox: it says which isolation the grader will use here."""
import io

from grading import sandbox
from grading.setup_sandbox import setup_sandbox


def test_setup_says_which_mode_the_grader_will_use():
    out = io.StringIO()
    assert setup_sandbox(out) == 0
    mode, _ = sandbox.choose()
    assert f'the grader will use mode {mode}' in out.getvalue()
