"""An adapter named like the engine it imports (adapters/torch.py imports torch) is not on the
executor's sys.path: `import numpy` in an adapter file called numpy.py finds the real numpy."""
from checks import get
from grading.local import executor_for

ADAPTER = '''
import numpy

from executor.adapters import Adapter, build_by_operators


class NumpyScalars(Adapter):
    name = 'numpy scalars'
    operations = frozenset({'add', 'mul'})

    def value(self, graph):
        return float(build_by_operators(graph, lambda i, node: numpy.float64(node.value))[graph.root])

    def gradient(self, graph):
        return {i: 0.0 for i in graph.parameters}
'''


def test_an_adapter_named_like_its_engine_imports_the_engine(tmp_path):
    (tmp_path / 'numpy.py').write_text(ADAPTER)
    with executor_for(None, adapter=str(tmp_path / 'numpy.py')) as impl:
        result = impl.run(get('core.forward'))
    assert result.status == 'passed', (result.status, result.message)
