"""Prints Locust's CSV statistics as a table: requests per second, p50, p95, p99 and failures per operation."""

import csv
import sys


def main(stats_csv: str) -> int:
    with open(stats_csv, newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = f"{'operation':<46} {'requests':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'failures':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        label = "all operations" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"{label[:46]:<46} {row['Request Count']:>8} {float(row['Requests/s']):>8.1f} "
            f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {row['Failure Count']:>8}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
