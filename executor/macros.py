"""The macros exercise 4's checks nest: subclasses of the student's own Macro.

Sum(c).expand() is Add(c), Product(c).expand() is Multiply(c), Deep(c).expand() is Sum([Sum(c)])
(a macro whose expansion is a macro over a macro), Affine(c).expand() is Linear(c). They are made
here because they must subclass the implementation's classes; the checks know them by name.
"""


_made = {}


def macro_classes(api):
    """[Sum, Product, Deep, Affine], made once per set of the implementation's classes."""
    key = (api.Macro, api.Linear, api.Add, api.Multiply)
    if key not in _made:
        _made[key] = _make(*key)
    return _made[key]


def _make(Macro, Linear, Add, Multiply):
    class Sum(Macro):
        def expand(self):
            return Add(list(self.children))

    class Product(Macro):
        def expand(self):
            return Multiply(list(self.children))

    class Deep(Macro):
        def expand(self):
            return Sum([Sum(list(self.children))])

    class Affine(Macro):
        def expand(self):
            return Linear(list(self.children))

    return [Sum, Product, Deep, Affine]
