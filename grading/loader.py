"""Finding what is graded: a package folder, a .py file, a module name, or an adapter.

`resolve` runs in the grader's own process and only looks at the file system: it never imports
student code (executor/loader.py does that, in the executor). `spec_of` decides what the target is
graded on, reading an adapter's declarations from its source.
"""
import importlib.util
import os
import re
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from checks.adapters import SpecError, article_spec, read_spec
from checks.adapters.limits import read_limits
from checks.adapters.convention import find_value_class, value_spec

BUILT_IN = {'value': 'the micrograd convention: a class Value with .data, .grad, backward() and '
                     'operators (docs/adapters.md)'}


class UsageError(Exception):
    """The command line names something that is not there: exit code 2, with what to type."""


@dataclass(frozen=True)
class Target:
    kind: str        # 'package', 'file' or 'module'
    name: str        # the module name it is imported under
    path: str        # the folder or file ('' for an installed module)
    adapter_file: str = ''   # a user-written adapter (--adapter FILE[:CLASS]), if any
    adapter_class: str = ''
    convention: str = ''     # 'value': a micrograd-style Value class, graded without adapter code
    notebook: str = ''       # the .ipynb handed in, when `path` is the file generated from it

    @property
    def label(self):
        return self.notebook or self.path or self.name

    @property
    def source_paths(self):
        return (self.path,) if self.path else ()


def resolve(impl, adapter=None, base=None):
    """What --impl (and --adapter) designate, checked on disk; raises UsageError."""
    base = Path(base or os.getcwd())
    adapter_spec = ('', '')
    if adapter in BUILT_IN and not (base / adapter).is_file():
        return _with_convention(resolve(impl, None, base), adapter, impl)
    if adapter:
        file, _, cls = adapter.rpartition(':') if re.search(r':\w+$', adapter) else (adapter, '', '')
        if not (base / file).is_file():
            raise UsageError(f'--adapter {adapter}: there is no file {file!r}. Give the path of a '
                             'Python file defining an Adapter subclass, e.g. '
                             '--adapter my_adapter.py:MyAdapter')
        adapter_spec = (str((base / file).resolve()), cls)
        if impl is None:
            return Target('adapter', 'user_adapter', adapter_spec[0], *adapter_spec)
    candidate = (base / impl)
    if candidate.is_dir():
        if not (candidate / '__init__.py').is_file():
            raise UsageError(f'--impl {impl}: the folder has no __init__.py, so it is not a '
                             'package. Point --impl at your package folder (e.g. exercises) or '
                             'at a single .py file.')
        return _detected(Target('package', _module_name(candidate.name),
                                str(candidate.resolve()), *adapter_spec))
    if impl.endswith('.ipynb'):
        from .notebook import notebook_target
        return _detected(notebook_target(candidate, impl, adapter_spec))
    if impl.endswith('.py'):
        if not candidate.is_file():
            raise UsageError(f'--impl {impl}: there is no such file.')
        return _detected(Target('file', _module_name(candidate.stem), str(candidate.resolve()),
                                *adapter_spec))
    if re.fullmatch(r'[A-Za-z_][\w.]*', impl):
        _check_module_name(impl)
        return _detected(Target('module', impl, '', *adapter_spec))
    raise UsageError(f'--impl {impl}: not a folder, a .py file or a module name.')


GRADER_PACKAGES = ('checks', 'grading', 'executor', 'grader', 'adapters')
ASK_FOR_AN_IMPLEMENTATION = ('Give your package folder (e.g. exercises), a .py file, or the name '
                             'of an installed module that holds your implementation.')


def _check_module_name(impl):
    """An installed module --impl may name: not the running program, Python's standard library
    or the grader itself, which no student wrote (grading them only fails every check)."""
    top = impl.split('.')[0]
    if top == '__main__':
        raise UsageError(f'--impl {impl}: that is the name of the program running, not an '
                         f'implementation. {ASK_FOR_AN_IMPLEMENTATION}')
    if top in sys.stdlib_module_names:
        raise UsageError(f"--impl {impl}: that is a module of Python's standard library, not an "
                         f'implementation, and no folder or file of that name is here. '
                         f'{ASK_FOR_AN_IMPLEMENTATION}')
    if top in GRADER_PACKAGES:
        raise UsageError(f"--impl {impl}: that is the grader's own code, not an implementation. "
                         f'{ASK_FOR_AN_IMPLEMENTATION}')
    try:
        found = importlib.util.find_spec(top)
    except (ImportError, ValueError):   # a module in sys.modules without a spec, for one
        found = None
    if found is None:
        raise UsageError(f'--impl {impl}: no folder, file or installed module has that name. '
                         'Give a package folder, a .py file, or an importable module name.')


def _detected(target):
    """A file or package without an adapter that defines a class Value and not the article's
    classes is a micrograd-style engine: graded by the Value convention."""
    source = _source(target)
    found = None if target.adapter_file or not source else find_value_class(source)
    return target if found is None else replace(target, convention='value',
                                                 adapter_class=found[0])


def _source(target):
    """Where the target's source is read from: its path, or an installed top-level module's
    folder or file, found without importing it (a dotted name would import its parent)."""
    if target.kind != 'module':
        return target.path
    if '.' in target.name:
        return ''
    spec = importlib.util.find_spec(target.name)
    if spec is None:
        return ''
    if spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    return spec.origin if spec.origin and spec.origin.endswith('.py') else ''


def _with_convention(target, convention, impl):
    if impl is None:
        raise UsageError(f'--adapter {convention} grades the engine --impl names: give --impl '
                         'FILE.py or a package folder holding its class Value')
    if not _source(target):
        raise UsageError(f'--adapter {convention} reads the engine\'s source: give --impl the '
                         'path of its .py file or package folder, or an installed top-level '
                         'module')
    found = find_value_class(_source(target))
    return replace(target, convention=convention, adapter_class=found[0] if found else '')


def _module_name(text):
    """The name to import a submission under: its own, unless that would shadow a module the
    grader or Python needs (a submission called json.py or checks/), then a private one."""
    name = re.sub(r'\W', '_', text)
    name = name if not name[0].isdigit() else '_' + name
    reserved = set(sys.stdlib_module_names) | {'checks', 'grading', 'grader', 'hypothesis',
                                                'numpy', 'pytest', 'tomli'}
    return f'_student_{name}' if name in reserved or name in sys.modules else name


def spec_of(target):
    """The AdapterSpec `target` is graded on: the article API, or what its adapter declares."""
    try:
        if target.convention == 'value':
            return value_spec(_source(target))
    except SpecError as error:
        raise UsageError(str(error)) from None
    if not target.adapter_file:
        return article_spec(target.label)
    try:
        return read_spec(target.adapter_file, target.adapter_class)
    except SpecError as error:
        raise UsageError(str(error)) from None


def adapter_limits(target, spec):
    """{limit: value} the adapter of `target` asks for in its source ({} without an adapter)."""
    if not target.adapter_file:
        return {}
    try:
        return read_limits(target.adapter_file, spec.class_name)
    except SpecError as error:
        raise UsageError(str(error)) from None


def as_data(target, spec):
    """The target as the executor needs it, with the adapter class the grader chose."""
    return dict(asdict(target), adapter_class=spec.class_name)
