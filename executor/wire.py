"""Framing on the executor's side: each message is a 4-byte big-endian length, then UTF-8 JSON."""
import json
import os
import struct

HEADER = struct.Struct('!I')


def read(fd):
    """The next request, or None when the grader has closed the pipe."""
    header = _read_exactly(fd, HEADER.size)
    if header is None:
        return None
    body = _read_exactly(fd, HEADER.unpack(header)[0])
    return None if body is None else json.loads(body)


def write(fd, message):
    data = json.dumps(message, separators=(',', ':')).encode('utf-8', 'surrogatepass')
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exactly(fd, n):
    chunks = []
    while n:
        chunk = os.read(fd, n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)
