"""Where the executor runs: the isolation modes, and how an executor is started and ended in each.

- `bwrap` (root, bubblewrap works): its own PID, network, IPC and mount namespaces; a file system
  that shows only the system, Python, the executor's code, a read-only copy of the submission and
  a scratch folder, the only thing it may write; a user of its own. Ending the namespace ends every
  process in it.
- `user` (root, no bubblewrap or no namespaces, e.g. in a Docker container): a user of its own per
  executor, with limits, writing only in its scratch folder where the kernel has Landlock; ended
  by killing every process of that user. It can still read what every user may read, so the
  grader's own files are kept in folders only root can open.
- `none` (not root: a student's laptop): the same user as the grader, with limits; the report says
  it is feedback, not a protected grade.

GRADER_SANDBOX=auto|bwrap|user|none chooses (default auto: the strongest that works here).
Around this module: interpreter.py (the executors' Python), processes.py (limits, users, ending
processes), submission.py (what executors read), landlock.py.
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import landlock
from .interpreter import (ancestors, executor_python, python_paths, site_packages,
                          unreachable_for_others, within)
from .processes import (Limits, SandboxError, UserPool, die_with_parent, kill_orphans, kill_user,
                        set_limits, signal_pid)
from .submission import SubmissionError, check_submission, copy_submission, remove_tree

__all__ = ['MODES', 'Launch', 'Limits', 'Sandbox', 'SandboxError', 'SubmissionError', 'choose']

ROOT = Path(__file__).resolve().parents[1]
MODES = ('bwrap', 'user', 'none')
BOOT = ('import sys; sys.path[:0] = [{runtime!r}]; from executor.main import main; main()')
DESCRIPTIONS = {
    'bwrap': 'bubblewrap sandbox: own user, namespaces, read-only files but a scratch folder',
    'user': 'own user and limits (no namespaces here)',
    'none': 'none: your code ran as you (feedback, not a protected grade)',
}


def choose(requested=None):
    """(mode, why): the mode GRADER_SANDBOX asks for, or the strongest that works here."""
    requested = (requested or os.environ.get('GRADER_SANDBOX') or 'auto').strip().lower()
    if requested not in MODES + ('auto',):
        raise SandboxError(f'GRADER_SANDBOX={requested}: choose auto, bwrap, user or none')
    root = hasattr(os, 'geteuid') and os.geteuid() == 0
    if requested == 'none':
        return 'none', 'GRADER_SANDBOX=none'
    if not root:
        if requested != 'auto':
            raise SandboxError(f'GRADER_SANDBOX={requested} needs the grader to run as root')
        return 'none', 'the grader does not run as root'
    problem = _bwrap_problem() if requested in ('auto', 'bwrap') else None
    if requested == 'bwrap' and problem:
        raise SandboxError(f'GRADER_SANDBOX=bwrap: {problem}')
    if requested == 'bwrap' or (requested == 'auto' and not problem):
        return 'bwrap', 'bubblewrap works here'
    unreachable = unreachable_for_others()
    if unreachable:
        if requested == 'user':
            raise SandboxError(f'GRADER_SANDBOX=user: another user cannot open {unreachable}, '
                               'which Python needs')
        return 'none', (f'{problem}, and another user cannot open {unreachable} (which Python '
                        'needs): install bubblewrap (python grader.py --setup-sandbox)')
    return 'user', problem


def _bwrap_problem():
    """None when bubblewrap can start a sandbox here, else what stops it."""
    path = shutil.which('bwrap')
    if not path:
        return 'bubblewrap is not installed (python grader.py --setup-sandbox installs it)'
    try:
        done = subprocess.run([path, *_namespaces(), '--ro-bind', '/', '/', '--proc', '/proc',
                               '--dev', '/dev', '--', 'true'], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f'bubblewrap did not start ({error})'
    if done.returncode != 0:
        reason = done.stderr.decode(errors='replace').strip().splitlines()
        return ('bubblewrap cannot create namespaces here'
                + (f' ({reason[-1]})' if reason else ''))
    return None


def _namespaces():
    return ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts',
            '--unshare-cgroup-try', '--die-with-parent', '--new-session']


class Sandbox:
    """The executors of one grade: a scratch root only root can list, a runtime copy of the
    executor package, the submission's copy, a group of its own (mode user and bwrap: the
    grade's files are readable by that group only), and each executor's own user and folder.

    `create` makes one in the grader's main process; `attach` gives the judges a view of it."""

    def __init__(self, state):
        self.mode, self.why = state['mode'], state['why']
        self.root, self.group = Path(state['root']), state['group']
        self.runtime = self.root / 'runtime'
        self.users = UserPool() if self.mode != 'none' else None

    @classmethod
    def create(cls, mode, why=''):
        root = Path(tempfile.mkdtemp(prefix='grader-'))
        sandbox = cls({'mode': mode, 'why': why, 'root': str(root), 'group': None})
        try:
            os.chmod(root, 0o711 if mode != 'none' else 0o700)
            if sandbox.users:
                sandbox.group = sandbox.users.take()  # a number of our own: the grade's group
            shutil.copytree(ROOT / 'executor', sandbox.runtime / 'executor',
                            ignore=shutil.ignore_patterns('__pycache__', '*.py[co]'))
            _compile(sandbox.runtime)   # each executor then loads bytecode (it runs with -B)
            sandbox._share(sandbox.runtime)
        except BaseException:
            sandbox.close()
            raise
        return sandbox

    @classmethod
    def attach(cls, state):
        return cls(state)

    @property
    def state(self):
        return {'mode': self.mode, 'why': self.why, 'root': str(self.root), 'group': self.group}

    def _share(self, path):
        """Readable by the grade's executors only: root's, group `group`, 0750 / 0640."""
        for folder, dirs, names in os.walk(path):
            self._own(folder, 0o750)
            for name in names:
                self._own(os.path.join(folder, name), 0o640)

    def _own(self, path, mode):
        if self.group is None:
            return
        os.chown(path, 0, self.group, follow_symlinks=False)
        os.chmod(path, mode)

    @property
    def description(self):
        if self.mode == 'user' and landlock.available():
            return DESCRIPTIONS['user'] + '; writes only to its scratch folder (Landlock)'
        return DESCRIPTIONS[self.mode]

    def prepare(self, target):
        """Copy what executors will read into the sandbox, once, before any executor starts:
        the submission (a folder or a file) and an adapter's folder. Raises SubmissionError
        (mode none too, which grades in place: a link out of a submission is refused anyway)."""
        for key, whole_folder in (('path', False), ('adapter_file', True)):
            path = target.get(key)
            if not path:
                continue
            source = Path(path).parent if whole_folder else Path(path)
            if self.mode == 'none':
                if key == 'path':
                    check_submission(source)
            else:
                copy_submission(source, self.root / 'submission' / key / source.name)
        if (self.root / 'submission').exists():
            _compile(self.root / 'submission')
            self._share(self.root / 'submission')

    def submission(self, path, key='path'):
        """Where executors read `path`: the original in mode none, else its copy."""
        if self.mode == 'none' or not path:
            return path
        source = Path(path)
        if key == 'adapter_file':
            return str(self.root / 'submission' / key / source.parent.name / source.name)
        return str(self.root / 'submission' / key / source.name)

    def launch(self, target, limits, source_paths=()):
        """A Launch for one executor of `target` (a dict: kind, name, path, adapter_file...)."""
        work = Path(tempfile.mkdtemp(prefix='work-', dir=self.root))
        user = self.users.take() if self.users else None
        if user:
            os.chown(work, user, self.group)
        inside = {'runtime': str(self.runtime), 'work': str(work)}
        paths = {}  # executor-side path -> the path reports show
        if self.mode == 'bwrap':
            inside = {'runtime': '/grader', 'work': '/work'}
        target = dict(target)
        for key in ('path', 'adapter_file'):
            if target.get(key):
                original = target[key]
                seen = self.submission(original, key)
                if self.mode == 'bwrap':
                    seen = '/submission/' + str(Path(seen).relative_to(self.root / 'submission'))
                paths[seen] = original
                target[key] = seen
        job = {'target': target, 'workdir': inside['work'],
               'source_paths': [str(p) for p in (target.get('path'),) if p] + list(source_paths),
               'path': self._sys_path(target), 'user': None}
        python = ['-S', '-s', '-B', '-c', BOOT.format(runtime=inside['runtime'])]
        if self.mode == 'bwrap':
            job['user'] = {'uid': user, 'gid': self.group}
            argv = [shutil.which('bwrap'), *_namespaces(), *self._binds(work),
                    '--chdir', '/work', '--info-fd', '{info}', '--',
                    executor_python(), *python, json.dumps(job)]
        else:
            argv = [executor_python(), *python, json.dumps(job)]
        env = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'HOME': inside['work'],
               'TMPDIR': inside['work'], 'LANG': 'C.UTF-8', 'PYTHONHASHSEED': '0',
               'PYTHONIOENCODING': 'utf-8'}
        if os.environ.get('LD_LIBRARY_PATH'):
            env['LD_LIBRARY_PATH'] = os.environ['LD_LIBRARY_PATH']
        return Launch(argv, env, str(work), self.mode, limits, user, self.group, paths,
                      self.users)

    def _sys_path(self, target):
        """The executor's sys.path: the folder holding the submission (so that a file can import
        its neighbours), then installed packages; never the grader's own folder, nor an adapter's
        (adapters/torch.py would shadow the engine it imports: the adapter loads neighbours by
        their path, docs/adapters.md)."""
        submission = target.get('path') and target.get('kind') != 'adapter'
        first = [str(Path(target['path']).parent)] if submission else []
        return {'first': first, 'last': list(site_packages())}

    def _binds(self, work):
        system = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc']
        python = [p for p in python_paths() if not any(within(p, s) for s in system)]
        binds = []
        for folder in system:
            binds += ['--ro-bind-try', folder, folder]
        # Mounted in order, each over what came before: the empty /tmp first, so that a Python
        # installed under /tmp (a virtual environment there) is mounted over it, not hidden by it.
        binds += ['--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp']
        for folder in ancestors(python):  # bubblewrap would make them 0700: no entry for users
            binds += ['--perms', '0755', '--dir', folder]
        for folder in python:
            binds += ['--ro-bind', folder, folder]
        binds += ['--ro-bind', str(self.runtime), '/grader',
                  '--bind', str(work), '/work']
        if (self.root / 'submission').exists():
            binds += ['--ro-bind', str(self.root / 'submission'), '/submission']
        return binds

    def close(self):
        """Remove the scratch root (every executor is stopped by now); never raises."""
        remove_tree(self.root)
        if self.users and self.group is not None:
            self.users.give_back(self.group)


@dataclass
class Launch:
    """How to start one executor and how to end it, for grading.channel.ExecutorProcess."""
    argv: list
    env: dict
    cwd: str
    mode: str
    limits: Limits
    user: int = None
    group: int = None
    paths: dict = field(default_factory=dict)
    users: object = None
    pass_fds: tuple = ()
    info: tuple = ()
    namespace_pid: int = None

    def __post_init__(self):
        if '{info}' in self.argv:
            self.info = os.pipe()
            self.pass_fds = (self.info[1],)
            self.argv = [str(self.info[1]) if a == '{info}' else a for a in self.argv]

    def preexec(self):  # pragma: no cover - runs in the child between fork and exec
        """In the child, before exec: limits, then (mode user) the executor's own user, then the
        death signal (changing user clears it)."""
        set_limits(self.limits, nproc=self.mode != 'none')
        if self.mode == 'user':
            os.setgroups([])
            os.setgid(self.group)
            os.setuid(self.user)
            landlock.write_only_in(self.cwd)   # no mount namespace: /tmp would be writable
        die_with_parent()

    def started(self, process):
        if self.info:
            os.close(self.info[1])
            data = b''
            while True:  # bubblewrap writes one JSON object once the namespace is made
                chunk = os.read(self.info[0], 4096)
                data += chunk
                try:
                    self.namespace_pid = int(json.loads(data)['child-pid'])
                    break
                except (ValueError, KeyError, TypeError):
                    if not chunk:
                        break
            os.close(self.info[0])

    def exit_code(self, code):
        """The executor's own status: bubblewrap reports a death by signal N as 128 + N."""
        if self.mode == 'bwrap' and code is not None and code > 128:
            return -(code - 128)
        return code

    def cpu_seconds(self, process):
        """CPU time of the executor's Python (Linux /proc), or None."""
        pid = process.pid
        if self.namespace_pid:
            try:
                with open(f'/proc/{self.namespace_pid}/task/{self.namespace_pid}/children') as f:
                    children = f.read().split()
                pid = int(children[0]) if children else None
            except (OSError, ValueError):
                pid = None
        if pid is None:
            return None
        return _cpu_of(pid)

    def kill(self, process):
        """End the executor and all it started: its PID namespace (bwrap: every process in it
        dies with its first one), its user (user), or its session (none)."""
        if os.name != 'posix':  # pragma: no cover - Windows: the process itself, what it started
            # may outlive it
            process.kill()
            return
        for pid in (self.namespace_pid, process.pid):
            if pid:
                signal_pid(pid, signal.SIGKILL)
        if hasattr(os, 'killpg'):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            process.wait(5)  # reaped first: kill(-1) would keep finding it otherwise
        except subprocess.TimeoutExpired:
            pass
        if self.user is not None:
            if self.mode == 'user':
                kill_user(self.user)
            self.users.give_back(self.user)
            self.user = None
        if self.mode == 'none':
            kill_orphans()

    def shown(self, text):
        """Executor-side paths in `text` (tracebacks) as the student knows them."""
        for inside, original in sorted(self.paths.items(), key=lambda p: -len(p[0])):
            text = text.replace(inside, original)
        return text


def _compile(folder):
    """Bytecode for every module under `folder`, once per grade rather than once per executor
    (a file that does not compile is left for the executor to report)."""
    import compileall
    compileall.compile_dir(str(folder), quiet=2, workers=1)


def _cpu_of(pid):
    """CPU time of process `pid`, in seconds: to the nanosecond from the scheduler's account of
    each live thread (/proc/PID/task/*/schedstat), as the cost checks need; else in clock ticks
    (10 ms) from /proc/PID/stat; None where neither can be read. (CPU burnt in a thread that has
    ended is not in the first sum: the wall-clock limits still bound such a run.)"""
    try:
        total = 0
        for task in os.listdir(f'/proc/{pid}/task'):
            with open(f'/proc/{pid}/task/{task}/schedstat') as f:
                total += int(f.read().split()[0])
        return total / 1e9
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return sum(int(x) for x in fields[11:15]) / os.sysconf('SC_CLK_TCK')
    except (OSError, ValueError, IndexError, AttributeError):
        return None
