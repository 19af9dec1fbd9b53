"""The `grader` fixture: a test module's grader runs (see grader_harness.py).

Every run that the selected tests of every module name with @pytest.mark.runs(...) starts when the
first of them is needed, a few at a time, so that the runs overlap each other and the tests. Under
pytest-xdist a worker runs only some modules, so it starts a module's runs when the module begins.
"""
import pytest

from grader_harness import Grader


def pytest_configure(config):
    config.addinivalue_line('markers', 'runs(*names): the grader runs (RUNS of the module) a '
                                       'test reads')


def _wanted(items):
    """{(module name, run name): Run} for the runs these test items name."""
    wanted = {}
    for item in items:
        module = getattr(item, 'module', None)
        for mark in item.iter_markers('runs'):
            for name in mark.args:
                assert name in module.RUNS, f'{item.nodeid}: RUNS defines no run {name!r}'
                wanted[(module.__name__, name)] = module.RUNS[name]
    return wanted


def _in_xdist_worker(config):
    return hasattr(config, 'workerinput')


@pytest.fixture(scope='session')
def _grader_runs(request, tmp_path_factory):
    everything = not _in_xdist_worker(request.config)
    pool = Grader(_wanted(request.session.items) if everything else {}, tmp_path_factory)
    yield pool
    pool.close()


@pytest.fixture(scope='module')
def grader(request, _grader_runs):
    if _in_xdist_worker(request.config):
        _grader_runs.start(_wanted(item for item in request.session.items
                                   if getattr(item, 'module', None) is request.module))
    return _grader_runs.view(request.module)
