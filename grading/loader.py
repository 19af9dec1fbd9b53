"""Finding and importing what is graded: a package folder, a .py file, a module name, or an adapter.

`resolve` runs in the grader's own process and only looks at the file system (it never imports
student code); `load` runs in the isolated child and imports it, turning every way an import can
fail into a LoadError that says which file and line to fix.
"""
import importlib
import inspect
import importlib.util
import os
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path


class UsageError(Exception):
    """The command line names something that is not there: exit code 2, with what to type."""


class LoadError(Exception):
    """The implementation could not be imported; the message says where and why."""


@dataclass(frozen=True)
class Target:
    kind: str        # 'package', 'file' or 'module'
    name: str        # the module name it is imported under
    path: str        # the folder or file ('' for an installed module)
    adapter_file: str = ''   # a user-written adapter (--adapter FILE[:CLASS]), if any
    adapter_class: str = ''

    @property
    def label(self):
        return self.path or self.name

    @property
    def source_paths(self):
        return (self.path,) if self.path else ()


def resolve(impl, adapter=None, base=None):
    """What --impl (and --adapter) designate, checked on disk; raises UsageError."""
    base = Path(base or os.getcwd())
    adapter_spec = ('', '')
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
        return Target('package', _module_name(candidate.name), str(candidate.resolve()),
                      *adapter_spec)
    if impl.endswith('.py'):
        if not candidate.is_file():
            raise UsageError(f'--impl {impl}: there is no such file.')
        return Target('file', _module_name(candidate.stem), str(candidate.resolve()), *adapter_spec)
    if re.fullmatch(r'[A-Za-z_][\w.]*', impl):
        if importlib.util.find_spec(impl.split('.')[0]) is None:
            raise UsageError(f'--impl {impl}: no folder, file or installed module has that name. '
                             'Give a package folder, a .py file, or an importable module name.')
        return Target('module', impl, '', *adapter_spec)
    raise UsageError(f'--impl {impl}: not a folder, a .py file or a module name.')


def _module_name(text):
    """The name to import a submission under: its own, unless that would shadow a module the
    grader or Python needs (a submission called json.py or checks/), then a private one."""
    name = re.sub(r'\W', '_', text)
    name = name if not name[0].isdigit() else '_' + name
    reserved = set(sys.stdlib_module_names) | {'checks', 'grading', 'grader', 'hypothesis',
                                                'numpy', 'pytest', 'tomli'}
    return f'_student_{name}' if name in reserved or name in sys.modules else name


def load(target):
    """Import the implementation (in the child process): its module, or LoadError."""
    try:
        if target.kind == 'adapter':
            return None  # the adapter imports what it drives
        if target.kind == 'module':
            return importlib.import_module(target.name)
        path = Path(target.path)
        location = path / '__init__.py' if target.kind == 'package' else path
        search = [str(path)] if target.kind == 'package' else None
        spec = importlib.util.spec_from_file_location(target.name, location,
                                                      submodule_search_locations=search)
        module = importlib.util.module_from_spec(spec)
        sys.modules[target.name] = module
        spec.loader.exec_module(module)
        return module
    except SyntaxError as error:
        raise LoadError(f'SyntaxError in {error.filename}, line {error.lineno}: {error.msg}'
                        + (f'\n    {error.text.rstrip()}' if error.text else '')) from None
    except SystemExit as error:
        raise LoadError(f'importing {target.label} called sys.exit({error.code!r})') from None
    except BaseException as error:  # noqa: B902 - any failure of student code is reported
        if isinstance(error, KeyboardInterrupt):
            raise
        raise LoadError(f'importing {target.label} raised {type(error).__name__}: {error}\n'
                        + _own_frames(error, target)) from None


def _own_frames(error, target):
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if target.path and f.filename.startswith(target.path)]
    return ''.join(traceback.format_list(frames[-5:])).rstrip()


def make_adapter(target, module):
    """The adapter the checks use: the article API by default, or the user's --adapter class."""
    from checks.adapters import Adapter, ArticleAdapter
    if not target.adapter_file:
        return ArticleAdapter(module, name=target.label, source_paths=target.source_paths)
    spec = importlib.util.spec_from_file_location('user_adapter', target.adapter_file)
    adapter_module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(adapter_module)
    except BaseException as error:  # noqa: B902 - reported, never raised at the user
        if isinstance(error, KeyboardInterrupt):
            raise
        raise LoadError(f'the adapter {target.adapter_file} failed to import: '
                        f'{type(error).__name__}: {error}') from None
    classes = [c for c in vars(adapter_module).values()
               if isinstance(c, type) and issubclass(c, Adapter)
               and c not in (Adapter, ArticleAdapter) and c.__module__ == 'user_adapter']
    if target.adapter_class:
        classes = [c for c in classes if c.__name__ == target.adapter_class]
    if len(classes) != 1:
        raise LoadError(f'the adapter file {target.adapter_file} must define exactly one Adapter '
                        f'subclass{" named " + target.adapter_class if target.adapter_class else ""}'
                        f' (found {len(classes)}): name it with --adapter FILE:CLASS')
    takes_module = len(inspect.signature(classes[0]).parameters) >= 1
    return classes[0](module) if takes_module else classes[0]()
