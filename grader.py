"""Grade an implementation of the article's framework: `python grader.py --help`."""
import sys

if __name__ == '__main__':
    from grading.cli import main
    sys.exit(main())
