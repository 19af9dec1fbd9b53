"""Where the executor runs: the isolation modes, and how an executor is started and ended in each.

- `bwrap` (root, bubblewrap works): its own PID, network, IPC and mount namespaces; a file system
  that shows only the system, Python, the executor's code, a read-only copy of the submission and
  a scratch folder, the only thing it may write; a user of its own. Ending the namespace ends every
  process in it.
- `user` (root, no bubblewrap or no namespaces, e.g. in a Docker container): a user of its own per
  executor, with limits; ended by killing every process of that user. It can still read what
  every user may read and write where every user may write (/tmp), so the grader's own files
  are kept in folders only root can open.
- `none` (not root: a student's laptop): the same user as the grader, with limits; the report says
  it is feedback, not a protected grade.

GRADER_SANDBOX=auto|bwrap|user|none chooses (default auto: the strongest that works here).
"""
import errno
import functools
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import landlock

ROOT = Path(__file__).resolve().parents[1]
MODES = ('bwrap', 'user', 'none')
UID_BASE, UID_COUNT = 61000, 2000     # GRADER_SANDBOX_UIDS=61000-62999 changes them
LOCKS = '/run/backprop-grader-users' if os.path.isdir('/run') else '/tmp/backprop-grader-users'
SUBMISSION_MAX_BYTES, SUBMISSION_MAX_FILES = 50 * 2 ** 20, 5000
BOOT = ('import sys; sys.path[:0] = [{runtime!r}]; from executor.main import main; main()')
DESCRIPTIONS = {
    'bwrap': 'bubblewrap sandbox: own user, namespaces, read-only files but a scratch folder',
    'user': 'own user and limits (no namespaces here)',
    'none': 'none: your code ran as you (feedback, not a protected grade)',
}


class SandboxError(Exception):
    """The isolation asked for cannot be had here; the message says why and what to do."""


class SubmissionError(Exception):
    """The submission cannot be copied into the sandbox (a link leaving it, too large)."""


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
    unreachable = _unreachable_for_others()
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


def _unreachable_for_others():
    """A folder on the way to Python that users other than root cannot enter, if any."""
    for path in _python_paths():
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
        done = subprocess.run([python, '-S', '-c', _ABOUT_PYTHON], capture_output=True,
                              timeout=60, env={'PATH': os.environ.get('PATH', '')})
        return json.loads(done.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        raise SandboxError(f'GRADER_EXECUTOR_PYTHON={python} does not run: give the path of a '
                           'Python 3.10 or later') from None


@functools.lru_cache(maxsize=None)
def _python_paths():
    """The folders the executor's Python needs: its installation and its site-packages."""
    python = executor_python()
    paths = {os.path.dirname(os.path.realpath(python))}
    if python == sys.executable:
        paths.update((sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix))
    else:
        paths.update(_about(python)['prefixes'])
    paths.update(site_packages())
    return tuple(sorted(os.path.realpath(p) for p in paths if p and os.path.isdir(p)))


def _within(path, folder):
    return path == folder or path.startswith(folder.rstrip('/') + '/')


def _ancestors(paths):
    """The folders above `paths` (not / itself, not inside another of `paths`), outermost
    first."""
    found = []
    for path in paths:
        parts = Path(path).parts
        for i in range(2, len(parts)):
            folder = str(Path(*parts[:i]))
            if folder not in found and not any(_within(folder, p) for p in paths):
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


@dataclass
class Limits:
    """What bounds one executor; set before it starts, so its code cannot lift them."""
    memory_mb: int
    file_mb: int
    processes: int
    cpu_seconds: float


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
        its neighbours), then installed packages; never the grader's own folder."""
        first = [str(Path(target['path']).parent)] if target.get('path') else []
        return {'first': first, 'last': list(site_packages())}

    def _binds(self, work):
        system = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc']
        python = [p for p in _python_paths() if not any(_within(p, s) for s in system)]
        binds = []
        for folder in _ancestors(python):  # bubblewrap would make them 0700: no entry for users
            binds += ['--perms', '0755', '--dir', folder]
        for folder in system:
            binds += ['--ro-bind-try', folder, folder]
        for folder in python:
            binds += ['--ro-bind', folder, folder]
        binds += ['--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp',
                  '--ro-bind', str(self.runtime), '/grader',
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

    def preexec(self):
        """In the child, before exec: limits, then (mode user) the executor's own user, then the
        death signal (changing user clears it)."""
        _set_limits(self.limits, nproc=self.mode != 'none')
        if self.mode == 'user':
            os.setgroups([])
            os.setgid(self.group)
            os.setuid(self.user)
            landlock.write_only_in(self.cwd)   # no mount namespace: /tmp would be writable
        _die_with_parent()

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
        try:
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            return sum(int(x) for x in fields[11:15]) / os.sysconf('SC_CLK_TCK')
        except (OSError, ValueError, IndexError, AttributeError):
            return None

    def kill(self, process):
        """End the executor and all it started: its PID namespace (bwrap: every process in it
        dies with its first one), its user (user), or its session (none)."""
        if os.name != 'posix':  # Windows: the process itself (what it started may outlive it)
            process.kill()
            return
        for pid in (self.namespace_pid, process.pid):
            if pid:
                _signal(pid, signal.SIGKILL)
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


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except OSError:
        pass


def protect_process():
    """Linux: no process of our user may read this one's memory, file descriptors or
    environment (/proc/PID/mem, fd, environ), nor attach to it: in mode none the executor runs as
    our user, and the grader holds the seed."""
    if sys.platform.startswith('linux'):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
        except (OSError, AttributeError):
            pass


def _die_with_parent():
    """Linux: the executor is killed if the grader process that started it dies."""
    if sys.platform.startswith('linux'):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PDEATHSIG
        except (OSError, AttributeError):
            pass


def _set_limits(limits, nproc):
    try:
        import resource
    except ImportError:
        return  # Windows: the wall clock is the only limit (docs/instructors.md)
    mb = 2 ** 20
    wanted = [('RLIMIT_AS', limits.memory_mb * mb), ('RLIMIT_FSIZE', limits.file_mb * mb),
              ('RLIMIT_CORE', 0)]
    if limits.cpu_seconds:
        wanted.append(('RLIMIT_CPU', int(limits.cpu_seconds) + 1))
    if nproc:
        wanted.append(('RLIMIT_NPROC', limits.processes))
    for name, value in wanted:
        if hasattr(resource, name):
            try:
                resource.setrlimit(getattr(resource, name), (value, value))
            except (ValueError, OSError):
                pass


def kill_user(uid):
    """Kill every process of `uid`. kill(-1) sent by a process of that user reaches all of them
    at once (the kernel holds fork back meanwhile), so a forking process cannot slip through;
    it is repeated while /proc still shows one (Linux), a few times elsewhere."""
    for _ in range(20):
        if sys.platform.startswith('linux') and not _processes_of(uid):
            return
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child only kills and exits
            try:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        if not sys.platform.startswith('linux') and _ >= 2:
            return


def become_subreaper():
    """Linux: what an executor starts and detaches (setsid, then its parent dies) is re-parented
    to this process instead of init, so that kill_orphans finds it (mode none: no user or
    namespace to end it by)."""
    if sys.platform.startswith('linux'):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
        except (OSError, AttributeError):
            pass


def kill_orphans():
    """Linux, mode none: kill and reap every child of this process (the judge has no child but
    the executor it just stopped, and what that left behind). Best effort: a process that forks
    fast enough can outrun a /proc scan; modes user and bwrap have no such race."""
    if not sys.platform.startswith('linux'):
        return
    me = str(os.getpid())
    for _ in range(20):
        found = False
        for entry in os.listdir('/proc'):
            if not entry.isdigit():
                continue
            try:
                with open(f'/proc/{entry}/stat') as f:
                    parent = f.read().rsplit(')', 1)[1].split()[1]
            except (OSError, IndexError):
                continue
            if parent == me:
                found = True
                _signal(int(entry), signal.SIGKILL)
                try:
                    os.waitpid(int(entry), 0)
                except ChildProcessError:
                    pass
        if not found:
            return


def _processes_of(uid):
    """Linux: the pids whose real or effective user is `uid` (from /proc/PID/status: the owner of
    /proc/PID itself is root for a process that made itself non-dumpable)."""
    found, wanted = [], str(uid)
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open(f'/proc/{entry}/status') as f:
                    for line in f:
                        if line.startswith('Uid:'):
                            if wanted in line.split()[1:3]:
                                found.append(int(entry))
                            break
            except OSError:
                pass
    return found


class UserPool:
    """Users for executors, one at a time each: a lock file per uid, held while in use, in a
    folder only root can open. A lock dies with the grader that held it."""

    def __init__(self):
        spec = os.environ.get('GRADER_SANDBOX_UIDS', f'{UID_BASE}-{UID_BASE + UID_COUNT - 1}')
        try:
            low, high = (int(x) for x in spec.split('-'))
        except ValueError:
            raise SandboxError(f'GRADER_SANDBOX_UIDS={spec}: write a range like 61000-62999') \
                from None
        self.uids = range(low, high + 1)
        # One folder for every grader on the machine, whatever their TMPDIR: two graders must
        # never hand out the same user.
        self.folder = _private_folder(Path(LOCKS))
        self.held = {}

    def take(self):
        import fcntl
        for uid in self.uids:
            if uid in self.held or _has_account(uid):
                continue
            fd = os.open(self.folder / f'{uid}.lock', os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW,
                         0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            kill_user(uid)  # anything a crashed earlier grade left behind
            self.held[uid] = fd
            return uid
        raise SandboxError(f'all {len(self.uids)} sandbox users are in use')

    def give_back(self, uid):
        fd = self.held.pop(uid, None)
        if fd is not None:
            os.close(fd)


def _has_account(uid):
    try:
        import pwd
        pwd.getpwuid(uid)
        return True
    except (KeyError, ImportError):
        return False


def _private_folder(path):
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o077:
        raise SandboxError(f'{path} is not a folder only root can open: remove it')
    return path


def check_submission(source):
    """Refuse a submission whose links lead outside it, or too large to copy; returns it."""
    source = Path(source)
    if source.is_symlink():
        raise SubmissionError(f'{source} is a link (to {os.readlink(source)}): give the '
                              'submission itself')
    base = source.resolve() if source.is_dir() else source.resolve().parent
    total, files = 0, 0
    for path in (source.rglob('*') if source.is_dir() else [source]):
        if path.is_symlink():
            target = path.resolve()
            if target != base and base not in target.parents:
                raise SubmissionError(f'{path} is a link to {os.readlink(path)}, outside the '
                                      'submission: links may only point inside it')
        files += 1
        if path.is_file():
            total += path.stat().st_size
        if files > SUBMISSION_MAX_FILES or total > SUBMISSION_MAX_BYTES:
            raise SubmissionError(f'{source} holds more than {SUBMISSION_MAX_FILES} files or '
                                  f'{SUBMISSION_MAX_BYTES // 2 ** 20} MB')
    return source


def copy_submission(source, destination):
    """A snapshot of a submission (checked first): later edits on disk change nothing."""
    source = check_submission(source)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, destination, symlinks=False,
                        ignore=shutil.ignore_patterns('__pycache__', '*.py[co]'))
    else:
        shutil.copyfile(source, destination)


def remove_tree(path):
    """Delete a folder even if student code made parts of it read-only; never raises."""
    def writable_then_retry(function, target, _):
        try:  # only the folder is made writable: `target` may be a link to a file not ours
            os.chmod(os.path.dirname(target), 0o700)
            function(target)
        except OSError:
            pass
    try:
        shutil.rmtree(path, onerror=writable_then_retry)
    except OSError as error:
        if error.errno != errno.ENOENT:
            pass
