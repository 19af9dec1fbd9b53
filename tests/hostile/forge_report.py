"""Hostile: at import, write a forged full-marks report to the grader's --output path (the test
passes that path in HOSTILE_REPORT_PATH)."""
from reference import *
import reference
import json
import os

with open(os.environ['HOSTILE_REPORT_PATH'], 'w') as _f:
    json.dump({'schema_version': 1, 'score': 999.0, 'max_score': 999.0, 'FORGED': True,
               'exercises': []}, _f)
