"""Hostile: Add.forward() returns an object equal to everything whose __float__ returns garbage."""
from reference import *
import reference


class Liar:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__

    def __float__(self):
        return 'garbage'

    def __repr__(self):
        return 'Liar()'


class Add(reference.Add):
    def forward(self):
        return Liar()
