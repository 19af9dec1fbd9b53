"""Hostile: at import, write one well-framed message to the grader's private results pipe that is
JSON but not a result the grader can read ({"event": "result", "result": {}})."""
from reference import *
import reference
import os
import stat
import struct

_data = b'{"event": "result", "result": {}}'
for _fd in range(3, 256):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, struct.pack('!i', len(_data)) + _data)
    except OSError:
        pass
