"""Hostile: look everywhere this process can for the grader's verdicts, expected values and seed,
and cheat with whatever it finds. Add.forward() returns an expected value found in a caller's
frame or in memory, else NaN (so it passes only if the expected value was there). At import it
also looks for the seed: the environment, the command lines and environments of every process it
can read, the files around it, and everything the grader has sent. Prints what it found."""
from reference import *
import reference
import gc
import glob
import json
import os
import sys

with open(os.path.join(os.path.dirname(__file__), '_params.json')) as _f:
    SECRET = json.load(_f).get('secret', 'no secret given')
found = []


def _look(where, text):
    if SECRET in text:
        found.append(f'the secret in {where}')


_look('os.environ', repr(dict(os.environ)))
_look('sys.argv', repr(sys.argv))
for _path in glob.glob('/proc/*/cmdline') + glob.glob('/proc/*/environ'):
    try:
        with open(_path, 'rb') as _f:
            _look(_path, _f.read().decode(errors='replace'))
    except OSError:
        pass
for _folder in {os.getcwd(), os.path.expanduser('~'), '/tmp', '/autograder', '/work/main'}:
    for _path in glob.glob(os.path.join(_folder, '**', '*'), recursive=True)[:2000]:
        try:
            with open(_path, errors='replace') as _f:
                _look(_path, _f.read(1_000_000))
        except (OSError, ValueError):
            pass
_grader = sorted(name for name in sys.modules
                 if name.split('.')[0] in ('checks', 'grading', 'hypothesis'))
_objects = sorted({type(o).__module__ for o in gc.get_objects()
                   if str(type(o).__module__).split('.')[0] in ('checks', 'grading', 'hypothesis')})
print(f'HOSTILE grader modules here: {_grader}; grader objects here: {_objects}')


def _expected_nearby():
    frame = sys._getframe(1)
    while frame is not None:
        for name, value in frame.f_locals.items():
            if 'expected' in name.lower() and isinstance(value, (int, float)):
                return float(value)
            if hasattr(value, 'value') and type(value).__name__ == 'Expected':
                return float(value.value)
        frame = frame.f_back
    return None


class Add(reference.Add):
    def forward(self):
        global found
        _look('a request', repr(sys._getframe(1).f_locals))
        value = _expected_nearby()
        if found:
            print(f'HOSTILE found: {found}')
            found = []
        return value if value is not None else float('nan')
