"""Use both cores: run a function over chunks of work in forked worker processes.

The workers are forked after the caller has everything in memory (entries, templates, caches), so
the inputs are shared rather than pickled; only each chunk's result travels back. Small jobs run
in this process: starting workers costs more than it saves.
"""
import multiprocessing
import os
import signal

_job: dict = {}


def _run(index: int):
    return _job["fn"](_job["chunks"][index])


def _worker_signals():
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)       # the pool ends its workers so, whatever the parent does on it


def workers() -> int:
    return min(os.cpu_count() or 1, 8)


def fork_map(fn, items: list, min_items: int = 200, meanwhile=None) -> list:
    """fn maps a list of items to a list of results, one per item; this returns the results for all
    items, in order, computed in forked workers when it pays. `meanwhile()`, if given, runs in this
    process while the workers work (this process would only wait), or first when there are none."""
    n = workers()
    if len(items) < min_items or n < 2 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile:
            meanwhile()
        return fn(items) if items else []
    parts = n * 2
    chunks = [items[i::parts] for i in range(parts)]    # interleaved: each a mix of cheap and dear items
    _job.update(fn=fn, chunks=chunks)
    try:
        with multiprocessing.get_context("fork").Pool(n, initializer=_worker_signals) as pool:
            pending = pool.map_async(_run, range(parts), chunksize=1)
            if meanwhile:
                meanwhile()
            done = pending.get()
    finally:
        _job.clear()
    results = [None] * len(items)
    for i, part in enumerate(done):
        results[i::parts] = part
    return results
