"""Hostile: Sigmoid.forward() dereferences a null pointer (SIGSEGV)."""
from reference import *
import reference
import ctypes


class Sigmoid(reference.Sigmoid):
    def forward(self):
        return ctypes.string_at(0)
