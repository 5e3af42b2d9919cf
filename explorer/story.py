"""A craft's story for the graph view: craft → its tasks → the capabilities that reach them → the tools that
provide those capabilities, with the limitations holding the capabilities back on the side. Read from the
snapshot's tables (HAS_TASK, REACHES, PROVIDES, CONSTRAINED_BY); each column is capped, and the story
says what the caps hid. No Streamlit."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from graph.store import Graph

COLUMNS = ("Craft", "Task", "Capability", "Tool", "Limitation")  # left to right; limitations on the side
PLURAL = {"Task": "tasks", "Capability": "capabilities", "Tool": "tools", "Limitation": "limitations"}


@dataclass
class Story:
    craft: str
    G: nx.MultiDiGraph  # the nodes shown (label, name, level) and their edges (title for hover)
    shown: dict[str, int] = field(default_factory=dict)  # label -> nodes shown
    total: dict[str, int] = field(default_factory=dict)  # label -> nodes in the whole story
    unreached_tasks: int = 0  # tasks no capability reaches (never shown: they have no story)

    def hidden(self) -> dict[str, int]:
        return {
            lab: self.total[lab] - self.shown.get(lab, 0)
            for lab in self.total
            if self.total[lab] > self.shown.get(lab, 0)
        }

    def summary(self) -> str:
        """What is shown of what, e.g. "12 of 40 tasks, 12 of 19 capabilities, ..."."""
        return ", ".join(
            f"{self.shown.get(lab, 0)} of {self.total[lab]} {PLURAL[lab]}" for lab in PLURAL if lab in self.total
        )


def _edges(g: Graph, rel: str, cols: tuple[str, ...] = ()) -> pd.DataFrame:
    df = g.edges.get(rel)
    if df is None or not len(df):
        return pd.DataFrame(columns=["src", "dst", *cols])
    for c in cols:
        if c not in df.columns:
            df = df.assign(**{c: None})
    return df[["src", "dst", *cols]]


def _names(g: Graph, label: str) -> dict[str, str]:
    df = g.nodes.get(label)
    if df is None or not len(df):
        return {}
    col = next((c for c in ("name", "title", "text") if c in df.columns), "id")
    return dict(zip(df["id"], df[col].astype(str), strict=True))


def _reach(g: Graph) -> pd.DataFrame:
    """Capability → task links: the engine's effective REACHES when the build wrote them, else the curated PERFORMS."""
    r = _edges(g, "REACHES", ("weight", "mode"))
    return r if len(r) else _edges(g, "PERFORMS", ("weight", "mode"))


def craft_story(g: Graph, craft: str, per_column: int = 12) -> Story:
    """The craft's story: at most `per_column` tasks and capabilities (those that carry the most exposure
    weight), tools (those that provide the most of the capabilities shown) and limitations (those that hold
    back the most of them)."""
    G = nx.MultiDiGraph()
    names = {lab: _names(g, lab) for lab in COLUMNS}
    G.add_node(craft, label="Craft", name=names["Craft"].get(craft, craft), level=0)
    tasks = _edges(g, "HAS_TASK", ("importance",))
    tasks = tasks[tasks["src"] == craft].assign(importance=lambda d: d["importance"].astype(float))
    reach = _reach(g)
    reach = (
        reach[reach["dst"].isin(tasks["dst"])]
        .merge(tasks[["dst", "importance"]], on="dst", how="left")
        .assign(w=lambda d: d["weight"].astype(float) * d["importance"])
    )
    story = Story(craft, G)
    story.unreached_tasks = int((~tasks["dst"].isin(reach["dst"])).sum())
    by_task = reach.groupby("dst")["w"].sum().sort_values(ascending=False)
    by_cap = reach.groupby("src")["w"].sum().sort_values(ascending=False)
    shown_tasks = list(by_task.index[:per_column])
    caps = [c for c in by_cap.index if reach[(reach["src"] == c) & reach["dst"].isin(shown_tasks)].shape[0]]
    shown_caps = caps[:per_column]
    story.total |= {"Task": len(by_task), "Capability": len(by_cap)}
    for t in shown_tasks:
        G.add_node(t, label="Task", name=names["Task"].get(t, t), level=1)
        imp = float(tasks.loc[tasks["dst"] == t, "importance"].iloc[0])
        G.add_edge(craft, t, key="HAS_TASK", title=f"does this task (importance {imp:.2f})")
    for c in shown_caps:
        G.add_node(c, label="Capability", name=names["Capability"].get(c, c), level=2)
    for r in reach[reach["src"].isin(shown_caps) & reach["dst"].isin(shown_tasks)].itertuples(index=False):
        G.add_edge(r.src, r.dst, key="REACHES", title=f"can {r.mode} {100 * float(r.weight):.0f}% of the task")
    _tools(g, story, shown_caps, names["Tool"], per_column)
    _limitations(g, story, shown_caps, names["Limitation"], per_column)
    story.shown = {lab: sum(1 for _, d in G.nodes(data=True) if d["label"] == lab) for lab in PLURAL}
    return story


def _tools(g: Graph, story: Story, caps: list[str], names: dict[str, str], cap: int) -> None:
    """The tools that provide the most of the shown capabilities (at most `cap`), each linked to those it
    provides."""
    prov = _edges(g, "PROVIDES")
    prov = prov[prov["dst"].isin(caps)]
    story.total["Tool"] = int(prov["src"].nunique())
    breadth = prov.groupby("src")["dst"].nunique()
    ranked = sorted(breadth.index, key=lambda t: (-breadth[t], names.get(t, t).lower()))[:cap]
    for t in ranked:
        story.G.add_node(t, label="Tool", name=names.get(t, t), level=3)
        for c in prov.loc[prov["src"] == t, "dst"].unique():
            story.G.add_edge(t, c, key="PROVIDES", title="provides this capability")


def _limitations(g: Graph, story: Story, caps: list[str], names: dict[str, str], cap: int) -> None:
    con = _edges(g, "CONSTRAINED_BY", ("severity",))
    con = con[con["src"].isin(caps)]
    story.total["Limitation"] = int(con["dst"].nunique())
    order = con.groupby("dst")["src"].nunique().sort_values(ascending=False)
    for lim in order.index[:cap]:
        story.G.add_node(lim, label="Limitation", name=names.get(lim, lim), level=4)
        for r in con[con["dst"] == lim].itertuples(index=False):
            sev = "" if r.severity is None or r.severity != r.severity else f" (severity {float(r.severity):.2f})"
            story.G.add_edge(r.src, lim, key="CONSTRAINED_BY", title=f"held back by this limitation{sev}")
