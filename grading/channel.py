"""Talking to one executor process from the trusted side: start it, ask, wait, stop it.

Requests go to the executor's stdin and answers come from its stdout, each a 4-byte length then
JSON (executor/wire.py). Its stderr is what the student's code printed: drained while we wait, kept
in memory only up to a head and a tail (Output). Every answer is checked before anyone reads it:
a length within MAX_ANSWER, JSON, a dict of the expected shape. Whatever the executor does — no
answer, a malformed one, a flood, an exit, a hang in C code — ends here as an ExecutorFailure or
an AnswerTimeout, never as a crash of the grader.
"""
import json
import os
import selectors
import signal
import struct
import subprocess
import threading
import time

from .memory import Watchdog

HEADER = struct.Struct('!I')
MAX_ANSWER = 16 * 1024 * 1024
READ_SIZE = 65536
CPU_POLL = 0.05  # how often the executor's CPU time is read while it works on an answer


class ExecutorFailure(Exception):
    """The executor did not answer properly: it died, or sent something that is not an answer."""


class AnswerTimeout(Exception):
    """No answer before the deadline; the executor has been stopped. `waited`: the wall clock
    ran out while the CPU time allowed was not used up."""

    def __init__(self, waited=False):
        super().__init__()
        self.waited = waited


class Output:
    """What the student's code printed: the first HEAD bytes and the last TAIL, and a count."""
    HEAD, TAIL = 64 * 1024, 64 * 1024

    def __init__(self):
        self.head, self.tail, self.total = bytearray(), bytearray(), 0

    def add(self, data):
        self.total += len(data)
        room = self.HEAD - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            del self.tail[:-self.TAIL]

    def text(self):
        dropped = self.total - len(self.head) - len(self.tail)
        middle = f'\n[... {dropped} bytes not kept ...]\n' if dropped > 0 else ''
        return (bytes(self.head).decode('utf-8', 'replace') + middle
                + bytes(self.tail).decode('utf-8', 'replace'))


class ExecutorProcess:
    """One running executor. `launch` is a sandbox.Launch: the command, and how to start it."""

    def __init__(self, launch, output):
        self.launch, self.output = launch, output
        self.process = subprocess.Popen(
            launch.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=launch.env, cwd=launch.cwd, close_fds=True, pass_fds=launch.pass_fds,
            **({'preexec_fn': launch.preexec, 'start_new_session': True}
               if os.name == 'posix' else {}))
        launch.started(self.process)
        limits = launch.limits
        self.watchdog = Watchdog(self.process.pid, limits.memory_mb,
                                 limits.address_space_mb or limits.memory_mb) \
            if getattr(limits, 'watch_memory', False) else None
        self.requests = self.process.stdin.fileno()
        self.answers = self.process.stdout.fileno()
        self.printed = self.process.stderr.fileno()
        self.buffer = bytearray()
        if os.name == 'posix':
            for fd in (self.answers, self.printed):
                os.set_blocking(fd, False)
            self.selector = selectors.DefaultSelector()  # one for the executor's whole life
            self.selector.register(self.answers, selectors.EVENT_READ, 'answers')
            self.selector.register(self.printed, selectors.EVENT_READ, 'printed')
        else:  # pragma: no cover - Windows: no select() on pipes, a thread drains each one
            self.selector, self.arrived = None, threading.Condition()
            for fd, sink in ((self.answers, self._answer_bytes), (self.printed, output.add)):
                threading.Thread(target=self._pump, args=(fd, sink), daemon=True).start()

    # --- asking ---

    def hello(self, deadline):
        """The executor's first message: {'ready': True} or {'load_error': text}."""
        answer = self._receive(deadline)
        if answer.get('ready') is True or isinstance(answer.get('load_error'), str):
            return answer
        raise ExecutorFailure('its first message was not the expected greeting')

    def exchange(self, request, deadline, cpu_limit=None):
        """The answer to `request`, by `deadline` (time.monotonic()) and before the executor's
        CPU time reaches `cpu_limit` seconds (None: no such limit)."""
        self._send(request)
        answer = self._receive(deadline, cpu_limit)
        if 'values' in answer and isinstance(answer['values'], list):
            return answer
        if isinstance(answer.get('error'), dict) and isinstance(answer.get('step'), int):
            return answer
        raise ExecutorFailure('it sent a message that is not an answer to the request')

    def _send(self, request):
        data = json.dumps(request, separators=(',', ':'), allow_nan=True).encode()
        view = memoryview(HEADER.pack(len(data)) + data)
        try:
            while view:  # a pipe takes 64 KB at a time: the executor reads as we write
                view = view[os.write(self.requests, view):]
        except OSError:
            raise ExecutorFailure(self.death()) from None

    def _receive(self, deadline, cpu_limit=None):
        looked = 0.0
        while True:
            if self.selector is None:  # pragma: no cover - Windows: pump threads fill the buffer
                with self.arrived:
                    message = self._message()
            else:
                message = self._message()
            if message is not None:
                return message
            now = time.monotonic()
            remaining = deadline - now
            if remaining <= 0:
                self.stop()
                raise AnswerTimeout(waited=cpu_limit is not None)
            if cpu_limit is not None:  # read every CPU_POLL s, however much the code prints
                if now - looked >= CPU_POLL:
                    looked = now
                    if (self.cpu_seconds() or 0.0) >= cpu_limit:
                        self.stop()
                        raise AnswerTimeout()
                remaining = min(remaining, CPU_POLL)
            if self.watchdog is not None:  # memory is watched while the code runs: now
                if self.watchdog.look():
                    self.stop()
                    raise ExecutorFailure(self.watchdog.over_message())
                remaining = self.watchdog.wait_at_most(remaining)
            self._wait(remaining)

    def _message(self):
        """A whole message from the buffer, or None while it is incomplete."""
        if len(self.buffer) < HEADER.size:
            return None
        (length,) = HEADER.unpack_from(self.buffer)
        if length > MAX_ANSWER:
            self.stop()
            raise ExecutorFailure(f'it sent an answer of {length} bytes, more than the '
                                  f'{MAX_ANSWER // 2 ** 20} MB an answer may have')
        if len(self.buffer) < HEADER.size + length:
            return None
        body = bytes(self.buffer[HEADER.size:HEADER.size + length])
        del self.buffer[:HEADER.size + length]
        try:
            message = json.loads(body)
        except (ValueError, RecursionError):
            self.stop()
            raise ExecutorFailure('it sent an answer that is not JSON') from None
        if not isinstance(message, dict):
            self.stop()
            raise ExecutorFailure('it sent an answer that is not a JSON object')
        return message

    def _wait(self, timeout):
        """Wait for answer bytes (draining what is printed meanwhile), at most `timeout` s."""
        if self.selector is None:  # pragma: no cover - Windows
            with self.arrived:
                if not self.buffer and not self.closed:
                    self.arrived.wait(timeout)
                if self.closed and not self.buffer:
                    raise ExecutorFailure(self.death())
            return
        for key, _ in self.selector.select(timeout):
            if key.data == 'printed':
                self._drain()
            else:
                self._read_answers()

    def _read_answers(self):
        try:
            data = os.read(self.answers, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            data = b''
        if not data:
            self._drain()
            raise ExecutorFailure(self.death())
        self.buffer += data

    def _drain(self):
        while True:
            try:
                data = os.read(self.printed, READ_SIZE)
            except (BlockingIOError, OSError):
                return
            if not data:
                return
            self.output.add(data)

    closed = False

    def _pump(self, fd, sink):  # pragma: no cover - Windows
        """Windows: read `fd` until it closes, into `sink`."""
        while True:
            try:
                data = os.read(fd, READ_SIZE)
            except OSError:
                data = b''
            if not data:
                if sink == self._answer_bytes:
                    with self.arrived:
                        self.closed = True
                        self.arrived.notify_all()
                return
            sink(data)

    def _answer_bytes(self, data):  # pragma: no cover - Windows
        with self.arrived:
            self.buffer += data
            self.arrived.notify_all()

    # --- ending ---

    def death(self):
        """Why the executor stopped answering, in a student's words."""
        try:
            code = self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.stop()
            return 'the process running your code closed its answers and stopped responding'
        code = self.launch.exit_code(code)
        if code >= 0:
            name = None
        else:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f'signal {-code}'
        # A death with memory near a limit (an allocation refused, then an abort or a
        # segmentation fault in C code) is the limit's doing: say so, not "crashed".
        note = self.watchdog.death_note(f'exited with status {code}' if name is None
                                        else f'was ended by {name}') \
            if self.watchdog and name not in ('SIGXCPU', 'SIGXFSZ') else None
        if note:
            return note
        if name is None:
            return (f'the process running your code exited with status {code}: does the code '
                    'call sys.exit() or os._exit()?')
        meaning = {'SIGSEGV': 'a segmentation fault', 'SIGKILL': 'killed (out of memory?)',
                   'SIGXCPU': 'the CPU time limit', 'SIGXFSZ': 'the file size limit',
                   'SIGABRT': 'an abort'}.get(name, 'a signal')
        return f'the process running your code crashed: {name} ({meaning})'

    def cpu_seconds(self):
        """CPU time the executor has used (Linux), or None where it cannot be read."""
        return self.launch.cpu_seconds(self.process)

    def stop(self):
        """Kill the executor and everything it started; never raises."""
        if getattr(self, 'stopped', False):
            return
        self.stopped = True
        self.launch.kill(self.process)
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        if self.selector is not None:
            self._drain()
            self.selector.close()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()
            except OSError:
                pass
