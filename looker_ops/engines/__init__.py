"""Query engines: ``local`` (DuckDB over CloudTrail files on disk) and ``athena`` (pyathena).

Import the engine module you need (``from looker_ops.engines.local import LocalEngine``);
nothing is imported here so that one engine's dependencies are not loaded for the other.
"""
