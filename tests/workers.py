"""Running many gradings of the checks tests side by side: one forked worker per CPU.

A test module grades many implementations (the bug corpus, the reference under several seeds); each
grading is a judge's work (Hypothesis, in this process's Python) talking to an executor. Run one
after the other they keep one CPU busy; here a module fixture hands them to worker processes and
the tests read the results.
"""
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor


def cpus():
    return len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else \
        os.cpu_count() or 1


def map_in_workers(function, tasks):
    """[function(task) for task in tasks], in forked workers where the platform can fork (the
    function must be a module-level one), else in this process."""
    tasks = list(tasks)
    jobs = min(cpus(), len(tasks))
    if jobs > 1 and 'fork' in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context('fork')
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                 initializer=untraced) as pool:
            return list(pool.map(function, tasks))
    return [function(task) for task in tasks]


def untraced():
    """A worker's initializer: coverage cannot save what a forked worker measures (it ends with
    os._exit), so stop measuring there rather than pay for it."""
    try:
        import coverage
    except ImportError:
        return
    current = coverage.Coverage.current()
    if current is not None:
        current.stop()
