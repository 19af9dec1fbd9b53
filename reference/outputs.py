"""Exercise 5: output roots, which produce a list of floats instead of one."""
import math

from .nodes import Operation, backpropagate


class Output(Operation):
    """A root whose value is the list of its children's values."""

    def op(self, x):
        return list(x)

    def forward(self):
        return list(super().forward())  # a copy: the caller may change the list we cache

    def derivatives_wrt_children(self, derivatives):
        """d(loss)/d(child j), given d(loss)/d(output i) for every output i."""
        return list(derivatives)

    def backward(self, derivatives):
        """One SGD step, given the derivative of the loss with respect to each output."""
        if len(derivatives) != len(self.children):
            raise ValueError(f'{self.__class__.__name__} has {len(self.children)} outputs but '
                             f'backward() got {len(derivatives)} derivatives')
        backpropagate(zip(self.children, self.derivatives_wrt_children(derivatives)))

    def formula(self, child_formulas):
        return '[' + ', '.join(child_formulas) + ']'


def softmax(logits):
    """exp(z_i) / sum_j exp(z_j), shifted by max(z) so that no exp() can overflow."""
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


class SoftMax(Output):
    """A probability distribution over its children's values (the logits)."""

    def op(self, x):
        return softmax(x)

    def derivatives_wrt_children(self, derivatives):
        # d s_i / d z_j = s_i (delta_ij - s_j), so d loss / d z_j = s_j (g_j - sum_i g_i s_i).
        s = self.forward()
        weighted = sum(g * s_i for g, s_i in zip(derivatives, s))
        return [s_j * (g_j - weighted) for g_j, s_j in zip(derivatives, s)]

    def formula(self, logits):  # the children's formulas are the logits
        top = logits[0]
        for logit in logits[1:]:
            top = f'max({top}, {logit})'  # the same shift as op(): no exp() can overflow
        exps = [f'exp({logit} - {top})' for logit in logits]
        total = '(' + ' + '.join(exps) + ')'
        return '[' + ', '.join(f'{e} / {total}' for e in exps) + ']'
