"""Hostile (POSIX): at import, start a background process that waits until the grader's report
exists, then overwrites it with a forged full-marks one (for 30 s, whatever happens to its
parent). Its command line carries the run's token (_params.json: "token") so that the test can
find it; with "new_session" it also leaves its process group (setsid)."""
from reference import *
import reference
import json
import os
import subprocess
import sys

_WRITER = '''
import json, os, sys, time
path, deadline = sys.argv[1], time.monotonic() + 30
while not os.path.exists(path) and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(0.2)
while time.monotonic() < deadline:
    try:
        with open(path, 'w') as f:
            json.dump({"schema_version": 1, "score": 999.0, "max_score": 999.0, "FORGED": True,
                       "exercises": []}, f)
    except OSError:
        pass
    time.sleep(0.5)
'''

with open(os.path.join(os.path.dirname(__file__), '_params.json')) as _f:
    _params = json.load(_f)
_writer = subprocess.Popen([sys.executable, '-c', _WRITER, _params['report'], _params['token']],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL,
                           start_new_session=bool(_params.get('new_session')))
print(f'HOSTILE started {_writer.pid}')
