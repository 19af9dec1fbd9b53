"""Bugs the mutation run found no check for (docs/quality.md, "missing checks"): each mirrors a
surviving mutant of reference/ and names the check added or extended to catch it."""
from . import Bug

BUGS = [
    Bug('input_default_one', 'core', 'core.constructors',
        'Input() starts at 1.0 instead of 0.0',
        (('nodes.py', 'def __init__(self, value=0.0, name=None):',
          'def __init__(self, value=1.0, name=None):'),)),
    Bug('learning_rate_default_tenth', 'core', 'core.constructors',
        "a Parameter's default learning rate is 0.1, not 0.01",
        (('nodes.py', 'def __init__(self, value=None, learning_rate=0.01):',
          'def __init__(self, value=None, learning_rate=0.1):'),)),
    Bug('parameter_init_positive_only', 'core', 'core.constructors',
        'a Parameter without a value draws from uniform(0, 1): every initial weight positive',
        (('nodes.py', 'random.uniform(-1, 1) if value is None', 'random.uniform(0, 1) if value is None'),)),
    Bug('train_default_epochs_100', 'core', 'core.train_model',
        'train_model runs 100 epochs unless told otherwise',
        (('training.py', 'epochs=1000, print_every=100', 'epochs=100, print_every=100'),)),
    Bug('train_prints_from_epoch_one', 'core', 'core.train_model',
        'train_model prints after epochs 1, 1 + print_every, ... instead of 0, print_every, ...',
        (('training.py', 'if epoch % print_every == 0:', 'if epoch % print_every == 1:'),)),
    Bug('train_prints_total_loss', 'core', 'core.train_model',
        'train_model prints the total loss of the epoch, not its mean',
        (('training.py', 'loss={total_loss / len(data)}', 'loss={total_loss}'),)),
    Bug('predict_length_compared_by_identity', 'core', 'core.predict',
        'predict() compares lengths with `is not`: true for equal lengths above 256',
        (('nodes.py', 'if len(inputs) != len(input_nodes):',
          'if len(inputs) is not len(input_nodes):'),)),
    Bug('bce_no_upper_clip', 'core', 'core.losses',
        'bce clips y_pred from below only: log(0) at a prediction of exactly 1',
        (('losses.py', '    y_pred = min(max(y_pred, eps), 1 - eps)\n'
                       '    return -y_true * math.log(y_pred)',
          '    y_pred = max(y_pred, eps)\n    return -y_true * math.log(y_pred)'),)),
    Bug('cce_no_upper_clip', 'ex5', 'ex5.cce_clip',
        'cce clips predictions from below only, so a prediction above 1 gives a negative loss',
        (('losses.py', 'math.log(min(max(p, eps), 1.0))', 'math.log(max(p, eps))'),)),
    Bug('cce_length_compared_by_identity', 'ex5', 'ex5.cce',
        'cce compares the lengths with `is not`: it raises on 300 classes',
        (('losses.py', 'if len(y_true) != len(y_pred):', 'if len(y_true) is not len(y_pred):'),)),
    Bug('output_backward_length_compared_by_identity', 'ex5', 'ex5.output_backward',
        'Output.backward compares lengths with `is not`: it raises with 300 outputs',
        (('outputs.py', 'if len(derivatives) != len(self.children):',
          'if len(derivatives) is not len(self.children):'),)),
    Bug('input_names_too_few_candidates', 'ex6', 'ex6.unnamed_inputs',
        'compile() tries as many names x0, x1, ... as there are unnamed Inputs: when x0 is '
        'already taken, the last unnamed Input finds no name',
        (('nodes.py', 'range(len(input_nodes) + len(taken))',
          'range(len(input_nodes) - len(taken))'),)),
    Bug('find_inputs_stops_at_a_shared_node', 'ex7', 'ex7.shared_inputs',
        'find_input_nodes() stops its walk (break, not continue) at the first node it meets a '
        'second time: in0 + in0 * in1 lists in0 alone',
        (('nodes.py', '            if node in seen:\n                continue\n'
                      '            seen.add(node)\n            if isinstance(node, Input):',
          '            if node in seen:\n                break\n'
          '            seen.add(node)\n            if isinstance(node, Input):'),)),
    Bug('funcify_frees_a_shared_text_too_soon', 'ex6', 'ex6.shared_nodes',
        "funcify() frees each child's text as soon as one parent has used it (to save memory on "
        'deep chains): a node with two parents is missing for the second, (a + p) * sigmoid(a + p) '
        'raises KeyError',
        (('nodes.py', 'node.formula([formulas[child] for child in node.children])',
          'node.formula([formulas.pop(child) for child in node.children])'),
         ('nodes.py', '                del formulas[child]', '                pass'))),
]
