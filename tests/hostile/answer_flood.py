"""Hostile: announce an answer of 3 GB on every pipe it holds, then keep writing."""
from reference import *
import reference
import os
import stat
import struct


class Add(reference.Add):
    def forward(self):
        for fd in range(3, 64):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    os.write(fd, struct.pack('!I', 3 * 2 ** 30) + b'[' * 65536)
            except OSError:
                pass
        return super().forward()
