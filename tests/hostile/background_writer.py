"""Hostile (POSIX): at import, start a background process that waits until the grader's report
exists, then overwrites it with a forged full-marks one. The test passes the report's path in
HOSTILE_REPORT_PATH and a file for the background pids in HOSTILE_PID_FILE; with
HOSTILE_NEW_SESSION=1 the background process also leaves the grader's process group (setsid)."""
from reference import *
import reference
import os
import subprocess
import sys

_WRITER = '''
import json, os, sys, time
path, deadline = sys.argv[1], time.monotonic() + 30
while not os.path.exists(path) and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(0.2)
with open(path, 'w') as f:
    json.dump({"schema_version": 1, "score": 999.0, "max_score": 999.0, "FORGED": True,
               "exercises": []}, f)
'''

_writer = subprocess.Popen([sys.executable, '-c', _WRITER, os.environ['HOSTILE_REPORT_PATH']],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL,
                           start_new_session=os.environ.get('HOSTILE_NEW_SESSION') == '1')
with open(os.environ['HOSTILE_PID_FILE'], 'a') as _f:
    _f.write(f'{_writer.pid}\n')
