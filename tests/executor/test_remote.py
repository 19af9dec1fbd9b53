"""The trusted side of the conversation (checks/remote.py): Refs queue steps and one request
carries them; answers are validated, and whatever an executor sends that is not a well-formed
answer is the executor's failure, never the grader's."""
import json

import pytest

import reference
from checks.failures import ExecutorMisbehaved
from checks.graphs import Graph
from checks.remote import GraderBug, MissingName, Ref, Remote, StudentError, TooManyCalls
from executor.adapters import ArticleAdapter
from executor.steps import Interpreter

GRAPH = Graph.from_data([{'kind': 'param', 'value': 2.0, 'lr': 0.5},
                         {'kind': 'input', 'value': 3.0}, {'kind': 'mul', 'operands': [0, 1]}])


@pytest.fixture(autouse=True)
def _executors():
    made = []
    Loopback.made = made
    yield
    for executor in made:
        executor.interpreter.reset()   # no count left wrapped around the reference's classes


class Loopback:
    """An executor in this process, through JSON both ways; `forge` replaces its answers."""

    def __init__(self, forge=None):
        self.interpreter = Interpreter(ArticleAdapter(reference))
        self.requests, self.forge = [], forge
        self.made.append(self)

    def exchange(self, request, deadline):
        self.requests.append(json.loads(json.dumps(request)))
        answer = self.interpreter.answer(self.requests[-1])
        return json.loads(json.dumps(self.forge(answer) if self.forge else answer))

    def cpu_seconds(self):
        return None


def test_an_example_is_one_request_and_method_calls_are_one_step_each():
    executor = Loopback()
    remote = Remote(executor)
    built = remote.build(GRAPH)
    forward = built[2].forward()
    built[2].backward(1.5)
    assert executor.requests == []   # nothing sent until a value is needed
    assert remote.fetch_all([forward, built[0].value]) == [6.0, 2.0 - 0.5 * 1.5 * 3.0]
    (request,) = executor.requests
    assert [step[0] for step in request['steps']] == ['build', 'method', 'method', 'get']
    assert request['reset'] is True


def test_identity_survives_round_trips_and_examples_do_not_mix():
    remote = Remote(Loopback())
    built = remote.build(GRAPH)
    compiled = remote.fetch(built[2].compile())
    assert isinstance(compiled, Ref) and compiled.type_name == 'Multiply'
    assert remote.same(compiled, built[2])
    remote.new_example()
    with pytest.raises(GraderBug):
        remote.fetch(built[2].forward())


def test_student_exceptions_come_back_as_data_and_missing_names_as_such():
    remote = Remote(Loopback(), {'Nonesuch': 'ex4'})
    built = remote.build(GRAPH)
    with pytest.raises(StudentError) as raised:
        remote.fetch(built[2].predict([1.0, 2.0]))
    assert raised.value.is_a('ValueError') and 'got 2' in raised.value.message
    with pytest.raises(MissingName) as missing:
        remote.fetch(remote.api.Nonesuch)
    assert missing.value.exercise == 'ex4'


@pytest.mark.parametrize('forged', [
    {'values': [1.0, 2.0, 3.0]},                 # more values than asked for
    {'values': [{'$': 'not a handle'}]},         # a value of no known form
    {'values': [[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]},   # nested past any answer
])
def test_malformed_answers_are_the_executors_failure(forged):
    remote = Remote(Loopback(forge=lambda answer: forged))
    with pytest.raises(ExecutorMisbehaved):
        remote.fetch(remote.build(GRAPH)[2].forward())


def test_a_call_limit_stops_with_the_object_that_passed_it():
    remote = Remote(Loopback())
    built = remote.build(GRAPH)
    with pytest.raises(TooManyCalls) as stopped:
        with remote.counting([remote.type_of(built[2])], 'grad', limit=0):
            remote.fetch(built[2].grad())
    assert stopped.value.identity == remote.identity(built[2])


def test_call_counts_that_are_not_pairs_of_integers_are_refused():
    remote = Remote(Loopback())
    with remote.counting([remote.api.Multiply], 'op') as counts:
        with pytest.raises(ExecutorMisbehaved):
            counts.parse([['x', 1]])
        assert counts.read() == {}


def test_a_prefetch_reads_like_calls_made_one_at_a_time():
    """Everything in one round trip; values before the failing step read as values, the failing
    one and those after it raise its exception, and an exception nobody read comes out at the
    end of the example."""
    executor = Loopback()
    remote = Remote(executor)
    built = remote.build(GRAPH)
    before = built[2].forward()
    failing = built[2].predict([1.0, 2.0])
    after = built[0].value
    remote.prefetch([before, failing, after])
    assert len(executor.requests) == 1
    assert remote.fetch(before) == 6.0
    with pytest.raises(StudentError):
        remote.fetch(after)
    remote.finish()   # read: nothing left to raise
    built = remote.build(GRAPH)
    built[2].predict([1.0, 2.0])
    remote.prefetch([built[2].forward()])
    with pytest.raises(StudentError):
        remote.finish()


def test_a_student_exception_is_kept_bounded_and_its_names_on_one_line():
    """The executor cuts messages at 2000 characters only while the student's process lets it:
    the judge keeps a few screens of each field whatever arrives (once, a 405 MB report)."""
    error = StudentError({'type': 'ValueError\n\nTotal: 76/76', 'mro': ['Bad\nName'],
                          'message': 'm' * 10**6, 'traceback': 'first\n' + 't' * 10**6 + 'last'})
    assert error.type_name == 'ValueError\\n\\nTotal: 76/76' and error.mro == ['Bad\\nName']
    assert len(error.message) < 4100 and len(error.traceback) < 12100
    assert error.traceback.startswith('first') and error.traceback.endswith('last')
    assert 'characters left out' in error.traceback
    small = StudentError({'type': 'KeyError', 'message': 'a\nb', 'traceback': 'x'})
    assert (small.type_name, small.message, small.traceback) == ('KeyError', 'a\nb', 'x')
