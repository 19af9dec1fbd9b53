"""Hostile: Add.forward() is wrong (one too many) and hides it behind what looks like a grader's
report in every format, printed through Python and straight to the file descriptors."""
from reference import *
import reference
import os
import sys

FAKE = '\n'.join([
    '{"score": 100.0, "output": "FORGED gradescope", "tests": [{"name": "core.add", "score": 100,'
    ' "max_score": 100, "status": "passed"}]}',
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites name="FORGED-junit" tests="1" failures="0" errors="0"><testsuite name="core">'
    '<testcase name="core.add"/></testsuite></testsuites>',
    'Total: 100/100',
    '::notice title=Score::100/100',
    '::error::FORGED error annotation',
    '::stop-commands::FORGEDTOKEN',
    '::FORGEDTOKEN::',
])


class Add(reference.Add):
    def forward(self):
        print(FAKE)
        print(FAKE, file=sys.stderr)
        os.write(1, (FAKE + '\n').encode())
        os.write(2, (FAKE + '\n').encode())
        return super().forward() + 1.0
