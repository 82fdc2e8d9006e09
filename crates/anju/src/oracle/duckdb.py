"""Runs the SQL oracle's queries in DuckDB (in memory).

python3 duckdb.py DIR RUNS QUERY...: executes DIR/load.sql, then each DIR/QUERY.sql
RUNS times, writes its answer to DIR/QUERY.csv (empty field for NULL) and prints
the load time and every run's time, in seconds, as JSON.
"""
import csv
import json
import os
import sys
import time

try:
    import duckdb
except ImportError:
    sys.exit("找不到 Python 的 duckdb 包 / the Python package duckdb is missing: pip install duckdb")

folder, runs, queries = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
connection = duckdb.connect()
connection.execute("SET enable_progress_bar = false")
started = time.perf_counter()
with open(os.path.join(folder, "load.sql")) as f:
    connection.execute(f.read())
timings = {"load": time.perf_counter() - started, "queries": []}
for name in queries:
    with open(os.path.join(folder, name + ".sql")) as f:
        sql = f.read()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        cursor = connection.execute(sql)
        rows = cursor.fetchall()
        times.append(time.perf_counter() - started)
    with open(os.path.join(folder, name + ".csv"), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow([c[0] for c in cursor.description])
        out.writerows(["" if v is None else v for v in row] for row in rows)
    timings["queries"].append(times)
print(json.dumps(timings))
