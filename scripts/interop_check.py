#!/usr/bin/env python3
"""Reads Seer's outputs with the Python data stack's default options and reports what it saw.

  interop_check.py TOOL KIND PATH [TABLE]

TOOL: pandas (read_csv + to_datetime), polars (read_csv + str.to_datetime) or duckdb
(read_csv_auto); KIND: csv, or sqlite (PATH a database, TABLE its table; pandas through the
standard sqlite3 module). Prints one JSON object: rows, the dtype of each column, and the first
row's values as text — the Swift test checks them. Exits 3 when TOOL is not installed, so the
test can skip with a message.
"""
import json
import sys

tool, kind, path = sys.argv[1], sys.argv[2], sys.argv[3]
table = sys.argv[4] if len(sys.argv) > 4 else None
time_columns = ("ds", "cutoff")


def report(rows, dtypes, first):
    print(json.dumps({"rows": rows, "dtypes": dtypes, "first": first}))


try:
    if tool == "pandas":
        import pandas as pd
    elif tool == "polars":
        import polars as pl
    elif tool == "duckdb":
        import duckdb
    else:
        raise SystemExit(f"unknown tool {tool}")
except ImportError:
    sys.exit(3)

if tool == "pandas":
    if kind == "csv":
        frame = pd.read_csv(path)
    else:
        import sqlite3
        with sqlite3.connect(path) as connection:
            frame = pd.read_sql_query(f'SELECT * FROM "{table}"', connection)
    for column in time_columns:
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])  # no format: the default inference
    report(len(frame), {c: str(t) for c, t in frame.dtypes.items()}, {c: str(v) for c, v in frame.iloc[0].items()})
elif tool == "polars":
    frame = pl.read_csv(path)
    for column in time_columns:
        if column in frame.columns:
            frame = frame.with_columns(pl.col(column).str.to_datetime())
    report(frame.height, {c: str(t) for c, t in zip(frame.columns, frame.dtypes)}, {c: str(v) for c, v in frame.row(0, named=True).items()})
else:
    relation = duckdb.sql(f"SELECT * FROM read_csv_auto('{path}')")
    rows = relation.fetchall()
    report(len(rows), {c: str(t) for c, t in zip(relation.columns, relation.types)}, {c: str(v) for c, v in zip(relation.columns, rows[0])})
