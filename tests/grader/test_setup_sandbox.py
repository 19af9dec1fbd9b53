"""python grader.py --setup-sandbox: it installs bubblewrap where it can and says which isolation
the grader will use here; apt-get and bwrap are stood in for where a case needs them."""
import io
import os
import stat

import pytest

from grading import sandbox, setup_sandbox as setup


def test_setup_says_which_mode_the_grader_will_use():
    out = io.StringIO()
    assert setup.setup_sandbox(out) == 0
    mode, _ = sandbox.choose()
    assert f'the grader will use mode {mode}' in out.getvalue()


def fake(folder, name, script):
    path = folder / name
    path.write_text('#!/bin/sh\n' + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def as_root_without_bwrap(tmp_path, monkeypatch):
    """A PATH with a fake apt-get (tmp/bin) and no bwrap; the process taken for root."""
    (tmp_path / 'bin').mkdir()
    monkeypatch.setenv('PATH', f'{tmp_path / "bin"}:/usr/bin:/bin')
    monkeypatch.setattr(setup.shutil, 'which',
                        lambda name: str(tmp_path / 'bin' / name)
                        if (tmp_path / 'bin' / name).exists() else None)
    monkeypatch.setattr(setup.os, 'geteuid', lambda: 0)
    monkeypatch.setattr(setup.sandbox, 'choose', lambda: ('user', 'no bubblewrap here'))
    return tmp_path / 'bin'


def test_missing_package_lists_are_updated_then_the_install_retried(as_root_without_bwrap):
    calls = as_root_without_bwrap.parent / 'calls'
    fake(as_root_without_bwrap, 'apt-get',
         f'echo "$@" >> {calls}\n'
         f'if [ "$1" = update ]; then touch {as_root_without_bwrap.parent}/updated; exit 0; fi\n'
         f'if [ -e {as_root_without_bwrap.parent}/updated ]; then\n'
         f'  printf "#!/bin/sh\\nexit 0\\n" > {as_root_without_bwrap}/bwrap; '
         f'chmod +x {as_root_without_bwrap}/bwrap; exit 0; fi\n'
         'echo "E: Unable to locate package bubblewrap"; exit 100\n')
    out = io.StringIO()
    assert setup.setup_sandbox(out) == 0
    assert calls.read_text().splitlines() == [
        'install -y --no-install-recommends bubblewrap', 'update',
        'install -y --no-install-recommends bubblewrap']
    assert 'bubblewrap can create PID and network namespaces here' in out.getvalue()


def test_a_failed_install_is_exit_1_and_the_grader_still_has_a_mode(as_root_without_bwrap):
    fake(as_root_without_bwrap, 'apt-get', 'echo "E: no network"; exit 100\n')
    out = io.StringIO()
    assert setup.setup_sandbox(out) == 1
    assert 'installing bubblewrap failed' in out.getvalue()
    assert 'the grader will use mode user' in out.getvalue()


def test_refused_namespaces_are_said(as_root_without_bwrap):
    fake(as_root_without_bwrap, 'bwrap', 'echo "bwrap: No permissions to create new namespace" >&2'
                                         '; exit 1\n')
    out = io.StringIO()
    assert setup.setup_sandbox(out) == 0
    assert 'bubblewrap cannot create namespaces here (bwrap: No permissions' in out.getvalue()


def test_without_root_it_says_what_to_do(monkeypatch):
    monkeypatch.setattr(setup.shutil, 'which', lambda name: None)
    monkeypatch.setattr(setup.os, 'geteuid', lambda: 1000)
    monkeypatch.setattr(setup.sandbox, 'choose', lambda: ('none', 'not root'))
    out = io.StringIO()
    assert setup.setup_sandbox(out) == 0
    assert 'installing it needs root' in out.getvalue() or 'Linux only' in out.getvalue()
    assert 'the grader will use mode none' in out.getvalue()
    assert os.environ  # untouched
