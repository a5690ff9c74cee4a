"""Reads `terraform test -json -verbose` output: prints each run's outcome and any error, and writes the state
of one run (the mocked apply that reachability.py reads).

Usage: terraform_test_output.py OUTPUT_JSONL RUN_NAME STATE_OUT
"""
import json
import sys


def main(output_path: str, run_name: str, state_path: str) -> int:
    state, status = None, 1
    with open(output_path, encoding="utf-8") as handle:
        for line in handle:
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                print(line, end="")
                continue
            kind = message.get("type")
            if kind == "test_run" and message.get("test_run", {}).get("progress") == "complete":
                print(f"  run {message['test_run']['run']}: {message['test_run']['status']}")
            elif kind == "test_summary":
                summary = message["test_summary"]
                print(f"  {summary['passed']} passed, {summary['failed']} failed, {summary['errored']} errored")
                status = 0 if summary["status"] == "pass" else 1
            elif kind == "test_state" and message.get("@testrun") == run_name:
                state = message["test_state"]
            elif message.get("@level") == "error" or kind == "diagnostic":
                print(f"  {message.get('@message', '')}")
    if state is None:
        print(f"  no state for run {run_name}: did it apply?")
        return 1
    with open(state_path, "w", encoding="utf-8") as handle:
        json.dump(state, handle)
    return status


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
