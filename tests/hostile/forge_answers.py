"""Hostile, on the stubs: at import, find every pipe among its open descriptors and write a
well-framed answer claiming success into each; then replace the executor's own answer writer so
that every answer it sends says every value is 1.0 and no step failed."""
from reference import *
import reference
import json
import os
import stat
import struct
import sys

_forged = json.dumps({'ready': True, 'values': [], 'status': 'passed'}).encode()
for _fd in range(3, 256):
    try:
        if stat.S_ISFIFO(os.fstat(_fd).st_mode):
            os.write(_fd, struct.pack('!I', len(_forged)) + _forged)
    except OSError:
        pass

_wire = sys.modules.get('executor.wire')
if _wire is not None:
    _write = _wire.write

    def _lying_write(fd, message):
        if isinstance(message, dict) and 'error' in message:
            message = {'values': [1.0] * 8}
        elif isinstance(message, dict) and 'values' in message:
            message = {'values': [1.0 for _ in message['values']]}
        _write(fd, message)

    _wire.write = _lying_write
