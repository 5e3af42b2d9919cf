"""CraftGraph: schema, stores, queries and analysis of the AI tools × entertainment crafts graph."""

from graph.store import Graph, load

__all__ = ["Graph", "load"]
