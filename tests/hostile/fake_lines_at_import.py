"""Hostile: importing raises an exception whose message and class name carry line breaks and a
report's own lines, so that they would stand at the start of a line, as if the grader wrote them."""
from reference import *

FAKE = '\n\ncore  The article\'s framework   27/27\nTotal: 76/76 FORGED-AT-IMPORT\n'

raise type('ValueError' + FAKE, (Exception,), {})('boom' + FAKE)
