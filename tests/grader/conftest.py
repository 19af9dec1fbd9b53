"""The `grader` fixture: a test module's grader runs (see grader_harness.py).

Every run that the selected tests of every module name with @pytest.mark.runs(...) starts when the
first of them is needed, a few at a time, so that the runs overlap each other and the tests.
"""
import pytest

from grader_harness import Grader


def pytest_configure(config):
    config.addinivalue_line('markers', 'runs(*names): the grader runs (RUNS of the module) a '
                                       'test reads')


@pytest.fixture(scope='session')
def _grader_runs(request, tmp_path_factory):
    wanted = {}
    for item in request.session.items:
        module = getattr(item, 'module', None)
        for mark in item.iter_markers('runs'):
            for name in mark.args:
                assert name in module.RUNS, f'{item.nodeid}: RUNS defines no run {name!r}'
                wanted[(module.__name__, name)] = module.RUNS[name]
    pool = Grader(wanted, tmp_path_factory)
    yield pool
    pool.close()


@pytest.fixture(scope='module')
def grader(request, _grader_runs):
    return _grader_runs.view(request.module)
