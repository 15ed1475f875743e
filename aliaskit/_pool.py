"""Worker processes for ``--workers``: records in input order, streamed, with bounded
read-ahead, and an interruption that ends everything on one line.

Each worker has pipes of its own and shares no lock with the others, so that a worker
killed at any moment (Ctrl-C or SIGTERM reaching the whole process group, the OOM
killer) cannot leave the parent waiting for ever, as multiprocessing.Pool's shared task
queue could (its lock dies with a worker that holds it). Ctrl-C is the parent's alone
to answer: the workers ignore SIGINT (else each printed its own traceback). SIGTERM, as
a scheduler stops a job, becomes :class:`Terminated` in the parent, which stops its
workers and exits on one line (killed outright, it left them writing into a closed pipe,
with BrokenPipeError tracebacks, and the resource tracker warning of leaked semaphores).
"""

from __future__ import annotations

import os
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any, Generic, TypeVar

from ._errors import AliaskitError

__all__ = ["Terminated", "Workers", "handle_sigterm"]

T = TypeVar("T")
R = TypeVar("R")

WINDOW = 4
"""Chunks handed to each worker, at most, before the first of them is written: enough
that a worker finding its chunk done has the next one waiting, and the input read ahead
stays a few chunks, whatever its length (Pool.imap read all of it ahead)."""

POLL = 0.02
"""Seconds between looks at the input while the workers are busy and more could be
handed to them: how late a line of a slow feed can be."""

ORPHAN_CHECK = 1.0
"""Seconds between a waiting worker's checks that its parent is still there."""


class Terminated(BaseException):
    """SIGTERM: the command stops as on Ctrl-C, with the exit code 143."""


_STOPS = {signal.SIGINT, signal.SIGTERM}


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated


def handle_sigterm() -> None:
    """SIGTERM raises :class:`Terminated` (the CLI's entry point calls this)."""
    signal.signal(signal.SIGTERM, _terminated)


def _serve(fn: Callable[[list[Any]], list[Any]], tasks: Connection, results: Connection,
           parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...],
           inherited: tuple[Connection, ...]) -> None:
    """A worker: ``fn`` on each chunk it is sent, its result sent back, until the parent
    says stop (None), goes away, or ends it with SIGTERM."""
    for end in inherited:
        # The parent's ends of the pipes (forked with it): held here too, they kept a
        # worker whose parent was killed writing into a pipe nobody reads, for ever.
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (a Ctrl-C pending since the start: dropped)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    try:
        if initializer is not None:
            initializer(*initargs)
        while True:
            while not tasks.poll(ORPHAN_CHECK):
                if os.getppid() != parent:  # the parent was killed: no orphan left behind
                    return
            chunk = tasks.recv()
            if chunk is None:
                return
            try:
                outcome: tuple[bool, Any] = (True, fn(chunk))
            except Exception as exc:  # (raised again in the parent, in its place)
                outcome = (False, exc)
            results.send(outcome)
    except (EOFError, OSError):  # the parent is gone: nobody to answer
        return


def _send(connection: Connection, outbox: queue.Queue[Any]) -> None:
    # A thread of its own per worker: a large chunk filling the pipe never blocks the
    # parent while that worker waits for the parent to read its result.
    while True:
        item = outbox.get()
        try:
            connection.send(item)
        except OSError:  # the worker is gone; the parent learns it from its results pipe
            return
        if item is None:
            return


class _Failed:
    """Reading the input raised: raised in turn once the rows before it are written."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


def _thread(target: Callable[..., None], *args: Any) -> None:
    """A daemon thread that never receives SIGINT or SIGTERM: sent to it, they would not
    wake the main thread from a wait, and the command would not stop."""
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        threading.Thread(target=target, args=args, daemon=True).start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _read(items: Iterable[Any], inbox: queue.Queue[Any]) -> None:
    try:
        for item in items:
            inbox.put(item)
    except BaseException as exc:  # (handed to the reader of the results, in its place)
        inbox.put(_Failed(exc))
    else:
        inbox.put(_END)


class Workers(Generic[T, R]):
    """``count`` processes running ``fn`` (a module-level function from a list of items
    to the list of their results) after ``initializer(*initargs)``. Use as a context
    manager: leaving it stops the workers, whatever happened."""

    def __init__(self, context: BaseContext, count: int, fn: Callable[[list[T]], list[R]],
                 initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = ()) -> None:
        self._processes: list[Any] = []
        self._outboxes: list[queue.Queue[Any]] = []
        self._results: list[Connection] = []
        # A child starts with its parent's signal mask: a Ctrl-C or SIGTERM meanwhile
        # waits, in the parent, to stop the workers started so far, and in a worker until
        # it has its own dispositions. (Ignored here, the parent would have lost it; a
        # forked worker would have run the parent's handlers.)
        if context.get_start_method() != "fork":
            # Started now, not by the first worker: starting it unblocks the signals.
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
        try:
            self._start(context, count, fn, initializer, initargs, mask)
        except BaseException:
            self.close()
            raise

    def _start(self, context: BaseContext, count: int, fn: Callable[[list[T]], list[R]],
               initializer: Callable[..., None] | None, initargs: tuple[Any, ...],
               mask: Iterable[int]) -> None:
        fork = context.get_start_method() == "fork"
        ends: tuple[Connection, ...] = ()
        try:
            for _ in range(count):
                task_reader, task_writer = context.Pipe(duplex=False)
                result_reader, result_writer = context.Pipe(duplex=False)
                inherited = (*ends, task_writer, result_reader) if fork else ()
                process = context.Process(  # type: ignore[attr-defined]
                    target=_serve, daemon=True,
                    args=(fn, task_reader, result_writer, os.getpid(), initializer, initargs,
                          inherited))
                process.start()
                # Only the worker holds these ends: its death is an end of file here.
                task_reader.close()
                result_writer.close()
                outbox: queue.Queue[Any] = queue.Queue()
                _thread(_send, task_writer, outbox)
                self._processes.append(process)
                self._outboxes.append(outbox)
                self._results.append(result_reader)
                ends += (task_writer, result_reader)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)

    def __enter__(self) -> Workers[T, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (at once, work or no work) and wait for them to be gone."""
        for outbox in self._outboxes:
            outbox.put(None)
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        for process in self._processes:
            process.join()
        for connection in self._results:
            connection.close()

    def _result(self, worker: int) -> list[R]:
        try:
            done, value = self._results[worker].recv()
        except (EOFError, OSError):
            code = self._processes[worker].exitcode
            raise AliaskitError(f"a worker process stopped (exit code {code})") from None
        if not done:
            raise value
        return value  # type: ignore[no-any-return]

    def map(self, items: Iterable[T], chunk: int) -> Iterator[R]:
        """``fn`` over ``items``; the results in input order.

        The input is read by a thread of its own, a few chunks ahead at most. Chunk k
        goes to worker k modulo their count, so that the results of the chunks are
        read in order from each in turn. Chunks start at one item and double up to
        ``chunk``, and a chunk goes out before it is full when a worker would otherwise
        wait: the first record comes at once, and a slow feed is answered line by line."""
        count = len(self._processes)
        window = WINDOW * count
        inbox: queue.Queue[Any] = queue.Queue(maxsize=chunk * window)
        _thread(_read, items, inbox)
        pending: deque[int] = deque()  # the worker of each chunk handed out, in order
        sent = 0
        gathered: list[T] = []
        size, reading, failed = 1, True, None
        while reading or gathered or pending:
            while reading and len(gathered) < size:
                try:
                    # Waits for the input only when there is nothing else to do.
                    got = inbox.get(block=not pending and not gathered)
                except queue.Empty:
                    break
                if got is _END or isinstance(got, _Failed):
                    reading, failed = False, got if isinstance(got, _Failed) else None
                else:
                    gathered.append(got)
            if gathered and len(pending) < window and (
                    len(gathered) >= size or not reading or len(pending) < count):
                worker = sent % count
                self._outboxes[worker].put(gathered)
                pending.append(worker)
                sent += 1
                gathered, size = [], min(size * 2, chunk)
                continue
            if pending:
                # While more input could be handed out, look at it now and then.
                waiting = reading and len(pending) < window
                if self._results[pending[0]].poll(POLL if waiting else None):
                    yield from self._result(pending.popleft())
        if failed is not None:
            raise failed.error
