"""Linux Landlock: a process gives up writing anywhere but one folder, for itself and everything
it starts. Used in sandbox mode user, which has no mount namespace: without it the executor could
write where every user may (/tmp, /var/tmp, /dev/shm). Reading is left alone (Python needs it).
Landlock needs no privilege; where the kernel lacks it (before 5.13, or disabled) nothing happens
and `available()` says so.
"""
import ctypes
import os
import struct
import sys

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446   # the same number on every architecture
RULESET_VERSION = 1
RULE_PATH_BENEATH = 1
# Access rights to files (ABI 1, 2, 3): everything that writes, creates, removes, renames,
# links or truncates. Not handled, so still allowed: execute, read a file, read a folder.
WRITE_FILE, REMOVE_DIR, REMOVE_FILE = 1 << 1, 1 << 4, 1 << 5
MAKE = sum(1 << bit for bit in range(6, 13))   # char, dir, reg, sock, fifo, block, sym
REFER, TRUNCATE = 1 << 13, 1 << 14


def _libc():
    if not sys.platform.startswith('linux'):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return libc


def available():
    """The kernel's Landlock ABI version, or 0 when it has none."""
    libc = _libc()
    if libc is None:
        return 0
    version = libc.syscall(CREATE_RULESET, None, ctypes.c_size_t(0),
                           ctypes.c_uint32(RULESET_VERSION))
    return max(0, version)


def write_only_in(folder):
    """From now on this process (and what it starts) may write, create or remove files only in
    `folder`. Returns False, changing nothing, where Landlock is missing."""
    libc, abi = _libc(), available()
    if not abi:
        return False
    handled = WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE
    handled |= REFER if abi >= 2 else 0
    handled |= TRUNCATE if abi >= 3 else 0
    attr = ctypes.create_string_buffer(struct.pack('=Q', handled))
    ruleset = libc.syscall(CREATE_RULESET, attr, ctypes.c_size_t(8), ctypes.c_uint32(0))
    if ruleset < 0:
        return False
    # The folder, and /dev/null (subprocess.DEVNULL and friends open it for writing).
    rules = [(folder, handled), ('/dev/null', WRITE_FILE | (TRUNCATE if abi >= 3 else 0))]
    try:
        for path, rights in rules:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = ctypes.create_string_buffer(struct.pack('=Qi', rights, fd))
                if libc.syscall(ADD_RULE, ctypes.c_int(ruleset),
                                ctypes.c_int(RULE_PATH_BENEATH), rule, ctypes.c_uint32(0)) < 0:
                    return False
            finally:
                os.close(fd)
        libc.prctl(38, 1, 0, 0, 0)   # PR_SET_NO_NEW_PRIVS: required to restrict oneself
        return libc.syscall(RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) == 0
    finally:
        os.close(ruleset)
