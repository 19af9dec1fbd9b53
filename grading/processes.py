"""Processes and users on the grader's side of the sandbox: limits set before an executor starts,
the users executors run as, and the ways everything a submission started is ended.
"""
import os
import signal
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

UID_BASE, UID_COUNT = 61000, 2000     # GRADER_SANDBOX_UIDS=61000-62999 changes them
LOCKS = '/run/backprop-grader-users' if os.path.isdir('/run') else '/tmp/backprop-grader-users'


class SandboxError(Exception):
    """The isolation asked for cannot be had here; the message says why and what to do."""


@dataclass
class Limits:
    """What bounds one executor; set before it starts, so its code cannot lift them, or kept by
    the judge from outside (the memory watchdog, grading/memory.py)."""
    memory_mb: int           # resident memory: the judge's watchdog (Linux)
    file_mb: int
    processes: int
    cpu_seconds: float
    address_space_mb: int = 0   # RLIMIT_AS; 0: memory_mb (no watchdog)
    watch_memory: bool = False  # the judge reads the memory from /proc and kills past the limit


def signal_pid(pid, sig):
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


def die_with_parent():  # pragma: no cover - in the child, before exec
    """Linux: the executor is killed if the grader process that started it dies."""
    if sys.platform.startswith('linux'):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PDEATHSIG
        except (OSError, AttributeError):
            pass


def set_limits(limits, nproc):  # pragma: no cover - in the child, before exec
    try:
        import resource
    except ImportError:
        return  # Windows: the wall clock is the only limit (docs/instructors.md)
    mb = 2 ** 20
    wanted = [('RLIMIT_AS', (limits.address_space_mb or limits.memory_mb) * mb),
              ('RLIMIT_FSIZE', limits.file_mb * mb),
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
        if sys.platform.startswith('linux') and not processes_of(uid):
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


_SUBREAPER = []   # set in a judge: the only process whose children are all executors


def become_subreaper():
    """Linux: what an executor starts and detaches (setsid, then its parent dies) is re-parented
    to this process instead of init, so that kill_orphans finds it (mode none: no user or
    namespace to end it by)."""
    if sys.platform.startswith('linux'):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
            _SUBREAPER.append(True)
        except (OSError, AttributeError):
            pass


def kill_orphans():
    """Linux, mode none: kill and reap every child of this process (the judge has no child but
    the executor it just stopped, and what that left behind). Best effort: a process that forks
    fast enough can outrun a /proc scan; modes user and bwrap have no such race."""
    if not sys.platform.startswith('linux') or not _SUBREAPER:
        return   # not a judge (grading.local, say): its other children are none of ours
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
                signal_pid(int(entry), signal.SIGKILL)
                try:
                    os.waitpid(int(entry), 0)
                except ChildProcessError:
                    pass
        if not found:
            return


def processes_of(uid):
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
        self.folder = private_folder(Path(LOCKS))
        self.held = {}

    def take(self):
        import fcntl
        for uid in self.uids:
            if uid in self.held or has_account(uid):
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


def has_account(uid):
    try:
        import pwd
        pwd.getpwuid(uid)
        return True
    except (KeyError, ImportError):
        return False


def private_folder(path):
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != 0 or info.st_mode & 0o077:
        raise SandboxError(f'{path} is not a folder only root can open: remove it')
    return path
