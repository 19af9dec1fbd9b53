"""Grading a Jupyter notebook: its code cells, in order, as one module (`--impl solution.ipynb`).

Runs on the trusted side and executes nothing: the notebook is read as plain JSON (nbformat 4)
and written out as a .py file in a scratch folder, which is then graded like any `--impl FILE.py`.
What IPython understands and Python does not is dropped, line for line (so a cell's line numbers
stay the student's):
  * shell lines (`!pip install ...`, `files = !ls`), line magics (`%matplotlib inline`) and help
    lines (`?obj`, `obj??`) become `pass`;
  * a cell magic's first line (`%%time`) becomes a comment, and its body is kept when it runs as
    ordinary Python in the notebook's namespace (%%time, %%capture, %%prun: what it defines stays
    defined); any other cell magic (%%timeit, %%bash, %%writefile, %%html, ...) drops the cell;
  * markdown and raw cells, and empty code cells, are skipped.
The line map leads every line of the generated file back to its cell, so that tracebacks and
syntax errors in reports say "cell 4 (the 3rd code cell), line 2" (`name_cells`).
"""
import atexit
import json
import re
import tempfile
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path

from .neutral import inert
from .submission import SUBMISSION_MAX_BYTES, remove_tree

KEPT_CELL_MAGICS = ('time', 'capture', 'prun')
_IPYTHON_LINE = re.compile(r'\s*([!%?]|[\w.]+\?\??\s*$|[A-Za-z_][\w.,\s]*=\s*[!%])')


class NotebookError(Exception):
    """The file is not a notebook this grader can read (the message says why)."""


@dataclass
class Module:
    text: str
    places: list     # for line i+1 of `text`: (cell label, line in the cell), or None


def read_cells(path):
    """[(cell number, code cell number or None, source)] of the notebook at `path`."""
    name = inert(Path(path).name)
    if Path(path).stat().st_size > SUBMISSION_MAX_BYTES:
        raise NotebookError(f'{name} is larger than {SUBMISSION_MAX_BYTES // 2 ** 20} MB')
    try:
        data = json.loads(Path(path).read_bytes().decode('utf-8'))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise NotebookError(f'{name} is not a notebook: it is not valid JSON '
                            f'({inert(type(error).__name__)})') from None
    if not isinstance(data, dict) or data.get('nbformat') != 4 or \
            not isinstance(data.get('cells'), list):
        found = data.get('nbformat') if isinstance(data, dict) else None
        raise NotebookError(f'{name} is not a notebook in nbformat 4 (the format Jupyter and '
                            f'Colab save; nbformat: {inert(found)}): open it in Jupyter and '
                            'save it again, or hand in a .py file')
    _check_language(data, name)
    return list(_cells(data['cells'], name))


def _check_language(data, name):
    metadata = data.get('metadata') if isinstance(data.get('metadata'), dict) else {}
    info = metadata.get('language_info') if isinstance(metadata.get('language_info'), dict) else {}
    language = info.get('name', 'python')
    if isinstance(language, str) and language.lower() != 'python':
        raise NotebookError(f'{name} is a notebook in {inert(language)}, not Python')


def _cells(cells, name):
    code_number = 0
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or not isinstance(cell.get('cell_type'), str):
            raise NotebookError(f'{name}: cell {number} is not a notebook cell')
        source = cell.get('source', '')
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = ''.join(source)
        if not isinstance(source, str):
            raise NotebookError(f'{name}: the source of cell {number} is neither a string nor '
                                'a list of strings')
        if cell['cell_type'] == 'code':
            code_number += 1
            yield number, code_number, source


def cell_label(number, code_number):
    """How reports name a cell: as counted from the top, and among code cells."""
    return f'cell {number}' if number == code_number else \
        f'cell {number} (the {_ordinal(code_number)} code cell)'


def _ordinal(n):
    suffix = 'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')
    return f'{n}{suffix}'


def python_lines(source):
    """The cell's lines as Python, one for one: IPython-only lines replaced (module docstring).
    None when the cell is a cell magic whose body is not Python run in the namespace."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith('%%'):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in KEPT_CELL_MAGICS:
            return None
        return ['# ' + lines[0].lstrip()] + python_lines('\n'.join(lines[1:]))
    starts = statement_starts(lines)
    return [_replacement(line) if start and _IPYTHON_LINE.match(line) else line
            for line, start in zip(lines, starts)]


def _replacement(line):
    indent = line[:len(line) - len(line.lstrip())]
    return f'{indent}pass  # an IPython line, dropped'


def statement_starts(lines):
    """For each line: does a statement start there (not inside a string, brackets or after a
    backslash)? Only there can a line be IPython's."""
    starts, quote, depth, continued = [], None, 0, False
    for line in lines:
        starts.append(quote is None and depth == 0 and not continued)
        continued = False
        i = 0
        while i < len(line):
            if quote:
                if line[i] == '\\':
                    i += 2
                    continue
                if line.startswith(quote, i):
                    i, quote = i + len(quote), None
                    continue
            elif line[i] == '#':
                break
            elif line.startswith(('"""', "'''"), i):
                quote, i = line[i:i + 3], i + 3
                continue
            elif line[i] in '"\'':
                quote = line[i]
            elif line[i] in '([{':
                depth += 1
            elif line[i] in ')]}':
                depth = max(0, depth - 1)
            i += 1
        if quote in ('"', "'"):
            quote = None   # a one-quote string ends with its line (or is an error Python reports)
        continued = line.rstrip().endswith('\\') and quote is None
    return starts


def to_module(cells, title):
    """One module from [(label, source)]: the cells in order, each under a comment naming it."""
    lines, places = [f'# {title}: its code cells, in order (generated by the grader)'], [None]
    for label, source in cells:
        body = python_lines(source)
        if body is None or not ''.join(body).strip():
            continue
        lines += ['', f'# --- {label} ---']
        places += [None, None]
        for number, line in enumerate(body, 1):
            lines.append(line)
            places.append((label, number))
    return Module('\n'.join(lines) + '\n', places)


def notebook_module(path):
    """The notebook at `path` as a Module (raises NotebookError)."""
    cells = [(cell_label(n, c), source) for n, c, source in read_cells(path)]
    return to_module(cells, f'The notebook {Path(path).name}'.replace('\n', ' '))


# Generated file -> (the notebook's path, its line map), for name_cells in this process.
_CONVERTED = {}


def convert(path):
    """Write the notebook at `path` as a .py file in a scratch folder removed at exit; returns
    the file's path. Its name is the notebook's (as an identifier), the module it is graded as."""
    module = notebook_module(path)
    scratch = tempfile.mkdtemp(prefix='grader-notebook-')
    atexit.register(remove_tree, scratch)
    stem = re.sub(r'\W', '_', Path(path).stem, flags=re.ASCII) or 'notebook'
    generated = Path(scratch) / f'{"_" + stem if stem[0].isdigit() else stem}.py'
    generated.write_text(module.text, encoding='utf-8')
    _CONVERTED[str(generated)] = (str(Path(path).resolve()), module.places)
    return str(generated)


def notebook_target(candidate, impl, adapter_spec):
    """The loader's Target for `--impl NOTEBOOK.ipynb`: the generated file, graded as a file,
    under the notebook's name. Raises UsageError when there is no such notebook or it cannot
    be read."""
    from .loader import Target, UsageError, _module_name
    if not Path(candidate).is_file():
        raise UsageError(f'--impl {impl}: there is no such file.')
    try:
        generated = convert(candidate)
    except (NotebookError, OSError) as error:
        raise UsageError(f'--impl {inert(impl)}: {error}') from None
    return Target('file', _module_name(Path(generated).stem), generated, *adapter_spec,
                  notebook=str(Path(candidate).resolve()))


def relocate(text, generated, shown, places):
    """`text` (a traceback, an error message) with every place in the generated file named as
    the notebook's cell and line instead, and the file itself as `shown`."""
    path = re.escape(str(generated))

    def cell_line(match):
        number = int(match.group(3))
        place = places[number - 1] if 0 < number <= len(places) else None
        where = f'{place[0]}, line {place[1]}' if place else f'line {number}'
        return f'{match.group(1) or ""}{shown}{match.group(2)}, {where}'

    text = re.sub(rf'(File ")?{path}("?), line (\d+)', cell_line, text)
    return text.replace(str(generated), shown)


def name_cells(report, target):
    """The report of a notebook's generated file, with cells and the notebook named instead of
    the generated file and its lines; any other report as it is."""
    places = _CONVERTED.get(str(target.path), ('', None))[1]
    if not target.notebook or places is None:
        return report
    return relocate_report(report, target.path, target.label, places)


def relocate_report(report, generated, shown, places):
    """Every string in `report` (a dataclass tree) relocated, in place; returns it."""
    def walk(value):
        if isinstance(value, str):
            return inert(relocate(value, generated, shown, places))
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if is_dataclass(value):
            for f in fields(value):
                setattr(value, f.name, walk(getattr(value, f.name)))
        return value
    return walk(report)
