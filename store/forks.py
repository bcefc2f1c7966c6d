"""A fork server of the pool's own: worker processes forked from a small process that has imported the
engine but opened nothing.

multiprocessing's "forkserver" did this job, but it also starts multiprocessing's resource tracker, one
more interpreter (about 10 MiB PSS) that exists to unlink named semaphores and shared memory, of which
the pool uses none. That was the margin by which ``geokg serve`` missed its memory goal (2.09x the PSS of
``oxigraph serve`` under 16 clients, against 2x).

The server talks to the fork server over one Unix socket: each request carries the worker's end of its
pipe and the write end of a status pipe (SCM_RIGHTS), and is answered with the new process's id. The fork
server reaps its children and writes each one's exit code into its status pipe, whose read end is then the
parent's sentinel: readable once the process is gone. Forking from the server itself is not an option:
it runs threads, and a fork copies their locks in whatever state they are.
"""

import contextlib
import ctypes
import importlib
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import traceback
from multiprocessing.connection import Connection, Pipe

_STATUS = struct.Struct("i")
_PID = struct.Struct("q")
_MESSAGE_BYTES = 1 << 16
_PR_SET_PDEATHSIG = 1


class Child:
    """A process the fork server started for this one: its id, a sentinel, its exit code once it is gone."""

    def __init__(self, pid: int, status_fd: int):
        self.pid = pid
        self.sentinel = status_fd
        self._exitcode: int | None = None
        # The watchdog and a request's thread may both wait for one process: one of them reads the status.
        self._reading = threading.Lock()

    def _wait(self, seconds: float) -> None:
        if self._exitcode is not None or self.sentinel < 0:
            return
        exits = select.poll()
        exits.register(self.sentinel, select.POLLIN)
        if not exits.poll(seconds * 1000):
            return
        with self._reading:
            if self._exitcode is not None:
                return
            data = b""
            with contextlib.suppress(OSError):
                data = os.read(self.sentinel, _STATUS.size)
            # An empty read means the fork server went away before it could report: the process went with
            # it (it dies with its parent), how is unknown.
            self._exitcode = _STATUS.unpack(data)[0] if len(data) == _STATUS.size else -signal.SIGKILL

    @property
    def exitcode(self) -> int | None:
        """The exit code (minus the signal number for a killed process), or None while it runs."""
        self._wait(0)
        return self._exitcode

    def is_alive(self) -> bool:
        return self.exitcode is None

    def join(self, timeout: float | None = None) -> None:
        self._wait(-1 if timeout is None else timeout)

    def kill(self) -> None:
        if self.is_alive():
            os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        """Let go of the sentinel once the process is gone (before, its exit code would be lost)."""
        if self.sentinel >= 0 and self._exitcode is not None:
            os.close(self.sentinel)
            self.sentinel = -1


class ForkServer:
    """Starts the fork server on first use and asks it for processes, one at a time."""

    def __init__(self, preload: list[str]):
        self.preload = list(preload)
        self.lock = threading.Lock()
        self.socket: socket.socket | None = None
        self.server: subprocess.Popen | None = None

    def _ensure_running(self) -> socket.socket:
        if self.server is not None and self.server.poll() is None:
            return self.socket
        if self.socket is not None:
            self.socket.close()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        try:
            self.server = subprocess.Popen(
                [sys.executable, "-B", "-c", "from geokg.store.forks import serve; serve()",
                 str(theirs.fileno()), *self.preload],
                pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL)
        finally:
            theirs.close()
        self.socket = ours
        return ours

    def start(self, target: str, args: tuple) -> tuple[Child, Connection]:
        """A new process running ``target(connection, *args)`` (a function of a preloaded module, named
        ``module:function``), and this side's end of its pipe."""
        ours, theirs = Pipe()
        status_read, status_write = os.pipe()
        try:
            payload = pickle.dumps((target, args), pickle.HIGHEST_PROTOCOL)
            with self.lock:
                channel = self._ensure_running()
                socket.send_fds(channel, [payload], [theirs.fileno(), status_write])
                answer = channel.recv(_PID.size)
        except BaseException:
            ours.close()
            os.close(status_read)
            raise
        finally:
            theirs.close()
            os.close(status_write)
        if len(answer) != _PID.size:
            ours.close()
            os.close(status_read)
            raise OSError("the fork server exited")
        return Child(_PID.unpack(answer)[0], status_read), ours

    def close(self) -> None:
        """Stop the fork server; the processes it started live on until their own pipes close."""
        if self.socket is not None:
            self.socket.close()
            self.socket = None
        if self.server is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.server.wait(5)
            self.server = None


def _die_with_parent() -> None:
    """A worker must not outlive the fork server (it exits when the server that owns the pool does): a
    runaway query would otherwise hold a core with nobody left to kill it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _run(target: str, args: tuple, connection_fd: int) -> int:
    module, _, name = target.partition(":")
    try:
        getattr(importlib.import_module(module), name)(Connection(connection_fd), *args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the process's last words go to the server's log
        traceback.print_exc()
        return 1
    return 0


def serve() -> None:
    """The fork server's loop (``python -c``): fork on request, reap, report exit codes."""
    channel = socket.socket(fileno=int(sys.argv[1]))
    for module in sys.argv[2:]:
        importlib.import_module(module)
    # Ctrl-C in a terminal reaches the whole process group; the server that owns the pool stops it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    statuses: dict[int, int] = {}
    while True:
        try:
            ready = select.select([channel, wake_read], [], [])[0]
        except InterruptedError:
            continue
        if wake_read in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_read, 512)
            _reap(statuses)
        if channel in ready:
            try:
                payload, fds, _, _ = socket.recv_fds(channel, _MESSAGE_BYTES, 2)
            except OSError:
                payload, fds = b"", []
            if not payload:
                return
            connection_fd, status_fd = fds
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    for fd in (channel.fileno(), wake_read, wake_write, status_fd, *statuses.values()):
                        os.close(fd)
                    _die_with_parent()
                    if os.getppid() == 1:
                        os._exit(1)
                    target, args = pickle.loads(payload)
                    code = _run(target, args, connection_fd)
                finally:
                    with contextlib.suppress(Exception):
                        sys.stdout.flush()
                        sys.stderr.flush()
                    os._exit(code)
            os.close(connection_fd)
            statuses[pid] = status_fd
            channel.send(_PID.pack(pid))
            _reap(statuses)


def _reap(statuses: dict[int, int]) -> None:
    while statuses:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        fd = statuses.pop(pid, None)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.write(fd, _STATUS.pack(os.waitstatus_to_exitcode(status)))
            os.close(fd)
