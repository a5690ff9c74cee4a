"""A check schemathesis runs on every response (loaded through SCHEMATHESIS_HOOKS by fuzz.test.ts).

Whatever the fuzzer sends, no answer may carry a stack trace, a driver or runtime message, or a
connection string: those belong in logs under the operation id, never with a caller.
"""
import re

import schemathesis

LEAKS = re.compile(
    r"at \S+ \(.*:\d+:\d+\)"  # a JavaScript stack frame
    r"|\bMongo[A-Za-z]*(Error|Exception)\b"  # a driver error class
    r"|mongodb(\+srv)?://"  # a connection string
    r"|\bE11000\b|ECONNREFUSED|ETIMEDOUT"  # driver and socket messages
    r"|TypeError|ReferenceError|SyntaxError: "  # runtime errors
    r"|node_modules|/dist/src/"  # source paths
)


@schemathesis.check
def no_internal_detail(ctx, response, case):
    text = response.text or ""
    leak = LEAKS.search(text)
    if leak:
        raise AssertionError(f"the response reveals internal detail: {leak.group(0)!r}")
