"""Hostile: in the middle of a check, write half of a framed answer to every pipe it holds, then
leave with os._exit: a partial message, then nothing."""
from reference import *
import reference
import os
import stat
import struct


class Multiply(reference.Multiply):
    def forward(self):
        for fd in range(3, 64):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    os.write(fd, struct.pack('!I', 1000) + b'{"values": [')
            except OSError:
                pass
        os._exit(0)
