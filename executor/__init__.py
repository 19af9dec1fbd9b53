"""The untrusted side: everything here runs in the process that imports the student's code.

That process is the *executor*. It receives requests from the grader (build this graph, call this
method, read this attribute) and answers with plain data: numbers, strings, lists, references to
objects it keeps, the type and message of an exception. It holds no Hypothesis, no oracle, no
expected value, no seed, no points and no status, and nothing it sends is a verdict: the grader
judges every answer on its own side (checks/, grading/).

Nothing in this package imports checks/ or grading/, and nothing outside it is imported here.
"""
