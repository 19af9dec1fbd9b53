"""Hostile: at import, try to write a file in every place that matters to the grader or to other
submissions, and print where it succeeded (_params.json "targets": a os.pathsep-separated list)."""
from reference import *
import reference
import json
import os

with open(os.path.join(os.path.dirname(__file__), '_params.json')) as _f:
    _targets = json.load(_f).get('targets', '')
_wrote = []
for _folder in _targets.split(os.pathsep) + [
        '/tmp', '/var/tmp', '/dev/shm', os.path.expanduser('~'), '..', '/autograder/results']:
    if not _folder:
        continue
    _path = os.path.join(_folder, 'HOSTILE-was-here')
    try:
        with open(_path, 'w') as _f:
            _f.write('forged')
        _wrote.append(os.path.abspath(_path))
    except OSError:
        pass
print('\n'.join(f'HOSTILE wrote {path}' for path in _wrote) or 'HOSTILE wrote nothing')
