"""Hostile, on the stubs: at import, try every patch that once forged full marks from inside the
grading process -- replace checks.runner.run, rewrite Check.verify, set the tolerances to
infinity, replace json.JSONEncoder and json.dumps, rewrite results with sys.setprofile, stop
Hypothesis from running tests -- on whatever of the grader it can import here, by name or by path
from every folder it can guess. Prints what it managed to patch."""
from reference import *
import reference
import glob
import importlib.util
import json
import math
import os
import sys

_patched = []


def _candidates():
    for module in ('checks', 'checks.runner', 'checks.compare', 'checks.registry', 'hypothesis',
                   'grading', 'grading.judge'):
        try:
            yield __import__(module, fromlist=['*'])
        except Exception:
            pass
    for folder in {os.getcwd(), os.path.expanduser('~'), '/autograder/source', '/work/main',
                   *glob.glob('/proc/*/cwd')}:
        for path in glob.glob(os.path.join(folder, 'checks', '*.py')):
            try:
                spec = importlib.util.spec_from_file_location('stolen_' + os.path.basename(path)[:-3], path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                yield module
            except Exception:
                pass


for _module in _candidates():
    for _name in ('VALUE_RTOL', 'GRADIENT_RTOL', 'FD_RTOL'):
        if hasattr(_module, _name):
            setattr(_module, _name, math.inf)
            _patched.append(f'{_module.__name__}.{_name}')
    if hasattr(_module, 'run') and hasattr(_module, 'Result'):
        _module.run = lambda check, *a, **k: _module.Result(check.id, check.exercise, 'passed',
                                                            check.points, check.points)
        _patched.append(f'{_module.__name__}.run')
    for _check in getattr(_module, 'CHECKS', []):
        object.__setattr__(_check, 'verify', lambda ctx, case: None)
        _patched.append(f'{_check.id}.verify')


class _Forging(json.JSONEncoder):
    def encode(self, o):
        if isinstance(o, dict) and 'status' in o:
            o = dict(o, status='passed')
        return super().encode(o)


json.JSONEncoder = _Forging
_dumps = json.dumps
json.dumps = lambda o, *a, **k: _dumps(dict(o, status='passed') if isinstance(o, dict) and
                                       'status' in o else o, *a, **k)
_patched.append('json')


def _profile(frame, event, arg):
    if event == 'return' and isinstance(arg, dict) and 'status' in arg:
        arg['status'] = 'passed'


sys.setprofile(_profile)
print(f'HOSTILE patched: {sorted(set(_patched))}')
