"""Forked worker processes that each keep a fixed share of the work between steps.

A build reads a prison's plans in one step and renders its pages in the next, after the parent has
checked what every worker read. Keeping each share in the process that read it means plans are
parsed once and never sent between processes: only the small results of each step travel.

Where the system cannot fork, or the work is small, the same steps run in this process.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

Share = TypeVar("Share")
State = TypeVar("State")


class WorkerFailure(RuntimeError):
    """A worker stopped on an unexpected error; the message holds its traceback."""


@dataclass(frozen=True)
class _Failed:
    error: BaseException | None
    text: str


def cores() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 4))
    except AttributeError:  # not on Linux
        return max(1, min(os.cpu_count() or 1, 4))


def balanced(sizes: dict[str, int], count: int) -> list[list[str]]:
    """Names in `count` shares of about equal total size: the largest first, each to the smallest share."""
    shares: list[list[str]] = [[] for _ in range(count)]
    totals = [0] * count
    for name in sorted(sizes, key=lambda n: (-sizes[n], n)):
        smallest = totals.index(min(totals))
        shares[smallest].append(name)
        totals[smallest] += sizes[name]
    return [share for share in shares if share]


class Pool(Generic[Share, State]):
    """`start(share)` makes each worker's state once; `step(fn, arg)` runs `fn(state, arg)` in every
    worker and returns the results in share order. `fn` must be a module-level function."""

    def __init__(self, shares: Sequence[Share], start: Callable[[Share], State], forked: bool = True):
        self._inline: list[State] | None = None
        self._workers: list[tuple[Any, Any]] = []
        if not forked or len(shares) < 2 or "fork" not in multiprocessing.get_all_start_methods():
            self._inline = [start(share) for share in shares]
            return
        context = multiprocessing.get_context("fork")
        for share in shares:
            parent_end, child_end = context.Pipe()
            # A forked worker gets copies of the parent's ends of the pipes too, its own and those of the
            # workers before it: it closes them, so that when the parent is gone (killed), every worker
            # hears so and ends instead of waiting for its next step for ever.
            parents_ends = [parent_end, *(connection for _, connection in self._workers)]
            process = context.Process(target=_serve, args=(child_end, start, share, parents_ends), daemon=True)
            process.start()
            child_end.close()
            self._workers.append((process, parent_end))

    def step(self, fn: Callable[[State, Any], Any], arg: Any = None) -> list[Any]:
        if self._inline is not None:
            return [fn(state, arg) for state in self._inline]
        for _, connection in self._workers:
            connection.send((fn, arg))
        results = [_receive(connection) for _, connection in self._workers]
        for result in results:
            if isinstance(result, _Failed):
                if result.error is not None:
                    raise result.error
                raise WorkerFailure(result.text)
        return results

    def close(self) -> None:
        for process, connection in self._workers:
            try:
                connection.send(None)
            except OSError:
                pass
            connection.close()
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        self._workers = []
        self._inline = None

    def __enter__(self) -> "Pool[Share, State]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _receive(connection) -> Any:
    try:
        return connection.recv()
    except EOFError:
        return _Failed(None, "a worker process ended without a result (out of memory, or killed?)")


def _serve(connection, start: Callable[[Any], Any], share: Any, parents_ends: Sequence[Any] = ()) -> None:
    """The worker's loop: make the state, then run each step sent until told to stop (or until the
    parent is gone)."""
    for end in parents_ends:
        end.close()
    try:
        state = start(share)
    except BaseException as error:  # noqa: BLE001 - reported by the first step
        state, failure = None, _failure(error)
    else:
        failure = None
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        if failure is not None:
            try:
                connection.send(failure)
            except OSError:
                return
            continue
        fn, arg = message
        try:
            result = fn(state, arg)
        except BaseException as error:  # noqa: BLE001 - sent to the parent, which raises it
            result = _failure(error)
        try:
            connection.send(result)
        except OSError:  # the parent is gone
            return


def _failure(error: BaseException) -> _Failed:
    """The error itself when the parent can rebuild it and knows what to say of it (the project's own
    errors, and OSError: a full disk is said in one line wherever it is met), else its traceback."""
    text = "".join(traceback.format_exception(error))
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # noqa: BLE001 - not every exception survives pickling
        return _Failed(None, text)
    known = isinstance(error, OSError) or getattr(error, "__module__", "").startswith("generator")
    return _Failed(error if known else None, text)
