"""The executor's interpreter (executor/steps.py) and its answers, run in this process: what it
sends back for each kind of step, how it describes an exception, and that what it sends is only
data (numbers, strings, lists, handles)."""
import json
import math

import pytest

import reference
from executor import wire
from executor.adapters import ArticleAdapter
from executor.steps import Interpreter
from executor.values import MAX_STRING

GRAPH = [{'kind': 'param', 'value': 2.0, 'lr': 0.5}, {'kind': 'input', 'value': 3.0, 'name': 'x'},
         {'kind': 'mul', 'operands': [0, 1]}]


@pytest.fixture
def interpreter():
    interpreter = Interpreter(ArticleAdapter(reference), source_paths=[reference.__path__[0]])
    yield interpreter
    interpreter.reset()   # no count left wrapped around the reference's classes


def ask(interpreter, steps, fetch=(), reset=True):
    """One request, through JSON both ways, as the channel carries it."""
    request = json.loads(json.dumps({'steps': steps, 'fetch': list(fetch), 'reset': reset}))
    return json.loads(json.dumps(interpreter.answer(request)))


def test_build_then_forward_backward_and_values_in_one_request(interpreter):
    answer = ask(interpreter, [['build', 1, GRAPH], ['method', 4, {'$': 3}, 'forward', [], {}],
                               ['method', 5, {'$': 3}, 'backward', [1.5], {}],
                               ['get', 6, {'$': 1}, 'value']], fetch=[4, 6])
    assert answer == {'values': [6.0, 2.0 - 0.5 * 1.5 * 3.0]}


def test_objects_come_back_as_handles_with_their_type_and_identity(interpreter):
    answer = ask(interpreter, [['build', 1, GRAPH], ['method', 4, {'$': 3}, 'compile', [], {}],
                               ['get', 5, {'$': 3}, 'children']], fetch=[3, 4, 5])
    root, compiled, children = answer['values']
    assert root == {'$': 3, 't': 'Multiply'}
    assert compiled == root   # compile() returned the root itself: the same identity
    assert children == [{'$': 1, 't': 'Parameter'}, {'$': 2, 't': 'Input'}]


def test_values_are_plain_data_whatever_the_object(interpreter):
    class Lying(float):
        def __float__(self):
            return 0.0

        def __repr__(self):
            return 'lies'
    interpreter.objects.store(7, Lying(2.5))
    interpreter.objects.store(8, [math.nan, math.inf, 10 ** 400, 'x' * (MAX_STRING + 5), (1, 2)])
    interpreter.objects.store(9, object())
    answer = ask(interpreter, [], fetch=[7, 8, 9], reset=False)
    lying, mixed, other = answer['values']
    assert lying == 2.5   # the float it is, not what its __float__ says
    assert mixed[:3] == [{'float': 'nan'}, {'float': 'inf'}, {'int': 'too large'}]
    assert mixed[3] == {'str': 'x' * MAX_STRING, 'cut': MAX_STRING + 5}
    assert mixed[4] == [1, 2]
    assert other['t'] == 'object' and isinstance(other['$'], int)


def test_an_exception_is_described_with_the_students_frames_only(interpreter):
    answer = ask(interpreter, [['build', 1, GRAPH],
                               ['method', 4, {'$': 3}, 'predict', [[1.0, 2.0]], {}],
                               ['get', 5, {'$': 1}, 'value']], fetch=[5])
    assert answer['step'] == 1
    assert answer['values'] == [{'missing': True}]   # its step came after the failing one
    error = answer['error']
    assert error['type'] == 'ValueError' and 'ValueError' in error['mro']
    assert 'expected 1 input values' in error['message'] and 'got 2' in error['message']
    assert 'reference/nodes.py' in error['traceback'] and 'executor' not in error['traceback']


def test_a_missing_name_and_a_missing_handle_are_described_not_raised(interpreter):
    answer = ask(interpreter, [['get', 1, {'$': 0}, 'Nonesuch']])
    assert answer['error']['type'] == 'AttributeError' and answer['step'] == 0
    answer = ask(interpreter, [['get', 1, {'$': 99}, 'value']])
    assert answer['error']['type'] == 'LookupError'


def test_counting_calls_and_stopping_on_a_limit(interpreter):
    answer = ask(interpreter, [['build', 1, GRAPH], ['type', 4, {'$': 3}],
                               ['count', 5, [{'$': 4}], 'op', None, False],
                               ['method', 6, {'$': 3}, 'forward', [], {}],
                               ['get', 7, {'$': 1}, 'value'],
                               ['counts', 8, {'$': 5}], ['uncount', 9, {'$': 5}]], fetch=[8])
    assert answer['values'] == [[[3, 1]]]   # one op() call, on the root (handle 3)
    answer = ask(interpreter, [['build', 1, GRAPH], ['type', 4, {'$': 3}],
                               ['count', 5, [{'$': 4}], 'grad', 0, False],
                               ['method', 6, {'$': 3}, 'grad', [], {}]])
    assert answer['error']['too_many_calls'] == {'object': 3, 'method': 'grad', 'limit': 0}
    assert hasattr(reference.Multiply.__dict__['grad'], '__wrapped__')  # still counting...
    ask(interpreter, [])   # ... until the next example starts: the reset unwraps it
    assert not hasattr(reference.Multiply.__dict__['grad'], '__wrapped__')


def test_what_a_call_prints_can_be_captured(interpreter):
    model = [{'kind': 'input'}, {'kind': 'param', 'value': 0.5, 'lr': 0.1},
             {'kind': 'add', 'operands': [0, 1]}]
    answer = ask(interpreter, [['get', 1, {'$': 0}, 'train_model'],
                               ['build', 20, model],
                               ['get', 3, {'$': 0}, 'mse_loss'], ['get', 4, {'$': 0}, 'mse_loss_grad'],
                               ['printing', 5, {'$': 1}, [{'$': 22}, {'$': 3}, {'$': 4},
                                                          [[[2.0], 1.0]]], {'epochs': 1}]],
                 fetch=[6])
    assert answer['values'][0].startswith('Epoch 0')


def test_the_wire_frames_each_message_with_its_length(tmp_path):
    import os
    read, write = os.pipe()
    wire.write(write, {'values': [1.5, 'é', None]})
    os.close(write)
    assert wire.read(read) == {'values': [1.5, 'é', None]}
    assert wire.read(read) is None


def test_reading_a_graph_back_and_walking_it(interpreter):
    answer = ask(interpreter, [['build', 1, GRAPH], ['describe', 4, {'$': 3}],
                               ['get', 5, {'$': 0}, 'Parameter'],
                               ['walk', 6, {'$': 3}, [{'$': 5}]]], fetch=[4, 6])
    described, walked = answer['values']
    assert described == [['param', 1, [], 2.0, 0.5, None], ['input', 2, [], 3.0, None, 'x'],
                         ['mul', 3, [1, 2]]]
    assert walked == [[{'$': 3, 't': 'Multiply'}, False], [{'$': 1, 't': 'Parameter'}, True],
                      [{'$': 2, 't': 'Input'}, False]]


def test_conversions_lists_and_small_helpers(interpreter):
    answer = ask(interpreter, [
        ['value', 1, [0.5, 0.25]], ['with_item', 2, {'$': 1}, 1, 9.0],
        ['iterate', 3, {'tuple': [1, 2]}], ['float', 4, '2.5'], ['list', 5, {'$': 2}],
        ['get_or', 6, {'$': 0}, 'Nonesuch', 'default'], ['callable_attr', 7, {'$': 0}, 'Add'],
        ['get', 8, {'$': 0}, 'Add'], ['build', 9, GRAPH], ['isinstance', 12, {'$': 11}, {'$': 8}],
        ['type', 13, {'$': 11}], ['identity', 14, {'$': 11}], ['seed', 15, 3]],
        fetch=[1, 2, 3, 4, 5, 6, 7, 12, 13, 14])
    assert answer['values'] == [[0.5, 0.25], [0.5, 9.0], [1, 2], 2.5, [0.5, 9.0], 'default',
                                True, False, {'$': 13, 't': 'type'}, 11]
    assert ask(interpreter, [['list', 1, 'text']])['error']['type'] == 'TypeError'
    assert ask(interpreter, [['float', 1, {'tuple': []}]])['error']['type'] == 'TypeError'


def test_the_checks_macros_subclass_the_implementations_macro(interpreter):
    answer = ask(interpreter, [['macros', 1], ['get', 5, {'$': 0}, 'Macro'],
                               ['isinstance', 6, {'$': 1}, {'$': 5}]], fetch=[1, 2, 3, 4])
    assert [v['t'] for v in answer['values']] == ['type'] * 4
    again = ask(interpreter, [['macros', 1]], fetch=[1])
    assert again['values'][0]['$'] != 0   # made once: the same class each time


class Doubling:
    """A functional-level adapter: value() and gradient() of its own."""
    source_paths = ()

    def value(self, graph):
        return 2.0 * len(graph.nodes)

    def gradient(self, graph):
        return {i: float(i) for i in graph.parameters}


def test_a_functional_adapter_answers_value_and_gradient():
    interpreter = Interpreter(Doubling())
    answer = ask(interpreter, [['adapter_value', 1, GRAPH], ['adapter_gradient', 2, GRAPH]],
                 fetch=[1, 2])
    assert answer['values'] == [6.0, [[0, 0.0]]]
    assert not interpreter.article


def test_answers_too_big_to_send_are_cut_with_a_marker(interpreter):
    from executor.values import MAX_ITEMS
    interpreter.objects.store(7, [0.0] * (MAX_ITEMS + 1))
    assert ask(interpreter, [], fetch=[7], reset=False)['values'] == [{'too_many': MAX_ITEMS + 1}]


def test_an_exception_whose_str_fails_is_still_described(interpreter):
    class Broken(Exception):
        def __str__(self):
            raise RuntimeError('no')
    interpreter.objects.store(7, Broken)
    answer = ask(interpreter, [['call', 1, {'$': 7}, [], {}], ['call', 2, {'$': 1}, [], {}]],
                 reset=False)
    assert answer['error']['type'] == 'TypeError'   # calling the instance is not possible
    described = interpreter.describe(Broken())
    assert described['message'] == '<Broken whose str() fails>'
    assert 'Broken' in described['traceback']
