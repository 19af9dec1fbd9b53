"""Exercise 4: macros, operations that stand for a tree of elementary operations."""
from dataclasses import dataclass

from .nodes import Operation


@dataclass(eq=False)
class Macro(Operation):
    """An Operation that stands for a graph of elementary operations over its children.

    Exercise 4: a subclass defines expand(); compile() (exercise 2) replaces every Macro by its
    expansion and returns a graph with no Macro left anywhere: macros in a macro's children,
    macros an expansion produces, and a macro at the root (compile() then returns the expanded
    root). Values and gradients are those of the expanded graph. Contract: docs/contract.md,
    exercise 4.
    """

    def expand(self) -> Operation:
        """Exercise 4: a graph over self.children that computes the same function (it may contain
        macros). Every Macro subclass defines its own."""
        raise NotImplementedError(f'Exercise 4: {self.__class__.__name__}.expand() is not written '
                                  "yet — see Macro's docstring")

    def op(self, x):
        # A macro has no value of its own: only its expansion is ever evaluated.
        raise NotImplementedError(f'Exercise 4: a {self.__class__.__name__} is evaluated through '
                                  "its expansion, which compile() puts in its place — see Macro's "
                                  'docstring')


@dataclass(eq=False)
class Linear(Macro):
    """w_0 * x_0 + ... + w_(k-1) * x_(k-1) + b over its k = len(children) children."""

    def expand(self) -> Operation:
        """Exercise 4: Add([Multiply([w_0, x_0]), ..., Multiply([w_(k-1), x_(k-1)]), b]).

        The k weights and the bias b are Parameters of this Linear: fresh, all distinct, and
        created when the Linear is built (not in expand()), so that every expand() of one Linear
        uses the same Parameters. The expansion uses only Add and Multiply over those Parameters
        and self.children, and contains no Macro. Contract: docs/contract.md, exercise 4.
        """
        raise NotImplementedError('Exercise 4: Linear.expand() is not written yet — see its docstring')
