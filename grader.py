"""Grade an implementation of the article's framework: `python grader.py --help`.

In a notebook (Jupyter, Colab): `import grader; grader.check_notebook()` grades the code the
notebook ran and shows the report there (grading/in_notebook.py).
"""
import sys

from grading.in_notebook import check_notebook  # noqa: F401 - the call notebooks make
from grading.otter import otter_check  # noqa: F401 - the call Otter test files make

if __name__ == '__main__':
    from grading.cli import main
    sys.exit(main())
