"""Hostile: Add.forward() raises, and prints, text that would clear a terminal and draw a fake
total, with a lone surrogate and U+FFFF that break XML writers, and a forged CI annotation."""
from reference import *
import reference

NASTY = ('\x1b[2J\x1b[H\x1b[32mTotal: 75/75\x1b[0m \udc80 \uffff \u202e evil\r\n'
         '::notice title=Score::75/75\n')


class Add(reference.Add):
    def forward(self):
        print(NASTY)
        raise ValueError(NASTY)
