"""Work shared by the processes of a build: forked workers that take the next item when free (pages
to render, then workbooks to make), and independent slow jobs (the editions' PDFs).
Nothing here knows what a page is; :mod:`begroot.publish.site` hands it the work."""

from __future__ import annotations

import multiprocessing as mp
import os
from typing import Callable

#: Below this many pages to render, the work is not split over processes.
PARALLEL_MIN_PAGES = 200
#: How much the render workers' niceness is raised while a PDF is made in a process of its own
#: (see :meth:`Workers.give_way`): at 10 the kernel gives a worker about a tenth of a core's
#: share against the PDF's threads.
GIVE_WAY = 10
_FORKED: tuple | None = None   # (render item k, number of items, write binaries, claims of items, of binaries)
_FORKED_JOBS: list | None = None  # the jobs of run_jobs, inherited by forked workers
_PARENT: int | None = None  # in a forked render worker: the process id of the build that forked it


def worker_count() -> int:
    """How many processes share a build's work: one per core, at most four."""
    return min(os.cpu_count() or 1, 4)


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def _run_jobs_in_worker(indices: list[int]) -> None:
    jobs = _FORKED_JOBS
    for i in indices:
        jobs[i]()


def start_on_threads(jobs: list[Callable[[], object]]) -> Callable[[], None]:
    """Start jobs that spend their time outside Python's lock (Typst's PDFs) on threads of this
    process, alongside whatever it does next; returns the function that waits for them and
    raises the first job's error as if they had run one by one. The process must fork no worker
    that uses Typst after this (see :func:`run_jobs`)."""
    if not jobs:
        return lambda: None
    from concurrent.futures import ThreadPoolExecutor

    from concurrent.futures import wait as all_done

    pool = ThreadPoolExecutor(min(worker_count(), len(jobs)), thread_name_prefix="begroot-pdf")
    # the last job first: the editions' PDFs come in the settings' order, and the newest edition,
    # the one most often edited, is the one whose PDF is made again (the others are found in the
    # build cache in a moment); its errors are still raised in the jobs' order
    futures = [pool.submit(job) for job in reversed(jobs)][::-1]
    pool.shutdown(wait=False)

    def wait() -> None:
        all_done(futures)  # every job ended (none still writing) before an error is raised
        for future in futures:
            future.result()
    return wait


def start_in_processes(jobs: list[Callable[[], object]]) -> Callable[[], None]:
    """Start jobs (the Typst PDFs of a build that renders its pages in forked workers) in forked
    processes of their own, alongside whatever this process does next: their Python work (a large
    document's source, the tagging of its tables' row headers, seconds each) then does not wait
    for this process's lock, which its share of the pages holds. Returns the function that waits
    for them and raises the first job's error as if they had run one by one. This process uses
    no Typst here, so it may go on forking; a job's process stops before writing when the build
    that forked it is gone (see :func:`stop_if_orphaned`)."""
    if not jobs:
        return lambda: None
    if not can_fork():
        return start_on_threads(jobs)
    context = mp.get_context("fork")
    count = min(worker_count(), len(jobs))
    children = []
    try:
        for k in range(count):
            conn, theirs = context.Pipe(duplex=False)
            process = context.Process(target=_run_share, args=(jobs, list(range(k, len(jobs), count)), theirs,
                                                              os.getpid()), daemon=True)
            process.start()
            theirs.close()
            children.append((k, process, conn))
    except BaseException:
        for _, process, _ in children:
            process.terminate()
            process.join()
        raise

    def wait() -> None:
        failures = []
        for first, process, conn in children:  # every job ended (none still writing) before an error is raised
            try:
                kind, index, payload = conn.recv()
            except EOFError:
                kind, index, payload = "error", first, RuntimeError(
                    f"the process making a PDF stopped unexpectedly (exit code {process.exitcode})")
            conn.close()
            process.join()
            if kind == "error":
                failures.append((index, payload))
        if failures:
            raise min(failures, key=lambda failure: failure[0])[1]
    return wait


def _run_share(jobs: list[Callable[[], object]], indices: list[int], conn, parent: int) -> None:
    """In a forked process of :func:`start_in_processes`: the jobs ``indices``, one by one, until one fails."""
    global _PARENT
    _PARENT = parent
    _die_with_parent()
    try:
        for i in indices:
            try:
                jobs[i]()
            except BaseException as exc:  # noqa: BLE001 - raised again in the parent
                try:
                    conn.send(("error", i, exc))
                except Exception:  # noqa: BLE001 - an exception that does not pickle
                    conn.send(("error", i, RuntimeError(repr(exc))))
                return
        conn.send(("done", None, None))
    finally:
        conn.close()


def run_jobs(jobs: list[Callable[[], object]], threads: bool = False) -> None:
    """Run independent slow jobs (the PDFs of the editions), spread over forked workers when there
    are several jobs and cores; errors are raised here as if the jobs had run one by one.
    ``threads``: the jobs spend their time outside Python's lock (Typst), and run on threads of
    this process instead, never in a forked worker: a process that has used Typst forks children
    whose Typst waits forever for its pool of threads, which are not in the child."""
    global _FORKED_JOBS
    workers = min(worker_count(), len(jobs))
    if workers >= 2 and threads:
        start_on_threads(jobs)()
        return
    if workers < 2 or not can_fork():
        for job in jobs:
            job()
        return
    _FORKED_JOBS = jobs
    shares = [list(range(k, len(jobs), workers)) for k in range(workers)]
    try:
        with mp.get_context("fork").Pool(workers - 1) as pool:
            pending = [pool.apply_async(_run_jobs_in_worker, (share,)) for share in shares[1:]]
            _run_jobs_in_worker(shares[0])
            for result in pending:
                result.get()
    finally:
        _FORKED_JOBS = None


def _die_with_parent() -> None:
    """Where the system can (Linux), have this forked process killed when the build that forked
    it is: a PDF's process spends seconds in Typst, and must not write into the build's folder
    after the next build removed it. Elsewhere, :func:`stop_if_orphaned` before writing."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    stop_if_orphaned()  # the build was gone before that


class Claims:
    """Items of work shared by the processes of a build (a counter in shared memory): each process
    takes the next item when it is free, so that all finish at about the same time whatever
    each item costs. Made before the workers are forked."""

    def __init__(self, context):
        self._next = context.Value("q", 0)

    def take(self, count: int):
        """The indices 0..count-1 this process gets, one at a time."""
        while True:
            with self._next.get_lock():
                i = self._next.value
                if i >= count:
                    return
                self._next.value = i + 1
            yield i


def stop_if_orphaned() -> None:
    """In a render worker whose build was killed: stop, so that nothing goes on writing into the
    build's folder while the next build removes it."""
    if _PARENT is not None and os.getppid() != _PARENT:
        os._exit(1)


def _work_in_worker(conn, parent: int) -> None:
    """A forked worker: render the items it takes, send them back, then write the workbooks and
    files it takes of every page's (the parent sends the list) while the parent goes on with
    the search index and the open data, and then takes its share."""
    global _PARENT
    _PARENT = parent
    render, count, write_binaries, item_claims, binary_claims = _FORKED
    try:
        results = []
        for k in item_claims.take(count):
            stop_if_orphaned()
            results.append((k, render(k)))
        conn.send(("pages", results))
        write_binaries(Workers.receive(conn, "binaries"), binary_claims)
        conn.send(("done", None))
    except BaseException as exc:  # noqa: BLE001 - raised again in the parent
        try:
            conn.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            conn.send(("error", RuntimeError(repr(exc))))
    finally:
        conn.close()


class Workers:
    """The forked render workers of one build and the workbooks of every page, which
    the parent and the workers share out (see :class:`Claims`)."""

    def __init__(self, processes: list, write_binaries: Callable | None = None, claims: Claims | None = None,
                 items: Claims | None = None):
        self.processes, self.claims, self.items = processes, claims, items
        self.write_binaries = write_binaries
        self.jobs: list = []

    @classmethod
    def fork(cls, count: int, render: Callable[[int], object], write_binaries: Callable) -> Workers:
        """One worker per extra core, each rendering the items ``0..count-1`` it takes
        (``render(k)``); the parent takes its own with ``take()``."""
        global _FORKED
        context = mp.get_context("fork")
        item_claims, binary_claims = Claims(context), Claims(context)
        _FORKED = (render, count, write_binaries, item_claims, binary_claims)
        processes = []
        try:
            for _ in range(worker_count() - 1):
                conn, theirs = context.Pipe(duplex=True)
                process = context.Process(target=_work_in_worker, args=(theirs, os.getpid()), daemon=True)
                process.start()
                theirs.close()
                processes.append((process, conn))
        finally:
            _FORKED = None
        return cls(processes, write_binaries, binary_claims, item_claims)

    def take(self, count: int):
        """The items the parent takes while the workers take theirs."""
        return self.items.take(count)

    @staticmethod
    def receive(conn, expected: str):
        try:
            kind, payload = conn.recv()
        except EOFError:
            raise RuntimeError("a render worker stopped unexpectedly") from None
        if kind == "error":
            raise payload
        assert kind == expected, kind
        return payload

    def results(self) -> list[tuple[int, object]]:
        """What the workers rendered: (item, result)."""
        return [r for _, conn in self.processes for r in self.receive(conn, "pages")]

    def share(self, jobs: list) -> None:
        """Every page's workbooks to make: the workers start on them at once."""
        self.jobs = jobs
        for _, conn in self.processes:
            conn.send(("binaries", jobs))

    def finish(self) -> None:
        """Write the workbooks the parent takes, and wait for the workers' (raising their error)."""
        if self.write_binaries is not None:
            self.write_binaries(self.jobs, self.claims if self.processes else None)
        for process, conn in self.processes:
            self.receive(conn, "done")
            process.join()

    def give_way(self) -> None:
        """Lower the render workers' priority (nice): the PDFs started in processes of their own
        are the longest jobs of a large build, which ends when they do; the pages, done seconds
        before them, then take the time the PDFs leave. This process keeps its priority (it may
        be a caller's, as in the tests, and no process can raise its own again)."""
        for process, _ in self.processes:
            try:
                os.setpriority(os.PRIO_PROCESS, process.pid, min(os.getpriority(os.PRIO_PROCESS, process.pid)
                                                                  + GIVE_WAY, 19))
            except (OSError, AttributeError):
                pass  # not here (Windows) or not allowed: the same work, in a different order

    def abort(self) -> None:
        for process, _ in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()
