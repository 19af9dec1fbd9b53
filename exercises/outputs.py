"""Exercise 5: output roots, which produce a list of floats instead of one."""
from dataclasses import dataclass
from typing import List

from .nodes import Operation


@dataclass(eq=False)
class Output(Operation):
    """A root whose value is the list of its children's values.

    Exercise 5: forward() (and so predict()) returns list[float], the children's values in order.
    backward(derivatives) takes d(loss)/d(output_i), one per output, and performs one SGD step
    as in docs/contract.md section 4, summed over the outputs. An Output is only ever a root.
    Its grad() is never called: backward(derivatives) does that job for an Output (keep the
    inherited one, or leave it out). Contract: docs/contract.md, exercise 5.
    """

    def op(self, x):
        raise NotImplementedError("Exercise 5: Output.op() is not written yet — see Output's docstring")

    def forward(self) -> List[float]:
        raise NotImplementedError("Exercise 5: Output.forward() is not written yet — see Output's "
                                  'docstring')

    def backward(self, derivatives: List[float]):
        raise NotImplementedError("Exercise 5: Output.backward() is not written yet — see Output's "
                                  'docstring')


@dataclass(eq=False)
class SoftMax(Output):
    """An Output whose value is softmax(children's values) (the bonus of exercise 5).

    Every entry in [0, 1] (strictly positive while the logits differ by less than 700), summing to
    1, unchanged when every logit is shifted by the same amount,
    and finite for logits of any finite size (+-1000 included). backward() uses the full Jacobian,
    d s_i / d z_j = s_i (delta_ij - s_j). Contract: docs/contract.md, exercise 5.
    """

    def op(self, x):
        raise NotImplementedError("Exercise 5: SoftMax.op() is not written yet — see SoftMax's "
                                  'docstring')
