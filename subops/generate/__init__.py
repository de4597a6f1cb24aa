"""Synthetic landing data for the subscriber_ops warehouse (contract v1).

`subops generate` writes the seven landing tables as Parquet, one file per
(table, month), set-based in DuckDB SQL with hash-based randomness so that the
same arguments always give byte-identical files. See `engine.py` for the steps.
"""

GENERATOR_VERSION = "1.0.0"
