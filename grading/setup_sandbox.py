"""python grader.py --setup-sandbox: install bubblewrap where this can be done, check that it can
create namespaces, and say which isolation mode (grading/sandbox.py) the grader will use here.

Exit code 0 whenever the grader will run, whatever the mode; 1 when an installation was tried and
failed, or when GRADER_SANDBOX asks for a mode this machine cannot give.
"""
import os
import shutil
import subprocess
import sys

from . import sandbox

INSTALL = ['apt-get', 'install', '-y', '--no-install-recommends', 'bubblewrap']
PROBE = ['--ro-bind', '/', '/', '--unshare-pid', '--unshare-net', '--proc', '/proc',
         '--dev', '/dev', '--', 'true']
# apt-get's words (LC_ALL=C) when its package lists are missing or stale: `apt-get update` helps.
LISTS_MISSING = ('Unable to locate package', 'has no installation candidate', 'apt-get update')


def setup_sandbox(out=sys.stdout):
    def say(text):
        print(f'setup-sandbox: {text}', file=out, flush=True)

    root = hasattr(os, 'geteuid') and os.geteuid() == 0
    failed = False
    if shutil.which('bwrap'):
        say(f'bubblewrap is installed ({shutil.which("bwrap")})')
    elif root and shutil.which('apt-get'):
        say('bubblewrap is not installed: installing it with apt-get')
        failed = not _apt_install(out) or not shutil.which('bwrap')
        if failed:
            say('installing bubblewrap failed (apt-get\'s output is above)')
    elif not sys.platform.startswith('linux'):
        say('bubblewrap exists for Linux only. Here the grader runs the code it grades as you '
            '(mode none) and says so in every report: fine for feedback; grade for marks in a '
            'Linux container')
    elif not root:
        say('bubblewrap is not installed, and installing it needs root: `sudo apt-get install '
            'bubblewrap` (Debian, Ubuntu), or the package `bubblewrap` of your distribution. Run '
            'without root, the grader uses mode none anyway (the code it grades runs as you) and '
            'says so in every report')
    else:
        say('bubblewrap is not installed and there is no apt-get here: install the package '
            '`bubblewrap` with your distribution\'s package manager (dnf, zypper, pacman, apk)')
    if shutil.which('bwrap'):
        _probe(say)
    try:
        mode, why = sandbox.choose()
    except sandbox.SandboxError as error:
        say(f'the grader will not start: {error}')
        return 1
    described = sandbox.DESCRIPTIONS[mode].removeprefix(f'{mode}: ')
    say(f'the grader will use mode {mode}: {described}' + (f' ({why})' if why else ''))
    return 1 if failed else 0


def _apt_install(out):
    code, said = _run(INSTALL, out)
    if code and any(words in said for words in LISTS_MISSING):
        code, _ = _run(['apt-get', 'update'], out)
        if code == 0:
            code, _ = _run(INSTALL, out)
    return code == 0


def _run(argv, out):
    """(exit code, output) of argv, its output copied to `out` as it comes."""
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive', LC_ALL='C')
    try:
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, errors='replace', env=env)
    except OSError as error:
        print(f'setup-sandbox: cannot run {argv[0]}: {error}', file=out, flush=True)
        return 1, ''
    said = []
    for line in process.stdout:
        out.write(line)
        said.append(line)
    out.flush()
    return process.wait(), ''.join(said)


def _probe(say):
    """Say whether bubblewrap can create the namespaces the sandbox needs."""
    try:
        done = subprocess.run([shutil.which('bwrap'), *PROBE], capture_output=True, text=True,
                              errors='replace', timeout=30)
        reason = (done.stderr.strip().splitlines() or [f'exit status {done.returncode}'])[-1]
    except (OSError, subprocess.TimeoutExpired) as error:
        done, reason = None, str(error)
    if done is not None and done.returncode == 0:
        say('bubblewrap can create PID and network namespaces here')
    else:
        say(f'bubblewrap cannot create namespaces here ({reason}); Docker\'s default seccomp '
            'profile refuses them, for one. Run as root, the grader then gives the code it '
            'grades a user of its own instead (mode user) where it can: see below')
