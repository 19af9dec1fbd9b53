"""Hostile: at import, make checks.compare.check_value (the value comparison) a no-op."""
from reference import *
import reference
import checks.compare

checks.compare.check_value = lambda what, actual, *args, **kwargs: actual
