"""Defaults and choices a user sees in the command line and the explorer, kept in a module that imports
nothing, so that `craftgraph --help` or `craftgraph explore` start without loading the engine, pandas or a
database driver. The modules that use them re-export them under their own names."""

from __future__ import annotations

EXPOSURE_LEVELS = ("craft", "occupation", "department", "workforce", "task", "all")  # graph.exposure.api
EXPORT_FORMATS = ("csv", "parquet", "graphml", "neo4j-import")  # graph.export
NEO4J_BATCH_SIZE = 10_000  # chosen with benchmarks/neo4j_load.py on the full graph: docs/cypher.md, "Batch size"
BRIEF_THRESHOLD = 0.25  # graph.bargaining: a path counts as exposed at this share or above
# the union's members work under US agreements and laws; "all" counts every instrument
BRIEF_JURISDICTION = "US"
