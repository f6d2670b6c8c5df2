"""The schemathesis command line, with a guard around one CPython 3.11 bug (run.py runs this).

CPython 3.11 before 3.11.9 can raise `SystemError: AST constructor recursion depth mismatch`
from `ast.parse` after a RecursionError was caught earlier in the process (gh-106905).
Hypothesis calls `ast.parse` only to *describe* a lambda (a strategy's label in a report), so
such an error is about the label, never about the API under test: here the label becomes
`lambda: <unknown>` and the run goes on. A higher recursion limit makes the RecursionError
behind it rarer too. Every other error stands.
"""
import runpy
import sys

import hypothesis.internal.lambda_sources as lambda_sources

_describe = lambda_sources._lambda_description


def _guarded(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError as error:
        if "recursion depth mismatch" not in str(error):
            raise
        return "lambda: <unknown>"


lambda_sources._lambda_description = _guarded
sys.setrecursionlimit(20000)
sys.argv[0] = "schemathesis"
runpy.run_module("schemathesis.cli", run_name="__main__", alter_sys=True)
