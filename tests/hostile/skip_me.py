"""Hostile, on the stubs: every operation raises exceptions named like the grader's own "cannot
check", "not attempted" and "stop searching" signals, hoping they turn failures into skips and
lower the maximum."""
from reference import *
import reference


class CannotCheck(BaseException):
    def __init__(self, reason='the grader cannot check this'):
        super().__init__(reason)
        self.reason = reason


class NotAttempted(BaseException):
    pass


class _StopSearching(BaseException):
    pass


class Add(reference.Add):
    def forward(self):
        raise CannotCheck()


class Multiply(reference.Multiply):
    def forward(self):
        raise NotAttempted('Exercise 3: not attempted')


class Sigmoid(reference.Sigmoid):
    def forward(self):
        raise _StopSearching()
