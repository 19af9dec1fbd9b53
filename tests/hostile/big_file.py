"""Hostile: the first time Add.forward() runs, write a 512 MB file into the working folder."""
from reference import *
import reference


class Add(reference.Add):
    def forward(self):
        with open('hoard.bin', 'wb') as f:
            for _ in range(512):
                f.write(b'\0' * 2 ** 20)
        return super().forward()
