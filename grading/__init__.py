"""The grader's machinery: loading an implementation, isolated runs, the report and its formats.

grader.py is the command; checks/ holds the properties. This package turns check results into
grades people and CI platforms read.
"""
