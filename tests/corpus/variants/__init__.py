"""Correct implementations that differ from the reference in legitimate ways: each must score full
marks, so a check that fails one of them is wrong (a false positive), not the implementation.

Each variant is a complete package in a folder of its own here, its __init__.py docstring saying
what differs. They are never imported as `corpus.variants.<name>`: the checks reach each folder
through an executor process (`implementation()`, grading.local), as the grader does; `load()`
imports one here, under a unique top-level name (`correct_<name>`), for tests that inspect it.

`focus` names the exercises or check ids where a variant's code differs from the reference: the
quick test runs every check at the default seed, and the focus under a few more seeds. `beyond`
names the checks of a clause the design does not meet, for the reason its docstring gives: they
are left out of "passes every check", and a test asserts that they do fail.
"""
import ast
import contextlib
import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Variant:
    name: str      # its folder here
    focus: tuple   # exercises ('ex3') or check ids ('core.relu') where it differs
    beyond: tuple = ()  # check ids of a clause this design does not meet (its docstring says why)

    @property
    def folder(self):
        return HERE / self.name

    @property
    def summary(self):
        """The first line of the package's docstring (read without importing it)."""
        text = ast.get_docstring(ast.parse((self.folder / '__init__.py').read_text()))
        return text.splitlines()[0].removeprefix('Correct variant: ')

    def covers(self, check):
        return check.exercise in self.focus or check.id in self.focus


GRADIENT_CHECKS = ('core.gradients', 'core.finite_differences', 'core.training')
# Where caching meets compile(), macros, Outputs and shared nodes: a caching design is judged
# there too. (The cost at scale, ex7.linear_cost, times ladders for tens of seconds: the
# false-positive measurement runs it on every variant.)
COMBINED = ('ex4.sequences', 'ex5.sequences', 'ex7.sequences', 'ex7.output_shared')

VARIANTS = (
    Variant('dirty_flags', ('ex3',) + COMBINED),
    Variant('version_stamps', ('ex3',) + COMBINED),
    Variant('compare_children', ('ex3',) + COMBINED, beyond=('ex7.linear_cost',)),
    Variant('recursive_backward', ('ex7',) + GRADIENT_CHECKS),
    Variant('relu_one_at_zero', ('core.relu', 'ex7.gradients') + GRADIENT_CHECKS),
    Variant('sigmoid_tanh', ('core.sigmoid', 'core.sigmoid_extremes', 'core.forward')
            + GRADIENT_CHECKS),
    Variant('funcify_minimal', ('ex6',)),
    Variant('chatty', ('core.training', 'core.train_model', 'ex3.values_stay_right',
                       'ex5.output_backward')),
    Variant('helpers', ('core', 'ex3', 'ex7')),
    Variant('dataclass_student', ('core', 'ex2', 'ex3', 'ex4', 'ex5', 'ex6', 'ex7'),
            beyond=('ex7.linear_cost',)),
    Variant('numpy_softmax', ('ex5',)),
    Variant('arithmetic', ('core', 'ex2.wrong_count', 'ex4', 'ex6.unnamed_inputs')),
    Variant('compile_resets_caches', ('ex2', 'ex3') + COMBINED),
    Variant('leaf_snapshots', ('ex2', 'ex3', 'ex5', 'ex7') + GRADIENT_CHECKS),
    Variant('output_apart', ('ex2', 'ex3', 'ex4.sequences', 'ex5', 'ex7')),
)


def all_variants():
    names = [v.name for v in VARIANTS]
    assert len(names) == len(set(names)), 'variant names must be unique'
    return list(VARIANTS)


def load(variant):
    """Import the variant's folder as the package `correct_<name>` (once) and return it.

    What it prints at import (see `chatty`) is swallowed: the grader captures it too.
    """
    name = f'correct_{variant.name}'
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, variant.folder / '__init__.py', submodule_search_locations=[str(variant.folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            spec.loader.exec_module(module)
    except BaseException:
        for key in [k for k in sys.modules if k == name or k.startswith(name + '.')]:
            del sys.modules[key]
        raise
    return module


def folder_of(name):
    """The package folder of variant `name`, or of the reference for 'reference'."""
    if name == 'reference':
        import reference
        return Path(reference.__path__[0])
    return by_name(name).folder


def implementation(name):
    """An executor for variant `name` (or 'reference'), as a context manager: grading.local's
    Implementation, whose run(check) grades one check. What the code prints stays in the executor's
    bounded output (the chatty variant prints ~100,000 lines per run of the checks)."""
    from grading.local import executor_for
    return executor_for(folder_of(name))


def by_name(name):
    return next(v for v in VARIANTS if v.name == name)


def failures(name, seed, profile='quick', focus_only=False):
    """Run the checks on variant `name` (or 'reference'); each that does not pass, as text.

    focus_only: only the checks the variant covers. A plain function of plain arguments, so that
    a process pool can run it. One executor serves every check.
    """
    from checks import article_checks
    checks = article_checks()
    if name != 'reference':
        variant = by_name(name)
        checks = [c for c in checks if (variant.covers(c) or not focus_only)
                  and c.id not in variant.beyond]
    found = []
    with implementation(name) as impl:
        results = [impl.run(check, seed=seed, profile=profile) for check in checks]
    for result in results:
        if result.status != 'passed':
            found.append(f'{result.check_id} at seed {seed} ({profile}): {result.status}: '
                         f'{result.message}\n    expected {result.expected!r}, actual '
                         f'{result.actual!r}\n{result.case_text}\n{result.traceback}')
    return found
