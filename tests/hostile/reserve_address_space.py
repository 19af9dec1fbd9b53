"""Not hostile: the reference engine, with the memory profile of JAX on CPU. At import it reserves
1.5 GB of address space and never writes to it, and it keeps 256 MB it did write. The memory
limit bounds memory used, so every check passes under the default memory_mb = 1024 (an
address-space limit of 1024 MB would refuse the reservation at import)."""
import mmap

from reference import *

RESERVED = mmap.mmap(-1, 1536 * 2 ** 20)   # anonymous and untouched: no page of it is resident
USED = bytearray(256 * 2 ** 20)            # zeroed byte by byte: all of it resident
