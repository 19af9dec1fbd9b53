"""A grader or an executor Python in a virtual environment, under /tmp, in the bubblewrap sandbox:
the environment's folder is mounted in the sandbox (over its empty /tmp), and its prefix and
site-packages are found (they are set by the site module, which `python -S` skips)."""
import os
import subprocess
import sys
import venv

import pytest

from grader_harness import ROOT
from grading import sandbox


def _bwrap():
    old = os.environ.get('GRADER_SANDBOX')
    try:
        os.environ['GRADER_SANDBOX'] = 'auto'
        return sandbox.choose()[0] == 'bwrap'
    except sandbox.SandboxError:
        return False
    finally:
        if old is None:
            os.environ.pop('GRADER_SANDBOX', None)
        else:
            os.environ['GRADER_SANDBOX'] = old


pytestmark = pytest.mark.skipif(not sys.platform.startswith('linux') or not _bwrap(),
                                reason='needs the bwrap sandbox mode (root and bubblewrap)')


def _grade(python, **env):
    done = subprocess.run([python, str(ROOT / 'grader.py'), '--impl', str(ROOT / 'reference'),
                           '--exercise', 'ex1'], capture_output=True, text=True, timeout=300,
                          env={**os.environ, 'GRADER_SANDBOX': 'bwrap', **env})
    return done.stdout + done.stderr


def test_a_grader_run_from_a_virtual_environment_under_tmp(tmp_path):
    venv.create(tmp_path / 'env', system_site_packages=True, with_pip=False)
    out = _grade(str(tmp_path / 'env' / 'bin' / 'python'))
    assert 'Total: 4/4' in out, out


def test_an_executor_python_in_a_virtual_environment_under_tmp(tmp_path):
    venv.create(tmp_path / 'env', with_pip=False)
    out = _grade(sys.executable, GRADER_EXECUTOR_PYTHON=str(tmp_path / 'env' / 'bin' / 'python'))
    assert 'Total: 4/4' in out, out
