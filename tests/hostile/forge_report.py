"""Hostile: at import, write a forged full-marks report to the grader's --output path (the test
gives that path as "report" in _params.json beside this file), if it can reach it."""
from reference import *
import reference
import json
import os

with open(os.path.join(os.path.dirname(__file__), '_params.json')) as _f:
    _report = json.load(_f)['report']
try:
    with open(_report, 'w') as _f:
        json.dump({'schema_version': 1, 'score': 999.0, 'max_score': 999.0, 'FORGED': True,
                   'exercises': []}, _f)
    print('HOSTILE wrote the report')
except OSError as _error:
    print(f'HOSTILE could not write the report: {type(_error).__name__}')
