"""The memory limit: memory an executor actually uses, watched from the judge's side.

`memory_mb` bounds the resident memory (RSS: pages in RAM) of an executor and of the processes it
started that are still its descendants, summed. The judge reads it from /proc while it waits for
an answer, every POLL_SECONDS (more often near the limit), and kills the executor past the limit;
the check then says that the memory limit was hit and what it is. Nothing in the sandbox can
block that: the judge reads /proc from outside, and the kill is the judge's.

The kernel's address-space limit (RLIMIT_AS) stays, as a backstop only: autodiff engines reserve
far more address space than they touch (JAX on CPU reserves about 1.5 GB to use about 250 MB; every
thread reserves its stack), so a limit on reservations fails correct engines. The backstop is
ADDRESS_SPACE_FACTOR times `memory_mb`, at least `memory_mb` + ADDRESS_SPACE_MARGIN_MB, unless
`[limits] address_space_mb` sets it. It bounds what a process can fill between two looks of
the judge, and a process that left the executor's tree.

Without /proc (macOS, Windows) there is no watchdog: RLIMIT_AS is set to `memory_mb` itself, as
before, where the kernel has it. No cgroup is used: creating one needs root and a writable cgroup
tree, which containers (Gradescope's, Docker's default) do not give.
"""
import math
import os
import sys
import time

POLL_SECONDS = 0.05          # between two looks at the executor's memory
TREE_SECONDS = 0.5           # between two searches for the processes the executor started...
FEW_THREADS = 16             # ... unless they run this few threads in all: then at every look
NEAR_POLL_SECONDS = 0.01     # ... once it uses more than NEAR of its limit
NEAR = 0.8                   # a death with memory above this share of a limit: blamed on it
ADDRESS_SPACE_FACTOR = 4
ADDRESS_SPACE_MARGIN_MB = 2048
MB = 2 ** 20


def watchable():
    """Whether the judge can read an executor's memory here (Linux /proc)."""
    return sys.platform.startswith('linux') and os.path.exists('/proc/self/statm')


def address_space_mb(memory_mb, setting=0):
    """The address-space limit (RLIMIT_AS) of an executor whose memory limit is `memory_mb`:
    `setting` when given, else a backstop well above it where the watchdog works, else
    `memory_mb` itself (no other bound there)."""
    if setting:
        return int(setting)
    if not watchable():
        return int(memory_mb)
    return int(max(ADDRESS_SPACE_FACTOR * memory_mb, memory_mb + ADDRESS_SPACE_MARGIN_MB))


def _page_size():
    try:
        return os.sysconf('SC_PAGE_SIZE')
    except (AttributeError, ValueError, OSError):
        return 4096


PAGE = _page_size()


def descendants(pid, threads=None):
    """`pid` and every process below it (Linux: /proc/PID/task/TID/children, each thread's);
    the number of threads read is added to `threads` (a list of one int) when given."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f'/proc/{current}/task')
        except OSError:
            continue
        if threads is not None:
            threads[0] += len(tasks)
        for task in tasks:
            try:
                with open(f'/proc/{current}/task/{task}/children') as f:
                    todo.extend(int(c) for c in f.read().split())
            except (OSError, ValueError):
                pass
    return found


def usage(pid, pids=None):
    """(resident MB, address-space MB, all read) of `pids` (default: `pid` and its
    descendants), summed; all read is False when one of them has ended meanwhile (or is ending:
    a process without memory). None if `pid` itself is gone."""
    rss = vm = 0
    seen, complete = False, True
    for one in pids if pids is not None else descendants(pid):
        try:
            with open(f'/proc/{one}/statm') as f:
                fields = f.read().split()
            if int(fields[0]) == 0:   # a zombie: its memory is gone already
                raise ValueError
            vm += int(fields[0])
            rss += int(fields[1])
            seen = seen or one == pid
        except (OSError, ValueError, IndexError):
            complete = False
    if not seen:
        return None
    return rss * PAGE / MB, vm * PAGE / MB, complete


class Watchdog:
    """Looks at one executor's memory; says when it is over its limit and how it ended."""

    def __init__(self, pid, memory_mb, address_space_mb):
        self.pid, self.limit, self.backstop = pid, memory_mb, address_space_mb
        self.rss = self.vm = 0.0
        self.next_look = self.next_tree = 0.0
        self.pids, self.threads = [pid], 0
        self.tripped = False

    def look(self, force=False):
        """Read the memory now if it is time (or `force`); True when it is over the limit."""
        now = time.monotonic()
        if not force and now < self.next_look:
            return False
        if now >= self.next_tree or self.threads <= FEW_THREADS:
            # a search costs a read per thread: JAX runs dozens, Python alone one
            threads = [0]
            self.pids, self.next_tree = descendants(self.pid, threads), now + TREE_SECONDS
            self.threads = threads[0]
        used = usage(self.pid, self.pids)
        if used is not None and not used[2]:
            # A process ended since the search: what is left is a lower bound. Keep the memory
            # seen before it ended unless this is more (a death is explained by what was used
            # just before it), and search again at the next look.
            self.rss, self.vm = max(self.rss, used[0]), max(self.vm, used[1])
            self.next_tree = now
        elif used is not None:
            self.rss, self.vm, _ = used
        else:
            self.next_tree = now
        near = self.rss > NEAR * self.limit or self.vm > NEAR * self.backstop
        self.next_look = now + (NEAR_POLL_SECONDS if near else POLL_SECONDS)
        self.tripped = self.rss > self.limit
        return self.tripped

    def wait_at_most(self, seconds):
        """How long the judge may wait before its next look."""
        return max(0.0, min(seconds, self.next_look - time.monotonic()))

    def over_message(self):
        used = math.ceil(self.rss)  # over the limit: never shown as equal to it
        return (f'the memory limit was hit: the process running your code used '
                f'{used} MB of memory, more than the {self.limit:g} MB it may use '
                '(memory_mb), and was stopped. Does it keep more than it needs (every graph, '
                'every intermediate result)?')

    def death_note(self, how):
        """A death (`how`: 'ended by SIGABRT', ...) explained by a limit, or None when the
        memory last seen was far from both limits."""
        if self.rss > NEAR * self.limit:
            return (f'the memory limit was hit: the process running your code was using '
                    f'{self.rss:.0f} MB of memory, near the {self.limit:g} MB it may use '
                    f'(memory_mb), when it {how}; this is the memory limit, not a crash of the '
                    'code')
        if self.vm > NEAR * self.backstop:
            return (f'the memory limit was hit: the process running your code had reserved '
                    f'{self.vm:.0f} MB of address space, near the {self.backstop:g} MB it may '
                    f'reserve (the backstop beside the {self.limit:g} MB memory limit, '
                    f'memory_mb), when it {how}; it was using {self.rss:.0f} MB. This is the '
                    'memory limit, not a crash of the code')
        return None
