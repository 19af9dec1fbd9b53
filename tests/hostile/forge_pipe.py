"""Hostile: at import, find every pipe among the open file descriptors and send, in the old
grader's framing and the new one's, a 'passed' result for every check, then 'done', then a
greeting and answers: whatever the grader's channel looks like, something forged arrives first."""
from reference import *
import reference
import json
import os
import stat
import struct

_CHECKS = ('core.add', 'ex1.by_hand', 'ex2.compile_returns_root', 'ex6.article_example')
_MESSAGES = [{'event': 'result', 'result': {'check_id': c, 'exercise': c.split('.')[0],
                                            'status': 'passed', 'points': 9, 'max_points': 9,
                                            'message': 'FORGED'}} for c in _CHECKS]
_MESSAGES += [{'event': 'done'}, {'ready': 'FORGED', 'status': 'passed'}, {'values': [1.0]}]
for _fd in range(3, 256):
    try:
        if not stat.S_ISFIFO(os.fstat(_fd).st_mode):
            continue
        for _message in _MESSAGES:
            _data = json.dumps(_message).encode()
            os.write(_fd, struct.pack('!I', len(_data)) + _data)
    except OSError:
        continue
