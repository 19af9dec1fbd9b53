"""Hostile: the first time Add.forward() runs, fork as many sleeping processes as it can (each
also allocating memory), then carry on as the reference. They must all be gone when the grader
is done: each carries the run's token (_params.json "token") in its process title argument, so
the test can look for them."""
from reference import *
import reference
import json
import os
import sys
import time

with open(os.path.join(os.path.dirname(__file__), '_params.json')) as _f:
    _TOKEN = json.load(_f).get('token', '')

_started = []


class Add(reference.Add):
    def forward(self):
        if not _started:
            for _ in range(400):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    try:
                        os.execv(sys.executable, [sys.executable, '-c',
                                                  'import time; h = bytearray(64 << 20); '
                                                  'time.sleep(600)', _TOKEN])
                    finally:
                        os._exit(0)
                _started.append(pid)
            print(f'HOSTILE forked {len(_started)}')
        return super().forward()
