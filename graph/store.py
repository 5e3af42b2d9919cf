"""The embedded store, as notebooks and the app use it.

import graph
g = graph.load()                 # the current snapshot
g.nodes["Craft"]                 # pandas frame per label
g.edges["PROVIDES"]              # pandas frame per relationship type (src, dst, ...)
g.nx()                           # networkx MultiDiGraph (built on first use)
g.cypher("MATCH (t:Tool) RETURN t.name LIMIT 5")   # read-only Cypher, as a frame
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import networkx as nx
import pandas as pd
from networkx import MultiDiGraph

from graph import snapshot
from graph.embedded import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, EmbeddedCypher, Result


class Graph:
    def __init__(self, snap: Path):
        self.path = snap
        self.manifest = snapshot.read_manifest(snap)
        self.nodes, self.edges = snapshot.read_tables(snap)
        self._cypher: EmbeddedCypher | None = None

    @property
    def build_id(self) -> str:
        return self.manifest["build_id"]

    def node(self, node_id: str) -> dict | None:
        """Properties of one node by id, with its label, or None."""
        label = self.label_index.get(node_id)
        if label is None:
            return None
        df = self.nodes[label]
        row = df[df["id"] == node_id].iloc[0].to_dict()
        return {"label": label, **row}

    @cached_property
    def label_index(self) -> dict[str, str]:
        return {i: label for label, df in self.nodes.items() for i in df["id"]}

    def nx(self) -> MultiDiGraph:
        return self._nx

    @cached_property
    def _nx(self) -> MultiDiGraph:
        g = nx.MultiDiGraph(build_id=self.build_id)
        for label, df in self.nodes.items():
            records = df.to_dict("records")
            g.add_nodes_from((r["id"], {**r, "label": label}) for r in records)
        for rel, df in self.edges.items():
            records = df.to_dict("records")
            g.add_edges_from((r["src"], r["dst"], rel, {**r, "type": rel}) for r in records)
        return g

    def session(self) -> EmbeddedCypher:
        """A Cypher session of its own (its own worker process), e.g. one per explorer user."""
        return EmbeddedCypher(self.path)

    def run(
        self,
        query: str,
        params: dict | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        row_cap: int = DEFAULT_ROW_CAP,
    ) -> Result:
        if self._cypher is None:
            self._cypher = EmbeddedCypher(self.path)
        return self._cypher.run(query, params, timeout_s=timeout_s, row_cap=row_cap)

    def cypher(self, query: str, params: dict | None = None, **kw) -> pd.DataFrame:
        res = self.run(query, params, **kw)
        return pd.DataFrame(res.rows, columns=res.columns)

    def counts(self) -> dict:
        return self.manifest["counts"]

    def close(self) -> None:
        if self._cypher is not None:
            self._cypher.close()
            self._cypher = None


def load(home: Path | str | None = None) -> Graph:
    """The current snapshot of `home` (default: CRAFTGRAPH_HOME or the per-user data directory)."""
    return Graph(snapshot.current_dir(Path(home) if home else None))
