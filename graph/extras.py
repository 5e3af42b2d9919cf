"""Optional parts (pyproject extras) and the one-line message when one is not installed.

A default install runs the main job (build, validate, query, briefs' data); the Neo4j driver, the
explorer, link suggestions and the notebooks come with extras. The CLI turns an ImportError of one of
these packages into `hint(...)` (one line, exit 2); the Neo4j store treats a missing driver as an
unavailable server.
"""

from __future__ import annotations

# top-level module → the extra that installs it
EXTRAS = {
    "neo4j": "neo4j",
    "streamlit": "app",
    "pyvis": "app",
    "cachetools": "app",
    "tabulate": "app",
    "sklearn": "suggest",
    "matplotlib": "notebooks",
}


def hint(module: str) -> str:
    """'this needs the optional package X, which is not installed: pip install 'craftgraph[extra]''."""
    top = module.split(".")[0]
    extra = EXTRAS.get(top)
    how = f"pip install 'craftgraph[{extra}]'" if extra else f"pip install {top}"
    return f"this needs the optional package {top}, which is not installed: {how}"


def missing(e: ImportError) -> str | None:
    """The hint for an ImportError of an optional package; None for any other ImportError (a bug)."""
    name = e.name or ""
    return hint(name) if name.split(".")[0] in EXTRAS else None
