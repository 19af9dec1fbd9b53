"""The Python that runs executors, and the folders it needs: what bubblewrap shows, what mode
user must be able to open, and the executor's sys.path (site-packages without .pth files).

GRADER_EXECUTOR_PYTHON chooses another interpreter than the grader's own, e.g. one other users may
open where the grader's lives under a private /root.
"""
import functools
import json
import os
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

from .processes import SandboxError


def unreachable_for_others():
    """A folder on the way to Python that users other than root cannot enter, if any."""
    for path in python_paths():
        parts = Path(path).parts
        for i in range(1, len(parts)):
            folder = Path(*parts[:i + 1])
            try:
                mode = folder.stat().st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode) and not mode & stat.S_IXOTH:
                return str(folder)
    return None


def executor_python():
    """The Python that runs executors: GRADER_EXECUTOR_PYTHON, else the grader's own. Another
    one suits a Python users may not open (the grader's under /root, say) or student code that
    needs other packages; it needs only its standard library and what the students import."""
    return os.environ.get('GRADER_EXECUTOR_PYTHON') or sys.executable


_ABOUT_PYTHON = ('import json, os, site, sys, sysconfig; print(json.dumps({'
                 '"prefixes": [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix],'
                 ' "site": [p for p in [sysconfig.get_paths().get("purelib"), '
                 'sysconfig.get_paths().get("platlib")] + site.getsitepackages() if p],'
                 ' "version": sys.version.split()[0]}))')


@functools.lru_cache(maxsize=None)
def _about(python):
    """Its prefixes, site-packages and version, asked of it (once)."""
    try:
        # With its site module (-I, not -S): a virtual environment's prefix and site-packages
        # are set there.
        done = subprocess.run([python, '-I', '-c', _ABOUT_PYTHON], capture_output=True,
                              timeout=60, env={'PATH': os.environ.get('PATH', '')})
        return json.loads(done.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        raise SandboxError(f'GRADER_EXECUTOR_PYTHON={python} does not run: give the path of a '
                           'Python 3.10 or later') from None


@functools.lru_cache(maxsize=None)
def python_paths():
    """The folders the executor's Python needs: its installation and its site-packages."""
    python = executor_python()
    # The folder of the interpreter as named (a virtual environment, whose bin/python is a link)
    # and as resolved (the installation the link leads to).
    paths = {os.path.dirname(os.path.dirname(os.path.abspath(python))),
             os.path.dirname(os.path.realpath(python))}
    if python == sys.executable:
        paths.update((sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix))
    else:
        paths.update(_about(python)['prefixes'])
    paths.update(site_packages())
    return tuple(sorted(os.path.realpath(p) for p in paths if p and os.path.isdir(p)))


def within(path, folder):
    return path == folder or path.startswith(folder.rstrip('/') + '/')


def ancestors(paths):
    """The folders above `paths` (not / itself, not inside another of `paths`), outermost
    first."""
    found = []
    for path in paths:
        parts = Path(path).parts
        for i in range(2, len(parts)):
            folder = str(Path(*parts[:i]))
            if folder not in found and not any(within(folder, p) for p in paths):
                found.append(folder)
    return sorted(found, key=lambda f: f.count('/'))


@functools.lru_cache(maxsize=None)
def site_packages():
    """Where installed packages are: the executor gets them on sys.path without running .pth
    files (an editable install's .pth would make the grader's own packages importable)."""
    if executor_python() != sys.executable:
        found = _about(executor_python())['site']
    else:
        found = [sysconfig.get_paths().get(key) for key in ('purelib', 'platlib')]
        # a venv's or a --user site-packages the running Python uses
        found += [p for p in sys.path if p.endswith(('site-packages', 'dist-packages'))]
    paths = []
    for path in found:
        if path and os.path.isdir(path) and path not in paths:
            paths.append(path)
    return tuple(paths)


def executor_version():
    python = executor_python()
    return sys.version.split()[0] if python == sys.executable else _about(python)['version']
