"""CraftGraph: schema, stores, queries and analysis of the AI tools × entertainment crafts graph."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.store import Graph, load

__all__ = ["Graph", "load"]


def __getattr__(name: str):
    # imported on first use, so that a light module of the package (the Cypher worker, graph.sandbox)
    # does not pay for pandas and networkx
    if name in __all__:
        from graph import store

        return getattr(store, name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")
