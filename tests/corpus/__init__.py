"""The bug corpus: small, realistic variations of the reference, each labelled with what must fail.

A bug is a text replacement in one file of reference/ (the old text must occur exactly once, so
a change to the reference that would silently defuse a bug fails loudly instead). `write_variant`
writes the patched copy as a package of its own, for an executor to import (grading.local);
`make_variant` also imports it here, for tools that still drive it in this process.
"""
import importlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / 'reference'


@dataclass(frozen=True)
class Bug:
    name: str              # a Python identifier, unique in the corpus
    exercise: str          # the exercise that must lose points
    check: str             # the check that must fail (None: any check of the exercise)
    why: str               # the mistake it models, in a student's words
    edits: tuple           # (file in reference/, old text, new text), applied in order


def all_bugs():
    from . import (bugs_combined, bugs_core, bugs_ex1_ex2_ex4, bugs_ex3, bugs_ex5_ex6, bugs_ex7,
                   bugs_extra, bugs_mutation)
    found = []
    for module in (bugs_core, bugs_ex1_ex2_ex4, bugs_ex3, bugs_ex5_ex6, bugs_ex7, bugs_extra,
                   bugs_mutation, bugs_combined):
        found.extend(module.BUGS)
    names = [bug.name for bug in found]
    assert len(names) == len(set(names)), 'bug names must be unique'
    return found


def write_variant(bug, directory):
    """Copy reference/ to directory/variant_<name>/, apply the edits, and return that folder."""
    return edited_copy(Path(directory) / f'variant_{bug.name}', bug.edits, bug.name)


def edited_copy(target, edits=(), name='the copy'):
    """reference/ copied to `target` (replaced if there), each edit (file, old, new) applied to
    the one place `old` occurs; returns `target`."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REFERENCE, target, ignore=shutil.ignore_patterns('__pycache__'))
    for file, old, new in edits:
        path = target / file
        text = path.read_text()
        count = text.count(old)
        if count != 1:
            raise AssertionError(f'{name}: {old!r} occurs {count} times in reference/{file}')
        path.write_text(text.replace(old, new))
    return target


def make_variant(bug, directory):
    """write_variant, then import the package in this process and return it."""
    package = write_variant(bug, directory).name
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    sys.modules.pop(package, None)
    for name in [m for m in sys.modules if m.startswith(package + '.')]:
        del sys.modules[name]
    importlib.invalidate_caches()
    return importlib.import_module(package)
