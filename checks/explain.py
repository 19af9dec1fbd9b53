"""Examples as data (JSON, for replaying) and as text (for people)."""
import math

from .graphs import Graph


def encode(case):
    """A JSON-able form of a case: Graphs become {"graph": [...]}, tuples become lists."""
    if isinstance(case, Graph):
        return {'graph': case.to_data()}
    if isinstance(case, dict):
        return {str(key): encode(value) for key, value in case.items()}
    if isinstance(case, (list, tuple)):
        return [encode(item) for item in case]
    if isinstance(case, float) and not math.isfinite(case):
        return repr(case)
    return case


def decode(data):
    """The inverse of encode (lists come back as tuples, which verify functions only read)."""
    if isinstance(data, dict):
        if set(data) == {'graph'}:
            return Graph.from_data(data['graph'])
        return {key: decode(value) for key, value in data.items()}
    if isinstance(data, list):
        return tuple(decode(item) for item in data)
    if data in ('inf', '-inf', 'nan'):
        return float(data)
    return data


def graphs_in(case, caption=''):
    """(caption, Graph) for every graph of a decoded case, in the order the case holds them:
    the order a mark's `graph` number counts in (Mismatch.marks). The caption is the key that
    leads to it ('c0', 'children[1]'), '' for a case's own 'graph'."""
    if isinstance(case, Graph):
        yield caption, case
    elif isinstance(case, dict):
        for key, item in case.items():
            yield from graphs_in(item, caption if key == 'graph' else str(key))
    elif isinstance(case, (list, tuple)):
        for k, item in enumerate(case):
            yield from graphs_in(item, f'{caption}[{k}]')


# What the plain values of some cases are, said beside them: a bare `other: []` explains nothing.
KEY_NOTES = {
    'other': "the Inputs' values for the second evaluation, in order",
    'other_inputs': "the Inputs' values for each later evaluation, in order",
    'point': "the children's values the Linear's expansion is read at",
    'own_values': "the Linear's own Parameters: each child's weight, then the bias",
    'learning_rates': 'the learning rates of those Parameters',
    'other_leaf': '(value, learning rate) of the leaf the check puts beside the Linear',
}


def explain(case, indent=''):
    """A case for people: each graph as a formula, an indented tree and its leaf values."""
    if isinstance(case, Graph):
        lines = [f'formula: {case.formula()}', 'tree:']
        lines += ['    ' + line for line in case.tree_text().splitlines()]
        return '\n'.join(indent + line for line in lines)
    if isinstance(case, dict):
        return '\n'.join(f'{indent}{key}:\n{explain(value, indent + "    ")}'
                         if _structured(value) else f'{indent}{key}: {value!r}{_note(key)}'
                         for key, value in case.items())
    if _structured(case):
        return '\n'.join(f'{indent}[{i}]\n{explain(item, indent + "    ")}'
                         for i, item in enumerate(case))
    return f'{indent}{case!r}'


def _note(key):
    return f'  # {KEY_NOTES[key]}' if key in KEY_NOTES else ''


def _structured(value):
    """Graphs, dicts, and lists holding them are shown as blocks; anything else as one repr."""
    return isinstance(value, (Graph, dict)) or (
        isinstance(value, (list, tuple)) and any(_structured(item) for item in value))
