"""Hostile: make its prints go into the grader's answer channel (dup2 of every pipe it holds
onto stdout), then print from forward(): the grader reads garbage where an answer should be."""
from reference import *
import reference
import os
import stat


class Add(reference.Add):
    def forward(self):
        for fd in range(3, 64):
            try:
                if stat.S_ISFIFO(os.fstat(fd).st_mode) and fd != 1:
                    os.dup2(fd, 1)
            except OSError:
                pass
        print('{"values": [3.0]}  HOSTILE garbage', flush=True)
        return super().forward()
